package repository

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
)

// Snapshot records one backup: when, where from, and its root tree.
type Snapshot struct {
	// ID is the snapshot file's id; set by SaveSnapshot and when loading.
	ID       blob.ID   `json:"-"`
	Time     time.Time `json:"time"`
	Parent   *blob.ID  `json:"parent,omitempty"`
	Tree     blob.ID   `json:"tree"`
	Paths    []string  `json:"paths"`
	Hostname string    `json:"hostname,omitempty"`
	Username string    `json:"username,omitempty"`
	UID      uint32    `json:"uid,omitempty"`
	GID      uint32    `json:"gid,omitempty"`
	Tags     []string  `json:"tags,omitempty"`
	// Policy is the name of the backup policy that made the snapshot.
	Policy         string   `json:"policy,omitempty"`
	ProgramVersion string   `json:"program_version,omitempty"`
	Summary        *Summary `json:"summary,omitempty"`
}

// Summary holds a backup run's statistics.
type Summary struct {
	BackupStart         time.Time `json:"backup_start"`
	BackupEnd           time.Time `json:"backup_end"`
	FilesNew            uint64    `json:"files_new"`
	FilesChanged        uint64    `json:"files_changed"`
	FilesUnmodified     uint64    `json:"files_unmodified"`
	DirsNew             uint64    `json:"dirs_new"`
	DirsChanged         uint64    `json:"dirs_changed"`
	DirsUnmodified      uint64    `json:"dirs_unmodified"`
	DataBlobs           uint64    `json:"data_blobs"`
	TreeBlobs           uint64    `json:"tree_blobs"`
	DataAdded           uint64    `json:"data_added"`
	TotalFilesProcessed uint64    `json:"total_files_processed"`
	TotalBytesProcessed uint64    `json:"total_bytes_processed"`
}

// NewSnapshot returns a snapshot of paths taken now, by this host and user.
func NewSnapshot(paths []string, tree blob.ID) *Snapshot {
	host, _ := os.Hostname()
	return &Snapshot{Time: time.Now(), Paths: paths, Tree: tree, Hostname: host, Username: currentUsername(),
		UID: uint32(os.Getuid()), GID: uint32(os.Getgid())}
}

// SaveSnapshot flushes pending blobs and index, checks that the root tree
// is indexed, then stores sn: the last write of a backup, so a snapshot
// never refers to data that is not durable. It sets sn.ID.
func (r *Repository) SaveSnapshot(ctx context.Context, sn *Snapshot) (blob.ID, error) {
	if err := r.Flush(ctx); err != nil {
		return blob.ID{}, fmt.Errorf("save snapshot: %w", err)
	}
	if err := r.ensureIndex(ctx); err != nil {
		return blob.ID{}, fmt.Errorf("save snapshot: %w", err)
	}
	if !r.index.Has(blob.Handle{Type: blob.Tree, ID: sn.Tree}) {
		return blob.ID{}, fmt.Errorf("save snapshot: root tree %s is not stored in the repository", sn.Tree.Short())
	}
	data, err := json.Marshal(sn)
	if err != nil {
		return blob.ID{}, fmt.Errorf("encode snapshot: %w", err)
	}
	id, err := r.SaveFile(ctx, backend.SnapshotFile, data)
	if err != nil {
		return blob.ID{}, err
	}
	sn.ID = id
	return id, nil
}

// LoadSnapshot loads one snapshot by full id.
func (r *Repository) LoadSnapshot(ctx context.Context, id blob.ID) (*Snapshot, error) {
	plain, err := r.LoadFile(ctx, backend.Handle{Type: backend.SnapshotFile, Name: id.String()})
	if err != nil {
		return nil, err
	}
	var sn Snapshot
	if err := json.Unmarshal(plain, &sn); err != nil {
		return nil, fmt.Errorf("snapshot %s is damaged: %w", id.Short(), err)
	}
	sn.ID = id
	return &sn, nil
}

// Snapshots returns every snapshot, oldest first. Snapshot files are read
// a few at a time, since over SFTP each costs a round trip.
func (r *Repository) Snapshots(ctx context.Context) ([]*Snapshot, error) {
	files, err := r.ListFiles(ctx, backend.SnapshotFile)
	if err != nil {
		return nil, err
	}
	out := make([]*Snapshot, len(files))
	errs := make([]error, len(files))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, fi := range files {
		id, err := blob.ParseID(fi.Name)
		if err != nil {
			errs[i] = fmt.Errorf("snapshot file %q: %w", fi.Name, err)
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i], errs[i] = r.LoadSnapshot(ctx, id)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// SnapshotFilter narrows FindSnapshot and FilterSnapshots. Empty fields
// match everything; a snapshot must match every non-empty field.
type SnapshotFilter struct {
	Hosts  []string // any of these hosts
	Paths  []string // all of these paths among the snapshot's paths
	Tags   []string // all of these tags
	Policy string
}

// Match reports whether sn passes the filter.
func (f SnapshotFilter) Match(sn *Snapshot) bool {
	if len(f.Hosts) > 0 && !slices.Contains(f.Hosts, sn.Hostname) {
		return false
	}
	for _, p := range f.Paths {
		if !slices.Contains(sn.Paths, p) {
			return false
		}
	}
	for _, t := range f.Tags {
		if !slices.Contains(sn.Tags, t) {
			return false
		}
	}
	return f.Policy == "" || f.Policy == sn.Policy
}

// FilterSnapshots returns the snapshots matching f, oldest first.
func FilterSnapshots(sns []*Snapshot, f SnapshotFilter) []*Snapshot {
	var out []*Snapshot
	for _, sn := range sns {
		if f.Match(sn) {
			out = append(out, sn)
		}
	}
	return out
}

// FindSnapshot resolves ref: "latest" (the newest snapshot matching
// filter) or a hex id prefix (which must match exactly one snapshot that
// passes filter). Errors match ErrSnapshotNotFound or ErrAmbiguousRef.
func (r *Repository) FindSnapshot(ctx context.Context, ref string, filter SnapshotFilter) (*Snapshot, error) {
	sns, err := r.Snapshots(ctx)
	if err != nil {
		return nil, err
	}
	sns = FilterSnapshots(sns, filter)
	if ref == "latest" {
		if len(sns) == 0 {
			return nil, fmt.Errorf("latest: %w", ErrSnapshotNotFound)
		}
		return sns[len(sns)-1], nil
	}
	ref = strings.ToLower(ref)
	var match []*Snapshot
	for _, sn := range sns {
		if ref != "" && strings.HasPrefix(sn.ID.String(), ref) {
			match = append(match, sn)
		}
	}
	switch len(match) {
	case 0:
		return nil, fmt.Errorf("snapshot %q: %w", ref, ErrSnapshotNotFound)
	case 1:
		return match[0], nil
	}
	return nil, fmt.Errorf("snapshot %q: %w (%d snapshots match)", ref, ErrAmbiguousRef, len(match))
}

// Forget removes the given snapshots' files. Their data stays until Prune.
// Hold an exclusive lock while calling it.
func (r *Repository) Forget(ctx context.Context, ids []blob.ID) error {
	for _, id := range ids {
		if err := r.be.Remove(ctx, backend.Handle{Type: backend.SnapshotFile, Name: id.String()}); err != nil {
			return fmt.Errorf("forget snapshot %s: %w", id.Short(), err)
		}
	}
	return nil
}
