// Package addrs holds the typed addresses the engine uses to name modules,
// resources and their instances, and parses them from the strings users type
// on the command line (`-target`, `state mv`, `import`).
//
// Addresses are small comparable values so that they can key maps and graph
// nodes; String gives the canonical form that appears in plans and state.
package addrs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ResourceMode tells a managed resource from a data source.
type ResourceMode byte

const (
	// ManagedMode is a `resource` block: steward creates, updates and deletes it.
	ManagedMode ResourceMode = 'M'
	// DataMode is a `data` block: steward only reads it.
	DataMode ResourceMode = 'D'
)

// String returns the mode as written in the state file.
func (m ResourceMode) String() string {
	if m == DataMode {
		return "data"
	}
	return "managed"
}

// ParseMode reverses String.
func ParseMode(s string) (ResourceMode, error) {
	switch s {
	case "managed":
		return ManagedMode, nil
	case "data":
		return DataMode, nil
	}
	return 0, fmt.Errorf("unknown resource mode %q", s)
}

// keyKind distinguishes the three kinds of instance key.
type keyKind byte

const (
	noKeyKind keyKind = iota
	intKeyKind
	stringKeyKind
)

// InstanceKey identifies one instance of a resource or module that uses
// count (an integer key) or for_each (a string key). The zero value is NoKey.
type InstanceKey struct {
	kind keyKind
	i    int
	s    string
}

// NoKey is the key of a resource without count or for_each.
var NoKey = InstanceKey{}

// IntKey returns the key of a count instance.
func IntKey(i int) InstanceKey { return InstanceKey{kind: intKeyKind, i: i} }

// StringKey returns the key of a for_each instance.
func StringKey(s string) InstanceKey { return InstanceKey{kind: stringKeyKind, s: s} }

// IsNone reports whether k is NoKey.
func (k InstanceKey) IsNone() bool { return k.kind == noKeyKind }

// IsInt reports whether k is a count index.
func (k InstanceKey) IsInt() bool { return k.kind == intKeyKind }

// IsString reports whether k is a for_each key.
func (k InstanceKey) IsString() bool { return k.kind == stringKeyKind }

// Int returns the count index; it is 0 for other kinds.
func (k InstanceKey) Int() int { return k.i }

// Str returns the for_each key; it is "" for other kinds.
func (k InstanceKey) Str() string { return k.s }

// String renders the key with its brackets, or "" for NoKey.
func (k InstanceKey) String() string {
	switch k.kind {
	case intKeyKind:
		return "[" + strconv.Itoa(k.i) + "]"
	case stringKeyKind:
		return "[" + strconv.Quote(k.s) + "]"
	}
	return ""
}

// Value returns the key as HCL sees it in count.index or each.key.
func (k InstanceKey) Value() cty.Value {
	switch k.kind {
	case intKeyKind:
		return cty.NumberIntVal(int64(k.i))
	case stringKeyKind:
		return cty.StringVal(k.s)
	}
	return cty.NilVal
}

// Less orders keys: no key, then integers ascending, then strings.
func (k InstanceKey) Less(o InstanceKey) bool {
	if k.kind != o.kind {
		return k.kind < o.kind
	}
	if k.kind == intKeyKind {
		return k.i < o.i
	}
	return k.s < o.s
}

// ModuleInstanceStep is one step of a module instance path.
type ModuleInstanceStep struct {
	Name string
	Key  InstanceKey
}

// ModuleInstance is the path from the root module to one instance of a
// module. The root module is the empty path. It is a string internally so
// that addresses stay comparable.
type ModuleInstance string

// RootModuleInstance is the root module.
const RootModuleInstance ModuleInstance = ""

// Child returns the address of an instance of the named module call.
func (m ModuleInstance) Child(name string, key InstanceKey) ModuleInstance {
	s := "module." + name + key.String()
	if m == "" {
		return ModuleInstance(s)
	}
	return ModuleInstance(string(m) + "." + s)
}

// IsRoot reports whether m is the root module.
func (m ModuleInstance) IsRoot() bool { return m == "" }

// String returns the address as written in plans and state.
func (m ModuleInstance) String() string { return string(m) }

// Steps splits the path into its steps. It panics only if m was not built
// by this package, which is a programmer error.
func (m ModuleInstance) Steps() []ModuleInstanceStep {
	if m == "" {
		return nil
	}
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(m), "", hcl.InitialPos)
	if diags.HasErrors() {
		panic(fmt.Sprintf("invalid module instance address %q", string(m)))
	}
	steps, rest, err := parseModuleSteps(trav)
	if err != nil || len(rest) > 0 {
		panic(fmt.Sprintf("invalid module instance address %q", string(m)))
	}
	return steps
}

// Module drops the instance keys: the configuration path of the module.
func (m ModuleInstance) Module() Module {
	var names []string
	for _, s := range m.Steps() {
		names = append(names, s.Name)
	}
	return ModuleFromNames(names)
}

// Parent returns the module instance that calls m, and the step leading to m.
func (m ModuleInstance) Parent() (ModuleInstance, ModuleInstanceStep) {
	steps := m.Steps()
	if len(steps) == 0 {
		return RootModuleInstance, ModuleInstanceStep{}
	}
	var parent ModuleInstance
	for _, s := range steps[:len(steps)-1] {
		parent = parent.Child(s.Name, s.Key)
	}
	return parent, steps[len(steps)-1]
}

// Module is a module's configuration path (module call names from the root),
// shared by all its instances. Like ModuleInstance it is a string so that it
// stays comparable; "" is the root.
type Module string

// RootModule is the root module's path.
const RootModule Module = ""

// ModuleFromNames builds a Module from call names.
func ModuleFromNames(names []string) Module {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module.")
		b.WriteString(n)
	}
	return Module(b.String())
}

// Child returns the path of a module called from m.
func (m Module) Child(name string) Module {
	if m == "" {
		return Module("module." + name)
	}
	return Module(string(m) + ".module." + name)
}

// IsRoot reports whether m is the root module.
func (m Module) IsRoot() bool { return m == "" }

// String returns the path as written in diagnostics.
func (m Module) String() string { return string(m) }

// Resource is a resource block's address within its module.
type Resource struct {
	Mode ResourceMode
	Type string
	Name string
}

// String renders `type.name` or `data.type.name`.
func (r Resource) String() string {
	if r.Mode == DataMode {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// Instance returns the address of one instance of r.
func (r Resource) Instance(k InstanceKey) ResourceInstance {
	return ResourceInstance{Resource: r, Key: k}
}

// ResourceInstance is one instance of a resource within its module.
type ResourceInstance struct {
	Resource Resource
	Key      InstanceKey
}

// String renders `type.name[key]`.
func (r ResourceInstance) String() string { return r.Resource.String() + r.Key.String() }

// AbsResource is a resource within a particular module instance.
type AbsResource struct {
	Module   ModuleInstance
	Resource Resource
}

// String renders the full address.
func (r AbsResource) String() string {
	if r.Module.IsRoot() {
		return r.Resource.String()
	}
	return r.Module.String() + "." + r.Resource.String()
}

// Instance returns the address of one instance of r.
func (r AbsResource) Instance(k InstanceKey) AbsResourceInstance {
	return AbsResourceInstance{Module: r.Module, Resource: r.Resource, Key: k}
}

// Config drops the module instance keys.
func (r AbsResource) Config() ConfigResource {
	return ConfigResource{Module: r.Module.Module(), Resource: r.Resource}
}

// AbsResourceInstance is the full address of one resource instance: the
// unit that has state and that a plan changes.
type AbsResourceInstance struct {
	Module   ModuleInstance
	Resource Resource
	Key      InstanceKey
}

// String renders the full address, e.g. `module.a["x"].steward_data.b[2]`.
func (r AbsResourceInstance) String() string {
	return r.ContainingResource().String() + r.Key.String()
}

// ContainingResource drops the instance key.
func (r AbsResourceInstance) ContainingResource() AbsResource {
	return AbsResource{Module: r.Module, Resource: r.Resource}
}

// Less orders instance addresses for stable output.
func (r AbsResourceInstance) Less(o AbsResourceInstance) bool {
	if r.Module != o.Module {
		return r.Module < o.Module
	}
	if r.Resource != o.Resource {
		if r.Resource.Mode != o.Resource.Mode {
			return r.Resource.Mode == ManagedMode
		}
		if r.Resource.Type != o.Resource.Type {
			return r.Resource.Type < o.Resource.Type
		}
		return r.Resource.Name < o.Resource.Name
	}
	return r.Key.Less(o.Key)
}

// ConfigResource is a resource block in the configuration, shared by every
// instance of its module.
type ConfigResource struct {
	Module   Module
	Resource Resource
}

// String renders the address.
func (r ConfigResource) String() string {
	if r.Module.IsRoot() {
		return r.Resource.String()
	}
	return r.Module.String() + "." + r.Resource.String()
}
