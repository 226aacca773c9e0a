package cli

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers"
)

// ValidateOptions are the inputs of `steward validate`.
type ValidateOptions struct {
	JSON bool
	Vars []config.VarArg

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
providers' schemas, references, types, count and for_each, cycles between
blocks, and variable values (given as for plan). Nothing is contacted: no
device, directory or repository, and the state is not read.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the result as JSON (format: internal/ui diagnostics JSON)")
	addVarFlags(cmd.Flags(), &opts.Vars)
	return cmd
}

func validateRun(opts *ValidateOptions) error {
	f := opts.f
	diags, files := validateConfig(opts.ctx, f, opts.Vars)
	if opts.JSON {
		if err := ui.RenderDiagnosticsJSON(f.IO.Out, sortDiags(diags), files); err != nil {
			return err
		}
	} else {
		f.showDiags(diags, files)
		if !diags.HasErrors() {
			fmt.Fprintln(f.IO.Out, "Success! The configuration is valid.")
		}
	}
	if diags.HasErrors() {
		return errSilent
	}
	return nil
}

// validateConfig loads the configuration and evaluates it with providers
// that answer from their schemas alone, which reports every problem the
// engine finds while building and walking the graph (unknown arguments,
// undeclared references, cycles, type errors) without any I/O.
//
// This borrows eval.Plan because the engine exports no validation entry
// point; a dedicated eval.Validate would be the better home for it.
func validateConfig(ctx context.Context, f *Factory, vars []config.VarArg) (hcl.Diagnostics, map[string]*hcl.File) {
	l := config.NewLoader()
	cfg, diags := l.Load(f.WorkDir)
	if diags.HasErrors() {
		return diags, l.Files()
	}
	vals, vdiags := l.ResolveVariables(cfg.Root, config.VariableInputs{Dir: f.WorkDir, Args: vars, Environ: f.Environ})
	diags = append(diags, vdiags...)
	if vdiags.HasErrors() {
		return diags, l.Files()
	}
	// The key only hashes secrets for comparison with a state; there is
	// none here, so a throwaway key avoids creating the key file.
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	_, pdiags := eval.Plan(ctx, eval.Options{
		Config:    cfg,
		Registry:  offlineRegistry(f.Registry()),
		Variables: vals,
		HashKey:   key,
		Version:   f.Version,
	}, eval.PlanOptions{Mode: plan.NormalMode})
	return append(diags, pdiags...), l.Files()
}

// offlineRegistry wraps every provider of reg in an offlineProvider.
func offlineRegistry(reg *providers.Registry) *providers.Registry {
	m := map[string]providers.Factory{}
	for _, name := range reg.Names() {
		m[name] = func() (providers.Provider, error) {
			p, err := reg.New(name)
			if err != nil {
				return nil, err
			}
			return offlineProvider{p}, nil
		}
	}
	return providers.NewRegistry(m)
}

// offlineProvider keeps a provider's schema and answers everything else
// without contacting anything: configuration is accepted as decoded,
// planned values are the engine's proposal, and data sources are unknown.
type offlineProvider struct {
	providers.Provider
}

func (offlineProvider) Configure(context.Context, providers.ConfigureRequest) providers.Diagnostics {
	return nil
}

func (offlineProvider) Discover(_ context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	res := make([]providers.DiscoverResult, len(req.Items))
	for i, it := range req.Items {
		res[i].Current = it.Prior
	}
	return providers.DiscoverResponse{Results: res}
}

func (offlineProvider) PlanChanges(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	res := make([]providers.PlanResult, len(req.Items))
	for i, it := range req.Items {
		res[i].Planned = it.Proposed
	}
	return providers.PlanResponse{Results: res}
}

func (p offlineProvider) ReadData(_ context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	res := make([]providers.ReadDataResult, len(req.Items))
	for i, it := range req.Items {
		if rs := p.Schema().DataSources[it.Type]; rs != nil {
			res[i].State = cty.UnknownVal(rs.ImpliedType())
		}
	}
	return providers.ReadDataResponse{Results: res}
}

func (offlineProvider) ApplyChanges(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	return providers.ApplyResponse{Diagnostics: providers.Diagnostics{{Severity: providers.Error, Summary: "Not available while validating"}}}
}

func (p offlineProvider) Import(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	res := make([]providers.ImportResult, len(req.Items))
	for i, it := range req.Items {
		// The object is not looked up; an object with every attribute null
		// stands in so that the rest of the configuration can be checked.
		if rs := p.Schema().Resources[it.Type]; rs != nil {
			res[i].State = emptyObject(rs.ImpliedType())
		}
	}
	return providers.ImportResponse{Results: res}
}

// emptyObject is a non-null object of type t whose attributes are null.
func emptyObject(t cty.Type) cty.Value {
	if !t.IsObjectType() {
		return cty.NullVal(t)
	}
	attrs := map[string]cty.Value{}
	for name, at := range t.AttributeTypes() {
		attrs[name] = cty.NullVal(at)
	}
	if len(attrs) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(attrs)
}
