package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"

	"github.com/stewardhq/steward/providers/backup/blob"
)

const (
	// KeySize is the length of each half of a Key.
	KeySize = 32
	// NonceSize is the length of the random nonce that starts sealed data.
	NonceSize = 12
	// TagSize is the length of the GCM authentication tag that ends it.
	TagSize = 16
	// Overhead is how much longer sealed data is than its plaintext.
	Overhead = NonceSize + TagSize
)

// ErrUnauthenticated is returned by Open when data was not sealed with this
// key or was modified since: the two cannot be told apart, by design.
var ErrUnauthenticated = errors.New("ciphertext verification failed (wrong key or damaged data)")

// Key is a repository's master key. It is safe for concurrent use.
type Key struct {
	encrypt [KeySize]byte
	mac     [KeySize]byte
	aead    cipher.AEAD
	macs    sync.Pool
}

// NewRandomKey returns a fresh master key from the system's CSPRNG.
func NewRandomKey() (*Key, error) {
	var enc, mac [KeySize]byte
	if _, err := rand.Read(enc[:]); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	if _, err := rand.Read(mac[:]); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return newKey(enc, mac)
}

func newKey(enc, mac [KeySize]byte) (*Key, error) {
	block, err := aes.NewCipher(enc[:])
	if err != nil {
		return nil, fmt.Errorf("init cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("init cipher: %w", err)
	}
	k := &Key{encrypt: enc, mac: mac, aead: aead}
	k.macs.New = func() any { return hmac.New(sha256.New, k.mac[:]) }
	return k, nil
}

// BlobID returns the keyed hash naming a blob with this plaintext. Without
// the key an id reveals nothing about the content.
func (k *Key) BlobID(plaintext []byte) blob.ID {
	h := k.macs.Get().(hash.Hash)
	h.Reset()
	h.Write(plaintext)
	var id blob.ID
	h.Sum(id[:0])
	k.macs.Put(h)
	return id
}

// Seal encrypts plaintext, appending nonce || ciphertext || tag to dst.
func (k *Key) Seal(dst, plaintext []byte) []byte {
	n := len(dst)
	dst = append(dst, make([]byte, NonceSize)...)
	nonce := dst[n : n+NonceSize]
	if _, err := rand.Read(nonce); err != nil {
		// crypto/rand.Read never returns an error on supported platforms.
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return k.aead.Seal(dst, nonce, plaintext, nil)
}

// Open decrypts and authenticates sealed data, appending the plaintext to
// dst. It returns ErrUnauthenticated for wrong keys and damaged data. To
// decrypt in place, pass sealed[NonceSize:NonceSize] as dst.
func (k *Key) Open(dst, sealed []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("%w: %d bytes is shorter than the %d-byte envelope", ErrUnauthenticated, len(sealed), Overhead)
	}
	out, err := k.aead.Open(dst, sealed[:NonceSize], sealed[NonceSize:], nil)
	if err != nil {
		return nil, ErrUnauthenticated
	}
	return out, nil
}

type keyJSON struct {
	Encrypt []byte `json:"encrypt"`
	MAC     []byte `json:"mac"`
}

// MarshalJSON encodes the key material (base64). Only ever store the result
// sealed by a password-derived key.
func (k *Key) MarshalJSON() ([]byte, error) {
	return json.Marshal(keyJSON{Encrypt: k.encrypt[:], MAC: k.mac[:]})
}

// UnmarshalKey decodes key material written by MarshalJSON.
func UnmarshalKey(data []byte) (*Key, error) {
	var j keyJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("decode master key: %w", err)
	}
	if len(j.Encrypt) != KeySize || len(j.MAC) != KeySize {
		return nil, fmt.Errorf("decode master key: want two %d-byte keys", KeySize)
	}
	var enc, mac [KeySize]byte
	copy(enc[:], j.Encrypt)
	copy(mac[:], j.MAC)
	return newKey(enc, mac)
}

// KeyedName returns a stable keyed hash of a name within a domain, used to
// name files (policies) without revealing the name.
func (k *Key) KeyedName(domain, name string) blob.ID {
	h := hmac.New(sha256.New, k.mac[:])
	h.Write([]byte(domain))
	h.Write([]byte{0})
	h.Write([]byte(name))
	var id blob.ID
	h.Sum(id[:0])
	return id
}
