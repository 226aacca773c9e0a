package eval

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/graph"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
)

// PlanOptions choose what kind of plan to make.
type PlanOptions struct {
	Mode plan.Mode
	// Targets limit the plan to these objects and what they depend on.
	Targets []addrs.Target
	// Refresh asks providers for the real state first (the default).
	Refresh bool
	// MaxDestroy, when set, overrides `steward { max_destroy = N }`: a plan
	// destroying (or replacing) more objects than this fails, so that a
	// deleted file or a bad for_each cannot quietly plan to remove
	// everything.
	MaxDestroy *int
}

// Plan compares the configuration with the real infrastructure and
// returns the changes that would make them match. The returned plan is
// usable only if the diagnostics have no errors.
func Plan(ctx context.Context, opts Options, po PlanOptions) (*plan.Plan, hcl.Diagnostics) {
	w, diags := newWalker(opts, walkPlan)
	if diags.HasErrors() {
		return nil, diags
	}
	defer w.ps.closeAll()
	w.pmode = po.Mode
	if w.pmode == "" {
		w.pmode = plan.NormalMode
	}
	w.refresh = po.Refresh
	diags = append(diags, w.setTargets(po.Targets)...)
	diags = append(diags, w.applyMoved()...)
	diags = append(diags, w.presetRootVariables()...)
	diags = append(diags, w.collectImports()...)
	if diags.HasErrors() {
		return nil, diags
	}
	if err := w.run(ctx, w.dg.g); err != nil {
		return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Planning interrupted", Detail: err.Error()})
	}
	diags = append(diags, w.diags...)
	p := &plan.Plan{
		Mode:     w.pmode,
		Changes:  w.changes,
		Drift:    w.drift,
		Outputs:  w.outputs,
		Warnings: w.warnings,
		Targets:  po.Targets,
		Created:  time.Now().UTC(),
		Complete: !diags.HasErrors(),
	}
	if w.pmode == plan.RefreshOnlyMode {
		p.Changes = nil
	}
	diags = append(diags, checkMaxDestroy(opts.Config, po.MaxDestroy, p)...)
	p.Complete = !diags.HasErrors()
	if opts.State != nil {
		p.StateLineage, p.StateSerial = opts.State.Lineage, opts.State.Serial
	}
	p.Sort()
	return p, diags
}

// checkMaxDestroy refuses a plan that destroys more objects than allowed.
func checkMaxDestroy(cfg *config.Config, override *int, p *plan.Plan) hcl.Diagnostics {
	limit, where := -1, ""
	var subject *hcl.Range
	if s := cfg.Root.Settings; s != nil && s.MaxDestroy >= 0 {
		limit, where, subject = s.MaxDestroy, "max_destroy in the steward block", s.DeclRange.Ptr()
	}
	if override != nil {
		limit, where, subject = *override, "-max-destroy", nil
	}
	if limit < 0 {
		return nil
	}
	s := p.Summary()
	if s.Destroy <= limit {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Plan destroys too many objects",
		Detail: fmt.Sprintf("This plan would destroy %d objects (replacements included), more than the %d that %s allows. Check that no configuration file is missing and that no for_each or count lost its values. If the destruction is intended, raise the limit for this run with -max-destroy=%d.",
			s.Destroy, limit, where, s.Destroy),
		Subject: subject,
	}}
}

// Apply carries out a plan made from the same configuration and state and
// returns the new state: everything that was done is in it, even when the
// diagnostics report errors.
func Apply(ctx context.Context, opts Options, p *plan.Plan) (*state.State, hcl.Diagnostics) {
	newState := state.New()
	if opts.State != nil {
		newState = opts.State.DeepCopy()
	}
	if p.Mode == plan.RefreshOnlyMode {
		return applyRefreshOnly(opts, p, newState)
	}
	w, diags := newWalker(opts, walkApply)
	if diags.HasErrors() {
		return newState, diags
	}
	defer w.ps.closeAll()
	w.pmode = p.Mode
	w.newState = newState
	diags = append(diags, w.setTargets(p.Targets)...)
	diags = append(diags, w.applyMoved()...)
	diags = append(diags, w.presetRootVariables()...)
	if diags.HasErrors() {
		return newState, diags
	}
	w.recorded = map[addrs.AbsResourceInstance]*plan.ResourceChange{}
	for _, c := range p.Changes {
		w.recorded[c.Addr] = c
		if c.Action == plan.Create {
			// The object may be in state but gone from the real world
			// (discovery found it deleted): the plan's view wins.
			w.forgetPrior(c.Addr)
		}
		if c.Before == cty.NilVal || c.Before.IsNull() || c.Action == plan.Read {
			continue
		}
		po := w.prior[c.Addr]
		if po == nil {
			po = &priorObject{provider: c.Provider}
			w.prior[c.Addr] = po
			abs := c.Addr.ContainingResource()
			w.priorByResource[abs] = append(w.priorByResource[abs], c.Addr.Key)
		}
		po.value = c.Before
	}
	g := w.dg.g
	if p.Mode == plan.DestroyMode {
		g = w.destroyGraph()
	}
	w.applyGraph = g
	err := w.run(ctx, g)
	if err == nil {
		w.addDiags(w.flushAll(ctx))
		w.addDiags(w.deleteOldObjects(ctx))
	}
	diags = append(diags, w.diags...)
	if err != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Apply interrupted", Detail: "steward stopped starting new changes; the changes already in progress finished and the state records them."})
	}
	w.recordOutputs(p)
	newState.Sort()
	return newState, diags
}

func applyRefreshOnly(opts Options, p *plan.Plan, st *state.State) (*state.State, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	ps := newProviderSet(opts.Registry)
	for _, d := range p.Drift {
		a := d.Addr
		r := st.Resource(a.Module.String(), state.ModeManaged, a.Resource.Type, a.Resource.Name)
		if r == nil {
			continue
		}
		if d.After.IsNull() {
			r.RemoveInstance(stateKey(a.Key))
			if len(r.Instances) == 0 {
				st.RemoveResource(a.Module.String(), state.ModeManaged, a.Resource.Type, a.Resource.Name)
			}
			continue
		}
		rs, err := ps.resourceSchema(providerNameOf(d.Provider, a.Resource.Type), a.Resource.Type, false)
		if err != nil {
			diags = append(diags, stateError(err.Error()))
			continue
		}
		raw, sens, err := state.EncodeValue(d.After, rs.ImpliedType(), opts.HashKey)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot record object in state", Detail: fmt.Sprintf("%s: %s.", a, err)})
			continue
		}
		inst := r.EnsureInstance(stateKey(a.Key))
		// Secrets the state only kept as hashes stay as they were.
		if len(sens) == 0 {
			inst.Attributes = raw
		} else {
			inst.Attributes, inst.Sensitive = raw, sens
		}
	}
	st.Sort()
	return st, diags
}

// destroyGraph orders a destroy: every object goes before the objects it
// depends on, after its provider is configured.
func (w *walker) destroyGraph() *graph.Graph[nodeKey] {
	g := graph.New[nodeKey]()
	for _, k := range w.dg.g.Nodes() {
		g.Add(k)
	}
	for _, k := range w.dg.g.Nodes() {
		n := w.dg.nodes[k]
		switch k.kind {
		case nodeResource, nodeOrphan:
			g.Connect(k, n.providerKey)
			for _, dep := range n.resourceDeps {
				g.Connect(dep, k)
			}
			if k.kind == nodeOrphan {
				for _, dep := range w.dg.g.DependentsOf(k) {
					if dep.kind == nodeResource {
						g.Connect(dep, k)
					}
				}
			}
		default:
			for _, dep := range w.dg.g.DependenciesOf(k) {
				if dep.kind != nodeResource && dep.kind != nodeOrphan {
					g.Connect(k, dep)
				}
			}
		}
	}
	return g
}

func (w *walker) recordOutputs(p *plan.Plan) {
	w.newState.Outputs = map[string]*state.OutputValue{}
	if p.Mode == plan.DestroyMode {
		return
	}
	w.vals.mu.RLock()
	defer w.vals.mu.RUnlock()
	for name, v := range w.vals.outputs[addrs.RootModuleInstance] {
		o := w.opts.Config.Root.Outputs[name]
		if o == nil || !v.IsWhollyKnown() {
			continue
		}
		ov, err := state.EncodeOutput(v, o.Sensitive, w.opts.HashKey)
		if err == nil {
			w.newState.Outputs[name] = ov
		}
	}
}

// setTargets resolves -target addresses to graph nodes, adding everything
// the targets depend on.
func (w *walker) setTargets(targets []addrs.Target) hcl.Diagnostics {
	if len(targets) == 0 {
		return nil
	}
	w.targets = targets
	var roots []nodeKey
	var diags hcl.Diagnostics
	for _, t := range targets {
		found := false
		for k, n := range w.dg.nodes {
			switch {
			case k.kind == nodeResource && t.Resource != nil && n.resource.Addr() == *t.Resource && k.module == t.Module.Module():
				roots, found = append(roots, k), true
			case k.kind == nodeOrphan && t.Resource != nil && n.orphan.Resource == *t.Resource && n.orphan.Module == t.Module:
				roots, found = append(roots, k), true
			case t.Resource == nil && (k.kind == nodeResource) && (k.module == t.Module.Module() || len(k.module) > len(t.Module.Module()) && string(k.module[:len(t.Module.Module())]) == string(t.Module.Module())):
				roots, found = append(roots, k), true
			}
		}
		if !found {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Target matches nothing", Detail: fmt.Sprintf("The target %s matches no resource in the configuration or state.", t)})
		}
	}
	w.targeted = map[nodeKey]bool{}
	for k := range w.dg.g.TransitiveDependencies(roots...) {
		w.targeted[k] = true
	}
	// Dependencies of a target are planned too; widen the instance filter
	// to the whole of each dependency.
	for k := range w.targeted {
		n := w.dg.nodes[k]
		if k.kind == nodeResource && n.resource != nil {
			r := n.resource.Addr()
			for _, mi := range w.allModuleInstancesFor(k.module) {
				w.targets = append(w.targets, addrs.Target{Module: mi, Resource: &r})
			}
		}
	}
	return diags
}

// allModuleInstancesFor lists the module instances the prior state knows
// for a module path, plus the root; used only to widen target filters.
func (w *walker) allModuleInstancesFor(m addrs.Module) []addrs.ModuleInstance {
	seen := map[addrs.ModuleInstance]bool{}
	var out []addrs.ModuleInstance
	if m.IsRoot() {
		return []addrs.ModuleInstance{addrs.RootModuleInstance}
	}
	for abs := range w.priorByResource {
		if abs.Module.Module() == m && !seen[abs.Module] {
			seen[abs.Module] = true
			out = append(out, abs.Module)
		}
	}
	return out
}

// presetRootVariables stores the root module's variables before the walk
// so that import ids can use them.
func (w *walker) presetRootVariables() hcl.Diagnostics {
	for name, v := range w.opts.Variables {
		w.vals.set(nodeVariable, addrs.RootModuleInstance, name, v)
	}
	return nil
}

// applyMoved renames prior objects as the configuration's moved blocks say.
func (w *walker) applyMoved() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, m := range w.opts.Config.Root.AllModules() {
		for _, mv := range m.Moved {
			if mv.From.Resource == nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagWarning,
					Summary:  "Moving whole modules is not supported yet",
					Detail:   fmt.Sprintf("The moved block from %s to %s is ignored. Write one moved block per resource inside the module instead.", mv.From, mv.To),
					Subject:  mv.DeclRange.Ptr(),
				})
				continue
			}
			from := mv.From
			to := mv.To
			for a, po := range w.prior {
				if !from.Contains(a) {
					continue
				}
				na := addrs.AbsResourceInstance{Module: to.Module, Resource: *to.Resource, Key: a.Key}
				if to.Key != nil {
					na.Key = *to.Key
				}
				if _, taken := w.prior[na]; taken {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Moved target already exists", Detail: fmt.Sprintf("%s cannot move to %s: an object is already there. The moved block is ignored.", a, na), Subject: mv.DeclRange.Ptr()})
					continue
				}
				delete(w.prior, a)
				w.prior[na] = po
				w.moved(a, na)
			}
		}
	}
	return diags
}

// forgetPrior drops an object from the walk's prior objects.
func (w *walker) forgetPrior(a addrs.AbsResourceInstance) {
	if _, ok := w.prior[a]; !ok {
		return
	}
	delete(w.prior, a)
	abs := a.ContainingResource()
	keys := w.priorByResource[abs]
	for i, k := range keys {
		if k == a.Key {
			w.priorByResource[abs] = append(keys[:i:i], keys[i+1:]...)
			break
		}
	}
	if len(w.priorByResource[abs]) == 0 {
		delete(w.priorByResource, abs)
	}
}

func (w *walker) moved(from, to addrs.AbsResourceInstance) {
	fr := from.ContainingResource()
	keys := w.priorByResource[fr]
	for i, k := range keys {
		if k == from.Key {
			w.priorByResource[fr] = append(keys[:i:i], keys[i+1:]...)
			break
		}
	}
	if len(w.priorByResource[fr]) == 0 {
		delete(w.priorByResource, fr)
	}
	tr := to.ContainingResource()
	w.priorByResource[tr] = append(w.priorByResource[tr], to.Key)
	if w.movedFrom == nil {
		w.movedFrom = map[addrs.AbsResourceInstance]addrs.AbsResourceInstance{}
	}
	w.movedFrom[to] = from
}

// collectImports evaluates import blocks; the objects are read when their
// provider is configured.
func (w *walker) collectImports() hcl.Diagnostics {
	var diags hcl.Diagnostics
	root := w.opts.Config.Root
	for _, im := range root.Imports {
		s := &scope{vals: w.vals, module: root, mi: addrs.RootModuleInstance}
		v, d := s.evalExpr(im.ID)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		v, _ = v.UnmarkDeep()
		if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid import id", Detail: "The id of an import block must be a string known when planning: a literal or built from variables.", Subject: im.ID.Range().Ptr()})
			continue
		}
		k := addrs.NoKey
		if im.To.Key != nil {
			k = *im.To.Key
		}
		a := addrs.AbsResourceInstance{Module: im.To.Module, Resource: *im.To.Resource, Key: k}
		if _, exists := w.prior[a]; exists {
			continue // already managed: the import block has done its job
		}
		nk := nodeKey{nodeResource, a.Module.Module(), a.Resource.String()}
		n := w.dg.nodes[nk]
		if n == nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Import to undeclared resource", Detail: fmt.Sprintf("The import block imports into %s, which has no resource block. Write the resource block first.", a), Subject: im.ToRange.Ptr()})
			continue
		}
		if w.imports == nil {
			w.imports = map[nodeKey][]pendingImport{}
		}
		w.imports[n.providerKey] = append(w.imports[n.providerKey], pendingImport{addr: a, id: v.AsString(), node: n, rng: im.DeclRange})
	}
	return diags
}

type pendingImport struct {
	addr addrs.AbsResourceInstance
	id   string
	node *node
	rng  hcl.Range
}

// runImports reads the objects that import blocks adopt, in one batch per
// provider, and treats them as prior objects.
func (w *walker) runImports(ctx context.Context, key nodeKey, p providers.Provider) hcl.Diagnostics {
	pend := w.imports[key]
	if len(pend) == 0 || w.mode != walkPlan {
		return nil
	}
	items := make([]providers.ImportItem, len(pend))
	for i, pi := range pend {
		items[i] = providers.ImportItem{Type: pi.addr.Resource.Type, ID: pi.id}
	}
	resp := p.Import(ctx, providers.ImportRequest{Items: items})
	diags := w.providerDiags(resp.Diagnostics, hcl.Range{}, "importing")
	if len(resp.Results) != len(items) {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider error", Detail: "The provider did not answer every import."})
	}
	for i, res := range resp.Results {
		pi := pend[i]
		if res.Diagnostics.HasErrors() || res.State == cty.NilVal || res.State.IsNull() {
			d := w.providerDiags(res.Diagnostics, pi.rng, "importing "+pi.addr.String())
			if !d.HasErrors() {
				d = append(d, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot import non-existent object", Detail: fmt.Sprintf("The provider found no object with id %q for %s.", pi.id, pi.addr), Subject: pi.rng.Ptr()})
			}
			diags = append(diags, d...)
			continue
		}
		rs := pi.node.resourceSchema
		w.mu.Lock()
		w.prior[pi.addr] = &priorObject{value: rs.MarkSensitive(res.State), provider: w.providerAddr(pi.node)}
		abs := pi.addr.ContainingResource()
		w.priorByResource[abs] = append(w.priorByResource[abs], pi.addr.Key)
		if w.importIDs == nil {
			w.importIDs = map[addrs.AbsResourceInstance]string{}
		}
		w.importIDs[pi.addr] = pi.id
		w.mu.Unlock()
	}
	return diags
}

// ConfigDigest identifies a configuration and its variable values, keyed
// so that it reveals nothing about secret values. A saved plan records it
// and apply refuses the plan if it changed.
func ConfigDigest(cfg *config.Config, vars map[string]cty.Value, key []byte) string {
	h := hmac.New(sha256.New, key)
	names := make([]string, 0, len(cfg.Files))
	for n := range cfg.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "file %s %d\n", n, len(cfg.Files[n].Bytes))
		h.Write(cfg.Files[n].Bytes)
	}
	vnames := make([]string, 0, len(vars))
	for n := range vars {
		vnames = append(vnames, n)
	}
	sort.Strings(vnames)
	for _, n := range vnames {
		raw, _ := vars[n].UnmarkDeep()
		js, err := ctyjson.Marshal(raw, cty.DynamicPseudoType)
		if err != nil {
			js = []byte(raw.GoString())
		}
		fmt.Fprintf(h, "var %s %d\n", n, len(js))
		h.Write(js)
	}
	return hex.EncodeToString(h.Sum(nil))
}
