package backuptest

import (
	"bytes"
	"context"
	"io"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/restic/chunker"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/tree"
)

// Backup stores files (slash-separated relative path -> content) as a
// snapshot of "/data" and returns it. Directories are implied by paths.
func Backup(t testing.TB, repo *repository.Repository, files map[string][]byte) *repository.Snapshot {
	t.Helper()
	ctx := context.Background()
	root, err := saveDir(ctx, repo, files, "")
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	sn := repository.NewSnapshot([]string{"/data"}, root)
	if _, err := repo.SaveSnapshot(ctx, sn); err != nil {
		t.Fatalf("backup: %v", err)
	}
	return sn
}

func saveDir(ctx context.Context, repo *repository.Repository, files map[string][]byte, dir string) (blob.ID, error) {
	children := map[string]bool{}
	var names []string
	for p := range files {
		if dir != "" && !strings.HasPrefix(p, dir+"/") {
			continue
		}
		rest := strings.TrimPrefix(p, dir+"/")
		if dir == "" {
			rest = p
		}
		name, _, isDir := strings.Cut(rest, "/")
		if _, ok := children[name]; !ok {
			names = append(names, name)
		}
		children[name] = children[name] || isDir
	}
	sort.Strings(names)
	var tr tree.Tree
	for _, name := range names {
		full := path.Join(dir, name)
		n := &tree.Node{Name: name, Mode: 0o644, ModTime: 1700000000e9}
		if children[name] {
			sub, err := saveDir(ctx, repo, files, full)
			if err != nil {
				return blob.ID{}, err
			}
			tid := sub
			n.Type, n.Mode, n.Subtree = tree.Dir, 0o755, &tid
		} else {
			n.Type, n.Size = tree.File, uint64(len(files[full]))
			ids, err := saveContent(ctx, repo, files[full])
			if err != nil {
				return blob.ID{}, err
			}
			for _, id := range ids {
				n.Content = append(n.Content, id)
			}
		}
		tr.Nodes = append(tr.Nodes, n)
	}
	data, err := tr.Encode()
	if err != nil {
		return blob.ID{}, err
	}
	id, _, err := repo.SaveBlob(ctx, blob.Tree, data)
	return id, err
}

func saveContent(ctx context.Context, repo *repository.Repository, content []byte) ([]blob.ID, error) {
	ch := chunker.New(bytes.NewReader(content), repo.Config().ChunkerPolynomial)
	buf := make([]byte, chunker.MaxSize)
	var ids []blob.ID
	for {
		c, err := ch.Next(buf)
		if err == io.EOF {
			return ids, nil
		}
		if err != nil {
			return nil, err
		}
		id, _, err := repo.SaveBlob(ctx, blob.Data, c.Data)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
}

// Restore reads every file of sn back (verifying every blob) and returns
// path -> content, failing the test on any error.
func Restore(t testing.TB, repo *repository.Repository, sn *repository.Snapshot) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var walk func(id blob.ID, dir string)
	walk = func(id blob.ID, dir string) {
		data, err := repo.LoadBlob(context.Background(), blob.Tree, id, nil)
		if err != nil {
			t.Fatalf("restore %s: tree %s: %v", dir, id.Short(), err)
		}
		tr, err := tree.Decode(data)
		if err != nil {
			t.Fatalf("restore %s: %v", dir, err)
		}
		for _, n := range tr.Nodes {
			p := path.Join(dir, n.Name)
			if n.Subtree != nil {
				walk(*n.Subtree, p)
				continue
			}
			var content []byte
			for _, c := range n.Content {
				b, err := repo.LoadBlob(context.Background(), blob.Data, c, nil)
				if err != nil {
					t.Fatalf("restore %s: %v", p, err)
				}
				content = append(content, b...)
			}
			out[p] = content
		}
	}
	walk(sn.Tree, "")
	return out
}
