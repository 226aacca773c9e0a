package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// IDSize is the length of an ID in bytes.
const IDSize = 32

// ID names a blob (the keyed hash of its plaintext) or a repository file
// (the SHA-256 of its stored bytes).
type ID [IDSize]byte

// String returns the id in lowercase hex.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// Short returns the first 8 hex digits, for messages.
func (id ID) Short() string { return hex.EncodeToString(id[:4]) }

// IsNull reports whether id is the zero id, which never names anything.
func (id ID) IsNull() bool { return id == ID{} }

// MarshalText encodes the id as hex.
func (id ID) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(IDSize))
	hex.Encode(out, id[:])
	return out, nil
}

// UnmarshalText decodes a hex id.
func (id *ID) UnmarshalText(text []byte) error {
	parsed, err := ParseID(string(text))
	if err != nil {
		return err
	}
	*id = parsed
	return nil
}

// ParseID decodes a full-length hex id.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != hex.EncodedLen(IDSize) {
		return id, fmt.Errorf("id %q: want %d hex digits", s, 2*IDSize)
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, fmt.Errorf("id %q: %w", s, err)
	}
	return id, nil
}

// FileID returns the id of a stored repository file: the plain SHA-256 of
// its bytes, so anyone can verify a file's integrity without the key.
func FileID(data []byte) ID { return sha256.Sum256(data) }

// Type is the kind of a blob.
type Type uint8

// The blob types. Their values appear in pack headers: never renumber.
const (
	Invalid Type = 0
	Data    Type = 1
	Tree    Type = 2
)

// String names the type for messages and JSON.
func (t Type) String() string {
	switch t {
	case Data:
		return "data"
	case Tree:
		return "tree"
	}
	return fmt.Sprintf("invalid(%d)", uint8(t))
}

// MarshalText encodes the type by name.
func (t Type) MarshalText() ([]byte, error) {
	if t != Data && t != Tree {
		return nil, fmt.Errorf("invalid blob type %d", uint8(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText decodes a type name.
func (t *Type) UnmarshalText(text []byte) error {
	switch string(text) {
	case "data":
		*t = Data
	case "tree":
		*t = Tree
	default:
		return fmt.Errorf("invalid blob type %q", text)
	}
	return nil
}

// Handle names a blob: the same plaintext stored as data and as a tree is
// two blobs.
type Handle struct {
	Type Type
	ID   ID
}

// String describes the handle for messages ("data blob 1a2b3c4d").
func (h Handle) String() string { return h.Type.String() + " blob " + h.ID.Short() }
