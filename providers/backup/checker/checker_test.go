package checker_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/checker"
	"github.com/stewardhq/steward/providers/backup/internal/backuptest"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/tree"
)

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture backs up a few MiB spread over several packs and returns the
// backend, the snapshot, and a data blob of "docs/big.bin".
func fixture(t *testing.T) (*mem.Backend, *repository.Snapshot, blob.ID) {
	t.Helper()
	r, be := repository.TestRepository(t)
	files := map[string][]byte{
		"docs/big.bin":    randomBytes(t, 3<<20),
		"docs/other.bin":  randomBytes(t, 1<<20),
		"docs/notes.txt":  bytes.Repeat([]byte("vlan 10\n name office\n"), 20000),
		"etc/switch.conf": randomBytes(t, 200<<10),
		"small.txt":       []byte("hello"),
	}
	sn := backuptest.Backup(t, r, files)
	data, err := r.LoadBlob(context.Background(), blob.Tree, sn.Tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := tree.Decode(data)
	docs, _ := r.LoadBlob(context.Background(), blob.Tree, *root.Find("docs").Subtree, nil)
	dt, _ := tree.Decode(docs)
	big := dt.Find("big.bin")

	if n := len(be.Names(backend.PackFile)); n < 3 {
		t.Fatalf("fixture made %d packs, want several", n)
	}
	return be, sn, big.Content[len(big.Content)-1]
}

func check(t *testing.T, be *mem.Backend, readData bool) *checker.Report {
	t.Helper()
	r := repository.TestReopen(t, be)
	rep, err := checker.Check(context.Background(), r, checker.Options{ReadData: readData})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return rep
}

// want asserts that some problem of kind k has a message containing every
// fragment.
func want(t *testing.T, rep *checker.Report, k checker.Kind, fragments ...string) {
	t.Helper()
	for _, p := range rep.Problems {
		if p.Kind != k {
			continue
		}
		ok := true
		for _, f := range fragments {
			ok = ok && strings.Contains(p.Message, f)
		}
		if ok {
			return
		}
	}
	t.Errorf("no %s problem mentioning %q; report:\n%s", k, fragments, dump(rep))
}

func dump(rep *checker.Report) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "  %s [%s]\n", p, p.Kind)
	}
	return b.String()
}

func packOf(t *testing.T, be *mem.Backend, id blob.ID) (blob.ID, uint32) {
	t.Helper()
	r := repository.TestReopen(t, be)
	loc, ok := r.Index().Lookup(blob.Handle{Type: blob.Data, ID: id})
	if !ok {
		t.Fatalf("blob %s not indexed", id.Short())
	}
	return loc.Pack, loc.Offset
}

func TestCleanRepository(t *testing.T) {
	be, _, _ := fixture(t)
	for _, readData := range []bool{false, true} {
		rep := check(t, be, readData)
		if len(rep.Problems) != 0 {
			t.Fatalf("read-data=%v: problems in a clean repository:\n%s", readData, dump(rep))
		}
		if rep.Snapshots != 1 || rep.Packs < 3 || rep.Blobs < 5 {
			t.Fatalf("counts: %+v", rep)
		}
		if readData && rep.BytesRead == 0 {
			t.Fatal("read-data read nothing")
		}
	}
}

func TestFlippedBit(t *testing.T) {
	be, sn, victim := fixture(t)
	packID, off := packOf(t, be, victim)
	h := backend.Handle{Type: backend.PackFile, Name: packID.String()}
	data, _ := be.Get(h)
	data[off+100] ^= 0x04
	be.Put(h, data)

	if rep := check(t, be, false); !rep.OK() {
		t.Fatalf("structural check cannot see a flipped bit but reported errors:\n%s", dump(rep))
	}
	rep := check(t, be, true)
	if rep.OK() {
		t.Fatal("check --read-data missed a flipped bit")
	}
	t.Logf("report:\n%s", dump(rep))
	want(t, rep, checker.PackDamaged, packID.String(), "hashes to")
	want(t, rep, checker.BlobDamaged, victim.String(), packID.String())
	want(t, rep, checker.DataDamaged, sn.ID.Short(), "/docs/big.bin", victim.String())

	r := repository.TestReopen(t, be)
	_, err := r.LoadBlob(context.Background(), blob.Data, victim, nil)
	var de *repository.DamagedBlobError
	if !errors.As(err, &de) || !errors.Is(err, repository.ErrDamaged) || de.Pack != packID || de.Blob.ID != victim {
		t.Fatalf("LoadBlob of the damaged blob: got %v, want DamagedBlobError naming it", err)
	}
}

func TestTruncatedPack(t *testing.T) {
	be, sn, victim := fixture(t)
	packID, off := packOf(t, be, victim)
	h := backend.Handle{Type: backend.PackFile, Name: packID.String()}
	data, _ := be.Get(h)
	be.Put(h, data[:off+10])

	for _, readData := range []bool{false, true} {
		rep := check(t, be, readData)
		want(t, rep, checker.PackSize, packID.String(), "truncated")
		want(t, rep, checker.DataDamaged, "/docs/big.bin", victim.String())
		if readData {
			want(t, rep, checker.BlobDamaged, victim.String(), packID.String())
		}
	}
	r := repository.TestReopen(t, be)
	if _, err := r.LoadBlob(context.Background(), blob.Data, victim, nil); !errors.Is(err, repository.ErrDamaged) {
		t.Fatalf("LoadBlob from a truncated pack: got %v, want ErrDamaged", err)
	}
	_ = sn
}

func TestMissingPack(t *testing.T) {
	be, _, victim := fixture(t)
	packID, _ := packOf(t, be, victim)
	if err := be.Remove(context.Background(), backend.Handle{Type: backend.PackFile, Name: packID.String()}); err != nil {
		t.Fatal(err)
	}
	rep := check(t, be, false)
	want(t, rep, checker.PackMissing, packID.String(), "missing")
	want(t, rep, checker.DataDamaged, "/docs/big.bin", "missing")
	r := repository.TestReopen(t, be)
	if _, err := r.LoadBlob(context.Background(), blob.Data, victim, nil); !errors.Is(err, repository.ErrDamaged) {
		t.Fatalf("LoadBlob from a missing pack: got %v, want ErrDamaged", err)
	}
}

func TestMissingIndexFile(t *testing.T) {
	be, sn, _ := fixture(t)
	idx := be.Names(backend.IndexFile)
	if len(idx) != 1 {
		t.Fatalf("%d index files", len(idx))
	}
	if err := be.Remove(context.Background(), backend.Handle{Type: backend.IndexFile, Name: idx[0]}); err != nil {
		t.Fatal(err)
	}
	for _, readData := range []bool{false, true} {
		rep := check(t, be, readData)
		t.Logf("read-data=%v report:\n%s", readData, dump(rep))
		want(t, rep, checker.PackUnreferenced, "not in any index")
		want(t, rep, checker.TreeMissing, sn.ID.Short(), "directory /docs", "holds it")
		want(t, rep, checker.DataMissing, sn.ID.Short(), "file /docs/big.bin", "holds it")
		want(t, rep, checker.DataMissing, "file /small.txt")
		if rep.OK() {
			t.Fatal("a snapshot whose data is unindexed passed the check")
		}
	}
	// The packs' headers still describe everything: repairing the index
	// brings the snapshot back whole.
	r := repository.TestReopen(t, be)
	sum, err := r.RepairIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.PacksAdded != len(be.Names(backend.PackFile)) || len(sum.Unreadable) != 0 {
		t.Fatalf("repair: %+v", sum)
	}
	if rep := check(t, be, true); len(rep.Problems) != 0 {
		t.Fatalf("problems after repairing the index:\n%s", dump(rep))
	}
	backuptest.Restore(t, repository.TestReopen(t, be), sn)
	if sum, err := r.RepairIndex(context.Background()); err != nil || sum.PacksAdded != 0 {
		t.Fatalf("second repair: %+v, %v", sum, err)
	}
}

func TestDamagedIndexFile(t *testing.T) {
	be, _, _ := fixture(t)
	name := be.Names(backend.IndexFile)[0]
	h := backend.Handle{Type: backend.IndexFile, Name: name}
	data, _ := be.Get(h)
	data[len(data)/2] ^= 1
	be.Put(h, data)
	rep := check(t, be, false)
	want(t, rep, checker.IndexDamaged, name)
	want(t, rep, checker.DataMissing, "/docs/big.bin", "steward backup repair-index")

	sum, err := repository.TestReopen(t, be).RepairIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.IndexFilesRemoved) != 1 || sum.IndexFilesRemoved[0] != name || sum.PacksAdded == 0 {
		t.Fatalf("repair: %+v", sum)
	}
	if rep := check(t, be, true); len(rep.Problems) != 0 {
		t.Fatalf("problems after repairing the index:\n%s", dump(rep))
	}
}

// A crash after packs were uploaded but before their index was written
// leaves only unreferenced packs: warnings, not errors.
func TestCrashBeforeIndex(t *testing.T) {
	be, _, _ := fixture(t)
	r, err := repository.Open(context.Background(), be, repository.TestPassword, repository.TestOpenOptions())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, _, err := r.SaveBlob(context.Background(), blob.Data, randomBytes(t, 400<<10)); err != nil {
			t.Fatal(err)
		}
	}
	r.Close() // no Flush: full packs are uploaded, no index names them
	rep := check(t, be, true)
	if !rep.OK() || len(rep.Warnings()) == 0 {
		t.Fatalf("want only warnings about unreferenced packs:\n%s", dump(rep))
	}
	want(t, rep, checker.PackUnreferenced, "prune removes it")
}

func TestCheckRefusedDuringPrune(t *testing.T) {
	be, _, _ := fixture(t)
	pruning := repository.TestReopen(t, be)
	unlock, err := pruning.Lock(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	_, err = checker.Check(context.Background(), repository.TestReopen(t, be), checker.Options{})
	if !errors.Is(err, repository.ErrLocked) {
		t.Fatalf("check beside a prune: got %v, want ErrLocked", err)
	}
}
