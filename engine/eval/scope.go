package eval

import (
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/lang/funcs"
)

// expansionMode says how a block with count or for_each is repeated.
type expansionMode byte

const (
	expandNone expansionMode = iota
	expandCount
	expandForEach
)

// repetition is what count.index and each.* mean for one instance.
type repetition struct {
	key       addrs.InstanceKey
	eachValue cty.Value
}

// expansion is the set of instances a count or for_each produced.
type expansion struct {
	mode expansionMode
	keys []addrs.InstanceKey
	reps map[addrs.InstanceKey]repetition
	// unknown is set when count or for_each could not be decided.
	unknown bool
}

// values holds everything evaluated so far in one walk. Nodes write their
// results once; the walk's dependency order guarantees that readers only
// look at finished entries, and the lock makes that safe across goroutines.
type values struct {
	mu        sync.RWMutex
	instances map[addrs.Module][]addrs.ModuleInstance
	callReps  map[addrs.ModuleInstance]repetition
	calls     map[addrs.ModuleInstance]map[string]*expansion
	vars      map[addrs.ModuleInstance]map[string]cty.Value
	locals    map[addrs.ModuleInstance]map[string]cty.Value
	outputs   map[addrs.ModuleInstance]map[string]cty.Value
	resources map[addrs.AbsResource]cty.Value
	funcs     map[string]map[string]function.Function
	rootDir   string
	cwd       string
}

// newValues starts the values of a run whose root module is in rootDir,
// the working directory (-chdir). Relative paths in the configuration are
// relative to it, as Terraform's are to its working directory: file()
// and the other filesystem functions resolve against it from every
// module, and path.module is a module's directory relative to it, so that
// file("${path.module}/x") works from any module and with -chdir.
func newValues(rootDir string) *values {
	cwd, err := filepath.Abs(rootDir)
	if err != nil {
		cwd = rootDir
	}
	return &values{
		instances: map[addrs.Module][]addrs.ModuleInstance{addrs.RootModule: {addrs.RootModuleInstance}},
		callReps:  map[addrs.ModuleInstance]repetition{},
		calls:     map[addrs.ModuleInstance]map[string]*expansion{},
		vars:      map[addrs.ModuleInstance]map[string]cty.Value{},
		locals:    map[addrs.ModuleInstance]map[string]cty.Value{},
		outputs:   map[addrs.ModuleInstance]map[string]cty.Value{},
		resources: map[addrs.AbsResource]cty.Value{},
		funcs:     map[string]map[string]function.Function{},
		rootDir:   rootDir,
		cwd:       cwd,
	}
}

func (v *values) moduleInstances(m addrs.Module) []addrs.ModuleInstance {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.instances[m]
}

func setNamed(m map[addrs.ModuleInstance]map[string]cty.Value, mi addrs.ModuleInstance, name string, val cty.Value) {
	inner := m[mi]
	if inner == nil {
		inner = map[string]cty.Value{}
		m[mi] = inner
	}
	inner[name] = val
}

func (v *values) set(kind nodeKind, mi addrs.ModuleInstance, name string, val cty.Value) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch kind {
	case nodeVariable:
		setNamed(v.vars, mi, name, val)
	case nodeLocal:
		setNamed(v.locals, mi, name, val)
	case nodeOutput:
		setNamed(v.outputs, mi, name, val)
	}
}

func (v *values) setResource(r addrs.AbsResource, val cty.Value) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.resources[r] = val
}

func (v *values) resource(r addrs.AbsResource) (cty.Value, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	val, ok := v.resources[r]
	return val, ok
}

// setExpansion records the instances of a module call made from mi.
func (v *values) setExpansion(parent addrs.ModuleInstance, child addrs.Module, callName string, exp *expansion) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.calls[parent] == nil {
		v.calls[parent] = map[string]*expansion{}
	}
	v.calls[parent][callName] = exp
	for _, k := range exp.keys {
		ci := parent.Child(callName, k)
		v.instances[child] = append(v.instances[child], ci)
		v.callReps[ci] = exp.reps[k]
	}
	sort.Slice(v.instances[child], func(i, j int) bool { return v.instances[child][i] < v.instances[child][j] })
}

func (v *values) callRepetition(mi addrs.ModuleInstance) repetition {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.callReps[mi]
}

func (v *values) functions(dir string) map[string]function.Function {
	v.mu.Lock()
	defer v.mu.Unlock()
	f, ok := v.funcs[dir]
	if !ok {
		f = funcs.Functions(dir)
		// These two know the engine's sensitive mark, which the function
		// library does not.
		f["sensitive"] = sensitiveFunc
		f["nonsensitive"] = nonsensitiveFunc
		v.funcs[dir] = f
	}
	return f
}

// moduleValue is the value of `module.NAME` seen from mi.
func (v *values) moduleValue(mi addrs.ModuleInstance, name string, child *config.Module) cty.Value {
	v.mu.RLock()
	defer v.mu.RUnlock()
	exp := v.calls[mi][name]
	if exp == nil || exp.unknown {
		return cty.DynamicVal
	}
	one := func(k addrs.InstanceKey) cty.Value {
		outs := v.outputs[mi.Child(name, k)]
		attrs := make(map[string]cty.Value, len(child.Outputs))
		for oname := range child.Outputs {
			if val, ok := outs[oname]; ok {
				attrs[oname] = val
			} else {
				attrs[oname] = cty.DynamicVal
			}
		}
		return cty.ObjectVal(attrs)
	}
	switch exp.mode {
	case expandCount:
		elems := make([]cty.Value, len(exp.keys))
		for i, k := range exp.keys {
			elems[i] = one(k)
		}
		return cty.TupleVal(elems)
	case expandForEach:
		elems := make(map[string]cty.Value, len(exp.keys))
		for _, k := range exp.keys {
			elems[k.Str()] = one(k)
		}
		return cty.ObjectVal(elems)
	}
	return one(addrs.NoKey)
}

// scope evaluates expressions of one module instance.
type scope struct {
	vals   *values
	module *config.Module
	mi     addrs.ModuleInstance
	rep    *repetition
	self   cty.Value
}

// evalContext builds an EvalContext holding just what refs mention, so
// that its cost depends on the expression, not on the size of the
// configuration.
func (s *scope) evalContext(refs []*reference) (*hcl.EvalContext, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	vars := map[string]cty.Value{}
	varAttrs := map[string]cty.Value{}
	localAttrs := map[string]cty.Value{}
	modAttrs := map[string]cty.Value{}
	resTypes := map[string]map[string]cty.Value{}
	dataTypes := map[string]map[string]cty.Value{}

	s.vals.mu.RLock()
	for _, r := range refs {
		switch r.kind {
		case refVar:
			if val, ok := s.vals.vars[s.mi][r.name]; ok {
				varAttrs[r.name] = val
			} else {
				varAttrs[r.name] = cty.DynamicVal
			}
		case refLocal:
			if val, ok := s.vals.locals[s.mi][r.name]; ok {
				localAttrs[r.name] = val
			} else {
				localAttrs[r.name] = cty.DynamicVal
			}
		case refResource:
			abs := addrs.AbsResource{Module: s.mi, Resource: r.resource}
			val, ok := s.vals.resources[abs]
			if !ok {
				val = cty.DynamicVal
			}
			target := resTypes
			if r.resource.Mode == addrs.DataMode {
				target = dataTypes
			}
			if target[r.resource.Type] == nil {
				target[r.resource.Type] = map[string]cty.Value{}
			}
			target[r.resource.Type][r.resource.Name] = val
		case refCount:
			if s.rep == nil || !s.rep.key.IsInt() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to count in a block without count",
					Detail:   "count.index is only available in blocks that set count.",
					Subject:  r.rng.Ptr(),
				})
				continue
			}
			vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": s.rep.key.Value()})
		case refEach:
			if s.rep == nil || !s.rep.key.IsString() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to each in a block without for_each",
					Detail:   "each.key and each.value are only available in blocks that set for_each.",
					Subject:  r.rng.Ptr(),
				})
				continue
			}
			vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": s.rep.key.Value(), "value": s.rep.eachValue})
		case refPath:
			vars["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(relPath(s.vals.rootDir, s.module.Dir)),
				"root":   cty.StringVal("."),
				"cwd":    cty.StringVal(s.vals.cwd),
			})
		case refSelf:
			if s.self == cty.NilVal {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid reference",
					Detail:   "self is only available in a resource's postconditions.",
					Subject:  r.rng.Ptr(),
				})
				continue
			}
			vars["self"] = s.self
		}
	}
	s.vals.mu.RUnlock()
	for _, r := range refs {
		if r.kind == refModule {
			if _, done := modAttrs[r.name]; !done {
				child := s.module.Children[r.name]
				if child != nil {
					modAttrs[r.name] = s.vals.moduleValue(s.mi, r.name, child)
				}
			}
		}
	}
	if len(varAttrs) > 0 {
		vars["var"] = cty.ObjectVal(varAttrs)
	}
	if len(localAttrs) > 0 {
		vars["local"] = cty.ObjectVal(localAttrs)
	}
	if len(modAttrs) > 0 {
		vars["module"] = cty.ObjectVal(modAttrs)
	}
	for t, names := range resTypes {
		vars[t] = cty.ObjectVal(names)
	}
	if len(dataTypes) > 0 {
		dv := map[string]cty.Value{}
		for t, names := range dataTypes {
			dv[t] = cty.ObjectVal(names)
		}
		vars["data"] = cty.ObjectVal(dv)
	}
	return &hcl.EvalContext{Variables: vars, Functions: s.vals.functions(s.vals.rootDir)}, diags
}

// evalExpr evaluates one expression in the scope.
func (s *scope) evalExpr(expr hcl.Expression) (cty.Value, hcl.Diagnostics) {
	refs, diags := parseRefs(expr.Variables())
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	ctx, cdiags := s.evalContext(refs)
	diags = append(diags, cdiags...)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	val, vdiags := expr.Value(ctx)
	return val, append(diags, vdiags...)
}

func relPath(base, target string) string {
	if rel, err := filepath.Rel(base, target); err == nil {
		return rel
	}
	return target
}

// checkRule evaluates a condition; a false one becomes a diagnostic of the
// given severity carrying the rule's error message.
func (s *scope) checkRule(rule *config.CheckRule, summary string, sev hcl.DiagnosticSeverity) hcl.Diagnostics {
	val, diags := s.evalExpr(rule.Condition)
	if diags.HasErrors() {
		return diags
	}
	if !val.IsKnown() {
		return nil // decided at apply, when the values are known
	}
	val, _ = val.UnmarkDeep()
	if val.IsNull() || val.Type() != cty.Bool {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid condition result",
			Detail:   "A condition must be true or false.",
			Subject:  rule.Condition.Range().Ptr(),
		})
	}
	if val.True() {
		return diags
	}
	msg, mdiags := s.evalExpr(rule.ErrorMessage)
	text := "(the error message could not be evaluated)"
	if !mdiags.HasErrors() && msg.IsKnown() && !msg.IsNull() {
		if m, _ := msg.Unmark(); m.Type() == cty.String {
			text = m.AsString()
			if msg.IsMarked() {
				text = "(the error message refers to sensitive values)"
			}
		}
	}
	return append(diags, &hcl.Diagnostic{
		Severity: sev,
		Summary:  summary,
		Detail:   fmt.Sprintf("%s\n\nThis was checked by the condition at %s.", text, rule.Condition.Range()),
		Subject:  rule.Condition.Range().Ptr(),
	})
}
