package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// stateObject is one resource instance recorded in the state.
type stateObject struct {
	Addr addrs.AbsResourceInstance
	Res  *state.Resource
	Inst *state.Instance
}

// stateObjects lists the instances in st in address order.
func stateObjects(st *state.State) ([]stateObject, error) {
	if st == nil {
		return nil, nil
	}
	var out []stateObject
	for _, r := range st.Resources {
		mi, err := addrs.ParseModuleInstance(r.Module)
		if err != nil {
			return nil, fmt.Errorf("the state records an invalid module address %q: %w", r.Module, err)
		}
		mode := addrs.ManagedMode
		if r.Mode == state.ModeData {
			mode = addrs.DataMode
		}
		res := addrs.AbsResource{Module: mi, Resource: addrs.Resource{Mode: mode, Type: r.Type, Name: r.Name}}
		for _, inst := range r.Instances {
			out = append(out, stateObject{Addr: res.Instance(inst.Key.Addr()), Res: r, Inst: inst})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out, nil
}

// matchObjects returns the objects inside any of the addresses given (all of
// them when none is), and the addresses that matched nothing.
func matchObjects(objs []stateObject, patterns []string) ([]stateObject, []string, error) {
	if len(patterns) == 0 {
		return objs, nil, nil
	}
	var targets []addrs.Target
	for _, p := range patterns {
		t, err := addrs.ParseTarget(p)
		if err != nil {
			return nil, nil, flagErrorf("%s", err)
		}
		targets = append(targets, t)
	}
	hit := make([]bool, len(targets))
	var out []stateObject
	for _, o := range objs {
		in := false
		for i, t := range targets {
			if t.Contains(o.Addr) {
				hit[i], in = true, true
			}
		}
		if in {
			out = append(out, o)
		}
	}
	var missed []string
	for i, h := range hit {
		if !h {
			missed = append(missed, patterns[i])
		}
	}
	return out, missed, nil
}

// schemas finds resource schemas by provider, creating each provider once.
// Reading a schema needs no configuration and does no I/O.
type schemas struct {
	reg       *providers.Registry
	providers map[string]*schema.Provider
}

func newSchemas(reg *providers.Registry) *schemas {
	return &schemas{reg: reg, providers: map[string]*schema.Provider{}}
}

// resource returns the schema of an object recorded in state, or nil if its
// provider is not available.
func (s *schemas) resource(r *state.Resource) *schema.Resource {
	name := providerName(r.Provider, r.Type)
	ps, ok := s.providers[name]
	if !ok {
		if p, err := s.reg.New(name); err == nil {
			ps = p.Schema()
			_ = p.Close()
		}
		s.providers[name] = ps
	}
	if ps == nil {
		return nil
	}
	if r.Mode == state.ModeData {
		return ps.DataSources[r.Type]
	}
	return ps.Resources[r.Type]
}

// providerName extracts the provider's name from a provider configuration
// address such as `module.a.provider["network"].edge`, falling back to the
// resource type's prefix.
func providerName(addr, typ string) string {
	const open = `provider["`
	if i := strings.Index(addr, open); i >= 0 {
		rest := addr[i+len(open):]
		if j := strings.Index(rest, `"]`); j >= 0 {
			return rest[:j]
		}
	}
	name, _, _ := strings.Cut(typ, "_")
	return name
}

// decodeObject decodes an instance's attributes with its schema, marking
// sensitive attributes, for internal/ui to show. Without a schema it returns
// an error, since the stored JSON cannot be typed reliably.
func (s *schemas) decodeObject(o stateObject) (ui.StateObject, error) {
	rs := s.resource(o.Res)
	if rs == nil {
		return ui.StateObject{}, fmt.Errorf("the provider of %s (%s) is not available in this build of steward, so its attributes cannot be shown", o.Addr, o.Res.Provider)
	}
	v, err := state.DecodeValue(o.Inst.Attributes, rs.ImpliedType(), o.Inst.Sensitive)
	if err != nil {
		return ui.StateObject{}, fmt.Errorf("%s: %w", o.Addr, err)
	}
	return ui.StateObject{
		Addr:          o.Addr,
		Provider:      o.Res.Provider,
		SchemaVersion: o.Inst.SchemaVersion,
		Tainted:       o.Inst.Tainted,
		Value:         rs.MarkSensitive(v),
		Schema:        rs,
	}, nil
}

// decodeObjects decodes every object in st, in address order.
func (s *schemas) decodeObjects(st *state.State) ([]ui.StateObject, error) {
	objs, err := stateObjects(st)
	if err != nil {
		return nil, err
	}
	out := make([]ui.StateObject, 0, len(objs))
	for _, o := range objs {
		d, err := s.decodeObject(o)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
