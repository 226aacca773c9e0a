package state

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyEnv names the environment variable that supplies the hash key as hex,
// for CI systems and teams that share a state and so must share the key.
const KeyEnv = "STEWARD_STATE_KEY"

// keySize is the size of a generated key: 32 random bytes match the
// HMAC-SHA256 output size, so a longer key would add no strength.
const keySize = 32

// minEnvKeySize guards against a key typed by hand that is too short to
// stop guessing attacks on the hashes.
const minEnvKeySize = 16

// LoadOrCreateKey returns the key for HashValue. KeyEnv wins if set;
// otherwise the key is read from .steward/state.key under dir, which is
// created on first use (32 random bytes, the file 0600 and the directory
// 0700). Losing the key does not lose state, but every stored hash then
// looks changed to the planner.
func LoadOrCreateKey(dir string) ([]byte, error) {
	if env, ok := os.LookupEnv(KeyEnv); ok {
		key, err := hex.DecodeString(strings.TrimSpace(env))
		if err != nil {
			return nil, fmt.Errorf("%s is not valid hex: %w", KeyEnv, err)
		}
		if len(key) < minEnvKeySize {
			return nil, fmt.Errorf("%s holds %d bytes; it needs at least %d (generate one with: openssl rand -hex 32)", KeyEnv, len(key), minEnvKeySize)
		}
		return key, nil
	}

	keyDir := filepath.Join(dir, ".steward")
	path := filepath.Join(keyDir, "state.key")
	if key, err := readKeyFile(path); !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating state key directory: %w", err)
	}

	key := make([]byte, keySize)
	_, _ = rand.Read(key) // never fails; see crypto/rand.Read
	tmp, err := writeTempFile(keyDir, "state.key", key, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating state key: %w", err)
	}
	defer os.Remove(tmp)
	// A hard link fails if the name exists, unlike rename. Two runs creating
	// the key at once therefore cannot each end up using a different key:
	// the loser reads the winner's.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("creating state key %s: %w", path, err)
	}
	if err := syncDir(keyDir); err != nil {
		return nil, fmt.Errorf("creating state key %s: %w", path, err)
	}
	return key, nil
}

func readKeyFile(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("reading state key: %w", err)
	}
	// A short key is most likely a truncated copy; using it would make every
	// stored hash look changed, which is worse than stopping here.
	if len(key) != keySize {
		return nil, fmt.Errorf("state key %s holds %d bytes, want %d; restore it from a backup, or delete it to start over (every sensitive attribute will then show as changed once)", path, len(key), keySize)
	}
	return key, nil
}

// NewKey returns a new random hash key of the size LoadOrCreateKey
// creates, for stores that keep the key themselves (see KeyStore).
func NewKey() ([]byte, error) {
	key := make([]byte, keySize)
	_, _ = rand.Read(key) // never fails; see crypto/rand.Read
	return key, nil
}

// ReadLocalKey returns the key in dir's .steward/state.key, or (nil, nil)
// when there is none. Unlike LoadOrCreateKey it ignores KeyEnv and never
// creates a key; state migrate uses it to carry the key along.
func ReadLocalKey(dir string) ([]byte, error) {
	key, err := readKeyFile(filepath.Join(dir, ".steward", "state.key"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return key, err
}

// WriteLocalKey stores key as dir's .steward/state.key, replacing any key
// there, with the same modes LoadOrCreateKey uses.
func WriteLocalKey(dir string, key []byte) error {
	if len(key) != keySize {
		return fmt.Errorf("a state key must be %d bytes, not %d", keySize, len(key))
	}
	keyDir := filepath.Join(dir, ".steward")
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		return fmt.Errorf("creating state key directory: %w", err)
	}
	if err := atomicWriteFile(filepath.Join(keyDir, "state.key"), key, 0o600); err != nil {
		return fmt.Errorf("writing state key: %w", err)
	}
	return nil
}
