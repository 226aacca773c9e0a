package wire

import (
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

func testSchema() *schema.Provider {
	return &schema.Provider{
		Config: &schema.Block{Attributes: map[string]*schema.Attribute{
			"path":  {Type: cty.String, Required: true, Description: "File to manage."},
			"token": {Type: cty.String, Optional: true, Sensitive: true},
		}},
		Resources: map[string]*schema.Resource{
			"acme_host": {Version: 3, Block: schema.Block{
				Description: "A host.",
				Attributes: map[string]*schema.Attribute{
					"name":     {Type: cty.String, Required: true, ForceNew: true, Validate: schema.OneOf("a", "b")},
					"id":       {Type: cty.String, Computed: true},
					"ports":    {Type: cty.List(cty.Number), Optional: true, Default: cty.ListVal([]cty.Value{cty.NumberIntVal(22)})},
					"secret":   {Type: cty.String, Optional: true, WriteOnly: true},
					"anything": {Type: cty.DynamicPseudoType, Optional: true},
				},
				BlockTypes: map[string]*schema.NestedBlock{
					"addr": {Nesting: schema.NestingList, MinItems: 1, MaxItems: 4, Block: schema.Block{Attributes: map[string]*schema.Attribute{
						"ip": {Type: cty.String, Required: true},
					}}},
					"tags": {Nesting: schema.NestingMap, ForceNew: true, Block: schema.Block{Attributes: map[string]*schema.Attribute{
						"v": {Type: cty.String, Optional: true},
					}}},
					"opts": {Nesting: schema.NestingSet, Block: schema.Block{Attributes: map[string]*schema.Attribute{
						"k": {Type: cty.String, Optional: true},
					}}},
					"one": {Nesting: schema.NestingSingle, Block: schema.Block{Attributes: map[string]*schema.Attribute{
						"k": {Type: cty.Bool, Optional: true},
					}}},
				},
			}},
		},
		DataSources: map[string]*schema.Resource{
			"acme_lookup": {Block: schema.Block{Attributes: map[string]*schema.Attribute{"q": {Type: cty.String, Required: true}, "r": {Type: cty.Map(cty.String), Computed: true}}}},
		},
	}
}

func TestSchemaRoundTrip(t *testing.T) {
	in := testSchema()
	ps, err := EncodeSchema(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeSchema(ps)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range in.Resources {
		got := out.Resources[name]
		if got == nil {
			t.Fatalf("resource %s lost", name)
		}
		if !got.ImpliedType().Equals(r.ImpliedType()) {
			t.Errorf("%s: implied type %#v, want %#v", name, got.ImpliedType(), r.ImpliedType())
		}
		if got.Version != r.Version || got.Description != r.Description {
			t.Errorf("%s: version/description %d %q", name, got.Version, got.Description)
		}
	}
	h := out.Resources["acme_host"]
	if a := h.Attributes["name"]; !a.Required || !a.ForceNew || a.Validate != nil {
		t.Errorf("name flags lost or validator crossed the wire: %+v", a)
	}
	if a := h.Attributes["id"]; !a.Computed || a.Optional {
		t.Errorf("id flags: %+v", a)
	}
	if a := h.Attributes["secret"]; !a.WriteOnly {
		t.Errorf("secret not write-only")
	}
	if a := h.Attributes["ports"]; !a.Default.RawEquals(cty.ListVal([]cty.Value{cty.NumberIntVal(22)})) {
		t.Errorf("default: %#v", a.Default)
	}
	if a := out.Config.Attributes["token"]; !a.Sensitive || a.Description != "" {
		t.Errorf("token: %+v", a)
	}
	if out.Config.Attributes["path"].Description != "File to manage." {
		t.Errorf("description lost")
	}
	addr := h.BlockTypes["addr"]
	if addr.Nesting != schema.NestingList || addr.MinItems != 1 || addr.MaxItems != 4 {
		t.Errorf("addr block: %+v", addr)
	}
	if h.BlockTypes["tags"].Nesting != schema.NestingMap || !h.BlockTypes["tags"].ForceNew {
		t.Errorf("tags block: %+v", h.BlockTypes["tags"])
	}
	if h.BlockTypes["opts"].Nesting != schema.NestingSet || h.BlockTypes["one"].Nesting != schema.NestingSingle {
		t.Errorf("nesting modes lost")
	}
	if !out.DataSources["acme_lookup"].ImpliedType().Equals(in.DataSources["acme_lookup"].ImpliedType()) {
		t.Errorf("data source type lost")
	}
	if err := out.Resources["acme_host"].InternalValidate(); err != nil {
		t.Errorf("decoded schema is invalid: %v", err)
	}
}

func hostValue(name cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"name":     name,
		"id":       cty.UnknownVal(cty.String),
		"ports":    cty.ListVal([]cty.Value{cty.NumberIntVal(22), cty.UnknownVal(cty.Number)}),
		"secret":   cty.StringVal("hunter2").Mark(schema.Sensitive),
		"anything": cty.NullVal(cty.DynamicPseudoType),
		"addr":     cty.ListVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"ip": cty.StringVal("10.0.0.1")})}),
		"tags":     cty.MapValEmpty(cty.Object(map[string]cty.Type{"v": cty.String})),
		"opts":     cty.SetVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"k": cty.StringVal("x")})}),
		"one":      cty.NullVal(cty.Object(map[string]cty.Type{"k": cty.Bool})),
	})
}

func TestValuesRoundTrip(t *testing.T) {
	ty := Types{Schema: testSchema()}
	rty := ty.Resource("acme_host")
	cases := map[string]struct {
		v, want cty.Value
		dynamic bool
	}{
		"unknowns survive, marks are stripped": {
			v:    hostValue(cty.StringVal("a")),
			want: unmarked(hostValue(cty.StringVal("a"))),
		},
		"wholly unknown": {v: cty.UnknownVal(rty), want: cty.UnknownVal(rty)},
		"typed null":     {v: cty.NullVal(rty), want: cty.NullVal(rty)},
		"dynamic attribute with a value": {
			v:       unmarked(hostValue(cty.StringVal("a"))),
			dynamic: true,
		},
		"null of no type": {v: cty.NullVal(cty.DynamicPseudoType), want: cty.NullVal(cty.DynamicPseudoType), dynamic: true},
	}
	dyn := cases["dynamic attribute with a value"]
	m := dyn.v.AsValueMap()
	m["anything"] = cty.TupleVal([]cty.Value{cty.StringVal("x"), cty.True})
	dyn.v = cty.ObjectVal(m)
	dyn.want = dyn.v
	cases["dynamic attribute with a value"] = dyn
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dv, err := EncodeValue(c.v, rty)
			if err != nil {
				t.Fatal(err)
			}
			if dv.Dynamic != c.dynamic {
				t.Errorf("dynamic = %v, want %v", dv.Dynamic, c.dynamic)
			}
			got, err := DecodeValue(dv, rty)
			if err != nil {
				t.Fatal(err)
			}
			if !got.RawEquals(c.want) {
				t.Errorf("got %#v\nwant %#v", got, c.want)
			}
		})
	}
	if dv, err := EncodeValue(cty.NilVal, rty); err != nil || dv != nil {
		t.Fatalf("NilVal encodes as %v, %v", dv, err)
	}
	if v, _ := DecodeValue(nil, rty); v != cty.NilVal {
		t.Fatalf("nil decodes as %#v", v)
	}
}

func TestPathsRoundTrip(t *testing.T) {
	paths := []cty.Path{
		cty.GetAttrPath("addr").IndexInt(2).GetAttr("ip"),
		cty.GetAttrPath("tags").IndexString("web").GetAttr("v"),
		cty.GetAttrPath("opts").Index(cty.ObjectVal(map[string]cty.Value{"k": cty.StringVal("x")})),
		cty.GetAttrPath("ports").Index(cty.UnknownVal(cty.Number)),
		{},
	}
	for _, p := range paths {
		ap, err := EncodePath(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodePath(ap)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equals(p) {
			t.Errorf("path %#v came back as %#v", p, got)
		}
	}
}

func TestDiagnosticsRoundTrip(t *testing.T) {
	in := providers.Diagnostics{
		providers.Errorf(cty.GetAttrPath("addr").IndexInt(0).GetAttr("ip"), "Bad address", "%q is not an address", "x"),
		providers.Warnf(nil, "Insecure", "host keys are not checked"),
	}
	out := DecodeDiagnostics(EncodeDiagnostics(in))
	if len(out) != 2 {
		t.Fatalf("got %d diagnostics", len(out))
	}
	for i := range in {
		if out[i].Severity != in[i].Severity || out[i].Summary != in[i].Summary || out[i].Detail != in[i].Detail || !out[i].Attribute.Equals(in[i].Attribute) {
			t.Errorf("diagnostic %d: got %+v, want %+v", i, out[i], in[i])
		}
	}
}

func TestRequestsRoundTrip(t *testing.T) {
	ty := Types{Schema: testSchema()}
	v := unmarked(hostValue(cty.StringVal("b")))
	plan := providers.PlanRequest{Items: []providers.PlanItem{{Address: "acme_host.x", Type: "acme_host", Prior: cty.NullVal(ty.Resource("acme_host")), Config: v, Proposed: v}}}
	pin, err := ty.EncodePlan(plan)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ty.DecodePlan(pin)
	if err != nil {
		t.Fatal(err)
	}
	if back.Items[0].Address != "acme_host.x" || !back.Items[0].Config.RawEquals(v) || !back.Items[0].Prior.IsNull() {
		t.Errorf("plan request: %#v", back.Items[0])
	}
	resp := providers.PlanResponse{Results: []providers.PlanResult{{Planned: v, RequiresReplace: []cty.Path{cty.GetAttrPath("name")}, Summary: "s", Diagnostics: providers.Diagnostics{providers.Warnf(nil, "w", "d")}}}}
	presp, err := ty.EncodePlanResponse(plan, resp)
	if err != nil {
		t.Fatal(err)
	}
	rback, err := ty.DecodePlanResponse(plan, presp)
	if err != nil {
		t.Fatal(err)
	}
	r := rback.Results[0]
	if !r.Planned.RawEquals(v) || len(r.RequiresReplace) != 1 || !r.RequiresReplace[0].Equals(cty.GetAttrPath("name")) || r.Summary != "s" || len(r.Diagnostics) != 1 {
		t.Errorf("plan response: %#v", r)
	}

	apply := providers.ApplyRequest{Items: []providers.ApplyItem{
		{Address: "acme_host.x", Type: "acme_host", Action: providers.Delete, Prior: v, Planned: cty.NullVal(ty.Resource("acme_host"))},
		{Address: "acme_host.x", Type: "acme_host", Action: providers.Create, Prior: cty.NullVal(ty.Resource("acme_host")), Planned: v, Config: v, DependsOn: []int{0}},
	}}
	ain, err := ty.EncodeApply(apply)
	if err != nil {
		t.Fatal(err)
	}
	aback, err := ty.DecodeApply(ain)
	if err != nil {
		t.Fatal(err)
	}
	if aback.Items[0].Action != providers.Delete || aback.Items[1].Action != providers.Create || len(aback.Items[1].DependsOn) != 1 || aback.Items[1].DependsOn[0] != 0 {
		t.Errorf("apply request: %#v", aback.Items)
	}
	ain.Items[0].DependsOn = []int64{1}
	if _, err := ty.DecodeApply(ain); err == nil {
		t.Errorf("an item depending on a later one was accepted")
	}
	cfg := cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal("/x"), "token": cty.StringVal("t").Mark(schema.Sensitive)})
	cin, err := ty.EncodeConfigure(providers.ConfigureRequest{Config: cfg, Alias: "lab", StewardVersion: "1.2"})
	if err != nil {
		t.Fatal(err)
	}
	cback, err := ty.DecodeConfigure(cin)
	if err != nil {
		t.Fatal(err)
	}
	if !cback.Config.RawEquals(unmarked(cfg)) || cback.Alias != "lab" || cback.StewardVersion != "1.2" {
		t.Errorf("configure: %#v", cback)
	}
}

func unmarked(v cty.Value) cty.Value {
	v, _ = v.UnmarkDeep()
	return v
}
