// Package blob holds the small types every part of a backup repository
// shares: the ID that names a blob or a repository file, the blob Type (data
// or tree), and the Handle that pairs them. It has no dependencies so that
// the tree, pack, index and repository packages can all use it.
package blob
