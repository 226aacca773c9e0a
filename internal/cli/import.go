package cli

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
)

// ImportOptions are the inputs of `steward import`.
type ImportOptions struct {
	Addr string
	ID   string
	Vars []config.VarArg
	lockOptions

	f   *Factory
	ctx context.Context
}

// NewCmdImport builds `steward import`.
func NewCmdImport(f *Factory, runF func(*ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{f: f}
	cmd := &cobra.Command{
		Use:   "import ADDR ID",
		Short: "Start managing an existing object",
		Long: `Read the existing object with the provider's identifier ID and record it in
the state at ADDR, whose resource block must already be in the configuration.
The object itself is not changed: run "steward plan" afterwards to see how it
differs from the configuration. An import block in the configuration does the
same, reviewed in a plan.`,
		Args: exactArgs(2, "a resource instance address and the object's ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Addr, opts.ID = cmd.Context(), args[0], args[1]
			if _, err := addrs.ParseAbsResourceInstance(opts.Addr); err != nil {
				return &FlagError{Err: err}
			}
			if opts.ID == "" {
				return flagErrorf("the ID cannot be empty")
			}
			if runF != nil {
				return runF(opts)
			}
			return importRun(opts)
		},
	}
	addVarFlags(cmd.Flags(), &opts.Vars)
	addLockFlags(cmd.Flags(), &opts.Lock, &opts.LockTimeout)
	return cmd
}

// importRun imports through the engine's import-block machinery: it adds an
// in-memory import block for ADDR, plans only that resource (which
// configures the provider and reads the object by ID exactly as an import
// block would), and records the object it read in the state.
//
// The plan is deliberately not applied: it would also change the object to
// match the configuration, and `import` only adopts; the changes are for
// the user to review in the next plan.
func importRun(opts *ImportOptions) error {
	f := opts.f
	addr, _ := addrs.ParseAbsResourceInstance(opts.Addr)
	if addr.Resource.Mode != addrs.ManagedMode {
		return flagErrorf("%s is a data source; only managed resources can be imported", addr)
	}
	op, err := f.loadConfig(opts.Vars)
	if err != nil {
		return err
	}
	if err := op.openState(opts.ctx, "import", opts.lockOptions); err != nil {
		return err
	}
	defer op.close()

	objs, err := stateObjects(op.prior)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if o.Addr == addr {
			return fmt.Errorf("%s is already in the state, so steward already manages an object there. To import another object to that address, first forget the current one with \"steward state rm %s\"", addr, addr)
		}
	}

	target := addrs.Target{Module: addr.Module, Resource: &addr.Resource}
	if !addr.Key.IsNone() {
		k := addr.Key
		target.Key = &k
	}
	rng := hcl.Range{Filename: "<command line>", Start: hcl.InitialPos, End: hcl.InitialPos}
	op.cfg.Root.Imports = append(op.cfg.Root.Imports, &config.Import{
		To: target, ToRange: rng, DeclRange: rng,
		ID: hcl.StaticExpr(cty.StringVal(opts.ID), rng),
	})

	prog := newProgress(f.IO.Out)
	p, diags := eval.Plan(opts.ctx, op.evalOptions(prog, 0), eval.PlanOptions{
		Mode: plan.NormalMode, Targets: []addrs.Target{target}, Refresh: true,
	})
	op.diags = append(op.diags, diags...)
	if diags.HasErrors() || p == nil {
		return op.fail()
	}
	var change *plan.ResourceChange
	for _, c := range p.Changes {
		if c.Addr == addr && c.ImportID != "" {
			change = c
		}
	}
	if change == nil || change.Schema == nil || change.Before == cty.NilVal || change.Before.IsNull() {
		op.showDiags()
		return fmt.Errorf("the provider returned no object for %s with ID %q", addr, opts.ID)
	}

	next := state.New()
	if op.prior != nil {
		next = op.prior.DeepCopy()
	}
	if err := recordImported(next, change, op.key); err != nil {
		return err
	}
	next.Sort()
	if err := op.persist(context.WithoutCancel(opts.ctx), next); err != nil {
		return err
	}
	prog.separate()
	fmt.Fprintf(f.IO.Out, "%s: Import complete (ID %q).\n\nThe object is now in the state; nothing was changed. Run \"steward plan\" to see how it differs from the configuration.\n", addr, opts.ID)
	op.showDiags()
	return nil
}

// recordImported writes the object an import read into st, the way apply
// records an object: secrets as keyed hashes, with the provider, schema
// version, id and dependencies.
func recordImported(st *state.State, c *plan.ResourceChange, key []byte) error {
	rs := c.Schema
	raw, sens, err := state.EncodeValue(c.Before, rs.ImpliedType(), key)
	if err != nil {
		return fmt.Errorf("recording %s in the state: %w", c.Addr, err)
	}
	r := st.EnsureResource(c.Addr.Module.String(), state.ModeManaged, c.Addr.Resource.Type, c.Addr.Resource.Name, c.Provider)
	inst := r.EnsureInstance(state.KeyFromAddr(c.Addr.Key))
	inst.Attributes, inst.Sensitive = raw, sens
	inst.SchemaVersion = rs.Version
	inst.CreateBeforeDestroy = c.CreateBeforeDestroy
	inst.Dependencies = nil
	for _, d := range c.Dependencies {
		inst.Dependencies = append(inst.Dependencies, d.String())
	}
	if _, ok := rs.Attributes["id"]; ok {
		if id, _ := c.Before.GetAttr("id").Unmark(); id.IsKnown() && !id.IsNull() && id.Type() == cty.String {
			inst.ID = id.AsString()
		}
	}
	return nil
}
