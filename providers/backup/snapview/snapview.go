package snapview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/tree"
)

// Loader loads verified blobs; *repository.Repository is one.
type Loader interface {
	LoadBlob(ctx context.Context, t blob.Type, id blob.ID, buf []byte) ([]byte, error)
}

// ErrNotFound is matched by the error for a subpath that is not in the
// snapshot.
var ErrNotFound = errors.New("path not found in snapshot")

func loadTree(ctx context.Context, l Loader, id blob.ID) (*tree.Tree, error) {
	data, err := l.LoadBlob(ctx, blob.Tree, id, nil)
	if err != nil {
		return nil, fmt.Errorf("load tree %s: %w", id.Short(), err)
	}
	return tree.Decode(data)
}

// Walk calls fn for every node below the tree root, or below subpath
// ("data/etc", relative to the snapshot root; "" or "/" for everything),
// with its path relative to the snapshot root. The node at subpath itself
// is included. Returning an error from fn stops the walk with that error.
func Walk(ctx context.Context, l Loader, root blob.ID, subpath string, fn func(path string, n *tree.Node) error) error {
	subpath = strings.Trim(subpath, "/")
	if subpath == "" {
		return walkTree(ctx, l, root, "", fn)
	}
	id := root
	parts := strings.Split(subpath, "/")
	for i, name := range parts {
		t, err := loadTree(ctx, l, id)
		if err != nil {
			return err
		}
		n := t.Find(name)
		if n == nil {
			return fmt.Errorf("%s: %w", subpath, ErrNotFound)
		}
		if i == len(parts)-1 {
			if err := fn(subpath, n); err != nil {
				return err
			}
			if n.Type == tree.Dir {
				return walkTree(ctx, l, *n.Subtree, subpath, fn)
			}
			return nil
		}
		if n.Type != tree.Dir {
			return fmt.Errorf("%s: %w", subpath, ErrNotFound)
		}
		id = *n.Subtree
	}
	return nil
}

func walkTree(ctx context.Context, l Loader, id blob.ID, prefix string, fn func(string, *tree.Node) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t, err := loadTree(ctx, l, id)
	if err != nil {
		return fmt.Errorf("%s: %w", displayDir(prefix), err)
	}
	for _, n := range t.Nodes {
		p := join(prefix, n.Name)
		if err := fn(p, n); err != nil {
			return err
		}
		if n.Type == tree.Dir {
			if err := walkTree(ctx, l, *n.Subtree, p, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

func displayDir(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// Kind says how an entry differs between two snapshots.
type Kind string

// The kinds of change.
const (
	Added    Kind = "added"
	Removed  Kind = "removed"
	Modified Kind = "modified"
)

// Change is one path that differs between snapshot A and snapshot B.
type Change struct {
	Path string
	Kind Kind
	// Old is the node in A (nil when added), New the node in B (nil when
	// removed).
	Old, New *tree.Node
	// What lists the differences of a Modified entry: "type", "content",
	// "size", "mode", "owner", "mtime", "xattrs", "target", "device". A
	// change without "content" or "type" is metadata only.
	What []string
}

// ContentChanged reports whether the data (or the kind of object) differs,
// as opposed to metadata only.
func (c Change) ContentChanged() bool {
	for _, w := range c.What {
		if w == "content" || w == "type" || w == "target" {
			return true
		}
	}
	return c.Kind != Modified
}

// Diff calls fn for every path that differs between the trees a and b, in
// path order. Added and removed directories are followed by their contents.
func Diff(ctx context.Context, l Loader, a, b blob.ID, fn func(Change) error) error {
	if a == b {
		return nil
	}
	return diffTrees(ctx, l, a, b, "", fn)
}

func diffTrees(ctx context.Context, l Loader, a, b blob.ID, prefix string, fn func(Change) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ta, err := loadTree(ctx, l, a)
	if err != nil {
		return fmt.Errorf("%s: %w", displayDir(prefix), err)
	}
	tb, err := loadTree(ctx, l, b)
	if err != nil {
		return fmt.Errorf("%s: %w", displayDir(prefix), err)
	}
	i, j := 0, 0
	for i < len(ta.Nodes) || j < len(tb.Nodes) {
		var na, nb *tree.Node
		switch {
		case j == len(tb.Nodes) || i < len(ta.Nodes) && ta.Nodes[i].Name < tb.Nodes[j].Name:
			na = ta.Nodes[i]
			i++
		case i == len(ta.Nodes) || tb.Nodes[j].Name < ta.Nodes[i].Name:
			nb = tb.Nodes[j]
			j++
		default:
			na, nb = ta.Nodes[i], tb.Nodes[j]
			i++
			j++
		}
		if err := diffNodes(ctx, l, na, nb, prefix, fn); err != nil {
			return err
		}
	}
	return nil
}

func diffNodes(ctx context.Context, l Loader, na, nb *tree.Node, prefix string, fn func(Change) error) error {
	switch {
	case nb == nil:
		return emitAll(ctx, l, Removed, na, prefix, fn)
	case na == nil:
		return emitAll(ctx, l, Added, nb, prefix, fn)
	}
	p := join(prefix, na.Name)
	what := compare(na, nb)
	if na.Type != nb.Type {
		// A different kind of object: report it as removed and added so
		// that a directory's old and new contents are listed.
		if err := emitAll(ctx, l, Removed, na, prefix, fn); err != nil {
			return err
		}
		return emitAll(ctx, l, Added, nb, prefix, fn)
	}
	if len(what) > 0 {
		if err := fn(Change{Path: p, Kind: Modified, Old: na, New: nb, What: what}); err != nil {
			return err
		}
	}
	if na.Type == tree.Dir && *na.Subtree != *nb.Subtree {
		return diffTrees(ctx, l, *na.Subtree, *nb.Subtree, p, fn)
	}
	return nil
}

// emitAll reports n and, for a directory, everything below it.
func emitAll(ctx context.Context, l Loader, kind Kind, n *tree.Node, prefix string, fn func(Change) error) error {
	p := join(prefix, n.Name)
	c := Change{Path: p, Kind: kind}
	if kind == Added {
		c.New = n
	} else {
		c.Old = n
	}
	if err := fn(c); err != nil {
		return err
	}
	if n.Type != tree.Dir {
		return nil
	}
	return walkTree(ctx, l, *n.Subtree, p, func(cp string, cn *tree.Node) error {
		c := Change{Path: cp, Kind: kind}
		if kind == Added {
			c.New = cn
		} else {
			c.Old = cn
		}
		return fn(c)
	})
}

// compare lists what differs between two nodes of the same name. Access
// and change times are ignored: they change without anyone editing a file.
// A directory's own entry is compared on its metadata only; its contents
// are compared entry by entry.
func compare(a, b *tree.Node) []string {
	var what []string
	if a.Type != b.Type {
		return []string{"type"}
	}
	if a.Type == tree.File && !equalIDs(a.Content, b.Content) {
		what = append(what, "content")
	}
	if a.Size != b.Size {
		what = append(what, "size")
	}
	if a.Mode != b.Mode {
		what = append(what, "mode")
	}
	if a.UID != b.UID || a.GID != b.GID || a.User != b.User || a.Group != b.Group {
		what = append(what, "owner")
	}
	if a.ModTime != b.ModTime {
		what = append(what, "mtime")
	}
	if !equalXattrs(a.Xattrs, b.Xattrs) {
		what = append(what, "xattrs")
	}
	if a.LinkTarget != b.LinkTarget {
		what = append(what, "target")
	}
	if a.Rdev != b.Rdev {
		what = append(what, "device")
	}
	return what
}

func equalIDs(a, b []blob.ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalXattrs(a, b []tree.Xattr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}
