package addrs

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Target is what `-target`, `state list` and `state mv` accept: a module
// instance, a whole resource, or one resource instance.
type Target struct {
	Module   ModuleInstance
	Resource *Resource // nil when the target is a whole module instance
	Key      *InstanceKey
}

// String renders the target as the user would type it.
func (t Target) String() string {
	if t.Resource == nil {
		return t.Module.String()
	}
	s := AbsResource{Module: t.Module, Resource: *t.Resource}.String()
	if t.Key != nil {
		s += t.Key.String()
	}
	return s
}

// Contains reports whether the instance is inside the target.
func (t Target) Contains(r AbsResourceInstance) bool {
	if t.Resource == nil {
		if t.Module.IsRoot() {
			return true
		}
		m := string(r.Module)
		tm := string(t.Module)
		return m == tm || (len(m) > len(tm) && m[:len(tm)] == tm && m[len(tm)] == '.')
	}
	if r.Module != t.Module || r.Resource != *t.Resource {
		return false
	}
	return t.Key == nil || *t.Key == r.Key
}

// ParseTarget parses an address such as `module.a[1].steward_data.b["x"]`.
func ParseTarget(s string) (Target, error) {
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() {
		return Target{}, fmt.Errorf("invalid address %q: %s", s, diags[0].Detail)
	}
	return TargetFromTraversal(trav)
}

// TargetFromTraversal is ParseTarget for an already parsed traversal, such as
// the `to` of an import block.
func TargetFromTraversal(trav hcl.Traversal) (Target, error) {
	steps, rest, err := parseModuleSteps(trav)
	if err != nil {
		return Target{}, err
	}
	var mod ModuleInstance
	for _, st := range steps {
		mod = mod.Child(st.Name, st.Key)
	}
	t := Target{Module: mod}
	if len(rest) == 0 {
		if len(steps) == 0 {
			return Target{}, fmt.Errorf("an address must name a resource or a module")
		}
		return t, nil
	}
	mode := ManagedMode
	name := func(tr hcl.Traverser) (string, bool) {
		switch x := tr.(type) {
		case hcl.TraverseRoot:
			return x.Name, true
		case hcl.TraverseAttr:
			return x.Name, true
		}
		return "", false
	}
	first, _ := name(rest[0])
	if first == "data" {
		mode = DataMode
		rest = rest[1:]
	}
	if len(rest) < 2 {
		return Target{}, fmt.Errorf("a resource address needs a type and a name, as in steward_data.example")
	}
	typ, ok1 := name(rest[0])
	nm, ok2 := name(rest[1])
	if !ok1 || !ok2 {
		return Target{}, fmt.Errorf("a resource address needs a type and a name, as in steward_data.example")
	}
	t.Resource = &Resource{Mode: mode, Type: typ, Name: nm}
	rest = rest[2:]
	if len(rest) == 0 {
		return t, nil
	}
	idx, ok := rest[0].(hcl.TraverseIndex)
	if !ok || len(rest) > 1 {
		return Target{}, fmt.Errorf("unexpected text after the resource address %s", t.Resource)
	}
	k, err := keyFromValue(idx.Key)
	if err != nil {
		return Target{}, err
	}
	t.Key = &k
	return t, nil
}

// ParseAbsResourceInstance parses the address of one instance.
func ParseAbsResourceInstance(s string) (AbsResourceInstance, error) {
	t, err := ParseTarget(s)
	if err != nil {
		return AbsResourceInstance{}, err
	}
	if t.Resource == nil {
		return AbsResourceInstance{}, fmt.Errorf("%q names a module, not a resource instance", s)
	}
	k := NoKey
	if t.Key != nil {
		k = *t.Key
	}
	return AbsResourceInstance{Module: t.Module, Resource: *t.Resource, Key: k}, nil
}

// ParseModuleInstance parses `module.a["x"].module.b`; "" is the root.
func ParseModuleInstance(s string) (ModuleInstance, error) {
	if s == "" {
		return RootModuleInstance, nil
	}
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() {
		return "", fmt.Errorf("invalid module address %q: %s", s, diags[0].Detail)
	}
	steps, rest, err := parseModuleSteps(trav)
	if err != nil {
		return "", err
	}
	if len(rest) > 0 {
		return "", fmt.Errorf("invalid module address %q", s)
	}
	var m ModuleInstance
	for _, st := range steps {
		m = m.Child(st.Name, st.Key)
	}
	return m, nil
}

func parseModuleSteps(trav hcl.Traversal) ([]ModuleInstanceStep, hcl.Traversal, error) {
	var steps []ModuleInstanceStep
	for len(trav) > 0 {
		var head string
		switch x := trav[0].(type) {
		case hcl.TraverseRoot:
			head = x.Name
		case hcl.TraverseAttr:
			head = x.Name
		}
		if head != "module" {
			break
		}
		if len(trav) < 2 {
			return nil, nil, fmt.Errorf("\"module\" must be followed by a module name")
		}
		attr, ok := trav[1].(hcl.TraverseAttr)
		if !ok {
			return nil, nil, fmt.Errorf("\"module\" must be followed by a module name")
		}
		step := ModuleInstanceStep{Name: attr.Name}
		trav = trav[2:]
		if len(trav) > 0 {
			if idx, ok := trav[0].(hcl.TraverseIndex); ok {
				k, err := keyFromValue(idx.Key)
				if err != nil {
					return nil, nil, err
				}
				step.Key = k
				trav = trav[1:]
			}
		}
		steps = append(steps, step)
	}
	return steps, trav, nil
}

func keyFromValue(v cty.Value) (InstanceKey, error) {
	if v.IsNull() || !v.IsKnown() {
		return NoKey, fmt.Errorf("an instance key must be a number or a string")
	}
	switch v.Type() {
	case cty.String:
		return StringKey(v.AsString()), nil
	case cty.Number:
		bf := v.AsBigFloat()
		if !bf.IsInt() {
			return NoKey, fmt.Errorf("an instance index must be a whole number")
		}
		i, acc := bf.Int64()
		if acc != big.Exact || i < 0 {
			return NoKey, fmt.Errorf("an instance index must be a whole number from 0")
		}
		return IntKey(int(i)), nil
	}
	return NoKey, fmt.Errorf("an instance key must be a number or a string")
}

// KeyFromValue converts count.index or each.key values into a key.
func KeyFromValue(v cty.Value) (InstanceKey, error) { return keyFromValue(v) }
