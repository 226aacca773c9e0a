package pack

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/crypto"
)

// EntrySize is the length of one header entry.
const EntrySize = 1 + 4 + 4 + blob.IDSize

// trailerSize is the length of the header-length field at the end.
const trailerSize = 4

// MaxEntries bounds a header so that a hostile length field cannot make a
// reader allocate without limit (16 MiB packs of tiny blobs stay far below).
const MaxEntries = 1 << 20

// ErrDamaged is matched (errors.Is) by every error about a malformed pack.
var ErrDamaged = errors.New("damaged pack")

// Entry describes one blob in a pack.
type Entry struct {
	Type blob.Type
	ID   blob.ID
	// Offset and Length locate the sealed blob in the pack.
	Offset uint32
	Length uint32
	// UncompressedLength is the plaintext length of a compressed blob, and
	// 0 for a blob stored uncompressed.
	UncompressedLength uint32
}

// PlaintextLength returns the blob's plaintext length.
func (e Entry) PlaintextLength() uint32 {
	if e.UncompressedLength != 0 {
		return e.UncompressedLength
	}
	return e.Length - crypto.Overhead
}

// Size returns the length of a pack holding entries: their blobs, the sealed
// header and the trailer.
func Size(entries []Entry) int64 {
	var n int64
	for _, e := range entries {
		n += int64(e.Length)
	}
	return n + HeaderSize(len(entries))
}

// HeaderSize is the number of bytes after the last blob of a pack with n
// entries.
func HeaderSize(n int) int64 {
	return int64(n)*EntrySize + crypto.Overhead + trailerSize
}

// Writer assembles one pack in memory. It is not safe for concurrent use.
type Writer struct {
	buf     []byte
	entries []Entry
}

// NewWriter returns a Writer whose buffer starts with room for sizeHint bytes.
func NewWriter(sizeHint int) *Writer {
	return &Writer{buf: make([]byte, 0, sizeHint)}
}

// Add appends a sealed blob.
func (w *Writer) Add(t blob.Type, id blob.ID, sealed []byte, uncompressedLength uint32) Entry {
	e := Entry{Type: t, ID: id, Offset: uint32(len(w.buf)), Length: uint32(len(sealed)), UncompressedLength: uncompressedLength}
	w.buf = append(w.buf, sealed...)
	w.entries = append(w.entries, e)
	return e
}

// Size returns the length of the blobs added so far.
func (w *Writer) Size() int { return len(w.buf) }

// Count returns how many blobs were added.
func (w *Writer) Count() int { return len(w.entries) }

// Entries returns the entries added so far.
func (w *Writer) Entries() []Entry { return w.entries }

// Finish appends the sealed header and trailer and returns the whole pack.
// The Writer must not be used afterwards.
func (w *Writer) Finish(key *crypto.Key) []byte {
	header := EncodeHeader(w.entries)
	start := len(w.buf)
	w.buf = key.Seal(w.buf, header)
	w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(len(w.buf)-start))
	return w.buf
}

// EncodeHeader returns the plaintext header for entries.
func EncodeHeader(entries []Entry) []byte {
	out := make([]byte, 0, len(entries)*EntrySize)
	for _, e := range entries {
		out = append(out, byte(e.Type))
		out = binary.LittleEndian.AppendUint32(out, e.Length)
		out = binary.LittleEndian.AppendUint32(out, e.UncompressedLength)
		out = append(out, e.ID[:]...)
	}
	return out
}

// DecodeHeader parses a plaintext header of a pack of packSize bytes and
// checks that its entries tile the pack exactly up to the header.
func DecodeHeader(header []byte, packSize int64) ([]Entry, error) {
	if len(header)%EntrySize != 0 {
		return nil, fmt.Errorf("%w: header length %d is not a multiple of %d", ErrDamaged, len(header), EntrySize)
	}
	n := len(header) / EntrySize
	if n > MaxEntries {
		return nil, fmt.Errorf("%w: %d header entries exceed the limit of %d", ErrDamaged, n, MaxEntries)
	}
	entries, end, err := DecodeEntries(header, packSize)
	if err != nil {
		return nil, err
	}
	if want := end + HeaderSize(n); want != packSize {
		return nil, fmt.Errorf("%w: header lists %d bytes of blobs, so the pack should be %d bytes, not %d", ErrDamaged, end, want, packSize)
	}
	return entries, nil
}

// DecodeEntries parses consecutive 41-byte entry records (the pack header
// format, also used by index files), assigning offsets from 0, and returns
// them with the offset where the last blob ends, which must not pass limit.
// len(records) must be a multiple of EntrySize.
func DecodeEntries(records []byte, limit int64) ([]Entry, int64, error) {
	n := len(records) / EntrySize
	entries := make([]Entry, n)
	var offset int64
	for i := range entries {
		rec := records[i*EntrySize : (i+1)*EntrySize]
		e := Entry{
			Type:               blob.Type(rec[0]),
			Offset:             uint32(offset),
			Length:             binary.LittleEndian.Uint32(rec[1:5]),
			UncompressedLength: binary.LittleEndian.Uint32(rec[5:9]),
		}
		copy(e.ID[:], rec[9:])
		if e.Type != blob.Data && e.Type != blob.Tree {
			return nil, 0, fmt.Errorf("%w: entry %d has invalid blob type %d", ErrDamaged, i, rec[0])
		}
		if e.Length < crypto.Overhead {
			return nil, 0, fmt.Errorf("%w: entry %d is %d bytes, shorter than the encryption envelope", ErrDamaged, i, e.Length)
		}
		offset += int64(e.Length)
		if offset > limit {
			return nil, 0, fmt.Errorf("%w: entry %d ends at %d, beyond the pack's %d bytes", ErrDamaged, i, offset, limit)
		}
		entries[i] = e
	}
	return entries, offset, nil
}

// ReadHeader reads, decrypts and decodes the header of the pack in r, which
// is size bytes long.
func ReadHeader(key *crypto.Key, r io.ReaderAt, size int64) ([]Entry, error) {
	if size < HeaderSize(0) {
		return nil, fmt.Errorf("%w: %d bytes is too short for a pack", ErrDamaged, size)
	}
	var trailer [trailerSize]byte
	if _, err := r.ReadAt(trailer[:], size-trailerSize); err != nil {
		return nil, fmt.Errorf("read pack trailer: %w", err)
	}
	hlen := int64(binary.LittleEndian.Uint32(trailer[:]))
	if hlen < crypto.Overhead || hlen > size-trailerSize || (hlen-crypto.Overhead)%EntrySize != 0 ||
		(hlen-crypto.Overhead)/EntrySize > MaxEntries {
		return nil, fmt.Errorf("%w: header length %d does not fit a %d-byte pack", ErrDamaged, hlen, size)
	}
	sealed := make([]byte, hlen)
	if _, err := r.ReadAt(sealed, size-trailerSize-hlen); err != nil {
		return nil, fmt.Errorf("read pack header: %w", err)
	}
	header, err := key.Open(nil, sealed)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrDamaged, err)
	}
	return DecodeHeader(header, size)
}

// AddSealed seals payload with key straight into the pack and records it.
func (w *Writer) AddSealed(key *crypto.Key, t blob.Type, id blob.ID, payload []byte, uncompressedLength uint32) Entry {
	start := len(w.buf)
	w.buf = key.Seal(w.buf, payload)
	e := Entry{Type: t, ID: id, Offset: uint32(start), Length: uint32(len(w.buf) - start), UncompressedLength: uncompressedLength}
	w.entries = append(w.entries, e)
	return e
}
