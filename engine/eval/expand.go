package eval

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stewardhq/steward/engine/addrs"
)

// expand evaluates count or for_each (at most one is set) in s.
func expand(s *scope, count, forEach hcl.Expression) (*expansion, hcl.Diagnostics) {
	if count == nil && forEach == nil {
		return &expansion{mode: expandNone, keys: []addrs.InstanceKey{addrs.NoKey}, reps: map[addrs.InstanceKey]repetition{addrs.NoKey: {}}}, nil
	}
	if count != nil {
		val, diags := s.evalExpr(count)
		if diags.HasErrors() {
			return nil, diags
		}
		if !val.IsKnown() {
			return nil, append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid count argument",
				Detail:   "The count value depends on values that are not known until apply, so steward cannot tell how many instances to plan. Apply the resources it depends on first with -target, or derive count from values known in the configuration.",
				Subject:  count.Range().Ptr(),
			})
		}
		val, _ = val.Unmark()
		n, err := convert.Convert(val, cty.Number)
		if err != nil || n.IsNull() {
			return nil, append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid count argument",
				Detail:   "count must be a whole number from 0.",
				Subject:  count.Range().Ptr(),
			})
		}
		bf := n.AsBigFloat()
		i, acc := bf.Int64()
		if !bf.IsInt() || acc != 0 || i < 0 || i > 1_000_000 {
			return nil, append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid count argument",
				Detail:   fmt.Sprintf("count must be a whole number from 0 to 1000000, not %s.", bf.Text('f', -1)),
				Subject:  count.Range().Ptr(),
			})
		}
		exp := &expansion{mode: expandCount, reps: make(map[addrs.InstanceKey]repetition, i)}
		exp.keys = make([]addrs.InstanceKey, i)
		for j := 0; j < int(i); j++ {
			k := addrs.IntKey(j)
			exp.keys[j] = k
			exp.reps[k] = repetition{key: k}
		}
		return exp, diags
	}
	val, diags := s.evalExpr(forEach)
	if diags.HasErrors() {
		return nil, diags
	}
	if val.HasMark(sensitiveMark()) {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid for_each argument",
			Detail:   "for_each cannot use sensitive values: the keys become part of instance addresses, which are shown in plans.",
			Subject:  forEach.Range().Ptr(),
		})
	}
	if val.IsNull() {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid for_each argument",
			Detail:   "for_each must be a map or a set of strings, not null.",
			Subject:  forEach.Range().Ptr(),
		})
	}
	ty := val.Type()
	unknownKeys := &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid for_each argument",
		Detail:   "The for_each keys depend on values that are not known until apply, so steward cannot tell which instances to plan. Use keys known in the configuration (values may be unknown, keys may not), or apply the resources they depend on first with -target.",
		Subject:  forEach.Range().Ptr(),
	}
	if !val.IsKnown() {
		return nil, append(diags, unknownKeys)
	}
	exp := &expansion{mode: expandForEach, reps: map[addrs.InstanceKey]repetition{}}
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		for it := val.ElementIterator(); it.Next(); {
			k, v := it.Element()
			key := addrs.StringKey(k.AsString())
			exp.keys = append(exp.keys, key)
			exp.reps[key] = repetition{key: key, eachValue: v}
		}
	case ty.IsSetType():
		if !ty.ElementType().Equals(cty.String) {
			return nil, append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid for_each argument",
				Detail:   fmt.Sprintf("for_each over a set needs a set of strings, not %s. Use toset([...]) of strings, or a map.", ty.FriendlyName()),
				Subject:  forEach.Range().Ptr(),
			})
		}
		if !val.IsWhollyKnown() {
			return nil, append(diags, unknownKeys)
		}
		for it := val.ElementIterator(); it.Next(); {
			_, v := it.Element()
			if v.IsNull() {
				return nil, append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid for_each argument",
					Detail:   "for_each sets cannot contain null.",
					Subject:  forEach.Range().Ptr(),
				})
			}
			key := addrs.StringKey(v.AsString())
			exp.keys = append(exp.keys, key)
			exp.reps[key] = repetition{key: key, eachValue: v}
		}
	default:
		hint := ""
		if ty.IsListType() || ty.IsTupleType() {
			hint = " Convert a list with toset(...) or build a map with a for expression."
		}
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid for_each argument",
			Detail:   fmt.Sprintf("for_each must be a map or a set of strings, not %s.%s", ty.FriendlyName(), hint),
			Subject:  forEach.Range().Ptr(),
		})
	}
	sort.Slice(exp.keys, func(i, j int) bool { return exp.keys[i].Less(exp.keys[j]) })
	return exp, diags
}
