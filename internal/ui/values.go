package ui

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/schema"
)

// norm turns cty.NilVal, which a half-filled ResourceChange may carry, into a
// null so that the rest of the package can call Value methods without the
// panics NilVal would cause.
func norm(v cty.Value) cty.Value {
	if v.Type() == cty.NilType {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return v
}

// isSensitive reports whether v itself carries the sensitive mark. Marks on
// nested values are found as the renderers descend, so that only the secret
// parts of a structure are hidden.
func isSensitive(v cty.Value) bool { return v.HasMark(schema.Sensitive) }

// bare drops v's own marks. Callers check isSensitive first; other marks
// (provenance and the like) mean nothing to a reader. Nested marks stay, so
// descending into the result still finds nested secrets.
func bare(v cty.Value) cty.Value {
	v, _ = norm(v).Unmark()
	return v
}

// isNull is IsNull that tolerates NilVal and marks.
func isNull(v cty.Value) bool { return norm(v).IsNull() }

// isObjectLike is true for the types whose elements are named: objects and
// maps. A dynamic attribute can switch between the two and we still want to
// diff them key by key.
func isObjectLike(t cty.Type) bool { return t.IsObjectType() || t.IsMapType() }

// isSeqLike is true for ordered sequences.
func isSeqLike(t cty.Type) bool { return t.IsListType() || t.IsTupleType() }

// isContainer reports whether values of t have elements.
func isContainer(t cty.Type) bool {
	return isObjectLike(t) || isSeqLike(t) || t.IsSetType()
}

// keysOf returns the element names of a known, non-null, unmarked object or
// map value, sorted, with the element values.
func keysOf(v cty.Value) ([]string, map[string]cty.Value) {
	m := map[string]cty.Value{}
	if isNull(v) || !v.IsKnown() || !isObjectLike(v.Type()) {
		return nil, m
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		m[k.AsString()] = e
	}
	return slices.Sorted(maps.Keys(m)), m
}

// elemsOf returns the elements of a known, non-null, unmarked list, tuple or
// set, and nil for anything else.
func elemsOf(v cty.Value) []cty.Value {
	if isNull(v) || !v.IsKnown() {
		return nil
	}
	t := v.Type()
	if !isSeqLike(t) && !t.IsSetType() {
		return nil
	}
	return v.AsValueSlice()
}

// child returns the named attribute (or map element) of an object-like value,
// a null when it has none, and an unknown when the parent itself is not yet
// known, so that a wholly unknown object renders as attributes known after
// apply rather than as nothing.
func child(v cty.Value, name string) cty.Value {
	u := bare(v)
	t := u.Type()
	if !u.IsKnown() {
		if t.IsObjectType() && t.HasAttribute(name) {
			return cty.UnknownVal(t.AttributeType(name))
		}
		if t.IsMapType() {
			return cty.UnknownVal(t.ElementType())
		}
		return cty.DynamicVal
	}
	if u.IsNull() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	switch {
	case t.IsObjectType():
		if t.HasAttribute(name) {
			return u.GetAttr(name)
		}
	case t.IsMapType():
		k := cty.StringVal(name)
		if u.HasIndex(k).True() {
			return u.Index(k)
		}
	}
	return cty.NullVal(cty.DynamicPseudoType)
}

// attrNames lists the attribute names that the types (or, for maps, the
// known keys) of the given values offer. It works on null and unknown objects
// too, since their type still names the attributes.
func attrNames(vals ...cty.Value) map[string]bool {
	names := map[string]bool{}
	for _, v := range vals {
		u := bare(v)
		t := u.Type()
		switch {
		case t.IsObjectType():
			for n := range t.AttributeTypes() {
				names[n] = true
			}
		case t.IsMapType():
			keys, _ := keysOf(u)
			for _, k := range keys {
				names[k] = true
			}
		}
	}
	return names
}

// formatNumber renders a number in plain decimal, never with an exponent:
// reviewers expect a VLAN id to read 20, not 2e+01.
func formatNumber(v cty.Value) string {
	bf := v.AsBigFloat()
	if bf.IsInf() {
		if bf.Sign() < 0 {
			return "-Inf"
		}
		return "+Inf"
	}
	if bf.IsInt() {
		i, _ := bf.Int(new(big.Int))
		return i.String()
	}
	return bf.Text('f', -1)
}

// quote renders s as an HCL quoted string that HCL reads back as s, so the
// text could be pasted into a configuration: only HCL's escapes are used (\n,
// \r, \t, \", \\, and \u or \U for other characters that do not print),
// and template sequences are doubled.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case r > 0xFFFF && !strconv.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		case !strconv.IsPrint(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// attrKey renders an object attribute name as HCL would accept it.
func attrKey(name string) string {
	if hclsyntax.ValidIdentifier(name) {
		return name
	}
	return quote(name)
}

// keyWidth is the width of the longest of keys, to align the "=" of the
// entries they name.
func keyWidth(keys []string) int {
	width := 0
	for _, k := range keys {
		width = max(width, utf8.RuneCountInString(k))
	}
	return width
}

// padKey pads key with spaces to width columns.
func padKey(key string, width int) string {
	return key + strings.Repeat(" ", max(width-utf8.RuneCountInString(key), 0))
}

// resourceHeader opens the block of a resource instance as it would be
// written in a configuration, such as `resource "x_y" "z"`.
func resourceHeader(a addrs.AbsResourceInstance) string {
	kind := "resource"
	if a.Resource.Mode == addrs.DataMode {
		kind = "data"
	}
	return kind + " " + quote(a.Resource.Type) + " " + quote(a.Resource.Name)
}

// isMultiline reports whether s deserves a heredoc: a single trailing newline
// alone does not make a string multi-line to a reader.
func isMultiline(s string) bool {
	return strings.Contains(strings.TrimSuffix(s, "\n"), "\n")
}

// pathSteps renders a path as JSON path steps (attribute names, map keys and
// list indexes), the form Terraform uses for replace_paths.
func pathSteps(p cty.Path) []any {
	steps := make([]any, 0, len(p))
	for _, s := range p {
		switch s := s.(type) {
		case cty.GetAttrStep:
			steps = append(steps, s.Name)
		case cty.IndexStep:
			k, _ := s.Key.UnmarkDeep()
			switch {
			case !k.IsKnown() || k.IsNull():
				steps = append(steps, nil)
			case k.Type() == cty.String:
				steps = append(steps, k.AsString())
			case k.Type() == cty.Number:
				steps = append(steps, jsonNumber(k))
			default:
				// A set element: JSON has no way to name it, and its value
				// may be large, so the step is left anonymous.
				steps = append(steps, nil)
			}
		default:
			steps = append(steps, nil)
		}
	}
	return steps
}

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
