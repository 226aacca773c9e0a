package index

import (
	"sync"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/pack"
)

// Location says where a blob is stored.
type Location struct {
	Pack blob.ID
	pack.Entry
}

// Index is an in-memory blob -> location map, safe for concurrent use.
// When a blob is stored in several packs (after a crash, or two backups
// racing), the first location added wins and the others are counted as
// duplicates.
type Index struct {
	mu         sync.RWMutex
	blobs      map[blob.Handle]Location
	duplicates int
}

// New returns an empty Index.
func New() *Index {
	return &Index{blobs: make(map[blob.Handle]Location)}
}

// NewWithCapacity returns an empty Index with room for n blobs: loading a
// large index into a map sized up front avoids rehashing it many times.
func NewWithCapacity(n int) *Index {
	return &Index{blobs: make(map[blob.Handle]Location, n)}
}

// Add records the blobs of one pack.
func (x *Index) Add(packID blob.ID, entries []pack.Entry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range entries {
		h := blob.Handle{Type: e.Type, ID: e.ID}
		if _, ok := x.blobs[h]; ok {
			x.duplicates++
			continue
		}
		x.blobs[h] = Location{Pack: packID, Entry: e}
	}
}

// AddFile records every pack of an index file.
func (x *Index) AddFile(f *File) {
	for _, p := range f.Packs {
		x.Add(p.ID, p.Entries())
	}
}

// Lookup returns where h is stored.
func (x *Index) Lookup(h blob.Handle) (Location, bool) {
	x.mu.RLock()
	loc, ok := x.blobs[h]
	x.mu.RUnlock()
	return loc, ok
}

// Has reports whether h is indexed.
func (x *Index) Has(h blob.Handle) bool {
	_, ok := x.Lookup(h)
	return ok
}

// Len returns the number of distinct blobs.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.blobs)
}

// Duplicates returns how many extra copies of already indexed blobs were added.
func (x *Index) Duplicates() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.duplicates
}

// Each calls fn for every blob, in no particular order. fn must not call
// back into the Index.
func (x *Index) Each(fn func(blob.Handle, Location)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for h, loc := range x.blobs {
		fn(h, loc)
	}
}

// Replace makes x hold other's content; other must not be used afterwards.
// The repository swaps in a freshly loaded index this way while other
// goroutines keep using x.
func (x *Index) Replace(other *Index) {
	other.mu.Lock()
	blobs, dups := other.blobs, other.duplicates
	other.blobs = nil
	other.mu.Unlock()
	x.mu.Lock()
	x.blobs, x.duplicates = blobs, dups
	x.mu.Unlock()
}
