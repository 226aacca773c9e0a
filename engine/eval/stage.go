package eval

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// Staging lets one provider receive every change it can in a single
// ApplyChanges call, even across resource blocks that depend on each other:
// a switch gets its VLANs and the ports that use them in one configuration
// session. A node whose changes were wholly known at plan time does not
// call its provider; it stages its items and publishes the planned values,
// which are exactly what apply will produce, so the walk goes on. The
// staged batch runs when something needs its real effects first (a change
// that could not be staged, a data source read) or when the walk ends.

// stagedPart is one node's share of a staged batch.
type stagedPart struct {
	n     *node
	insts []*instancePlan
	refs  []itemRef
	start int
}

// stagedBatch is everything staged for one provider configuration.
type stagedBatch struct {
	p     providers.Provider
	items []providers.ApplyItem
	parts []stagedPart
}

// canStage reports whether the node's changes are settled: every planned
// value known, so the provider's result can be predicted.
func (w *walker) canStage(insts []*instancePlan) bool {
	for _, ip := range insts {
		switch ip.change.Action {
		case plan.Create, plan.Update, plan.DeleteThenCreate, plan.CreateThenDelete:
			if !ip.change.After.IsWhollyKnown() {
				return false
			}
		}
	}
	return true
}

func (w *walker) stage(n *node, p providers.Provider, insts []*instancePlan, items []providers.ApplyItem, refs []itemRef) {
	w.stageMu.Lock()
	defer w.stageMu.Unlock()
	if w.staged == nil {
		w.staged = map[nodeKey]*stagedBatch{}
	}
	b := w.staged[n.providerKey]
	if b == nil {
		b = &stagedBatch{p: p}
		w.staged[n.providerKey] = b
	}
	// Items of this node wait for the staged items of the nodes it depends on.
	var deps []int
	for _, part := range b.parts {
		if w.dependsOn(n.key, part.n.key) {
			for i := range part.refs {
				deps = append(deps, part.start+i)
			}
		}
	}
	start := len(b.items)
	for _, it := range items {
		shifted := make([]int, 0, len(it.DependsOn)+len(deps))
		for _, d := range it.DependsOn {
			shifted = append(shifted, d+start)
		}
		it.DependsOn = append(shifted, deps...)
		b.items = append(b.items, it)
	}
	b.parts = append(b.parts, stagedPart{n: n, insts: insts, refs: refs, start: start})
	for _, ip := range insts {
		if ip.change.Action != plan.Delete {
			ip.final = ip.change.After
		}
	}
}

// dependsOn reports whether a depends, directly or not, on b.
func (w *walker) dependsOn(a, b nodeKey) bool {
	w.closureMu.Lock()
	defer w.closureMu.Unlock()
	if w.closures == nil {
		w.closures = map[nodeKey]map[nodeKey]struct{}{}
	}
	c, ok := w.closures[a]
	if !ok {
		c = w.applyGraph.TransitiveDependencies(a)
		w.closures[a] = c
	}
	_, dep := c[b]
	return dep
}

// flushFor runs every staged batch holding a change that key depends on.
func (w *walker) flushFor(ctx context.Context, key nodeKey) hcl.Diagnostics {
	w.stageMu.Lock()
	var due []*stagedBatch
	for pk, b := range w.staged {
		for _, part := range b.parts {
			if w.dependsOn(key, part.n.key) {
				due = append(due, b)
				delete(w.staged, pk)
				break
			}
		}
	}
	w.stageMu.Unlock()
	var diags hcl.Diagnostics
	for _, b := range due {
		diags = append(diags, w.runBatch(ctx, b)...)
	}
	return diags
}

// flushAll runs every staged batch; the walk calls it at the end.
func (w *walker) flushAll(ctx context.Context) hcl.Diagnostics {
	w.stageMu.Lock()
	due := w.staged
	w.staged = nil
	w.stageMu.Unlock()
	var diags hcl.Diagnostics
	for _, b := range due {
		diags = append(diags, w.runBatch(ctx, b)...)
	}
	return diags
}

func (w *walker) runBatch(ctx context.Context, b *stagedBatch) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var refs []itemRef
	for _, part := range b.parts {
		refs = append(refs, part.refs...)
	}
	results := w.callProvider(ctx, b.parts[0].n, b.p, b.items, refs, &diags)
	for _, part := range b.parts {
		planned := map[*instancePlan]cty.Value{}
		for _, ip := range part.insts {
			planned[ip] = ip.final
		}
		diags = append(diags, w.recordResults(part.n, part.insts, part.refs, results[part.start:part.start+len(part.refs)])...)
		for _, ip := range part.insts {
			want := planned[ip]
			if want == cty.NilVal || ip.final == cty.NilVal || !ip.final.IsWhollyKnown() {
				continue
			}
			if path, ok := compatible(want, ip.final); !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Provider produced an inconsistent result",
					Detail:   fmt.Sprintf("After applying %s, %s differs from the planned value. This is a bug in the provider; the state records what the provider reported.", ip.addr, orTop(schema.FormatPath(path))),
				})
			}
		}
	}
	return diags
}
