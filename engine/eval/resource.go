package eval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// instancePlan is one instance of a resource as the walk plans it.
type instancePlan struct {
	addr   addrs.AbsResourceInstance
	scope  *scope
	config cty.Value // marked; null for deletes
	prior  *priorObject
	change *plan.ResourceChange
	// final is the value that references see once the node is done.
	final cty.Value
}

func (w *walker) isTargeted(n *node) bool {
	return w.targeted == nil || w.targeted[n.key]
}

func (w *walker) instanceTargeted(a addrs.AbsResourceInstance) bool {
	if w.targets == nil {
		return true
	}
	for _, t := range w.targets {
		if t.Contains(a) {
			return true
		}
	}
	return false
}

// publishPrior makes an untouched resource's current objects visible to
// references.
func (w *walker) publishPrior(n *node) {
	for _, mi := range w.vals.moduleInstances(n.module.Path) {
		abs := addrs.AbsResource{Module: mi, Resource: n.resource.Addr()}
		keys := w.priorByResource[abs]
		vals := map[addrs.InstanceKey]cty.Value{}
		mode := expandNone
		for _, k := range keys {
			vals[k] = w.prior[abs.Instance(k)].value
			if k.IsInt() {
				mode = expandCount
			} else if k.IsString() {
				mode = expandForEach
			}
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
		w.vals.setResource(abs, aggregate(mode, keys, vals))
	}
}

func (w *walker) visitManaged(ctx context.Context, n *node) hcl.Diagnostics {
	r := n.resource
	rs := n.resourceSchema
	if !w.isTargeted(n) {
		w.publishPrior(n)
		return nil
	}
	var diags hcl.Diagnostics
	refs, d := parseRefs(dynblock.VariablesHCLDec(r.Config, rs.DecoderSpec()))
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}

	var insts []*instancePlan
	type resourceExp struct {
		abs addrs.AbsResource
		exp *expansion
	}
	var exps []resourceExp
	for _, mi := range w.vals.moduleInstances(n.module.Path) {
		abs := addrs.AbsResource{Module: mi, Resource: r.Addr()}
		s := &scope{vals: w.vals, module: n.module, mi: mi}
		var exp *expansion
		if w.pmode == plan.DestroyMode {
			exp = &expansion{mode: expandNone}
		} else {
			var d hcl.Diagnostics
			exp, d = expand(s, r.Count, r.ForEach)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
		}
		exps = append(exps, resourceExp{abs, exp})
		inConfig := map[addrs.InstanceKey]bool{}
		evaluated := make([]*instancePlan, len(exp.keys))
		edi := make([]hcl.Diagnostics, len(exp.keys))
		parallelFor(len(exp.keys), func(i int) {
			k := exp.keys[i]
			a := abs.Instance(k)
			is := &scope{vals: w.vals, module: n.module, mi: mi}
			if exp.mode != expandNone {
				rep := exp.reps[k]
				is.rep = &rep
			}
			ectx, d := is.evalContext(refs)
			edi[i] = append(edi[i], d...)
			if d.HasErrors() {
				return
			}
			for _, pc := range r.Lifecycle.Preconditions {
				edi[i] = append(edi[i], is.checkRule(pc, "Resource precondition failed", hcl.DiagError)...)
			}
			cfg, d := rs.Decode(r.Config, ectx)
			edi[i] = append(edi[i], d...)
			if d.HasErrors() {
				return
			}
			evaluated[i] = &instancePlan{addr: a, scope: is, config: cfg}
		})
		for i, k := range exp.keys {
			inConfig[k] = true
			diags = append(diags, edi[i]...)
			if ip := evaluated[i]; ip != nil {
				ip.prior = w.prior[ip.addr]
				insts = append(insts, ip)
			}
		}
		for _, k := range w.priorByResource[abs] {
			if inConfig[k] {
				continue
			}
			a := abs.Instance(k)
			reason := "no longer in the configuration"
			switch {
			case w.pmode == plan.DestroyMode:
				reason = ""
			case exp.mode == expandCount && k.IsInt():
				reason = fmt.Sprintf("index %d is out of range for count", k.Int())
			case exp.mode == expandForEach && k.IsString():
				reason = fmt.Sprintf("key %q is not in for_each", k.Str())
			case exp.mode == expandNone && !k.IsNone():
				reason = "the resource no longer uses count or for_each"
			}
			insts = append(insts, &instancePlan{addr: a, prior: w.prior[a], config: cty.NilVal, change: &plan.ResourceChange{
				Addr: a, Provider: w.providerAddr(n), Action: plan.Delete, Reason: reason,
				Before: w.prior[a].value, After: cty.NullVal(rs.ImpliedType()), Schema: rs,
			}})
		}
	}
	if diags.HasErrors() {
		return diags
	}
	p := w.ps.get(n.providerKey)
	diags = append(diags, w.planInstances(ctx, n, p, insts)...)
	if diags.HasErrors() {
		return diags
	}
	if w.mode == walkApply {
		diags = append(diags, w.applyInstances(ctx, n, p, insts)...)
	} else {
		w.mu.Lock()
		for _, ip := range insts {
			if !w.instanceTargeted(ip.addr) {
				continue
			}
			w.changes = append(w.changes, ip.change)
			if ip.change.Action != plan.NoOp {
				w.pending[n.key] = true
			}
		}
		w.mu.Unlock()
	}
	// Publish values for references, then check postconditions.
	for _, re := range exps {
		vals := map[addrs.InstanceKey]cty.Value{}
		for _, ip := range insts {
			if ip.addr.ContainingResource() == re.abs && ip.config != cty.NilVal {
				vals[ip.addr.Key] = ip.final
			}
		}
		w.vals.setResource(re.abs, aggregate(re.exp.mode, re.exp.keys, vals))
	}
	for _, ip := range insts {
		if ip.config == cty.NilVal || ip.final == cty.NilVal || len(r.Lifecycle.Postconditions) == 0 {
			continue
		}
		ps := *ip.scope
		ps.self = ip.final
		for _, pc := range r.Lifecycle.Postconditions {
			diags = append(diags, ps.checkRule(pc, "Resource postcondition failed", hcl.DiagError)...)
		}
	}
	return diags
}

func (w *walker) providerAddr(n *node) string {
	if pn := w.dg.nodes[n.providerKey]; pn != nil && pn.provider != nil {
		pv := *pn.provider
		pv.module = n.providerKey.module
		return pv.addr()
	}
	return ""
}

// planInstances asks the provider, in one batch, what every instance of the
// node will become, and decides each instance's action.
func (w *walker) planInstances(ctx context.Context, n *node, p providers.Provider, insts []*instancePlan) hcl.Diagnostics {
	var diags hcl.Diagnostics
	rs := n.resourceSchema
	var items []providers.PlanItem
	var which []*instancePlan
	for _, ip := range insts {
		if ip.change != nil {
			continue
		}
		priorVal := cty.NullVal(rs.ImpliedType())
		if ip.prior != nil {
			priorVal = w.rehydrate(ip.prior, ip.config)
		}
		priorRaw, _ := priorVal.UnmarkDeep()
		if names := ignoredAttrs(n, priorRaw); len(names) > 0 {
			// ignore_changes works on the configuration, before the
			// provider plans: what the provider derives from an ignored
			// argument stays as it is too.
			ip.config = keepAttrs(ip.config, priorVal, names)
		}
		cfgRaw, _ := ip.config.UnmarkDeep()
		items = append(items, providers.PlanItem{
			Address: ip.addr.String(), Type: ip.addr.Resource.Type, Prior: priorRaw, Config: cfgRaw,
			Proposed: proposedNew(rs, priorRaw, cfgRaw),
		})
		which = append(which, ip)
	}
	if len(items) > 0 {
		if p == nil {
			return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider not configured", Detail: fmt.Sprintf("The provider for %s could not be configured.", n.key), Subject: n.rng.Ptr()})
		}
		resp := p.PlanChanges(ctx, providers.PlanRequest{Items: items})
		diags = append(diags, w.providerDiags(resp.Diagnostics, n.rng, "planning "+n.key.String())...)
		if diags.HasErrors() {
			return diags
		}
		if len(resp.Results) != len(items) {
			return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider error", Detail: fmt.Sprintf("The provider answered %d of %d planned items for %s.", len(resp.Results), len(items), n.key)})
		}
		for i, res := range resp.Results {
			if len(res.Diagnostics) > 0 {
				diags = append(diags, w.objectDiags(n, res.Diagnostics, which[i].addr.String())...)
			}
		}
		parallelFor(len(resp.Results), func(i int) {
			res := resp.Results[i]
			if !res.Diagnostics.HasErrors() {
				which[i].change = w.decide(n, which[i], items[i].Prior, res.Planned, res.RequiresReplace)
				if which[i].change.Action != plan.NoOp {
					which[i].change.Summary = res.Summary
				}
			}
		})
	}
	for _, ip := range insts {
		if ip.change == nil {
			continue
		}
		if ip.change.Action == plan.NoOp || ip.change.Action == plan.Update || ip.change.Action == plan.Create {
			ip.final = ip.change.After
		} else if ip.change.Action.IsReplace() {
			ip.final = ip.change.After
		}
		if (ip.change.Action == plan.Delete || ip.change.Action.IsReplace()) && n.resource.Lifecycle.PreventDestroy && w.instanceTargeted(ip.addr) {
			verb := "destroy"
			if ip.change.Action.IsReplace() {
				verb = "replace"
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Instance cannot be destroyed",
				Detail:   fmt.Sprintf("The plan would %s %s, but its lifecycle sets prevent_destroy = true. Remove prevent_destroy if this is intended, or change the plan so the object is kept.", verb, ip.addr),
				Subject:  n.rng.Ptr(),
			})
		}
	}
	return diags
}

// rehydrate puts configured secrets back into a prior object whose state
// kept them only as hashes, where the hash matches: an unchanged secret is
// then no change at all, and a changed one shows as a change.
func (w *walker) rehydrate(po *priorObject, cfg cty.Value) cty.Value {
	return w.rehydrateFrom(po.value, po.hashes, cfg)
}

// rehydrateFrom fills the parts of v that hashes stand for with the
// values found at the same paths in cfg, where the hashes match.
func (w *walker) rehydrateFrom(v cty.Value, hashes []state.SensitiveAttribute, cfg cty.Value) cty.Value {
	if cfg == cty.NilVal || cfg.IsNull() || !cfg.IsKnown() {
		return v
	}
	for _, sa := range hashes {
		path, ok := attributePathIn(cfg, sa.Path)
		if !ok {
			continue
		}
		cv := valueAt(cfg, path)
		if cv == cty.NilVal || !cv.IsWhollyKnown() || cv.IsNull() {
			// Nothing to put back: a null is already null in the prior.
			continue
		}
		raw, _ := cv.UnmarkDeep()
		if h, err := state.HashValue(w.opts.HashKey, raw); err == nil && h == sa.Hash {
			v = setPath(v, path, cv)
		}
	}
	return v
}

// attributePathIn converts a stored attribute path into a cty path by
// following it through v, where a name may be an attribute or a map key.
func attributePathIn(v cty.Value, p state.AttributePath) (cty.Path, bool) {
	var out cty.Path
	v, _ = v.UnmarkDeep()
	for _, st := range p {
		if v.IsNull() || !v.IsKnown() {
			return nil, false
		}
		ty := v.Type()
		var step cty.PathStep
		switch {
		case st.IsIndex && (ty.IsListType() || ty.IsTupleType()):
			step = cty.IndexStep{Key: cty.NumberIntVal(int64(st.Index))}
		case !st.IsIndex && ty.IsObjectType() && ty.HasAttribute(st.Name):
			step = cty.GetAttrStep{Name: st.Name}
		case !st.IsIndex && ty.IsMapType():
			step = cty.IndexStep{Key: cty.StringVal(st.Name)}
		default:
			return nil, false
		}
		next, err := cty.Path{step}.Apply(v)
		if err != nil {
			return nil, false
		}
		out = append(out, step)
		v = next
	}
	return out, true
}

// proposedNew is the configuration with the computed attributes it leaves
// unset carried over from prior, or unknown for a new object.
func proposedNew(rs *schema.Resource, prior, cfg cty.Value) cty.Value {
	if cfg.IsNull() || !cfg.IsKnown() {
		return cfg
	}
	attrs := cfg.AsValueMap()
	if attrs == nil {
		attrs = map[string]cty.Value{}
	}
	for name, a := range rs.Attributes {
		if !a.Computed {
			continue
		}
		cv, ok := attrs[name]
		if ok && !cv.IsNull() {
			continue
		}
		if !prior.IsNull() && prior.IsKnown() {
			attrs[name] = prior.GetAttr(name)
		} else {
			attrs[name] = cty.UnknownVal(a.Type)
		}
	}
	return cty.ObjectVal(attrs)
}

// decide turns a provider's planned value into a change.
func (w *walker) decide(n *node, ip *instancePlan, priorRaw, planned cty.Value, requiresReplace []cty.Path) *plan.ResourceChange {
	rs := n.resourceSchema
	lc := n.resource.Lifecycle
	ch := &plan.ResourceChange{
		Addr: ip.addr, Provider: w.providerAddr(n), Schema: rs,
		CreateBeforeDestroy: lc.CreateBeforeDestroy,
		Dependencies:        w.resourceDepsAbs(n, ip.addr.Module),
	}
	if id, ok := w.importIDs[ip.addr]; ok {
		ch.ImportID = id
	}
	if from, ok := w.movedFrom[ip.addr]; ok {
		f := from
		ch.PrevAddr = &f
	}
	if ip.prior == nil || priorRaw.IsNull() {
		ch.Action = plan.Create
		ch.Before = cty.NullVal(rs.ImpliedType())
		ch.After = remark(rs, planned, ip.config)
		return ch
	}
	// Computed secrets (an output derived from a secret input) are matched
	// against the planned value's hashes, as the configuration lacks them.
	priorRaw, _ = w.rehydrateFrom(priorRaw, ip.prior.hashes, planned).UnmarkDeep()
	ch.Before = remark(rs, priorRaw, w.rehydrate(ip.prior, ip.config))
	ch.After = remark(rs, planned, ip.config)

	var replace []cty.Path
	replace = append(replace, requiresReplace...)
	for name, a := range rs.Attributes {
		if a.ForceNew && !rawEqual(priorRaw.GetAttr(name), planned.GetAttr(name)) {
			replace = appendPath(replace, cty.GetAttrPath(name))
		}
	}
	for name, nb := range rs.BlockTypes {
		if nb.ForceNew && !rawEqual(priorRaw.GetAttr(name), planned.GetAttr(name)) {
			replace = appendPath(replace, cty.GetAttrPath(name))
		}
	}
	woChanged := w.writeOnlyChanged(rs, ip)
	switch {
	case ip.prior.tainted:
		ch.Action = w.replaceAction(lc.CreateBeforeDestroy)
		ch.Reason = "tainted: a previous apply failed while creating it"
	case len(replace) > 0:
		ch.Action = w.replaceAction(lc.CreateBeforeDestroy)
		ch.RequiresReplace = replace
		var names []string
		for _, p := range replace {
			names = append(names, schema.FormatPath(p))
		}
		sort.Strings(names)
		ch.Reason = strings.Join(names, ", ") + " changed"
	case rawEqual(rs.StripWriteOnly(priorRaw), rs.StripWriteOnly(planned)) && !woChanged:
		ch.Action = plan.NoOp
	default:
		ch.Action = plan.Update
	}
	return ch
}

func appendPath(ps []cty.Path, p cty.Path) []cty.Path {
	for _, q := range ps {
		if q.Equals(p) {
			return ps
		}
	}
	return append(ps, p)
}

func (w *walker) replaceAction(cbd bool) plan.Action {
	if cbd {
		return plan.CreateThenDelete
	}
	return plan.DeleteThenCreate
}

// writeOnlyChanged compares configured write-only values with the hashes
// the state keeps of them.
func (w *walker) writeOnlyChanged(rs *schema.Resource, ip *instancePlan) bool {
	for name, a := range rs.Attributes {
		if !a.WriteOnly {
			continue
		}
		cv := ip.config.GetAttr(name)
		raw, _ := cv.UnmarkDeep()
		var stored string
		for _, sa := range ip.prior.hashes {
			if len(sa.Path) == 1 && sa.Path[0].Name == name {
				stored = sa.Hash
			}
		}
		if !raw.IsWhollyKnown() {
			return true
		}
		if stored == "" {
			if !raw.IsNull() {
				return true
			}
			continue
		}
		// The state may hold the hash of a null (a sensitive attribute
		// left unset): compare hashes either way.
		h, err := state.HashValue(w.opts.HashKey, raw)
		if err != nil || h != stored {
			return true
		}
	}
	return false
}

// ignoredAttrs lists the configurable attributes lifecycle ignore_changes
// keeps at their prior values; none for a new object.
func ignoredAttrs(n *node, prior cty.Value) []string {
	lc := n.resource.Lifecycle
	if prior.IsNull() || !prior.IsKnown() {
		return nil
	}
	var names []string
	if lc.IgnoreAllChanges {
		for name, a := range n.resourceSchema.Attributes {
			if a.Required || a.Optional {
				names = append(names, name)
			}
		}
		for name := range n.resourceSchema.BlockTypes {
			names = append(names, name)
		}
		return names
	}
	for _, t := range lc.IgnoreChanges {
		if len(t) == 0 {
			continue
		}
		switch step := t[0].(type) {
		case hcl.TraverseAttr:
			names = append(names, step.Name)
		case hcl.TraverseRoot:
			names = append(names, step.Name)
		}
	}
	return names
}

// keepAttrs copies the named top-level attributes from prior into cfg.
func keepAttrs(cfg, prior cty.Value, names []string) cty.Value {
	if cfg.IsNull() || !cfg.IsKnown() || !cfg.Type().IsObjectType() {
		return cfg
	}
	attrs := cfg.AsValueMap()
	pattrs := prior.AsValueMap()
	for _, name := range names {
		if pv, ok := pattrs[name]; ok {
			if _, ok := attrs[name]; ok {
				attrs[name] = pv
			}
		}
	}
	return cty.ObjectVal(attrs)
}

func (w *walker) resourceDepsAbs(n *node, mi addrs.ModuleInstance) []addrs.AbsResource {
	var out []addrs.AbsResource
	for _, dk := range n.resourceDeps {
		dn := w.dg.nodes[dk]
		if dn == nil || dn.resource == nil {
			continue
		}
		out = append(out, addrs.AbsResource{Module: mi, Resource: dn.resource.Addr()})
	}
	return out
}

// visitOrphan deletes the objects of a resource that left the configuration.
func (w *walker) visitOrphan(ctx context.Context, n *node) hcl.Diagnostics {
	abs := n.orphan
	if len(w.priorByResource[abs]) == 0 {
		return nil // every object moved to an address in the configuration
	}
	pname := providerNameOf(w.prior[abs.Instance(w.priorByResource[abs][0])].provider, abs.Resource.Type)
	rs, err := w.ps.resourceSchema(pname, abs.Resource.Type, false)
	if err != nil {
		return hcl.Diagnostics{stateError(err.Error())}
	}
	n.resourceSchema = rs
	var insts []*instancePlan
	for _, k := range w.priorByResource[abs] {
		a := abs.Instance(k)
		if !w.instanceTargeted(a) {
			continue
		}
		po := w.prior[a]
		reason := "its resource block is no longer in the configuration"
		if w.pmode == plan.DestroyMode {
			reason = ""
		}
		insts = append(insts, &instancePlan{addr: a, prior: po, config: cty.NilVal, change: &plan.ResourceChange{
			Addr: a, Provider: po.provider, Action: plan.Delete, Reason: reason,
			Before: po.value, After: cty.NullVal(rs.ImpliedType()), Schema: rs,
		}})
	}
	if w.mode == walkApply {
		return w.applyInstances(ctx, n, w.ps.get(n.providerKey), insts)
	}
	w.mu.Lock()
	for _, ip := range insts {
		w.changes = append(w.changes, ip.change)
	}
	w.mu.Unlock()
	return nil
}

// visitData reads data sources: during plan when their configuration is
// known and nothing they depend on is about to change, otherwise during
// apply.
func (w *walker) visitData(ctx context.Context, n *node) hcl.Diagnostics {
	r := n.resource
	rs := n.resourceSchema
	var diags hcl.Diagnostics
	if w.pmode == plan.DestroyMode {
		return nil
	}
	refs, d := parseRefs(dynblock.VariablesHCLDec(r.Config, rs.DecoderSpec()))
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}
	deferred := false
	if w.mode == walkPlan {
		w.mu.Lock()
		for _, dk := range n.resourceDeps {
			if w.pending[dk] {
				deferred = true
			}
		}
		w.mu.Unlock()
	}
	type dataInst struct {
		addr addrs.AbsResourceInstance
		cfg  cty.Value
	}
	var insts []dataInst
	expsByAbs := map[addrs.AbsResource]*expansion{}
	var order []addrs.AbsResource
	for _, mi := range w.vals.moduleInstances(n.module.Path) {
		abs := addrs.AbsResource{Module: mi, Resource: r.Addr()}
		s := &scope{vals: w.vals, module: n.module, mi: mi}
		exp, d := expand(s, r.Count, r.ForEach)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		expsByAbs[abs] = exp
		order = append(order, abs)
		for _, k := range exp.keys {
			is := &scope{vals: w.vals, module: n.module, mi: mi}
			if exp.mode != expandNone {
				rep := exp.reps[k]
				is.rep = &rep
			}
			ectx, d := is.evalContext(refs)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			cfg, d := rs.Decode(r.Config, ectx)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if !cfg.IsWhollyKnown() {
				deferred = true
			}
			insts = append(insts, dataInst{abs.Instance(k), cfg})
		}
	}
	if diags.HasErrors() {
		return diags
	}
	results := map[addrs.AbsResourceInstance]cty.Value{}
	if deferred {
		for _, di := range insts {
			raw, _ := di.cfg.UnmarkDeep()
			v := remark(rs, proposedNew(rs, cty.NullVal(rs.ImpliedType()), raw), di.cfg)
			results[di.addr] = v
			w.mu.Lock()
			w.changes = append(w.changes, &plan.ResourceChange{
				Addr: di.addr, Provider: w.providerAddr(n), Action: plan.Read, Schema: rs,
				Reason: "its configuration depends on values known only after apply",
				Before: cty.NullVal(rs.ImpliedType()), After: v,
			})
			w.pending[n.key] = true
			w.mu.Unlock()
		}
	} else if len(insts) > 0 {
		if w.mode == walkApply {
			// A data source reads the real world: staged changes it
			// depends on must have happened first.
			if d := w.flushFor(ctx, n.key); d.HasErrors() {
				return append(diags, d...)
			}
		}
		p := w.ps.get(n.providerKey)
		if p == nil {
			return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider not configured", Detail: fmt.Sprintf("The provider for %s could not be configured.", n.key), Subject: n.rng.Ptr()})
		}
		items := make([]providers.ReadDataItem, len(insts))
		for i, di := range insts {
			raw, _ := di.cfg.UnmarkDeep()
			items[i] = providers.ReadDataItem{Type: r.Type, Config: raw}
		}
		start := time.Now()
		resp := p.ReadData(ctx, providers.ReadDataRequest{Items: items})
		_ = start
		diags = append(diags, w.providerDiags(resp.Diagnostics, n.rng, "reading "+n.key.String())...)
		if diags.HasErrors() {
			return diags
		}
		if len(resp.Results) != len(items) {
			return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider error", Detail: fmt.Sprintf("The provider answered %d of %d reads for %s.", len(resp.Results), len(items), n.key)})
		}
		for i, res := range resp.Results {
			diags = append(diags, w.providerDiags(res.Diagnostics, n.rng, insts[i].addr.String())...)
			v := res.State
			if v == cty.NilVal {
				v = cty.NullVal(rs.ImpliedType())
			}
			results[insts[i].addr] = remark(rs, v, insts[i].cfg)
		}
	}
	for _, abs := range order {
		exp := expsByAbs[abs]
		vals := map[addrs.InstanceKey]cty.Value{}
		for _, k := range exp.keys {
			if v, ok := results[abs.Instance(k)]; ok {
				vals[k] = v
			}
		}
		w.vals.setResource(abs, aggregate(exp.mode, exp.keys, vals))
	}
	return diags
}
