package tree

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Owners turns uids and gids into user and group names, remembering each
// answer: a backup asks about the same few owners millions of times. The
// zero value is ready to use and safe for concurrent use.
type Owners struct {
	mu     sync.Mutex
	users  map[uint32]string
	groups map[uint32]string
}

// User returns the name of uid, or "" if it has none.
func (o *Owners) User(uid uint32) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if name, ok := o.users[uid]; ok {
		return name
	}
	name := ""
	if u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10)); err == nil {
		name = u.Username
	}
	if o.users == nil {
		o.users = map[uint32]string{}
	}
	o.users[uid] = name
	return name
}

// Group returns the name of gid, or "" if it has none.
func (o *Owners) Group(gid uint32) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if name, ok := o.groups[gid]; ok {
		return name
	}
	name := ""
	if g, err := user.LookupGroupId(strconv.FormatUint(uint64(gid), 10)); err == nil {
		name = g.Name
	}
	if o.groups == nil {
		o.groups = map[uint32]string{}
	}
	o.groups[gid] = name
	return name
}

// Capture describes the object at path, whose Lstat result is fi, as a
// Node named fi.Name(). It reads the symlink target and the user.* extended
// attributes; Content and Subtree are left for the caller.
func Capture(path string, fi fs.FileInfo, owners *Owners) (*Node, error) {
	n, err := Stat(path, fi, owners)
	if err != nil {
		return nil, err
	}
	if err := n.ReadExtras(path); err != nil {
		return nil, err
	}
	return n, nil
}

// Stat is Capture without reading anything beyond fi: the symlink target
// and extended attributes are left empty. A backup uses it with
// ReuseExtras to avoid two system calls per unchanged file.
func Stat(path string, fi fs.FileInfo, owners *Owners) (*Node, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, fmt.Errorf("capture %s: no Unix metadata", path)
	}
	n := &Node{
		Name:       fi.Name(),
		Type:       typeOf(fi.Mode()),
		Mode:       uint32(st.Mode) & 0o7777,
		UID:        st.Uid,
		GID:        st.Gid,
		ModTime:    st.Mtim.Nano(),
		ChangeTime: st.Ctim.Nano(),
		AccessTime: st.Atim.Nano(),
		Inode:      st.Ino,
		DeviceID:   uint64(st.Dev),
		Links:      uint64(st.Nlink),
	}
	if owners != nil {
		n.User = owners.User(n.UID)
		n.Group = owners.Group(n.GID)
	}
	switch n.Type {
	case File:
		n.Size = uint64(st.Size)
	case Symlink:
		// Reading a link updates its atime and no flag prevents it, so a
		// recorded atime would differ on every backup and defeat tree
		// reuse. Keep the mtime in its place.
		n.AccessTime = n.ModTime
	case Device, CharDev:
		n.Rdev = uint64(st.Rdev)
	}
	return n, nil
}

// ReadExtras reads what Stat leaves out: the symlink target and the user.*
// extended attributes of path.
func (n *Node) ReadExtras(path string) error {
	if n.Type == Symlink {
		target, err := os.Readlink(path)
		if err != nil {
			return fmt.Errorf("capture %s: %w", path, err)
		}
		n.LinkTarget = target
	}
	xattrs, err := readXattrs(path)
	if err != nil {
		return fmt.Errorf("capture %s: %w", path, err)
	}
	n.Xattrs = xattrs
	return nil
}

// ReuseExtras copies the symlink target and extended attributes from prev,
// an earlier capture of the same object, when nothing says they changed:
// same type, inode, device and ctime. Setting an xattr updates the ctime,
// and a symlink's target cannot change without a new inode. It reports
// whether it copied; if not, call ReadExtras.
func (n *Node) ReuseExtras(prev *Node) bool {
	if prev == nil || prev.Type != n.Type || prev.Inode != n.Inode || prev.DeviceID != n.DeviceID || prev.ChangeTime != n.ChangeTime {
		return false
	}
	n.LinkTarget = prev.LinkTarget
	n.Xattrs = prev.Xattrs
	return true
}

func typeOf(m fs.FileMode) Type {
	switch {
	case m.IsRegular():
		return File
	case m.IsDir():
		return Dir
	case m&fs.ModeSymlink != 0:
		return Symlink
	case m&fs.ModeNamedPipe != 0:
		return FIFO
	case m&fs.ModeSocket != 0:
		return Socket
	case m&fs.ModeCharDevice != 0:
		return CharDev
	case m&fs.ModeDevice != 0:
		return Device
	}
	return Irregular
}

// readXattrs returns the user.* attributes of path (not following
// symlinks). Other namespaces need privileges or belong to the system
// (security.selinux, system.posix_acl_*) and are left alone. A filesystem
// without xattr support simply has none.
func readXattrs(path string) ([]Xattr, error) {
	size, err := unix.Llistxattr(path, nil)
	if err != nil || size == 0 {
		if err == nil || ignorableXattrError(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list xattrs: %w", err)
	}
	buf := make([]byte, size)
	size, err = unix.Llistxattr(path, buf)
	if err != nil {
		if ignorableXattrError(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list xattrs: %w", err)
	}
	var out []Xattr
	for _, name := range bytes.Split(buf[:size], []byte{0}) {
		if !bytes.HasPrefix(name, []byte("user.")) {
			continue
		}
		vsize, err := unix.Lgetxattr(path, string(name), nil)
		if err != nil {
			if ignorableXattrError(err) {
				continue
			}
			return nil, fmt.Errorf("get xattr %s: %w", name, err)
		}
		val := make([]byte, vsize)
		vsize, err = unix.Lgetxattr(path, string(name), val)
		if err != nil {
			if ignorableXattrError(err) {
				continue
			}
			return nil, fmt.Errorf("get xattr %s: %w", name, err)
		}
		out = append(out, Xattr{Name: string(name), Value: val[:vsize]})
	}
	return out, nil
}

func ignorableXattrError(err error) bool {
	return errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.ENODATA) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.ERANGE)
}
