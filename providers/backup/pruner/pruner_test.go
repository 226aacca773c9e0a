package pruner_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/checker"
	"github.com/stewardhq/steward/providers/backup/internal/backuptest"
	"github.com/stewardhq/steward/providers/backup/pruner"
	"github.com/stewardhq/steward/providers/backup/repository"
)

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

type scenario struct {
	be        *mem.Backend
	keep      *repository.Snapshot
	keepFiles map[string][]byte
	goneBlob  blob.ID // only the forgotten snapshot used it
}

// setup makes two snapshots sharing some files, forgets the first, and
// leaves packs no index names (an interrupted backup).
func setup(t *testing.T) scenario {
	t.Helper()
	ctx := context.Background()
	r, be := repository.TestRepository(t)
	shared := randomBytes(t, 1<<20)
	old := map[string][]byte{"a/shared.bin": shared, "a/old.bin": randomBytes(t, 1500<<10), "b/note.txt": []byte("old note")}
	sn1 := backuptest.Backup(t, r, old)
	cur := map[string][]byte{"a/shared.bin": shared, "a/new.bin": randomBytes(t, 700<<10), "b/note.txt": []byte("new note")}
	sn2 := backuptest.Backup(t, r, cur)
	if err := r.Forget(ctx, []blob.ID{sn1.ID}); err != nil {
		t.Fatal(err)
	}
	gone := r.ID([]byte("old note"))
	if !r.Has(blob.Data, gone) {
		t.Fatal("fixture: old note not stored as one blob")
	}
	// An interrupted backup: packs uploaded, no index.
	r2 := repository.TestReopen(t, be)
	for range 2 {
		if _, _, err := r2.SaveBlob(ctx, blob.Data, randomBytes(t, 600<<10)); err != nil {
			t.Fatal(err)
		}
	}
	r2.Close()
	return scenario{be: be, keep: sn2, keepFiles: cur, goneBlob: gone}
}

func verify(t *testing.T, be backend.Backend, s scenario, wantClean bool) {
	t.Helper()
	r := repository.TestReopen(t, be)
	rep, err := checker.Check(context.Background(), r, checker.Options{ReadData: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || (wantClean && len(rep.Problems) > 0) {
		for _, p := range rep.Problems {
			t.Log(p)
		}
		t.Fatalf("check after prune: %d errors, %d warnings", len(rep.Errors()), len(rep.Warnings()))
	}
	got := backuptest.Restore(t, r, s.keep)
	for p, want := range s.keepFiles {
		if !bytes.Equal(got[p], want) {
			t.Fatalf("file %s differs after prune", p)
		}
	}
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	s := setup(t)
	packsBefore := len(s.be.Names(backend.PackFile))
	r := repository.TestReopen(t, s.be)

	dry, err := pruner.Prune(ctx, r, pruner.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.be.Names(backend.PackFile)); n != packsBefore {
		t.Fatalf("dry run changed the packs: %d -> %d", packsBefore, n)
	}
	sum, err := pruner.Prune(ctx, r, pruner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if *sum != *dry && (sum.PacksRemoved != dry.PacksRemoved || sum.PacksRepacked != dry.PacksRepacked) {
		t.Fatalf("dry run %+v differs from the real run %+v", dry, sum)
	}
	if sum.UnreferencedRemoved != 2 || sum.PacksRemoved+sum.PacksRepacked == 0 || sum.BytesFreed <= 0 {
		t.Fatalf("summary %+v: want the 2 unreferenced packs removed and the old data freed", sum)
	}
	if r.Has(blob.Data, s.goneBlob) {
		t.Fatal("a blob only the forgotten snapshot used survived prune")
	}
	if n := len(s.be.Names(backend.IndexFile)); n != 1 {
		t.Fatalf("%d index files after prune, want 1", n)
	}
	verify(t, s.be, s, true)
	// A second prune has nothing to do.
	sum2, err := pruner.Prune(ctx, repository.TestReopen(t, s.be), pruner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum2.PacksRemoved+sum2.PacksRepacked+sum2.UnreferencedRemoved+sum2.PacksWritten != 0 {
		t.Fatalf("second prune still changed things: %+v", sum2)
	}
}

// failingBackend fails every Save and Remove after the first budget ones,
// like a crash at that point: nothing after it happens.
type failingBackend struct {
	backend.Backend
	budget atomic.Int64
	ops    atomic.Int64
}

var errCrash = errors.New("simulated crash")

func (f *failingBackend) step() error {
	f.ops.Add(1)
	if f.budget.Add(-1) < 0 {
		return errCrash
	}
	return nil
}

func (f *failingBackend) Save(ctx context.Context, h backend.Handle, rd io.Reader) error {
	if h.Type != backend.LockFile {
		if err := f.step(); err != nil {
			return err
		}
	}
	return f.Backend.Save(ctx, h, rd)
}

func (f *failingBackend) Remove(ctx context.Context, h backend.Handle) error {
	if h.Type != backend.LockFile {
		if err := f.step(); err != nil {
			return err
		}
	}
	return f.Backend.Remove(ctx, h)
}

func TestCrashDuringPrune(t *testing.T) {
	ctx := context.Background()
	s := setup(t)
	// Count the operations of a full prune on a copy.
	counting := &failingBackend{Backend: s.be.Clone()}
	counting.budget.Store(1 << 30)
	if _, err := pruner.Prune(ctx, repository.TestReopen(t, counting), pruner.Options{}); err != nil {
		t.Fatal(err)
	}
	total := int(counting.ops.Load())
	if total < 5 {
		t.Fatalf("a full prune took only %d operations", total)
	}
	for n := range total {
		t.Run(fmt.Sprintf("crash-after-%d", n), func(t *testing.T) {
			under := s.be.Clone()
			fb := &failingBackend{Backend: under}
			fb.budget.Store(int64(n))
			_, err := pruner.Prune(ctx, repository.TestReopen(t, fb), pruner.Options{})
			if !errors.Is(err, errCrash) {
				t.Fatalf("prune with %d operations allowed: got %v, want the simulated crash", n, err)
			}
			// Nothing lost: the kept snapshot restores and check finds no errors.
			verify(t, under, s, false)
			// And the next prune finishes the job.
			if _, err := pruner.Prune(ctx, repository.TestReopen(t, under), pruner.Options{}); err != nil {
				t.Fatal(err)
			}
			verify(t, under, s, true)
		})
	}
}

func TestPruneRefusesWhileLocked(t *testing.T) {
	ctx := context.Background()
	s := setup(t)
	backup := repository.TestReopen(t, s.be)
	unlock, err := backup.Lock(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	packs := len(s.be.Names(backend.PackFile))
	_, err = pruner.Prune(ctx, repository.TestReopen(t, s.be), pruner.Options{})
	var le *repository.LockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "PID") {
		t.Fatalf("prune beside a backup: got %v, want a LockedError naming the holder", err)
	}
	if n := len(s.be.Names(backend.PackFile)); n != packs {
		t.Fatal("prune changed packs although it was refused")
	}
	unlock()
	if _, err := pruner.Prune(ctx, repository.TestReopen(t, s.be), pruner.Options{}); err != nil {
		t.Fatalf("prune after the backup finished: %v", err)
	}
}
