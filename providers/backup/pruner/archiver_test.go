package pruner_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stewardhq/steward/providers/backup/archiver"
	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/checker"
	"github.com/stewardhq/steward/providers/backup/pruner"
	"github.com/stewardhq/steward/providers/backup/restorer"
)

// The whole cycle with real files: back up a directory twice (changing it
// in between) with the archiver into a directory repository, forget the
// first snapshot, prune, check, and restore the second exactly.
func TestPruneAfterRealBackups(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	src := filepath.Join(base, "data")
	archivertest.Fixture(t, src, 3<<20)
	repoDir := filepath.Join(base, "repo")
	repo := archivertest.NewLocalRepo(t, repoDir)

	first, _, err := archiver.New(repo, archiver.Options{}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	// Replace the large file and add another: the first snapshot's large
	// file becomes garbage once it is forgotten.
	if err := os.WriteFile(filepath.Join(src, "replaced.bin"), archivertest.RandomBytes(99, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(src)
	for _, e := range entries {
		if info, _ := e.Info(); info != nil && info.Mode().IsRegular() && info.Size() >= 3<<20 {
			if err := os.Remove(filepath.Join(src, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := archivertest.Manifest(t, src)
	second, _, err := archiver.New(repo, archiver.Options{}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Forget(ctx, []blob.ID{first.ID}); err != nil {
		t.Fatal(err)
	}
	packsBefore, _ := repo.ListFiles(ctx, backend.PackFile)

	r := archivertest.OpenLocalRepo(t, repoDir)
	sum, err := pruner.Prune(ctx, r, pruner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.BytesFreed < 2<<20 {
		t.Fatalf("prune freed %d bytes, want at least the removed 3 MiB file's share: %+v", sum.BytesFreed, sum)
	}
	packsAfter, _ := r.ListFiles(ctx, backend.PackFile)
	if len(packsAfter) >= len(packsBefore) {
		t.Fatalf("packs: %d before prune, %d after", len(packsBefore), len(packsAfter))
	}
	rep, err := checker.Check(ctx, r, checker.Options{ReadData: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Fatalf("check after prune: %v", rep.Problems)
	}
	dst := filepath.Join(base, "restore")
	if _, err := restorer.New(r, second, restorer.Options{}).Restore(ctx, dst); err != nil {
		t.Fatal(err)
	}
	archivertest.CompareManifests(t, want, archivertest.Manifest(t, filepath.Join(dst, "data")))
	archivertest.AllowCleanup(t, base)
}
