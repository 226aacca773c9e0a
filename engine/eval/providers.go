package eval

import (
	"fmt"
	"sync"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// providerSet creates providers from the registry: one instance per
// provider configuration, and one unconfigured instance per provider name
// for reading schemas.
type providerSet struct {
	registry *providers.Registry

	mu         sync.Mutex
	schemas    map[string]*schema.Provider
	configured map[nodeKey]providers.Provider
}

func newProviderSet(r *providers.Registry) *providerSet {
	return &providerSet{registry: r, schemas: map[string]*schema.Provider{}, configured: map[nodeKey]providers.Provider{}}
}

func (ps *providerSet) providerSchema(name string) (*schema.Provider, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if s, ok := ps.schemas[name]; ok {
		return s, nil
	}
	p, err := ps.registry.New(name)
	if err != nil {
		return nil, err
	}
	s := p.Schema()
	_ = p.Close()
	ps.schemas[name] = s
	return s, nil
}

func (ps *providerSet) resourceSchema(provider, typ string, data bool) (*schema.Resource, error) {
	s, err := ps.providerSchema(provider)
	if err != nil {
		return nil, err
	}
	set := s.Resources
	if data {
		set = s.DataSources
	}
	rs, ok := set[typ]
	if !ok {
		return nil, fmt.Errorf("the provider %q has no type %q", provider, typ)
	}
	return rs, nil
}

func (ps *providerSet) start(key nodeKey, name string) (providers.Provider, error) {
	p, err := ps.registry.New(name)
	if err != nil {
		return nil, err
	}
	ps.mu.Lock()
	ps.configured[key] = p
	ps.mu.Unlock()
	return p, nil
}

func (ps *providerSet) get(key nodeKey) providers.Provider {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.configured[key]
}

func (ps *providerSet) closeAll() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for k, p := range ps.configured {
		_ = p.Close()
		delete(ps.configured, k)
	}
}
