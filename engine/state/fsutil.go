package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// writeTempFile writes data to a new file in dir, named after base so a
// stray one left by a crash is recognisable, and fsyncs it. The caller
// renames or links it into place, and removes it on failure. Being in the
// same directory as the destination keeps the later rename on one
// filesystem, which is what makes it atomic.
func writeTempFile(dir, base string, data []byte, perm os.FileMode) (name string, err error) {
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", err
	}
	name = f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(name)
		}
	}()
	if err := f.Chmod(perm); err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	// Without this a crash after the rename could leave the new name
	// pointing at an empty or partial file on filesystems that reorder
	// metadata and data writes.
	if err := f.Sync(); err != nil {
		return "", err
	}
	return name, f.Close()
}

// atomicWriteFile replaces path with data so that a reader, or the file
// after a crash, has either the old contents or the new, never a mix.
func atomicWriteFile(path string, data []byte, perm os.FileMode) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := writeTempFile(dir, base, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename or link in dir durable: until the directory itself
// is synced, a crash may forget the new name.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		// Some filesystems (and platforms) cannot sync a directory; there is
		// nothing better to do there, so do not fail the write for it.
		if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
			return nil
		}
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}
