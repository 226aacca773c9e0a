package state

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// PathStep is one step of an AttributePath: a name (an object attribute or
// a map key) or an index into a list or tuple. In JSON a name is a string
// and an index a number.
type PathStep struct {
	Name    string
	Index   int
	IsIndex bool
}

// NameStep returns a step to the attribute or map key name.
func NameStep(name string) PathStep { return PathStep{Name: name} }

// IndexStep returns a step to list or tuple element i.
func IndexStep(i int) PathStep { return PathStep{Index: i, IsIndex: true} }

// MarshalJSON writes the step as a string or a number.
func (s PathStep) MarshalJSON() ([]byte, error) {
	if s.IsIndex {
		if s.Index < 0 || s.Index > math.MaxInt32 {
			return nil, fmt.Errorf("path index %d is out of range", s.Index)
		}
		return []byte(strconv.Itoa(s.Index)), nil
	}
	return json.Marshal(s.Name)
}

// UnmarshalJSON reads a string or a non-negative integer.
func (s *PathStep) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var name string
		if err := json.Unmarshal(b, &name); err != nil {
			return fmt.Errorf("path step: %w", err)
		}
		*s = NameStep(name)
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return fmt.Errorf("path step %.40s is neither a string nor a non-negative integer", b)
	}
	*s = IndexStep(int(n))
	return nil
}

// AttributePath locates a part of a stored value. It differs from cty.Path
// in that it never steps into a set: a set element is addressed by its own
// value, and that value may be the secret.
type AttributePath []PathStep

// String renders the path like an HCL traversal, e.g. `.tls.keys[0]["a"]`.
// The empty path, the whole value, renders as "".
func (p AttributePath) String() string {
	var b strings.Builder
	for _, s := range p {
		if s.IsIndex {
			fmt.Fprintf(&b, "[%d]", s.Index)
		} else if isIdentifier(s.Name) {
			b.WriteByte('.')
			b.WriteString(s.Name)
		} else {
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.Name))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && (r == '-' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

// Compare orders paths step by step, a prefix before its extensions, names
// before indexes. It gives sensitive attribute lists a canonical order.
func (p AttributePath) Compare(o AttributePath) int {
	for i := range min(len(p), len(o)) {
		a, b := p[i], o[i]
		if c := cmp.Or(
			cmp.Compare(boolInt(a.IsIndex), boolInt(b.IsIndex)),
			cmp.Compare(a.Index, b.Index),
			cmp.Compare(a.Name, b.Name),
		); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(p), len(o))
}

// hasPrefix reports whether q is p or lies beneath it.
func (p AttributePath) hasPrefix(q AttributePath) bool {
	return len(q) <= len(p) && q.Compare(p[:len(q)]) == 0
}

// fromCtyPath converts a path into v (an unmarked value) to an
// AttributePath, cutting it off at the first set: everything inside a set
// is then treated as part of the set.
func fromCtyPath(v cty.Value, p cty.Path) (AttributePath, error) {
	out := AttributePath{}
	for _, step := range p {
		if v.IsNull() || !v.IsKnown() {
			return nil, fmt.Errorf("path %s goes through a null or unknown value", out)
		}
		ty := v.Type()
		if ty.IsSetType() {
			return out, nil
		}
		switch step := step.(type) {
		case cty.GetAttrStep:
			if !ty.IsObjectType() || !ty.HasAttribute(step.Name) {
				return nil, fmt.Errorf("path %s has no attribute %q", out, step.Name)
			}
			out = append(out, NameStep(step.Name))
			v = v.GetAttr(step.Name)
		case cty.IndexStep:
			switch {
			case ty.IsMapType() && step.Key.Type() == cty.String:
				out = append(out, NameStep(step.Key.AsString()))
			case (ty.IsListType() || ty.IsTupleType()) && step.Key.Type() == cty.Number:
				i, acc := step.Key.AsBigFloat().Int64()
				if acc != big.Exact || i < 0 || i > math.MaxInt32 {
					return nil, fmt.Errorf("path %s has an invalid index", out)
				}
				out = append(out, IndexStep(int(i)))
			default:
				return nil, fmt.Errorf("path %s cannot be indexed (%s)", out, ty.FriendlyName())
			}
			v = v.Index(step.Key)
		default:
			return nil, fmt.Errorf("path %s has an unsupported step %T", out, step)
		}
	}
	return out, nil
}

// toCtyPath resolves p against v, checking every step exists, so that a
// corrupt or hand-edited path is reported instead of silently losing the
// sensitive mark.
func (p AttributePath) toCtyPath(v cty.Value) (cty.Path, error) {
	out := make(cty.Path, 0, len(p))
	for i, s := range p {
		here := p[:i]
		if v.IsNull() {
			return nil, fmt.Errorf("%s is null, so %s does not exist", describePath(here), describePath(p))
		}
		ty := v.Type()
		var key cty.Value
		switch {
		case ty.IsObjectType() && !s.IsIndex:
			if !ty.HasAttribute(s.Name) {
				return nil, fmt.Errorf("%s has no attribute %q", describePath(here), s.Name)
			}
			out = append(out, cty.GetAttrStep{Name: s.Name})
			v = v.GetAttr(s.Name)
			continue
		case ty.IsMapType() && !s.IsIndex:
			key = cty.StringVal(s.Name)
		case (ty.IsListType() || ty.IsTupleType()) && s.IsIndex:
			key = cty.NumberIntVal(int64(s.Index))
		default:
			return nil, fmt.Errorf("%s (%s) cannot be stepped into with %s", describePath(here), ty.FriendlyName(), AttributePath{s})
		}
		if !v.HasIndex(key).True() {
			return nil, fmt.Errorf("%s does not exist", describePath(p[:i+1]))
		}
		out = append(out, cty.IndexStep{Key: key})
		v = v.Index(key)
	}
	return out, nil
}

func describePath(p AttributePath) string {
	if len(p) == 0 {
		return "the whole value"
	}
	return strconv.Quote(p.String())
}

// describeCtyPath renders path p into v for error messages. Set elements
// are shown as "[...]" because their key is their value, which may
// be secret; v supplies the container types needed to tell them apart from
// map keys.
func describeCtyPath(v cty.Value, p cty.Path) string {
	if len(p) == 0 {
		return "the whole value"
	}
	var b strings.Builder
	lost := false
	for _, step := range p {
		v, _ = v.Unmark()
		inSet := lost || v.Type().IsSetType()
		switch step := step.(type) {
		case cty.GetAttrStep:
			b.WriteString("." + step.Name)
		case cty.IndexStep:
			k := step.Key
			switch {
			case inSet || !k.IsKnown() || k.IsNull() || k.IsMarked():
				b.WriteString("[...]")
			case k.Type() == cty.String:
				b.WriteString("[" + strconv.Quote(k.AsString()) + "]")
			case k.Type() == cty.Number:
				b.WriteString("[" + k.AsBigFloat().Text('f', -1) + "]")
			default:
				b.WriteString("[?]")
			}
		}
		next, err := step.Apply(v)
		if err != nil {
			// Without the container type a later key cannot be told apart
			// from a set element, so hide all of them.
			lost = true
			continue
		}
		v = next
	}
	return strconv.Quote(b.String())
}

// errStopWalk ends a cty.Walk early once the sought value is found.
var errStopWalk = errors.New("stop walk")
