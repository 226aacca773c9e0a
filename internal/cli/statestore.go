package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/engine/state/backend"
	"github.com/stewardhq/steward/engine/state/pgstore"
)

// WorkspaceEnv selects the workspace when -workspace is not given.
const WorkspaceEnv = "STEWARD_WORKSPACE"

// workspaceFile records the workspace `steward workspace select` chose,
// relative to the working directory.
const workspaceFile = ".steward/workspace"

// stateTarget is where this run's state lives.
type stateTarget struct {
	backend   backend.Backend
	settings  *backend.Settings
	workspace string
	store     state.Store
}

// close releases the backend's connections.
func (t *stateTarget) close() {
	if t != nil && t.backend != nil {
		t.backend.Close()
	}
}

// describe names the store for messages.
func (t *stateTarget) describe() string {
	if ls, ok := t.store.(*state.LocalStore); ok {
		return ls.Path()
	}
	return fmt.Sprint(t.store)
}

// stateSettings decodes the configuration's state block. cfg may be nil,
// for commands that do not otherwise load the configuration; a directory
// without configuration files keeps its state locally.
func (f *Factory) stateSettings(cfg *config.Config, files map[string]*hcl.File) (*backend.Settings, error) {
	if cfg == nil {
		loader := config.NewLoader()
		c, diags := loader.Load(f.WorkDir)
		files = loader.Files()
		if diags.HasErrors() {
			if len(diags) == 1 && diags[0].Summary == "No configuration files" {
				return &backend.Settings{Kind: "local"}, nil
			}
			// Falling back to local state here could show, or edit, the
			// wrong state, so a broken configuration stops the command.
			f.showDiags(diags, files)
			return nil, errSilent
		}
		cfg = c
	}
	var ss *config.StateSettings
	if cfg.Root != nil && cfg.Root.Settings != nil {
		ss = cfg.Root.Settings.State
	}
	settings, diags := backend.Decode(ss, backend.Options{WorkDir: f.WorkDir, Environ: f.Environ})
	if diags.HasErrors() {
		f.showDiags(diags, files)
		return nil, errSilent
	}
	return settings, nil
}

// openBackend opens the backend the configuration names.
func (f *Factory) openBackend(cfg *config.Config, files map[string]*hcl.File) (backend.Backend, *backend.Settings, error) {
	settings, err := f.stateSettings(cfg, files)
	if err != nil {
		return nil, nil, err
	}
	b, err := backend.Open(settings, backend.Options{WorkDir: f.WorkDir, Environ: f.Environ})
	if err != nil {
		return nil, nil, err
	}
	return b, settings, nil
}

// currentWorkspace is the workspace to use: -workspace, else
// STEWARD_WORKSPACE, else the one `workspace select` recorded, else the
// state block's workspace attribute, else "default".
func (f *Factory) currentWorkspace(settings *backend.Settings) (string, error) {
	name := f.Workspace
	if name == "" {
		name = lookupEnv(f.Environ, WorkspaceEnv)
	}
	if name == "" {
		data, err := os.ReadFile(f.Path(workspaceFile))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("reading the selected workspace: %w", err)
		}
		name = strings.TrimSpace(string(data))
	}
	if name == "" && settings != nil {
		name = settings.Workspace
	}
	if name == "" {
		name = backend.DefaultWorkspace
	}
	if !pgstore.ValidName(name) {
		return "", fmt.Errorf("%q is not a valid workspace name: use letters, digits, '-', '_' and '.'", name)
	}
	return name, nil
}

// openStateTarget finds the current workspace's store. A workspace other
// than the default must exist: a mistyped -workspace would otherwise look
// like an empty state, and the plan would create everything again.
func (f *Factory) openStateTarget(ctx context.Context, cfg *config.Config, files map[string]*hcl.File) (*stateTarget, error) {
	b, settings, err := f.openBackend(cfg, files)
	if err != nil {
		return nil, err
	}
	t := &stateTarget{backend: b, settings: settings}
	t.workspace, err = f.currentWorkspace(settings)
	if err != nil {
		b.Close()
		return nil, err
	}
	if t.workspace != backend.DefaultWorkspace {
		names, err := b.Workspaces(ctx)
		if err != nil {
			b.Close()
			return nil, err
		}
		if !slices.Contains(names, t.workspace) {
			b.Close()
			return nil, fmt.Errorf("workspace %q does not exist in %s; create it with `steward workspace new %s`, or pick one of: %s", t.workspace, b, t.workspace, strings.Join(names, ", "))
		}
	}
	t.store = b.Store(t.workspace)
	return t, nil
}

// readCurrentState reads the current workspace's state without locking,
// for commands that only look.
func (f *Factory) readCurrentState(ctx context.Context) (*state.State, error) {
	t, err := f.openStateTarget(ctx, nil, nil)
	if err != nil {
		return nil, err
	}
	defer t.close()
	return t.store.Read(ctx)
}

// loadStateKey returns the hash key: STEWARD_STATE_KEY if set, else the
// store's own key if it keeps one (shared state needs a shared key), else
// the working directory's .steward/state.key.
func (f *Factory) loadStateKey(ctx context.Context, store state.Store) ([]byte, error) {
	if _, set := os.LookupEnv(state.KeyEnv); !set {
		if ks, ok := store.(state.KeyStore); ok {
			return ks.LoadOrCreateKey(ctx)
		}
	}
	return state.LoadOrCreateKey(f.WorkDir)
}

// selectWorkspace records name as the working directory's workspace.
func (f *Factory) selectWorkspace(name string) error {
	path := f.Path(workspaceFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("recording the selected workspace: %w", err)
	}
	if name == backend.DefaultWorkspace {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("recording the selected workspace: %w", err)
		}
		return nil
	}
	if err := os.WriteFile(path, []byte(name+"\n"), 0o644); err != nil {
		return fmt.Errorf("recording the selected workspace: %w", err)
	}
	return nil
}

// validateStateBlock checks the state block for `steward validate`,
// without connecting anywhere.
func validateStateBlock(cfg *config.Config, f *Factory) hcl.Diagnostics {
	if cfg.Root == nil || cfg.Root.Settings == nil {
		return nil
	}
	_, diags := backend.Decode(cfg.Root.Settings.State, backend.Options{WorkDir: f.WorkDir, Environ: f.Environ})
	return diags
}
