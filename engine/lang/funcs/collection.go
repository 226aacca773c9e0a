package funcs

import (
	"errors"
	"math/big"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// LengthFunc replaces stdlib's length, which rejects strings and objects.
// Configuration authors routinely call length on both: strings to validate
// input sizes and object literals such as {a = 1} which HCL never types as
// maps.
var LengthFunc = function.New(&function.Spec{
	Description: "Returns the number of characters in a string or the number of elements or attributes in a collection or structural value.",
	Params: []function.Parameter{
		{
			Name:             "value",
			Type:             cty.DynamicPseudoType,
			AllowDynamicType: true,
			AllowUnknown:     true,
			AllowMarked:      true,
		},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty == cty.String, ty == cty.DynamicPseudoType,
			ty.IsCollectionType(), ty.IsTupleType(), ty.IsObjectType():
			return cty.Number, nil
		default:
			return cty.NilType, function.NewArgErrorf(0, "argument must be a string, a collection type, or a structural type")
		}
	},
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		ty := v.Type()
		switch {
		case ty == cty.DynamicPseudoType:
			return cty.UnknownVal(cty.Number).WithMarks(marks), nil
		case ty.IsTupleType():
			// Structural lengths come from the type, so they are known even
			// when the value is not.
			return cty.NumberIntVal(int64(ty.Length())).WithMarks(marks), nil
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))).WithMarks(marks), nil
		case ty == cty.String:
			if !v.IsKnown() {
				return cty.UnknownVal(cty.Number).Refine().
					NotNull().
					NumberRangeLowerBound(cty.Zero, true).
					NewValue().WithMarks(marks), nil
			}
			// Count grapheme clusters so that what users see as one
			// character counts once, consistent with substr and strrev.
			n, err := stdlib.Strlen(v)
			if err != nil {
				return cty.NilVal, err
			}
			return n.WithMarks(marks), nil
		default:
			return v.Length().WithMarks(marks), nil
		}
	},
})

// LookupFunc replaces stdlib's lookup, which requires the default argument.
// The two-argument form is still common in existing configuration and is
// useful as an assertion that a key exists.
var LookupFunc = function.New(&function.Spec{
	Description: "Returns the value of the given key in a map or object, or the default if the key is absent. Without a default, a missing key is an error.",
	Params: []function.Parameter{
		{
			Name:        "inputMap",
			Type:        cty.DynamicPseudoType,
			AllowMarked: true,
		},
		{
			Name:        "key",
			Type:        cty.String,
			AllowMarked: true,
		},
	},
	VarParam: &function.Parameter{
		Name:             "default",
		Type:             cty.DynamicPseudoType,
		AllowNull:        true,
		AllowUnknown:     true,
		AllowDynamicType: true,
		AllowMarked:      true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, function.NewArgErrorf(3, "lookup takes at most three arguments")
		}
		ty := args[0].Type()
		switch {
		case ty.IsObjectType():
			if !args[1].IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			key, _ := args[1].Unmark()
			name := key.AsString()
			if ty.HasAttribute(name) {
				return ty.AttributeType(name), nil
			}
			if len(args) == 3 {
				return args[2].Type(), nil
			}
			return cty.NilType, function.NewArgErrorf(1, "the given object has no attribute %q", name)
		case ty.IsMapType():
			if len(args) == 3 {
				def, _ := args[2].Unmark()
				if _, err := convert.Convert(def, ty.ElementType()); err != nil {
					return cty.NilType, function.NewArgErrorf(2, "the default value must have the same type as the map elements")
				}
			}
			return ty.ElementType(), nil
		case ty == cty.DynamicPseudoType:
			return cty.DynamicPseudoType, nil
		default:
			return cty.NilType, function.NewArgErrorf(0, "lookup requires a map or object as the first argument")
		}
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		coll, collMarks := args[0].Unmark()
		key, keyMarks := args[1].Unmark()
		// Which branch was taken reveals something about a sensitive
		// collection or key, so the result carries both sets of marks.
		marks := []cty.ValueMarks{collMarks, keyMarks}

		if !coll.IsKnown() || !key.IsKnown() {
			return cty.UnknownVal(retType).WithMarks(marks...), nil
		}
		name := key.AsString()

		if coll.Type().IsObjectType() {
			if coll.Type().HasAttribute(name) {
				return coll.GetAttr(name).WithMarks(marks...), nil
			}
		} else {
			has := coll.HasIndex(cty.StringVal(name))
			if !has.IsKnown() {
				return cty.UnknownVal(retType).WithMarks(marks...), nil
			}
			if has.True() {
				return coll.Index(cty.StringVal(name)).WithMarks(marks...), nil
			}
		}

		if len(args) < 3 {
			return cty.NilVal, function.NewArgErrorf(1, "lookup failed to find key %q", redactIfMarked(name, keyMarks))
		}
		def, defMarks := args[2].Unmark()
		def, err := convert.Convert(def, retType)
		if err != nil {
			return cty.NilVal, function.NewArgError(2, err)
		}
		return def.WithMarks(append(marks, defMarks)...), nil
	},
})

// IndexFunc implements index(list, value), returning the position of value.
// stdlib's IndexFunc has a different meaning (element by key), so it cannot
// be used here.
var IndexFunc = function.New(&function.Spec{
	Description: "Returns the index of the first element of the list equal to the given value.",
	Params: []function.Parameter{
		{
			Name: "list",
			Type: cty.DynamicPseudoType,
		},
		{
			Name: "value",
			Type: cty.DynamicPseudoType,
		},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if !(ty.IsListType() || ty.IsTupleType() || ty == cty.DynamicPseudoType) {
			return cty.NilType, function.NewArgErrorf(0, "argument must be a list or tuple")
		}
		return cty.Number, nil
	},
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		list, want := args[0], args[1]
		if !list.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if list.LengthInt() == 0 {
			return cty.NilVal, errors.New("cannot search an empty list")
		}
		for it := list.ElementIterator(); it.Next(); {
			i, elem := it.Element()
			eq, err := stdlib.Equal(elem, want)
			if err != nil {
				return cty.NilVal, err
			}
			// An unknown comparison means an earlier element might be the
			// match, so no later match can be reported yet.
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return i, nil
			}
		}
		return cty.NilVal, errors.New("item not found")
	},
})

// AllTrueFunc reports whether every element is true. A null element counts
// as not true so that a missing flag cannot silently satisfy a check.
var AllTrueFunc = function.New(&function.Spec{
	Description: "Returns true if all elements of the given collection are true, or if the collection is empty.",
	Params: []function.Parameter{
		{
			Name: "list",
			Type: cty.List(cty.Bool),
		},
	},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		unknown := false
		for it := args[0].ElementIterator(); it.Next(); {
			_, v := it.Element()
			switch {
			case !v.IsKnown():
				unknown = true
			case v.IsNull() || v.False():
				// A known false decides the answer regardless of any
				// unknown elements.
				return cty.False, nil
			}
		}
		if unknown {
			return cty.UnknownVal(cty.Bool), nil
		}
		return cty.True, nil
	},
})

// AnyTrueFunc reports whether at least one element is true; nulls are
// treated as not true.
var AnyTrueFunc = function.New(&function.Spec{
	Description: "Returns true if any element of the given collection is true, and false if none are or the collection is empty.",
	Params: []function.Parameter{
		{
			Name: "list",
			Type: cty.List(cty.Bool),
		},
	},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		unknown := false
		for it := args[0].ElementIterator(); it.Next(); {
			_, v := it.Element()
			switch {
			case !v.IsKnown():
				unknown = true
			case !v.IsNull() && v.True():
				return cty.True, nil
			}
		}
		if unknown {
			return cty.UnknownVal(cty.Bool), nil
		}
		return cty.False, nil
	},
})

// OneFunc converts a zero-or-one element collection into either null or its
// only element, which is the idiom for optional nested blocks modelled as
// lists or for resources using count = condition ? 1 : 0.
var OneFunc = function.New(&function.Spec{
	Description: "Returns the only element of a list, set or tuple with at most one element, or null if it is empty.",
	Params: []function.Parameter{
		{
			Name: "list",
			Type: cty.DynamicPseudoType,
		},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			switch etys := ty.TupleElementTypes(); len(etys) {
			case 0:
				return cty.DynamicPseudoType, nil
			case 1:
				return etys[0], nil
			}
			return cty.NilType, errOneTooMany
		case ty == cty.DynamicPseudoType:
			return cty.DynamicPseudoType, nil
		default:
			return cty.NilType, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
		}
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		n, known := knownLength(v)
		if !known {
			return cty.UnknownVal(retType), nil
		}
		switch n {
		case 0:
			return cty.NullVal(retType), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, elem := it.Element()
			return elem, nil
		}
		return cty.NilVal, errOneTooMany
	},
})

var errOneTooMany = function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")

// SumFunc adds the elements of a collection of numbers.
var SumFunc = function.New(&function.Spec{
	Description: "Returns the total of the numbers in the given list, set or tuple.",
	Params: []function.Parameter{
		{
			Name: "list",
			Type: cty.DynamicPseudoType,
		},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if !(ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty == cty.DynamicPseudoType) {
			return cty.NilType, function.NewArgErrorf(0, "argument must be a list, set or tuple of numbers, not %s", ty.FriendlyName())
		}
		return cty.Number, nil
	},
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		list := args[0]
		n, known := knownLength(list)
		if !known {
			return cty.UnknownVal(cty.Number), nil
		}
		if n == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "cannot sum an empty list")
		}
		total := new(big.Float)
		unknown := false
		for it := list.ElementIterator(); it.Next(); {
			_, elem := it.Element()
			if elem.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "argument must be a list, set or tuple of numbers; null elements are not allowed")
			}
			num, err := convert.Convert(elem, cty.Number)
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "argument must be a list, set or tuple of numbers: %s", err)
			}
			// Keep scanning after an unknown so that a later type error is
			// still reported during planning.
			if !num.IsKnown() {
				unknown = true
				continue
			}
			total.Add(total, num.AsBigFloat())
		}
		if unknown {
			return cty.UnknownVal(cty.Number), nil
		}
		return cty.NumberVal(total), nil
	},
})

// TransposeFunc swaps the keys and values of a map of lists of strings, so
// a "group => members" mapping can be turned into "member => groups".
var TransposeFunc = function.New(&function.Spec{
	Description: "Swaps the keys and list values of a map of lists of strings.",
	Params: []function.Parameter{
		{
			Name: "values",
			Type: cty.Map(cty.List(cty.String)),
		},
	},
	Type:         function.StaticReturnType(cty.Map(cty.List(cty.String))),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		in := args[0]
		if !in.IsWhollyKnown() {
			return cty.UnknownVal(retType), nil
		}
		out := map[string][]cty.Value{}
		// cty iterates maps in key order, so each output list is sorted by
		// the original keys and the result is deterministic.
		for it := in.ElementIterator(); it.Next(); {
			k, list := it.Element()
			if list.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "the list for key %q must not be null", k.AsString())
			}
			for lit := list.ElementIterator(); lit.Next(); {
				_, v := lit.Element()
				if v.IsNull() {
					return cty.NilVal, function.NewArgErrorf(0, "the list for key %q must not contain null values", k.AsString())
				}
				out[v.AsString()] = append(out[v.AsString()], k)
			}
		}
		if len(out) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		result := make(map[string]cty.Value, len(out))
		for k, vs := range out {
			result[k] = cty.ListVal(vs)
		}
		return cty.MapVal(result), nil
	},
})

// CoalesceFunc differs from stdlib's by also skipping empty strings, because
// configuration commonly uses "" as the "not set" value for string inputs.
var CoalesceFunc = function.New(&function.Spec{
	Description: "Returns the first argument that is neither null nor an empty string.",
	VarParam: &function.Parameter{
		Name:             "vals",
		Type:             cty.DynamicPseudoType,
		AllowUnknown:     true,
		AllowDynamicType: true,
		AllowNull:        true,
		AllowMarked:      true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		tys := make([]cty.Type, len(args))
		for i, v := range args {
			tys[i] = v.Type()
		}
		ty, _ := convert.UnifyUnsafe(tys)
		if ty == cty.NilType {
			return cty.NilType, errors.New("all arguments must have the same type")
		}
		return ty, nil
	},
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		// Skipping a sensitive argument reveals that it was empty, so the
		// marks of every argument inspected are carried to the result.
		var seen []cty.ValueMarks
		for i, arg := range args {
			v, marks := arg.Unmark()
			seen = append(seen, marks)
			if !v.IsKnown() {
				return cty.UnknownVal(retType).WithMarks(seen...), nil
			}
			if v.IsNull() {
				continue
			}
			conv, err := convert.Convert(v, retType)
			if err != nil {
				return cty.NilVal, function.NewArgError(i, err)
			}
			if conv.Type() == cty.String && conv.RawEquals(cty.StringVal("")) {
				continue
			}
			return conv.WithMarks(seen...), nil
		}
		return cty.NilVal, errors.New("no non-null, non-empty-string arguments")
	},
})

func refineNotNull(b *cty.RefinementBuilder) *cty.RefinementBuilder {
	return b.NotNull()
}

// redactIfMarked keeps marked (typically sensitive) strings out of error
// messages, which are shown to users and written to logs.
func redactIfMarked(s string, marks cty.ValueMarks) string {
	if len(marks) > 0 {
		return "(sensitive value)"
	}
	return s
}

// knownLength reports a collection's length when it is known. Sets holding
// unknown elements may not have a known length yet, because those elements
// could turn out equal to others and collapse.
func knownLength(v cty.Value) (int, bool) {
	n := v.Length()
	if !n.IsKnown() {
		return 0, false
	}
	i, _ := n.AsBigFloat().Int64()
	return int(i), true
}
