package cli

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/internal/ui"
)

// ValidateOptions are the inputs of `steward validate`.
type ValidateOptions struct {
	JSON bool

	f   *Factory
	ctx context.Context
}

// NewCmdValidate builds `steward validate`.
func NewCmdValidate(f *Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "validate [flags]",
		Short: "Check the configuration without contacting anything",
		Long: `Check the configuration: syntax, block and argument names against the
providers' schemas, references, module arguments and cycles between blocks.
No variable values are needed and nothing is contacted: no device, directory
or repository, and the state is not read. Problems that depend on values
(a variable without a value, a wrong type) are reported by plan.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the result as JSON (diagnostics format of internal/ui)")
	return cmd
}

func validateRun(opts *ValidateOptions) error {
	f := opts.f
	l := config.NewLoader()
	cfg, diags := l.Load(f.WorkDir)
	if !diags.HasErrors() {
		reg, err := f.registryFor(cfg)
		if err != nil {
			return err
		}
		diags = append(diags, eval.Validate(cfg, reg)...)
		diags = append(diags, validateStateBlock(cfg, f)...)
	}
	if opts.JSON {
		if err := ui.RenderDiagnosticsJSON(f.IO.Out, sortDiags(diags), l.Files()); err != nil {
			return err
		}
	} else {
		f.showDiags(diags, l.Files())
		if !diags.HasErrors() {
			fmt.Fprintln(f.IO.Out, "Success! The configuration is valid.")
		}
	}
	if diags.HasErrors() {
		return errSilent
	}
	return nil
}

// loadOnly loads the configuration and shows its diagnostics; errors end
// the command.
func loadOnly(f *Factory) (*config.Config, map[string]*hcl.File, error) {
	l := config.NewLoader()
	cfg, diags := l.Load(f.WorkDir)
	if diags.HasErrors() {
		f.showDiags(diags, l.Files())
		return nil, nil, errSilent
	}
	return cfg, l.Files(), nil
}
