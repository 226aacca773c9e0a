package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/pack"
)

// Version is the index file format version written by Encode.
const Version = 1

// magic starts every index file's plaintext.
var magic = [4]byte{'S', 'T', 'I', 'X'}

// File is one index file's content. It is stored in binary (see
// Encode): a repository's index is read at every Open, and binary decodes
// far faster than JSON (see FORMAT.md).
type File struct {
	// Supersedes lists index files this one replaces (written by prune);
	// readers may ignore them once this file is read.
	Supersedes []blob.ID
	Packs      []Pack
}

// Pack lists the blobs of one pack, in pack order.
type Pack struct {
	ID    blob.ID
	Blobs []pack.Entry
}

// Entries returns the pack's blobs.
func (p Pack) Entries() []pack.Entry { return p.Blobs }

// Size returns the length the pack must have, computed from its entries.
func (p Pack) Size() int64 { return pack.Size(p.Blobs) }

// AddPack appends a pack's entries, which must be in offset order from 0
// without gaps (as pack headers list them).
func (f *File) AddPack(id blob.ID, entries []pack.Entry) {
	f.Packs = append(f.Packs, Pack{ID: id, Blobs: append([]pack.Entry(nil), entries...)})
}

// Encode returns the file's plaintext:
//
//	"STIX" || version (1 byte) || uint32le(#supersedes) || supersedes ids (32 each)
//	|| uint32le(#packs) || for each pack: id (32) || uint32le(#blobs) || blob entries
//
// where blob entries are the pack header's 41-byte records (type, stored
// length, uncompressed length, id) with offsets implicit.
func (f *File) Encode() ([]byte, error) {
	size := len(magic) + 1 + 4 + len(f.Supersedes)*blob.IDSize + 4
	for _, p := range f.Packs {
		size += blob.IDSize + 4 + len(p.Blobs)*pack.EntrySize
	}
	out := make([]byte, 0, size)
	out = append(out, magic[:]...)
	out = append(out, Version)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(f.Supersedes)))
	for _, id := range f.Supersedes {
		out = append(out, id[:]...)
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(len(f.Packs)))
	for _, p := range f.Packs {
		var off uint32
		for _, e := range p.Blobs {
			if e.Offset != off {
				return nil, fmt.Errorf("encode index: pack %s: blob %s at offset %d, expected %d", p.ID.Short(), e.ID.Short(), e.Offset, off)
			}
			off += e.Length
		}
		out = append(out, p.ID[:]...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(p.Blobs)))
		out = append(out, pack.EncodeHeader(p.Blobs)...)
	}
	return out, nil
}

var errShort = errors.New("truncated")

// reader consumes a plaintext index with bounds checks.
type reader struct{ b []byte }

func (r *reader) take(n int) ([]byte, error) {
	if n < 0 || n > len(r.b) {
		return nil, errShort
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out, nil
}

func (r *reader) count(each int) (int, error) {
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	n := binary.LittleEndian.Uint32(b)
	// A count larger than the bytes left cannot be honest; checking it
	// first keeps a hostile count from allocating.
	if uint64(n)*uint64(each) > uint64(len(r.b)) {
		return 0, fmt.Errorf("count %d exceeds the %d bytes left", n, len(r.b))
	}
	return int(n), nil
}

// DecodeFile parses an index file's plaintext.
func DecodeFile(data []byte) (*File, error) {
	f, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("decode index: %w", err)
	}
	return f, nil
}

func decode(data []byte) (*File, error) {
	r := &reader{b: data}
	head, err := r.take(len(magic) + 1)
	if err != nil {
		return nil, err
	}
	if [4]byte(head[:4]) != magic {
		return nil, errors.New("not an index file (bad magic)")
	}
	if head[4] != Version {
		return nil, fmt.Errorf("unsupported version %d (this program reads version %d)", head[4], Version)
	}
	f := &File{}
	n, err := r.count(blob.IDSize)
	if err != nil {
		return nil, fmt.Errorf("supersedes: %w", err)
	}
	for range n {
		b, err := r.take(blob.IDSize)
		if err != nil {
			return nil, fmt.Errorf("supersedes: %w", err)
		}
		f.Supersedes = append(f.Supersedes, blob.ID(b))
	}
	npacks, err := r.count(blob.IDSize + 4)
	if err != nil {
		return nil, fmt.Errorf("packs: %w", err)
	}
	f.Packs = make([]Pack, 0, npacks)
	for i := range npacks {
		idb, err := r.take(blob.IDSize)
		if err != nil {
			return nil, fmt.Errorf("pack %d: %w", i, err)
		}
		p := Pack{ID: blob.ID(idb)}
		nb, err := r.count(pack.EntrySize)
		if err != nil {
			return nil, fmt.Errorf("pack %d: %w", i, err)
		}
		if nb > pack.MaxEntries {
			return nil, fmt.Errorf("pack %s lists %d blobs, more than %d", p.ID.Short(), nb, pack.MaxEntries)
		}
		recs, err := r.take(nb * pack.EntrySize)
		if err != nil {
			return nil, fmt.Errorf("pack %s: %w", p.ID.Short(), err)
		}
		p.Blobs, _, err = pack.DecodeEntries(recs, math.MaxUint32)
		if err != nil {
			return nil, fmt.Errorf("pack %s: %w", p.ID.Short(), err)
		}
		f.Packs = append(f.Packs, p)
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d bytes of trailing garbage", len(r.b))
	}
	return f, nil
}
