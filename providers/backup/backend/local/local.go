package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/layout"
)

// Modes of what the backend creates. Files are never modified after they are
// written, so they are read-only even for their owner.
const (
	dirMode  os.FileMode = 0o700
	fileMode os.FileMode = 0o400
)

// Backend is a repository in a local directory. It is safe for concurrent
// use.
type Backend struct {
	root string
}

var _ backend.Backend = (*Backend)(nil)

// New returns the backend of the repository in directory root. It does no
// I/O: Create makes the layout, and the other methods fail with the path
// they could not reach.
func New(root string) *Backend {
	return &Backend{root: filepath.Clean(root)}
}

// Location returns the repository's directory.
func (b *Backend) Location() string { return b.root }

// Path returns the file name of h (for messages and tests).
func (b *Backend) Path(h backend.Handle) (string, error) {
	if err := layout.Check(h); err != nil {
		return "", err
	}
	return b.path(h), nil
}

func (b *Backend) path(h backend.Handle) string {
	return filepath.Join(b.root, filepath.FromSlash(layout.Path(h)))
}

func (b *Backend) dir(t backend.FileType) string {
	return filepath.Join(b.root, string(t))
}

// Create makes the repository's directories, including the 256 pack
// subdirectories. It fails if a config file already exists.
func (b *Backend) Create(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cfg := b.path(backend.Handle{Type: backend.ConfigFile})
	if _, err := os.Lstat(cfg); err == nil {
		return fmt.Errorf("create repository in %s: %s already exists", b.root, cfg)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("create repository in %s: %w", b.root, err)
	}
	if err := os.MkdirAll(b.root, dirMode); err != nil {
		return fmt.Errorf("create repository: %w", err)
	}
	for _, dir := range layout.Dirs() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(b.root, filepath.FromSlash(dir)), dirMode); err != nil {
			return fmt.Errorf("create repository: %w", err)
		}
	}
	return syncDir(b.root)
}

// Save writes rd to a temporary file beside h's final name, syncs it and
// renames it into place. A file other than a lock that already exists is
// not replaced.
func (b *Backend) Save(ctx context.Context, h backend.Handle, rd io.Reader) (err error) {
	if err := layout.Check(h); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	final := b.path(h)
	dir := filepath.Dir(final)
	if h.Type != backend.LockFile {
		if _, err := os.Lstat(final); err == nil {
			return fmt.Errorf("save %s: %s already exists", h, final)
		}
	}
	f, err := os.CreateTemp(dir, layout.TempPrefix+filepath.Base(final)+"-")
	if errors.Is(err, fs.ErrNotExist) && h.Type == backend.PackFile {
		// A repository whose pack subdirectories were removed by hand (or
		// never made by another tool): make the one this file needs.
		if mkErr := os.MkdirAll(dir, dirMode); mkErr == nil {
			f, err = os.CreateTemp(dir, layout.TempPrefix+filepath.Base(final)+"-")
		}
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", h, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err = io.Copy(f, layout.ContextReader(ctx, rd)); err != nil {
		return fmt.Errorf("save %s: write %s: %w", h, tmp, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("save %s: sync %s: %w", h, tmp, err)
	}
	if err = f.Chmod(fileMode); err != nil {
		return fmt.Errorf("save %s: %w", h, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("save %s: close %s: %w", h, tmp, err)
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if h.Type == backend.LockFile {
		err = os.Rename(tmp, final)
	} else {
		err = linkNoReplace(tmp, final)
	}
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("save %s: %s already exists", h, final)
		}
		return fmt.Errorf("save %s: %w", h, err)
	}
	return syncDir(dir)
}

// linkNoReplace moves tmp to final unless final exists, atomically: two
// writers of the same name cannot both succeed. Filesystems without hard
// links fall back to a check then a rename.
func linkNoReplace(tmp, final string) error {
	err := os.Link(tmp, final)
	if err == nil {
		return os.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) && (errno == syscall.EPERM || errno == syscall.ENOTSUP || errno == syscall.EXDEV) {
		if _, statErr := os.Lstat(final); statErr == nil {
			return fs.ErrExist
		}
		return os.Rename(tmp, final)
	}
	return err
}

// Load calls fn with length bytes of h from offset (to the end when length
// is 0). A range that goes past the end of the file is an error.
func (b *Backend) Load(ctx context.Context, h backend.Handle, length int, offset int64, fn func(rd io.Reader) error) error {
	if err := layout.Check(h); err != nil {
		return err
	}
	if length < 0 || offset < 0 {
		return fmt.Errorf("load %s: invalid range (length %d, offset %d)", h, length, offset)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	path := b.path(h)
	f, err := os.Open(path)
	if err != nil {
		return b.fileError("load", h, path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("load %s: %w", h, err)
	}
	end := offset + int64(length)
	if length == 0 {
		end = fi.Size()
	}
	if offset > fi.Size() || end > fi.Size() {
		return fmt.Errorf("load %s: bytes %d to %d requested, but %s has %d: %w", h, offset, end, path, fi.Size(), io.ErrUnexpectedEOF)
	}
	rd := io.NewSectionReader(f, offset, end-offset)
	return fn(layout.ContextReader(ctx, rd))
}

// Stat describes h.
func (b *Backend) Stat(ctx context.Context, h backend.Handle) (backend.FileInfo, error) {
	if err := layout.Check(h); err != nil {
		return backend.FileInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return backend.FileInfo{}, err
	}
	path := b.path(h)
	fi, err := os.Lstat(path)
	if err != nil {
		return backend.FileInfo{}, b.fileError("stat", h, path, err)
	}
	return backend.FileInfo{Name: h.Name, Size: fi.Size()}, nil
}

// List calls fn for every file of type t. A missing type directory lists
// nothing (an older layout, or Create not yet run).
func (b *Backend) List(ctx context.Context, t backend.FileType, fn func(backend.FileInfo) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t == backend.ConfigFile {
		fi, err := os.Lstat(b.path(backend.Handle{Type: t}))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", t, err)
		}
		return fn(backend.FileInfo{Size: fi.Size()})
	}
	if !layout.KnownType(t) {
		return fmt.Errorf("list: unknown file type %q", t)
	}
	if t == backend.PackFile {
		shards, err := readDir(b.dir(t))
		if err != nil {
			return fmt.Errorf("list %s: %w", t, err)
		}
		for _, shard := range shards {
			if !shard.IsDir() {
				continue
			}
			if err := b.listDir(ctx, filepath.Join(b.dir(t), shard.Name()), fn); err != nil {
				return fmt.Errorf("list %s: %w", t, err)
			}
		}
		return nil
	}
	if err := b.listDir(ctx, b.dir(t), fn); err != nil {
		return fmt.Errorf("list %s: %w", t, err)
	}
	return nil
}

func (b *Backend) listDir(ctx context.Context, dir string, fn func(backend.FileInfo) error) error {
	entries, err := readDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), layout.TempPrefix) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the directory was read
		}
		if err != nil {
			return err
		}
		if err := fn(backend.FileInfo{Name: e.Name(), Size: fi.Size()}); err != nil {
			return err
		}
	}
	return nil
}

// readDir reads a directory's entries; a missing directory has none.
func readDir(dir string) ([]os.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

// Remove deletes h.
func (b *Backend) Remove(ctx context.Context, h backend.Handle) error {
	if err := layout.Check(h); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	path := b.path(h)
	if err := os.Remove(path); err != nil {
		return b.fileError("remove", h, path, err)
	}
	return nil
}

// Close does nothing: a local backend holds no connections.
func (b *Backend) Close() error { return nil }

// fileError wraps err, making a missing file match backend.ErrNotExist.
func (b *Backend) fileError(op string, h backend.Handle, path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s %s: %s: %w", op, h, path, backend.ErrNotExist)
	}
	return fmt.Errorf("%s %s: %w", op, h, err)
}

// syncDir makes a directory's entries (a rename, new subdirectories)
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		var errno syscall.Errno
		// Some filesystems (and /dev/shm on old kernels) refuse fsync on a
		// directory; their renames are as durable as they will get.
		if errors.As(err, &errno) && (errno == syscall.EINVAL || errno == syscall.ENOTSUP) {
			return nil
		}
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
