package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
)

// Config is a loaded configuration: the root module and, through it, every
// module it calls.
type Config struct {
	Root *Module
	// Files holds the source of every file read, for rendering diagnostics.
	Files map[string]*hcl.File
}

// Module is one module directory.
type Module struct {
	Path addrs.Module
	Dir  string

	Variables        map[string]*Variable
	Locals           map[string]*Local
	Outputs          map[string]*Output
	ManagedResources map[string]*Resource // by "type.name"
	DataResources    map[string]*Resource // by "type.name"
	ModuleCalls      map[string]*ModuleCall
	ProviderConfigs  map[string]*ProviderConfig // by "name" or "name.alias"
	Imports          []*Import
	Moved            []*Moved
	Checks           []*Check

	// Settings is the steward {} block; only the root module's is used.
	Settings *Settings

	Parent   *Module
	Children map[string]*Module
}

// Resource returns the resource block with the given address, or nil.
func (m *Module) Resource(r addrs.Resource) *Resource {
	key := r.Type + "." + r.Name
	if r.Mode == addrs.DataMode {
		return m.DataResources[key]
	}
	return m.ManagedResources[key]
}

// AllModules returns m and all modules below it, parents first.
func (m *Module) AllModules() []*Module {
	out := []*Module{m}
	for _, name := range sortedKeys(m.Children) {
		out = append(out, m.Children[name].AllModules()...)
	}
	return out
}

// Variable is a `variable` block.
type Variable struct {
	Name        string
	Description string
	// Type is the type constraint; cty.DynamicPseudoType when unspecified.
	Type cty.Type
	// TypeDefaults holds optional-attribute defaults from the type constraint.
	TypeDefaults *typeexpr.Defaults
	// Default is cty.NilVal when the variable is required.
	Default     cty.Value
	Sensitive   bool
	Nullable    bool
	Validations []*CheckRule
	DeclRange   hcl.Range
}

// Required reports whether a value must be given.
func (v *Variable) Required() bool { return v.Default == cty.NilVal }

// CheckRule is a condition with the message shown when it fails:
// variable validation, preconditions, postconditions and check assertions.
type CheckRule struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Local is one entry of a `locals` block.
type Local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
}

// Output is an `output` block.
type Output struct {
	Name          string
	Description   string
	Expr          hcl.Expression
	Sensitive     bool
	DependsOn     []hcl.Traversal
	Preconditions []*CheckRule
	DeclRange     hcl.Range
}

// ProviderRef names a provider configuration: the provider's name and an
// optional alias.
type ProviderRef struct {
	Name  string
	Alias string
}

// String renders the reference as written in a `provider` argument.
func (p ProviderRef) String() string {
	if p.Alias == "" {
		return p.Name
	}
	return p.Name + "." + p.Alias
}

// Resource is a `resource` or `data` block.
type Resource struct {
	Mode addrs.ResourceMode
	Type string
	Name string

	Config    hcl.Body
	Count     hcl.Expression
	ForEach   hcl.Expression
	DependsOn []hcl.Traversal

	// Provider is the provider configuration chosen by the `provider`
	// argument, or the default configuration of the type's prefix.
	Provider         ProviderRef
	ProviderExplicit bool

	Lifecycle Lifecycle

	DeclRange hcl.Range
	TypeRange hcl.Range
}

// Addr returns the resource's address within its module.
func (r *Resource) Addr() addrs.Resource {
	return addrs.Resource{Mode: r.Mode, Type: r.Type, Name: r.Name}
}

// Lifecycle is a resource's lifecycle block.
type Lifecycle struct {
	PreventDestroy      bool
	CreateBeforeDestroy bool
	// IgnoreAllChanges is `ignore_changes = all`.
	IgnoreAllChanges bool
	IgnoreChanges    []hcl.Traversal
	Preconditions    []*CheckRule
	Postconditions   []*CheckRule
}

// ModuleCall is a `module` block.
type ModuleCall struct {
	Name      string
	Source    string
	SourceDir string
	// Inputs are the arguments other than meta-arguments: the child's variables.
	Inputs    map[string]*hcl.Attribute
	Count     hcl.Expression
	ForEach   hcl.Expression
	DependsOn []hcl.Traversal
	// Providers maps the child's provider configurations to the parent's.
	Providers map[string]ProviderRef
	DeclRange hcl.Range
}

// ProviderConfig is a `provider` block.
type ProviderConfig struct {
	Name      string
	Alias     string
	Config    hcl.Body
	DeclRange hcl.Range
}

// Ref returns the reference that selects this configuration.
func (p *ProviderConfig) Ref() ProviderRef { return ProviderRef{Name: p.Name, Alias: p.Alias} }

// Import is an `import` block: adopt an existing object into state.
type Import struct {
	To        addrs.Target
	ToRange   hcl.Range
	ID        hcl.Expression
	DeclRange hcl.Range
}

// Moved is a `moved` block: an object's address changed in configuration.
type Moved struct {
	From, To  addrs.Target
	DeclRange hcl.Range
}

// Check is a top-level `check` block.
type Check struct {
	Name      string
	Asserts   []*CheckRule
	DeclRange hcl.Range
}

// Settings is the `steward {}` block.
type Settings struct {
	// RequiredVersion is the version constraint, if any, as written.
	RequiredVersion string
	// MaxDestroy limits how many objects one plan may destroy; -1 if unset.
	MaxDestroy int
	// State describes where state is kept; nil means the local file.
	State *StateSettings
	// RequiredProviders are the providers named in required_providers, by
	// name; nil when there is none.
	RequiredProviders map[string]*RequiredProvider
	DeclRange         hcl.Range
}

// StateSettings is a `state "kind" { ... }` block inside `steward {}`.
type StateSettings struct {
	Kind      string
	Config    hcl.Body
	DeclRange hcl.Range
}
