package crypto

import (
	"crypto/rand"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// KDFParams are the argon2id parameters stored in a key file, so a key
// made with other costs still opens.
type KDFParams struct {
	Algorithm string `json:"algorithm"` // always "argon2id"
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
	Salt      []byte `json:"salt"`
}

// DefaultKDFParams are the costs for new keys: 32 MiB and four passes take
// a few hundred milliseconds here, cheap for a user, costly for a guesser.
// 32 MiB rather than RFC 9106's 64 MiB keeps the KDF from setting the peak
// memory of small backups, which it otherwise does.
func DefaultKDFParams() KDFParams {
	return KDFParams{Algorithm: "argon2id", Time: 4, MemoryKiB: 32 * 1024, Threads: 2}
}

// MinimalKDFParams are deliberately weak costs for tests only.
func MinimalKDFParams() KDFParams {
	return KDFParams{Algorithm: "argon2id", Time: 1, MemoryKiB: 64, Threads: 1}
}

// Validate rejects parameters no key of ours was made with, so a hostile
// key file cannot make Open allocate gigabytes.
func (p KDFParams) Validate() error {
	switch {
	case p.Algorithm != "argon2id":
		return fmt.Errorf("unsupported KDF %q", p.Algorithm)
	case p.Time < 1 || p.Time > 100:
		return fmt.Errorf("KDF time %d out of range 1..100", p.Time)
	case p.MemoryKiB < 8 || p.MemoryKiB > 1024*1024:
		return fmt.Errorf("KDF memory %d KiB out of range 8..1048576", p.MemoryKiB)
	case p.Threads < 1:
		return fmt.Errorf("KDF threads must be at least 1")
	case len(p.Salt) < 16:
		return fmt.Errorf("KDF salt must be at least 16 bytes")
	}
	return nil
}

// WithNewSalt returns p with a fresh random salt.
func (p KDFParams) WithNewSalt() (KDFParams, error) {
	p.Salt = make([]byte, 32)
	if _, err := rand.Read(p.Salt); err != nil {
		return p, fmt.Errorf("generate salt: %w", err)
	}
	return p, nil
}

// DeriveKey derives the key that wraps the master key from a password. The
// MAC half is unused: sealing the master key needs only encryption.
func DeriveKey(password []byte, p KDFParams) (*Key, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	raw := argon2.IDKey(password, p.Salt, p.Time, p.MemoryKiB, p.Threads, KeySize)
	var enc [KeySize]byte
	copy(enc[:], raw)
	return newKey(enc, [KeySize]byte{})
}
