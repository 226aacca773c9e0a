package providers

import (
	"fmt"
	"sort"
)

// Factory creates an unconfigured provider. The engine creates one provider
// per provider configuration (default and aliases).
type Factory func() (Provider, error)

// Registry maps provider names (the prefix of their resource types) to
// factories. It is built once at start-up and then only read.
type Registry struct {
	factories map[string]Factory
}

// NewRegistry returns a registry holding the given factories.
func NewRegistry(factories map[string]Factory) *Registry {
	m := make(map[string]Factory, len(factories))
	for k, v := range factories {
		m[k] = v
	}
	return &Registry{factories: m}
}

// Has reports whether a provider of that name is registered.
func (r *Registry) Has(name string) bool {
	_, ok := r.factories[name]
	return ok
}

// New creates a provider by name.
func (r *Registry) New(name string) (Provider, error) {
	f, ok := r.factories[name]
	if !ok {
		return nil, fmt.Errorf("no provider named %q is available (available: %v)", name, r.Names())
	}
	return f()
}

// Names lists the registered providers in sorted order.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.factories))
	for n := range r.factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// With returns a registry holding r's factories and the given ones, which
// replace r's of the same name. r itself is unchanged.
func (r *Registry) With(factories map[string]Factory) *Registry {
	m := make(map[string]Factory, len(r.factories)+len(factories))
	for k, v := range r.factories {
		m[k] = v
	}
	for k, v := range factories {
		m[k] = v
	}
	return &Registry{factories: m}
}
