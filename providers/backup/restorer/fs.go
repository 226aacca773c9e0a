package restorer

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/stewardhq/steward/providers/backup/tree"
)

// createSpecial makes the non-regular, non-directory node n at path.
// Devices need root; without it they are skipped with a warning by the
// caller (errNeedsRoot).
func createSpecial(path string, n *tree.Node, root bool) error {
	switch n.Type {
	case tree.Symlink:
		return os.Symlink(n.LinkTarget, path)
	case tree.FIFO:
		return unix.Mkfifo(path, 0o600)
	case tree.Device, tree.CharDev:
		if !root {
			return errNeedsRoot
		}
		mode := uint32(unix.S_IFBLK)
		if n.Type == tree.CharDev {
			mode = unix.S_IFCHR
		}
		return unix.Mknod(path, mode|0o600, int(n.Rdev))
	case tree.Socket:
		// A socket is only meaningful to the process that listened on it;
		// like tar and restic, recreate nothing.
		return errSkipped
	}
	return fmt.Errorf("%w: node type %q", errSkipped, n.Type)
}

var (
	errNeedsRoot = errors.New("restoring devices needs root")
	errSkipped   = errors.New("not restorable")
)

// setMetadata applies n's owner, mode, xattrs and times to path, in the
// order that keeps each one: chown clears setuid bits so it comes before
// chmod, and anything that changes the inode comes before the times.
// Owners are only restored when running as root (lchown of another uid
// fails otherwise). Symlinks get owner, xattrs and times but no mode.
func setMetadata(path string, n *tree.Node, root bool) error {
	if root {
		if err := os.Lchown(path, int(n.UID), int(n.GID)); err != nil {
			return fmt.Errorf("chown: %w", err)
		}
	}
	for _, x := range n.Xattrs {
		if err := unix.Lsetxattr(path, x.Name, x.Value, 0); err != nil && !errors.Is(err, unix.ENOTSUP) && !errors.Is(err, unix.EPERM) {
			return fmt.Errorf("set xattr %s: %w", x.Name, err)
		}
	}
	if n.Type != tree.Symlink {
		if err := unix.Fchmodat(unix.AT_FDCWD, path, n.Mode&0o7777, 0); err != nil {
			return fmt.Errorf("chmod: %w", err)
		}
	}
	ts := []unix.Timespec{unix.NsecToTimespec(n.AccessTime), unix.NsecToTimespec(n.ModTime)}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("set times: %w", err)
	}
	return nil
}

// holeBlock is the granularity of holes: filesystems allocate in blocks of
// 4 KiB, so a zero run shorter than that cannot be a hole anyway.
const holeBlock = 4096

// writeSparse writes data at off, leaving every all-zero, block-aligned
// run unwritten: chunks are far larger than blocks, and a sparse file's
// data often shares a chunk with its holes. The caller truncates the file
// to its size at the end, which makes a trailing hole.
func writeSparse(f *os.File, data []byte, off int64) error {
	start := -1 // start of the pending run of data to write
	for i := 0; i < len(data); {
		// Blocks are aligned to file offsets, not to the chunk.
		end := i + holeBlock - int((off+int64(i))%holeBlock)
		end = min(end, len(data))
		if allZero(data[i:end]) {
			if start >= 0 {
				if _, err := f.WriteAt(data[start:i], off+int64(start)); err != nil {
					return err
				}
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i = end
	}
	if start >= 0 {
		if _, err := f.WriteAt(data[start:], off+int64(start)); err != nil {
			return err
		}
	}
	return nil
}

// allZero reports whether b holds only zero bytes: such a chunk is a hole
// in a sparse file and is skipped rather than written.
func allZero(b []byte) bool {
	for len(b) >= 8 {
		if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
