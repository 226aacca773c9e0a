// Package tree defines the directory listings a backup snapshot is made of
// and how they are stored as blobs.
//
// A Tree is one directory: its entries (Nodes) sorted by name. A Node holds
// everything needed to recreate one filesystem object bit for bit: its name
// as raw bytes (names that are not valid UTF-8 are kept losslessly), type,
// permission bits including setuid/setgid/sticky, owner ids and names,
// timestamps in nanoseconds, size, inode, device and link count (used to
// detect unchanged files and hard links), symlink target, device number,
// user.* extended attributes, and either the ids of its content blobs in
// order (files) or the id of its subtree blob (directories).
//
// Trees are encoded as JSON, one object per tree, so that a listing can be
// read with standard tools after decryption; FORMAT.md ("Trees") documents
// the encoding. Capture turns an os.FileInfo into a Node; it records a
// symlink's atime as its mtime, because reading the link (which a backup
// must) changes its atime, and a changing node would make every backup
// store a new tree for the directory holding it.
package tree
