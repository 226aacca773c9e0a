package repository_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/repository"
)

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func compressible(n int, seed uint64) []byte {
	rng := mrand.New(mrand.NewPCG(seed, 1))
	words := []string{"interface", "vlan", "switchport", "access", "trunk", "description", "shutdown", "\n", " "}
	var buf bytes.Buffer
	for buf.Len() < n {
		buf.WriteString(words[rng.IntN(len(words))])
	}
	return buf.Bytes()[:n]
}

func TestBlobRoundTripAndDedup(t *testing.T) {
	ctx := context.Background()
	r, be := repository.TestRepository(t)

	var blobs [][]byte
	for i := range 40 {
		if i%2 == 0 {
			blobs = append(blobs, randomBytes(t, 1000+i*4000))
		} else {
			blobs = append(blobs, compressible(1000+i*4000, uint64(i)))
		}
	}
	ids := make([]blob.ID, len(blobs))
	for i, b := range blobs {
		id, isNew, err := r.SaveBlob(ctx, blob.Data, b)
		if err != nil {
			t.Fatal(err)
		}
		if !isNew {
			t.Fatalf("blob %d reported as known on first save", i)
		}
		if id != r.ID(b) {
			t.Fatalf("SaveBlob id differs from ID()")
		}
		ids[i] = id
		// Second save before Flush: deduplicated against in-flight packs.
		if _, isNew, err := r.SaveBlob(ctx, blob.Data, b); err != nil || isNew {
			t.Fatalf("second save of blob %d: new=%v err=%v", i, isNew, err)
		}
	}
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i, b := range blobs {
		got, err := r.LoadBlob(ctx, blob.Data, ids[i], nil)
		if err != nil {
			t.Fatalf("load blob %d: %v", i, err)
		}
		if !bytes.Equal(got, b) {
			t.Fatalf("blob %d round trip differs", i)
		}
		if _, isNew, _ := r.SaveBlob(ctx, blob.Data, b); isNew {
			t.Fatalf("blob %d stored again after Flush", i)
		}
	}
	packsBefore := len(be.Names(backend.PackFile))

	// Across Open: a new session knows every blob from the index.
	r2 := repository.TestReopen(t, be)
	for i, b := range blobs {
		if !r2.Has(blob.Data, ids[i]) {
			t.Fatalf("reopened repository does not know blob %d", i)
		}
		if _, isNew, err := r2.SaveBlob(ctx, blob.Data, b); err != nil || isNew {
			t.Fatalf("blob %d stored again after reopen: new=%v err=%v", i, isNew, err)
		}
	}
	if err := r2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(be.Names(backend.PackFile)); n != packsBefore {
		t.Fatalf("packs grew from %d to %d although every blob was known", packsBefore, n)
	}
	// Same bytes as a tree are a different blob.
	if r2.Has(blob.Tree, ids[0]) {
		t.Fatal("data blob reported as a tree blob")
	}
	if _, err := r2.LoadBlob(ctx, blob.Tree, ids[0], nil); !errors.Is(err, repository.ErrBlobNotFound) {
		t.Fatalf("LoadBlob of unknown blob: got %v, want ErrBlobNotFound", err)
	}
}

func TestConcurrentSaveBlob(t *testing.T) {
	ctx := context.Background()
	r, be := repository.TestRepository(t)
	const workers, perWorker = 8, 60
	// Every goroutine saves the same set of 60 blobs plus its own 60, so the
	// shared ones race through dedup.
	shared := make([][]byte, perWorker)
	for i := range shared {
		shared[i] = randomBytes(t, 20000+i)
	}
	var newCount sync.Map
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				for _, b := range [][]byte{shared[i], compressible(30000, uint64(w*1000+i))} {
					id, isNew, err := r.SaveBlob(ctx, blob.Data, b)
					if err != nil {
						errs <- err
						return
					}
					if isNew {
						if _, dup := newCount.LoadOrStore(id, true); dup {
							errs <- fmt.Errorf("blob %s reported new twice", id.Short())
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := perWorker + workers*perWorker
	if n := r.Index().Len(); n != want {
		t.Fatalf("index has %d blobs, want %d", n, want)
	}
	if d := repository.TestReopen(t, be).Index().Duplicates(); d != 0 {
		t.Fatalf("%d blobs stored twice", d)
	}
}

func TestCompressionModes(t *testing.T) {
	ctx := context.Background()
	text := compressible(1<<20, 7)
	noise := randomBytes(t, 1<<20)
	sizes := map[repository.Compression]int64{}
	for _, mode := range []repository.Compression{repository.CompressionOff, repository.CompressionAuto, repository.CompressionMax} {
		be := mem.New()
		opts := repository.TestInitOptions()
		opts.Compression = mode
		r, err := repository.Init(ctx, be, repository.TestPassword, opts)
		if err != nil {
			t.Fatal(err)
		}
		tid, _, _ := r.SaveBlob(ctx, blob.Data, text)
		nid, _, _ := r.SaveBlob(ctx, blob.Data, noise)
		if err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		tloc, _ := r.Index().Lookup(blob.Handle{Type: blob.Data, ID: tid})
		nloc, _ := r.Index().Lookup(blob.Handle{Type: blob.Data, ID: nid})
		if nloc.UncompressedLength != 0 {
			t.Errorf("%s: random data stored compressed", mode)
		}
		if (tloc.UncompressedLength != 0) == (mode == repository.CompressionOff) {
			t.Errorf("%s: text compressed=%v", mode, tloc.UncompressedLength != 0)
		}
		sizes[mode] = int64(tloc.Length)
		for _, c := range []struct {
			id   blob.ID
			want []byte
		}{{tid, text}, {nid, noise}} {
			got, err := r.LoadBlob(ctx, blob.Data, c.id, make([]byte, 0, 10))
			if err != nil || !bytes.Equal(got, c.want) {
				t.Fatalf("%s: round trip failed: %v", mode, err)
			}
		}
		r.Close()
	}
	// A blob half noise, half text still gets compressed in auto mode: the
	// compressibility probe samples the whole blob, not just its start.
	r, _ := repository.TestRepository(t)
	mixed := append(randomBytes(t, 512<<10), compressible(512<<10, 3)...)
	mid, _, err := r.SaveBlob(ctx, blob.Data, mixed)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if loc, _ := r.Index().Lookup(blob.Handle{Type: blob.Data, ID: mid}); loc.UncompressedLength == 0 || loc.Length > 800<<10 {
		t.Errorf("half-compressible blob stored as %d bytes, compressed=%v", loc.Length, loc.UncompressedLength != 0)
	}
	if !(sizes[repository.CompressionMax] <= sizes[repository.CompressionAuto] && sizes[repository.CompressionAuto] < sizes[repository.CompressionOff]/2) {
		t.Fatalf("stored sizes off=%d auto=%d max=%d: want max <= auto < off/2", sizes[repository.CompressionOff], sizes[repository.CompressionAuto], sizes[repository.CompressionMax])
	}
}

// A long backup that is interrupted before Flush still leaves most of its
// packs indexed: the blob store writes an index file every 64 packs.
func TestInterruptedBackupKeepsIndexedPacks(t *testing.T) {
	ctx := context.Background()
	r, be := repository.TestRepository(t)
	var ids []blob.ID
	for range 70 {
		// Each blob exceeds the minimal pack size, so each fills one pack.
		id, _, err := r.SaveBlob(ctx, blob.Data, randomBytes(t, repository.MinPackSize+1000))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	r.Close() // interrupted: no Flush
	r2 := repository.TestReopen(t, be)
	known := 0
	for _, id := range ids {
		if r2.Has(blob.Data, id) {
			known++
		}
	}
	if known < 64 {
		t.Fatalf("after an interrupted backup %d of 70 blobs are indexed, want at least 64", known)
	}
	if err := r2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}
