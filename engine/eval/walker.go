package eval

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/graph"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// Hooks receive progress events. Implementations embed NilHooks and
// override what they need; calls may come from several goroutines.
type Hooks interface {
	// PreRefresh is called before a provider discovers n objects.
	PreRefresh(provider string, n int)
	// PreApply is called as a change starts.
	PreApply(addr addrs.AbsResourceInstance, action plan.Action)
	// PostApply is called as a change finishes, with its error if any.
	PostApply(addr addrs.AbsResourceInstance, action plan.Action, err error, elapsed time.Duration)
}

// NilHooks ignores every event.
type NilHooks struct{}

// PreRefresh implements Hooks.
func (NilHooks) PreRefresh(string, int) {}

// PreApply implements Hooks.
func (NilHooks) PreApply(addrs.AbsResourceInstance, plan.Action) {}

// PostApply implements Hooks.
func (NilHooks) PostApply(addrs.AbsResourceInstance, plan.Action, error, time.Duration) {}

// Options are the inputs shared by planning and applying.
type Options struct {
	Config   *config.Config
	Registry *providers.Registry
	// State is the prior state; nil means none yet.
	State *state.State
	// Variables are the root module's variable values (config.ResolveVariables).
	Variables map[string]cty.Value
	// HashKey keys the hashes that stand in for secrets in state.
	HashKey     []byte
	Parallelism int
	Hooks       Hooks
	Version     string
}

// priorObject is an object as the walk knows it before changing it.
type priorObject struct {
	value    cty.Value
	hashes   []state.SensitiveAttribute
	deps     []string
	tainted  bool
	provider string
}

type walkMode byte

const (
	walkPlan walkMode = iota
	walkApply
)

// walker carries one plan or apply walk.
type walker struct {
	opts  Options
	mode  walkMode
	pmode plan.Mode
	dg    *dependencyGraph
	ps    *providerSet
	vals  *values
	hooks Hooks

	refresh  bool
	targets  []addrs.Target
	targeted map[nodeKey]bool // nil when not targeting

	mu    sync.Mutex
	diags hcl.Diagnostics
	// prior holds objects by instance address: refreshed during plan, the
	// plan's Before values during apply.
	prior map[addrs.AbsResourceInstance]*priorObject
	// priorByResource groups prior's keys by resource for orphan detection.
	priorByResource map[addrs.AbsResource][]addrs.InstanceKey
	changes         []*plan.ResourceChange
	drift           []*plan.ResourceChange
	outputs         []*plan.OutputChange
	warnings        []plan.Warning
	pending         map[nodeKey]bool // resource nodes with changes

	// apply only
	recorded map[addrs.AbsResourceInstance]*plan.ResourceChange
	newState *state.State
	applied  map[addrs.AbsResourceInstance]bool

	stageMu    sync.Mutex
	staged     map[nodeKey]*stagedBatch
	oldObjects []oldObject
	closureMu  sync.Mutex
	closures   map[nodeKey]map[nodeKey]struct{}
	applyGraph *graph.Graph[nodeKey]

	imports   map[nodeKey][]pendingImport
	importIDs map[addrs.AbsResourceInstance]string
	movedFrom map[addrs.AbsResourceInstance]addrs.AbsResourceInstance
}

func (w *walker) addDiags(d hcl.Diagnostics) {
	if len(d) == 0 {
		return
	}
	w.mu.Lock()
	w.diags = append(w.diags, d...)
	w.mu.Unlock()
}

func newWalker(opts Options, mode walkMode) (*walker, hcl.Diagnostics) {
	if opts.Hooks == nil {
		opts.Hooks = NilHooks{}
	}
	w := &walker{
		opts:            opts,
		mode:            mode,
		ps:              newProviderSet(opts.Registry),
		vals:            newValues(opts.Config.Root.Dir),
		hooks:           opts.Hooks,
		prior:           map[addrs.AbsResourceInstance]*priorObject{},
		priorByResource: map[addrs.AbsResource][]addrs.InstanceKey{},
		pending:         map[nodeKey]bool{},
		applied:         map[addrs.AbsResourceInstance]bool{},
	}
	dg, diags := buildGraph(opts.Config, w.ps)
	if diags.HasErrors() {
		return nil, diags
	}
	dg.computeResourceDeps()
	w.dg = dg
	if d := w.loadPrior(); d.HasErrors() {
		return nil, append(diags, d...)
	}
	w.addOrphans()
	if cycles := dg.g.Cycles(); len(cycles) > 0 {
		return nil, append(diags, w.cycleDiags(cycles)...)
	}
	return w, diags
}

func (w *walker) cycleDiags(cycles [][]nodeKey) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, c := range cycles {
		var names, locs []string
		for _, k := range c {
			names = append(names, k.String())
			if n := w.dg.nodes[k]; n != nil && n.rng.Filename != "" {
				locs = append(locs, fmt.Sprintf("  %s at %s", k, n.rng))
			}
		}
		first := w.dg.nodes[c[0]]
		var subj *hcl.Range
		if first != nil && first.rng.Filename != "" {
			subj = first.rng.Ptr()
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cycle in the configuration",
			Detail:   fmt.Sprintf("These blocks depend on each other in a circle, so none can be evaluated first: %s.\n%s\nBreak the cycle by removing one of the references.", strings.Join(names, " -> "), strings.Join(uniqueLines(locs), "\n")),
			Subject:  subj,
		})
	}
	return diags
}

func uniqueLines(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// loadPrior decodes the prior state's objects.
func (w *walker) loadPrior() hcl.Diagnostics {
	var diags hcl.Diagnostics
	if w.opts.State == nil {
		return nil
	}
	for _, r := range w.opts.State.Resources {
		if r.Mode != state.ModeManaged {
			continue
		}
		mi, err := addrs.ParseModuleInstance(r.Module)
		if err != nil {
			diags = append(diags, stateError(fmt.Sprintf("the module address %q is invalid: %s", r.Module, err)))
			continue
		}
		pname := providerNameOf(r.Provider, r.Type)
		rs, err := w.ps.resourceSchema(pname, r.Type, false)
		if err != nil {
			diags = append(diags, stateError(fmt.Sprintf("%s: %s", r.Addr(), err)))
			continue
		}
		abs := addrs.AbsResource{Module: mi, Resource: addrs.Resource{Mode: addrs.ManagedMode, Type: r.Type, Name: r.Name}}
		dec := &state.ValueDecoder{}
		decoded := make([]cty.Value, len(r.Instances))
		errs := make([]error, len(r.Instances))
		parallelFor(len(r.Instances), func(i int) {
			decoded[i], errs[i] = dec.Decode(r.Instances[i].Attributes, rs.ImpliedType(), r.Instances[i].Sensitive)
		})
		for i, inst := range r.Instances {
			v, err := decoded[i], errs[i]
			if err != nil {
				diags = append(diags, stateError(fmt.Sprintf("%s: %s", r.InstanceAddr(inst.Key), err)))
				continue
			}
			k := addrKey(inst.Key)
			w.prior[abs.Instance(k)] = &priorObject{
				value: rs.MarkSensitive(v), hashes: inst.Sensitive, deps: inst.Dependencies,
				tainted: inst.Tainted, provider: r.Provider,
			}
			w.priorByResource[abs] = append(w.priorByResource[abs], k)
		}
	}
	return diags
}

func stateError(msg string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid state", Detail: "The state cannot be used: " + msg + "."}
}

// providerNameOf extracts the provider name from a stored provider address
// such as `module.a.provider["network"].edge`.
func providerNameOf(addr, typ string) string {
	if i := strings.Index(addr, `provider["`); i >= 0 {
		rest := addr[i+len(`provider["`):]
		if j := strings.Index(rest, `"]`); j >= 0 {
			return rest[:j]
		}
	}
	if i := strings.IndexByte(typ, '_'); i > 0 {
		return typ[:i]
	}
	return typ
}

// addOrphans adds a node for every resource in state whose block is gone
// from the configuration, so that its objects are destroyed before the
// resources they depended on change.
func (w *walker) addOrphans() {
	var resources []addrs.AbsResource
	for abs := range w.priorByResource {
		resources = append(resources, abs)
	}
	sort.Slice(resources, func(i, j int) bool { return resources[i].String() < resources[j].String() })
	for _, abs := range resources {
		cfgKey := nodeKey{nodeResource, abs.Module.Module(), abs.Resource.String()}
		if _, ok := w.dg.nodes[cfgKey]; ok && w.moduleDeclared(abs.Module) {
			continue
		}
		keys := w.priorByResource[abs]
		po := w.prior[abs.Instance(keys[0])]
		key := nodeKey{kind: nodeOrphan, name: abs.String()}
		n := &node{key: key, orphan: abs}
		n.providerKey = w.providerKeyForAddr(po.provider, abs.Resource.Type)
		if _, ok := w.dg.nodes[n.providerKey]; !ok {
			w.dg.add(&node{key: n.providerKey, provider: &providerNode{name: providerNameOf(po.provider, abs.Resource.Type)}})
		}
		w.dg.add(n)
		w.dg.g.Connect(key, n.providerKey)
		for _, dep := range po.deps {
			t, err := addrs.ParseTarget(dep)
			if err != nil || t.Resource == nil {
				continue
			}
			depKey := nodeKey{nodeResource, t.Module.Module(), t.Resource.String()}
			if _, ok := w.dg.nodes[depKey]; ok {
				// The dependency may be replaced or destroyed: this object
				// must go first.
				w.dg.g.Connect(depKey, key)
			}
		}
	}
}

// moduleDeclared reports whether a module instance's module exists in the
// configuration (instances themselves are only known during the walk).
func (w *walker) moduleDeclared(mi addrs.ModuleInstance) bool {
	m := w.opts.Config.Root
	for _, st := range mi.Steps() {
		c, ok := m.Children[st.Name]
		if !ok {
			return false
		}
		m = c
	}
	return true
}

func (w *walker) providerKeyForAddr(addr, typ string) nodeKey {
	name := providerNameOf(addr, typ)
	mod := addrs.RootModule
	alias := ""
	if i := strings.Index(addr, `provider["`); i > 0 {
		if mi, err := addrs.ParseModuleInstance(addr[:i-1]); err == nil {
			mod = mi.Module()
		}
	}
	if j := strings.LastIndex(addr, `"].`); j >= 0 {
		alias = addr[j+3:]
	}
	ref := name
	if alias != "" {
		ref += "." + alias
	}
	key := nodeKey{nodeProvider, mod, ref}
	if _, ok := w.dg.nodes[key]; ok {
		return key
	}
	// The configuration that managed it is gone; fall back to the default
	// configuration of the same provider at the root.
	return nodeKey{nodeProvider, addrs.RootModule, name}
}

// run walks the graph.
func (w *walker) run(ctx context.Context, g *graph.Graph[nodeKey]) error {
	res := g.Walk(ctx, w.opts.Parallelism, func(ctx context.Context, k nodeKey) error {
		d := w.visit(ctx, w.dg.nodes[k])
		w.addDiags(d)
		if d.HasErrors() {
			return errNodeFailed
		}
		return nil
	})
	var ce *graph.CycleError[nodeKey]
	if errors.As(res.Err, &ce) {
		w.addDiags(w.cycleDiags(ce.Cycles))
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

var errNodeFailed = errors.New("node failed")

func (w *walker) visit(ctx context.Context, n *node) hcl.Diagnostics {
	switch n.key.kind {
	case nodeVariable:
		return w.visitVariable(n)
	case nodeLocal:
		return w.forEachInstance(n, func(s *scope) hcl.Diagnostics {
			val, diags := s.evalExpr(n.local.Expr)
			s.vals.set(nodeLocal, s.mi, n.key.name, val)
			return diags
		})
	case nodeOutput:
		return w.visitOutput(n)
	case nodeModuleCall:
		return w.visitModuleCall(n)
	case nodeCheck:
		return w.forEachInstance(n, func(s *scope) hcl.Diagnostics {
			var diags hcl.Diagnostics
			for _, a := range n.check.Asserts {
				diags = append(diags, s.checkRule(a, "Check block assertion failed", hcl.DiagWarning)...)
			}
			return diags
		})
	case nodeProvider:
		return w.visitProvider(ctx, n)
	case nodeResource:
		if n.resource.Mode == addrs.DataMode {
			return w.visitData(ctx, n)
		}
		return w.visitManaged(ctx, n)
	case nodeOrphan:
		return w.visitOrphan(ctx, n)
	}
	return nil
}

// forEachInstance runs fn once per instance of n's module.
func (w *walker) forEachInstance(n *node, fn func(s *scope) hcl.Diagnostics) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, mi := range w.vals.moduleInstances(n.module.Path) {
		diags = append(diags, fn(&scope{vals: w.vals, module: n.module, mi: mi})...)
	}
	return diags
}

func (w *walker) visitVariable(n *node) hcl.Diagnostics {
	v := n.variable
	return w.forEachInstance(n, func(s *scope) hcl.Diagnostics {
		var diags hcl.Diagnostics
		var val cty.Value
		if s.mi.IsRoot() {
			var ok bool
			val, ok = w.opts.Variables[v.Name]
			if !ok {
				val = cty.DynamicVal
			}
		} else {
			parentMI, step := s.mi.Parent()
			parent := n.module.Parent
			call := parent.ModuleCalls[step.Name]
			rep := w.vals.callRepetition(s.mi)
			ps := &scope{vals: w.vals, module: parent, mi: parentMI, rep: &rep}
			if call.Count == nil && call.ForEach == nil {
				ps.rep = nil
			}
			if a, ok := call.Inputs[v.Name]; ok {
				raw, d := ps.evalExpr(a.Expr)
				diags = append(diags, d...)
				if d.HasErrors() {
					return diags
				}
				conv, cd := config.ConvertVariable(v, raw, fmt.Sprintf("module %q", step.Name), a.Expr.Range().Ptr())
				diags = append(diags, cd...)
				val = conv
			} else {
				val = v.Default
				if v.Sensitive {
					val = val.Mark(schema.Sensitive)
				}
			}
		}
		s.vals.set(nodeVariable, s.mi, v.Name, val)
		for _, rule := range v.Validations {
			diags = append(diags, s.checkRule(rule, "Invalid value for variable", hcl.DiagError)...)
		}
		return diags
	})
}

func (w *walker) visitOutput(n *node) hcl.Diagnostics {
	o := n.output
	return w.forEachInstance(n, func(s *scope) hcl.Diagnostics {
		var diags hcl.Diagnostics
		for _, p := range o.Preconditions {
			diags = append(diags, s.checkRule(p, "Output precondition failed", hcl.DiagError)...)
		}
		val, d := s.evalExpr(o.Expr)
		diags = append(diags, d...)
		if d.HasErrors() {
			return diags
		}
		if !o.Sensitive {
			if _, pvms := val.UnmarkDeepWithPaths(); len(pvms) > 0 && s.mi.IsRoot() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Output refers to sensitive values",
					Detail:   fmt.Sprintf("The output %q would show a sensitive value. If that is intended, add sensitive = true to the output block so that it is redacted.", o.Name),
					Subject:  o.Expr.Range().Ptr(),
				})
				return diags
			}
		} else {
			val = val.Mark(schema.Sensitive)
		}
		s.vals.set(nodeOutput, s.mi, o.Name, val)
		if s.mi.IsRoot() {
			w.recordOutput(o, val)
		}
		return diags
	})
}

func (w *walker) recordOutput(o *config.Output, val cty.Value) {
	before := cty.NullVal(cty.DynamicPseudoType)
	if w.opts.State != nil {
		if ov, ok := w.opts.State.Outputs[o.Name]; ok {
			if v, err := ov.Decode(); err == nil {
				before = v
			}
			if ov.Sensitive && val.IsWhollyKnown() {
				raw, _ := val.UnmarkDeep()
				if h, err := state.HashValue(w.opts.HashKey, raw); err == nil && h == ov.Hash {
					before = val
				}
			}
		}
	}
	action := plan.Update
	switch {
	case w.pmode == plan.DestroyMode:
		action = plan.Delete
		val = cty.NullVal(cty.DynamicPseudoType)
	case before.IsNull() && !val.IsNull():
		action = plan.Create
	case unmarkedEqual(before, val):
		action = plan.NoOp
	}
	w.mu.Lock()
	w.outputs = append(w.outputs, &plan.OutputChange{Name: o.Name, Action: action, Before: before, After: val, Sensitive: o.Sensitive})
	w.mu.Unlock()
}

func (w *walker) visitModuleCall(n *node) hcl.Diagnostics {
	c := n.call
	child := n.module.Children[c.Name]
	return w.forEachInstance(n, func(s *scope) hcl.Diagnostics {
		exp, diags := expand(s, c.Count, c.ForEach)
		if diags.HasErrors() {
			return diags
		}
		w.vals.setExpansion(s.mi, child.Path, c.Name, exp)
		return diags
	})
}

func (w *walker) visitProvider(ctx context.Context, n *node) hcl.Diagnostics {
	pn := n.provider
	ps, err := w.ps.providerSchema(pn.name)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown provider", Detail: err.Error(), Subject: n.rng.Ptr()}}
	}
	var cfgVal cty.Value
	var diags hcl.Diagnostics
	if pn.cfg == nil {
		cfgVal, diags = ps.Config.Decode(hcl.EmptyBody(), nil)
		if diags.HasErrors() {
			diags = append(hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Missing provider configuration",
				Detail:   fmt.Sprintf("The provider %q needs a configuration block: add provider %q { ... }.", pn.name, pn.name),
				Subject:  n.rng.Ptr(),
			}}, diags...)
			return diags
		}
	} else {
		mis := w.vals.moduleInstances(pn.module)
		if len(mis) == 0 {
			return nil
		}
		s := &scope{vals: w.vals, module: n.module, mi: mis[0]}
		spec := ps.Config.DecoderSpec()
		refs, d := parseRefs(dynblock.VariablesHCLDec(pn.cfg.Config, spec))
		diags = append(diags, d...)
		ectx, d := s.evalContext(refs)
		diags = append(diags, d...)
		if diags.HasErrors() {
			return diags
		}
		cfgVal, d = ps.Config.Decode(pn.cfg.Config, ectx)
		diags = append(diags, d...)
		if diags.HasErrors() {
			return diags
		}
		if !cfgVal.IsWhollyKnown() {
			return append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Provider configuration depends on unknown values",
				Detail:   fmt.Sprintf("The configuration of provider %q uses values that are known only after apply. Provider settings must be known when planning: use variables or locals.", pn.name),
				Subject:  n.rng.Ptr(),
			})
		}
	}
	p, err := w.ps.start(n.key, pn.name)
	if err != nil {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot start provider", Detail: err.Error(), Subject: n.rng.Ptr()})
	}
	raw, _ := cfgVal.UnmarkDeep()
	pd := p.Configure(ctx, providers.ConfigureRequest{Config: raw, Alias: pn.alias, StewardVersion: w.opts.Version})
	diags = append(diags, w.providerDiags(pd, n.rng, fmt.Sprintf("provider %q", pn.addr()))...)
	if diags.HasErrors() || w.mode != walkPlan {
		return diags
	}
	diags = append(diags, w.refreshProvider(ctx, n, p)...)
	return append(diags, w.runImports(ctx, n.key, p)...)
}

// providerDiags turns provider diagnostics into HCL diagnostics about rng;
// warnings are also kept for the plan's reviewers.
func (w *walker) providerDiags(pd providers.Diagnostics, rng hcl.Range, what string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, d := range pd {
		sev := hcl.DiagError
		if d.Severity == providers.Warning {
			sev = hcl.DiagWarning
		}
		detail := d.Detail
		if len(d.Attribute) > 0 {
			detail = fmt.Sprintf("%s (in %s)", detail, schema.FormatPath(d.Attribute))
		}
		if what != "" {
			detail = fmt.Sprintf("%s: %s", what, detail)
		}
		diags = append(diags, &hcl.Diagnostic{Severity: sev, Summary: d.Summary, Detail: detail, Subject: rng.Ptr()})
		if sev == hcl.DiagWarning {
			w.mu.Lock()
			w.warnings = append(w.warnings, plan.Warning{Summary: d.Summary, Detail: detail, Subject: rng.Ptr()})
			w.mu.Unlock()
		}
	}
	return diags
}

// objectDiags is providerDiags for one object's diagnostics: one that
// names an attribute points at where the configuration sets it (a
// validator run by a plugin reports this way), others at the block.
func (w *walker) objectDiags(n *node, pd providers.Diagnostics, what string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, d := range pd {
		rng := n.rng
		if len(d.Attribute) > 0 && n.resource != nil && n.resource.Config != nil && n.resourceSchema != nil {
			body := n.resource.Config
			if r := schema.SourceRange(body, &n.resourceSchema.Block, d.Attribute); r != body.MissingItemRange() {
				rng = r
			}
		}
		diags = append(diags, w.providerDiags(providers.Diagnostics{d}, rng, what)...)
	}
	return diags
}

// refreshProvider discovers, in one batch, every object in state that this
// provider configuration manages.
func (w *walker) refreshProvider(ctx context.Context, n *node, p providers.Provider) hcl.Diagnostics {
	if !w.refresh {
		return nil
	}
	addr := n.provider.addr()
	var items []providers.DiscoverItem
	var addrsList []addrs.AbsResourceInstance
	for a, po := range w.prior {
		if w.providerKeyForAddr(po.provider, a.Resource.Type) != n.key {
			continue
		}
		raw := po.value
		if raw.ContainsMarked() {
			raw, _ = raw.UnmarkDeep()
		}
		items = append(items, providers.DiscoverItem{Type: a.Resource.Type, Prior: raw})
		addrsList = append(addrsList, a)
	}
	if len(items) == 0 {
		return nil
	}
	w.hooks.PreRefresh(addr, len(items))
	resp := p.Discover(ctx, providers.DiscoverRequest{Items: items})
	diags := w.providerDiags(resp.Diagnostics, n.rng, "discovering objects of "+addr)
	if diags.HasErrors() {
		return diags
	}
	if len(resp.Results) != len(items) {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider error", Detail: fmt.Sprintf("%s answered %d of %d discovery items.", addr, len(resp.Results), len(items))})
	}
	for i, r := range resp.Results {
		a := addrsList[i]
		po := w.prior[a]
		if r.Diagnostics.HasErrors() {
			diags = append(diags, w.providerDiags(r.Diagnostics, n.rng, a.String())...)
			continue
		}
		if r.Current != cty.NilVal && rawEqual(r.Current, items[i].Prior) {
			continue // unchanged: keep the prior value and its marks
		}
		rs, _ := w.ps.resourceSchema(providerNameOf(po.provider, a.Resource.Type), a.Resource.Type, false)
		cur := r.Current
		if cur == cty.NilVal {
			cur = cty.NullVal(rs.ImpliedType())
		}
		cur = remark(rs, cur, po.value)
		if !unmarkedEqual(cur, po.value) {
			w.mu.Lock()
			w.drift = append(w.drift, &plan.ResourceChange{
				Addr: a, Provider: po.provider, Action: driftAction(cur), Before: po.value, After: cur, Schema: rs,
			})
			w.mu.Unlock()
		}
		po.value = cur
	}
	return diags
}

func driftAction(cur cty.Value) plan.Action {
	if cur.IsNull() {
		return plan.Delete
	}
	return plan.Update
}
