package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Store keeps the latest state of one project and the lock that serializes
// runs against it.
type Store interface {
	// Read returns the latest state, or (nil, nil) when none exists yet.
	Read(ctx context.Context) (*State, error)
	// Write persists s as the new latest state. It refuses a state whose
	// lineage differs from the stored one (*LineageError), and a state whose
	// serial is not greater than the stored one (*StaleSerialError) unless
	// the content is Equal, in which case it does nothing.
	Write(ctx context.Context, s *State) error
	// Lock takes the exclusive lock for one run, waiting up to timeout
	// (0 = try once). When the lock stays held it returns a *LockedError
	// carrying the holder's LockInfo.
	Lock(ctx context.Context, info LockInfo, timeout time.Duration) (Unlocker, error)
}

// ErrLineageMismatch is matched (errors.Is) by *LineageError.
var ErrLineageMismatch = errors.New("state lineage does not match the stored state")

// ErrStaleSerial is matched (errors.Is) by *StaleSerialError.
var ErrStaleSerial = errors.New("state serial is not newer than the stored state")

// LineageError reports a write of a state from a different history than the
// stored one, typically a state file copied from another project; taking it
// would silently orphan every object the stored state tracks.
type LineageError struct {
	Path          string
	Stored, Given string
}

func (e *LineageError) Error() string {
	return fmt.Sprintf("refusing to write state to %s: its lineage %s differs from the stored lineage %s, so it belongs to a different project or history", e.Path, e.Given, e.Stored)
}

// Unwrap makes errors.Is(err, ErrLineageMismatch) work.
func (e *LineageError) Unwrap() error { return ErrLineageMismatch }

// StaleSerialError reports a write whose serial is not newer than the stored
// one while the content differs: the writer started from an older state
// than the one stored, and writing would discard someone else's changes.
type StaleSerialError struct {
	Path          string
	Stored, Given uint64
}

func (e *StaleSerialError) Error() string {
	return fmt.Sprintf("refusing to write state to %s: serial %d is not newer than the stored serial %d and the content differs; the state changed since it was read", e.Path, e.Given, e.Stored)
}

// Unwrap makes errors.Is(err, ErrStaleSerial) work.
func (e *StaleSerialError) Unwrap() error { return ErrStaleSerial }

// LocalStore is a Store backed by a JSON file, normally
// steward.state.json, with siblings PATH.backup (the previous state),
// PATH.lock (the lock) and PATH.lock.info (who holds the lock).
type LocalStore struct {
	path string
	// mu makes Write's read-compare-replace sequence atomic between
	// goroutines sharing this store; between processes that is the job of
	// Lock, which callers hold around a run.
	mu sync.Mutex
}

var _ Store = (*LocalStore)(nil)

// NewLocalStore returns a store for the state file at path. Nothing is
// touched on disk until the store is used.
func NewLocalStore(path string) *LocalStore {
	return &LocalStore{path: path}
}

// Path returns the state file's path.
func (s *LocalStore) Path() string { return s.path }

// BackupPath returns the path of the copy of the previous state.
func (s *LocalStore) BackupPath() string { return s.path + ".backup" }

func (s *LocalStore) lockPath() string     { return s.path + ".lock" }
func (s *LocalStore) lockInfoPath() string { return s.path + ".lock.info" }

// Read returns the state in the file, or (nil, nil) if the file does not
// exist. Any other problem, including an empty or cut-off file, is an error
// naming the file: treating a damaged state as "no state" would make the
// next plan try to create everything again.
func (s *LocalStore) Read(ctx context.Context) (*State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, _, err := s.read()
	return st, err
}

// read also returns the file's bytes, which Write copies verbatim to the
// backup.
func (s *LocalStore) read() (*State, []byte, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading state file %s: %w", s.path, err)
	}
	st, err := Unmarshal(data)
	if err != nil {
		hint := ""
		if _, statErr := os.Stat(s.BackupPath()); statErr == nil {
			hint = fmt.Sprintf(" (the previous state is in %s)", s.BackupPath())
		}
		return nil, nil, fmt.Errorf("state file %s cannot be read: %w%s", s.path, err, hint)
	}
	return st, data, nil
}

// Write replaces the state file with st (see Store.Write for when it
// refuses). The file is replaced atomically: the new state is written to a
// temporary file in the same directory and fsynced, the current file is
// copied to BackupPath (also atomically), the temporary file is renamed over
// the state file, and the directory is fsynced. A crash at any point leaves
// either the old or the new state in place. Write never modifies st; in
// particular it does not bump the serial, which is the caller's claim about
// which state it started from.
//
// ctx is checked only before starting: stopping halfway would not make the
// write any safer.
func (s *LocalStore) Write(ctx context.Context, st *State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("writing state to %s: state is nil", s.path)
	}
	// Compare and write a sorted copy: the caller's state may be unsorted,
	// and Equal is order-sensitive.
	norm := st.DeepCopy()
	norm.Sort()
	data, err := marshalNormalized(norm)
	if err != nil {
		return fmt.Errorf("writing state to %s: %w", s.path, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	prev, prevData, err := s.read()
	if err != nil {
		return fmt.Errorf("refusing to overwrite a state file that cannot be read: %w", err)
	}
	if prev != nil {
		if prev.Lineage != st.Lineage {
			return &LineageError{Path: s.path, Stored: prev.Lineage, Given: st.Lineage}
		}
		if st.Serial <= prev.Serial {
			if norm.Equal(prev) {
				return nil
			}
			return &StaleSerialError{Path: s.path, Stored: prev.Serial, Given: st.Serial}
		}
	}

	dir, base := filepath.Split(s.path)
	if dir == "" {
		dir = "."
	}
	// The state may hold infrastructure details that are private even when
	// not marked sensitive, so it is readable by its owner only.
	tmp, err := writeTempFile(dir, base, data, 0o600)
	if err != nil {
		return fmt.Errorf("writing state to %s: %w", s.path, err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = os.Remove(tmp)
		}
	}()
	if prev != nil {
		if err := atomicWriteFile(s.BackupPath(), prevData, 0o600); err != nil {
			return fmt.Errorf("writing state backup %s: %w", s.BackupPath(), err)
		}
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("writing state to %s: %w", s.path, err)
	}
	committed = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("writing state to %s: %w", s.path, err)
	}
	return nil
}
