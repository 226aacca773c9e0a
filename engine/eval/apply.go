package eval

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// applyInstances checks the freshly computed changes of a node against the
// reviewed plan, hands the provider every change of the node in one batch,
// and records the outcome in the new state.
func (w *walker) applyInstances(ctx context.Context, n *node, p providers.Provider, insts []*instancePlan) hcl.Diagnostics {
	var diags hcl.Diagnostics
	rs := n.resourceSchema
	for _, ip := range insts {
		rec := w.recorded[ip.addr]
		if rec == nil {
			if ip.change.Action != plan.NoOp {
				diags = append(diags, staleDiag(ip.addr, fmt.Sprintf("the plan has no change for it, but it now needs to be %s", describeAction(ip.change.Action))))
			}
			continue
		}
		if rec.Action != ip.change.Action {
			diags = append(diags, staleDiag(ip.addr, fmt.Sprintf("the plan said it would be %s, but it now needs to be %s", describeAction(rec.Action), describeAction(ip.change.Action))))
			continue
		}
		if path, ok := compatible(rec.After, ip.change.After); !ok {
			diags = append(diags, staleDiag(ip.addr, fmt.Sprintf("the planned value of %s differs from what the configuration now gives", orTop(schema.FormatPath(path)))))
		}
	}
	if diags.HasErrors() {
		return diags
	}

	items, refs := buildItems(rs, insts)
	w.deferOldObjects(n, insts)
	if len(items) > 0 && w.canStage(insts) {
		w.stage(n, p, insts, items, refs)
		return diags
	}
	if len(items) > 0 {
		// What this node does must happen after every staged change it
		// depends on.
		if d := w.flushFor(ctx, n.key); d.HasErrors() {
			return append(diags, d...)
		}
	}
	results := w.callProvider(ctx, n, p, items, refs, &diags)
	return append(diags, w.recordResults(n, insts, refs, results)...)
}

// itemRef ties an apply item to the instance it changes.
type itemRef struct {
	ip     *instancePlan
	action providers.Action
}

// buildItems turns a node's changes into provider apply items; a
// replacement becomes a delete and a create in the order its lifecycle says.
func buildItems(rs *schema.Resource, insts []*instancePlan) ([]providers.ApplyItem, []itemRef) {
	var items []providers.ApplyItem
	var refs []itemRef
	add := func(ip *instancePlan, a providers.Action) {
		it := providers.ApplyItem{Address: ip.addr.String(), Type: ip.addr.Resource.Type, Action: a,
			Prior: cty.NullVal(rs.ImpliedType()), Planned: cty.NullVal(rs.ImpliedType()), Config: cty.NullVal(rs.ImpliedType())}
		if a != providers.Create && ip.change.Before != cty.NilVal {
			it.Prior, _ = ip.change.Before.UnmarkDeep()
		}
		if a != providers.Delete {
			it.Planned, _ = ip.change.After.UnmarkDeep()
			it.Config, _ = ip.config.UnmarkDeep()
		}
		if len(refs) > 0 && refs[len(refs)-1].ip == ip {
			it.DependsOn = []int{len(items) - 1}
		}
		items = append(items, it)
		refs = append(refs, itemRef{ip, a})
	}
	for _, ip := range insts {
		switch ip.change.Action {
		case plan.Create:
			add(ip, providers.Create)
		case plan.Update:
			add(ip, providers.Update)
		case plan.Delete:
			add(ip, providers.Delete)
		case plan.DeleteThenCreate:
			add(ip, providers.Delete)
			add(ip, providers.Create)
		case plan.CreateThenDelete:
			// The old object goes only after everything that used it has
			// moved to the new one: see deferOldObjects.
			add(ip, providers.Create)
		}
	}
	return items, refs
}

// callProvider hands one batch to the provider and reports progress. It
// always returns one result per item.
func (w *walker) callProvider(ctx context.Context, n *node, p providers.Provider, items []providers.ApplyItem, refs []itemRef, diags *hcl.Diagnostics) []providers.ApplyResult {
	results := make([]providers.ApplyResult, len(items))
	if len(items) == 0 {
		return results
	}
	if p == nil {
		for i := range results {
			results[i].New = items[i].Prior
			results[i].Diagnostics = providers.Diagnostics{{Severity: providers.Error, Summary: "Provider not configured", Detail: "the provider could not be configured"}}
		}
		return results
	}
	for i, r := range refs {
		if i == 0 || refs[i-1].ip != r.ip {
			w.hooks.PreApply(r.ip.addr, r.ip.change.Action)
		}
	}
	start := time.Now()
	// A change that has started is allowed to finish even when the user
	// interrupts the run: stopping a device mid-session is what leaves
	// things half-done. Interruption stops new changes from starting.
	resp := p.ApplyChanges(context.WithoutCancel(ctx), providers.ApplyRequest{Items: items})
	elapsed := time.Since(start)
	*diags = append(*diags, w.providerDiags(resp.Diagnostics, n.rng, "applying "+n.key.String())...)
	if len(resp.Results) == len(items) {
		results = resp.Results
	} else {
		// Without per-item results nothing can be trusted to have happened;
		// keep the prior objects and report.
		for i := range results {
			results[i].New = items[i].Prior
			results[i].Diagnostics = providers.Diagnostics{{Severity: providers.Error, Summary: "Provider error", Detail: "the provider gave no result for this change"}}
		}
	}
	for i, r := range refs {
		var err error
		if results[i].Diagnostics.HasErrors() {
			err = results[i].Diagnostics.Err()
		}
		last := i == len(refs)-1 || refs[i+1].ip != r.ip
		if last || err != nil {
			w.hooks.PostApply(r.ip.addr, r.ip.change.Action, err, elapsed)
		}
	}
	return results
}

// recordResults works out each instance's resulting object from the
// provider's results and records it in the new state.
func (w *walker) recordResults(n *node, insts []*instancePlan, refs []itemRef, results []providers.ApplyResult) hcl.Diagnostics {
	var diags hcl.Diagnostics
	rs := n.resourceSchema
	for i, r := range refs {
		if results[i].Diagnostics.HasErrors() || len(results[i].Diagnostics) > 0 {
			diags = append(diags, w.providerDiags(results[i].Diagnostics, n.rng, r.ip.addr.String())...)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	idx := 0
	for _, ip := range insts {
		final := ip.final
		exists := ip.change.Action != plan.Delete
		tainted := false
		failed := false
		for idx < len(refs) && refs[idx].ip == ip {
			res := results[idx]
			switch refs[idx].action {
			case providers.Delete:
				if res.Diagnostics.HasErrors() {
					failed = true
					if ip.change.Action == plan.Delete || ip.change.Action == plan.DeleteThenCreate {
						// The old object is still there.
						final, exists = ip.change.Before, true
					}
				} else if ip.change.Action == plan.Delete {
					exists = false
				}
			default:
				if res.Diagnostics.HasErrors() {
					failed = true
					if res.New == cty.NilVal || res.New.IsNull() {
						if refs[idx].action == providers.Create {
							exists = false
						} else {
							final = ip.change.Before
						}
					} else {
						final = remark(rs, res.New, ip.config)
						tainted = refs[idx].action == providers.Create
					}
				} else {
					final = remark(rs, res.New, ip.config)
				}
			}
			idx++
		}
		if failed && ip.change.Action == plan.CreateThenDelete && !tainted && !exists {
			final, exists = ip.change.Before, true
			w.cancelOldObject(ip)
		}
		ip.final = final
		if ip.config == cty.NilVal && !exists {
			ip.final = cty.NilVal
		}
		if !w.instanceTargeted(ip.addr) {
			continue
		}
		if !exists {
			w.removeInstance(ip.addr)
			continue
		}
		if final == cty.NilVal || !final.IsWhollyKnown() {
			if !failed {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider produced an incomplete object", Detail: fmt.Sprintf("After applying %s the provider left values unknown.", ip.addr)})
			}
			continue
		}
		final = withWriteOnly(rs, final, ip.config)
		d := w.recordInstance(n, ip, final, tainted)
		diags = append(diags, d...)
		if ip.change.PrevAddr != nil {
			w.removeInstance(*ip.change.PrevAddr)
		}
	}
	return diags
}

func orTop(s string) string {
	if s == "" {
		return "the object"
	}
	return s
}

func staleDiag(a addrs.AbsResourceInstance, why string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Saved plan is stale",
		Detail:   fmt.Sprintf("%s: %s. The configuration or the real infrastructure changed since the plan was made; make a new plan and review it.", a, why),
	}
}

func describeAction(a plan.Action) string {
	switch a {
	case plan.NoOp:
		return "left unchanged"
	case plan.Create:
		return "created"
	case plan.Update:
		return "updated in place"
	case plan.Delete:
		return "destroyed"
	case plan.DeleteThenCreate, plan.CreateThenDelete:
		return "replaced"
	case plan.Read:
		return "read"
	}
	return string(a)
}

// compatible reports whether the final value respects everything the plan
// promised: every value known at plan time must be the same now. Secrets
// the plan file could not keep are checked through the configuration digest
// instead.
func compatible(planned, final cty.Value) (cty.Path, bool) {
	var bad cty.Path
	ok := true
	finalRaw, _ := final.UnmarkDeep()
	_ = cty.Walk(planned, func(p cty.Path, v cty.Value) (bool, error) {
		if !ok {
			return false, nil
		}
		if v.IsMarked() || !v.IsKnown() {
			return false, nil
		}
		if !v.IsWhollyKnown() || v.ContainsMarked() {
			return true, nil
		}
		fv, err := p.Apply(finalRaw)
		if err != nil || !unmarkedEqual(v, fv) {
			bad, ok = p.Copy(), false
		}
		return false, nil
	})
	return bad, ok
}

// withWriteOnly puts the configured write-only values into the object kept
// in memory, marked sensitive, so that the state records their hashes.
func withWriteOnly(rs *schema.Resource, v, cfg cty.Value) cty.Value {
	if !rs.HasWriteOnly() || cfg == cty.NilVal || cfg.IsNull() {
		return v
	}
	for name, a := range rs.Attributes {
		if a.WriteOnly {
			cv := cfg.GetAttr(name)
			if !cv.IsNull() {
				v = setPath(v, cty.GetAttrPath(name), cv.Mark(schema.Sensitive))
			}
		}
	}
	return v
}

func (w *walker) stateResource(a addrs.AbsResourceInstance, provider string) *state.Resource {
	return w.newState.EnsureResource(a.Module.String(), state.ModeManaged, a.Resource.Type, a.Resource.Name, provider)
}

func (w *walker) removeInstance(a addrs.AbsResourceInstance) {
	r := w.newState.Resource(a.Module.String(), state.ModeManaged, a.Resource.Type, a.Resource.Name)
	if r == nil {
		return
	}
	r.RemoveInstance(stateKey(a.Key))
	if len(r.Instances) == 0 {
		w.newState.RemoveResource(a.Module.String(), state.ModeManaged, a.Resource.Type, a.Resource.Name)
	}
}

// recordInstance writes an object into the new state. The caller holds w.mu.
func (w *walker) recordInstance(n *node, ip *instancePlan, v cty.Value, tainted bool) hcl.Diagnostics {
	rs := n.resourceSchema
	raw, sens, err := state.EncodeValue(v, rs.ImpliedType(), w.opts.HashKey)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot record object in state", Detail: fmt.Sprintf("%s: %s.", ip.addr, err)}}
	}
	provider := ip.change.Provider
	r := w.stateResource(ip.addr, provider)
	r.Provider = provider
	inst := r.EnsureInstance(stateKey(ip.addr.Key))
	inst.Attributes = raw
	inst.Sensitive = sens
	inst.SchemaVersion = rs.Version
	inst.Tainted = tainted
	inst.CreateBeforeDestroy = ip.change.CreateBeforeDestroy
	inst.Dependencies = nil
	for _, d := range ip.change.Dependencies {
		inst.Dependencies = append(inst.Dependencies, d.String())
	}
	if rs.Attributes["id"] != nil && v.Type().HasAttribute("id") {
		if id, _ := v.GetAttr("id").Unmark(); id.IsKnown() && !id.IsNull() && id.Type() == cty.String {
			inst.ID = id.AsString()
		}
	}
	w.applied[ip.addr] = true
	return nil
}

// oldObject is the object a create_before_destroy replacement leaves behind
// until the end of the apply.
type oldObject struct {
	n  *node
	ip *instancePlan
}

func (w *walker) deferOldObjects(n *node, insts []*instancePlan) {
	w.stageMu.Lock()
	defer w.stageMu.Unlock()
	for _, ip := range insts {
		if ip.change.Action == plan.CreateThenDelete {
			w.oldObjects = append(w.oldObjects, oldObject{n: n, ip: ip})
		}
	}
}

func (w *walker) cancelOldObject(ip *instancePlan) {
	w.stageMu.Lock()
	defer w.stageMu.Unlock()
	for i, o := range w.oldObjects {
		if o.ip == ip {
			w.oldObjects = append(w.oldObjects[:i:i], w.oldObjects[i+1:]...)
			return
		}
	}
}

// deleteOldObjects deletes, in one batch per provider and in reverse
// order, the objects that create_before_destroy replacements superseded.
// Their replacements are already in state; an old object that cannot be
// deleted is reported with its id so that it can be removed by hand.
func (w *walker) deleteOldObjects(ctx context.Context) hcl.Diagnostics {
	w.stageMu.Lock()
	olds := w.oldObjects
	w.oldObjects = nil
	w.stageMu.Unlock()
	byProvider := map[nodeKey][]oldObject{}
	var order []nodeKey
	for i := len(olds) - 1; i >= 0; i-- {
		o := olds[i]
		if _, seen := byProvider[o.n.providerKey]; !seen {
			order = append(order, o.n.providerKey)
		}
		byProvider[o.n.providerKey] = append(byProvider[o.n.providerKey], o)
	}
	var diags hcl.Diagnostics
	for _, pk := range order {
		list := byProvider[pk]
		items := make([]providers.ApplyItem, len(list))
		refs := make([]itemRef, len(list))
		for i, o := range list {
			prior, _ := o.ip.change.Before.UnmarkDeep()
			rs := o.n.resourceSchema
			items[i] = providers.ApplyItem{Address: o.ip.addr.String() + " (old object)", Type: o.ip.addr.Resource.Type, Action: providers.Delete,
				Prior: prior, Planned: cty.NullVal(rs.ImpliedType()), Config: cty.NullVal(rs.ImpliedType())}
			refs[i] = itemRef{o.ip, providers.Delete}
		}
		results := w.callProvider(ctx, list[0].n, w.ps.get(pk), items, refs, &diags)
		for i, res := range results {
			if res.Diagnostics.HasErrors() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Old object not deleted",
					Detail:   fmt.Sprintf("%s was replaced (create_before_destroy), but deleting the old object failed: %s. The new object is in state; the old one still exists and must be removed by hand.", list[i].ip.addr, res.Diagnostics.Err()),
				})
			}
		}
	}
	return diags
}
