package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// decodeJSON is ctyjson.Unmarshal for the values steward stores, reading
// the document once. ctyjson starts a fresh json.Decoder for every value of
// a dynamic attribute, which dominated the cost of loading a large state
// (about a third of a 10,000-object plan); the result is the same, and a
// test checks that against ctyjson on many shapes.
func (d *ValueDecoder) decodeJSON(raw []byte, ty cty.Type) (cty.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return cty.NilVal, err
	}
	if dec.More() {
		return cty.NilVal, fmt.Errorf("unexpected data after the value")
	}
	return d.fromJSON(doc, ty, nil)
}

// ValueDecoder decodes many stored values, remembering the type
// descriptions of dynamic values it has seen: a state repeats the same few
// types thousands of times. It is safe for concurrent use.
type ValueDecoder struct {
	types sync.Map // string -> cty.Type
}

// Decode is DecodeValue sharing d's memory of types.
func (d *ValueDecoder) Decode(raw json.RawMessage, ty cty.Type, sens []SensitiveAttribute) (cty.Value, error) {
	return decodeValue(d, raw, ty, sens)
}

func (d *ValueDecoder) cachedType(raw []byte) (cty.Type, error) {
	if t, ok := d.types.Load(string(raw)); ok {
		return t.(cty.Type), nil
	}
	t, err := ctyjson.UnmarshalType(raw)
	if err != nil {
		return cty.NilType, err
	}
	d.types.Store(string(raw), t)
	return t, nil
}

func (d *ValueDecoder) fromJSON(doc any, ty cty.Type, path cty.Path) (cty.Value, error) {
	if ty == cty.DynamicPseudoType {
		return d.dynamicFromJSON(doc, path)
	}
	if doc == nil {
		return cty.NullVal(ty), nil
	}
	fail := func(want string) (cty.Value, error) {
		return cty.NilVal, path.NewErrorf("%s required", want)
	}
	switch {
	case ty == cty.String:
		s, ok := doc.(string)
		if !ok {
			return fail("string")
		}
		return cty.StringVal(s), nil
	case ty == cty.Number:
		n, ok := doc.(json.Number)
		if !ok {
			return fail("number")
		}
		v, err := cty.ParseNumberVal(string(n))
		if err != nil {
			return cty.NilVal, path.NewError(err)
		}
		return v, nil
	case ty == cty.Bool:
		b, ok := doc.(bool)
		if !ok {
			return fail("bool")
		}
		return cty.BoolVal(b), nil
	case ty.IsListType() || ty.IsSetType():
		arr, ok := doc.([]any)
		if !ok {
			return fail("array")
		}
		ety := ty.ElementType()
		if len(arr) == 0 {
			if ty.IsListType() {
				return cty.ListValEmpty(ety), nil
			}
			return cty.SetValEmpty(ety), nil
		}
		elems := make([]cty.Value, len(arr))
		for i, e := range arr {
			v, err := d.fromJSON(e, ety, append(path, cty.IndexStep{Key: cty.NumberIntVal(int64(i))}))
			if err != nil {
				return cty.NilVal, err
			}
			elems[i] = v
		}
		if ty.IsListType() {
			return cty.ListVal(elems), nil
		}
		return cty.SetVal(elems), nil
	case ty.IsTupleType():
		arr, ok := doc.([]any)
		if !ok {
			return fail("array")
		}
		etys := ty.TupleElementTypes()
		if len(arr) != len(etys) {
			return cty.NilVal, path.NewErrorf("tuple of %d elements required", len(etys))
		}
		elems := make([]cty.Value, len(arr))
		for i, e := range arr {
			v, err := d.fromJSON(e, etys[i], append(path, cty.IndexStep{Key: cty.NumberIntVal(int64(i))}))
			if err != nil {
				return cty.NilVal, err
			}
			elems[i] = v
		}
		return cty.TupleVal(elems), nil
	case ty.IsMapType():
		obj, ok := doc.(map[string]any)
		if !ok {
			return fail("object")
		}
		if len(obj) == 0 {
			return cty.MapValEmpty(ty.ElementType()), nil
		}
		elems := make(map[string]cty.Value, len(obj))
		for k, e := range obj {
			v, err := d.fromJSON(e, ty.ElementType(), append(path, cty.IndexStep{Key: cty.StringVal(k)}))
			if err != nil {
				return cty.NilVal, err
			}
			elems[k] = v
		}
		return cty.MapVal(elems), nil
	case ty.IsObjectType():
		obj, ok := doc.(map[string]any)
		if !ok {
			return fail("object")
		}
		atys := ty.AttributeTypes()
		for k := range obj {
			if _, ok := atys[k]; !ok {
				return cty.NilVal, path.NewErrorf("unsupported attribute %q", k)
			}
		}
		if len(atys) == 0 {
			return cty.EmptyObjectVal, nil
		}
		attrs := make(map[string]cty.Value, len(atys))
		for k, aty := range atys {
			v, err := d.fromJSON(obj[k], aty, append(path, cty.GetAttrStep{Name: k}))
			if err != nil {
				return cty.NilVal, err
			}
			attrs[k] = v
		}
		return cty.ObjectVal(attrs), nil
	}
	return cty.NilVal, path.NewErrorf("values of type %s cannot be stored", ty.FriendlyName())
}

// dynamicFromJSON decodes the {"value": ..., "type": ...} wrapper that
// ctyjson writes for a value whose type is decided at run time.
func (d *ValueDecoder) dynamicFromJSON(doc any, path cty.Path) (cty.Value, error) {
	if doc == nil {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return cty.NilVal, path.NewErrorf("dynamic value must be an object with value and type")
	}
	tdoc, ok := obj["type"]
	if !ok {
		return cty.NilVal, path.NewErrorf("dynamic value has no type")
	}
	traw, err := json.Marshal(tdoc)
	if err != nil {
		return cty.NilVal, path.NewError(err)
	}
	ty, err := d.cachedType(traw)
	if err != nil {
		return cty.NilVal, path.NewError(fmt.Errorf("invalid type: %w", err))
	}
	return d.fromJSON(obj["value"], ty, path)
}
