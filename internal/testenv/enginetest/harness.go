// Package enginetest runs steward's engine in tests of providers: it
// writes a configuration into a temporary directory and plans and applies
// it in process, keeping the state in memory. It is for tests only.
package enginetest

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
)

// Harness holds one configuration directory and its state.
type Harness struct {
	T        testing.TB
	Dir      string
	Registry *providers.Registry
	State    *state.State
	Vars     []config.VarArg
	Key      []byte
}

// New writes files (name -> content) into a new directory.
func New(t testing.TB, registry *providers.Registry, files map[string]string) *Harness {
	t.Helper()
	h := &Harness{T: t, Dir: t.TempDir(), Registry: registry, Key: []byte("enginetest-hash-key-0123456789ab")}
	for name, src := range files {
		h.WriteFile(name, src)
	}
	return h
}

// WriteFile replaces one file of the configuration.
func (h *Harness) WriteFile(name, src string) {
	h.T.Helper()
	p := filepath.Join(h.Dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.T.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		h.T.Fatal(err)
	}
}

func (h *Harness) options() (eval.Options, hcl.Diagnostics) {
	l := config.NewLoader()
	cfg, diags := l.Load(h.Dir)
	if diags.HasErrors() {
		return eval.Options{}, diags
	}
	vars, vdiags := l.ResolveVariables(cfg.Root, config.VariableInputs{Dir: h.Dir, Args: h.Vars})
	diags = append(diags, vdiags...)
	return eval.Options{Config: cfg, Registry: h.Registry, State: h.State, Variables: vars, HashKey: h.Key, Parallelism: 10}, diags
}

// Plan makes a plan of the given mode (plan.NormalMode when empty).
func (h *Harness) Plan(mode plan.Mode) (*plan.Plan, hcl.Diagnostics) {
	opts, diags := h.options()
	if diags.HasErrors() {
		return nil, diags
	}
	if mode == "" {
		mode = plan.NormalMode
	}
	p, pdiags := eval.Plan(context.Background(), opts, eval.PlanOptions{Mode: mode, Refresh: true})
	return p, append(diags, pdiags...)
}

// MustPlan plans or fails the test.
func (h *Harness) MustPlan(mode plan.Mode) *plan.Plan {
	h.T.Helper()
	p, diags := h.Plan(mode)
	if diags.HasErrors() {
		h.T.Fatalf("plan: %s", Describe(diags))
	}
	return p
}

// Apply applies p and keeps the new state, even when apply fails.
func (h *Harness) Apply(p *plan.Plan) hcl.Diagnostics {
	opts, diags := h.options()
	if diags.HasErrors() {
		return diags
	}
	st, adiags := eval.Apply(context.Background(), opts, p)
	if h.State != nil {
		st.Serial = h.State.Serial + 1
	}
	h.State = st
	return append(diags, adiags...)
}

// MustApply applies or fails the test.
func (h *Harness) MustApply(p *plan.Plan) {
	h.T.Helper()
	if diags := h.Apply(p); diags.HasErrors() {
		h.T.Fatalf("apply: %s", Describe(diags))
	}
}

// Actions lists a plan's actions by address.
func Actions(p *plan.Plan) map[string]plan.Action {
	out := map[string]plan.Action{}
	for _, c := range p.Changes {
		out[c.Addr.String()] = c.Action
	}
	return out
}

// Pending lists the addresses a plan would change, sorted.
func Pending(p *plan.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action != plan.NoOp {
			out = append(out, string(c.Action)+" "+c.Addr.String())
		}
	}
	sort.Strings(out)
	return out
}

// Describe renders every diagnostic, not just the first.
func Describe(diags hcl.Diagnostics) string {
	s := ""
	for _, d := range diags {
		s += "\n  " + d.Error()
	}
	return s
}
