package repository

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/restic/chunker"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/crypto"
)

// FormatVersion is the repository format this package writes and reads.
const FormatVersion = 1

// DefaultPackSize is the target pack size when none is configured.
const DefaultPackSize = 16 << 20

// Pack sizes outside these bounds are refused: tiny packs make huge indexes,
// huge ones hold too much in memory while being assembled.
const (
	MinPackSize = 512 << 10
	MaxPackSize = 128 << 20
)

// Compression selects how blobs are compressed.
type Compression string

// The compression modes.
const (
	// CompressionAuto compresses with zstd at its default level, keeping the
	// raw bytes where compression does not shrink them meaningfully.
	CompressionAuto Compression = "auto"
	// CompressionOff stores blobs uncompressed.
	CompressionOff Compression = "off"
	// CompressionMax compresses with zstd's best level: smaller, slower.
	CompressionMax Compression = "max"
)

// Validate rejects unknown modes.
func (c Compression) Validate() error {
	switch c {
	case CompressionAuto, CompressionOff, CompressionMax:
		return nil
	}
	return fmt.Errorf("unknown compression mode %q (want auto, off or max)", string(c))
}

// Config is a repository's settings.
type Config struct {
	// ID identifies the repository (public).
	ID string
	// Version is the format version (public).
	Version int
	// ChunkerPolynomial is the Rabin polynomial for content-defined chunking,
	// random per repository so chunk boundaries reveal nothing across
	// repositories (secret).
	ChunkerPolynomial chunker.Pol
	// Compression is the default mode for new blobs (secret).
	Compression Compression
	// PackSize is the target pack size in bytes (secret).
	PackSize int
}

// configFile is the config file as stored: a public part for discovery
// and the rest sealed with the master key.
type configFile struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
	Secret  []byte `json:"secret"`
}

type secretConfig struct {
	ChunkerPolynomial chunker.Pol `json:"chunker_polynomial"`
	Compression       Compression `json:"compression"`
	PackSize          int         `json:"pack_size"`
}

// Info is what can be learnt about a repository without its password.
type Info struct {
	Location string
	ID       string
	Version  int
	Keys     int
}

// Probe reports whether a repository exists at be and, if so, its id,
// format version and number of keys. It needs no password; it returns an
// error matching ErrNoRepository when there is no config file.
func Probe(ctx context.Context, be backend.Backend) (Info, error) {
	cf, err := loadConfigFile(ctx, be)
	if err != nil {
		return Info{}, err
	}
	info := Info{Location: be.Location(), ID: cf.ID, Version: cf.Version}
	err = be.List(ctx, backend.KeyFile, func(backend.FileInfo) error {
		info.Keys++
		return nil
	})
	if err != nil {
		return Info{}, fmt.Errorf("list keys of %s: %w", be.Location(), err)
	}
	return info, nil
}

func loadConfigFile(ctx context.Context, be backend.Backend) (*configFile, error) {
	var data []byte
	err := be.Load(ctx, backend.Handle{Type: backend.ConfigFile}, 0, 0, func(rd io.Reader) error {
		var err error
		data, err = io.ReadAll(rd)
		return err
	})
	if errors.Is(err, backend.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", be.Location(), ErrNoRepository)
	}
	if err != nil {
		return nil, fmt.Errorf("read config of %s: %w", be.Location(), err)
	}
	var cf configFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return nil, fmt.Errorf("config of %s is damaged: %w", be.Location(), err)
	}
	if cf.Version != FormatVersion {
		return nil, fmt.Errorf("repository %s has format version %d; this program reads version %d", be.Location(), cf.Version, FormatVersion)
	}
	return &cf, nil
}

func (cf *configFile) open(key *crypto.Key) (Config, error) {
	plain, err := key.Open(nil, cf.Secret)
	if err != nil {
		return Config{}, fmt.Errorf("decrypt config: %w", err)
	}
	var sc secretConfig
	if err := json.Unmarshal(plain, &sc); err != nil {
		return Config{}, fmt.Errorf("decode config: %w", err)
	}
	if err := sc.Compression.Validate(); err != nil {
		return Config{}, fmt.Errorf("decode config: %w", err)
	}
	return Config{ID: cf.ID, Version: cf.Version, ChunkerPolynomial: sc.ChunkerPolynomial,
		Compression: sc.Compression, PackSize: sc.PackSize}, nil
}

func sealConfig(key *crypto.Key, c Config) ([]byte, error) {
	secret, err := json.Marshal(secretConfig{ChunkerPolynomial: c.ChunkerPolynomial, Compression: c.Compression, PackSize: c.PackSize})
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	data, err := json.MarshalIndent(configFile{Version: c.Version, ID: c.ID, Secret: key.Seal(nil, secret)}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return data, nil
}
