package restorer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stewardhq/steward/providers/backup/archiver"
	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/restorer"
)

func backup(t *testing.T, repo *repository.Repository, paths ...string) *repository.Snapshot {
	t.Helper()
	snap, sum, err := archiver.New(repo, archiver.Options{Host: "test"}).Backup(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	if sum.WarningCount != 0 {
		t.Fatalf("backup warnings: %v", sum.Warnings)
	}
	return snap
}

func TestRoundTripEveryKindOfFile(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "data")
	archivertest.AllowCleanup(t, base)
	xattrs := archivertest.Fixture(t, src, 24<<20)
	if !xattrs {
		t.Log("filesystem has no user xattrs; not checking them")
	}
	want := archivertest.Manifest(t, src)
	repo, _ := archivertest.NewMemRepo(t)
	snap := backup(t, repo, src)

	dst := filepath.Join(base, "restore")
	archivertest.AllowCleanup(t, dst)
	sum, err := restorer.New(repo, snap, restorer.Options{}).Restore(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	got := archivertest.Manifest(t, filepath.Join(dst, "data"))
	archivertest.CompareManifests(t, want, got)
	if sum.Links != 2 {
		t.Errorf("restored %d extra hard links, want 2", sum.Links)
	}
	srcBlocks := archivertest.Blocks(t, filepath.Join(src, "sparse.img"))
	dstBlocks := archivertest.Blocks(t, filepath.Join(dst, "data", "sparse.img"))
	if dstBlocks > srcBlocks+64 || dstBlocks > 1024 {
		t.Errorf("sparse file restored with %d blocks, source has %d: not sparse", dstBlocks, srcBlocks)
	}
	// The root directory's own metadata comes back too.
	sfi, _ := os.Stat(src)
	dfi, _ := os.Stat(filepath.Join(dst, "data"))
	if !sfi.ModTime().Equal(dfi.ModTime()) || sfi.Mode() != dfi.Mode() {
		t.Errorf("root dir metadata: got %v %v, want %v %v", dfi.Mode(), dfi.ModTime(), sfi.Mode(), sfi.ModTime())
	}
}

func TestIncludeRestoresOnlyTheSubtree(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "data")
	archivertest.AllowCleanup(t, base)
	archivertest.Fixture(t, src, 1<<20)
	repo, _ := archivertest.NewMemRepo(t)
	snap := backup(t, repo, src)

	for _, inc := range []string{"data/deep/a/b", src + "/deep/a/b"} {
		dst := filepath.Join(t.TempDir(), "r")
		if _, err := restorer.New(repo, snap, restorer.Options{Includes: []string{inc}}).Restore(context.Background(), dst); err != nil {
			t.Fatal(err)
		}
		var got []string
		_ = filepath.Walk(dst, func(p string, fi os.FileInfo, err error) error {
			rel, _ := filepath.Rel(dst, p)
			got = append(got, rel)
			return nil
		})
		want := []string{".", "data", "data/deep", "data/deep/a", "data/deep/a/b", "data/deep/a/b/c", "data/deep/a/b/c/d",
			"data/deep/a/b/c/d/e", "data/deep/a/b/c/d/e/f", "data/deep/a/b/c/d/e/f/g", "data/deep/a/b/c/d/e/f/g/h.txt"}
		if len(got) != len(want) {
			t.Fatalf("include %q restored %q, want %q", inc, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("include %q restored %q, want %q", inc, got, want)
			}
		}
		data, err := os.ReadFile(filepath.Join(dst, "data/deep/a/b/c/d/e/f/g/h.txt"))
		if err != nil || string(data) != "deep" {
			t.Fatalf("included file: %q, %v", data, err)
		}
	}
}

func TestDamagedErrorMatchesErrDamaged(t *testing.T) {
	err := error(&restorer.DamagedError{Paths: []string{"a"}})
	if !errors.Is(err, repository.ErrDamaged) {
		t.Fatal("DamagedError does not match repository.ErrDamaged")
	}
}
