package restorer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/tree"
)

// Options configure a restore.
type Options struct {
	// Includes limits the restore to these snapshot paths and everything
	// below them. A path is either relative to the snapshot root
	// ("data/etc", the source's base name first) or one of the snapshot's
	// source paths with a subpath ("/srv/data/etc"). Empty restores all.
	Includes []string
	// Workers bounds how many files are written at once (default: twice
	// the number of CPUs, at least 4).
	Workers int
	// Progress receives events; nil fields are ignored.
	Progress Progress
}

// Progress holds callbacks a user interface sets to follow a restore. They
// are called from several goroutines at once and must be quick.
type Progress struct {
	// CompleteFile is called when a file is written; bytes is its size.
	CompleteFile func(path string, bytes uint64)
	// Damaged is called for a file or directory that cannot be restored.
	Damaged func(path string, err error)
	// Warning reports something not restored exactly (a device without
	// root, a socket, metadata that could not be set).
	Warning func(path string, err error)
}

// Summary describes a finished restore.
type Summary struct {
	Files, Dirs, Links, Others uint64
	Bytes                      uint64
	Damaged                    []string
	Warnings                   []string
}

// DamagedError lists what a restore could not write because its data in
// the repository is damaged or missing. Everything else was restored.
type DamagedError struct {
	// Paths are relative to the restore target, in path order.
	Paths []string
}

// Error names the first 20 paths and counts the rest.
func (e *DamagedError) Error() string {
	const show = 20
	list := e.Paths
	more := ""
	if len(list) > show {
		more = fmt.Sprintf(" and %d more", len(list)-show)
		list = list[:show]
	}
	return fmt.Sprintf("%d item(s) not restored because their data in the repository is damaged (damaged files are deleted, never left half written): %s%s",
		len(e.Paths), strings.Join(list, ", "), more)
}

// Unwrap lets errors.Is match repository.ErrDamaged.
func (e *DamagedError) Unwrap() error { return repository.ErrDamaged }

// Restorer restores one snapshot.
type Restorer struct {
	repo *repository.Repository
	snap *repository.Snapshot
	opts Options
}

// New returns a restorer of snap from repo.
func New(repo *repository.Repository, snap *repository.Snapshot, opts Options) *Restorer {
	if opts.Workers <= 0 {
		opts.Workers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	return &Restorer{repo: repo, snap: snap, opts: opts}
}

type run struct {
	*Restorer
	target   string
	includes []string
	root     bool
	jobs     chan fileJob
	mu       sync.Mutex
	summary  Summary
	bytes    atomic.Uint64
	files    atomic.Uint64
	links    map[linkKey]string // first restored name of each hard-linked inode
	pending  []pendingLink
	dirs     []dirMeta
}

type linkKey struct{ dev, ino uint64 }

type pendingLink struct{ path, first string }

type dirMeta struct {
	path string
	node *tree.Node
}

type fileJob struct {
	path, rel string
	node      *tree.Node
}

// Restore writes the snapshot (or the included parts) below target, which
// is created if needed. Existing files with the same names are replaced.
func (r *Restorer) Restore(ctx context.Context, target string) (*Summary, error) {
	run := &run{
		Restorer: r,
		target:   target,
		root:     os.Geteuid() == 0,
		jobs:     make(chan fileJob, r.opts.Workers),
		links:    map[linkKey]string{},
	}
	for _, inc := range r.opts.Includes {
		run.includes = append(run.includes, r.normaliseInclude(inc))
	}
	if err := os.MkdirAll(target, 0o700); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	for i := 0; i < r.opts.Workers; i++ {
		g.Go(func() error { return run.fileWorker(gctx) })
	}
	walkErr := run.restoreTree(gctx, r.snap.Tree, target, "")
	close(run.jobs)
	if err := g.Wait(); err != nil {
		// A worker's failure is the cause; the walk then only saw its
		// context cancelled.
		walkErr = err
	}
	if walkErr != nil {
		return nil, fmt.Errorf("restore: %w", walkErr)
	}
	run.finishLinks()
	for i := len(run.dirs) - 1; i >= 0; i-- {
		d := run.dirs[i]
		if err := setMetadata(d.path, d.node, run.root); err != nil {
			run.warn(d.path, err)
		}
	}
	run.summary.Bytes = run.bytes.Load()
	run.summary.Files = run.files.Load()
	sort.Strings(run.summary.Damaged)
	if len(run.summary.Damaged) > 0 {
		return &run.summary, &DamagedError{Paths: run.summary.Damaged}
	}
	return &run.summary, nil
}

// normaliseInclude turns an include into a path relative to the snapshot
// root without leading or trailing slashes.
func (r *Restorer) normaliseInclude(inc string) string {
	inc = filepath.Clean(inc)
	for _, src := range r.snap.Paths {
		if inc == src || strings.HasPrefix(inc, src+"/") {
			name := filepath.Base(src)
			if name == "/" {
				name = "root"
			}
			inc = name + inc[len(src):]
			break
		}
	}
	return strings.Trim(inc, "/")
}

// selected says whether rel is restored (inside an include) and whether it
// must be descended into (an ancestor of an include).
func (run *run) selected(rel string) (restore, descend bool) {
	if len(run.includes) == 0 {
		return true, true
	}
	for _, inc := range run.includes {
		if rel == inc || strings.HasPrefix(rel, inc+"/") {
			return true, true
		}
		if strings.HasPrefix(inc, rel+"/") {
			descend = true
		}
	}
	return false, descend
}

func (run *run) warn(path string, err error) {
	run.mu.Lock()
	run.summary.Warnings = append(run.summary.Warnings, path+": "+err.Error())
	run.mu.Unlock()
	if run.opts.Progress.Warning != nil {
		run.opts.Progress.Warning(path, err)
	}
}

func (run *run) damaged(rel string, err error) {
	run.mu.Lock()
	run.summary.Damaged = append(run.summary.Damaged, rel)
	run.mu.Unlock()
	if run.opts.Progress.Damaged != nil {
		run.opts.Progress.Damaged(rel, err)
	}
}

func isDamage(err error) bool {
	return errors.Is(err, repository.ErrDamaged) || errors.Is(err, repository.ErrBlobNotFound)
}

// restoreTree restores the entries of tree id into dir; rel is dir's path
// relative to the target.
func (run *run) restoreTree(ctx context.Context, id blob.ID, dir, rel string) error {
	data, err := run.repo.LoadBlob(ctx, blob.Tree, id, nil)
	if err == nil {
		var t *tree.Tree
		if t, err = tree.Decode(data); err == nil {
			return run.restoreEntries(ctx, t, dir, rel)
		}
		err = fmt.Errorf("%w: %w", repository.ErrDamaged, err)
	}
	if !isDamage(err) {
		return err
	}
	name := rel
	if name == "" {
		name = "."
	}
	run.damaged(name+"/", err)
	return nil
}

func (run *run) restoreEntries(ctx context.Context, t *tree.Tree, dir, rel string) error {
	for _, n := range t.Nodes {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		crel := n.Name
		if rel != "" {
			crel = rel + "/" + n.Name
		}
		restore, descend := run.selected(crel)
		if !descend {
			continue
		}
		path := filepath.Join(dir, n.Name)
		if n.Type == tree.Dir {
			if err := os.Mkdir(path, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
				return fmt.Errorf("%w", err)
			}
			// Ancestors of an include get their metadata too, like the
			// directories inside it.
			run.dirs = append(run.dirs, dirMeta{path: path, node: n})
			if restore {
				run.summary.Dirs++
			}
			if err := run.restoreTree(ctx, *n.Subtree, path, crel); err != nil {
				return err
			}
			continue
		}
		if !restore {
			continue
		}
		if err := removeExisting(path); err != nil {
			return err
		}
		if n.Type == tree.File {
			if n.Links > 1 {
				key := linkKey{n.DeviceID, n.Inode}
				if first, ok := run.links[key]; ok {
					run.pending = append(run.pending, pendingLink{path: path, first: first})
					continue
				}
				run.links[key] = path
			}
			select {
			case run.jobs <- fileJob{path: path, rel: crel, node: n}:
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		if err := createSpecial(path, n, run.root); err != nil {
			if errors.Is(err, errNeedsRoot) || errors.Is(err, errSkipped) {
				run.warn(path, err)
				continue
			}
			return fmt.Errorf("create %s: %w", path, err)
		}
		if err := setMetadata(path, n, run.root); err != nil {
			run.warn(path, err)
		}
		run.summary.Others++
	}
	return nil
}

// removeExisting deletes a non-directory left at path by an earlier
// restore so that the snapshot's version replaces it.
func removeExisting(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s: a directory is in the way of a file", path)
	}
	return os.Remove(path)
}

// finishLinks makes the extra names of hard-linked files once the first
// name has been written. A link to a damaged file is damaged too.
func (run *run) finishLinks() {
	damaged := map[string]bool{}
	for _, d := range run.summary.Damaged {
		damaged[filepath.Join(run.target, d)] = true
	}
	for _, l := range run.pending {
		rel, _ := filepath.Rel(run.target, l.path)
		if damaged[l.first] {
			run.damaged(rel, fmt.Errorf("hard link to damaged file"))
			continue
		}
		if err := os.Link(l.first, l.path); err != nil {
			run.warn(l.path, fmt.Errorf("hard link: %w", err))
			continue
		}
		run.summary.Links++
	}
}

func (run *run) fileWorker(ctx context.Context) error {
	var buf []byte
	for job := range run.jobs {
		var err error
		buf, err = run.writeFile(ctx, job, buf)
		if err == nil {
			run.files.Add(1)
			if run.opts.Progress.CompleteFile != nil {
				run.opts.Progress.CompleteFile(job.rel, job.node.Size)
			}
			continue
		}
		if !isDamage(err) {
			return fmt.Errorf("%s: %w", job.path, err)
		}
		run.damaged(job.rel, err)
	}
	return nil
}

// writeFile writes one file and its metadata. If anything fails before the
// file is complete (damaged data, a write error, the repository going
// away), the file is removed, so that nothing half written is left looking
// restored.
func (run *run) writeFile(ctx context.Context, job fileJob, buf []byte) ([]byte, error) {
	f, err := os.OpenFile(job.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return buf, err
	}
	fail := func(err error) ([]byte, error) {
		f.Close()
		if rerr := os.Remove(job.path); rerr != nil {
			return buf, fmt.Errorf("%w (and removing the incomplete file: %w)", err, rerr)
		}
		return buf, err
	}
	var off int64
	for _, id := range job.node.Content {
		data, err := run.repo.LoadBlob(ctx, blob.Data, id, buf)
		if err != nil {
			return fail(err)
		}
		buf = data
		if err := writeSparse(f, data, off); err != nil {
			return fail(err)
		}
		off += int64(len(data))
	}
	if err := f.Truncate(off); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(job.path)
		return buf, err
	}
	run.bytes.Add(uint64(off))
	if err := setMetadata(job.path, job.node, run.root); err != nil {
		run.warn(job.path, err)
	}
	return buf, nil
}
