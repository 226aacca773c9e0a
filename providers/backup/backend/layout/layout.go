// Package layout is where a backup repository's files live on a filesystem
// (the local and SFTP backends share it), as slash-separated paths relative
// to the repository's root:
//
//	config
//	keys/<name>
//	data/XX/<name>   (XX: the first two characters of the name)
//	index/<name>
//	snapshots/<name>
//	locks/<name>
//	policies/<name>
//
// Pack files are spread over 256 subdirectories, as restic does, so that no
// directory holds millions of entries.
package layout

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/stewardhq/steward/providers/backup/backend"
)

// TempPrefix starts the name of a file being written. Backends skip such
// names when listing; final names (hex ids, key names) never start with it.
const TempPrefix = ".tmp-"

// Path returns the slash-separated path of h relative to the repository's
// root. h must have passed Check.
func Path(h backend.Handle) string {
	switch h.Type {
	case backend.ConfigFile:
		return "config"
	case backend.PackFile:
		return path.Join(string(h.Type), h.Name[:2], h.Name)
	default:
		return path.Join(string(h.Type), h.Name)
	}
}

// Dirs lists the directories Create makes, parents first: one per file type
// that has names, and the 256 pack subdirectories 00 to ff.
func Dirs() []string {
	var dirs []string
	for _, t := range backend.FileTypes {
		if t == backend.ConfigFile {
			continue
		}
		dirs = append(dirs, string(t))
		if t == backend.PackFile {
			for i := 0; i < 256; i++ {
				dirs = append(dirs, fmt.Sprintf("%s/%02x", t, i))
			}
		}
	}
	return dirs
}

// KnownType reports whether t is one of backend.FileTypes.
func KnownType(t backend.FileType) bool {
	for _, k := range backend.FileTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Check rejects a handle that does not name a file of the layout: an unknown
// type, a config handle with a name, a missing name, or a name that could
// leave its directory.
func Check(h backend.Handle) error {
	if !KnownType(h.Type) {
		return fmt.Errorf("invalid file handle %q: unknown file type %q", h, h.Type)
	}
	if h.Type == backend.ConfigFile {
		if h.Name != "" {
			return fmt.Errorf("invalid file handle %q: the config file has no name", h)
		}
		return nil
	}
	switch {
	case h.Name == "":
		return fmt.Errorf("invalid file handle %q: no name", h)
	case strings.ContainsAny(h.Name, `/\`) || h.Name == "." || h.Name == "..":
		return fmt.Errorf("invalid file handle %q: a name cannot contain a path separator", h)
	case strings.HasPrefix(h.Name, TempPrefix):
		return fmt.Errorf("invalid file handle %q: names starting with %q are reserved for files being written", h, TempPrefix)
	case h.Type == backend.PackFile && len(h.Name) < 2:
		return fmt.Errorf("invalid file handle %q: a pack file's name has at least two characters", h)
	}
	return nil
}

// ContextReader returns a reader of rd that fails with ctx's error once ctx
// is done, so that copying a large file stops when it is cancelled.
func ContextReader(ctx context.Context, rd io.Reader) io.Reader {
	return &contextReader{ctx: ctx, rd: rd}
}

type contextReader struct {
	ctx context.Context
	rd  io.Reader
}

func (r *contextReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.rd.Read(p)
}
