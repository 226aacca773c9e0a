package ui

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/schema"
)

// oddValues are values chosen to reach every branch of the renderers that
// could panic: nulls, unknowns, marks, empty and nested collections, sets of
// objects, tuples, extreme numbers, awkward strings and a capsule.
func oddValues() []cty.Value {
	obj := cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "n": cty.NullVal(cty.Number)})
	capsule := cty.CapsuleVal(cty.Capsule("handle", reflect.TypeOf(0)), new(int))
	return []cty.Value{
		cty.NilVal,
		cty.NullVal(cty.DynamicPseudoType),
		cty.NullVal(cty.String),
		cty.NullVal(cty.List(cty.String)),
		cty.NullVal(obj.Type()),
		cty.DynamicVal,
		cty.UnknownVal(cty.String),
		cty.UnknownVal(cty.Set(obj.Type())),
		cty.UnknownVal(obj.Type()).Mark(schema.Sensitive),
		cty.UnknownValWithNestedMarks(cty.List(cty.String), slices.Values([]any{schema.Sensitive})),
		cty.UnknownVal(cty.String).Refine().NotNull().NewValue(),
		cty.StringVal(""),
		cty.StringVal("plain"),
		cty.StringVal("a\nb\nEOT\n${x} %{y}"),
		cty.StringVal("trailing newline only\n"),
		cty.StringVal("ünïcødé \t \x00 \"quoted\""),
		cty.StringVal("secret").Mark(schema.Sensitive),
		cty.StringVal("other mark").Mark("provenance"),
		cty.StringVal("both").Mark("provenance").Mark(schema.Sensitive),
		cty.Zero,
		cty.NumberIntVal(-42),
		cty.NumberFloatVal(1e-30),
		cty.MustParseNumberVal("1e400"),
		cty.PositiveInfinity,
		cty.NegativeInfinity,
		cty.NumberFloatVal(math.MaxFloat64),
		cty.True,
		cty.ListValEmpty(cty.String),
		cty.SetValEmpty(obj.Type()),
		cty.MapValEmpty(cty.Number),
		cty.EmptyObjectVal,
		cty.EmptyTupleVal,
		cty.ListVal([]cty.Value{cty.StringVal("a"), cty.UnknownVal(cty.String), cty.NullVal(cty.String)}),
		cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("s").Mark(schema.Sensitive)}),
		cty.ListVal([]cty.Value{obj, obj}),
		cty.SetVal([]cty.Value{obj, cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.String), "n": cty.NumberIntVal(1)})}),
		cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b").Mark(schema.Sensitive)}),
		cty.TupleVal([]cty.Value{cty.True, cty.NumberIntVal(1), obj, cty.NullVal(cty.String), cty.EmptyTupleVal}),
		cty.MapVal(map[string]cty.Value{"k": cty.NullVal(cty.String), "not an identifier": cty.StringVal("v")}),
		cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v").Mark(schema.Sensitive)}),
		cty.MapVal(map[string]cty.Value{"x": cty.ListVal([]cty.Value{cty.MapValEmpty(cty.String)})}),
		obj,
		obj.Mark(schema.Sensitive),
		cty.ObjectVal(map[string]cty.Value{"deep": cty.ObjectVal(map[string]cty.Value{"deeper": cty.ListVal([]cty.Value{obj.Mark("m")})})}),
		capsule,
	}
}

// oddSchema has a block of every nesting mode so that ill-typed values can
// be fed where blocks are expected.
var oddSchema = &schema.Resource{Block: schema.Block{
	Attributes: map[string]*schema.Attribute{"v": attr(cty.DynamicPseudoType)},
	BlockTypes: map[string]*schema.NestedBlock{
		"single": {Nesting: schema.NestingSingle, Block: schema.Block{Attributes: map[string]*schema.Attribute{"a": attr(cty.String)}}},
		"list":   {Nesting: schema.NestingList, Block: schema.Block{Attributes: map[string]*schema.Attribute{"a": attr(cty.String)}}},
		"set":    {Nesting: schema.NestingSet, Block: schema.Block{Attributes: map[string]*schema.Attribute{"a": attr(cty.String)}}},
		"map":    {Nesting: schema.NestingMap, Block: schema.Block{Attributes: map[string]*schema.Attribute{"a": attr(cty.String)}}},
	},
}}

func wrapAttr(name string, v cty.Value) cty.Value {
	if v == cty.NilVal {
		return cty.NilVal
	}
	return cty.ObjectVal(map[string]cty.Value{name: v})
}

// TestRenderNeverFails feeds every pair of odd values through every action,
// as a whole object, as an attribute and in place of every kind of block,
// and requires both renderers to succeed (a recovered panic is an error).
func TestRenderNeverFails(t *testing.T) {
	vals := oddValues()
	actions := []plan.Action{plan.Create, plan.Update, plan.Delete, plan.DeleteThenCreate, plan.Read, plan.Forget, plan.NoOp, ""}
	addr := addrs.AbsResourceInstance{Resource: addrs.Resource{Mode: addrs.ManagedMode, Type: "x_y", Name: "z"}}
	prev := addrs.AbsResourceInstance{Resource: addrs.Resource{Mode: addrs.DataMode, Type: "x_y", Name: "old"}, Key: addrs.IntKey(1)}
	positions := []string{"", "v", "single", "list", "set", "map"}

	n := 0
	for i, b := range vals {
		for j, a := range vals {
			act := actions[(i+j)%len(actions)]
			pos := positions[(i*7+j)%len(positions)]
			before, after := b, a
			if pos != "" {
				before, after = wrapAttr(pos, b), wrapAttr(pos, a)
			}
			c := &plan.ResourceChange{
				Addr: addr, Action: act, Before: before, After: after, Schema: oddSchema,
				RequiresReplace: []cty.Path{cty.GetAttrPath(pos), cty.GetAttrPath(pos).IndexInt(0), cty.IndexStringPath("k")},
			}
			if (i+j)%3 == 0 {
				c.Schema = nil
				c.PrevAddr = &prev
				c.ImportID = "id"
			}
			p := &plan.Plan{
				Mode:    []plan.Mode{plan.NormalMode, plan.RefreshOnlyMode, plan.DestroyMode}[(i+j)%3],
				Changes: []*plan.ResourceChange{c},
				Drift:   []*plan.ResourceChange{c},
				Outputs: []*plan.OutputChange{{Name: "o", Action: act, Before: b, After: a, Sensitive: i%2 == 0}},
			}
			var text, js bytes.Buffer
			if err := RenderPlanText(&text, p, PlanTextOptions{Color: j%2 == 0, Width: (i % 3) * 40}); err != nil {
				t.Fatalf("text, before #%d %#v, after #%d %#v, action %q at %q: %v", i, b, j, a, act, pos, err)
			}
			if err := RenderPlanJSON(&js, p); err != nil {
				t.Fatalf("JSON, before #%d %#v, after #%d %#v, action %q at %q: %v", i, b, j, a, act, pos, err)
			}
			if !json.Valid(js.Bytes()) {
				t.Fatalf("invalid JSON for #%d/#%d: %s", i, j, js.Bytes())
			}
			for _, out := range []string{text.String(), js.String()} {
				if strings.Contains(out, "secret") {
					t.Fatalf("sensitive value shown for #%d/#%d:\n%s", i, j, out)
				}
			}
			n++
		}
	}
	t.Logf("rendered %d plans", n)
}

func TestNumbersHaveNoExponent(t *testing.T) {
	for in, want := range map[string]string{
		"20":        "20",
		"2e1":       "20",
		"0.5":       "0.5",
		"-1.25e2":   "-125",
		"1e21":      "1000000000000000000000",
		"123456789": "123456789",
		"0.000001":  "0.000001",
	} {
		if got := formatNumber(cty.MustParseNumberVal(in)); got != want {
			t.Errorf("formatNumber(%s) = %s, want %s", in, got, want)
		}
	}
	if got := formatNumber(cty.NumberFloatVal(0.1)); got != "0.1" {
		t.Errorf("formatNumber(0.1) = %s", got)
	}
}

func TestNilPlan(t *testing.T) {
	if err := RenderPlanText(&bytes.Buffer{}, nil, PlanTextOptions{}); err == nil {
		t.Error("RenderPlanText(nil) should fail")
	}
	if err := RenderPlanJSON(&bytes.Buffer{}, nil); err == nil {
		t.Error("RenderPlanJSON(nil) should fail")
	}
}
