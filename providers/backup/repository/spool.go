package repository

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/backup/pack"
)

// openPack is a pack being assembled in a temporary file. Keeping packs on
// disk rather than in memory is what keeps a backup's memory small: several
// 16 MiB packs can be open or uploading at once.
type openPack struct {
	// limit and reserved are guarded by blobStore.mu: workers reserve room
	// before writing, so whether a blob fits is decided without waiting for
	// the pack's own lock.
	limit    int
	reserved int

	mu      sync.Mutex
	file    *os.File
	hash    hash.Hash // SHA-256 of everything written: the pack's id
	size    int64
	entries []pack.Entry
	ids     []blob.Handle
	err     error // first write error
}

func (s *blobStore) newPack() (*openPack, error) {
	f, err := os.CreateTemp(s.tempDir, "steward-pack-")
	if err != nil {
		return nil, fmt.Errorf("create temporary pack file: %w", err)
	}
	// Unlink at once: the open descriptor keeps the data, and a crash
	// leaves nothing behind in the temporary directory.
	_ = os.Remove(f.Name())
	return &openPack{limit: s.r.cfg.PackSize + s.r.cfg.PackSize/8, file: f, hash: sha256.New()}, nil
}

// add appends a sealed blob. The caller holds p.mu.
func (p *openPack) add(h blob.Handle, sealed []byte, uncompressedLength uint32) pack.Entry {
	e := pack.Entry{Type: h.Type, ID: h.ID, Offset: uint32(p.size), Length: uint32(len(sealed)), UncompressedLength: uncompressedLength}
	p.ids = append(p.ids, h)
	if p.err != nil {
		return e
	}
	if _, err := p.file.Write(sealed); err != nil {
		p.err = fmt.Errorf("write temporary pack file: %w", err)
		return e
	}
	p.hash.Write(sealed)
	p.size += int64(len(sealed))
	p.entries = append(p.entries, e)
	return e
}

// finish appends the sealed header and trailer and rewinds the file for
// reading. The caller holds p.mu.
func (p *openPack) finish(key *crypto.Key) (blob.ID, int64, error) {
	if p.err != nil {
		return blob.ID{}, 0, p.err
	}
	tail := key.Seal(nil, pack.EncodeHeader(p.entries))
	tail = binary.LittleEndian.AppendUint32(tail, uint32(len(tail)))
	if _, err := p.file.Write(tail); err != nil {
		return blob.ID{}, 0, fmt.Errorf("write temporary pack file: %w", err)
	}
	p.hash.Write(tail)
	p.size += int64(len(tail))
	var id blob.ID
	p.hash.Sum(id[:0])
	if _, err := p.file.Seek(0, io.SeekStart); err != nil {
		return blob.ID{}, 0, fmt.Errorf("rewind temporary pack file: %w", err)
	}
	return id, p.size, nil
}

// discard releases the temporary file.
func (p *openPack) discard() {
	if p.file != nil {
		_ = p.file.Close()
		p.file = nil
	}
}
