package local_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/backendtest"
	"github.com/stewardhq/steward/providers/backup/backend/local"
)

func TestConformance(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backend.Backend {
		return local.New(filepath.Join(t.TempDir(), "repo"))
	})
}

func TestLayout(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "repo")
	be := local.New(root)
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"keys", "data/00", "data/7f", "data/ff", "index", "snapshots", "locks", "policies"} {
		if fi, err := os.Stat(filepath.Join(root, dir)); err != nil || !fi.IsDir() {
			t.Errorf("%s: not a directory after Create (%v)", dir, err)
		}
	}
	name := "ab" + strings.Repeat("0", 62)
	if err := be.Save(ctx, backend.Handle{Type: backend.PackFile, Name: name}, strings.NewReader("pack")); err != nil {
		t.Fatal(err)
	}
	if err := be.Save(ctx, backend.Handle{Type: backend.ConfigFile}, strings.NewReader("config")); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		filepath.Join(root, "data", "ab", name): "pack",
		filepath.Join(root, "config"):           "config",
	} {
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", path, got, err, want)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o400 {
			t.Errorf("%s has mode %v, want read-only 0400", path, fi.Mode().Perm())
		}
	}
	// Nothing but the final files: no temporary files left behind.
	entries, _ := os.ReadDir(filepath.Join(root, "data", "ab"))
	if len(entries) != 1 {
		t.Errorf("data/ab holds %d entries, want 1", len(entries))
	}
}

func TestTemporaryFilesNotListed(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	be := local.New(root)
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	// What a Save killed with kill -9 leaves: a temporary file in place.
	if err := os.WriteFile(filepath.Join(root, "snapshots", ".tmp-abc-123"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := be.List(ctx, backend.SnapshotFile, func(fi backend.FileInfo) error {
		return errors.New("listed " + fi.Name)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestErrorsNamePaths(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "nowhere")
	be := local.New(root)
	err := be.Load(ctx, backend.Handle{Type: backend.ConfigFile}, 0, 0, func(io.Reader) error { return nil })
	if !errors.Is(err, backend.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(root, "config")) {
		t.Errorf("Load of a missing config: %v; want backend.ErrNotExist naming %s", err, filepath.Join(root, "config"))
	}
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	if err := be.Save(ctx, backend.Handle{Type: backend.ConfigFile}, strings.NewReader("c")); err != nil {
		t.Fatal(err)
	}
	err = be.Create(ctx)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(root, "config")) {
		t.Errorf("Create over an existing repository: %v; want an error naming the config file", err)
	}
}

func TestLoadPastTheEnd(t *testing.T) {
	ctx := context.Background()
	be := local.New(t.TempDir())
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	h := backend.Handle{Type: backend.IndexFile, Name: "0123"}
	if err := be.Save(ctx, h, bytes.NewReader(make([]byte, 100))); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		length int
		offset int64
	}{{101, 0}, {1, 100}, {0, 101}, {-1, 0}, {1, -1}} {
		called := false
		err := be.Load(ctx, h, r.length, r.offset, func(io.Reader) error { called = true; return nil })
		if err == nil || called {
			t.Errorf("Load length %d offset %d of a 100-byte file: err %v, callback called %v; want an error before the callback", r.length, r.offset, err, called)
		}
	}
}

func TestInvalidHandles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	be := local.New(filepath.Join(root, "repo"))
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	for _, h := range []backend.Handle{
		{Type: backend.SnapshotFile, Name: "../../escape"},
		{Type: backend.SnapshotFile, Name: ".."},
		{Type: backend.SnapshotFile},
		{Type: backend.ConfigFile, Name: "x"},
		{Type: backend.PackFile, Name: "a"},
		{Type: "bogus", Name: "abcd"},
		{Type: backend.KeyFile, Name: ".tmp-abc"},
	} {
		if err := be.Save(ctx, h, strings.NewReader("x")); err == nil {
			t.Errorf("Save %q succeeded", h)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "escape")); err == nil {
		t.Error("a handle wrote outside the repository")
	}
}

func TestReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	ctx := context.Background()
	root := t.TempDir()
	be := local.New(root)
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "snapshots"), 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(root, "snapshots"), 0o700) })
	err := be.Save(ctx, backend.Handle{Type: backend.SnapshotFile, Name: "abcd"}, strings.NewReader("x"))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(root, "snapshots")) {
		t.Errorf("Save into a read-only directory: %v; want an error naming the directory", err)
	}
}

type failAfter struct{ n int }

func (r *failAfter) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("source failed")
	}
	if len(p) > r.n {
		p = p[:r.n]
	}
	r.n -= len(p)
	return len(p), nil
}

func TestFailedSaveLeavesNoTemporaryFile(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	be := local.New(root)
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	if err := be.Save(ctx, backend.Handle{Type: backend.SnapshotFile, Name: "abcd"}, &failAfter{n: 100_000}); err == nil {
		t.Fatal("Save from a failing reader succeeded")
	}
	entries, err := os.ReadDir(filepath.Join(root, "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind after a failed Save: %s", e.Name())
	}
}
