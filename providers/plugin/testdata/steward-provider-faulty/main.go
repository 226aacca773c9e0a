// Command steward-provider-faulty is a provider plugin for tests that
// fails on request. It keeps faulty_record objects in a JSON file and, as
// its provider block asks, panics while applying one named record or hangs
// while planning one.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/plugin"
	"github.com/stewardhq/steward/schema"
)

func main() { plugin.Serve(&faulty{}) }

type faulty struct {
	path, crashOn, hangOn string
}

var recordSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"name": {Type: cty.String, Required: true, ForceNew: true, Validate: func(v cty.Value) error {
		if v.AsString() == "invalid" {
			return fmt.Errorf("the name %q is refused by this provider", "invalid")
		}
		return nil
	}},
	"value": {Type: cty.String, Optional: true},
}}}

func (f *faulty) Schema() *schema.Provider {
	return &schema.Provider{
		Config: &schema.Block{Attributes: map[string]*schema.Attribute{
			"path":     {Type: cty.String, Required: true},
			"crash_on": {Type: cty.String, Optional: true},
			"hang_on":  {Type: cty.String, Optional: true},
		}},
		Resources: map[string]*schema.Resource{"faulty_record": recordSchema},
	}
}

func str(v cty.Value) string {
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}

func (f *faulty) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	f.path = str(req.Config.GetAttr("path"))
	f.crashOn = str(req.Config.GetAttr("crash_on"))
	f.hangOn = str(req.Config.GetAttr("hang_on"))
	return nil
}

func (f *faulty) load() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.path)
	if os.IsNotExist(err) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	return m, json.Unmarshal(b, &m)
}

func (f *faulty) save(m map[string]string) error {
	b, _ := json.MarshalIndent(m, "", "  ")
	return os.WriteFile(f.path, b, 0o644)
}

func record(name, value string) cty.Value {
	v := cty.NullVal(cty.String)
	if value != "" {
		v = cty.StringVal(value)
	}
	return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(name), "value": v})
}

func (f *faulty) Discover(_ context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	m, err := f.load()
	if err != nil {
		return providers.DiscoverResponse{Diagnostics: providers.Diagnostics{providers.FromError("Reading records", err)}}
	}
	resp := providers.DiscoverResponse{Results: make([]providers.DiscoverResult, len(req.Items))}
	for i, it := range req.Items {
		name := str(it.Prior.GetAttr("name"))
		if v, ok := m[name]; ok {
			resp.Results[i].Current = record(name, v)
		} else {
			resp.Results[i].Current = cty.NullVal(recordSchema.ImpliedType())
		}
	}
	return resp
}

func (f *faulty) PlanChanges(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	resp := providers.PlanResponse{Results: make([]providers.PlanResult, len(req.Items))}
	for i, it := range req.Items {
		if f.hangOn != "" && str(it.Config.GetAttr("name")) == f.hangOn {
			fmt.Fprintln(os.Stderr, "faulty: hanging as asked")
			time.Sleep(time.Hour)
		}
		resp.Results[i].Planned = it.Proposed
	}
	return resp
}

func (f *faulty) ApplyChanges(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	resp := providers.ApplyResponse{Results: make([]providers.ApplyResult, len(req.Items))}
	// Items are applied in name order, so that a test knows which ones
	// were done before the crash.
	order := make([]int, len(req.Items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return str(req.Items[order[a]].Planned.GetAttr("name")) < str(req.Items[order[b]].Planned.GetAttr("name"))
	})
	for _, i := range order {
		it := req.Items[i]
		m, err := f.load()
		if err != nil {
			resp.Results[i] = providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.FromError("Reading records", err)}}
			continue
		}
		switch it.Action {
		case providers.Delete:
			delete(m, str(it.Prior.GetAttr("name")))
			resp.Results[i].New = cty.NullVal(recordSchema.ImpliedType())
		default:
			name := str(it.Planned.GetAttr("name"))
			if name == f.crashOn {
				panic("faulty: crashing as asked while applying " + name)
			}
			m[name] = str(it.Planned.GetAttr("value"))
			resp.Results[i].New = it.Planned
		}
		if err := f.save(m); err != nil {
			resp.Results[i] = providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.FromError("Writing records", err)}}
		}
	}
	return resp
}

func (f *faulty) ReadData(_ context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	return providers.ReadDataResponse{Results: make([]providers.ReadDataResult, len(req.Items))}
}

func (f *faulty) Import(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	m, _ := f.load()
	resp := providers.ImportResponse{Results: make([]providers.ImportResult, len(req.Items))}
	for i, it := range req.Items {
		resp.Results[i].State = record(it.ID, m[it.ID])
	}
	return resp
}

func (f *faulty) List(context.Context, providers.ListRequest) providers.ListResponse {
	return providers.ListResponse{}
}

func (f *faulty) Close() error { return nil }
