package repository

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/backup/index"
)

// blobStore is the write pipeline: SaveBlob -> jobs (bounded) -> workers
// that compress and encrypt, then append to the open pack of the blob's
// type -> full packs go to uploads -> uploaders store them and add their
// entries to the index. Packs are assembled in unlinked temporary files,
// as restic does, so memory holds only blobs in flight: about
// 2 x workers + cap(jobs) blob-sized buffers.
type blobStore struct {
	r *Repository
	// ctx bounds background uploads: they outlive the SaveBlob call that
	// filled a pack, so they use the store's lifetime, ended by Close.
	ctx    context.Context
	cancel context.CancelFunc
	jobs   chan saveJob
	// slots bounds the blob copies alive at once (queued or being packed).
	slots   chan struct{}
	uploads chan *openPack

	startOnce sync.Once
	workers   int
	uploaders int
	workerWG  sync.WaitGroup

	inflight sync.WaitGroup // jobs queued or being packed
	pendUp   sync.WaitGroup // packs queued or uploading

	mu      sync.Mutex
	pending map[blob.Handle]struct{} // saved but not yet indexed
	open    map[blob.Type]*openPack
	unsaved index.File // packs uploaded since the last index file
	err     error      // first background failure; sticky
	stopped bool

	tempDir string
	bufs    [smallClasses]sync.Pool // *[]byte by size class up to 64 KiB: plaintext copies and LoadBlob reads
	large   bufList                 // larger buffers

	blobsAdded, plaintextAdded, storedAdded atomic.Uint64
	packsUploaded, packBytesUploaded        atomic.Uint64
}

// Stats counts what this Repository stored since it was opened.
type Stats struct {
	// BlobsAdded is the number of new blobs packed.
	BlobsAdded uint64
	// PlaintextAdded is their plaintext size; StoredAdded their size as
	// stored (compressed and sealed).
	PlaintextAdded uint64
	StoredAdded    uint64
	// PacksUploaded and PackBytesUploaded count the pack files written.
	PacksUploaded     uint64
	PackBytesUploaded uint64
}

// Stats returns counters of the blobs and packs stored since Open; they
// include blobs still waiting in a pack until Flush.
func (r *Repository) Stats() Stats {
	s := r.store
	return Stats{BlobsAdded: s.blobsAdded.Load(), PlaintextAdded: s.plaintextAdded.Load(), StoredAdded: s.storedAdded.Load(),
		PacksUploaded: s.packsUploaded.Load(), PackBytesUploaded: s.packBytesUploaded.Load()}
}

type saveJob struct {
	h    blob.Handle
	data *[]byte
}

func newBlobStore(r *Repository, workers, uploaders int, tempDir string) *blobStore {
	ctx, cancel := context.WithCancel(context.Background())
	return &blobStore{
		r: r, workers: workers, uploaders: uploaders, ctx: ctx, cancel: cancel, tempDir: tempDir,
		jobs: make(chan saveJob, workers),
		// One slot per worker and per queued job: every copy has a place.
		slots: make(chan struct{}, 2*workers),
		large: bufList{budget: largeIdleBudget},
		// Unbuffered: a full pack waits in the worker that filled it, which
		// slows SaveBlob down to the upload rate.
		uploads: make(chan *openPack),
		pending: make(map[blob.Handle]struct{}),
		open:    make(map[blob.Type]*openPack),
	}
}

func (s *blobStore) start() {
	s.startOnce.Do(func() {
		for range s.workers {
			s.workerWG.Add(1)
			go s.work()
		}
		for range s.uploaders {
			s.workerWG.Add(1)
			go s.upload()
		}
	})
}

func (s *blobStore) stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	s.mu.Unlock()
	// Start the goroutines if a SaveBlob raced with stop, so that its job
	// drains; then no new job can arrive.
	s.start()
	s.inflight.Wait()
	close(s.jobs)
	s.pendUp.Wait()
	close(s.uploads)
	s.workerWG.Wait()
	s.cancel()
	// Packs never finished are abandoned: nothing refers to their blobs.
	s.mu.Lock()
	for t, p := range s.open {
		p.discard()
		delete(s.open, t)
	}
	s.mu.Unlock()
}

func (s *blobStore) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

func (s *blobStore) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// ID returns the id a blob with this plaintext has in this repository: the
// keyed hash SaveBlob would compute. Safe to call from many goroutines.
func (r *Repository) ID(plaintext []byte) blob.ID { return r.key.BlobID(plaintext) }

// Has reports whether the blob is stored or being stored, so callers that
// hashed it themselves can skip SaveBlob. The first blob operation loads the
// index; Has has no context for that, so call LoadIndex first to control
// it (if loading fails here, Has reports false and SaveBlob the error).
func (r *Repository) Has(t blob.Type, id blob.ID) bool {
	_ = r.ensureIndex(context.Background())
	h := blob.Handle{Type: t, ID: id}
	if r.index.Has(h) {
		return true
	}
	r.store.mu.Lock()
	defer r.store.mu.Unlock()
	_, ok := r.store.pending[h]
	return ok || r.index.Has(h) // see SaveBlobWithID for why twice
}

// SaveBlob stores plaintext as a blob of type t unless an identical blob is
// already stored or being stored; it returns the blob's id and whether it
// was new. The data is copied, so the caller may reuse its buffer at once;
// compression, encryption, packing and upload happen in the background, and
// their failure is returned by a later SaveBlob or by Flush. ctx bounds only
// the wait for room in the pipeline: background uploads belong to the
// Repository and end with Close, so a context cancelled after SaveBlob
// returns (an errgroup's, say) does not fail them. Safe for concurrent use;
// call Flush after the last SaveBlob.
func (r *Repository) SaveBlob(ctx context.Context, t blob.Type, plaintext []byte) (blob.ID, bool, error) {
	id := r.key.BlobID(plaintext)
	isNew, err := r.SaveBlobWithID(ctx, t, id, plaintext)
	return id, isNew, err
}

// SaveBlobWithID is SaveBlob for callers that computed id with ID already
// (it is trusted: a wrong id makes the blob unreadable, as LoadBlob checks).
func (r *Repository) SaveBlobWithID(ctx context.Context, t blob.Type, id blob.ID, plaintext []byte) (bool, error) {
	if t != blob.Data && t != blob.Tree {
		return false, fmt.Errorf("save blob: invalid type %d", t)
	}
	if err := r.ensureIndex(ctx); err != nil {
		return false, fmt.Errorf("save blob: %w", err)
	}
	s := r.store
	h := blob.Handle{Type: t, ID: id}
	if r.index.Has(h) {
		return false, nil
	}
	s.mu.Lock()
	if s.err != nil {
		err := s.err
		s.mu.Unlock()
		return false, err
	}
	if s.stopped {
		s.mu.Unlock()
		return false, errors.New("save blob: repository is closed")
	}
	// Check the index again under the lock: uploaders add a pack's blobs to
	// the index before removing them from pending (under this lock), so one
	// of the two always knows the blob.
	if _, ok := s.pending[h]; ok || r.index.Has(h) {
		s.mu.Unlock()
		return false, nil
	}
	s.pending[h] = struct{}{}
	s.inflight.Add(1)
	s.mu.Unlock()
	s.start()

	// Take a slot before copying: a caller waiting for room in the
	// pipeline then holds no copy of its blob, so the copies alive at once
	// are bounded by the slots, not by the number of callers.
	cancelled := func() (bool, error) {
		s.mu.Lock()
		delete(s.pending, h)
		s.mu.Unlock()
		s.inflight.Done()
		return false, fmt.Errorf("save blob: %w", ctx.Err())
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return cancelled()
	}
	buf := s.getBuf(len(plaintext))
	*buf = append((*buf)[:0], plaintext...)
	select {
	case s.jobs <- saveJob{h: h, data: buf}:
		return true, nil
	case <-ctx.Done():
		s.putBuf(buf)
		<-s.slots
		return cancelled()
	}
}

// Buffer size classes: powers of two up to 64 KiB, then two per doubling
// (2^k and 1.5 x 2^k) up to 16 MiB. Every class keeps its own pool, and
// pooled buffers survive a collection or two, so classes are few: a chunk
// wastes at most a third of its buffer, while fine-grained classes (one
// per 256 KiB) kept about 60 MiB of idle buffers alive in a 1 GiB backup.
const (
	smallClasses   = 17 // 1 B .. 64 KiB
	largeClasses   = 16 // 96 KiB, 128 KiB, 192 KiB, ... 12 MiB, 16 MiB
	numSizeClasses = smallClasses + largeClasses
	maxPooled      = 16 << 20
)

func sizeClass(n int) (class, capacity int) {
	if n <= 1<<(smallClasses-1) {
		c := 0
		if n > 1 {
			c = bits.Len(uint(n - 1))
		}
		return c, 1 << c
	}
	if n > maxPooled {
		return -1, n
	}
	// n is in (2^(e-1), 2^e]; the half step is 1.5 x 2^(e-1).
	e := bits.Len(uint(n - 1))
	lower := 1 << (e - 1)
	class = smallClasses + 2*(e-smallClasses)
	if n <= lower+lower/2 {
		return class, lower + lower/2
	}
	return class + 1, 1 << e
}

// getBuf returns an empty buffer of capacity at least n. Small buffers
// (tree blobs, small files) are pooled by size class; chunk-sized ones come
// from a free list with a byte budget, since sync.Pool keeps whatever was
// put in it alive across a collection, which for buffers of up to 8 MiB in
// thirty size classes held tens of MiB idle during a backup.
func (s *blobStore) getBuf(n int) *[]byte {
	class, capacity := sizeClass(n)
	if class >= 0 && class < smallClasses {
		if b, ok := s.bufs[class].Get().(*[]byte); ok {
			return b
		}
	} else if b := s.large.get(n); b != nil {
		return b
	}
	b := make([]byte, 0, capacity)
	return &b
}

func (s *blobStore) putBuf(b *[]byte) {
	*b = (*b)[:0]
	class, capacity := sizeClass(cap(*b))
	switch {
	case class >= 0 && class < smallClasses && capacity == cap(*b):
		s.bufs[class].Put(b)
	case class >= smallClasses:
		s.large.put(b)
	}
}

// largeIdleBudget is how many bytes of idle chunk-sized buffers the blob
// store keeps for reuse: enough for the pipeline's usual few blobs in
// flight, little next to the packs and chunks a backup holds anyway.
const largeIdleBudget = 16 << 20

// bufList is a free list of large buffers holding at most budget bytes.
type bufList struct {
	mu     sync.Mutex
	free   []*[]byte
	idle   int
	budget int
}

// get takes the smallest free buffer of capacity at least n, or nil.
func (l *bufList) get(n int) *[]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	best := -1
	for i, b := range l.free {
		if cap(*b) >= n && (best < 0 || cap(*b) < cap(*l.free[best])) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	b := l.free[best]
	l.free[best] = l.free[len(l.free)-1]
	l.free = l.free[:len(l.free)-1]
	l.idle -= cap(*b)
	return b
}

// put keeps b for reuse if the budget allows, and drops it otherwise.
func (l *bufList) put(b *[]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.idle+cap(*b) > l.budget {
		return
	}
	l.free = append(l.free, b)
	l.idle += cap(*b)
}

func (s *blobStore) work() {
	defer s.workerWG.Done()
	var scratch, sealBuf []byte
	for job := range s.jobs {
		s.pack(job, &scratch, &sealBuf)
		s.putBuf(job.data)
		<-s.slots
		s.inflight.Done()
	}
}

func (s *blobStore) pack(job saveJob, scratch, sealBuf *[]byte) {
	r := s.r
	plain := *job.data
	payload, compressed := r.codec.compress(r.cfg.Compression, (*scratch)[:0], plain)
	*scratch = payload[:0]
	var ulen uint32
	if compressed {
		ulen = uint32(len(plain))
	} else {
		payload = plain
	}
	sealed := r.key.Seal((*sealBuf)[:0], payload)
	*sealBuf = sealed[:0]

	var send []*openPack
	s.mu.Lock()
	p := s.open[job.h.Type]
	if p != nil && p.reserved > 0 && p.reserved+len(sealed) > p.limit {
		// Keep packs near the target size: close this one first.
		send = append(send, p)
		p = nil
	}
	if p == nil {
		var err error
		if p, err = s.newPack(); err != nil {
			delete(s.pending, job.h)
			s.mu.Unlock()
			s.fail(err)
			for _, full := range send {
				s.sendUpload(full)
			}
			return
		}
		s.open[job.h.Type] = p
	}
	p.reserved += len(sealed)
	if p.reserved >= r.cfg.PackSize {
		send = append(send, p)
		delete(s.open, job.h.Type)
	}
	// Take the pack's lock before releasing the store's: an uploader locks
	// the pack before finishing it, so it waits for every worker that
	// reserved room in it.
	p.mu.Lock()
	s.mu.Unlock()
	e := p.add(job.h, sealed, ulen)
	p.mu.Unlock()
	s.blobsAdded.Add(1)
	s.plaintextAdded.Add(uint64(len(plain)))
	s.storedAdded.Add(uint64(e.Length))
	for _, full := range send {
		s.sendUpload(full)
	}
}

func (s *blobStore) sendUpload(p *openPack) {
	s.pendUp.Add(1)
	s.uploads <- p
}

func (s *blobStore) upload() {
	defer s.workerWG.Done()
	for p := range s.uploads {
		s.uploadPack(p)
		s.pendUp.Done()
	}
}

func (s *blobStore) uploadPack(p *openPack) {
	// Wait for any worker still writing into this pack.
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.discard()
	dropPending := func() {
		s.mu.Lock()
		for _, h := range p.ids {
			delete(s.pending, h)
		}
		s.mu.Unlock()
	}
	id, size, err := p.finish(s.r.key)
	if err == nil {
		err = s.r.be.Save(s.ctx, backend.Handle{Type: backend.PackFile, Name: id.String()}, p.file)
		if err != nil {
			err = fmt.Errorf("upload pack %s: %w", id.Short(), err)
		}
	}
	if err != nil {
		s.fail(err)
		dropPending()
		return
	}
	s.packsUploaded.Add(1)
	s.packBytesUploaded.Add(uint64(size))
	s.r.index.Add(id, p.entries)
	s.mu.Lock()
	s.unsaved.AddPack(id, p.entries)
	for _, h := range p.ids {
		delete(s.pending, h)
	}
	var partial index.File
	if len(s.unsaved.Packs) >= indexEvery {
		partial, s.unsaved = s.unsaved, index.File{}
	}
	s.mu.Unlock()
	if len(partial.Packs) > 0 {
		// An index file every indexEvery packs means a backup interrupted
		// after hours still leaves most of its packs indexed, so the next
		// run deduplicates against them instead of uploading them again.
		if _, err := s.r.SaveIndexFile(s.ctx, &partial); err != nil {
			s.fail(err)
		}
	}
}

// indexEvery is how many packs (about 1 GiB at the default size) the blob
// store uploads before writing an index file without waiting for Flush.
const indexEvery = 64

// Flush waits for every blob saved so far, uploads the partly filled packs,
// and writes an index file for every pack uploaded since the last Flush.
// After Flush returns nil, every blob SaveBlob accepted is durable and
// indexed. Do not call SaveBlob concurrently with Flush for blobs that must
// be covered by it.
func (r *Repository) Flush(ctx context.Context) error {
	s := r.store
	s.inflight.Wait()
	s.mu.Lock()
	var rest []*openPack
	for t, p := range s.open {
		rest = append(rest, p)
		delete(s.open, t)
	}
	s.mu.Unlock()
	for _, p := range rest {
		s.sendUpload(p)
	}
	s.pendUp.Wait()
	if err := s.failure(); err != nil {
		return err
	}
	s.mu.Lock()
	f := s.unsaved
	s.unsaved = index.File{}
	s.mu.Unlock()
	if len(f.Packs) == 0 {
		return nil
	}
	if _, err := r.SaveIndexFile(ctx, &f); err != nil {
		s.mu.Lock()
		s.unsaved.Packs = append(f.Packs, s.unsaved.Packs...)
		s.mu.Unlock()
		return err
	}
	return nil
}

// SaveIndexFile encrypts and stores an index file, returning its id.
func (r *Repository) SaveIndexFile(ctx context.Context, f *index.File) (blob.ID, error) {
	plain, err := f.Encode()
	if err != nil {
		return blob.ID{}, err
	}
	return r.SaveFile(ctx, backend.IndexFile, plain)
}

// LoadIndexFile loads and decodes one index file.
func (r *Repository) LoadIndexFile(ctx context.Context, id string) (*index.File, error) {
	plain, err := r.LoadFile(ctx, backend.Handle{Type: backend.IndexFile, Name: id})
	if err != nil {
		return nil, err
	}
	f, err := index.DecodeFile(plain)
	if err != nil {
		return nil, fmt.Errorf("index %s is damaged: %w", id, err)
	}
	return f, nil
}

// ensureIndex loads the index on first use, so that commands that never
// touch blobs (listing snapshots, keys, policies) do not pay for it.
func (r *Repository) ensureIndex(ctx context.Context) error {
	if r.indexLoaded.Load() {
		return nil
	}
	r.indexLoadMu.Lock()
	defer r.indexLoadMu.Unlock()
	if r.indexLoaded.Load() {
		return nil
	}
	return r.loadIndexLocked(ctx)
}

// LoadIndex (re)reads every index file into a fresh in-memory index.
// Unreadable index files are skipped and recorded in IndexProblems. Blob
// operations load the index by themselves on first use; call LoadIndex to
// see index files written by other processes since, but not while SaveBlob
// calls are in progress.
func (r *Repository) LoadIndex(ctx context.Context) error {
	r.indexLoadMu.Lock()
	defer r.indexLoadMu.Unlock()
	return r.loadIndexLocked(ctx)
}

func (r *Repository) loadIndexLocked(ctx context.Context) error {
	files, err := r.ListFiles(ctx, backend.IndexFile)
	if err != nil {
		return err
	}
	var problems []error
	var loaded []*index.File
	n := 0
	for _, fi := range files {
		f, err := r.LoadIndexFile(ctx, fi.Name)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			problems = append(problems, err)
			continue
		}
		loaded = append(loaded, f)
		for _, p := range f.Packs {
			n += len(p.Blobs)
		}
	}
	idx := index.NewWithCapacity(n)
	for _, f := range loaded {
		idx.AddFile(f)
	}
	// Blobs uploaded but not yet in an index file stay known.
	r.store.mu.Lock()
	for _, p := range r.store.unsaved.Packs {
		idx.Add(p.ID, p.Entries())
	}
	r.store.mu.Unlock()
	r.index.Replace(idx)
	r.indexMu.Lock()
	r.indexProblems = problems
	r.indexMu.Unlock()
	r.indexLoaded.Store(true)
	return nil
}

// IndexProblems returns the errors of index files the last LoadIndex could
// not read.
func (r *Repository) IndexProblems() []error {
	r.indexMu.Lock()
	defer r.indexMu.Unlock()
	return append([]error(nil), r.indexProblems...)
}

// LoadBlob returns the plaintext of a blob, appended to buf[:0] when it has
// room. The blob is authenticated, decompressed and re-hashed: any mismatch,
// a missing pack or a short read gives a *DamagedBlobError (errors.Is
// ErrDamaged); a blob the index does not know gives ErrBlobNotFound.
func (r *Repository) LoadBlob(ctx context.Context, t blob.Type, id blob.ID, buf []byte) ([]byte, error) {
	if err := r.ensureIndex(ctx); err != nil {
		return nil, fmt.Errorf("load blob: %w", err)
	}
	h := blob.Handle{Type: t, ID: id}
	loc, ok := r.index.Lookup(h)
	if !ok {
		return nil, fmt.Errorf("load %s: %w", h, ErrBlobNotFound)
	}
	sbuf := r.store.getBuf(int(loc.Length))
	defer r.store.putBuf(sbuf)
	sealed := (*sbuf)[:loc.Length]
	err := r.be.Load(ctx, backend.Handle{Type: backend.PackFile, Name: loc.Pack.String()}, int(loc.Length), int64(loc.Offset),
		func(rd io.Reader) error {
			_, err := io.ReadFull(rd, sealed)
			return err
		})
	if err != nil {
		if ctx.Err() == nil && (errors.Is(err, backend.ErrNotExist) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
			return nil, &DamagedBlobError{Blob: h, Pack: loc.Pack, Err: fmt.Errorf("read from pack: %w", err)}
		}
		return nil, fmt.Errorf("load %s from pack %s: %w", h, loc.Pack.Short(), err)
	}
	if buf == nil {
		buf = make([]byte, 0, loc.PlaintextLength())
	}
	return r.OpenBlob(h, loc.Pack, sealed, loc.UncompressedLength, buf)
}

// OpenBlob decrypts (in place: sealed is overwritten), decompresses and
// verifies a sealed blob read from a pack, returning the plaintext in
// buf[:0] (or, if buf is nil, in sealed itself). The checker and pruner use
// it on whole packs.
func (r *Repository) OpenBlob(h blob.Handle, packID blob.ID, sealed []byte, uncompressedLength uint32, buf []byte) ([]byte, error) {
	damaged := func(err error) error { return &DamagedBlobError{Blob: h, Pack: packID, Err: err} }
	// Decrypt in place: the ciphertext buffer is ours and no longer needed.
	payload, err := r.key.Open(sealed[crypto.NonceSize:crypto.NonceSize], sealed)
	if err != nil {
		return nil, damaged(err)
	}
	plain := payload
	if uncompressedLength != 0 {
		plain, err = r.codec.dec.DecodeAll(payload, buf[:0])
		if err != nil {
			return nil, damaged(fmt.Errorf("decompress: %w", err))
		}
		if len(plain) != int(uncompressedLength) {
			return nil, damaged(fmt.Errorf("decompressed to %d bytes, index says %d", len(plain), uncompressedLength))
		}
	} else if buf != nil {
		plain = append(buf[:0], payload...)
	}
	if got := r.key.BlobID(plain); got != h.ID {
		return nil, damaged(fmt.Errorf("content hashes to %s", got.Short()))
	}
	return plain, nil
}
