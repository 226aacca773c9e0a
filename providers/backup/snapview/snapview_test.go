package snapview_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/backup/archiver"
	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/snapview"
	"github.com/stewardhq/steward/providers/backup/tree"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func snapshot(t *testing.T, repo *repository.Repository, src string) *repository.Snapshot {
	t.Helper()
	snap, _, err := archiver.New(repo, archiver.Options{Host: "h"}).Backup(context.Background(), []string{src})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestWalkListsInPathOrder(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	write(t, src, map[string]string{"b.txt": "b", "a/x": "x", "a/y/z": "zz", "a-b": "-"})
	repo, _ := archivertest.NewMemRepo(t)
	snap := snapshot(t, repo, src)

	var got []string
	err := snapview.Walk(context.Background(), repo, snap.Tree, "", func(p string, n *tree.Node) error {
		got = append(got, fmt.Sprintf("%s:%s:%d", p, n.Type, n.Size))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "src:dir:0 src/a:dir:0 src/a/x:file:1 src/a/y:dir:0 src/a/y/z:file:2 src/a-b:file:1 src/b.txt:file:1"
	if strings.Join(got, " ") != want {
		t.Errorf("walk:\n got %s\nwant %s", strings.Join(got, " "), want)
	}

	got = nil
	err = snapview.Walk(context.Background(), repo, snap.Tree, "/src/a/y", func(p string, n *tree.Node) error {
		got = append(got, p)
		return nil
	})
	if err != nil || strings.Join(got, " ") != "src/a/y src/a/y/z" {
		t.Errorf("walk of a subpath: %q, %v", got, err)
	}
	err = snapview.Walk(context.Background(), repo, snap.Tree, "src/nope", func(string, *tree.Node) error { return nil })
	if !errors.Is(err, snapview.ErrNotFound) {
		t.Errorf("walk of a missing path: %v", err)
	}
}

func TestDiffReportsAddedRemovedAndModified(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	write(t, src, map[string]string{"same": "s", "gone/f": "f", "edit": "old", "perm": "p", "d/keep": "k"})
	repo, _ := archivertest.NewMemRepo(t)
	a := snapshot(t, repo, src)

	if err := os.RemoveAll(filepath.Join(src, "gone")); err != nil {
		t.Fatal(err)
	}
	write(t, src, map[string]string{"edit": "new content", "new/n": "nn", "d/add": "a"})
	if err := os.Chmod(filepath.Join(src, "perm"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := snapshot(t, repo, src)

	var got []string
	err := snapview.Diff(context.Background(), repo, a.Tree, b.Tree, func(c snapview.Change) error {
		if c.Kind == snapview.Modified && c.New.Type == tree.Dir {
			return nil // directory mtimes change with their entries
		}
		size := uint64(0)
		if c.New != nil {
			size = c.New.Size
		}
		got = append(got, fmt.Sprintf("%s %s %v %d content=%v", c.Kind, c.Path, c.What, size, c.ContentChanged()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"added src/d/add [] 1 content=true",
		"modified src/edit [content size mtime] 11 content=true",
		"removed src/gone [] 0 content=true",
		"removed src/gone/f [] 0 content=true",
		"added src/new [] 0 content=true",
		"added src/new/n [] 2 content=true",
		"modified src/perm [mode] 1 content=false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	calls := 0
	_ = snapview.Diff(context.Background(), repo, a.Tree, a.Tree, func(snapview.Change) error { calls++; return nil })
	if calls != 0 {
		t.Errorf("diff of a snapshot with itself reported %d changes", calls)
	}
}
