package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/state"
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
	st, err := state.NewLocalStore(f.StatePath()).Read(opts.ctx)
	if err != nil {
		return err
	}
	outs := map[string]*state.OutputValue{}
	if st != nil && st.Outputs != nil {
		outs = st.Outputs
	}
	if opts.Name == "" {
		if opts.JSON {
			doc, err := outputsJSON(outs)
			if err != nil {
				return err
			}
			return writeJSON(f.IO.Out, doc)
		}
		if len(outs) == 0 {
			fmt.Fprintln(f.IO.ErrOut, "Warning: no outputs found. The state has no output values: either the configuration declares none, or nothing has been applied yet.")
			return nil
		}
		return writeOutputs(f.IO.Out, outs, "")
	}

	o, ok := outs[opts.Name]
	if !ok {
		names := make([]string, 0, len(outs))
		for n := range outs {
			names = append(names, n)
		}
		sort.Strings(names)
		hint := ""
		if s := config.Suggest(opts.Name, names); s != "" {
			hint = fmt.Sprintf(" Did you mean %q?", s)
		}
		return fmt.Errorf("output %q not found in the state.%s The configuration may not declare it, or it was added after the last apply", opts.Name, hint)
	}
	v, err := o.Decode()
	if err != nil {
		return fmt.Errorf("output %q: %w", opts.Name, err)
	}
	switch {
	case opts.JSON:
		return writeJSON(f.IO.Out, outputJSON{Sensitive: o.Sensitive, Type: json.RawMessage(o.Type), Value: jsonValue(v)})
	case opts.Raw:
		return writeRaw(f, opts.Name, o, v)
	}
	_, err = fmt.Fprintln(f.IO.Out, formatValue(v, "", "<sensitive>"))
	return err
}

// writeRaw prints a primitive value without quotes, for shell scripts.
// Printing a placeholder for a sensitive output would hand a script a wrong
// value, so that is an error instead.
func writeRaw(f *Factory, name string, o *state.OutputValue, v cty.Value) error {
	if o.Sensitive {
		return fmt.Errorf("output %q is sensitive: steward keeps only a hash of it, so there is no value to print", name)
	}
	if v.IsNull() {
		return fmt.Errorf("output %q is null", name)
	}
	switch v.Type() {
	case cty.String:
		_, err := fmt.Fprint(f.IO.Out, v.AsString())
		return err
	case cty.Number, cty.Bool:
		_, err := fmt.Fprint(f.IO.Out, formatValue(v, "", ""))
		return err
	}
	return fmt.Errorf("output %q is a %s; -raw prints only strings, numbers and bools. Use -json for other values", name, v.Type().FriendlyName())
}
