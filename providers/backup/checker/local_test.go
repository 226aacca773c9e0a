package checker_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/local"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/checker"
	"github.com/stewardhq/steward/providers/backup/index"
	"github.com/stewardhq/steward/providers/backup/internal/backuptest"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// The same damage on a real directory repository, done the way a failing
// disk or a careless admin would: editing and truncating files in place.
func TestDamageOnDisk(t *testing.T) {
	ctx := context.Background()
	be := local.New(t.TempDir())
	r := repository.TestRepositoryAt(t, be)
	sn := backuptest.Backup(t, r, map[string][]byte{
		"a.bin": randomBytes(t, 1200<<10),
		"b.bin": randomBytes(t, 900<<10),
	})
	var victim blob.ID
	var loc struct {
		pack   blob.ID
		offset uint32
	}
	r.Index().Each(func(h blob.Handle, l index.Location) {
		if h.Type == blob.Data && victim.IsNull() {
			victim, loc.pack, loc.offset = h.ID, l.Pack, l.Offset
		}
	})
	path, err := be.Path(backend.Handle{Type: backend.PackFile, Name: loc.pack.String()})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, int64(loc.offset)+64); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x80
	if _, err := f.WriteAt(b, int64(loc.offset)+64); err != nil {
		t.Fatal(err)
	}
	f.Close()

	r2 := repository.TestReopen(t, be)
	rep, err := checker.Check(ctx, r2, checker.Options{ReadData: true})
	if err != nil {
		t.Fatal(err)
	}
	want(t, rep, checker.BlobDamaged, victim.String(), loc.pack.String())
	want(t, rep, checker.DataDamaged, sn.ID.Short())
	if _, err := r2.LoadBlob(ctx, blob.Data, victim, nil); !errors.Is(err, repository.ErrDamaged) {
		t.Fatalf("LoadBlob of a blob damaged on disk: got %v", err)
	}

	// Truncate the same pack: the structural check alone notices.
	if err := os.Truncate(path, int64(loc.offset)+10); err != nil {
		t.Fatal(err)
	}
	rep, err = checker.Check(ctx, r2, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want(t, rep, checker.PackSize, loc.pack.String(), "truncated")

	// Remove the index file: the snapshot's data is reported unindexed.
	for _, name := range mustList(t, r2, backend.IndexFile) {
		if err := be.Remove(ctx, backend.Handle{Type: backend.IndexFile, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err = checker.Check(ctx, repository.TestReopen(t, be), checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want(t, rep, checker.TreeMissing, sn.ID.Short())
	want(t, rep, checker.PackUnreferenced, "not in any index")
}

func mustList(t *testing.T, r *repository.Repository, ft backend.FileType) []string {
	t.Helper()
	files, err := r.ListFiles(context.Background(), ft)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range files {
		names = append(names, fi.Name)
	}
	return names
}
