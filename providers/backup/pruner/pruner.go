package pruner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/index"
	"github.com/stewardhq/steward/providers/backup/pack"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/tree"
)

// Options control Prune.
type Options struct {
	// DryRun computes the Summary without changing anything.
	DryRun bool
	// Progress, if set, is called as each stage advances.
	Progress func(Progress)
}

// Progress reports how far a stage is.
type Progress struct {
	Stage       string // "snapshots", "repack", "remove"
	Done, Total int
}

// Summary says what Prune did (or, with DryRun, would do).
type Summary struct {
	Snapshots           int
	UsedBlobs           int
	UnusedBlobs         int
	PacksKept           int
	PacksRepacked       int
	PacksRemoved        int
	PacksWritten        int
	UnreferencedRemoved int
	IndexFilesReplaced  int
	// BytesFreed is the size of the packs removed minus the packs written.
	BytesFreed    int64
	BytesRepacked int64
}

type packInfo struct {
	id      blob.ID
	entries []pack.Entry
	keep    []pack.Entry // entries whose copy is the one kept
}

// Prune removes unneeded data from repo. It takes an exclusive lock (and
// fails with an error matching repository.ErrLocked while a backup, restore
// or check holds one). It refuses to run when snapshots refer to blobs that
// are not indexed or packs are missing: run check first.
func Prune(ctx context.Context, repo *repository.Repository, opts Options) (*Summary, error) {
	unlock, err := repo.Lock(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	defer unlock()
	if err := repo.Flush(ctx); err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	if err := repo.LoadIndex(ctx); err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	if probs := repo.IndexProblems(); len(probs) > 0 {
		return nil, fmt.Errorf("prune: refusing to run with unreadable index files (run check): %w", errors.Join(probs...))
	}
	sum := &Summary{}
	progress := func(stage string, done, total int) {
		if opts.Progress != nil {
			opts.Progress(Progress{Stage: stage, Done: done, Total: total})
		}
	}

	used, nsnap, err := UsedBlobs(ctx, repo, progress)
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	sum.Snapshots, sum.UsedBlobs = nsnap, len(used)

	// Load the index files one by one: prune replaces them all.
	indexFiles, err := repo.ListFiles(ctx, backend.IndexFile)
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	packs := map[blob.ID]*packInfo{}
	var oldIndex []string
	for _, fi := range indexFiles {
		f, err := repo.LoadIndexFile(ctx, fi.Name)
		if err != nil {
			return nil, fmt.Errorf("prune: %w", err)
		}
		oldIndex = append(oldIndex, fi.Name)
		for _, p := range f.Packs {
			if _, ok := packs[p.ID]; !ok {
				packs[p.ID] = &packInfo{id: p.ID, entries: p.Entries()}
			}
		}
	}
	stored := map[blob.ID]int64{}
	packFiles, err := repo.ListFiles(ctx, backend.PackFile)
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	for _, fi := range packFiles {
		id, err := blob.ParseID(fi.Name)
		if err != nil {
			continue // not ours; leave it alone
		}
		stored[id] = fi.Size
	}

	// Choose one copy of every used blob; every other copy is unused.
	ids := make([]blob.ID, 0, len(packs))
	for id := range packs {
		if _, ok := stored[id]; !ok {
			return nil, fmt.Errorf("prune: pack %s is listed in the index but missing; run check", id)
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return bytes.Compare(ids[i][:], ids[j][:]) < 0 })
	kept := map[blob.Handle]bool{}
	var keepPacks, repackPacks, removePacks []*packInfo
	for _, id := range ids {
		p := packs[id]
		for _, e := range p.entries {
			h := blob.Handle{Type: e.Type, ID: e.ID}
			if used[h] && !kept[h] {
				kept[h] = true
				p.keep = append(p.keep, e)
			} else {
				sum.UnusedBlobs++
			}
		}
		switch len(p.keep) {
		case len(p.entries):
			keepPacks = append(keepPacks, p)
		case 0:
			removePacks = append(removePacks, p)
		default:
			repackPacks = append(repackPacks, p)
			sum.BytesRepacked += stored[id]
		}
	}
	for h := range used {
		if !kept[h] {
			return nil, fmt.Errorf("prune: %s is used by a snapshot but not indexed; run check", h)
		}
	}
	var unreferenced []blob.ID
	for id := range stored {
		if _, ok := packs[id]; !ok {
			unreferenced = append(unreferenced, id)
		}
	}
	sum.PacksKept, sum.PacksRepacked, sum.PacksRemoved = len(keepPacks), len(repackPacks), len(removePacks)
	sum.UnreferencedRemoved = len(unreferenced)
	for _, p := range removePacks {
		sum.BytesFreed += stored[p.id]
	}
	for _, id := range unreferenced {
		sum.BytesFreed += stored[id]
	}
	if len(repackPacks) == 0 && len(removePacks) == 0 && len(unreferenced) == 0 && len(oldIndex) <= 1 {
		return sum, nil
	}
	if opts.DryRun {
		return sum, nil
	}

	// 1. New packs with the kept blobs of partly used packs.
	newIndex := &index.File{}
	for _, p := range keepPacks {
		newIndex.AddPack(p.id, p.entries)
	}
	rp := &repacker{repo: repo, out: newIndex, packSize: repo.Config().PackSize}
	for i, p := range repackPacks {
		progress("repack", i, len(repackPacks))
		if err := rp.repack(ctx, p); err != nil {
			return nil, fmt.Errorf("prune: %w", err)
		}
	}
	if err := rp.flush(ctx); err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	sum.PacksWritten = rp.written
	sum.BytesFreed += sum.BytesRepacked - rp.bytesWritten

	// 2. One index file for everything kept, before anything is removed.
	for _, name := range oldIndex {
		if id, err := blob.ParseID(name); err == nil {
			newIndex.Supersedes = append(newIndex.Supersedes, id)
		}
	}
	if _, err := repo.SaveIndexFile(ctx, newIndex); err != nil {
		return nil, fmt.Errorf("prune: write new index: %w", err)
	}
	// 3. The old index files.
	for _, name := range oldIndex {
		if err := removeFile(ctx, repo, backend.IndexFile, name); err != nil {
			return nil, fmt.Errorf("prune: %w", err)
		}
	}
	sum.IndexFilesReplaced = len(oldIndex)
	// 4. The packs nothing needs now.
	var drop []blob.ID
	for _, p := range append(removePacks, repackPacks...) {
		drop = append(drop, p.id)
	}
	drop = append(drop, unreferenced...)
	for i, id := range drop {
		progress("remove", i, len(drop))
		if err := removeFile(ctx, repo, backend.PackFile, id.String()); err != nil {
			return nil, fmt.Errorf("prune: %w", err)
		}
	}
	if err := repo.LoadIndex(ctx); err != nil {
		return nil, fmt.Errorf("prune: reload index: %w", err)
	}
	return sum, nil
}

func removeFile(ctx context.Context, repo *repository.Repository, t backend.FileType, name string) error {
	err := repo.Backend().Remove(ctx, backend.Handle{Type: t, Name: name})
	if err != nil && !errors.Is(err, backend.ErrNotExist) {
		return fmt.Errorf("remove %s/%s: %w", t, name, err)
	}
	return nil
}

// repacker copies verified sealed blobs into new packs without
// re-encrypting them.
type repacker struct {
	repo         *repository.Repository
	out          *index.File
	packSize     int
	w            *pack.Writer
	written      int
	bytesWritten int64
}

func (rp *repacker) repack(ctx context.Context, p *packInfo) error {
	var data []byte
	err := rp.repo.Backend().Load(ctx, backend.Handle{Type: backend.PackFile, Name: p.id.String()}, 0, 0, func(rd io.Reader) error {
		var err error
		data, err = io.ReadAll(rd)
		return err
	})
	if err != nil {
		return fmt.Errorf("read pack %s for repacking: %w", p.id.Short(), err)
	}
	for _, e := range p.keep {
		end := int64(e.Offset) + int64(e.Length)
		if end > int64(len(data)) {
			return fmt.Errorf("repack: %s in pack %s lies beyond its end; run check", blob.Handle{Type: e.Type, ID: e.ID}, p.id.Short())
		}
		sealed := data[e.Offset:end]
		// Verify a copy: a damaged blob must not be carried into a new
		// pack while its only good copy is deleted.
		if _, err := rp.repo.OpenBlob(blob.Handle{Type: e.Type, ID: e.ID}, p.id, bytes.Clone(sealed), e.UncompressedLength, nil); err != nil {
			return fmt.Errorf("repack: %w", err)
		}
		if rp.w == nil {
			rp.w = pack.NewWriter(rp.packSize + rp.packSize/8)
		}
		rp.w.Add(e.Type, e.ID, sealed, e.UncompressedLength)
		if rp.w.Size() >= rp.packSize {
			if err := rp.flush(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func (rp *repacker) flush(ctx context.Context) error {
	if rp.w == nil || rp.w.Count() == 0 {
		return nil
	}
	entries := append([]pack.Entry(nil), rp.w.Entries()...)
	data := rp.w.Finish(rp.repo.Key())
	rp.w = nil
	id := blob.FileID(data)
	if err := rp.repo.Backend().Save(ctx, backend.Handle{Type: backend.PackFile, Name: id.String()}, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("write repacked pack: %w", err)
	}
	rp.out.AddPack(id, entries)
	rp.written++
	rp.bytesWritten += int64(len(data))
	return nil
}

// UsedBlobs returns every blob the repository's snapshots reach (root
// trees, subtrees and file contents) and the number of snapshots. A tree
// that cannot be loaded is an error: without it the used set is unknown.
func UsedBlobs(ctx context.Context, repo *repository.Repository, progress func(stage string, done, total int)) (map[blob.Handle]bool, int, error) {
	sns, err := repo.Snapshots(ctx)
	if err != nil {
		return nil, 0, err
	}
	used := map[blob.Handle]bool{}
	var walk func(id blob.ID) error
	walk = func(id blob.ID) error {
		h := blob.Handle{Type: blob.Tree, ID: id}
		if used[h] {
			return nil
		}
		used[h] = true
		data, err := repo.LoadBlob(ctx, blob.Tree, id, nil)
		if err != nil {
			return fmt.Errorf("load tree %s: %w", id.Short(), err)
		}
		t, err := tree.Decode(data)
		if err != nil {
			return fmt.Errorf("tree %s: %w", id.Short(), err)
		}
		for _, n := range t.Nodes {
			for _, c := range n.Content {
				used[blob.Handle{Type: blob.Data, ID: c}] = true
			}
			if n.Subtree != nil {
				if err := walk(*n.Subtree); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for i, sn := range sns {
		if progress != nil {
			progress("snapshots", i, len(sns))
		}
		if err := walk(sn.Tree); err != nil {
			return nil, 0, fmt.Errorf("snapshot %s: %w", sn.ID.Short(), err)
		}
	}
	return used, len(sns), nil
}
