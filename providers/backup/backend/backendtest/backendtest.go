package backendtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
)

// Run runs the conformance suite, each test on its own backend from
// newBackend, which must return a backend for a fresh, empty location. Run
// calls Create itself and closes every backend.
func Run(t *testing.T, newBackend func(t *testing.T) backend.Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, be backend.Backend)
	}{
		{"Create", testCreate},
		{"SaveLoad", testSaveLoad},
		{"LoadRanges", testLoadRanges},
		{"LoadCallbackError", testLoadCallbackError},
		{"Missing", testMissing},
		{"Stat", testStat},
		{"List", testList},
		{"Remove", testRemove},
		{"SaveExisting", testSaveExisting},
		{"SaveAtomic", testSaveAtomic},
		{"ConcurrentSave", testConcurrentSave},
		{"Cancelled", testCancelled},
		{"CancelledDuringSave", testCancelledDuringSave},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := newBackend(t)
			t.Cleanup(func() {
				if err := be.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			if tt.name != "Create" {
				if err := be.Create(context.Background()); err != nil {
					t.Fatalf("Create: %v", err)
				}
			}
			tt.fn(t, be)
		})
	}
}

// randomName returns a random 64-character hex name, like a content hash.
func randomName(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func randomData(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func save(t *testing.T, be backend.Backend, h backend.Handle, data []byte) {
	t.Helper()
	if err := be.Save(context.Background(), h, bytes.NewReader(data)); err != nil {
		t.Fatalf("Save %v: %v", h, err)
	}
}

func load(t *testing.T, be backend.Backend, h backend.Handle, length int, offset int64) []byte {
	t.Helper()
	var got []byte
	err := be.Load(context.Background(), h, length, offset, func(rd io.Reader) error {
		var err error
		got, err = io.ReadAll(rd)
		return err
	})
	if err != nil {
		t.Fatalf("Load %v (length %d, offset %d): %v", h, length, offset, err)
	}
	return got
}

// list returns the names and sizes List reports for t.
func list(t *testing.T, be backend.Backend, ft backend.FileType) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	err := be.List(context.Background(), ft, func(fi backend.FileInfo) error {
		if _, dup := got[fi.Name]; dup {
			return fmt.Errorf("%s/%s listed twice", ft, fi.Name)
		}
		got[fi.Name] = fi.Size
		return nil
	})
	if err != nil {
		t.Fatalf("List %s: %v", ft, err)
	}
	return got
}

func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: got %d bytes (sha256 %x), want %d bytes (sha256 %x)",
			what, len(got), sha256.Sum256(got), len(want), sha256.Sum256(want))
	}
}

func testCreate(t *testing.T, be backend.Backend) {
	ctx := context.Background()
	if err := be.Create(ctx); err != nil {
		t.Fatalf("Create on an empty location: %v", err)
	}
	// A layout without a config is not a repository yet: creating again is
	// allowed (an init that failed before writing the config can be rerun).
	if err := be.Create(ctx); err != nil {
		t.Fatalf("Create again before a config exists: %v", err)
	}
	save(t, be, backend.Handle{Type: backend.ConfigFile}, []byte("config"))
	if err := be.Create(ctx); err == nil {
		t.Fatal("Create succeeded although a config file exists")
	}
	sameBytes(t, "config after the refused Create", load(t, be, backend.Handle{Type: backend.ConfigFile}, 0, 0), []byte("config"))
}

func testSaveLoad(t *testing.T, be backend.Backend) {
	for _, ft := range backend.FileTypes {
		sizes := []int{0, 1, 4095, 65537}
		if ft == backend.PackFile {
			sizes = append(sizes, 3<<20+7) // larger than any single write or read request
		}
		for _, size := range sizes {
			h := backend.Handle{Type: ft, Name: randomName(t)}
			if ft == backend.ConfigFile {
				h.Name = ""
				if size != 1 {
					continue // one config file
				}
			}
			data := randomData(t, size)
			save(t, be, h, data)
			sameBytes(t, fmt.Sprintf("Load %v", h), load(t, be, h, 0, 0), data)
		}
	}
}

func testLoadRanges(t *testing.T, be backend.Backend) {
	data := randomData(t, 100_000)
	h := backend.Handle{Type: backend.PackFile, Name: randomName(t)}
	save(t, be, h, data)
	for _, r := range []struct {
		length int
		offset int64
	}{
		{0, 0}, {1, 0}, {100_000, 0}, {0, 1}, {0, 99_999}, {0, 100_000},
		{1, 99_999}, {10, 50_000}, {99_000, 1000}, {4096, 4096},
	} {
		want := data[r.offset:]
		if r.length > 0 {
			want = want[:r.length]
		}
		got := load(t, be, h, r.length, r.offset)
		sameBytes(t, fmt.Sprintf("Load length %d offset %d", r.length, r.offset), got, want)
	}
}

func testLoadCallbackError(t *testing.T, be backend.Backend) {
	h := backend.Handle{Type: backend.IndexFile, Name: randomName(t)}
	save(t, be, h, randomData(t, 1000))
	errCallback := errors.New("the callback failed")
	err := be.Load(context.Background(), h, 0, 0, func(rd io.Reader) error {
		_, _ = io.CopyN(io.Discard, rd, 10)
		return errCallback
	})
	if !errors.Is(err, errCallback) {
		t.Fatalf("Load returned %v, want the callback's error", err)
	}
}

func testMissing(t *testing.T, be backend.Backend) {
	ctx := context.Background()
	for _, h := range []backend.Handle{
		{Type: backend.ConfigFile},
		{Type: backend.PackFile, Name: randomName(t)},
		{Type: backend.SnapshotFile, Name: randomName(t)},
		{Type: backend.LockFile, Name: randomName(t)},
	} {
		called := false
		err := be.Load(ctx, h, 0, 0, func(io.Reader) error { called = true; return nil })
		if !errors.Is(err, backend.ErrNotExist) {
			t.Errorf("Load of missing %v: got %v, want an error matching backend.ErrNotExist", h, err)
		}
		if called {
			t.Errorf("Load of missing %v called its callback", h)
		}
		if _, err := be.Stat(ctx, h); !errors.Is(err, backend.ErrNotExist) {
			t.Errorf("Stat of missing %v: got %v, want an error matching backend.ErrNotExist", h, err)
		}
	}
}

func testStat(t *testing.T, be backend.Backend) {
	for _, size := range []int{0, 17, 200_000} {
		h := backend.Handle{Type: backend.PackFile, Name: randomName(t)}
		save(t, be, h, randomData(t, size))
		fi, err := be.Stat(context.Background(), h)
		if err != nil {
			t.Fatalf("Stat %v: %v", h, err)
		}
		if fi.Size != int64(size) || fi.Name != h.Name {
			t.Errorf("Stat %v = %+v, want name %s size %d", h, fi, h.Name, size)
		}
	}
	save(t, be, backend.Handle{Type: backend.ConfigFile}, []byte("12345"))
	fi, err := be.Stat(context.Background(), backend.Handle{Type: backend.ConfigFile})
	if err != nil || fi.Size != 5 {
		t.Errorf("Stat config = %+v, %v; want size 5", fi, err)
	}
}

func testList(t *testing.T, be backend.Backend) {
	want := map[backend.FileType]map[string]int64{}
	for i, ft := range backend.FileTypes {
		want[ft] = map[string]int64{}
		if ft == backend.ConfigFile {
			continue
		}
		// Pack files: enough names to fall into many shards.
		n := 2 + i
		if ft == backend.PackFile {
			n = 30
		}
		for j := 0; j < n; j++ {
			name := randomName(t)
			size := 10*i + j
			save(t, be, backend.Handle{Type: ft, Name: name}, randomData(t, size))
			want[ft][name] = int64(size)
		}
	}
	for _, ft := range backend.FileTypes {
		if ft == backend.ConfigFile {
			continue
		}
		got := list(t, be, ft)
		if diff := diffListing(got, want[ft]); diff != "" {
			t.Errorf("List %s: %s", ft, diff)
		}
	}
	// Stopping early: fn's error ends List and is returned.
	errStop := errors.New("stop")
	calls := 0
	err := be.List(context.Background(), backend.PackFile, func(backend.FileInfo) error {
		calls++
		return errStop
	})
	if !errors.Is(err, errStop) || calls != 1 {
		t.Errorf("List with a failing callback: %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func diffListing(got, want map[string]int64) string {
	var problems []string
	for name, size := range want {
		g, ok := got[name]
		switch {
		case !ok:
			problems = append(problems, "missing "+name)
		case g != size:
			problems = append(problems, fmt.Sprintf("%s has size %d, want %d", name, g, size))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			problems = append(problems, "unexpected "+name)
		}
	}
	sort.Strings(problems)
	if len(problems) == 0 {
		return ""
	}
	return fmt.Sprintf("%d problems: %v", len(problems), problems)
}

func testRemove(t *testing.T, be backend.Backend) {
	ctx := context.Background()
	keep := backend.Handle{Type: backend.SnapshotFile, Name: randomName(t)}
	gone := backend.Handle{Type: backend.SnapshotFile, Name: randomName(t)}
	save(t, be, keep, []byte("keep"))
	save(t, be, gone, []byte("gone"))
	if err := be.Remove(ctx, gone); err != nil {
		t.Fatalf("Remove %v: %v", gone, err)
	}
	if _, err := be.Stat(ctx, gone); !errors.Is(err, backend.ErrNotExist) {
		t.Errorf("Stat after Remove: got %v, want backend.ErrNotExist", err)
	}
	if got := list(t, be, backend.SnapshotFile); len(got) != 1 || got[keep.Name] != 4 {
		t.Errorf("List after Remove = %v, want only %s", got, keep.Name)
	}
	if err := be.Remove(ctx, gone); !errors.Is(err, backend.ErrNotExist) {
		t.Errorf("Remove of a removed file: got %v, want an error matching backend.ErrNotExist", err)
	}
	pack := backend.Handle{Type: backend.PackFile, Name: randomName(t)}
	save(t, be, pack, []byte("pack"))
	if err := be.Remove(ctx, pack); err != nil {
		t.Fatalf("Remove %v: %v", pack, err)
	}
	// A removed name can be saved again (prune, then a backup writing the
	// same pack).
	save(t, be, pack, []byte("pack again"))
	sameBytes(t, "Load after saving a removed name again", load(t, be, pack, 0, 0), []byte("pack again"))
}

func testSaveExisting(t *testing.T, be backend.Backend) {
	ctx := context.Background()
	for _, ft := range backend.FileTypes {
		if ft == backend.LockFile {
			continue
		}
		h := backend.Handle{Type: ft, Name: randomName(t)}
		if ft == backend.ConfigFile {
			h.Name = ""
		}
		save(t, be, h, []byte("first"))
		if err := be.Save(ctx, h, bytes.NewReader([]byte("second"))); err == nil {
			t.Errorf("Save of existing %v succeeded", h)
		}
		sameBytes(t, fmt.Sprintf("%v after a refused Save", h), load(t, be, h, 0, 0), []byte("first"))
	}
	lock := backend.Handle{Type: backend.LockFile, Name: randomName(t)}
	save(t, be, lock, []byte("first lock"))
	save(t, be, lock, []byte("refreshed lock"))
	sameBytes(t, "lock after a second Save", load(t, be, lock, 0, 0), []byte("refreshed lock"))
	if got := list(t, be, backend.LockFile); len(got) != 1 {
		t.Errorf("List locks after replacing one = %v, want one file", got)
	}
}

// failingReader returns n bytes of data, then fails.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func testSaveAtomic(t *testing.T, be backend.Backend) {
	ctx := context.Background()
	errRead := errors.New("the source failed halfway")
	for _, ft := range []backend.FileType{backend.PackFile, backend.SnapshotFile, backend.ConfigFile} {
		h := backend.Handle{Type: ft, Name: randomName(t)}
		if ft == backend.ConfigFile {
			h.Name = ""
		}
		err := be.Save(ctx, h, &failingReader{data: randomData(t, 300_000), err: errRead})
		if err == nil {
			t.Fatalf("Save %v from a failing reader succeeded", h)
		}
		if !errors.Is(err, errRead) {
			t.Errorf("Save %v from a failing reader: %v does not wrap the reader's error", h, err)
		}
		if _, err := be.Stat(ctx, h); !errors.Is(err, backend.ErrNotExist) {
			t.Errorf("Stat %v after a failed Save: got %v, want backend.ErrNotExist", h, err)
		}
		if got := list(t, be, ft); len(got) != 0 {
			t.Errorf("List %s after a failed Save = %v, want nothing", ft, got)
		}
		// The name is still free.
		save(t, be, h, []byte("complete"))
		sameBytes(t, fmt.Sprintf("%v saved after a failed Save", h), load(t, be, h, 0, 0), []byte("complete"))
	}
	// A lock being refreshed keeps its old content when the refresh fails.
	lock := backend.Handle{Type: backend.LockFile, Name: randomName(t)}
	save(t, be, lock, []byte("old lock"))
	if err := be.Save(ctx, lock, &failingReader{data: []byte("new lo"), err: errRead}); err == nil {
		t.Fatal("Save of a lock from a failing reader succeeded")
	}
	sameBytes(t, "lock after a failed refresh", load(t, be, lock, 0, 0), []byte("old lock"))
	if got := list(t, be, backend.LockFile); len(got) != 1 {
		t.Errorf("List locks after a failed refresh = %v, want one file", got)
	}
}

func testConcurrentSave(t *testing.T, be backend.Backend) {
	const n = 24
	handles := make([]backend.Handle, n)
	contents := make([][]byte, n)
	for i := range handles {
		handles[i] = backend.Handle{Type: backend.PackFile, Name: randomName(t)}
		contents[i] = randomData(t, 50_000+i*1000)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = be.Save(context.Background(), handles[i], bytes.NewReader(contents[i]))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent Save %v: %v", handles[i], err)
		}
	}
	// Concurrent loads too.
	got := make([][]byte, n)
	for i := range handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = be.Load(context.Background(), handles[i], 0, 0, func(rd io.Reader) error {
				var err error
				got[i], err = io.ReadAll(rd)
				return err
			})
		}()
	}
	wg.Wait()
	for i := range handles {
		if errs[i] != nil {
			t.Fatalf("concurrent Load %v: %v", handles[i], errs[i])
		}
		sameBytes(t, fmt.Sprintf("concurrent Load %v", handles[i]), got[i], contents[i])
	}
	if listed := list(t, be, backend.PackFile); len(listed) != n {
		t.Errorf("List after %d concurrent Saves has %d files", n, len(listed))
	}
}

func testCancelled(t *testing.T, be backend.Backend) {
	h := backend.Handle{Type: backend.IndexFile, Name: randomName(t)}
	save(t, be, h, []byte("index"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	other := backend.Handle{Type: backend.IndexFile, Name: randomName(t)}
	if err := be.Save(ctx, other, bytes.NewReader([]byte("x"))); !errors.Is(err, context.Canceled) {
		t.Errorf("Save with a cancelled context: got %v, want context.Canceled", err)
	}
	if err := be.Load(ctx, h, 0, 0, func(rd io.Reader) error { _, err := io.ReadAll(rd); return err }); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context: got %v, want context.Canceled", err)
	}
	if _, err := be.Stat(ctx, h); !errors.Is(err, context.Canceled) {
		t.Errorf("Stat with a cancelled context: got %v, want context.Canceled", err)
	}
	if err := be.List(ctx, backend.IndexFile, func(backend.FileInfo) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("List with a cancelled context: got %v, want context.Canceled", err)
	}
	if err := be.Remove(ctx, h); !errors.Is(err, context.Canceled) {
		t.Errorf("Remove with a cancelled context: got %v, want context.Canceled", err)
	}
	// Nothing happened.
	if got := list(t, be, backend.IndexFile); len(got) != 1 {
		t.Errorf("List after cancelled operations = %v, want only %s", got, h.Name)
	}
}

// cancellingReader cancels its context after handing out its first chunk,
// as a user pressing Ctrl-C during an upload would.
type cancellingReader struct {
	rd     io.Reader
	cancel context.CancelFunc
	read   int
}

func (r *cancellingReader) Read(p []byte) (int, error) {
	if r.read > 0 {
		r.cancel()
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	n, err := r.rd.Read(p)
	r.read += n
	return n, err
}

func testCancelledDuringSave(t *testing.T, be backend.Backend) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := backend.Handle{Type: backend.PackFile, Name: randomName(t)}
	err := be.Save(ctx, h, &cancellingReader{rd: bytes.NewReader(randomData(t, 4<<20)), cancel: cancel})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Save cancelled halfway: got %v, want context.Canceled", err)
	}
	if _, err := be.Stat(context.Background(), h); !errors.Is(err, backend.ErrNotExist) {
		t.Errorf("Stat after a cancelled Save: got %v, want backend.ErrNotExist", err)
	}
	if got := list(t, be, backend.PackFile); len(got) != 0 {
		t.Errorf("List after a cancelled Save = %v, want nothing", got)
	}
}
