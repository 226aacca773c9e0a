package repository_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/repository"
)

func TestProbe(t *testing.T) {
	ctx := context.Background()
	be := mem.New()
	if _, err := repository.Probe(ctx, be); !errors.Is(err, repository.ErrNoRepository) {
		t.Fatalf("probe of empty backend: got %v, want ErrNoRepository", err)
	}
	r := repository.TestRepositoryAt(t, be)
	info, err := repository.Probe(ctx, be)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != r.Config().ID || info.Version != repository.FormatVersion || info.Keys != 1 {
		t.Fatalf("probe = %+v, want id %s, version %d, 1 key", info, r.Config().ID, repository.FormatVersion)
	}
	// The public part must not reveal the secret settings.
	cfg, _ := be.Get(backend.Handle{Type: backend.ConfigFile})
	if bytes.Contains(cfg, []byte("chunker")) || bytes.Contains(cfg, []byte("pack_size")) {
		t.Fatalf("config file shows secret settings in clear text:\n%s", cfg)
	}
	if _, err := repository.Init(ctx, be, []byte("x"), repository.TestInitOptions()); !errors.Is(err, repository.ErrRepositoryExists) {
		t.Fatalf("init over an existing repository: got %v, want ErrRepositoryExists", err)
	}
}

func TestKeys(t *testing.T) {
	ctx := context.Background()
	r, be := repository.TestRepository(t)

	if _, err := repository.Open(ctx, be, []byte("wrong"), repository.TestOpenOptions()); !errors.Is(err, repository.ErrWrongPassword) {
		t.Fatalf("open with wrong password: got %v, want ErrWrongPassword", err)
	}
	if err := r.RemoveKey(ctx, r.KeyID()); !errors.Is(err, repository.ErrLastKey) {
		t.Fatalf("removing the only key: got %v, want ErrLastKey", err)
	}
	second, err := r.AddKey(ctx, []byte("second password"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := repository.Open(ctx, be, []byte("second password"), repository.TestOpenOptions())
	if err != nil {
		t.Fatalf("open with second key: %v", err)
	}
	defer r2.Close()
	if r2.KeyID() != second.ID || r2.Config() != r.Config() {
		t.Fatalf("second key opened key %s with config %+v", r2.KeyID(), r2.Config())
	}
	keys, err := r2.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("%d keys listed, want 2", len(keys))
	}
	for _, k := range keys {
		if k.Current != (k.ID == second.ID) {
			t.Fatalf("key %s Current=%v", k.ID, k.Current)
		}
	}
	if err := r2.RemoveKey(ctx, second.ID[:10]); !errors.Is(err, repository.ErrKeyInUse) {
		t.Fatalf("removing the key in use: got %v, want ErrKeyInUse", err)
	}
	if err := r2.RemoveKey(ctx, "zz"); !errors.Is(err, repository.ErrKeyNotFound) {
		t.Fatalf("removing unknown key: got %v, want ErrKeyNotFound", err)
	}
	// Remove the first key through the second session.
	if err := r2.RemoveKey(ctx, r.KeyID()[:12]); err != nil {
		t.Fatal(err)
	}
	if _, err := repository.Open(ctx, be, repository.TestPassword, repository.TestOpenOptions()); !errors.Is(err, repository.ErrWrongPassword) {
		t.Fatalf("open with removed key's password: got %v, want ErrWrongPassword", err)
	}
	// The key file never holds the password or the master key in clear.
	kf, _ := be.Get(backend.Handle{Type: backend.KeyFile, Name: second.ID})
	if bytes.Contains(kf, []byte("second password")) {
		t.Fatal("key file contains the password")
	}
}

func TestPolicies(t *testing.T) {
	ctx := context.Background()
	r, be := repository.TestRepository(t)
	if err := r.SavePolicy(ctx, "office", []byte(`{"paths":["/srv"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := r.SavePolicy(ctx, "office", []byte(`{"paths":["/srv","/etc"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := r.SavePolicy(ctx, "lab", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	doc, err := r.LoadPolicy(ctx, "office")
	if err != nil || string(doc) != `{"paths":["/srv","/etc"]}` {
		t.Fatalf("load policy = %q, %v", doc, err)
	}
	names, err := r.ListPolicies(ctx)
	if err != nil || strings.Join(names, ",") != "lab,office" {
		t.Fatalf("policies = %v, %v", names, err)
	}
	all, err := r.Policies(ctx)
	if err != nil || len(all) != 2 || string(all["office"]) != `{"paths":["/srv","/etc"]}` || string(all["lab"]) != `{}` {
		t.Fatalf("Policies = %q, %v", all, err)
	}
	if n := len(be.Names(backend.PolicyFile)); n != 2 {
		t.Fatalf("%d policy files, want 2 (old version removed)", n)
	}
	for _, name := range be.Names(backend.PolicyFile) {
		data, _ := be.Get(backend.Handle{Type: backend.PolicyFile, Name: name})
		if bytes.Contains(data, []byte("office")) || bytes.Contains(data, []byte("/srv")) {
			t.Fatal("policy file readable without the key")
		}
	}
	if err := r.RemovePolicy(ctx, "office"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LoadPolicy(ctx, "office"); !errors.Is(err, repository.ErrPolicyNotFound) {
		t.Fatalf("load removed policy: got %v", err)
	}
	if err := r.RemovePolicy(ctx, "office"); !errors.Is(err, repository.ErrPolicyNotFound) {
		t.Fatalf("remove missing policy: got %v", err)
	}
}
