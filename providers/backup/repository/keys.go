package repository

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strings"
	"time"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/crypto"
)

// keyFile is a key file as stored (plain JSON): the master key sealed by a
// key derived from a password with the recorded KDF parameters.
type keyFile struct {
	Created  time.Time        `json:"created"`
	Hostname string           `json:"hostname"`
	Username string           `json:"username"`
	KDF      crypto.KDFParams `json:"kdf"`
	Data     []byte           `json:"data"`
}

// KeyInfo describes one key file.
type KeyInfo struct {
	ID       string
	Created  time.Time
	Hostname string
	Username string
	// Current is true for the key the repository was opened with.
	Current bool
}

func newKeyFile(master *crypto.Key, password []byte, params crypto.KDFParams) ([]byte, error) {
	params, err := params.WithNewSalt()
	if err != nil {
		return nil, err
	}
	wrap, err := crypto.DeriveKey(password, params)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	raw, err := master.MarshalJSON()
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	kf := keyFile{Created: time.Now().UTC(), Hostname: host, Username: currentUsername(), KDF: params, Data: wrap.Seal(nil, raw)}
	data, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode key file: %w", err)
	}
	return data, nil
}

func currentUsername() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

func saveKeyFile(ctx context.Context, be backend.Backend, data []byte) (string, error) {
	id := blob.FileID(data).String()
	if err := be.Save(ctx, backend.Handle{Type: backend.KeyFile, Name: id}, bytes.NewReader(data)); err != nil {
		return "", fmt.Errorf("save key: %w", err)
	}
	return id, nil
}

func loadKeyFile(ctx context.Context, be backend.Backend, name string) (*keyFile, error) {
	var data []byte
	err := be.Load(ctx, backend.Handle{Type: backend.KeyFile, Name: name}, 0, 0, func(rd io.Reader) error {
		var err error
		data, err = io.ReadAll(rd)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", name, err)
	}
	var kf keyFile
	if err := json.Unmarshal(data, &kf); err != nil {
		return nil, fmt.Errorf("key %s is damaged: %w", name, err)
	}
	return &kf, nil
}

// openMasterKey tries every key file with the password. Each try costs one
// KDF run, so a wrong password takes about the same time whatever it is.
func openMasterKey(ctx context.Context, be backend.Backend, password []byte) (*crypto.Key, string, error) {
	var names []string
	err := be.List(ctx, backend.KeyFile, func(fi backend.FileInfo) error {
		names = append(names, fi.Name)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("list keys: %w", err)
	}
	sort.Strings(names)
	var damaged []error
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		kf, err := loadKeyFile(ctx, be, name)
		if err != nil {
			damaged = append(damaged, err)
			continue
		}
		wrap, err := crypto.DeriveKey(password, kf.KDF)
		if err != nil {
			damaged = append(damaged, fmt.Errorf("key %s: %w", name, err))
			continue
		}
		raw, err := wrap.Open(nil, kf.Data)
		if err != nil {
			continue // wrong password for this key
		}
		master, err := crypto.UnmarshalKey(raw)
		if err != nil {
			return nil, "", fmt.Errorf("key %s: %w", name, err)
		}
		return master, name, nil
	}
	if len(names) == 0 {
		return nil, "", fmt.Errorf("repository %s has no key files: %w", be.Location(), ErrWrongPassword)
	}
	if len(damaged) > 0 {
		return nil, "", fmt.Errorf("%w (and some key files could not be read: %w)", ErrWrongPassword, errors.Join(damaged...))
	}
	return nil, "", ErrWrongPassword
}

// Keys lists the repository's key files.
func (r *Repository) Keys(ctx context.Context) ([]KeyInfo, error) {
	files, err := r.ListFiles(ctx, backend.KeyFile)
	if err != nil {
		return nil, err
	}
	var out []KeyInfo
	for _, fi := range files {
		kf, err := loadKeyFile(ctx, r.be, fi.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, KeyInfo{ID: fi.Name, Created: kf.Created, Hostname: kf.Hostname, Username: kf.Username, Current: fi.Name == r.keyID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// AddKey stores a new key file that opens the repository with password.
func (r *Repository) AddKey(ctx context.Context, password []byte) (KeyInfo, error) {
	if len(password) == 0 {
		return KeyInfo{}, errors.New("add key: empty password")
	}
	data, err := newKeyFile(r.key, password, r.kdf)
	if err != nil {
		return KeyInfo{}, err
	}
	id, err := saveKeyFile(ctx, r.be, data)
	if err != nil {
		return KeyInfo{}, err
	}
	kf, err := loadKeyFile(ctx, r.be, id)
	if err != nil {
		return KeyInfo{}, err
	}
	return KeyInfo{ID: id, Created: kf.Created, Hostname: kf.Hostname, Username: kf.Username}, nil
}

// RemoveKey removes the key file whose id starts with idPrefix. It refuses
// to remove the key in use (ErrKeyInUse) or the last key (ErrLastKey).
func (r *Repository) RemoveKey(ctx context.Context, idPrefix string) error {
	files, err := r.ListFiles(ctx, backend.KeyFile)
	if err != nil {
		return err
	}
	var match []string
	for _, fi := range files {
		if idPrefix != "" && strings.HasPrefix(fi.Name, idPrefix) {
			match = append(match, fi.Name)
		}
	}
	switch {
	case len(match) == 0:
		return fmt.Errorf("remove key %q: %w", idPrefix, ErrKeyNotFound)
	case len(match) > 1:
		return fmt.Errorf("remove key %q: %w (%d keys match)", idPrefix, ErrAmbiguousRef, len(match))
	case len(files) == 1:
		return fmt.Errorf("remove key %s: %w", match[0], ErrLastKey)
	case match[0] == r.keyID:
		return fmt.Errorf("remove key %s: %w", match[0], ErrKeyInUse)
	}
	if err := r.be.Remove(ctx, backend.Handle{Type: backend.KeyFile, Name: match[0]}); err != nil {
		return fmt.Errorf("remove key %s: %w", match[0], err)
	}
	return nil
}
