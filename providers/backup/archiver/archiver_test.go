package archiver

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

	"golang.org/x/sys/unix"

	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/index"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/snapview"
	"github.com/stewardhq/steward/providers/backup/tree"
)

func packBytes(t *testing.T, be backend.Backend) int64 {
	t.Helper()
	var n int64
	err := be.List(context.Background(), backend.PackFile, func(fi backend.FileInfo) error {
		n += fi.Size
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func listing(t *testing.T, repo *repository.Repository, snap *repository.Snapshot) map[string]*tree.Node {
	t.Helper()
	out := map[string]*tree.Node{}
	err := snapview.Walk(context.Background(), repo, snap.Tree, "", func(p string, n *tree.Node) error {
		out[p] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUnchangedBackupReadsAndStoresNothing(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "data")
	archivertest.AllowCleanup(t, base)
	archivertest.Fixture(t, src, 4<<20)
	repo, be := archivertest.NewMemRepo(t)
	ctx := context.Background()
	// With a Totals callback the pre-scan runs too, as in the CLI: it
	// must not change what the next backup compares either.
	var scanned uint64
	opts := Options{Host: "h", Progress: Progress{Totals: func(files, dirs, bytes uint64, done bool) {
		if done {
			scanned = files
		}
	}}}

	first, sum1, err := New(repo, opts).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if sum1.FilesNew == 0 || sum1.FilesRead == 0 || sum1.DataBlobs == 0 || sum1.TreeBlobs == 0 || sum1.DataAddedStored == 0 {
		t.Fatalf("first backup summary: %+v", sum1)
	}
	before := packBytes(t, be)

	if scanned != sum1.TotalFiles {
		t.Errorf("pre-scan counted %d files, the backup %d", scanned, sum1.TotalFiles)
	}
	second, sum2, err := New(repo, opts).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if second.Parent == nil || *second.Parent != first.ID {
		t.Fatalf("parent = %v, want the first snapshot %s", second.Parent, first.ID)
	}
	if sum2.FilesRead != 0 || sum2.BytesRead != 0 || sum2.FilesNew+sum2.FilesChanged != 0 {
		t.Errorf("no-change backup read files: %+v", sum2)
	}
	if sum2.FilesUnmodified != sum1.FilesNew {
		t.Errorf("unmodified files %d, want %d", sum2.FilesUnmodified, sum1.FilesNew)
	}
	if sum2.DataBlobs != 0 || sum2.TreeBlobs != 0 || sum2.DataAdded != 0 || sum2.DirsNew+sum2.DirsChanged != 0 {
		t.Errorf("no-change backup stored blobs: %+v", sum2)
	}
	if after := packBytes(t, be); after != before {
		t.Errorf("pack bytes grew from %d to %d", before, after)
	}
	if second.Tree != first.Tree {
		t.Errorf("root tree changed: %s -> %s", first.Tree, second.Tree)
		_ = snapview.Diff(ctx, repo, first.Tree, second.Tree, func(c snapview.Change) error {
			t.Logf("%s %s %v old %+v new %+v", c.Kind, c.Path, c.What, c.Old, c.New)
			return nil
		})
	}

	// A changed file is read again and only it.
	if err := os.WriteFile(filepath.Join(src, "with space"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, sum3, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if sum3.FilesRead != 1 || sum3.FilesChanged != 1 || sum3.FilesUnmodified != sum1.FilesNew-1 {
		t.Errorf("after changing one file: %+v", sum3)
	}
	// Another host does not take these snapshots as its parent.
	_, sum4, err := New(repo, Options{Host: "other"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if sum4.FilesRead != sum1.FilesNew || sum4.DataBlobs != 0 {
		t.Errorf("backup from another host: %+v", sum4)
	}
}

func TestDedupAcrossFiles(t *testing.T) {
	src := t.TempDir()
	data := archivertest.RandomBytes(7, 16<<20)
	for _, name := range []string{"one", "two"} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo, be := archivertest.NewMemRepo(t)
	ctx := context.Background()
	_, sum, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if sum.DataAdded != uint64(len(data)) {
		t.Errorf("two identical files added %d bytes, want %d (stored once)", sum.DataAdded, len(data))
	}
	if pb := packBytes(t, be); pb > int64(len(data))*11/10 {
		t.Errorf("packs hold %d bytes for %d of unique data", pb, len(data))
	}

	// Insert 100 bytes in the middle of a copy: content-defined chunking
	// resynchronises, so only the chunks around the insertion are new.
	edited := append(append(append([]byte{}, data[:8<<20]...), archivertest.RandomBytes(8, 100)...), data[8<<20:]...)
	if err := os.WriteFile(filepath.Join(src, "three"), edited, 0o644); err != nil {
		t.Fatal(err)
	}
	_, sum, err = New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	// Chunk boundaries depend on the repository's random polynomial, and a
	// chunk may be up to 8 MiB, so the bytes added vary from run to run;
	// the number of new chunks does not: the one holding the insertion,
	// perhaps split or merged with a neighbour, out of about sixteen.
	if sum.FilesRead != 1 || sum.DataAdded == 0 || sum.DataAdded >= uint64(len(edited)) || sum.DataBlobs > 4 {
		t.Errorf("file with an inserted region added %d new chunks, %d of %d bytes (read %d files)", sum.DataBlobs, sum.DataAdded, len(edited), sum.FilesRead)
	}
}

func TestVanishingAndGrowingFilesAreWarnings(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{"stays", "vanishes", "grows"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo, _ := archivertest.NewMemRepo(t)
	var warned []string
	a := New(repo, Options{Host: "h", Workers: 1, Progress: Progress{Warning: func(w Warning) { warned = append(warned, filepath.Base(w.Path)) }}})
	a.beforeRead = func(path string) {
		switch filepath.Base(path) {
		case "vanishes":
			if err := os.Remove(path); err != nil {
				t.Error(err)
			}
		case "grows":
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = f.WriteString(" and grows")
			f.Close()
		}
	}
	snap, sum, err := a.Backup(context.Background(), []string{src})
	if err != nil {
		t.Fatalf("backup failed instead of warning: %v", err)
	}
	sort.Strings(warned)
	if sum.WarningCount != 2 || len(warned) != 2 || warned[0] != "grows" || warned[1] != "vanishes" {
		t.Fatalf("warnings %d %v (%v), want grows and vanishes", sum.WarningCount, warned, sum.Warnings)
	}
	var notExist bool
	for _, w := range sum.Warnings {
		notExist = notExist || errors.Is(w.Err, os.ErrNotExist)
	}
	if !notExist {
		t.Errorf("vanished file's warning does not match os.ErrNotExist: %v", sum.Warnings)
	}
	nodes := listing(t, repo, snap)
	base := filepath.Base(src)
	if nodes[base+"/vanishes"] != nil {
		t.Error("vanished file is in the snapshot")
	}
	if n := nodes[base+"/grows"]; n == nil || n.Size != uint64(len("grows and grows")) {
		t.Errorf("grown file node: %+v", n)
	}
	if nodes[base+"/stays"] == nil {
		t.Error("unaffected file missing")
	}
}

func TestExcludesAndOneFileSystem(t *testing.T) {
	src := t.TempDir()
	for _, p := range []string{"keep.txt", "skip.tmp", "cache/big", "sub/cache/x", "sub/keep"} {
		full := filepath.Join(src, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo, _ := archivertest.NewMemRepo(t)
	var totalFiles uint64
	snap, _, err := New(repo, Options{Host: "h", OneFileSystem: true, Excludes: []string{"*.tmp", "cache"},
		Progress: Progress{Totals: func(files, dirs, bytes uint64, done bool) {
			if done {
				totalFiles = files
			}
		}}}).Backup(context.Background(), []string{src})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for p := range listing(t, repo, snap) {
		got = append(got, p)
	}
	sort.Strings(got)
	base := filepath.Base(src)
	want := []string{base, base + "/keep.txt", base + "/sub", base + "/sub/keep"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("snapshot has %q, want %q", got, want)
	}
	if totalFiles != 2 {
		t.Errorf("pre-scan counted %d files, want 2", totalFiles)
	}
}

func TestDamagedParentIsAWarning(t *testing.T) {
	src := t.TempDir()
	for i := 0; i < 5; i++ {
		dir := filepath.Join(src, fmt.Sprintf("d%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte(dir), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo, be := archivertest.NewMemRepo(t)
	ctx := context.Background()
	if _, _, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src}); err != nil {
		t.Fatal(err)
	}
	// Damage every pack holding tree blobs.
	treePacks := map[blob.ID]bool{}
	repo.Index().Each(func(h blob.Handle, loc index.Location) {
		if h.Type == blob.Tree {
			treePacks[loc.Pack] = true
		}
	})
	for id := range treePacks {
		h := backend.Handle{Type: backend.PackFile, Name: id.String()}
		var data []byte
		if err := be.Load(ctx, h, 0, 0, func(rd io.Reader) (err error) { data, err = io.ReadAll(rd); return err }); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(data)/2; i++ {
			data[i] ^= 0xff
		}
		if err := be.Remove(ctx, h); err != nil {
			t.Fatal(err)
		}
		if err := be.Save(ctx, h, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	_, sum, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatalf("a damaged parent snapshot stopped the backup: %v", err)
	}
	if sum.WarningCount == 0 || sum.FilesRead != 5 {
		t.Errorf("damaged parent: %d warnings %v, %d files read; want a warning and every file read", sum.WarningCount, sum.Warnings, sum.FilesRead)
	}
}

// failingBackend refuses to store packs, like a full disk or a server that
// went away.
type failingBackend struct {
	backend.Backend
}

var errDiskFull = errors.New("no space left on device (injected)")

func (b failingBackend) Save(ctx context.Context, h backend.Handle, rd io.Reader) error {
	if h.Type == backend.PackFile {
		return errDiskFull
	}
	return b.Backend.Save(ctx, h, rd)
}

func TestRepositoryFailureFailsTheBackup(t *testing.T) {
	src := t.TempDir()
	for i := 0; i < 20; i++ {
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("f%d", i)), archivertest.RandomBytes(uint64(i), 300_000), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	be := failingBackend{mem.New()}
	repo, err := repository.Init(ctx, be, []byte(archivertest.Password), archivertest.InitOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	snap, _, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("backup with a failing backend: snapshot %v, error %v; want the backend's error", snap, err)
	}
	sns, err := repo.Snapshots(ctx)
	if err != nil || len(sns) != 0 {
		t.Fatalf("snapshots after a failed backup: %v, %v", sns, err)
	}
}

// TestChangedXattrIsNoticed: unchanged files take their xattrs from the
// parent snapshot without reading them, so a changed xattr must show in
// the ctime and be read again.
func TestChangedXattrIsNoticed(t *testing.T) {
	src := t.TempDir()
	file := filepath.Join(src, "f")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := unix.Setxattr(file, "user.v", []byte("1"), 0); err != nil {
		t.Skipf("no user xattrs here: %v", err)
	}
	if err := os.Symlink("f", filepath.Join(src, "l")); err != nil {
		t.Fatal(err)
	}
	repo, _ := archivertest.NewMemRepo(t)
	ctx := context.Background()
	xattrOf := func(snap *repository.Snapshot) string {
		n := listing(t, repo, snap)[filepath.Base(src)+"/f"]
		if len(n.Xattrs) != 1 {
			t.Fatalf("xattrs %+v", n.Xattrs)
		}
		return string(n.Xattrs[0].Value)
	}
	first, _, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if xattrOf(first) != "1" || xattrOf(second) != "1" {
		t.Fatal("xattr lost when reused from the parent")
	}
	if l := listing(t, repo, second)[filepath.Base(src)+"/l"]; l.LinkTarget != "f" {
		t.Fatalf("symlink target lost when reused from the parent: %+v", l)
	}
	if err := unix.Setxattr(file, "user.v", []byte("2"), 0); err != nil {
		t.Fatal(err)
	}
	third, _, err := New(repo, Options{Host: "h"}).Backup(ctx, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if got := xattrOf(third); got != "2" {
		t.Fatalf("changed xattr backed up as %q, want 2", got)
	}
}
