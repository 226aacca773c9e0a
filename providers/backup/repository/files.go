package repository

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
)

// Metadata files (index, snapshots, locks, policies) are sealed JSON whose
// plaintext starts with a format byte: fileZstd means the rest is
// zstd-compressed JSON.
const fileZstd = 2

// SaveFile compresses and encrypts it, and stores it
// as a file of type t named by the SHA-256 of the stored bytes.
func (r *Repository) SaveFile(ctx context.Context, t backend.FileType, plain []byte) (blob.ID, error) {
	sealed := r.sealFile(plain)
	id := blob.FileID(sealed)
	if err := r.be.Save(ctx, backend.Handle{Type: t, Name: id.String()}, bytes.NewReader(sealed)); err != nil {
		return id, fmt.Errorf("save %s file: %w", t, err)
	}
	return id, nil
}

func (r *Repository) sealFile(plain []byte) []byte {
	buf := []byte{fileZstd}
	buf = r.codec.enc(CompressionAuto).EncodeAll(plain, buf)
	return r.key.Seal(nil, buf)
}

// LoadFile loads, decrypts and decompresses a metadata file.
func (r *Repository) LoadFile(ctx context.Context, h backend.Handle) ([]byte, error) {
	var sealed []byte
	err := r.be.Load(ctx, h, 0, 0, func(rd io.Reader) error {
		var err error
		sealed, err = io.ReadAll(rd)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", h, err)
	}
	return r.openFile(h, sealed)
}

func (r *Repository) openFile(h backend.Handle, sealed []byte) ([]byte, error) {
	if h.Type != backend.LockFile {
		if id := blob.FileID(sealed); id.String() != h.Name {
			return nil, fmt.Errorf("%s is damaged: its content hashes to %s", h, id.Short())
		}
	}
	plain, err := r.key.Open(nil, sealed)
	if err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", h, err)
	}
	if len(plain) == 0 || plain[0] != fileZstd {
		return nil, fmt.Errorf("%s is damaged: unknown format byte", h)
	}
	out, err := r.codec.dec.DecodeAll(plain[1:], nil)
	if err != nil {
		return nil, fmt.Errorf("%s is damaged: decompress: %w", h, err)
	}
	return out, nil
}

// ListFiles returns every file of type t.
func (r *Repository) ListFiles(ctx context.Context, t backend.FileType) ([]backend.FileInfo, error) {
	var out []backend.FileInfo
	err := r.be.List(ctx, t, func(fi backend.FileInfo) error {
		out = append(out, fi)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s files: %w", t, err)
	}
	return out, nil
}
