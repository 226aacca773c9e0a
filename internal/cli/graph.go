package cli

import (
	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/eval"
)

// GraphOptions are the inputs of `steward graph`.
type GraphOptions struct {
	f *Factory
}

// NewCmdGraph builds `steward graph`.
func NewCmdGraph(f *Factory, runF func(*GraphOptions) error) *cobra.Command {
	opts := &GraphOptions{f: f}
	return &cobra.Command{
		Use:   "graph",
		Short: "Print the configuration's dependency graph in Graphviz DOT format",
		Long: `Print the dependency graph of the configuration's blocks in Graphviz DOT
format, an edge from each block to what it depends on. Render it with, for
example: steward graph | dot -Tsvg > graph.svg`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return graphRun(opts)
		},
	}
}

func graphRun(opts *GraphOptions) error {
	f := opts.f
	cfg, files, err := loadOnly(f)
	if err != nil {
		return err
	}
	reg, err := f.registryFor(cfg)
	if err != nil {
		return err
	}
	if diags := eval.WriteGraphDOT(f.IO.Out, cfg, reg); len(diags) > 0 {
		f.showDiags(diags, files)
		if diags.HasErrors() {
			return errSilent
		}
	}
	return nil
}
