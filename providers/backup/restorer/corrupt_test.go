package restorer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/index"
	"github.com/stewardhq/steward/providers/backup/restorer"
	"github.com/stewardhq/steward/providers/backup/snapview"
	"github.com/stewardhq/steward/providers/backup/tree"
)

// TestCorruptPackDamagesExactlyItsFiles flips bytes across the boundary of
// two data blobs in one pack: the files using those blobs must be reported
// and not written, every other file restored identical.
func TestCorruptPackDamagesExactlyItsFiles(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	src := filepath.Join(base, "data")
	for i := 0; i < 24; i++ {
		dir := filepath.Join(src, fmt.Sprintf("d%d", i%3))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		size := 100_000 + i*37_000
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d", i)), archivertest.RandomBytes(uint64(100+i), size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := archivertest.Manifest(t, src)
	repo, be := archivertest.NewMemRepo(t)
	snap := backup(t, repo, src)

	// Pick a data pack with at least two blobs and damage 32 bytes around
	// the boundary between its first two blobs.
	packs := map[blob.ID][]index.Location{}
	repo.Index().Each(func(h blob.Handle, loc index.Location) {
		if h.Type == blob.Data {
			packs[loc.Pack] = append(packs[loc.Pack], loc)
		}
	})
	var victim blob.ID
	for id, locs := range packs {
		if len(locs) >= 2 {
			victim = id
			break
		}
	}
	if victim.IsNull() {
		t.Fatal("no data pack with two blobs")
	}
	locs := packs[victim]
	sort.Slice(locs, func(i, j int) bool { return locs[i].Offset < locs[j].Offset })
	boundary := int64(locs[0].Offset) + int64(locs[0].Length)
	from, to := boundary-16, boundary+16
	damagedBlobs := map[blob.ID]bool{}
	for _, loc := range locs {
		if int64(loc.Offset) < to && int64(loc.Offset)+int64(loc.Length) > from {
			damagedBlobs[loc.ID] = true
		}
	}
	h := backend.Handle{Type: backend.PackFile, Name: victim.String()}
	var data []byte
	if err := be.Load(ctx, h, 0, 0, func(rd io.Reader) error {
		var err error
		data, err = io.ReadAll(rd)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := from; i < to; i++ {
		data[i] ^= 0x5a
	}
	if err := be.Remove(ctx, h); err != nil {
		t.Fatal(err)
	}
	if err := be.Save(ctx, h, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}

	// The files whose content uses a damaged blob.
	var wantDamaged []string
	err := snapview.Walk(ctx, repo, snap.Tree, "", func(p string, n *tree.Node) error {
		for _, id := range n.Content {
			if damagedBlobs[id] {
				wantDamaged = append(wantDamaged, p)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(wantDamaged) < 2 {
		t.Fatalf("the damage should hit two files, hits %v", wantDamaged)
	}

	dst := filepath.Join(base, "restore")
	var reported []string
	_, err = restorer.New(repo, snap, restorer.Options{Progress: restorer.Progress{
		Damaged: func(p string, err error) { reported = append(reported, p) },
	}}).Restore(ctx, dst)
	var de *restorer.DamagedError
	if !errors.As(err, &de) {
		t.Fatalf("restore error %v, want a *DamagedError", err)
	}
	sort.Strings(wantDamaged)
	sort.Strings(reported)
	if fmt.Sprint(de.Paths) != fmt.Sprint(wantDamaged) || fmt.Sprint(reported) != fmt.Sprint(wantDamaged) {
		t.Fatalf("damaged %v, reported %v, want %v", de.Paths, reported, wantDamaged)
	}
	got := archivertest.Manifest(t, filepath.Join(dst, "data"))
	for _, p := range wantDamaged {
		rel, _ := filepath.Rel("data", p)
		if _, err := os.Lstat(filepath.Join(dst, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("damaged file %s left on disk (%v)", p, err)
		}
		delete(want, rel)
	}
	archivertest.CompareManifests(t, want, got)
}
