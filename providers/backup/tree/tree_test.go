package tree

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/stewardhq/steward/providers/backup/blob"

	"golang.org/x/sys/unix"
)

func TestEncodeDecodeKeepsEveryField(t *testing.T) {
	sub := blob.ID{1, 2, 3}
	in := &Tree{Nodes: []*Node{
		{Name: "-dash", Type: File, Mode: 0o4755, UID: 1, GID: 2, User: "u", Group: "g",
			ModTime: 1, ChangeTime: 2, AccessTime: 3, Size: 4, Inode: 5, DeviceID: 6, Links: 2,
			Xattrs: []Xattr{{Name: "user.a", Value: []byte{0, 0xff}}}, Content: []blob.ID{{9}, {8}}},
		{Name: "bad\xff\xfename\nline", Type: Symlink, LinkTarget: "/abs/\xff"},
		{Name: "dir", Type: Dir, Mode: 0o1777, Subtree: &sub},
		{Name: "null", Type: CharDev, Rdev: 0x103},
	}}
	blob, err := in.Encode()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Decode(blob)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip differs:\n in %+v\nout %+v\nblob %s", in.Nodes, out.Nodes, blob)
	}
	again, _ := out.Encode()
	if string(again) != string(blob) {
		t.Fatalf("encoding is not stable:\n%s\n%s", blob, again)
	}
	if out.Find("dir") == nil || out.Find("nope") != nil {
		t.Fatal("Find does not find by name")
	}
}

func TestDecodeRejectsUnsafeTrees(t *testing.T) {
	for name, blob := range map[string]string{
		"parent":   `{"nodes":[{"name":"..","type":"file"}]}`,
		"slash":    `{"nodes":[{"name":"a/b","type":"file"}]}`,
		"unsorted": `{"nodes":[{"name":"b","type":"file"},{"name":"a","type":"file"}]}`,
		"dup":      `{"nodes":[{"name":"a","type":"file"},{"name":"a","type":"file"}]}`,
		"nosub":    `{"nodes":[{"name":"a","type":"dir"}]}`,
		"both":     `{"nodes":[{"name":"a","name_b64":"YQ==","type":"file"}]}`,
	} {
		if _, err := Decode([]byte(blob)); err == nil {
			t.Errorf("%s: Decode accepted %s", name, blob)
		}
	}
}

func TestEncodeRejectsUnsorted(t *testing.T) {
	tr := &Tree{Nodes: []*Node{{Name: "b"}, {Name: "a"}}}
	if _, err := tr.Encode(); err == nil {
		t.Fatal("unsorted tree encoded")
	}
	tr.Sort()
	if _, err := tr.Encode(); err != nil {
		t.Fatal(err)
	}
}

func TestCaptureReadsMetadata(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("hello"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Chmod(file, 0o2640); err != nil {
		t.Fatal(err)
	}
	hasXattr := unix.Lsetxattr(file, "user.note", []byte("v\x00x"), 0) == nil
	if err := os.Symlink("../nowhere", filepath.Join(dir, "l")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "p"), 0o600); err != nil {
		t.Fatal(err)
	}
	var owners Owners
	check := func(name string) *Node {
		t.Helper()
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		n, err := Capture(filepath.Join(dir, name), fi, &owners)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	f := check("f")
	if f.Type != File || f.Size != 5 || f.Mode != 0o2640 || f.Inode == 0 || f.Links != 1 || f.ModTime == 0 {
		t.Errorf("file node wrong: %+v", f)
	}
	if uint32(os.Getuid()) != f.UID || f.User == "" && os.Getuid() == 0 {
		t.Errorf("owner wrong: %+v", f)
	}
	if hasXattr && (len(f.Xattrs) != 1 || f.Xattrs[0].Name != "user.note" || string(f.Xattrs[0].Value) != "v\x00x") {
		t.Errorf("xattrs wrong: %+v", f.Xattrs)
	}
	if l := check("l"); l.Type != Symlink || l.LinkTarget != "../nowhere" {
		t.Errorf("symlink node wrong: %+v", l)
	}
	if p := check("p"); p.Type != FIFO {
		t.Errorf("fifo node wrong: %+v", p)
	}
	if d := check("."); d.Type != Dir || !strings.HasPrefix(dir, "/") {
		t.Errorf("dir node wrong: %+v", d)
	}
}
