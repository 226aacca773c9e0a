package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/ui"
)

// ApplyOptions are the inputs of `steward apply` and `steward destroy`.
type ApplyOptions struct {
	PlanFlags
	// PlanFile is a plan saved by `plan -out`; "" means plan now.
	PlanFile    string
	AutoApprove bool

	f   *Factory
	ctx context.Context
	// changed lists planning flags given on the command line, which a saved
	// plan cannot honour.
	changed []string
}

// NewCmdApply builds `steward apply`.
func NewCmdApply(f *Factory, runF func(*ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "apply [PLANFILE] [flags]",
		Short: "Make the infrastructure match the configuration",
		Long: `Without PLANFILE, make a plan, show it and ask for approval before carrying
it out. With PLANFILE (from "steward plan -out"), carry out exactly that plan,
without asking: it was reviewed already. A saved plan is refused if the state,
the configuration or the variable values changed since it was made.

The state is saved even when some changes fail, and records exactly what was
done. Ctrl-C stops starting new changes and waits for those in progress; a
second Ctrl-C exits at once.`,
		Args: maxArgs(1),
		RunE: opts.runE(runF, func(cmd *cobra.Command, args []string) {
			if len(args) == 1 {
				opts.PlanFile = args[0]
			}
			opts.changed = changedFlags(cmd, "target", "destroy", "refresh-only", "refresh")
		}),
	}
	fs := cmd.Flags()
	addPlanFlags(fs, &opts.PlanFlags, true)
	fs.BoolVar(&opts.AutoApprove, "auto-approve", false, "Apply without asking for approval")
	return cmd
}

// NewCmdDestroy builds `steward destroy`, which is `apply -destroy`.
func NewCmdDestroy(f *Factory, runF func(*ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "destroy [flags]",
		Short: "Destroy every object the state records",
		Long: `Plan the destruction of every object steward manages (or only the -target
ones and what depends on them), show it, and carry it out after approval.
The same as "steward apply -destroy".`,
		Args: noArgs,
		RunE: opts.runE(runF, func(*cobra.Command, []string) {
			opts.Destroy = true
		}),
	}
	fs := cmd.Flags()
	addPlanFlags(fs, &opts.PlanFlags, false)
	fs.BoolVar(&opts.AutoApprove, "auto-approve", false, "Destroy without asking for approval")
	return cmd
}

// runE is the RunE of apply and destroy: set fills in what the command line
// says beyond the flags, then the options are checked and run.
func (opts *ApplyOptions) runE(runF func(*ApplyOptions) error, set func(cmd *cobra.Command, args []string)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		opts.ctx = cmd.Context()
		set(cmd, args)
		if err := opts.check(); err != nil {
			return err
		}
		if runF != nil {
			return runF(opts)
		}
		return applyRun(opts)
	}
}

func (opts *ApplyOptions) check() error {
	if opts.PlanFile != "" && len(opts.changed) > 0 {
		return flagErrorf("-%s cannot be used with a saved plan: the plan already decided what to do. Make a new plan with those options instead", opts.changed[0])
	}
	_, _, err := opts.validate()
	return err
}

func changedFlags(cmd *cobra.Command, names ...string) []string {
	var out []string
	for _, n := range names {
		if fl := cmd.Flags().Lookup(n); fl != nil && fl.Changed {
			out = append(out, n)
		}
	}
	return out
}

func applyRun(opts *ApplyOptions) error {
	f := opts.f
	ctx := opts.ctx
	if opts.PlanFile == "" && !opts.AutoApprove && !f.IO.IsInputTTY() {
		what := "apply"
		if opts.Destroy {
			what = "destroy"
		}
		return fmt.Errorf("%s needs approval, but standard input is not a terminal, so nobody can answer.\nReview the plan and run again with -auto-approve, or save a plan with \"steward plan -out=FILE\" and apply that file", what)
	}

	var p *plan.Plan
	var saved *plan.Plan
	if opts.PlanFile != "" {
		var err error
		saved, err = plan.ReadFile(f.Path(opts.PlanFile))
		if err != nil {
			return err
		}
	}
	op, err := f.loadConfig(opts.Vars)
	if err != nil {
		return err
	}
	opName := "apply"
	if opts.Destroy {
		opName = "destroy"
	}
	if err := op.openState(ctx, opName, lockOptions{opts.Lock, opts.LockTimeout}); err != nil {
		return err
	}
	defer op.close()

	if saved != nil {
		if d := checkSavedPlan(saved, op); d != nil {
			op.diags = append(op.diags, d)
			return op.fail()
		}
		p = saved
	} else {
		targets, mode, _ := opts.validate()
		prog := newProgress(f.IO.Out)
		var diags hcl.Diagnostics
		p, diags = eval.Plan(ctx, op.evalOptions(prog, opts.Parallelism), eval.PlanOptions{Mode: mode, Targets: targets, Refresh: opts.Refresh, MaxDestroy: opts.maxDestroy()})
		op.diags = append(op.diags, diags...)
		if diags.HasErrors() || p == nil {
			return op.fail()
		}
		prog.separate()
		if err := ui.RenderPlanText(f.IO.Out, p, ui.PlanTextOptions{Color: f.Color(), Width: f.Width()}); err != nil {
			return err
		}
		if p.HasChanges() && !opts.AutoApprove {
			op.showDiags() // warnings belong before the question
			if err := approve(ctx, f, p.Mode); err != nil {
				return err
			}
		}
		fmt.Fprintln(f.IO.Out)
	}

	prog := newProgress(f.IO.Out)
	next, diags := eval.Apply(ctx, op.evalOptions(prog, opts.Parallelism), p)
	op.diags = append(op.diags, diags...)
	// The state is saved whatever happened: it records what was done.
	persistErr := op.persist(context.WithoutCancel(ctx), next)
	done, completed, failed := prog.result()
	prog.separate()

	if diags.HasErrors() || persistErr != nil {
		op.showDiags()
		if persistErr != nil {
			fmt.Fprintf(f.IO.ErrOut, "Error: %s\n\n", persistErr)
		}
		writeFailureSummary(f.IO.ErrOut, p, done, completed, failed, persistErr == nil)
		return errSilent
	}
	if p.Mode == plan.DestroyMode {
		fmt.Fprintf(f.IO.Out, "Destroy complete! Resources: %d destroyed.\n", done.Destroyed)
	} else {
		fmt.Fprintf(f.IO.Out, "Apply complete! Resources: %d added, %d changed, %d destroyed.\n", done.Added, done.Changed, done.Destroyed)
	}
	if p.Mode != plan.DestroyMode && next != nil && len(next.Outputs) > 0 {
		fmt.Fprint(f.IO.Out, "\nOutputs:\n\n")
		if err := ui.RenderOutputsText(f.IO.Out, next.Outputs); err != nil {
			return err
		}
	}
	op.showDiags()
	return nil
}

// checkSavedPlan refuses a saved plan that no longer describes what apply
// would do: made against another state, from other configuration or
// variable values, or left incomplete by errors.
func checkSavedPlan(p *plan.Plan, op *operation) *hcl.Diagnostic {
	lineage, serial := "", uint64(0)
	if op.prior != nil {
		lineage, serial = op.prior.Lineage, op.prior.Serial
	}
	refuse := func(summary, detail string) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
	}
	switch {
	case p.StateLineage != lineage && p.StateLineage != "" && lineage != "":
		return refuse("Saved plan is stale", "The plan was made against a different state (another lineage), so it cannot be applied here. Make a new plan.")
	case p.StateLineage != lineage || p.StateSerial != serial:
		return refuse("Saved plan is stale", fmt.Sprintf("The state changed since the plan was made: the plan was made against state serial %d, and the state is now at serial %d. Make a new plan and review it.", p.StateSerial, serial))
	case p.ConfigDigest == "" || p.ConfigDigest != eval.ConfigDigest(op.cfg, op.vars, op.key):
		return refuse("Saved plan does not match the configuration", "The configuration or the variable values changed since the plan was made, so the plan may no longer do what was reviewed. Make a new plan; apply needs the same -var and -var-file options as plan.")
	case !p.Complete:
		return refuse("Saved plan is incomplete", "Planning stopped on errors, so the plan does not cover everything. Fix the errors and make a new plan.")
	}
	return nil
}

// approve asks for approval on the terminal.
func approve(ctx context.Context, f *Factory, mode plan.Mode) error {
	question := "Do you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
	if mode == plan.DestroyMode {
		question = "Do you really want to destroy all these objects?\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: "
	}
	fmt.Fprint(f.IO.Out, "\n"+question)
	answer := make(chan string, 1)
	go func() {
		line, err := bufio.NewReader(f.IO.In).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			line = ""
		}
		answer <- strings.TrimSpace(line)
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(f.IO.Out)
		return errors.New("apply cancelled: interrupted before approval; nothing was changed")
	case a := <-answer:
		if a != "yes" {
			return errors.New("apply cancelled: only 'yes' approves; nothing was changed")
		}
	}
	return nil
}

// writeFailureSummary says what a failed apply did and did not do, so that
// nothing is half-done silently.
func writeFailureSummary(w io.Writer, p *plan.Plan, done doneCounts, completed, failed []string, saved bool) {
	planned := 0
	for _, c := range p.Changes {
		if c.Action != plan.NoOp && c.Action != plan.Read {
			planned++
		}
	}
	notStarted := max(planned-len(completed)-len(failed), 0)
	fmt.Fprintf(w, "Apply failed. Done before stopping: %d added, %d changed, %d destroyed.\n", done.Added, done.Changed, done.Destroyed)
	if len(failed) > 0 {
		fmt.Fprintf(w, "Failed: %s.\n", strings.Join(failed, ", "))
	}
	if notStarted > 0 {
		fmt.Fprintf(w, "Not attempted: %d of the %d planned %s.\n", notStarted, planned, plural(planned, "change", "changes"))
	}
	if saved {
		fmt.Fprintln(w, "The state records exactly what was done; run \"steward plan\" to see what remains.")
	}
}
