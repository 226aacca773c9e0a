package backup

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/local"
	"github.com/stewardhq/steward/providers/backup/backend/location"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// TestDiscoverIsBatched: discovering a repository and twenty policies in
// it reaches the repository twice (one probe, one read of the policies),
// not once per object.
func TestDiscoverIsBatched(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	r := repository.TestRepositoryAt(t, local.New(dir))
	p := NewWith(Options{Getenv: func(string) string { return "" }})
	opened := 0
	p.openBackend = func(ctx context.Context, loc string, opts location.Options) (backend.Backend, error) {
		opened++
		return OpenBackend(ctx, loc, opts)
	}
	cfg := cty.ObjectVal(map[string]cty.Value{"password": cty.StringVal(string(repository.TestPassword)),
		"ssh_key_file": cty.NullVal(cty.String), "known_hosts_file": cty.NullVal(cty.String)})
	if d := p.Configure(context.Background(), providers.ConfigureRequest{Config: cfg}); d.HasErrors() {
		t.Fatal(d.Err())
	}
	repoTy := p.schema.Resources[RepositoryType].ImpliedType()
	polTy := p.schema.Resources[PolicyType].ImpliedType()
	repoVal := nullObject(repoTy).AsValueMap()
	repoVal["path"] = cty.StringVal(dir)
	items := []providers.DiscoverItem{{Type: RepositoryType, Prior: cty.ObjectVal(repoVal)}}
	for i := 0; i < 20; i++ {
		pol := Policy{Name: "p" + string(rune('a'+i)), Sources: []string{"/srv/x"}}
		if err := SavePolicy(context.Background(), r, pol); err != nil {
			t.Fatal(err)
		}
		items = append(items, providers.DiscoverItem{Type: PolicyType, Prior: policyValue(polTy, dir, pol, cty.NullVal(polTy))})
	}
	resp := p.Discover(context.Background(), providers.DiscoverRequest{Items: items})
	for i, res := range resp.Results {
		if res.Diagnostics.HasErrors() || res.Current.IsNull() {
			t.Fatalf("item %d: %v %#v", i, res.Diagnostics.Err(), res.Current)
		}
	}
	if opened != 2 {
		t.Errorf("discovery opened the repository's backend %d times, want 2", opened)
	}
}
