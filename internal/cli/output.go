package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/internal/ui"
)

// OutputOptions are the inputs of `steward output`.
type OutputOptions struct {
	// Name selects one output; "" means all.
	Name string
	JSON bool
	Raw  bool

	f   *Factory
	ctx context.Context
}

// NewCmdOutput builds `steward output`.
func NewCmdOutput(f *Factory, runF func(*OutputOptions) error) *cobra.Command {
	opts := &OutputOptions{f: f}
	cmd := &cobra.Command{
		Use:   "output [NAME] [flags]",
		Short: "Show output values from the state",
		Long: `Show the root module's output values as of the last apply. Sensitive
outputs are kept in the state only as a keyed hash, so their values cannot be
shown: they appear as <sensitive>, and with -json as null with
"sensitive": true.`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if opts.JSON && opts.Raw {
				return flagErrorf("-json and -raw cannot be used together")
			}
			if opts.Raw && opts.Name == "" {
				return flagErrorf("-raw needs the name of one output")
			}
			if runF != nil {
				return runF(opts)
			}
			return outputRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "Print one string, number or bool output as it is, for scripts")
	return cmd
}

func outputRun(opts *OutputOptions) error {
	f := opts.f
	st, err := f.readCurrentState(opts.ctx)
	if err != nil {
		return err
	}
	outs := map[string]*state.OutputValue{}
	if st != nil && st.Outputs != nil {
		outs = st.Outputs
	}
	if opts.Name == "" {
		if opts.JSON {
			return ui.RenderOutputsJSON(f.IO.Out, outs)
		}
		if len(outs) == 0 {
			fmt.Fprintln(f.IO.ErrOut, "Warning: no outputs found. The state has no output values: either the configuration declares none, or nothing has been applied yet.")
			return nil
		}
		return ui.RenderOutputsText(f.IO.Out, outs)
	}

	o, ok := outs[opts.Name]
	if !ok {
		hint := ""
		if s := config.Suggest(opts.Name, slices.Sorted(maps.Keys(outs))); s != "" {
			hint = fmt.Sprintf(" Did you mean %q?", s)
		}
		return fmt.Errorf("output %q not found in the state.%s The configuration may not declare it, or it was added after the last apply", opts.Name, hint)
	}
	switch {
	case opts.JSON:
		return ui.RenderOutputJSON(f.IO.Out, opts.Name, o)
	case opts.Raw:
		return ui.RenderOutputRaw(f.IO.Out, opts.Name, o)
	}
	return ui.RenderOutputText(f.IO.Out, opts.Name, o)
}
