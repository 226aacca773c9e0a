package repository_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/repository"
)

func TestSnapshots(t *testing.T) {
	ctx := context.Background()
	r, be := repository.TestRepository(t)

	if _, err := r.SaveSnapshot(ctx, repository.NewSnapshot([]string{"/x"}, r.ID([]byte("{}")))); err == nil {
		t.Fatal("snapshot with a root tree that is not stored was accepted")
	}
	tree, _, err := r.SaveBlob(ctx, blob.Tree, []byte(`{"nodes":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []blob.ID
	for i, spec := range []struct {
		host, policy string
		tags         []string
	}{{"a", "daily", nil}, {"b", "daily", []string{"x"}}, {"a", "weekly", []string{"x", "y"}}} {
		sn := repository.NewSnapshot([]string{"/srv"}, tree)
		sn.Time = base.Add(time.Duration(i) * time.Hour)
		sn.Hostname, sn.Policy, sn.Tags = spec.host, spec.policy, spec.tags
		id, err := r.SaveSnapshot(ctx, sn)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	r2 := repository.TestReopen(t, be)
	sns, err := r2.Snapshots(ctx)
	if err != nil || len(sns) != 3 || sns[0].ID != ids[0] || sns[2].ID != ids[2] {
		t.Fatalf("snapshots = %d, %v", len(sns), err)
	}
	cases := []struct {
		ref    string
		filter repository.SnapshotFilter
		want   int
	}{
		{"latest", repository.SnapshotFilter{}, 2},
		{"latest", repository.SnapshotFilter{Hosts: []string{"b"}}, 1},
		{"latest", repository.SnapshotFilter{Policy: "daily"}, 1},
		{"latest", repository.SnapshotFilter{Tags: []string{"x", "y"}}, 2},
		{ids[0].String()[:8], repository.SnapshotFilter{}, 0},
	}
	for _, c := range cases {
		sn, err := r2.FindSnapshot(ctx, c.ref, c.filter)
		if err != nil || sn.ID != ids[c.want] {
			t.Errorf("FindSnapshot(%q, %+v) = %v, %v; want snapshot %d", c.ref, c.filter, sn, err, c.want)
		}
	}
	if _, err := r2.FindSnapshot(ctx, "latest", repository.SnapshotFilter{Hosts: []string{"c"}}); !errors.Is(err, repository.ErrSnapshotNotFound) {
		t.Errorf("latest of unknown host: %v", err)
	}
	if _, err := r2.FindSnapshot(ctx, "", repository.SnapshotFilter{}); !errors.Is(err, repository.ErrSnapshotNotFound) {
		t.Errorf("empty ref: %v", err)
	}
	if err := r2.Forget(ctx, ids[:2]); err != nil {
		t.Fatal(err)
	}
	if sns, _ := r2.Snapshots(ctx); len(sns) != 1 || sns[0].ID != ids[2] {
		t.Fatalf("after forget: %d snapshots", len(sns))
	}
}

// countingBackend counts loads of index files.
type countingBackend struct {
	backend.Backend
	indexLoads atomic.Int64
}

func (c *countingBackend) Load(ctx context.Context, h backend.Handle, length int, offset int64, fn func(io.Reader) error) error {
	if h.Type == backend.IndexFile {
		c.indexLoads.Add(1)
	}
	return c.Backend.Load(ctx, h, length, offset, fn)
}

// Listing snapshots must not pay for loading the index; blob operations
// load it on first use.
func TestIndexLoadedOnFirstUse(t *testing.T) {
	ctx := context.Background()
	r, be := repository.TestRepository(t)
	id, _, err := r.SaveBlob(ctx, blob.Tree, []byte(`{"nodes":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.SaveSnapshot(ctx, repository.NewSnapshot([]string{"/"}, id)); err != nil {
		t.Fatal(err)
	}
	cb := &countingBackend{Backend: be}
	r2 := repository.TestReopen(t, cb)
	if sns, err := r2.Snapshots(ctx); err != nil || len(sns) != 1 {
		t.Fatalf("snapshots: %v %v", sns, err)
	}
	if n := cb.indexLoads.Load(); n != 0 {
		t.Fatalf("open and list snapshots read %d index files", n)
	}
	if _, err := r2.LoadBlob(ctx, blob.Tree, id, nil); err != nil {
		t.Fatal(err)
	}
	if n := cb.indexLoads.Load(); n != 1 {
		t.Fatalf("first LoadBlob read %d index files, want 1", n)
	}
}
