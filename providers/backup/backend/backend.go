// Package backend defines where a backup repository's files live and how
// they are stored: the local filesystem, an SFTP server, and (later) object
// stores. A backend knows nothing about encryption, packs or snapshots; it
// stores opaque, immutable, named files by type.
package backend

import (
	"context"
	"errors"
	"io"
)

// FileType is the kind of a repository file. Each type is a separate
// namespace (a directory on filesystems, a key prefix on object stores).
type FileType string

// The repository's file types.
const (
	ConfigFile   FileType = "config"
	KeyFile      FileType = "keys"
	PackFile     FileType = "data"
	IndexFile    FileType = "index"
	SnapshotFile FileType = "snapshots"
	LockFile     FileType = "locks"
	PolicyFile   FileType = "policies"
)

// FileTypes lists every FileType, for backends that create a layout up front.
var FileTypes = []FileType{ConfigFile, KeyFile, PackFile, IndexFile, SnapshotFile, LockFile, PolicyFile}

// Handle names one file. ConfigFile has a single file whose Name is "".
type Handle struct {
	Type FileType
	Name string
}

func (h Handle) String() string {
	if h.Name == "" {
		return string(h.Type)
	}
	return string(h.Type) + "/" + h.Name
}

// FileInfo describes a stored file.
type FileInfo struct {
	Name string
	Size int64
}

// ErrNotExist is matched (errors.Is) by the error a backend returns for a
// file that does not exist.
var ErrNotExist = errors.New("file does not exist")

// Backend stores a repository's files. Files are written once and never
// modified; Save must make a file visible only when it is complete (write to
// a temporary name, then rename), so that a crash never leaves a truncated
// file under its final name. Implementations must be safe for concurrent use.
type Backend interface {
	// Location describes where the repository is, for messages
	// ("/srv/backup", "sftp://backup@nas/srv/backup"). It never includes a
	// password.
	Location() string
	// Create makes the repository's layout. It fails if a config file
	// already exists.
	Create(ctx context.Context) error
	// Save stores the file h with the content of rd, atomically. Saving a
	// file that already exists replaces it only for LockFile; for the other
	// types it is an error, since their names are content hashes or ids.
	Save(ctx context.Context, h Handle, rd io.Reader) error
	// Load calls fn with a reader of length bytes of h starting at offset;
	// length 0 means up to the end. fn must not keep the reader.
	Load(ctx context.Context, h Handle, length int, offset int64, fn func(rd io.Reader) error) error
	// Stat describes h.
	Stat(ctx context.Context, h Handle) (FileInfo, error)
	// List calls fn for every file of type t, in no particular order.
	List(ctx context.Context, t FileType, fn func(FileInfo) error) error
	// Remove deletes h. Removing a file that does not exist is an error
	// matching ErrNotExist.
	Remove(ctx context.Context, h Handle) error
	// Close releases connections.
	Close() error
}
