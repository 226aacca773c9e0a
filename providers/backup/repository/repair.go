package repository

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/index"
	"github.com/stewardhq/steward/providers/backup/pack"
)

// packReader reads ranges of one pack through the backend.
type packReader struct {
	ctx context.Context
	be  backend.Backend
	h   backend.Handle
}

// ReadAt reads len(b) bytes at off with one ranged backend load.
func (p packReader) ReadAt(b []byte, off int64) (int, error) {
	err := p.be.Load(p.ctx, p.h, len(b), off, func(rd io.Reader) error {
		_, err := io.ReadFull(rd, b)
		return err
	})
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// ReadPackHeader reads and decodes the header of a stored pack of the
// given size, reading only the header's bytes.
func (r *Repository) ReadPackHeader(ctx context.Context, id blob.ID, size int64) ([]pack.Entry, error) {
	h := backend.Handle{Type: backend.PackFile, Name: id.String()}
	entries, err := pack.ReadHeader(r.key, packReader{ctx: ctx, be: r.be, h: h}, size)
	if err != nil {
		return nil, fmt.Errorf("pack %s: %w", id, err)
	}
	return entries, nil
}

// RepairIndexSummary says what RepairIndex did.
type RepairIndexSummary struct {
	// PacksAdded counts packs that no index named and that are indexed now.
	PacksAdded int
	// BlobsAdded counts the blobs in them.
	BlobsAdded int
	// Unreadable lists packs whose header could not be read; they stay
	// unindexed (prune removes them).
	Unreadable []error
	// IndexFilesRemoved lists damaged index files removed once the new
	// index covered their packs.
	IndexFilesRemoved []string
}

// RepairIndex indexes every pack that no index file names, from the
// pack's own header: what recovers the data of a lost or damaged index
// file. It writes one new index file, then removes index files that cannot
// be read (their packs are covered by then); it never removes packs. Hold
// an exclusive lock: a running backup's packs are not yet indexed on purpose.
func (r *Repository) RepairIndex(ctx context.Context) (*RepairIndexSummary, error) {
	if err := r.LoadIndex(ctx); err != nil {
		return nil, err
	}
	// Packs named by a readable index file are fine; those named only by a
	// damaged one are indexed again here.
	indexed := map[blob.ID]bool{}
	indexFiles, err := r.ListFiles(ctx, backend.IndexFile)
	if err != nil {
		return nil, err
	}
	var damaged []string
	for _, fi := range indexFiles {
		f, err := r.LoadIndexFile(ctx, fi.Name)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			damaged = append(damaged, fi.Name)
			continue
		}
		for _, p := range f.Packs {
			indexed[p.ID] = true
		}
	}
	files, err := r.ListFiles(ctx, backend.PackFile)
	if err != nil {
		return nil, err
	}
	sum := &RepairIndexSummary{}
	var f index.File
	for _, fi := range files {
		id, err := blob.ParseID(fi.Name)
		if err != nil || indexed[id] {
			continue
		}
		entries, err := r.ReadPackHeader(ctx, id, fi.Size)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			sum.Unreadable = append(sum.Unreadable, err)
			continue
		}
		f.AddPack(id, entries)
		sum.PacksAdded++
		sum.BlobsAdded += len(entries)
	}
	if sum.PacksAdded > 0 {
		if _, err := r.SaveIndexFile(ctx, &f); err != nil {
			return nil, fmt.Errorf("repair index: %w", err)
		}
	}
	for _, name := range damaged {
		if err := r.be.Remove(ctx, backend.Handle{Type: backend.IndexFile, Name: name}); err != nil && !errors.Is(err, backend.ErrNotExist) {
			return nil, fmt.Errorf("repair index: remove damaged index %s: %w", name, err)
		}
		sum.IndexFilesRemoved = append(sum.IndexFilesRemoved, name)
	}
	if sum.PacksAdded == 0 && len(damaged) == 0 {
		return sum, nil
	}
	if err := r.LoadIndex(ctx); err != nil {
		return nil, err
	}
	return sum, nil
}
