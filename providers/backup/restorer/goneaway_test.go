package restorer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/restorer"
)

var errConnReset = errors.New("connection reset by peer (injected)")

// vanishingBackend serves a number of pack reads, then fails every other
// one, like a server that went away in the middle of a restore.
type vanishingBackend struct {
	backend.Backend
	left atomic.Int64
}

func (b *vanishingBackend) Load(ctx context.Context, h backend.Handle, length int, offset int64, fn func(io.Reader) error) error {
	if h.Type == backend.PackFile && b.left.Add(-1) < 0 {
		return errConnReset
	}
	return b.Backend.Load(ctx, h, length, offset, fn)
}

// TestServerGoingAwayLeavesNoPartialFile: when the repository stops
// answering mid-restore, Restore fails with the cause, and every file that
// is on disk is whole.
func TestServerGoingAwayLeavesNoPartialFile(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	src := filepath.Join(base, "data")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("f%02d", i)), archivertest.RandomBytes(uint64(i), 1_500_000), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := archivertest.Manifest(t, src)
	repo, be := archivertest.NewMemRepo(t)
	snap := backup(t, repo, src)

	vb := &vanishingBackend{Backend: be}
	vb.left.Store(25)
	flaky, err := repository.Open(ctx, vb, []byte(archivertest.Password), repository.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer flaky.Close()
	dst := filepath.Join(base, "restore")
	_, err = restorer.New(flaky, snap, restorer.Options{}).Restore(ctx, dst)
	if !errors.Is(err, errConnReset) {
		t.Fatalf("restore from a vanishing server: %v, want the connection error", err)
	}
	got := archivertest.Manifest(t, filepath.Join(dst, "data"))
	whole := 0
	for p, e := range got {
		if e.Type != "file" {
			continue
		}
		if e.SHA256 != want[p].SHA256 || e.Size != want[p].Size {
			t.Errorf("%s left on disk incomplete: %d bytes, want %d", p, e.Size, want[p].Size)
		}
		whole++
	}
	if whole == len(want) {
		t.Fatal("every file was restored: the server never went away")
	}
	t.Logf("%d of %d files restored before the server went away", whole, len(want))
}
