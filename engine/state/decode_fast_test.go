package state

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// TestDecodeJSONMatchesCtyJSON keeps the fast decoder honest: for every
// shape it must produce exactly what ctyjson.Unmarshal produces.
func TestDecodeJSONMatchesCtyJSON(t *testing.T) {
	obj := cty.ObjectVal(map[string]cty.Value{
		"s": cty.StringVal("x"), "n": cty.NumberFloatVal(1.5), "b": cty.True,
		"null": cty.NullVal(cty.String),
		"l":    cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"set":  cty.SetVal([]cty.Value{cty.NumberIntVal(1), cty.NumberIntVal(2)}),
		"m":    cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")}),
		"em":   cty.MapValEmpty(cty.Number),
		"el":   cty.ListValEmpty(cty.String),
		"t":    cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NumberIntVal(3)}),
		"big":  cty.MustParseNumberVal("123456789012345678901234567890"),
	})
	cases := []struct {
		v  cty.Value
		ty cty.Type
	}{
		{obj, obj.Type()},
		{obj, cty.DynamicPseudoType},
		{cty.ObjectVal(map[string]cty.Value{"d": obj, "e": cty.NullVal(cty.DynamicPseudoType)}), cty.Object(map[string]cty.Type{"d": cty.DynamicPseudoType, "e": cty.DynamicPseudoType})},
		{cty.ListVal([]cty.Value{obj, obj}), cty.List(cty.DynamicPseudoType)},
		{cty.NullVal(cty.String), cty.String},
		{cty.EmptyObjectVal, cty.EmptyObject},
	}
	for i, tc := range cases {
		raw, err := ctyjson.Marshal(tc.v, tc.ty)
		if err != nil {
			t.Fatalf("case %d: %s", i, err)
		}
		want, err := ctyjson.Unmarshal(raw, tc.ty)
		if err != nil {
			t.Fatalf("case %d: ctyjson: %s", i, err)
		}
		got, err := (&ValueDecoder{}).decodeJSON(raw, tc.ty)
		if err != nil {
			t.Fatalf("case %d: %s", i, err)
		}
		if !got.RawEquals(want) {
			t.Errorf("case %d:\n got %#v\nwant %#v", i, got, want)
		}
	}
	for _, bad := range []string{`{"s": 1}`, `{"zz": 1}`, `[`, `{"d": {"value": 1}}`} {
		ty := cty.Object(map[string]cty.Type{"s": cty.String, "d": cty.DynamicPseudoType})
		if _, err := (&ValueDecoder{}).decodeJSON([]byte(bad), ty); err == nil {
			t.Errorf("%s: expected an error", bad)
		}
	}
}
