package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// discoverSchema has what discover output must cope with: a device, a
// computed id, defaults, a sensitive attribute, a set and nested blocks of
// both list and map nesting.
var discoverSchema = &schema.Resource{Block: schema.Block{
	Attributes: map[string]*schema.Attribute{
		"device":  {Type: cty.String, Required: true},
		"vlan_id": {Type: cty.Number, Required: true},
		"name":    {Type: cty.String, Optional: true},
		"state":   {Type: cty.String, Optional: true, Default: cty.StringVal("active")},
		"secret":  {Type: cty.String, Optional: true, Sensitive: true},
		"members": {Type: cty.Set(cty.Number), Optional: true},
		"note":    {Type: cty.String, Optional: true},
		"id":      {Type: cty.String, Computed: true},
	},
	BlockTypes: map[string]*schema.NestedBlock{
		"entry": {Nesting: schema.NestingList, Block: schema.Block{Attributes: map[string]*schema.Attribute{
			"sequence": {Type: cty.Number, Optional: true},
			"action":   {Type: cty.String, Required: true},
			"log":      {Type: cty.Bool, Optional: true, Default: cty.False},
		}}},
		"label": {Nesting: schema.NestingMap, Block: schema.Block{Attributes: map[string]*schema.Attribute{
			"value": {Type: cty.String, Required: true},
		}}},
	},
}}

func discoverValue(attrs map[string]cty.Value) cty.Value {
	full := map[string]cty.Value{}
	for n, t := range discoverSchema.Block.ImpliedType().AttributeTypes() {
		full[n] = cty.NullVal(t)
	}
	for n, v := range attrs {
		full[n] = v
	}
	return cty.ObjectVal(full)
}

func discoverFixture() *Discovery {
	entryT := discoverSchema.Block.BlockTypes["entry"].Block.ImpliedType()
	labelT := discoverSchema.Block.BlockTypes["label"].Block.ImpliedType()
	var members []cty.Value
	for i := 100; i < 140; i++ {
		members = append(members, cty.NumberIntVal(int64(i)))
	}
	return &Discovery{
		Source: "device sw1 (cisco_iosxe)",
		Resources: []DiscoveredResource{
			{
				Type: "network_vlan", Name: "vlan_20_finance", ID: "sw1:vlan:20", Schema: discoverSchema,
				Order: []string{"vlan_id", "name", "state", "sequence", "action"},
				Config: discoverValue(map[string]cty.Value{
					"device": cty.StringVal("sw1"), "vlan_id": cty.NumberIntVal(20), "name": cty.StringVal("finance ${x} %{y}"),
					"state": cty.StringVal("active"), "members": cty.SetVal(members), "note": cty.StringVal("line one\nline \"two\""),
					"secret": cty.StringVal("hunter2").Mark(schema.Sensitive),
					"entry": cty.ListVal([]cty.Value{
						cty.ObjectVal(map[string]cty.Value{"sequence": cty.NumberIntVal(10), "action": cty.StringVal("permit"), "log": cty.False}),
						cty.ObjectVal(map[string]cty.Value{"sequence": cty.NumberIntVal(20), "action": cty.StringVal("deny"), "log": cty.True}),
					}),
					"label": cty.MapVal(map[string]cty.Value{"b": cty.ObjectVal(map[string]cty.Value{"value": cty.StringVal("2")}), "a": cty.ObjectVal(map[string]cty.Value{"value": cty.StringVal("1")})}),
				}),
			},
			{
				Type: "network_vlan", Name: "vlan_30", ID: "sw1:vlan:30", Schema: discoverSchema,
				Config: discoverValue(map[string]cty.Value{
					"device": cty.StringVal("sw1"), "vlan_id": cty.NumberIntVal(30), "state": cty.StringVal("suspend"),
					"members": cty.SetVal([]cty.Value{cty.NumberIntVal(2), cty.NumberIntVal(1)}),
					"entry":   cty.ListValEmpty(entryT), "label": cty.MapValEmpty(labelT),
				}),
			},
		},
		Skipped: []SkippedObject{
			{Type: "network_acl", ID: "sw1:acl:MGMT", Reason: `entry[0].action cannot be written as configuration: "remark" is not one of "permit" or "deny"`},
			{Type: "network_vlan", ID: "sw1:vlan:40", Reason: "a message\nover two lines"},
		},
	}
}

func TestRenderDiscoveryHCL(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderDiscoveryHCL(&buf, discoverFixture()); err != nil {
		t.Fatal(err)
	}
	golden(t, "discover.hcl", buf.Bytes())
	assertNoSecrets(t, "discover HCL", buf.Bytes())
	if strings.Contains(buf.String(), "hunter2") {
		t.Error("the sensitive value is in the output")
	}

	// The output parses, and the resource blocks hold what was discovered.
	f, diags := hclparse.NewParser().ParseHCL(buf.Bytes(), "discover.hcl")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	content, diags := f.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "import"}, {Type: "resource", LabelNames: []string{"type", "name"}},
	}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	fx := discoverFixture()
	var n int
	for _, b := range content.Blocks {
		if b.Type != "resource" {
			continue
		}
		r := fx.Resources[n]
		n++
		got, diags := discoverSchema.Block.Decode(b.Body, &hcl.EvalContext{})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", r.Name, diags.Error())
		}
		got, _ = got.UnmarkDeep()
		want, _ := r.Config.UnmarkDeep()
		for name, v := range got.AsValueMap() {
			w := want.GetAttr(name)
			if name == "secret" {
				w = cty.NullVal(cty.String) // never written
			}
			if !v.RawEquals(w) {
				t.Errorf("%s.%s decodes to %#v, want %#v", r.Name, name, v, w)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d resource blocks, want 2", n)
	}
}

func TestRenderDiscoveryJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderDiscoveryJSON(&buf, discoverFixture()); err != nil {
		t.Fatal(err)
	}
	golden(t, "discover.json", buf.Bytes())
	assertNoSecrets(t, "discover JSON", buf.Bytes())
	if strings.Contains(buf.String(), "hunter2") {
		t.Error("the sensitive value is in the output")
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}

	buf.Reset()
	if err := RenderDiscoveryJSON(&buf, &Discovery{Source: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(buf.String()), ""); got != `{"resources":[],"skipped":[]}` {
		t.Errorf("empty discovery = %s", got)
	}
}

func TestConfigAttributeNames(t *testing.T) {
	blk := &discoverSchema.Block
	for _, tt := range []struct {
		order []string
		want  string
	}{
		{nil, "device vlan_id members name note secret state"},
		{[]string{"name", "vlan_id", "nonexistent", "id"}, "name vlan_id device members note secret state"},
	} {
		if got := strings.Join(configAttributeNames(blk, tt.order), " "); got != tt.want {
			t.Errorf("order %v: got %q, want %q", tt.order, got, tt.want)
		}
	}
}
