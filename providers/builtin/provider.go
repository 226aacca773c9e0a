package builtin

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// Name is the provider's name and the prefix of its resource types.
const Name = "steward"

// Provider implements providers.Provider for steward_data.
type Provider struct {
	schema *schema.Provider
}

var _ providers.Provider = (*Provider)(nil)

// New returns the built-in provider.
func New() (providers.Provider, error) {
	return &Provider{schema: providerSchema()}, nil
}

func providerSchema() *schema.Provider {
	return &schema.Provider{
		Config: &schema.Block{Description: "The built-in provider takes no configuration."},
		Resources: map[string]*schema.Resource{
			"steward_data": {Block: schema.Block{
				Description: "Holds a value in state and replaces itself when triggers_replace changes; it manages no external object.",
				Attributes: map[string]*schema.Attribute{
					"id": {Type: cty.String, Computed: true,
						Description: "A random identifier chosen when the object is created."},
					"input": {Type: cty.DynamicPseudoType, Optional: true,
						Description: "Any value; it is copied to output on apply."},
					"output": {Type: cty.DynamicPseudoType, Computed: true,
						Description: "The value of input as of the last apply."},
					"triggers_replace": {Type: cty.DynamicPseudoType, Optional: true,
						Description: "Any value; a change to it replaces the object."},
				},
			}},
		},
		DataSources: map[string]*schema.Resource{},
	}
}

// Schema implements providers.Provider.
func (p *Provider) Schema() *schema.Provider { return p.schema }

// Configure implements providers.Provider; there is nothing to configure.
func (p *Provider) Configure(context.Context, providers.ConfigureRequest) providers.Diagnostics {
	return nil
}

// Discover implements providers.Provider: the object lives only in state,
// so the prior state is the real state.
func (p *Provider) Discover(_ context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	res := make([]providers.DiscoverResult, len(req.Items))
	for i, it := range req.Items {
		res[i].Current = it.Prior
	}
	return providers.DiscoverResponse{Results: res}
}

// PlanChanges implements providers.Provider.
func (p *Provider) PlanChanges(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	res := make([]providers.PlanResult, len(req.Items))
	for i, it := range req.Items {
		res[i] = planData(it)
	}
	return providers.PlanResponse{Results: res}
}

func planData(it providers.PlanItem) providers.PlanResult {
	input := it.Config.GetAttr("input")
	triggers := it.Config.GetAttr("triggers_replace")
	if it.Prior.IsNull() {
		return providers.PlanResult{Planned: cty.ObjectVal(map[string]cty.Value{
			"id":               cty.UnknownVal(cty.String),
			"input":            input,
			"output":           input,
			"triggers_replace": triggers,
		})}
	}
	var replace []cty.Path
	if !equalDynamic(it.Prior.GetAttr("triggers_replace"), triggers) {
		replace = append(replace, cty.GetAttrPath("triggers_replace"))
	}
	id := it.Prior.GetAttr("id")
	if replace != nil {
		id = cty.UnknownVal(cty.String)
	}
	return providers.PlanResult{
		Planned: cty.ObjectVal(map[string]cty.Value{
			"id":               id,
			"input":            input,
			"output":           input,
			"triggers_replace": triggers,
		}),
		RequiresReplace: replace,
	}
}

// equalDynamic compares two values of dynamic attributes, where an unknown
// on either side means the value may change.
func equalDynamic(a, b cty.Value) bool {
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	return a.Equals(b).True()
}

// ApplyChanges implements providers.Provider.
func (p *Provider) ApplyChanges(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	res := make([]providers.ApplyResult, len(req.Items))
	for i, it := range req.Items {
		switch it.Action {
		case providers.Delete:
			res[i].New = cty.NullVal(it.Prior.Type())
		case providers.Create, providers.Update:
			attrs := it.Planned.AsValueMap()
			if it.Action == providers.Create || !attrs["id"].IsKnown() {
				id, err := newID()
				if err != nil {
					res[i].Diagnostics = providers.Diagnostics{providers.FromError("Cannot create an id", err)}
					res[i].New = cty.NullVal(it.Planned.Type())
					continue
				}
				attrs["id"] = cty.StringVal(id)
			}
			res[i].New = cty.ObjectVal(attrs)
		}
	}
	return providers.ApplyResponse{Results: res}
}

func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// ReadData implements providers.Provider; there are no data sources.
func (p *Provider) ReadData(_ context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	return providers.ReadDataResponse{Results: make([]providers.ReadDataResult, len(req.Items))}
}

// Import implements providers.Provider: a steward_data object has no
// existence outside state, so import creates an empty one with the given id.
func (p *Provider) Import(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	res := make([]providers.ImportResult, len(req.Items))
	for i, it := range req.Items {
		res[i].State = cty.ObjectVal(map[string]cty.Value{
			"id":               cty.StringVal(it.ID),
			"input":            cty.NullVal(cty.DynamicPseudoType),
			"output":           cty.NullVal(cty.DynamicPseudoType),
			"triggers_replace": cty.NullVal(cty.DynamicPseudoType),
		})
	}
	return providers.ImportResponse{Results: res}
}

// List implements providers.Provider; nothing exists outside state.
func (p *Provider) List(context.Context, providers.ListRequest) providers.ListResponse {
	return providers.ListResponse{}
}

// Close implements providers.Provider.
func (p *Provider) Close() error { return nil }
