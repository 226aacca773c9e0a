package index

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/pack"
)

// Version is the index file format version written by Encode.
const Version = 1

// File is one index file's content.
type File struct {
	Version int `json:"version"`
	// Supersedes lists index files this one replaces (written by prune);
	// readers may ignore them once this file is read.
	Supersedes []blob.ID `json:"supersedes,omitempty"`
	Packs      []Pack    `json:"packs"`
}

// Pack lists the blobs of one pack.
type Pack struct {
	ID    blob.ID    `json:"id"`
	Blobs []BlobJSON `json:"blobs"`
}

// BlobJSON is one blob's entry in an index file.
type BlobJSON struct {
	ID                 blob.ID   `json:"id"`
	Type               blob.Type `json:"type"`
	Offset             uint32    `json:"offset"`
	Length             uint32    `json:"length"`
	UncompressedLength uint32    `json:"uncompressed_length,omitempty"`
}

// Entries returns the pack's blobs as pack entries.
func (p Pack) Entries() []pack.Entry {
	out := make([]pack.Entry, len(p.Blobs))
	for i, b := range p.Blobs {
		out[i] = pack.Entry{Type: b.Type, ID: b.ID, Offset: b.Offset, Length: b.Length, UncompressedLength: b.UncompressedLength}
	}
	return out
}

// Size returns the length the pack must have, computed from its entries.
func (p Pack) Size() int64 { return pack.Size(p.Entries()) }

// AddPack appends a pack's entries.
func (f *File) AddPack(id blob.ID, entries []pack.Entry) {
	p := Pack{ID: id, Blobs: make([]BlobJSON, len(entries))}
	for i, e := range entries {
		p.Blobs[i] = BlobJSON{ID: e.ID, Type: e.Type, Offset: e.Offset, Length: e.Length, UncompressedLength: e.UncompressedLength}
	}
	f.Packs = append(f.Packs, p)
}

// Encode returns the file's plaintext.
func (f *File) Encode() ([]byte, error) {
	f.Version = Version
	if f.Packs == nil {
		f.Packs = []Pack{}
	}
	data, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode index: %w", err)
	}
	return data, nil
}

// DecodeFile parses an index file's plaintext and checks that each pack's
// blobs are in offset order without overlap, so that Pack.Size is the
// pack's true length.
func DecodeFile(data []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decode index: %w", err)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("decode index: unsupported version %d (this program reads version %d)", f.Version, Version)
	}
	for i := range f.Packs {
		p := &f.Packs[i]
		sort.Slice(p.Blobs, func(a, b int) bool { return p.Blobs[a].Offset < p.Blobs[b].Offset })
		var end uint64
		for _, b := range p.Blobs {
			if uint64(b.Offset) != end {
				return nil, fmt.Errorf("decode index: pack %s: blob %s at offset %d, expected %d", p.ID.Short(), b.ID.Short(), b.Offset, end)
			}
			if b.Type != blob.Data && b.Type != blob.Tree {
				return nil, fmt.Errorf("decode index: pack %s: blob %s has invalid type", p.ID.Short(), b.ID.Short())
			}
			end += uint64(b.Length)
			if end > 1<<32-1 {
				return nil, fmt.Errorf("decode index: pack %s is larger than 4 GiB", p.ID.Short())
			}
		}
	}
	return &f, nil
}
