package eval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/graph"
	"github.com/stewardhq/steward/schema"
)

// nodeKind is the kind of block a graph node stands for.
type nodeKind byte

const (
	nodeVariable nodeKind = iota + 1
	nodeLocal
	nodeOutput
	nodeResource
	nodeModuleCall
	nodeProvider
	nodeOrphan
	nodeCheck
)

// nodeKey identifies a graph node: a block of the configuration, shared by
// every instance of its module, or a resource that only the state knows.
type nodeKey struct {
	kind   nodeKind
	module addrs.Module
	name   string
}

func (k nodeKey) String() string {
	prefix := ""
	if !k.module.IsRoot() {
		prefix = k.module.String() + "."
	}
	switch k.kind {
	case nodeVariable:
		return prefix + "var." + k.name
	case nodeLocal:
		return prefix + "local." + k.name
	case nodeOutput:
		return prefix + "output." + k.name
	case nodeModuleCall:
		return prefix + "module." + k.name
	case nodeProvider:
		return prefix + "provider[\"" + strings.Replace(k.name, ".", "\"].", 1) + func() string {
			if strings.Contains(k.name, ".") {
				return ""
			}
			return "\"]"
		}()
	case nodeOrphan:
		return k.name + " (removed from configuration)"
	case nodeCheck:
		return prefix + "check." + k.name
	}
	return prefix + k.name
}

// node is what the walk needs to know about one graph node.
type node struct {
	key    nodeKey
	module *config.Module
	rng    hcl.Range

	variable *config.Variable
	local    *config.Local
	output   *config.Output
	resource *config.Resource
	call     *config.ModuleCall
	provider *providerNode
	check    *config.Check
	orphan   addrs.AbsResource

	// providerKey is the provider node managing a resource or orphan.
	providerKey nodeKey
	// resourceSchema is the schema of a resource's type.
	resourceSchema *schema.Resource
	// resourceDeps are the resource nodes this resource depends on,
	// directly or through locals, variables and outputs: what the state
	// records as its dependencies.
	resourceDeps []nodeKey
}

// providerNode is a provider configuration, declared or implied.
type providerNode struct {
	name, alias string
	cfg         *config.ProviderConfig // nil when implied (no block written)
	module      addrs.Module
}

// addr renders the provider configuration address stored in state.
func (p *providerNode) addr() string {
	s := fmt.Sprintf("provider[%q]", p.name)
	if p.alias != "" {
		s += "." + p.alias
	}
	if !p.module.IsRoot() {
		s = p.module.String() + "." + s
	}
	return s
}

// dependencyGraph is the configuration's graph plus the nodes' details.
type dependencyGraph struct {
	g     *graph.Graph[nodeKey]
	nodes map[nodeKey]*node
}

func (d *dependencyGraph) add(n *node) {
	d.nodes[n.key] = n
	d.g.Add(n.key)
}

// schemaSource gives the schema of a provider by name.
type schemaSource interface {
	providerSchema(name string) (*schema.Provider, error)
}

// buildGraph turns the configuration into the dependency graph of its
// blocks. Every reference is resolved, so undeclared names, unknown
// resource types and cycles are reported here, before anything is evaluated.
func buildGraph(cfg *config.Config, schemas schemaSource) (*dependencyGraph, hcl.Diagnostics) {
	d := &dependencyGraph{g: graph.New[nodeKey](), nodes: map[nodeKey]*node{}}
	var diags hcl.Diagnostics
	mods := cfg.Root.AllModules()

	// Nodes first, so that references can be resolved in any order.
	for _, m := range mods {
		for _, name := range keysOf(m.Variables) {
			v := m.Variables[name]
			d.add(&node{key: nodeKey{nodeVariable, m.Path, name}, module: m, variable: v, rng: v.DeclRange})
		}
		for _, name := range keysOf(m.Locals) {
			l := m.Locals[name]
			d.add(&node{key: nodeKey{nodeLocal, m.Path, name}, module: m, local: l, rng: l.DeclRange})
		}
		for _, name := range keysOf(m.Outputs) {
			o := m.Outputs[name]
			d.add(&node{key: nodeKey{nodeOutput, m.Path, name}, module: m, output: o, rng: o.DeclRange})
		}
		for _, name := range keysOf(m.ModuleCalls) {
			c := m.ModuleCalls[name]
			d.add(&node{key: nodeKey{nodeModuleCall, m.Path, name}, module: m, call: c, rng: c.DeclRange})
		}
		for _, c := range m.Checks {
			d.add(&node{key: nodeKey{nodeCheck, m.Path, c.Name}, module: m, check: c, rng: c.DeclRange})
		}
		for _, ref := range keysOf(m.ProviderConfigs) {
			p := m.ProviderConfigs[ref]
			d.add(&node{key: nodeKey{nodeProvider, m.Path, ref}, module: m, rng: p.DeclRange,
				provider: &providerNode{name: p.Name, alias: p.Alias, cfg: p, module: m.Path}})
		}
		for _, rs := range []map[string]*config.Resource{m.ManagedResources, m.DataResources} {
			for _, rk := range keysOf(rs) {
				r := rs[rk]
				n := &node{key: nodeKey{nodeResource, m.Path, r.Addr().String()}, module: m, resource: r, rng: r.DeclRange}
				pk, pdiags := d.resolveProvider(m, r.Provider, r.ProviderExplicit, r.DeclRange)
				diags = append(diags, pdiags...)
				n.providerKey = pk
				ps, err := schemas.providerSchema(r.Provider.Name)
				if err != nil {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Unknown provider",
						Detail:   fmt.Sprintf("The resource type %q belongs to a provider named %q, which is not available: %s.", r.Type, r.Provider.Name, err),
						Subject:  r.TypeRange.Ptr(),
					})
				} else {
					set := ps.Resources
					kind := "resource type"
					if r.Mode == addrs.DataMode {
						set, kind = ps.DataSources, "data source"
					}
					if rs, ok := set[r.Type]; ok {
						n.resourceSchema = rs
					} else {
						names := make([]string, 0, len(set))
						for k := range set {
							names = append(names, k)
						}
						sort.Strings(names)
						hint := ""
						if s := config.Suggest(r.Type, names); s != "" {
							hint = fmt.Sprintf(" Did you mean %q?", s)
						}
						diags = append(diags, &hcl.Diagnostic{
							Severity: hcl.DiagError,
							Summary:  "Unknown " + kind,
							Detail:   fmt.Sprintf("The provider %q has no %s named %q.%s", r.Provider.Name, kind, r.Type, hint),
							Subject:  r.TypeRange.Ptr(),
						})
					}
				}
				d.add(n)
			}
		}
	}
	if diags.HasErrors() {
		return d, diags
	}

	// Then edges.
	for _, key := range d.g.Nodes() {
		n := d.nodes[key]
		m := n.module
		if m == nil {
			continue
		}
		// Every block of a called module needs the call expanded first.
		if !m.Path.IsRoot() && key.kind != nodeProvider {
			parentPath, callName := splitModule(m.Path)
			d.g.Connect(key, nodeKey{nodeModuleCall, parentPath, callName})
		}
		var trs []hcl.Traversal
		var deps []hcl.Traversal
		switch key.kind {
		case nodeVariable:
			if !m.Path.IsRoot() {
				parent := m.Parent
				_, callName := splitModule(m.Path)
				call := parent.ModuleCalls[callName]
				if a, ok := call.Inputs[key.name]; ok {
					diags = append(diags, d.connectRefs(key, parent, a.Expr.Variables(), false)...)
				}
			}
			for _, v := range n.variable.Validations {
				diags = append(diags, checkSelfOnly(key.name, v)...)
			}
			continue
		case nodeLocal:
			trs = n.local.Expr.Variables()
		case nodeOutput:
			trs = n.output.Expr.Variables()
			for _, p := range n.output.Preconditions {
				trs = append(trs, p.Condition.Variables()...)
				trs = append(trs, p.ErrorMessage.Variables()...)
			}
			deps = n.output.DependsOn
		case nodeModuleCall:
			if n.call.Count != nil {
				trs = append(trs, n.call.Count.Variables()...)
			}
			if n.call.ForEach != nil {
				trs = append(trs, n.call.ForEach.Variables()...)
			}
			deps = n.call.DependsOn
			// Inputs are evaluated by the child's variable nodes; an input
			// that names no variable is an error worth catching here.
			child := m.Children[key.name]
			if child != nil {
				for _, name := range keysOf(n.call.Inputs) {
					a := n.call.Inputs[name]
					if _, ok := child.Variables[name]; !ok {
						diags = append(diags, &hcl.Diagnostic{
							Severity: hcl.DiagError,
							Summary:  "Unsupported argument",
							Detail:   fmt.Sprintf("The module %q has no variable named %q.%s", key.name, name, hintFor(name, keysOf(child.Variables))),
							Subject:  a.NameRange.Ptr(),
						})
					}
				}
				for _, name := range keysOf(child.Variables) {
					v := child.Variables[name]
					if _, ok := n.call.Inputs[name]; !ok && v.Required() {
						diags = append(diags, &hcl.Diagnostic{
							Severity: hcl.DiagError,
							Summary:  "Missing required argument",
							Detail:   fmt.Sprintf("The module %q needs a value for its variable %q, which has no default.", key.name, name),
							Subject:  n.call.DeclRange.Ptr(),
						})
					}
				}
			}
		case nodeCheck:
			for _, a := range n.check.Asserts {
				trs = append(trs, a.Condition.Variables()...)
				trs = append(trs, a.ErrorMessage.Variables()...)
			}
		case nodeProvider:
			ps, err := schemas.providerSchema(n.provider.name)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown provider",
					Detail:   fmt.Sprintf("No provider named %q is available: %s.", n.provider.name, err),
					Subject:  n.rng.Ptr(),
				})
				continue
			}
			if n.provider.cfg != nil {
				diags = append(diags, structuralCheck(n.provider.cfg.Config, ps.Config.DecoderSpec())...)
				trs = dynblock.VariablesHCLDec(n.provider.cfg.Config, ps.Config.DecoderSpec())
			}
		case nodeResource:
			r := n.resource
			d.g.Connect(key, n.providerKey)
			if n.resourceSchema != nil {
				spec := n.resourceSchema.DecoderSpec()
				// Structural problems (unknown arguments and blocks, missing
				// required ones) are reported now, before any evaluation.
				diags = append(diags, structuralCheck(r.Config, spec)...)
				trs = dynblock.VariablesHCLDec(r.Config, spec)
			}
			if r.Count != nil {
				trs = append(trs, r.Count.Variables()...)
			}
			if r.ForEach != nil {
				trs = append(trs, r.ForEach.Variables()...)
			}
			for _, c := range append(append([]*config.CheckRule{}, r.Lifecycle.Preconditions...), r.Lifecycle.Postconditions...) {
				trs = append(trs, c.Condition.Variables()...)
				trs = append(trs, c.ErrorMessage.Variables()...)
			}
			deps = r.DependsOn
		}
		diags = append(diags, d.connectRefs(key, m, trs, key.kind == nodeResource)...)
		for _, t := range deps {
			diags = append(diags, d.connectRefs(key, m, []hcl.Traversal{t}, false)...)
		}
	}
	return d, diags
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hintFor(name string, candidates []string) string {
	if s := config.Suggest(name, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// splitModule returns the parent path and the call name of a module path.
func splitModule(m addrs.Module) (addrs.Module, string) {
	s := string(m)
	i := strings.LastIndex(s, "module.")
	name := s[i+len("module."):]
	parent := ""
	if i > 0 {
		parent = s[:i-1]
	}
	return addrs.Module(parent), name
}

// checkSelfOnly enforces that a variable's validation refers only to the
// variable itself: it runs before anything else is known.
func checkSelfOnly(name string, rule *config.CheckRule) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range append(rule.Condition.Variables(), rule.ErrorMessage.Variables()...) {
		r, _ := parseRef(t)
		if r == nil || r.kind != refVar || r.name != name {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference in variable validation",
				Detail:   fmt.Sprintf("The validation of variable %q can refer only to var.%s.", name, name),
				Subject:  t.SourceRange().Ptr(),
			})
		}
	}
	return diags
}

// connectRefs resolves references made from key's block in module m and
// adds the edges.
func (d *dependencyGraph) connectRefs(key nodeKey, m *config.Module, trs []hcl.Traversal, allowSelf bool) hcl.Diagnostics {
	refs, diags := parseRefs(trs)
	for _, r := range refs {
		switch r.kind {
		case refVar:
			if _, ok := m.Variables[r.name]; !ok {
				diags = append(diags, undeclared("input variable", "var."+r.name, r, keysOf(m.Variables)))
				continue
			}
			d.g.Connect(key, nodeKey{nodeVariable, m.Path, r.name})
		case refLocal:
			if _, ok := m.Locals[r.name]; !ok {
				diags = append(diags, undeclared("local value", "local."+r.name, r, keysOf(m.Locals)))
				continue
			}
			d.g.Connect(key, nodeKey{nodeLocal, m.Path, r.name})
		case refResource:
			target := nodeKey{nodeResource, m.Path, r.resource.String()}
			if _, ok := d.nodes[target]; !ok {
				var names []string
				for k := range m.ManagedResources {
					names = append(names, k)
				}
				for k := range m.DataResources {
					names = append(names, "data."+k)
				}
				sort.Strings(names)
				diags = append(diags, undeclared("resource", r.resource.String(), r, names))
				continue
			}
			if target == key {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Self-referential block",
					Detail:   fmt.Sprintf("The configuration of %s refers to itself. Use self in postconditions; elsewhere a resource cannot depend on its own result.", r.resource),
					Subject:  r.rng.Ptr(),
				})
				continue
			}
			d.g.Connect(key, target)
		case refModule:
			child, ok := m.Children[r.name]
			if !ok {
				diags = append(diags, undeclared("module call", "module."+r.name, r, keysOf(m.ModuleCalls)))
				continue
			}
			d.g.Connect(key, nodeKey{nodeModuleCall, m.Path, r.name})
			if len(r.trav) > 2 {
				if a, ok := r.trav[2].(hcl.TraverseAttr); ok {
					if _, ok := child.Outputs[a.Name]; !ok {
						diags = append(diags, &hcl.Diagnostic{
							Severity: hcl.DiagError,
							Summary:  "Unsupported attribute",
							Detail:   fmt.Sprintf("The module %q has no output named %q.%s", r.name, a.Name, hintFor(a.Name, keysOf(child.Outputs))),
							Subject:  r.rng.Ptr(),
						})
						continue
					}
					d.g.Connect(key, nodeKey{nodeOutput, child.Path, a.Name})
					continue
				}
			}
			for _, name := range keysOf(child.Outputs) {
				d.g.Connect(key, nodeKey{nodeOutput, child.Path, name})
			}
		case refSelf:
			if !allowSelf {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid reference",
					Detail:   "self is only available in a resource's postconditions.",
					Subject:  r.rng.Ptr(),
				})
			}
		}
	}
	return diags
}

func undeclared(kind, name string, r *reference, candidates []string) *hcl.Diagnostic {
	hint := ""
	short := name[strings.Index(name, ".")+1:]
	if s := config.Suggest(short, candidates); s != "" {
		hint = fmt.Sprintf(" Did you mean %q?", s)
	} else if s := config.Suggest(name, candidates); s != "" {
		hint = fmt.Sprintf(" Did you mean %q?", s)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared " + kind,
		Detail:   fmt.Sprintf("%s is not declared in this module.%s Declare it, or correct the reference.", name, hint),
		Subject:  r.rng.Ptr(),
	}
}

// resolveProvider finds the provider configuration a resource in m uses:
// declared in m, passed by the module call, inherited from the parent, or
// implied at the root when none is written.
func (d *dependencyGraph) resolveProvider(m *config.Module, ref config.ProviderRef, explicit bool, rng hcl.Range) (nodeKey, hcl.Diagnostics) {
	cur := m
	want := ref
	for cur != nil {
		if _, ok := cur.ProviderConfigs[want.String()]; ok {
			return nodeKey{nodeProvider, cur.Path, want.String()}, nil
		}
		if cur.Parent == nil {
			break
		}
		_, callName := splitModule(cur.Path)
		call := cur.Parent.ModuleCalls[callName]
		if passed, ok := call.Providers[want.String()]; ok {
			want = passed
		}
		cur = cur.Parent
	}
	if want.Alias != "" {
		return nodeKey{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Provider configuration not present",
			Detail:   fmt.Sprintf("The provider configuration %s is not declared. Add provider %q { alias = %q ... }.", want, want.Name, want.Alias),
			Subject:  rng.Ptr(),
		}}
	}
	key := nodeKey{nodeProvider, addrs.RootModule, want.String()}
	if _, ok := d.nodes[key]; !ok {
		d.add(&node{key: key, module: nil, rng: rng, provider: &providerNode{name: want.Name, module: addrs.RootModule}})
	}
	return key, nil
}

// computeResourceDeps records, for every resource node, the resource nodes
// it depends on directly or through non-resource nodes.
func (d *dependencyGraph) computeResourceDeps() {
	for key, n := range d.nodes {
		if key.kind != nodeResource {
			continue
		}
		seen := map[nodeKey]bool{}
		stack := d.g.DependenciesOf(key)
		for len(stack) > 0 {
			k := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[k] {
				continue
			}
			seen[k] = true
			switch k.kind {
			case nodeResource:
				n.resourceDeps = append(n.resourceDeps, k)
			case nodeProvider:
			default:
				stack = append(stack, d.g.DependenciesOf(k)...)
			}
		}
		sort.Slice(n.resourceDeps, func(i, j int) bool { return n.resourceDeps[i].String() < n.resourceDeps[j].String() })
	}
}

// structuralCheck reports unknown arguments and blocks and missing required
// ones in body before anything is evaluated. The contents of dynamic blocks
// are checked when they are expanded, since their for_each decides them.
func structuralCheck(body hcl.Body, spec hcldec.Spec) hcl.Diagnostics {
	s := hcldec.ImpliedSchema(spec)
	s.Blocks = append(s.Blocks[:len(s.Blocks):len(s.Blocks)], hcl.BlockHeaderSchema{Type: "dynamic", LabelNames: []string{"type"}})
	_, diags := body.Content(s)
	return diags
}
