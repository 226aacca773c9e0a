package archiver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/restic/chunker"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/tree"
)

// Options configure a backup. The zero value backs up everything with the
// automatically chosen parent.
type Options struct {
	// Excludes are glob patterns; see the package documentation.
	Excludes []string
	// OneFileSystem skips directories on other filesystems than their source.
	OneFileSystem bool
	Tags          []string
	// Host defaults to os.Hostname.
	Host string
	// Policy names the backup policy the snapshot was made for, if any.
	Policy string
	// Parent is the snapshot to compare with. When nil and NoParent is
	// false, the latest snapshot with the same host, paths and policy.
	Parent   *repository.Snapshot
	NoParent bool
	// Workers bounds how many files are read at once (default: one more
	// than the number of CPUs, at least 3: each holds a chunk buffer, so
	// more workers cost memory without making a CPU-bound backup faster).
	Workers int
	// Progress receives events; nil fields are ignored.
	Progress Progress
}

// Progress holds callbacks a user interface sets to follow a backup. They
// are called from several goroutines at once and must be quick.
type Progress struct {
	// Totals reports what the concurrent pre-scan found so far; done is
	// true on the final call.
	Totals func(files, dirs, bytes uint64, done bool)
	// StartFile is called when a file starts being read.
	StartFile func(path string)
	// CompleteFile is called when a file is stored; bytes is its size.
	CompleteFile func(path string, bytes uint64, status FileStatus)
	// CompleteDir is called when a directory's tree is stored.
	CompleteDir func(path string)
	// Warning reports a file that could not be backed up as it was.
	Warning func(w Warning)
}

// FileStatus says how a file compares with the parent snapshot.
type FileStatus int

// The file statuses.
const (
	FileNew FileStatus = iota
	FileChanged
	FileUnmodified
)

// Warning is a problem with one path that did not stop the backup.
type Warning struct {
	Path string
	Err  error
}

// String formats the warning as "path: problem".
func (w Warning) String() string { return w.Path + ": " + w.Err.Error() }

// Summary describes a finished backup.
type Summary struct {
	FilesNew, FilesChanged, FilesUnmodified uint64
	DirsNew, DirsChanged, DirsUnmodified    uint64
	// FilesRead counts files whose content was read; BytesRead their bytes.
	FilesRead, BytesRead uint64
	// TotalFiles and TotalBytes describe the snapshot's files.
	TotalFiles, TotalBytes uint64
	// DataBlobs and TreeBlobs count blobs this backup added to the
	// repository; DataAdded their plaintext bytes and DataAddedStored the
	// bytes after compression and encryption.
	DataBlobs, TreeBlobs       uint64
	DataAdded, DataAddedStored uint64
	// WarningCount counts every warning; Warnings keeps the first
	// maxWarnings of them.
	WarningCount uint64
	Warnings     []Warning
	Start, End   time.Time
	Duration     time.Duration
}

const maxWarnings = 1000

// dirWalkers bounds the goroutines listing directories besides the one per
// source.
const dirWalkers = 8

// Archiver makes snapshots of directories in one repository.
type Archiver struct {
	repo *repository.Repository
	opts Options
	// beforeRead, when set by tests, runs just before a file is opened for
	// reading, to change the file between the walk and the read.
	beforeRead func(path string)
}

// New returns an archiver writing to repo.
func New(repo *repository.Repository, opts Options) *Archiver {
	if opts.Workers <= 0 {
		opts.Workers = max(3, runtime.GOMAXPROCS(0)+1)
	}
	return &Archiver{repo: repo, opts: opts}
}

// run is the state of one backup.
type run struct {
	*Archiver
	pol    chunker.Pol
	excl   *excluder
	owners tree.Owners
	jobs   chan *fileJob
	// dirWalkers holds a token per extra goroutine walking a directory.
	dirWalkers chan struct{}
	summary    Summary
	// counters updated from many goroutines
	filesNew, filesChanged, filesUnmodified atomic.Uint64
	dirsNew, dirsChanged, dirsUnmodified    atomic.Uint64
	filesRead, bytesRead                    atomic.Uint64
	totalFiles, totalBytes                  atomic.Uint64
	dataBlobs, treeBlobs                    atomic.Uint64
	dataAdded, dataAddedStored              atomic.Uint64
	warnMu                                  sync.Mutex
	links                                   sync.Map // devIno -> *future
	// added lists the blobs this backup stored, to sum their stored
	// sizes from the index once they are flushed (32 bytes per new blob).
	addedMu sync.Mutex
	added   []blob.Handle
}

type devIno struct{ dev, ino uint64 }

// future is a node whose content or subtree is still being stored.
type future struct {
	done chan struct{}
	node *tree.Node // nil if the item was dropped (warning)
	err  error      // fatal
}

func ready(n *tree.Node) *future {
	f := &future{done: make(chan struct{}), node: n}
	close(f.done)
	return f
}

func (f *future) wait(ctx context.Context) (*tree.Node, error) {
	select {
	case <-f.done:
		return f.node, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type fileJob struct {
	path   string
	node   *tree.Node
	status FileStatus
	fut    *future
}

// Backup stores paths as a new snapshot and returns it with a summary.
// Individual unreadable or changing files are warnings in the summary;
// errors from the repository, an invalid source or ctx abort the backup.
func (a *Archiver) Backup(ctx context.Context, paths []string) (*repository.Snapshot, *Summary, error) {
	if len(paths) == 0 {
		return nil, nil, errors.New("backup: no paths given")
	}
	r := &run{Archiver: a, pol: a.repo.Config().ChunkerPolynomial, jobs: make(chan *fileJob, a.opts.Workers),
		dirWalkers: make(chan struct{}, dirWalkers)}
	r.summary.Start = time.Now()
	var err error
	if r.excl, err = newExcluder(a.opts.Excludes); err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	abs := make([]string, len(paths))
	names := map[string]string{}
	for i, p := range paths {
		if abs[i], err = filepath.Abs(p); err != nil {
			return nil, nil, fmt.Errorf("backup %s: %w", p, err)
		}
		name := filepath.Base(abs[i])
		if name == "/" {
			name = "root"
		}
		if other, dup := names[name]; dup {
			return nil, nil, fmt.Errorf("backup: sources %s and %s have the same base name %q", other, abs[i], name)
		}
		names[name] = abs[i]
	}
	sort.Strings(abs)
	host := a.opts.Host
	if host == "" {
		if host, err = os.Hostname(); err != nil {
			return nil, nil, fmt.Errorf("backup: host name: %w", err)
		}
	}
	parent := a.opts.Parent
	if parent == nil && !a.opts.NoParent {
		if parent, err = a.findParent(ctx, host, abs); err != nil {
			return nil, nil, err
		}
	}
	var parentRoot *tree.Tree
	if parent != nil {
		if parentRoot, err = r.loadTree(ctx, parent.Tree); err != nil {
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("backup: %w", ctx.Err())
			}
			r.warn("/", fmt.Errorf("parent snapshot %s unreadable, reading every file: %w", parent.ID.Short(), err))
		}
	}

	scanCtx, cancelScan := context.WithCancel(ctx)
	defer cancelScan()
	scanDone := make(chan struct{})
	go func() { defer close(scanDone); r.prescan(scanCtx, abs) }()

	// The directory futures outlive the walk, so they use the workers'
	// context, which ends only when a worker fails or cancelWork is called.
	workCtx, cancelWork := context.WithCancel(ctx)
	defer cancelWork()
	// Not errgroup.WithContext: its context ends when Wait returns, and
	// the repository uploads packs in the background with the context of
	// the SaveBlob calls, until Flush.
	wctx := workCtx
	var workers errgroup.Group
	for i := 0; i < a.opts.Workers; i++ {
		workers.Go(func() error {
			err := r.fileWorker(wctx)
			if err != nil {
				cancelWork()
			}
			return err
		})
	}
	var walkers errgroup.Group
	futs := make([]*future, len(abs))
	for i, p := range abs {
		walkers.Go(func() error {
			var prev *tree.Node
			if parentRoot != nil {
				prev = parentRoot.Find(rootName(p))
			}
			f, err := r.saveSource(wctx, p, prev)
			futs[i] = f
			if err != nil {
				cancelWork()
			}
			return err
		})
	}
	rootTree := &tree.Tree{}
	err = walkers.Wait()
	if err == nil {
		for _, f := range futs {
			n, ferr := f.wait(wctx)
			if ferr != nil {
				err = ferr
				break
			}
			if n != nil {
				rootTree.Nodes = append(rootTree.Nodes, n)
			}
		}
	}
	close(r.jobs)
	if werr := workers.Wait(); werr != nil {
		// A worker's failure is the cause; the walk then only saw its
		// context cancelled.
		err = werr
	}
	cancelScan()
	<-scanDone
	if err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	rootTree.Sort()
	rootID, err := r.saveTree(ctx, rootTree)
	if err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	if err := a.repo.Flush(ctx); err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	r.finishSummary()
	snap := repository.NewSnapshot(abs, rootID)
	snap.Time = r.summary.Start
	snap.Hostname = host
	snap.Tags = a.opts.Tags
	snap.Policy = a.opts.Policy
	if parent != nil {
		pid := parent.ID
		snap.Parent = &pid
	}
	s := &r.summary
	snap.Summary = &repository.Summary{
		BackupStart: s.Start, BackupEnd: s.End,
		FilesNew: s.FilesNew, FilesChanged: s.FilesChanged, FilesUnmodified: s.FilesUnmodified,
		DirsNew: s.DirsNew, DirsChanged: s.DirsChanged, DirsUnmodified: s.DirsUnmodified,
		DataBlobs: s.DataBlobs, TreeBlobs: s.TreeBlobs, DataAdded: s.DataAdded,
		TotalFilesProcessed: s.TotalFiles, TotalBytesProcessed: s.TotalBytes,
	}
	if _, err := a.repo.SaveSnapshot(ctx, snap); err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	return snap, &r.summary, nil
}

func rootName(p string) string {
	if name := filepath.Base(p); name != "/" {
		return name
	}
	return "root"
}

// findParent returns the latest snapshot with the same host, paths and
// policy, or nil.
func (a *Archiver) findParent(ctx context.Context, host string, paths []string) (*repository.Snapshot, error) {
	snaps, err := a.repo.Snapshots(ctx)
	if err != nil {
		return nil, fmt.Errorf("backup: find parent snapshot: %w", err)
	}
	var best *repository.Snapshot
	for _, s := range snaps {
		if s.Hostname != host || s.Policy != a.opts.Policy || !equalStrings(s.Paths, paths) {
			continue
		}
		if best == nil || s.Time.After(best.Time) {
			best = s
		}
	}
	return best, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (r *run) warn(path string, err error) {
	w := Warning{Path: path, Err: err}
	r.warnMu.Lock()
	r.summary.WarningCount++
	if len(r.summary.Warnings) < maxWarnings {
		r.summary.Warnings = append(r.summary.Warnings, w)
	}
	r.warnMu.Unlock()
	if r.opts.Progress.Warning != nil {
		r.opts.Progress.Warning(w)
	}
}

// saveSource stores one source path.
func (r *run) saveSource(ctx context.Context, path string, prev *tree.Node) (*future, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("source %w", err)
	}
	node, err := tree.Capture(path, fi, &r.owners)
	if err != nil {
		return nil, err
	}
	node.Name = rootName(path)
	return r.saveNode(ctx, path, node, prev, node.DeviceID)
}

// saveNode stores node (already captured from path): directories are
// walked, files queued for the workers, everything else is complete as is.
func (r *run) saveNode(ctx context.Context, path string, node *tree.Node, prev *tree.Node, rootDev uint64) (*future, error) {
	switch node.Type {
	case tree.Dir:
		return r.saveDir(ctx, path, node, prev, rootDev)
	case tree.File:
		return r.saveFile(ctx, path, node, prev)
	}
	return ready(node), nil
}

func (r *run) saveFile(ctx context.Context, path string, node *tree.Node, prev *tree.Node) (*future, error) {
	r.totalFiles.Add(1)
	if node.Links > 1 {
		key := devIno{node.DeviceID, node.Inode}
		f := &future{done: make(chan struct{})}
		if earlier, loaded := r.links.LoadOrStore(key, f); loaded {
			// Another name of a file already being stored: share its
			// content instead of reading it again.
			go func() {
				defer close(f.done)
				n, err := earlier.(*future).wait(ctx)
				if err != nil || n == nil {
					f.err = err
					return
				}
				copied := *node
				copied.Content = n.Content
				copied.Size = n.Size
				f.node = &copied
			}()
			r.totalBytes.Add(node.Size)
			return f, nil
		}
		return r.queueFile(ctx, path, node, prev, f)
	}
	return r.queueFile(ctx, path, node, prev, &future{done: make(chan struct{})})
}

func (r *run) queueFile(ctx context.Context, path string, node *tree.Node, prev *tree.Node, f *future) (*future, error) {
	status := FileNew
	if prev != nil {
		status = FileChanged
		if prev.SameFile(node) && r.haveAll(prev.Content) {
			node.Content = prev.Content
			r.filesUnmodified.Add(1)
			r.totalBytes.Add(node.Size)
			if r.opts.Progress.CompleteFile != nil {
				r.opts.Progress.CompleteFile(path, node.Size, FileUnmodified)
			}
			f.node = node
			close(f.done)
			return f, nil
		}
	}
	select {
	case r.jobs <- &fileJob{path: path, node: node, status: status, fut: f}:
		return f, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// haveAll reports whether the repository still has every blob in ids (a
// prune may have removed some since the parent was made).
func (r *run) haveAll(ids []blob.ID) bool {
	for _, id := range ids {
		if !r.repo.Has(blob.Data, id) {
			return false
		}
	}
	return true
}

// saveDir lists path and returns a future that completes when every entry
// is stored and the directory's tree blob is saved.
func (r *run) saveDir(ctx context.Context, path string, node *tree.Node, prev *tree.Node, rootDev uint64) (*future, error) {
	var prevTree *tree.Tree
	if prev != nil && prev.Type == tree.Dir && prev.Subtree != nil {
		t, err := r.loadTree(ctx, *prev.Subtree)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			// A damaged parent must not stop new backups: compare
			// nothing below here and read every file again.
			r.warn(path, fmt.Errorf("listing in the parent snapshot unreadable, reading every file: %w", err))
		default:
			prevTree = t
		}
	}
	names, err := readDirNames(path)
	if err != nil {
		r.warn(path, err)
		names = nil
	}
	children := make([]*future, 0, len(names))
	for _, name := range names {
		child := path + "/" + name
		if path == "/" {
			child = "/" + name
		}
		if r.excl.excluded(child) {
			continue
		}
		fi, err := os.Lstat(child)
		if err != nil {
			r.warn(child, err)
			continue
		}
		cn, err := tree.Stat(child, fi, &r.owners)
		if err != nil {
			r.warn(child, err)
			continue
		}
		if cn.Type == tree.Dir && r.opts.OneFileSystem && cn.DeviceID != rootDev {
			continue
		}
		var cprev *tree.Node
		if prevTree != nil {
			cprev = prevTree.Find(name)
		}
		if !cn.ReuseExtras(cprev) {
			if err := cn.ReadExtras(child); err != nil {
				r.warn(child, err)
				continue
			}
		}
		var f *future
		if cn.Type == tree.Dir {
			f, err = r.walkSubdir(ctx, child, cn, cprev, rootDev)
		} else {
			f, err = r.saveNode(ctx, child, cn, cprev, rootDev)
		}
		if err != nil {
			return nil, err
		}
		children = append(children, f)
	}
	f := &future{done: make(chan struct{})}
	go func() {
		defer close(f.done)
		t := &tree.Tree{Nodes: make([]*tree.Node, 0, len(children))}
		for _, c := range children {
			n, err := c.wait(ctx)
			if err != nil {
				f.err = err
				return
			}
			if n != nil {
				t.Nodes = append(t.Nodes, n)
			}
		}
		id, err := r.saveTree(ctx, t)
		if err != nil {
			f.err = fmt.Errorf("%s: %w", path, err)
			return
		}
		node.Subtree = &id
		switch {
		case prev == nil || prev.Subtree == nil:
			r.dirsNew.Add(1)
		case *prev.Subtree == id:
			r.dirsUnmodified.Add(1)
		default:
			r.dirsChanged.Add(1)
		}
		if r.opts.Progress.CompleteDir != nil {
			r.opts.Progress.CompleteDir(path)
		}
		f.node = node
	}()
	return f, nil
}

// walkSubdir walks a subdirectory in a goroutine of its own when one of
// the dirWalkers slots is free, and in the caller's otherwise: listing
// directories and comparing their entries with the parent snapshot is
// mostly waiting for metadata and tree blobs, so a few walkers at once
// make an unchanged backup much faster.
func (r *run) walkSubdir(ctx context.Context, path string, node, prev *tree.Node, rootDev uint64) (*future, error) {
	select {
	case r.dirWalkers <- struct{}{}:
	default:
		return r.saveDir(ctx, path, node, prev, rootDev)
	}
	f := &future{done: make(chan struct{})}
	go func() {
		defer close(f.done)
		inner, err := r.saveDir(ctx, path, node, prev, rootDev)
		<-r.dirWalkers
		if err != nil {
			f.err = err
			return
		}
		f.node, f.err = inner.wait(ctx)
	}()
	return f, nil
}

// readDirNames lists a directory in name order without updating its atime
// where the kernel allows it, so that the next backup sees the same
// directory metadata.
func readDirNames(path string) ([]string, error) {
	f, err := openNoAtime(path, unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// openNoAtime opens path read-only with O_NOATIME: reading a file must not
// change the metadata the next backup compares. O_NOATIME is refused
// (EPERM) for files the caller does not own unless root; then it opens
// without it.
func openNoAtime(path string, flags int) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NOATIME|flags, 0)
	if errors.Is(err, unix.EPERM) {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|flags, 0)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

func (r *run) loadTree(ctx context.Context, id blob.ID) (*tree.Tree, error) {
	data, err := r.repo.LoadBlob(ctx, blob.Tree, id, nil)
	if err != nil {
		return nil, err
	}
	return tree.Decode(data)
}

func (r *run) saveTree(ctx context.Context, t *tree.Tree) (blob.ID, error) {
	data, err := t.Encode()
	if err != nil {
		return blob.ID{}, err
	}
	id, added, err := r.repo.SaveBlob(ctx, blob.Tree, data)
	if err != nil {
		return blob.ID{}, fmt.Errorf("save tree: %w", err)
	}
	if added {
		r.treeBlobs.Add(1)
		r.noteAdded(blob.Tree, id)
	}
	return id, nil
}

// errChanged marks a file whose size or mtime moved while it was read.
var errChanged = errors.New("file changed while being read; stored what was read")

func (r *run) fileWorker(ctx context.Context) error {
	chnk := chunker.New(nil, r.pol)
	// The chunk buffer grows to the largest chunk seen (chunker.MaxSize at
	// most) and is reused; starting small keeps idle workers cheap.
	buf := make([]byte, 0, 2*chunker.MinSize)
	for job := range r.jobs {
		node, err := r.readFile(ctx, chnk, &buf, job)
		if err != nil && ctx.Err() == nil && !isRepoError(err) {
			r.warn(job.path, err)
			err, node = nil, nil
		}
		job.fut.node, job.fut.err = node, err
		close(job.fut.done)
		if err != nil {
			return err
		}
	}
	return nil
}

// repoError wraps failures of the repository, which abort the backup,
// unlike failures to read a file.
type repoError struct{ err error }

func (e *repoError) Error() string { return e.err.Error() }
func (e *repoError) Unwrap() error { return e.err }

func isRepoError(err error) bool {
	var re *repoError
	return errors.As(err, &re)
}

func (r *run) readFile(ctx context.Context, chnk *chunker.Chunker, buf *[]byte, job *fileJob) (*tree.Node, error) {
	if r.beforeRead != nil {
		r.beforeRead(job.path)
	}
	if r.opts.Progress.StartFile != nil {
		r.opts.Progress.StartFile(job.path)
	}
	f, err := openNoAtime(job.path, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var before syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &before); err != nil {
		return nil, err
	}
	if before.Ino != job.node.Inode {
		return nil, errors.New("file was replaced between listing and reading")
	}
	node := job.node
	node.Content = nil
	chnk.Reset(f, r.pol)
	var size uint64
	for {
		c, err := chnk.Next(*buf)
		if err == io.EOF {
			break
		}
		if cap(c.Data) > cap(*buf) {
			*buf = c.Data[:0]
		}
		if err != nil {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		id, added, err := r.repo.SaveBlob(ctx, blob.Data, c.Data)
		if err != nil {
			return nil, &repoError{fmt.Errorf("save %s: %w", job.path, err)}
		}
		if added {
			r.dataBlobs.Add(1)
			r.dataAdded.Add(uint64(len(c.Data)))
			r.noteAdded(blob.Data, id)
		}
		node.Content = append(node.Content, id)
		size += uint64(c.Length)
	}
	var after syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &after); err != nil {
		return nil, err
	}
	if size != node.Size || after.Mtim.Nano() != node.ModTime || after.Size != int64(size) {
		// Keep the captured mtime so the next backup reads the file again.
		node.Size = size
		r.warn(job.path, errChanged)
	}
	r.filesRead.Add(1)
	r.bytesRead.Add(size)
	r.totalBytes.Add(size)
	if job.status == FileNew {
		r.filesNew.Add(1)
	} else {
		r.filesChanged.Add(1)
	}
	if r.opts.Progress.CompleteFile != nil {
		r.opts.Progress.CompleteFile(job.path, size, job.status)
	}
	return node, nil
}

// prescan counts what the backup will cover, for progress totals. It runs
// beside the backup and stops when the backup ends. It lists directories
// the way the backup does (readDirNames, without touching their atime), so
// that running it does not change the metadata the next backup compares.
func (r *run) prescan(ctx context.Context, paths []string) {
	report := r.opts.Progress.Totals
	if report == nil {
		return
	}
	var files, dirs, bytes uint64
	var walk func(path string, rootDev uint64)
	walk = func(path string, rootDev uint64) {
		names, err := readDirNames(path)
		if err != nil {
			return
		}
		for _, name := range names {
			if ctx.Err() != nil {
				return
			}
			child := filepath.Join(path, name)
			if r.excl.excluded(child) {
				continue
			}
			fi, err := os.Lstat(child)
			if err != nil {
				continue
			}
			switch {
			case fi.Mode().IsRegular():
				files++
				bytes += uint64(fi.Size())
			case fi.IsDir():
				if r.opts.OneFileSystem && uint64(fi.Sys().(*syscall.Stat_t).Dev) != rootDev {
					continue
				}
				dirs++
				walk(child, rootDev)
			}
			if (files+dirs)%1000 == 0 {
				report(files, dirs, bytes, false)
			}
		}
	}
	for _, root := range paths {
		fi, err := os.Lstat(root)
		if err != nil {
			continue
		}
		switch {
		case fi.Mode().IsRegular():
			files++
			bytes += uint64(fi.Size())
		case fi.IsDir():
			dirs++
			walk(root, uint64(fi.Sys().(*syscall.Stat_t).Dev))
		}
	}
	if ctx.Err() == nil {
		report(files, dirs, bytes, true)
	}
}

func (r *run) noteAdded(t blob.Type, id blob.ID) {
	r.addedMu.Lock()
	r.added = append(r.added, blob.Handle{Type: t, ID: id})
	r.addedMu.Unlock()
}

func (r *run) finishSummary() {
	idx := r.repo.Index()
	for _, h := range r.added {
		if loc, ok := idx.Lookup(h); ok {
			r.dataAddedStored.Add(uint64(loc.Length))
		}
	}

	s := &r.summary
	s.FilesNew, s.FilesChanged, s.FilesUnmodified = r.filesNew.Load(), r.filesChanged.Load(), r.filesUnmodified.Load()
	s.DirsNew, s.DirsChanged, s.DirsUnmodified = r.dirsNew.Load(), r.dirsChanged.Load(), r.dirsUnmodified.Load()
	s.FilesRead, s.BytesRead = r.filesRead.Load(), r.bytesRead.Load()
	s.TotalFiles, s.TotalBytes = r.totalFiles.Load(), r.totalBytes.Load()
	s.DataBlobs, s.TreeBlobs = r.dataBlobs.Load(), r.treeBlobs.Load()
	s.DataAdded, s.DataAddedStored = r.dataAdded.Load(), r.dataAddedStored.Load()
	s.End = time.Now()
	s.Duration = s.End.Sub(s.Start)
}
