package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/state"
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
			out = append(out, stateObject{Addr: res.Instance(toAddrKey(inst.Key)), Res: r, Inst: inst})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out, nil
}

func toAddrKey(k state.InstanceKey) addrs.InstanceKey {
	if i, ok := k.Int(); ok {
		return addrs.IntKey(i)
	}
	if s, ok := k.Str(); ok {
		return addrs.StringKey(s)
	}
	return addrs.NoKey
}

func toStateKey(k addrs.InstanceKey) state.InstanceKey {
	switch {
	case k.IsInt():
		return state.IntKey(k.Int())
	case k.IsString():
		return state.StringKey(k.Str())
	}
	return state.InstanceKey{}
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
// sensitive attributes. Without a schema it returns an error, since the
// stored JSON cannot be typed reliably.
func (s *schemas) decodeObject(o stateObject) (cty.Value, *schema.Resource, error) {
	rs := s.resource(o.Res)
	if rs == nil {
		return cty.NilVal, nil, fmt.Errorf("the provider of %s (%s) is not available in this build of steward, so its attributes cannot be shown", o.Addr, o.Res.Provider)
	}
	v, err := state.DecodeValue(o.Inst.Attributes, rs.ImpliedType(), o.Inst.Sensitive)
	if err != nil {
		return cty.NilVal, nil, fmt.Errorf("%s: %w", o.Addr, err)
	}
	return rs.MarkSensitive(v), rs, nil
}

// writeObject renders one state object as an HCL block, the way a person
// would have written it; sensitive values show as (sensitive value).
func writeObject(w io.Writer, o stateObject, v cty.Value, rs *schema.Resource) error {
	var b strings.Builder
	b.WriteString("# " + o.Addr.String() + ":")
	if o.Inst.Tainted {
		b.WriteString(" (tainted)")
	}
	b.WriteString("\n")
	kind := "resource"
	if o.Addr.Resource.Mode == addrs.DataMode {
		kind = "data"
	}
	fmt.Fprintf(&b, "%s %s %s ", kind, quoteHCL(o.Addr.Resource.Type), quoteHCL(o.Addr.Resource.Name))
	writeBlockBody(&b, v, &rs.Block, "")
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeBlockBody(b *strings.Builder, v cty.Value, blk *schema.Block, indent string) {
	b.WriteString("{\n")
	inner := indent + "    "
	if v.HasMark(schema.Sensitive) {
		b.WriteString(inner + "# (sensitive block)\n" + indent + "}")
		return
	}
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		b.WriteString(indent + "}")
		return
	}
	var names []string
	width := 0
	for _, n := range blk.AttributeNames() {
		if !v.Type().HasAttribute(n) {
			continue
		}
		if av := v.GetAttr(n); !av.IsNull() || av.HasMark(schema.Sensitive) {
			names = append(names, n)
			width = max(width, len(n))
		}
	}
	for _, n := range names {
		fmt.Fprintf(b, "%s%s%s = %s\n", inner, n, strings.Repeat(" ", width-len(n)), formatValue(v.GetAttr(n), inner, "(sensitive value)"))
	}
	for _, n := range blk.BlockTypeNames() {
		nb := blk.BlockTypes[n]
		if !v.Type().HasAttribute(n) {
			continue
		}
		bv, _ := v.GetAttr(n).Unmark()
		if bv.IsNull() || !bv.IsKnown() {
			continue
		}
		if nb.Nesting == schema.NestingSingle {
			b.WriteString("\n" + inner + n + " ")
			writeBlockBody(b, bv, &nb.Block, inner)
			b.WriteString("\n")
			continue
		}
		for it := bv.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			b.WriteString("\n" + inner + n + " ")
			if nb.Nesting == schema.NestingMap {
				b.WriteString(quoteHCL(k.AsString()) + " ")
			}
			writeBlockBody(b, ev, &nb.Block, inner)
			b.WriteString("\n")
		}
	}
	b.WriteString(indent + "}")
}

// stateJSON is the `show -json` rendering of a state, shaped like
// Terraform's so that existing tooling can read it.
type stateJSON struct {
	FormatVersion  string          `json:"format_version"`
	StewardVersion string          `json:"steward_version,omitempty"`
	Lineage        string          `json:"lineage,omitempty"`
	Serial         uint64          `json:"serial"`
	Values         stateValuesJSON `json:"values"`
}

type stateValuesJSON struct {
	Outputs   map[string]outputJSON `json:"outputs"`
	Resources []resourceJSON        `json:"resources"`
}

type resourceJSON struct {
	Address         string `json:"address"`
	ModuleAddress   string `json:"module_address,omitempty"`
	Mode            string `json:"mode"`
	Type            string `json:"type"`
	Name            string `json:"name"`
	Index           any    `json:"index,omitempty"`
	ProviderName    string `json:"provider_name"`
	SchemaVersion   int    `json:"schema_version"`
	Tainted         bool   `json:"tainted,omitempty"`
	Values          any    `json:"values"`
	SensitiveValues any    `json:"sensitive_values"`
}

type outputJSON struct {
	Sensitive bool            `json:"sensitive"`
	Type      json.RawMessage `json:"type"`
	Value     any             `json:"value"`
}

// stateJSONFormatVersion versions the `show -json` state format.
const stateJSONFormatVersion = "1.0"

func buildStateJSON(st *state.State, sc *schemas) (*stateJSON, error) {
	out := &stateJSON{FormatVersion: stateJSONFormatVersion, Values: stateValuesJSON{Outputs: map[string]outputJSON{}, Resources: []resourceJSON{}}}
	if st == nil {
		return out, nil
	}
	out.StewardVersion, out.Lineage, out.Serial = st.StewardVersion, st.Lineage, st.Serial
	outs, err := outputsJSON(st.Outputs)
	if err != nil {
		return nil, err
	}
	out.Values.Outputs = outs
	objs, err := stateObjects(st)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		v, _, err := sc.decodeObject(o)
		if err != nil {
			return nil, err
		}
		rj := resourceJSON{
			Address:         o.Addr.String(),
			ModuleAddress:   o.Addr.Module.String(),
			Mode:            o.Addr.Resource.Mode.String(),
			Type:            o.Addr.Resource.Type,
			Name:            o.Addr.Resource.Name,
			ProviderName:    o.Res.Provider,
			SchemaVersion:   o.Inst.SchemaVersion,
			Tainted:         o.Inst.Tainted,
			Values:          jsonValue(v),
			SensitiveValues: sensitiveShape(v),
		}
		switch k := o.Addr.Key; {
		case k.IsInt():
			rj.Index = k.Int()
		case k.IsString():
			rj.Index = k.Str()
		}
		out.Values.Resources = append(out.Values.Resources, rj)
	}
	return out, nil
}

// outputsJSON renders outputs for -json: a sensitive output has a null value,
// since only its hash is stored.
func outputsJSON(outs map[string]*state.OutputValue) (map[string]outputJSON, error) {
	res := map[string]outputJSON{}
	for name, o := range outs {
		v, err := o.Decode()
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
		res[name] = outputJSON{Sensitive: o.Sensitive, Type: json.RawMessage(o.Type), Value: jsonValue(v)}
	}
	return res, nil
}
