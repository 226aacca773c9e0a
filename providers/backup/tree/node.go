package tree

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/stewardhq/steward/providers/backup/blob"
)

// Type is the kind of filesystem object a Node describes.
type Type string

// The node types.
const (
	File      Type = "file"
	Dir       Type = "dir"
	Symlink   Type = "symlink"
	Device    Type = "dev" // block device
	CharDev   Type = "chardev"
	FIFO      Type = "fifo"
	Socket    Type = "socket"
	Irregular Type = "irregular" // anything else; recorded, never restored
)

// Xattr is one extended attribute.
type Xattr struct {
	Name  string
	Value []byte
}

// Node is one entry of a directory. Name and LinkTarget are byte strings:
// Go strings may hold bytes that are not UTF-8, and the encoding keeps them.
type Node struct {
	Name string
	Type Type
	// Mode holds the Unix permission bits including setuid (04000), setgid
	// (02000) and sticky (01000); the type is in Type, not here.
	Mode  uint32
	UID   uint32
	GID   uint32
	User  string
	Group string
	// Times are nanoseconds since the Unix epoch.
	ModTime    int64
	ChangeTime int64
	AccessTime int64
	Size       uint64
	Inode      uint64
	// DeviceID is the st_dev of the filesystem holding the node; with Inode
	// it identifies hard links.
	DeviceID   uint64
	Links      uint64
	LinkTarget string
	// Rdev is the device number of a block or character device.
	Rdev   uint64
	Xattrs []Xattr
	// Content lists a file's data blobs in file order.
	Content []blob.ID
	// Subtree is the tree blob of a directory.
	Subtree *blob.ID
}

// jsonNode is Node's on-disk shape. Byte strings that are valid UTF-8 are
// written as JSON strings; others go into the *_b64 twin (standard base64)
// because JSON strings cannot hold arbitrary bytes.
type jsonNode struct {
	Name          string      `json:"name,omitempty"`
	NameB64       string      `json:"name_b64,omitempty"`
	Type          Type        `json:"type"`
	Mode          uint32      `json:"mode"`
	UID           uint32      `json:"uid"`
	GID           uint32      `json:"gid"`
	User          string      `json:"user,omitempty"`
	Group         string      `json:"group,omitempty"`
	ModTime       int64       `json:"mtime"`
	ChangeTime    int64       `json:"ctime"`
	AccessTime    int64       `json:"atime"`
	Size          uint64      `json:"size,omitempty"`
	Inode         uint64      `json:"inode,omitempty"`
	DeviceID      uint64      `json:"device_id,omitempty"`
	Links         uint64      `json:"links,omitempty"`
	LinkTarget    string      `json:"linktarget,omitempty"`
	LinkTargetB64 string      `json:"linktarget_b64,omitempty"`
	Rdev          uint64      `json:"rdev,omitempty"`
	Xattrs        []jsonXattr `json:"xattrs,omitempty"`
	Content       []blob.ID   `json:"content,omitempty"`
	Subtree       *blob.ID    `json:"subtree,omitempty"`
}

type jsonXattr struct {
	Name  string `json:"name"`
	Value []byte `json:"value"`
}

func splitBytes(s string) (plain, b64 string) {
	if utf8.ValidString(s) {
		return s, ""
	}
	return "", base64.StdEncoding.EncodeToString([]byte(s))
}

func joinBytes(field, plain, b64 string) (string, error) {
	if b64 == "" {
		return plain, nil
	}
	if plain != "" {
		return "", fmt.Errorf("both %s and %s_b64 are set", field, field)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", fmt.Errorf("%s_b64: %w", field, err)
	}
	return string(raw), nil
}

// MarshalJSON encodes the node losslessly.
func (n *Node) MarshalJSON() ([]byte, error) {
	j := jsonNode{
		Type: n.Type, Mode: n.Mode, UID: n.UID, GID: n.GID, User: n.User, Group: n.Group,
		ModTime: n.ModTime, ChangeTime: n.ChangeTime, AccessTime: n.AccessTime,
		Size: n.Size, Inode: n.Inode, DeviceID: n.DeviceID, Links: n.Links, Rdev: n.Rdev,
		Content: n.Content, Subtree: n.Subtree,
	}
	j.Name, j.NameB64 = splitBytes(n.Name)
	j.LinkTarget, j.LinkTargetB64 = splitBytes(n.LinkTarget)
	for _, x := range n.Xattrs {
		j.Xattrs = append(j.Xattrs, jsonXattr{Name: x.Name, Value: x.Value})
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes a node written by MarshalJSON.
func (n *Node) UnmarshalJSON(data []byte) error {
	var j jsonNode
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	name, err := joinBytes("name", j.Name, j.NameB64)
	if err != nil {
		return err
	}
	target, err := joinBytes("linktarget", j.LinkTarget, j.LinkTargetB64)
	if err != nil {
		return err
	}
	*n = Node{
		Name: name, Type: j.Type, Mode: j.Mode, UID: j.UID, GID: j.GID, User: j.User, Group: j.Group,
		ModTime: j.ModTime, ChangeTime: j.ChangeTime, AccessTime: j.AccessTime,
		Size: j.Size, Inode: j.Inode, DeviceID: j.DeviceID, Links: j.Links, LinkTarget: target,
		Rdev: j.Rdev, Content: j.Content, Subtree: j.Subtree,
	}
	for _, x := range j.Xattrs {
		n.Xattrs = append(n.Xattrs, Xattr{Name: x.Name, Value: x.Value})
	}
	return nil
}

// SameFile reports whether the file described by n is unchanged in cur as far
// as metadata can tell (size, mtime, ctime, inode, device): the test used to
// reuse a parent snapshot's content without reading the file.
func (n *Node) SameFile(cur *Node) bool {
	return n.Type == File && cur.Type == File &&
		n.Size == cur.Size && n.ModTime == cur.ModTime && n.ChangeTime == cur.ChangeTime &&
		n.Inode == cur.Inode && n.DeviceID == cur.DeviceID
}
