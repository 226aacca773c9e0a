package eval

import (
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/providers"
)

// Validate checks a configuration without variable values, state or
// provider connections: every block is known, every reference resolves,
// resource types exist in their providers and there is no cycle.
func Validate(cfg *config.Config, registry *providers.Registry) hcl.Diagnostics {
	ps := newProviderSet(registry)
	dg, diags := buildGraph(cfg, ps)
	if diags.HasErrors() {
		return diags
	}
	w := &walker{dg: dg}
	if cycles := dg.g.Cycles(); len(cycles) > 0 {
		diags = append(diags, w.cycleDiags(cycles)...)
	}
	return diags
}

// WriteGraphDOT writes the configuration's dependency graph in Graphviz
// DOT format: one node per block, an edge from each block to what it
// depends on.
func WriteGraphDOT(w io.Writer, cfg *config.Config, registry *providers.Registry) hcl.Diagnostics {
	ps := newProviderSet(registry)
	dg, diags := buildGraph(cfg, ps)
	if diags.HasErrors() {
		return diags
	}
	if err := dg.g.DOT(w, "steward", func(k nodeKey) string { return k.String() }); err != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot write graph", Detail: err.Error()})
	}
	return diags
}
