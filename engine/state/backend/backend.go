package backend

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/engine/state/pgstore"
)

// DefaultWorkspace is the workspace every backend has and uses unless told
// otherwise.
const DefaultWorkspace = "default"

// Kinds are the valid labels of a state block.
var Kinds = []string{"local", "postgres"}

// Backend holds the workspaces of one configuration.
type Backend interface {
	// Kind is "local" or "postgres".
	Kind() string
	// String describes where state is kept, without secrets.
	String() string
	// Store returns the store of workspace name; it need not exist yet.
	Store(name string) state.Store
	// Workspaces lists the existing workspaces, sorted; DefaultWorkspace is
	// always among them.
	Workspaces(ctx context.Context) ([]string, error)
	// CreateWorkspace adds an empty workspace, failing if it exists.
	CreateWorkspace(ctx context.Context, name string) error
	// DeleteWorkspace removes a workspace and its state.
	DeleteWorkspace(ctx context.Context, name string) error
	// Close releases connections.
	Close()
}

// Options are what a backend needs from outside the configuration.
type Options struct {
	// WorkDir is the working directory; local state lives there.
	WorkDir string
	// Environ is the environment, as os.Environ returns it.
	Environ []string
}

// PGConnEnv supplies the postgres conn string when the block has none.
const PGConnEnv = "STEWARD_PG_CONN"

// Settings are the decoded state block.
type Settings struct {
	Kind string
	// Workspace is the block's workspace attribute: the workspace used when
	// none is selected. Empty means DefaultWorkspace.
	Workspace string
	// Postgres is the postgres kind's configuration.
	Postgres pgstore.Config
}

var postgresSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "conn"}, {Name: "schema"}, {Name: "workspace"}, {Name: "keep_versions"},
}}

var localSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "workspace"}}}

// Decode checks a state block and decodes its attributes. nil (no block)
// means local. Attribute values must be constants: the block is read before
// variables exist, as it says where the state that variables may depend on
// lives. Secrets belong in STEWARD_PG_CONN or the PG* variables, not here.
func Decode(s *config.StateSettings, opts Options) (*Settings, hcl.Diagnostics) {
	if s == nil {
		return &Settings{Kind: "local"}, nil
	}
	out := &Settings{Kind: s.Kind}
	var diags hcl.Diagnostics
	var schema *hcl.BodySchema
	switch s.Kind {
	case "local":
		schema = localSchema
	case "postgres":
		schema = postgresSchema
	default:
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown state storage",
			Detail:   fmt.Sprintf("%q is not a kind of state storage steward knows. Valid kinds: %s.", s.Kind, strings.Join(quoted(Kinds), ", ")),
			Subject:  s.DeclRange.Ptr(),
		}}
	}
	content, cdiags := s.Config.Content(schema)
	diags = append(diags, cdiags...)
	str := func(name string, dst *string) {
		a, ok := content.Attributes[name]
		if !ok {
			return
		}
		v, vdiags := a.Expr.Value(nil)
		diags = append(diags, vdiags...)
		if vdiags.HasErrors() {
			return
		}
		sv, err := convert.Convert(v, cty.String)
		if err != nil || sv.IsNull() || !sv.IsKnown() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + name,
				Detail: name + " must be a string.", Subject: a.Expr.Range().Ptr()})
			return
		}
		*dst = sv.AsString()
	}
	str("workspace", &out.Workspace)
	if a, ok := content.Attributes["workspace"]; ok && out.Workspace != "" && !pgstore.ValidName(out.Workspace) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid workspace",
			Detail: "A workspace name has letters, digits, '-', '_' and '.', and starts with a letter or digit.", Subject: a.Expr.Range().Ptr()})
	}
	if s.Kind == "postgres" {
		str("conn", &out.Postgres.ConnString)
		str("schema", &out.Postgres.Schema)
		if a, ok := content.Attributes["keep_versions"]; ok {
			v, vdiags := a.Expr.Value(nil)
			diags = append(diags, vdiags...)
			n := -1
			if !vdiags.HasErrors() {
				if nv, err := convert.Convert(v, cty.Number); err == nil && !nv.IsNull() && nv.IsKnown() {
					if i, acc := nv.AsBigFloat().Int64(); acc == 0 && i >= 1 && i <= 100000 {
						n = int(i)
					}
				}
			}
			if n < 0 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid keep_versions",
					Detail: "keep_versions must be a whole number from 1: how many versions of each workspace's state to keep.", Subject: a.Expr.Range().Ptr()})
			}
			out.Postgres.KeepVersions = max(n, 0)
		}
		if out.Postgres.ConnString == "" {
			out.Postgres.ConnString = lookupEnv(opts.Environ, PGConnEnv)
		}
	}
	return out, diags
}

// Open returns the backend for decoded settings.
func Open(s *Settings, opts Options) (Backend, error) {
	switch s.Kind {
	case "local":
		return NewLocal(opts.WorkDir), nil
	case "postgres":
		b, err := pgstore.Open(s.Postgres)
		if err != nil {
			return nil, fmt.Errorf("state storage postgres: %w", err)
		}
		return &postgres{b}, nil
	}
	return nil, fmt.Errorf("unknown state storage %q; valid kinds: %s", s.Kind, strings.Join(Kinds, ", "))
}

type postgres struct{ *pgstore.Backend }

func (p *postgres) Kind() string                  { return "postgres" }
func (p *postgres) Store(name string) state.Store { return p.Backend.Store(name) }

// Local keeps the default workspace's state in WorkDir/steward.state.json
// and every other workspace's in WorkDir/steward.state.d/NAME/steward.state.json.
type Local struct {
	dir string
}

// StateFile is the local state file's name.
const StateFile = "steward.state.json"

// WorkspacesDir holds the local state of workspaces other than the default.
const WorkspacesDir = "steward.state.d"

// NewLocal returns the local backend of the working directory dir.
func NewLocal(dir string) *Local { return &Local{dir: dir} }

// Kind returns "local".
func (l *Local) Kind() string { return "local" }

// String describes the backend.
func (l *Local) String() string { return "the local file " + filepath.Join(l.dir, StateFile) }

// Path returns the state file of workspace name.
func (l *Local) Path(name string) string {
	if name == "" || name == DefaultWorkspace {
		return filepath.Join(l.dir, StateFile)
	}
	return filepath.Join(l.dir, WorkspacesDir, name, StateFile)
}

// Store returns the LocalStore of workspace name.
func (l *Local) Store(name string) state.Store { return state.NewLocalStore(l.Path(name)) }

// Workspaces lists default and the directories under steward.state.d.
func (l *Local) Workspaces(ctx context.Context) ([]string, error) {
	names := []string{DefaultWorkspace}
	entries, err := os.ReadDir(filepath.Join(l.dir, WorkspacesDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("listing workspaces: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() && pgstore.ValidName(e.Name()) && e.Name() != DefaultWorkspace {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// CreateWorkspace makes the workspace's directory.
func (l *Local) CreateWorkspace(ctx context.Context, name string) error {
	if !pgstore.ValidName(name) {
		return fmt.Errorf("%q is not a valid workspace name: use letters, digits, '-', '_' and '.'", name)
	}
	if name == DefaultWorkspace {
		return fmt.Errorf("workspace %q already exists", name)
	}
	if err := os.MkdirAll(filepath.Join(l.dir, WorkspacesDir), 0o755); err != nil {
		return fmt.Errorf("creating workspace %s: %w", name, err)
	}
	if err := os.Mkdir(filepath.Join(l.dir, WorkspacesDir, name), 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("workspace %q already exists", name)
		}
		return fmt.Errorf("creating workspace %s: %w", name, err)
	}
	return nil
}

// DeleteWorkspace removes the workspace's directory, holding its lock
// while checking that no run uses it.
func (l *Local) DeleteWorkspace(ctx context.Context, name string) error {
	if name == DefaultWorkspace || !pgstore.ValidName(name) {
		return fmt.Errorf("workspace %q cannot be deleted", name)
	}
	dir := filepath.Join(l.dir, WorkspacesDir, name)
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("workspace %q does not exist", name)
	}
	u, err := l.Store(name).Lock(ctx, state.LockInfo{Operation: "workspace delete"}, 0)
	if err != nil {
		return err
	}
	// The lock file is inside dir; on Linux removing a locked file is fine
	// and a waiter then fails to find the workspace.
	err = os.RemoveAll(dir)
	_ = u.Unlock()
	if err != nil {
		return fmt.Errorf("deleting workspace %s: %w", name, err)
	}
	return nil
}

// Close does nothing.
func (l *Local) Close() {}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func lookupEnv(environ []string, name string) string {
	for i := len(environ) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(environ[i], name+"="); ok {
			return v
		}
	}
	return ""
}
