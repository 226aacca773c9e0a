package state

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// LockInfo describes the holder of a lock, so that someone waiting for it
// can tell who to ask.
type LockInfo struct {
	// ID is unique to one acquisition.
	ID string `json:"id"`
	// Operation is what the holder is doing, e.g. "apply".
	Operation string `json:"operation"`
	// Who is the user running the holder, Host the machine it runs on.
	Who  string `json:"who"`
	Host string `json:"host"`
	PID  int    `json:"pid"`
	// Created is when the lock was taken.
	Created time.Time `json:"created"`
	// Version is the steward version of the holder.
	Version string `json:"version"`
}

// String renders the holder as "USER@HOST (pid N, operation OP) since TIME".
func (i LockInfo) String() string {
	return fmt.Sprintf("%s@%s (pid %d, operation %s) since %s",
		orUnknown(i.Who), orUnknown(i.Host), i.PID, orUnknown(i.Operation),
		i.Created.Local().Format(time.RFC3339))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// WithDefaults fills the fields a caller should not have to know how to
// find: ID, Who, Host, PID and Created. Stores call it when taking a lock.
func (i LockInfo) WithDefaults() LockInfo {
	if i.ID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		i.ID = hex.EncodeToString(b[:])
	}
	if i.Who == "" {
		if u, err := user.Current(); err == nil {
			i.Who = u.Username
		} else {
			i.Who = os.Getenv("USER")
		}
	}
	if i.Host == "" {
		i.Host, _ = os.Hostname()
	}
	if i.PID == 0 {
		i.PID = os.Getpid()
	}
	if i.Created.IsZero() {
		i.Created = time.Now().UTC().Truncate(time.Second)
	}
	return i
}

// LockedError reports that the lock stayed held by someone else. Info is
// the holder's LockInfo, or nil if it could not be read (the holder may be
// between taking the lock and recording itself).
type LockedError struct {
	Path string
	Info *LockInfo
	// Err is why the wait ended early (the context's error), or nil when
	// the timeout expired.
	Err error
}

func (e *LockedError) Error() string {
	holder := "another process (holder unknown)"
	if e.Info != nil {
		holder = e.Info.String()
	}
	msg := fmt.Sprintf("state %s is locked by %s", e.Path, holder)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap exposes the context error, if the wait was cancelled.
func (e *LockedError) Unwrap() error { return e.Err }

// Unlocker releases a lock taken by Store.Lock.
type Unlocker interface {
	// Unlock releases the lock. Calling it again does nothing.
	Unlock() error
}

// procLocks gives each lock path a one-slot semaphore shared by the whole
// process. flock(2) already excludes separate open files of one process on
// Linux, but some platforms emulate it with fcntl locks, which a process
// never conflicts with itself on; this makes goroutine exclusion independent
// of that. Entries are never removed: there are few distinct lock paths.
var procLocks struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
}

func procSlot(path string) chan struct{} {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	procLocks.mu.Lock()
	defer procLocks.mu.Unlock()
	if procLocks.slots == nil {
		procLocks.slots = make(map[string]chan struct{})
	}
	ch, ok := procLocks.slots[path]
	if !ok {
		ch = make(chan struct{}, 1)
		procLocks.slots[path] = ch
	}
	return ch
}

// Lock backoff bounds: short enough that a waiter notices a release
// promptly, long enough that many waiters do not spin on the lock file.
const (
	minLockRetry = 10 * time.Millisecond
	maxLockRetry = 500 * time.Millisecond
)

// Lock takes the exclusive lock on the state, an flock(2) on PATH.lock,
// waiting up to timeout (0 = try once) and retrying with backoff. The kernel
// drops the lock when the holding process exits for any reason, including
// SIGKILL, so a crashed run never leaves the state locked. Once held, info
// (with ID, Who, Host, PID and Created filled in if empty) is written to
// PATH.lock.info for waiters to report. The lock also excludes other
// goroutines of this process.
func (s *LocalStore) Lock(ctx context.Context, info LockInfo, timeout time.Duration) (Unlocker, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info = info.WithDefaults()
	deadline := time.Now().Add(max(timeout, 0))

	slot := procSlot(s.lockPath())
	if err := s.waitSlot(ctx, slot, deadline); err != nil {
		return nil, err
	}
	fl := flock.New(s.lockPath(), flock.SetPermissions(0o644))
	if err := s.waitFlock(ctx, fl, deadline); err != nil {
		<-slot
		return nil, err
	}

	l := &localLock{store: s, fl: fl, slot: slot}
	data, err := json.MarshalIndent(info, "", "  ")
	if err == nil {
		err = atomicWriteFile(s.lockInfoPath(), append(data, '\n'), 0o644)
	}
	if err != nil {
		_ = l.Unlock()
		return nil, fmt.Errorf("recording lock holder in %s: %w", s.lockInfoPath(), err)
	}
	return l, nil
}

// waitSlot takes this process's slot for the lock, waiting until deadline.
func (s *LocalStore) waitSlot(ctx context.Context, slot chan struct{}, deadline time.Time) error {
	select {
	case slot <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case slot <- struct{}{}:
		return nil
	case <-timer.C:
		return s.lockedError(nil)
	case <-ctx.Done():
		return s.lockedError(ctx.Err())
	}
}

// waitFlock polls the file lock until deadline. Polling rather than a
// blocking flock(2) keeps the wait cancellable and bounded; jitter keeps
// several waiters from retrying in lockstep.
func (s *LocalStore) waitFlock(ctx context.Context, fl *flock.Flock, deadline time.Time) error {
	delay := minLockRetry
	for {
		ok, err := fl.TryLock()
		if err != nil {
			return fmt.Errorf("locking state %s: %w", s.lockPath(), err)
		}
		if ok {
			return nil
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return s.lockedError(nil)
		}
		sleep := min(delay/2+mrand.N(delay/2+1), remaining)
		timer := time.NewTimer(sleep)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return s.lockedError(ctx.Err())
		}
		delay = min(delay*2, maxLockRetry)
	}
}

func (s *LocalStore) lockedError(cause error) *LockedError {
	return &LockedError{Path: s.path, Info: s.readLockInfo(), Err: cause}
}

// readLockInfo returns the recorded holder, or nil if there is no readable
// record; a damaged info file must not hide the fact that the lock is held.
func (s *LocalStore) readLockInfo() *LockInfo {
	data, err := os.ReadFile(s.lockInfoPath())
	if err != nil {
		return nil
	}
	var info LockInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil
	}
	return &info
}

type localLock struct {
	store *LocalStore
	fl    *flock.Flock
	slot  chan struct{}
	once  sync.Once
	err   error
}

// Unlock removes the holder record before releasing the lock, so that it
// can never delete the record of the next holder. The lock file itself is
// kept: deleting it would let a waiter that already opened the old file and
// a newcomer that creates a new one both hold "the" lock.
func (l *localLock) Unlock() error {
	l.once.Do(func() {
		var errs []error
		if err := os.Remove(l.store.lockInfoPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing lock holder record: %w", err))
		}
		if err := l.fl.Unlock(); err != nil {
			errs = append(errs, fmt.Errorf("unlocking state %s: %w", l.store.lockPath(), err))
		}
		<-l.slot
		l.err = errors.Join(errs...)
	})
	return l.err
}
