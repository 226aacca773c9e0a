package ui

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/schema"
)

func mustOutput(t *testing.T, v cty.Value, sensitive bool) *state.OutputValue {
	t.Helper()
	o, err := state.EncodeOutput(v, sensitive, []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// stateFixture is a state with an object of every shape the text rendering
// lays out differently: nested blocks of each nesting mode, a sensitive
// block, sensitive attributes at several depths, a tainted data source,
// module and instance keys, and outputs.
func stateFixture(t *testing.T) (*state.State, []StateObject) {
	t.Helper()
	hookType := policySchema.BlockTypes["hook"].Block.ImpliedType()
	policy := objOf(&policySchema.Block, map[string]cty.Value{
		"id":         str("pol-1"),
		"repository": str("/srv/backup"),
		"sources":    strs("/etc", "/home"),
		"schedule":   str("daily 02:00"),
		"notes":      str("first line\nsecond with ${not_a_ref}\n"),
		"keep":       objOf(keepBlock, map[string]cty.Value{"daily": num(7), "weekly": num(4)}),
		"exclude": cty.ListVal([]cty.Value{
			objOf(excludeBlock, map[string]cty.Value{"pattern": str("*.tmp"), "reason": str("scratch")}),
		}),
		"hook": cty.MapVal(map[string]cty.Value{
			"pre":  objOf(hookBlock, map[string]cty.Value{"command": str("sync"), "token": str("block-secret-attr")}),
			"post": cty.NullVal(hookType).Mark(schema.Sensitive),
		}),
	})
	user := objOf(&userSchema.Block, map[string]cty.Value{
		"id":         str("u-1"),
		"uid":        str("jdoe"),
		"password":   str("new-password-n3w"),
		"attributes": strMap("title", "Engineer", "not an identifier", "x"),
		"credential": cty.ObjectVal(map[string]cty.Value{"kind": str("token"), "token": str("key-material-secret").Mark(schema.Sensitive)}),
		"groups":     strSet("admins", "ops"),
		"phones":     cty.ListValEmpty(cty.Object(map[string]cty.Type{"kind": cty.String, "number": cty.String})),
	})
	objs := []StateObject{
		{Addr: inst("backup_policy", "nightly", addrs.NoKey), Provider: provider("backup_policy"), Value: policySchema.MarkSensitive(policy), Schema: policySchema},
		{Addr: dataInst("directory_user", "me"), Provider: provider("directory_user"), Tainted: true, SchemaVersion: 2, Value: userSchema.MarkSensitive(user), Schema: userSchema},
		{
			Addr:     addrs.AbsResourceInstance{Module: "module.site[\"b\"]", Resource: addrs.Resource{Mode: addrs.ManagedMode, Type: "network_vlan", Name: "v"}, Key: addrs.IntKey(3)},
			Provider: `module.site["b"].provider["network"]`,
			Value:    cty.ObjectVal(map[string]cty.Value{"id": str("vlan-20"), "vlan_id": num(20), "name": cty.NullVal(cty.String)}),
		},
	}
	st := &state.State{StewardVersion: "1.2.3", Lineage: "lineage-1", Serial: 7, Outputs: map[string]*state.OutputValue{
		"name":   mustOutput(t, str("jdoe"), false),
		"script": mustOutput(t, str("#!/bin/sh\necho ${HOME}\n"), false),
		"token":  mustOutput(t, str("output-secret-flagged"), true),
		"vlans":  mustOutput(t, cty.ObjectVal(map[string]cty.Value{"ids": cty.TupleVal([]cty.Value{num(10), num(20)}), "long name": cty.True}), false),
	}}
	return st, objs
}

func TestStateTextGolden(t *testing.T) {
	st, objs := stateFixture(t)
	var buf bytes.Buffer
	if err := RenderStateText(&buf, st, objs); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, "state text", buf.Bytes())
	golden(t, "state.txt", buf.Bytes())

	var one bytes.Buffer
	if err := RenderStateObjectText(&one, objs[1]); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String()[strings.Index(buf.String(), "# data."):], one.String()) {
		t.Errorf("state show differs from the same object in show:\n%s", one.String())
	}
}

func TestStateJSONGolden(t *testing.T) {
	st, objs := stateFixture(t)
	var buf bytes.Buffer
	if err := RenderStateJSON(&buf, st, objs); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, "state JSON", buf.Bytes())
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("invalid JSON:\n%s", buf.Bytes())
	}
	golden(t, "state.json", buf.Bytes())
}

func TestStateEmpty(t *testing.T) {
	for _, st := range []*state.State{nil, {}} {
		var text, js bytes.Buffer
		if err := RenderStateText(&text, st, nil); err != nil {
			t.Fatal(err)
		}
		if text.String() != "No state: nothing has been applied in this directory yet.\n" {
			t.Errorf("empty state text = %q", text.String())
		}
		if err := RenderStateJSON(&js, st, nil); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Values struct {
				Outputs   map[string]any `json:"outputs"`
				Resources []any          `json:"resources"`
			} `json:"values"`
		}
		if err := json.Unmarshal(js.Bytes(), &doc); err != nil || doc.Values.Outputs == nil || doc.Values.Resources == nil {
			t.Errorf("empty state JSON must have empty outputs and resources, not null: %s (%v)", js.Bytes(), err)
		}
	}
}

func TestOutputs(t *testing.T) {
	st, _ := stateFixture(t)
	var text bytes.Buffer
	if err := RenderOutputsText(&text, st.Outputs); err != nil {
		t.Fatal(err)
	}
	want := `name = "jdoe"
script = <<-EOT
  #!/bin/sh
  echo $${HOME}
EOT
token = <sensitive>
vlans = {
  ids         = [
    10,
    20,
  ]
  "long name" = true
}
`
	if text.String() != want {
		t.Errorf("outputs:\n%s\nwant:\n%s", text.String(), want)
	}

	var one bytes.Buffer
	if err := RenderOutputText(&one, "token", st.Outputs["token"]); err != nil || one.String() != "<sensitive>\n" {
		t.Errorf("sensitive output = %q, %v", one.String(), err)
	}

	var js bytes.Buffer
	if err := RenderOutputJSON(&js, "token", st.Outputs["token"]); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"sensitive\": true,\n  \"type\": \"string\",\n  \"value\": null\n}\n"; js.String() != want {
		t.Errorf("sensitive output JSON = %q, want %q", js.String(), want)
	}
	assertNoSecrets(t, "outputs", append(text.Bytes(), js.Bytes()...))
}

func TestOutputRaw(t *testing.T) {
	for _, c := range []struct {
		v         cty.Value
		sensitive bool
		want, err string
	}{
		{v: str("a \"b\"\n"), want: "a \"b\"\n"},
		{v: cty.NumberIntVal(20), want: "20"},
		{v: cty.NumberFloatVal(0.5), want: "0.5"},
		{v: cty.False, want: "false"},
		{v: str("output-secret-flagged"), sensitive: true, err: `output "o" is sensitive`},
		{v: cty.NullVal(cty.String), err: `output "o" is null`},
		{v: cty.ListVal([]cty.Value{str("a")}), err: `output "o" is a list of string; -raw prints only`},
	} {
		var buf bytes.Buffer
		err := RenderOutputRaw(&buf, "o", mustOutput(t, c.v, c.sensitive))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%#v: error %v, want %q", c.v, err, c.err)
		case c.err == "" && (err != nil || buf.String() != c.want):
			t.Errorf("%#v: %q, %v; want %q", c.v, buf.String(), err, c.want)
		}
	}
}

func TestStateSensitiveValues(t *testing.T) {
	obj := cty.ObjectVal(map[string]cty.Value{"a": str("x")})
	for _, c := range []struct {
		v    cty.Value
		want any
	}{
		{str("x"), false},
		{sens(str("x")), true},
		{cty.NullVal(obj.Type()), map[string]any{}},
		{cty.ListValEmpty(cty.String), []any{}},
		{strs("a", "b"), []any{}},
		{cty.ListVal([]cty.Value{str("a"), sens(str("b"))}), []any{false, true}},
		{cty.ObjectVal(map[string]cty.Value{"l": strs("a"), "m": strMap("k", "v"), "s": sens(str("x")), "n": num(1)}),
			map[string]any{"l": []any{}, "m": map[string]any{}, "s": true}},
	} {
		if got := stateSensitiveValues(c.v); !reflect.DeepEqual(got, c.want) {
			t.Errorf("stateSensitiveValues(%#v) = %#v, want %#v", c.v, got, c.want)
		}
	}
}

// TestStateRenderNeverFails renders every odd value as an attribute and in
// place of every kind of block, and requires that no secret shows.
func TestStateRenderNeverFails(t *testing.T) {
	addr := addrs.AbsResourceInstance{Resource: addrs.Resource{Mode: addrs.ManagedMode, Type: "x_y", Name: "z"}}
	for i, v := range oddValues() {
		for _, pos := range []string{"", "v", "single", "list", "set", "map"} {
			val := v
			if pos != "" {
				val = wrapAttr(pos, v)
			}
			for _, rs := range []*schema.Resource{oddSchema, nil} {
				var text, js bytes.Buffer
				func() {
					defer func() {
						if rec := recover(); rec != nil {
							t.Fatalf("#%d %#v at %q: panic %v", i, v, pos, rec)
						}
					}()
					o := StateObject{Addr: addr, Value: val, Schema: rs}
					if err := RenderStateObjectText(&text, o); err != nil {
						t.Fatal(err)
					}
					if err := RenderStateJSON(&js, nil, []StateObject{o}); err != nil {
						t.Fatal(err)
					}
				}()
				if strings.Contains(text.String()+js.String(), "secret") {
					t.Fatalf("#%d at %q: sensitive value shown:\n%s\n%s", i, pos, text.String(), js.String())
				}
			}
		}
	}
}
