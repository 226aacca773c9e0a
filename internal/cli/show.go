package cli

import (
	"context"
	"fmt"

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
	JSON     bool

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
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

func showRun(opts *ShowOptions) error {
	f := opts.f
	if opts.PlanFile != "" {
		p, err := plan.ReadFile(f.Path(opts.PlanFile))
		if err != nil {
			return err
		}
		attachSchemas(p, newSchemas(f.Registry()))
		if opts.JSON {
			return ui.RenderPlanJSON(f.IO.Out, p)
		}
		return ui.RenderPlanText(f.IO.Out, p, ui.PlanTextOptions{Color: f.Color(), Width: f.Width()})
	}

	st, err := state.NewLocalStore(f.StatePath()).Read(opts.ctx)
	if err != nil {
		return err
	}
	sc := newSchemas(f.Registry())
	if opts.JSON {
		doc, err := buildStateJSON(st, sc)
		if err != nil {
			return err
		}
		return writeJSON(f.IO.Out, doc)
	}
	objs, err := stateObjects(st)
	if err != nil {
		return err
	}
	if len(objs) == 0 && (st == nil || len(st.Outputs) == 0) {
		_, err := fmt.Fprintln(f.IO.Out, "No state: nothing has been applied in this directory yet.")
		return err
	}
	for i, o := range objs {
		if i > 0 {
			fmt.Fprintln(f.IO.Out)
		}
		v, rs, err := sc.decodeObject(o)
		if err != nil {
			return err
		}
		if err := writeObject(f.IO.Out, o, v, rs); err != nil {
			return err
		}
	}
	if len(st.Outputs) > 0 {
		header := "Outputs:\n\n"
		if len(objs) > 0 {
			header = "\n" + header
		}
		return writeOutputs(f.IO.Out, st.Outputs, header)
	}
	return nil
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
