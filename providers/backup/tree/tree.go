package tree

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Tree is one directory listing, its nodes sorted by name (bytewise).
type Tree struct {
	Nodes []*Node `json:"nodes"`
}

// Sort orders the nodes by name, as Encode requires.
func (t *Tree) Sort() {
	sort.Slice(t.Nodes, func(i, j int) bool { return t.Nodes[i].Name < t.Nodes[j].Name })
}

// Find returns the node called name, or nil.
func (t *Tree) Find(name string) *Node {
	i := sort.Search(len(t.Nodes), func(i int) bool { return t.Nodes[i].Name >= name })
	if i < len(t.Nodes) && t.Nodes[i].Name == name {
		return t.Nodes[i]
	}
	return nil
}

// Encode returns the blob for t. Nodes must be sorted with unique names,
// so that equal listings always give equal blobs (and so one blob id).
func (t *Tree) Encode() ([]byte, error) {
	for i := 1; i < len(t.Nodes); i++ {
		if t.Nodes[i-1].Name >= t.Nodes[i].Name {
			return nil, fmt.Errorf("encode tree: nodes not sorted or duplicated at %q", t.Nodes[i].Name)
		}
	}
	if t.Nodes == nil {
		t = &Tree{Nodes: []*Node{}}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(t); err != nil {
		return nil, fmt.Errorf("encode tree: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode parses a tree blob and checks that it is well formed: sorted unique
// names that are usable as path components, and directories with subtrees.
func Decode(blob []byte) (*Tree, error) {
	var t Tree
	if err := json.Unmarshal(blob, &t); err != nil {
		return nil, fmt.Errorf("decode tree: %w", err)
	}
	for i, n := range t.Nodes {
		if n == nil {
			return nil, fmt.Errorf("decode tree: node %d is null", i)
		}
		if err := ValidName(n.Name); err != nil {
			return nil, fmt.Errorf("decode tree: %w", err)
		}
		if i > 0 && t.Nodes[i-1].Name >= n.Name {
			return nil, fmt.Errorf("decode tree: nodes not sorted or duplicated at %q", n.Name)
		}
		if n.Type == Dir && n.Subtree == nil {
			return nil, fmt.Errorf("decode tree: directory %q has no subtree", n.Name)
		}
	}
	return &t, nil
}

// ValidName reports whether name can be a single path component. A
// repository is untrusted input to a restore: a name like "../x" must never
// lead outside the target directory.
func ValidName(name string) error {
	switch {
	case name == "", name == ".", name == "..":
		return fmt.Errorf("invalid node name %q", name)
	case bytes.ContainsAny([]byte(name), "/\x00"):
		return fmt.Errorf("invalid node name %q: contains '/' or NUL", name)
	}
	return nil
}
