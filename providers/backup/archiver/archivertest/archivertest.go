// Package archivertest holds test helpers for the archiver, restorer and
// snapview tests: repositories on the in-memory and local backends, a
// source tree with every kind of file, and a manifest that compares two
// directories bit for bit with their metadata.
package archivertest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/local"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// Password is the password of the helpers' repositories.
const Password = "correct horse battery staple"

// InitOptions are fast repository settings for tests: weak KDF, small packs.
func InitOptions() repository.InitOptions {
	kdf := crypto.MinimalKDFParams()
	return repository.InitOptions{KDF: &kdf, PackSize: repository.MinPackSize}
}

// NewMemRepo returns a fresh repository in memory, and its backend.
func NewMemRepo(t testing.TB) (*repository.Repository, backend.Backend) {
	t.Helper()
	be := mem.New()
	repo, err := repository.Init(context.Background(), be, []byte(Password), InitOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return repo, be
}

// NewLocalRepo initialises a repository in dir on the local backend.
func NewLocalRepo(t testing.TB, dir string) *repository.Repository {
	t.Helper()
	repo, err := repository.Init(context.Background(), local.New(dir), []byte(Password), InitOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return repo
}

// OpenLocalRepo opens the repository in dir.
func OpenLocalRepo(t testing.TB, dir string) *repository.Repository {
	t.Helper()
	repo, err := repository.Open(context.Background(), local.New(dir), []byte(Password), repository.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return repo
}

// RandomBytes returns n deterministic incompressible bytes.
func RandomBytes(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Fixture fills dir with every kind of file a backup must restore exactly:
// empty, sparse and large files, hard links, symlinks (relative, dangling,
// absolute), a FIFO, unusual names and permissions, and user xattrs when
// the filesystem supports them. largeSize sets the large file's size. It
// returns whether xattrs were set.
func Fixture(t testing.TB, dir string, largeSize int) (xattrs bool) {
	t.Helper()
	w := func(name string, data []byte, mode uint32) string {
		p := filepath.Join(dir, name)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, data, 0o600))
		must(t, syscall.Chmod(p, mode))
		return p
	}
	w("empty", nil, 0o644)
	w("small.txt", []byte("hello, world\n"), 0o644)
	w("large.bin", RandomBytes(1, largeSize), 0o640)
	// Sparse: 8 MiB with data only at 1 MiB and at the end.
	sp, err := os.Create(filepath.Join(dir, "sparse.img"))
	must(t, err)
	_, err = sp.WriteAt(RandomBytes(2, 4096), 1<<20)
	must(t, err)
	_, err = sp.WriteAt([]byte("end"), 8<<20-3)
	must(t, err)
	must(t, sp.Close())
	// Hard links, one of them in another directory.
	hl := w("links/a", RandomBytes(3, 100_000), 0o644)
	must(t, os.Link(hl, filepath.Join(dir, "links/b")))
	must(t, os.MkdirAll(filepath.Join(dir, "links/sub"), 0o755))
	must(t, os.Link(hl, filepath.Join(dir, "links/sub/c")))
	// Symlinks.
	must(t, os.Symlink("small.txt", filepath.Join(dir, "link-rel")))
	must(t, os.Symlink("does/not/exist", filepath.Join(dir, "link-dangling")))
	must(t, os.Symlink("/etc/hostname", filepath.Join(dir, "link-abs")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o640))
	// Unusual names.
	w("with space", []byte("space"), 0o644)
	w("new\nline", []byte("newline"), 0o644)
	w("bad-\xff\xfe-utf8", []byte("latin1"), 0o644)
	w("-leading-dash", []byte("dash"), 0o644)
	w("é日本", []byte("utf8"), 0o644)
	w(strings.Repeat("l", 255), []byte("long"), 0o644)
	// Unusual permissions.
	w("perm/setuid", []byte("#!/bin/sh\n"), 0o4755)
	w("perm/setgid", []byte("g"), 0o2750)
	w("perm/none", []byte("secret"), 0o000)
	must(t, os.MkdirAll(filepath.Join(dir, "perm/sticky"), 0o755))
	w("perm/sticky/x", []byte("x"), 0o644)
	must(t, syscall.Chmod(filepath.Join(dir, "perm/sticky"), 0o1777))
	must(t, os.MkdirAll(filepath.Join(dir, "perm/readonly"), 0o755))
	w("perm/readonly/y", []byte("y"), 0o444)
	must(t, syscall.Chmod(filepath.Join(dir, "perm/readonly"), 0o555))
	// Deep directories.
	w("deep/a/b/c/d/e/f/g/h.txt", []byte("deep"), 0o600)
	if os.Geteuid() == 0 {
		// A character device like /dev/null; containers may forbid mknod.
		_ = unix.Mknod(filepath.Join(dir, "null-device"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3)))
		must(t, os.Lchown(filepath.Join(dir, "small.txt"), 1234, 5678))
		must(t, os.Lchown(filepath.Join(dir, "link-rel"), 4321, 8765))
	}
	if err := unix.Lsetxattr(filepath.Join(dir, "small.txt"), "user.comment", []byte("value\x00bin"), 0); err == nil {
		xattrs = true
		must(t, unix.Lsetxattr(filepath.Join(dir, "deep"), "user.dir", []byte("d"), 0))
	}
	// Fixed, distinct times so that restored times are checked.
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		must(t, err)
		ts := []unix.Timespec{unix.NsecToTimespec(1_600_000_000_123_456_789), unix.NsecToTimespec(1_500_000_000_987_654_321 + int64(len(p)))}
		must(t, unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW))
		return nil
	})
	return xattrs
}

// Entry is what Manifest records for one path.
type Entry struct {
	Type      string
	Mode      uint32
	UID, GID  uint32
	Size      int64
	MTime     int64
	Target    string
	SHA256    string
	Xattrs    string
	LinkGroup string // for hard-linked files: the first path of the inode
	Rdev      uint64
}

// Manifest describes every path below root (relative), with content
// hashes and hard-link groups. Directory mtimes and atimes are left out
// for the root itself, which the test creates.
func Manifest(t testing.TB, root string) map[string]Entry {
	t.Helper()
	m := map[string]Entry{}
	inodes := map[uint64]string{}
	var paths []string
	must(t, filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		must(t, err)
		paths = append(paths, p)
		return nil
	}))
	sort.Strings(paths)
	for _, p := range paths {
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			continue
		}
		var st unix.Stat_t
		must(t, unix.Lstat(p, &st))
		e := Entry{Mode: st.Mode & 0o7777, UID: st.Uid, GID: st.Gid, MTime: st.Mtim.Nano()}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			e.Type = "file"
			e.Size = st.Size
			e.SHA256 = hashFile(t, p)
			if st.Nlink > 1 {
				if first, ok := inodes[st.Ino]; ok {
					e.LinkGroup = first
				} else {
					inodes[st.Ino] = rel
					e.LinkGroup = rel
				}
			}
		case unix.S_IFDIR:
			e.Type = "dir"
		case unix.S_IFLNK:
			e.Type = "symlink"
			target, err := os.Readlink(p)
			must(t, err)
			e.Target = target
		case unix.S_IFIFO:
			e.Type = "fifo"
		case unix.S_IFCHR:
			e.Type = "chardev"
			e.Rdev = st.Rdev
		default:
			e.Type = fmt.Sprintf("other %o", st.Mode&unix.S_IFMT)
		}
		e.Xattrs = xattrString(p)
		m[rel] = e
	}
	return m
}

func hashFile(t testing.TB, p string) string {
	f, err := os.Open(p)
	must(t, err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	must(t, err)
	return hex.EncodeToString(h.Sum(nil))
}

func xattrString(p string) string {
	buf := make([]byte, 4096)
	n, err := unix.Llistxattr(p, buf)
	if err != nil || n == 0 {
		return ""
	}
	var parts []string
	for _, name := range strings.Split(string(buf[:n]), "\x00") {
		if !strings.HasPrefix(name, "user.") {
			continue
		}
		v := make([]byte, 4096)
		vn, err := unix.Lgetxattr(p, name, v)
		if err == nil {
			parts = append(parts, name+"="+hex.EncodeToString(v[:vn]))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// CompareManifests fails t for every difference between want and got.
func CompareManifests(t testing.TB, want, got map[string]Entry) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	bad := 0
	for _, k := range keys {
		w, wok := want[k]
		g, gok := got[k]
		switch {
		case !gok:
			t.Errorf("%q missing after restore", k)
		case !wok:
			t.Errorf("%q restored but not in the source", k)
		case w != g:
			t.Errorf("%q differs:\nwant %+v\n got %+v", k, w, g)
		default:
			continue
		}
		if bad++; bad > 20 {
			t.Fatal("too many differences")
		}
	}
}

// Blocks returns the 512-byte blocks allocated to path.
func Blocks(t testing.TB, path string) int64 {
	t.Helper()
	var st unix.Stat_t
	must(t, unix.Lstat(path, &st))
	return st.Blocks
}

// AllowCleanup makes every directory below dir writable again when the
// test ends, so that t.TempDir can remove read-only directories when the
// tests do not run as root.
func AllowCleanup(t testing.TB, dir string) {
	t.Cleanup(func() {
		_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil && fi.IsDir() {
				_ = os.Chmod(p, 0o700)
			}
			return nil
		})
	})
}
