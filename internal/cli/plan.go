package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/ui"
)

// PlanOptions are the inputs of `steward plan`.
type PlanOptions struct {
	PlanFlags
	// Out is where to save the plan for a later apply ("" = don't save).
	Out string
	// Format is how the plan is printed: text, json or markdown. JSON is
	// set when it is json (-json is an alias of -format=json).
	Format           string
	JSON             bool
	DetailedExitCode bool

	f   *Factory
	ctx context.Context
}

// NewCmdPlan builds `steward plan`.
func NewCmdPlan(f *Factory, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{f: f}
	cmd := &cobra.Command{
		Use:   "plan [flags]",
		Short: "Show the changes that would make the infrastructure match the configuration",
		Long: `Discover the real state of the managed objects, compare it with the
configuration and show the changes apply would make. Nothing is changed.

With -out=FILE the plan is saved; "steward apply FILE" then carries out exactly
those changes, and refuses if the state, the configuration or the variable
values changed in between.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if _, _, err := opts.validate(); err != nil {
				return err
			}
			format, err := outputFormat(opts.Format, opts.JSON)
			if err != nil {
				return err
			}
			opts.Format, opts.JSON = format, format == "json"

			if runF != nil {
				return runF(opts)
			}
			return planRun(opts)
		},
	}
	fs := cmd.Flags()
	addPlanFlags(fs, &opts.PlanFlags, true)
	fs.StringVar(&opts.Out, "out", "", "Save the plan to this file for a later apply")
	fs.BoolVar(&opts.JSON, "json", false, "Print the plan as JSON (format: internal/ui/PLAN-JSON.md); the same as -format=json")
	fs.StringVar(&opts.Format, "format", "", "Print the plan as text, json or markdown (a pull-request comment)")
	fs.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "Exit 0 when there are no changes, 1 on error, 2 when there are changes")
	return cmd
}

func planRun(opts *PlanOptions) error {
	f := opts.f
	targets, mode, err := opts.validate()
	if err != nil {
		return err
	}
	op, err := f.loadConfig(opts.Vars)
	if err != nil {
		return err
	}
	if err := op.openState(opts.ctx, "plan", lockOptions{opts.Lock, opts.LockTimeout}); err != nil {
		return err
	}
	defer op.close()

	var hooks eval.Hooks = eval.NilHooks{}
	prog := newProgress(f.IO.Out)
	if opts.Format == "text" || opts.Format == "" {
		hooks = prog
	}
	p, diags := eval.Plan(opts.ctx, op.evalOptions(hooks, opts.Parallelism), eval.PlanOptions{Mode: mode, Targets: targets, Refresh: opts.Refresh, MaxDestroy: opts.maxDestroy()})
	op.diags = append(op.diags, diags...)
	if diags.HasErrors() || p == nil {
		return op.fail()
	}
	p.ConfigDigest = eval.ConfigDigest(op.cfg, op.vars, op.key)

	switch opts.Format {
	case "json":
		err = ui.RenderPlanJSON(f.IO.Out, p)
	case "markdown":
		err = ui.RenderPlanMarkdown(f.IO.Out, p)
	default:
		prog.separate()
		err = ui.RenderPlanText(f.IO.Out, p, ui.PlanTextOptions{Color: f.Color(), Width: f.Width()})
	}
	if err != nil {
		return err
	}
	if opts.Out != "" {
		if err := plan.WriteFile(f.Path(opts.Out), p); err != nil {
			return err
		}
		if opts.Format == "text" || opts.Format == "" {
			fmt.Fprintf(f.IO.Out, "\nSaved the plan to: %s\n\nTo perform exactly these actions, run:\n  steward apply %s\n", opts.Out, opts.Out)
		}
	}
	op.showDiags()
	if opts.DetailedExitCode && p.HasChanges() {
		return &SilentError{Code: ExitChanges}
	}
	return nil
}

// outputFormat resolves -format and its alias -json to text, json or
// markdown.
func outputFormat(format string, jsonFlag bool) (string, error) {
	switch format {
	case "":
		if jsonFlag {
			return "json", nil
		}
		return "text", nil
	case "text", "json", "markdown":
		if jsonFlag && format != "json" {
			return "", flagErrorf("-json and -format=%s contradict each other", format)
		}
		return format, nil
	}
	return "", flagErrorf("-format must be text, json or markdown, not %q", format)
}
