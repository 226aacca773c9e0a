package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/internal/ui"
)

// ShowOptions are the inputs of `steward show`.
type ShowOptions struct {
	// PlanFile is a saved plan to show; "" shows the state.
	PlanFile string
	// Format is text, json or markdown; JSON is set when it is json.
	Format string
	JSON   bool

	f   *Factory
	ctx context.Context
}

// NewCmdShow builds `steward show`.
func NewCmdShow(f *Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show [PLANFILE] [flags]",
		Short: "Show a saved plan, or the objects the state records",
		Long: `With PLANFILE, show the plan saved by "steward plan -out". Without, show
every object in the state with its attributes, and the outputs. Sensitive
values are never shown.`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if len(args) == 1 {
				opts.PlanFile = args[0]
			}
			format, err := outputFormat(opts.Format, opts.JSON)
			if err != nil {
				return err
			}
			if format == "markdown" && opts.PlanFile == "" {
				return flagErrorf("-format=markdown needs a PLANFILE: it renders plans, not the state")
			}
			opts.Format, opts.JSON = format, format == "json"
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON; the same as -format=json")
	cmd.Flags().StringVar(&opts.Format, "format", "", "Print as text, json or markdown (a pull-request comment; plans only)")
	return cmd
}

func showRun(opts *ShowOptions) error {
	f := opts.f
	if opts.PlanFile != "" {
		p, err := plan.ReadFile(f.Path(opts.PlanFile))
		if err != nil {
			return err
		}
		attachSchemas(p, newSchemas(f.schemaRegistry()))
		switch {
		case opts.JSON:
			return ui.RenderPlanJSON(f.IO.Out, p)
		case opts.Format == "markdown":
			return ui.RenderPlanMarkdown(f.IO.Out, p)
		}
		return ui.RenderPlanText(f.IO.Out, p, ui.PlanTextOptions{Color: f.Color(), Width: f.Width()})
	}

	st, err := f.readCurrentState(opts.ctx)
	if err != nil {
		return err
	}
	objs, err := newSchemas(f.schemaRegistry()).decodeObjects(st)
	if err != nil {
		return err
	}
	if opts.JSON {
		return ui.RenderStateJSON(f.IO.Out, st, objs)
	}
	return ui.RenderStateText(f.IO.Out, st, objs)
}

// attachSchemas gives a plan read from a file the resource schemas it does
// not store, so that it renders exactly as when it was made (nested blocks
// as blocks, sensitive attributes redacted).
func attachSchemas(p *plan.Plan, sc *schemas) {
	for _, list := range [][]*plan.ResourceChange{p.Changes, p.Drift} {
		for _, c := range list {
			if c.Schema != nil {
				continue
			}
			mode := state.ModeManaged
			if c.Addr.Resource.Mode == addrs.DataMode {
				mode = state.ModeData
			}
			c.Schema = sc.resource(&state.Resource{Mode: mode, Type: c.Addr.Resource.Type, Provider: c.Provider})
		}
	}
}
