package repository

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/restic/chunker"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/backup/index"
)

// InitOptions configure a new repository.
type InitOptions struct {
	// Compression is the default compression; empty means auto.
	Compression Compression
	// PackSize is the target pack size in bytes; 0 means DefaultPackSize.
	PackSize int
	// KDF overrides the password KDF costs (tests use
	// crypto.MinimalKDFParams); nil means crypto.DefaultKDFParams.
	KDF *crypto.KDFParams
	// Workers is the number of compress+encrypt goroutines; 0 means GOMAXPROCS.
	Workers int
	// Uploads is the number of concurrent pack uploads; 0 means 2.
	Uploads int
	// TempDir is where packs are assembled before upload; empty means
	// os.TempDir().
	TempDir string
}

// OpenOptions configure an opened repository for this session.
type OpenOptions struct {
	// Compression overrides the repository's default for blobs saved in
	// this session; empty keeps the configured mode.
	Compression Compression
	// PackSize overrides the configured target pack size; 0 keeps it.
	PackSize int
	// KDF sets the costs of keys added with AddKey; nil means the defaults.
	KDF *crypto.KDFParams
	// Workers, Uploads and TempDir as in InitOptions.
	Workers int
	Uploads int
	TempDir string
}

// Repository is an open repository. Its methods are safe for concurrent
// use; Close it when done.
type Repository struct {
	be     backend.Backend
	key    *crypto.Key
	keyID  string
	cfg    Config
	kdf    crypto.KDFParams
	codec  *codec
	index  *index.Index
	store  *blobStore
	locker *lockSet

	indexMu       sync.Mutex
	indexProblems []error
	indexLoadMu   sync.Mutex  // serialises index loads
	indexLoaded   atomic.Bool // whether the index was loaded once
}

func validatePackSize(n int) error {
	if n < MinPackSize || n > MaxPackSize {
		return fmt.Errorf("pack size %d out of range %d..%d bytes", n, MinPackSize, MaxPackSize)
	}
	return nil
}

// Init creates a repository at be, protected by password, and returns it
// opened with that password.
func Init(ctx context.Context, be backend.Backend, password []byte, opts InitOptions) (*Repository, error) {
	if len(password) == 0 {
		return nil, errors.New("init repository: empty password")
	}
	if _, err := Probe(ctx, be); err == nil {
		return nil, fmt.Errorf("init %s: %w", be.Location(), ErrRepositoryExists)
	} else if !errors.Is(err, ErrNoRepository) {
		return nil, fmt.Errorf("init %s: %w", be.Location(), err)
	}
	if opts.Compression == "" {
		opts.Compression = CompressionAuto
	}
	if err := opts.Compression.Validate(); err != nil {
		return nil, fmt.Errorf("init repository: %w", err)
	}
	if opts.PackSize == 0 {
		opts.PackSize = DefaultPackSize
	}
	if err := validatePackSize(opts.PackSize); err != nil {
		return nil, fmt.Errorf("init repository: %w", err)
	}
	kdf := crypto.DefaultKDFParams()
	if opts.KDF != nil {
		kdf = *opts.KDF
	}
	pol, err := chunker.RandomPolynomial()
	if err != nil {
		return nil, fmt.Errorf("init repository: chunker polynomial: %w", err)
	}
	var rid [32]byte
	if _, err := rand.Read(rid[:]); err != nil {
		return nil, fmt.Errorf("init repository: %w", err)
	}
	cfg := Config{ID: hex.EncodeToString(rid[:]), Version: FormatVersion, ChunkerPolynomial: pol,
		Compression: opts.Compression, PackSize: opts.PackSize}
	master, err := crypto.NewRandomKey()
	if err != nil {
		return nil, err
	}
	if err := be.Create(ctx); err != nil {
		return nil, fmt.Errorf("init %s: %w", be.Location(), err)
	}
	kfData, err := newKeyFile(master, password, kdf)
	if err != nil {
		return nil, err
	}
	// The key goes first and the config last: the config's presence is what
	// makes a repository, so a crash in between leaves none.
	keyID, err := saveKeyFile(ctx, be, kfData)
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", be.Location(), err)
	}
	cfgData, err := sealConfig(master, cfg)
	if err != nil {
		return nil, err
	}
	if err := be.Save(ctx, backend.Handle{Type: backend.ConfigFile}, bytes.NewReader(cfgData)); err != nil {
		return nil, fmt.Errorf("init %s: save config: %w", be.Location(), err)
	}
	return newRepository(be, master, keyID, cfg, kdf, opts.Workers, opts.Uploads, opts.TempDir)
}

// Open opens the repository at be with password. A password no key file
// accepts gives an error matching ErrWrongPassword. The index is loaded on
// the first blob operation (or LoadIndex), not here, so that listing
// snapshots or keys stays fast. Index files that cannot be read do not stop
// it (check reports them, see IndexProblems): their blobs are then simply
// unknown, which at worst stores them again.
func Open(ctx context.Context, be backend.Backend, password []byte, opts OpenOptions) (*Repository, error) {
	cf, err := loadConfigFile(ctx, be)
	if err != nil {
		return nil, err
	}
	master, keyID, err := openMasterKey(ctx, be, password)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", be.Location(), err)
	}
	cfg, err := cf.open(master)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", be.Location(), err)
	}
	if opts.Compression != "" {
		if err := opts.Compression.Validate(); err != nil {
			return nil, err
		}
		cfg.Compression = opts.Compression
	}
	if opts.PackSize != 0 {
		if err := validatePackSize(opts.PackSize); err != nil {
			return nil, err
		}
		cfg.PackSize = opts.PackSize
	}
	kdf := crypto.DefaultKDFParams()
	if opts.KDF != nil {
		kdf = *opts.KDF
	}
	return newRepository(be, master, keyID, cfg, kdf, opts.Workers, opts.Uploads, opts.TempDir)
}

func newRepository(be backend.Backend, key *crypto.Key, keyID string, cfg Config, kdf crypto.KDFParams, workers, uploads int, tempDir string) (*Repository, error) {
	c, err := newCodec()
	if err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if uploads <= 0 {
		uploads = 2
	}
	r := &Repository{be: be, key: key, keyID: keyID, cfg: cfg, kdf: kdf, codec: c, index: index.New()}
	r.store = newBlobStore(r, workers, uploads, tempDir)
	r.locker = newLockSet(r)
	return r, nil
}

// Config returns the repository's settings (with this session's overrides).
func (r *Repository) Config() Config { return r.cfg }

// Backend returns the backend the repository is stored in.
func (r *Repository) Backend() backend.Backend { return r.be }

// Key returns the master key, for the checker and pruner.
func (r *Repository) Key() *crypto.Key { return r.key }

// KeyID returns the id of the key file the repository was opened with.
func (r *Repository) KeyID() string { return r.keyID }

// Index returns the in-memory index of every blob, loading it first if no
// blob operation did yet (call LoadIndex first to pass a context).
func (r *Repository) Index() *index.Index {
	_ = r.ensureIndex(context.Background())
	return r.index
}

// Close stops the background workers and releases locks still held. It
// does not flush: call Flush first, or unsaved blobs are lost (which is
// harmless to the repository, as nothing refers to them yet).
func (r *Repository) Close() error {
	r.store.stop()
	r.locker.releaseAll()
	r.codec.close()
	return nil
}
