package schema

import (
	"github.com/zclconf/go-cty/cty"
)

// TransformAttributes returns v with fn applied to the value of every
// attribute that b describes, at any depth of nested blocks. fn receives the
// attribute's path from the top of v. Null or unknown blocks are left alone.
// It is how the engine applies defaults, marks sensitive values and drops
// write-only values without knowing any particular schema.
func (b *Block) TransformAttributes(v cty.Value, fn func(path cty.Path, a *Attribute, v cty.Value) cty.Value) cty.Value {
	return b.transform(nil, v, fn)
}

func (b *Block) transform(path cty.Path, v cty.Value, fn func(cty.Path, *Attribute, cty.Value) cty.Value) cty.Value {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return v
	}
	v, marks := v.Unmark()
	ty := v.Type()
	vals := make(map[string]cty.Value, len(ty.AttributeTypes()))
	for name := range ty.AttributeTypes() {
		av := v.GetAttr(name)
		p := append(path.Copy(), cty.GetAttrStep{Name: name})
		if a, ok := b.Attributes[name]; ok {
			vals[name] = fn(p, a, av)
			continue
		}
		if nb, ok := b.BlockTypes[name]; ok {
			vals[name] = nb.transformNested(p, av, fn)
			continue
		}
		vals[name] = av
	}
	return cty.ObjectVal(vals).WithMarks(marks)
}

func (nb *NestedBlock) transformNested(path cty.Path, v cty.Value, fn func(cty.Path, *Attribute, cty.Value) cty.Value) cty.Value {
	if nb.Nesting == NestingSingle {
		return nb.Block.transform(path, v, fn)
	}
	if v.IsNull() || !v.IsKnown() {
		return v
	}
	v, marks := v.Unmark()
	ty := v.Type()
	if v.LengthInt() == 0 {
		return v.WithMarks(marks)
	}
	switch {
	case ty.IsListType() || ty.IsTupleType():
		var elems []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			elems = append(elems, nb.Block.transform(append(path.Copy(), cty.IndexStep{Key: k}), ev, fn))
		}
		if ty.IsTupleType() {
			return cty.TupleVal(elems).WithMarks(marks)
		}
		return listOrTuple(elems).WithMarks(marks)
	case ty.IsSetType():
		var elems []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			elems = append(elems, nb.Block.transform(append(path.Copy(), cty.IndexStep{Key: k}), ev, fn))
		}
		return cty.SetVal(elems).WithMarks(marks)
	case ty.IsMapType() || ty.IsObjectType():
		elems := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			elems[k.AsString()] = nb.Block.transform(append(path.Copy(), cty.IndexStep{Key: k}), ev, fn)
		}
		if ty.IsObjectType() {
			return cty.ObjectVal(elems).WithMarks(marks)
		}
		return cty.MapVal(elems).WithMarks(marks)
	}
	return v.WithMarks(marks)
}

// listOrTuple builds a list when the elements share a type (they do unless a
// dynamic attribute made them differ), and a tuple otherwise, so that a
// transformation never panics on heterogeneous elements.
func listOrTuple(elems []cty.Value) cty.Value {
	ty := elems[0].Type()
	for _, e := range elems[1:] {
		if !e.Type().Equals(ty) {
			return cty.TupleVal(elems)
		}
	}
	return cty.ListVal(elems)
}

// MarkSensitive returns v with every sensitive attribute's value marked
// Sensitive, so that expressions using it stay marked.
func (b *Block) MarkSensitive(v cty.Value) cty.Value {
	return b.TransformAttributes(v, func(_ cty.Path, a *Attribute, v cty.Value) cty.Value {
		// An unset secret reveals nothing; leaving nulls unmarked keeps
		// objects without secrets free of marks, which matters for speed
		// (marked values are rebuilt whenever they are compared).
		if (a.Sensitive || a.WriteOnly) && !(v.IsKnown() && v.IsNull()) {
			return v.Mark(Sensitive)
		}
		return v
	})
}

// ApplyDefaults fills unset optional attributes that have a default.
func (b *Block) ApplyDefaults(v cty.Value) cty.Value {
	return b.TransformAttributes(v, func(_ cty.Path, a *Attribute, v cty.Value) cty.Value {
		if v.IsNull() && a.Default != cty.NilVal {
			return a.Default
		}
		return v
	})
}

// StripWriteOnly replaces write-only values with null: what may be kept in a
// plan or state.
func (b *Block) StripWriteOnly(v cty.Value) cty.Value {
	return b.TransformAttributes(v, func(_ cty.Path, a *Attribute, v cty.Value) cty.Value {
		if a.WriteOnly {
			return cty.NullVal(a.Type)
		}
		return v
	})
}

// HasWriteOnly reports whether any attribute of b, at any depth, is write-only.
func (b *Block) HasWriteOnly() bool {
	for _, a := range b.Attributes {
		if a.WriteOnly {
			return true
		}
	}
	for _, nb := range b.BlockTypes {
		if nb.Block.HasWriteOnly() {
			return true
		}
	}
	return false
}

// HasSensitive reports whether any attribute of b, at any depth, is
// sensitive or write-only.
func (b *Block) HasSensitive() bool {
	for _, a := range b.Attributes {
		if a.Sensitive || a.WriteOnly {
			return true
		}
	}
	for _, nb := range b.BlockTypes {
		if nb.Block.HasSensitive() {
			return true
		}
	}
	return false
}
