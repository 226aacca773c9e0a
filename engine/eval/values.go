package eval

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/schema"
)

// stateKey converts an instance key to the state's representation.
func stateKey(k addrs.InstanceKey) state.InstanceKey {
	switch {
	case k.IsInt():
		return state.IntKey(k.Int())
	case k.IsString():
		return state.StringKey(k.Str())
	}
	return state.InstanceKey{}
}

// addrKey converts a state instance key to an address key.
func addrKey(k state.InstanceKey) addrs.InstanceKey {
	if i, ok := k.Int(); ok {
		return addrs.IntKey(i)
	}
	if s, ok := k.Str(); ok {
		return addrs.StringKey(s)
	}
	return addrs.NoKey
}

// setPath returns v with the value at path replaced by nv. Paths that do not
// exist in v leave it unchanged.
func setPath(v cty.Value, path cty.Path, nv cty.Value) cty.Value {
	if len(path) == 1 {
		// The common case, a top-level attribute, without walking the
		// whole value.
		if ga, ok := path[0].(cty.GetAttrStep); ok && !v.IsMarked() && v.IsKnown() && !v.IsNull() && v.Type().IsObjectType() && v.Type().HasAttribute(ga.Name) {
			attrs := v.AsValueMap()
			attrs[ga.Name] = nv
			return cty.ObjectVal(attrs)
		}
	}
	out, err := cty.Transform(v, func(p cty.Path, cur cty.Value) (cty.Value, error) {
		if p.Equals(path) {
			return nv, nil
		}
		return cur, nil
	})
	if err != nil {
		return v
	}
	return out
}

// valueAt returns the value at path, or cty.NilVal if there is none.
func valueAt(v cty.Value, path cty.Path) cty.Value {
	out, err := path.Apply(v)
	if err != nil {
		return cty.NilVal
	}
	return out
}

// unmarkedEqual compares two values ignoring marks; unknowns are unequal.
func unmarkedEqual(a, b cty.Value) bool {
	if a.ContainsMarked() {
		a, _ = a.UnmarkDeep()
	}
	if b.ContainsMarked() {
		b, _ = b.UnmarkDeep()
	}
	return rawEqual(a, b)
}

// rawEqual is unmarkedEqual for values known to carry no marks.
func rawEqual(a, b cty.Value) bool {
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	return structEqual(a, b)
}

// structEqual compares two known, unmarked values. cty's Equals sorts
// attribute names and allocates an iterator at every level; this walk does
// neither, and it is the comparison every object of every plan goes
// through.
func structEqual(a, b cty.Value) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	ty := a.Type()
	if !ty.Equals(b.Type()) {
		return false
	}
	switch {
	case ty == cty.String:
		return a.AsString() == b.AsString()
	case ty == cty.Bool:
		return a.True() == b.True()
	case ty == cty.Number:
		return a.AsBigFloat().Cmp(b.AsBigFloat()) == 0
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if !structEqual(a.GetAttr(name), b.GetAttr(name)) {
				return false
			}
		}
		return true
	case ty.IsListType() || ty.IsTupleType():
		n := a.LengthInt()
		if n != b.LengthInt() {
			return false
		}
		for i := 0; i < n; i++ {
			k := cty.NumberIntVal(int64(i))
			if !structEqual(a.Index(k), b.Index(k)) {
				return false
			}
		}
		return true
	case ty.IsMapType():
		if a.LengthInt() != b.LengthInt() {
			return false
		}
		bm := b.AsValueMap()
		for k, av := range a.AsValueMap() {
			bv, ok := bm[k]
			if !ok || !structEqual(av, bv) {
				return false
			}
		}
		return true
	}
	eq := a.Equals(b)
	return eq.IsKnown() && eq.True()
}

// remark copies the marks of from onto to at the same paths and adds the
// schema's sensitive marks.
func remark(rs *schema.Resource, to, from cty.Value) cty.Value {
	// Unmarking rebuilds the whole value; most values carry no marks at
	// all, and finding that out is a cheap walk.
	var pvms []cty.PathValueMarks
	if from != cty.NilVal && from.ContainsMarked() {
		_, pvms = from.UnmarkDeepWithPaths()
	}
	if to.ContainsMarked() {
		to, _ = to.UnmarkDeep()
	}
	var keep []cty.PathValueMarks
	for _, pvm := range pvms {
		if _, err := pvm.Path.Apply(to); err == nil {
			keep = append(keep, pvm)
		}
	}
	if len(keep) > 0 {
		to = to.MarkWithPaths(keep)
	}
	if rs != nil {
		if rs.HasSensitive() {
			to = rs.MarkSensitive(to)
		}
		if len(pvms) > 0 && from.Type().IsObjectType() && !to.IsNull() && to.IsKnown() && to.Type().IsObjectType() {
			// A provider may hand back secrets it was given in computed
			// attributes (steward_data copies input to output), and its
			// answer carries no marks: a computed attribute that contains
			// a configured secret is secret too.
			var secrets []cty.Value
			for _, pvm := range pvms {
				if _, ok := pvm.Marks[schema.Sensitive]; !ok {
					continue
				}
				if sv, err := pvm.Path.Apply(from); err == nil {
					sv, _ = sv.UnmarkDeep()
					if sv.IsWhollyKnown() && !sv.IsNull() {
						secrets = append(secrets, sv)
					}
				}
			}
			for name, a := range rs.Attributes {
				if a.Computed && !a.Optional && to.Type().HasAttribute(name) && containsSecret(to.GetAttr(name), secrets) {
					to = setPath(to, cty.GetAttrPath(name), to.GetAttr(name).Mark(schema.Sensitive))
				}
			}
		}
	}
	return to
}

// aggregate builds the value a reference to a whole resource sees.
func aggregate(mode expansionMode, keys []addrs.InstanceKey, vals map[addrs.InstanceKey]cty.Value) cty.Value {
	switch mode {
	case expandCount:
		elems := make([]cty.Value, len(keys))
		for i, k := range keys {
			elems[i] = vals[k]
		}
		return cty.TupleVal(elems)
	case expandForEach:
		elems := make(map[string]cty.Value, len(keys))
		for _, k := range keys {
			elems[k.Str()] = vals[k]
		}
		return cty.ObjectVal(elems)
	}
	if v, ok := vals[addrs.NoKey]; ok {
		return v
	}
	return cty.DynamicVal
}

func sensitiveMark() any { return schema.Sensitive }

// containsSecret reports whether v, or any part of it, equals one of the
// secrets or (for strings) embeds one.
func containsSecret(v cty.Value, secrets []cty.Value) bool {
	if len(secrets) == 0 || !v.IsKnown() || v.IsNull() {
		return false
	}
	found := false
	raw, _ := v.UnmarkDeep()
	_ = cty.Walk(raw, func(_ cty.Path, part cty.Value) (bool, error) {
		if found || !part.IsKnown() || part.IsNull() {
			return false, nil
		}
		for _, s := range secrets {
			if rawEqual(part, s) {
				found = true
				return false, nil
			}
			if part.Type() == cty.String && s.Type() == cty.String && len(s.AsString()) >= 4 && strings.Contains(part.AsString(), s.AsString()) {
				found = true
				return false, nil
			}
		}
		return true, nil
	})
	return found
}
