package eval

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/stewardhq/steward/engine/addrs"
)

// refKind says what a reference in an expression points at.
type refKind byte

const (
	refVar refKind = iota + 1
	refLocal
	refResource
	refModule
	refCount
	refEach
	refPath
	refSelf
)

// reference is a reference found in an expression, resolved to the block
// it names within the module where the expression appears.
type reference struct {
	kind     refKind
	name     string         // variable, local or module call name
	resource addrs.Resource // for refResource
	rng      hcl.Range
	trav     hcl.Traversal
}

// parseRef interprets a traversal found in an expression. Unknown roots and
// malformed references become diagnostics with the traversal's range.
func parseRef(t hcl.Traversal) (*reference, hcl.Diagnostics) {
	root := t.RootName()
	rng := t.SourceRange()
	attr := func(i int) (string, bool) {
		if len(t) <= i {
			return "", false
		}
		a, ok := t[i].(hcl.TraverseAttr)
		return a.Name, ok
	}
	bad := func(detail string) (*reference, hcl.Diagnostics) {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference",
			Detail:   detail,
			Subject:  rng.Ptr(),
		}}
	}
	switch root {
	case "var":
		n, ok := attr(1)
		if !ok {
			return bad("A reference to a variable is written var.NAME.")
		}
		return &reference{kind: refVar, name: n, rng: rng, trav: t}, nil
	case "local":
		n, ok := attr(1)
		if !ok {
			return bad("A reference to a local value is written local.NAME.")
		}
		return &reference{kind: refLocal, name: n, rng: rng, trav: t}, nil
	case "module":
		n, ok := attr(1)
		if !ok {
			return bad("A reference to a module is written module.NAME or module.NAME.OUTPUT.")
		}
		return &reference{kind: refModule, name: n, rng: rng, trav: t}, nil
	case "count":
		if n, _ := attr(1); n != "index" {
			return bad("The only attribute of count is count.index.")
		}
		return &reference{kind: refCount, rng: rng, trav: t}, nil
	case "each":
		if n, _ := attr(1); n != "key" && n != "value" {
			return bad("The attributes of each are each.key and each.value.")
		}
		return &reference{kind: refEach, rng: rng, trav: t}, nil
	case "path":
		if n, _ := attr(1); n != "module" && n != "root" && n != "cwd" {
			return bad("The attributes of path are path.module, path.root and path.cwd.")
		}
		return &reference{kind: refPath, rng: rng, trav: t}, nil
	case "self":
		return &reference{kind: refSelf, rng: rng, trav: t}, nil
	case "data":
		typ, ok1 := attr(1)
		name, ok2 := attr(2)
		if !ok1 || !ok2 {
			return bad("A reference to a data source is written data.TYPE.NAME.")
		}
		return &reference{kind: refResource, resource: addrs.Resource{Mode: addrs.DataMode, Type: typ, Name: name}, rng: rng, trav: t}, nil
	case "terraform", "steward":
		return bad(fmt.Sprintf("%s.* is not available in steward expressions.", root))
	}
	name, ok := attr(1)
	if !ok {
		return bad(fmt.Sprintf("%q is not a known name. A reference is one of var.NAME, local.NAME, module.NAME, data.TYPE.NAME, TYPE.NAME (a resource), count.index, each.key, each.value or path.module.", root))
	}
	return &reference{kind: refResource, resource: addrs.Resource{Mode: addrs.ManagedMode, Type: root, Name: name}, rng: rng, trav: t}, nil
}

// parseRefs parses every traversal, collecting diagnostics.
func parseRefs(ts []hcl.Traversal) ([]*reference, hcl.Diagnostics) {
	var out []*reference
	var diags hcl.Diagnostics
	for _, t := range ts {
		r, d := parseRef(t)
		diags = append(diags, d...)
		if r != nil {
			out = append(out, r)
		}
	}
	return out, diags
}
