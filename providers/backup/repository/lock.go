package repository

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/stewardhq/steward/providers/backup/backend"
)

// Lock timing: a lock is refreshed every LockRefreshInterval and counts as
// stale once it has not been refreshed for LockStaleAfter.
const (
	LockRefreshInterval = 5 * time.Minute
	LockStaleAfter      = 30 * time.Minute
)

// LockInfo is the content of a lock file.
type LockInfo struct {
	// ID is the lock file's name; set when loading.
	ID        string    `json:"-"`
	Exclusive bool      `json:"exclusive"`
	Created   time.Time `json:"created"`
	// Time is when the lock was last refreshed.
	Time     time.Time `json:"time"`
	Hostname string    `json:"hostname"`
	Username string    `json:"username"`
	PID      int       `json:"pid"`
}

// Stale reports whether the lock no longer protects anything: not refreshed
// for LockStaleAfter, or held by a process of this host that has exited.
func (l LockInfo) Stale(now time.Time) bool {
	if now.Sub(l.Time) > LockStaleAfter {
		return true
	}
	host, _ := os.Hostname()
	return l.Hostname == host && !processAlive(l.PID)
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func (l LockInfo) conflicts(exclusive bool) bool { return exclusive || l.Exclusive }

// lockSet tracks this Repository's own locks and refreshes them.
type lockSet struct {
	r    *Repository
	mu   sync.Mutex
	held map[string]*heldLock
	// refreshInterval overrides LockRefreshInterval (tests).
	refreshInterval time.Duration
}

func (ls *lockSet) refreshEvery() time.Duration {
	if ls.refreshInterval > 0 {
		return ls.refreshInterval
	}
	return LockRefreshInterval
}

type heldLock struct {
	info LockInfo
	stop chan struct{}
	done chan struct{}
}

func newLockSet(r *Repository) *lockSet { return &lockSet{r: r, held: make(map[string]*heldLock)} }

// Locks lists the repository's lock files. Files that cannot be read are
// skipped: they are not locks written by a process holding this key.
func (r *Repository) Locks(ctx context.Context) ([]LockInfo, error) {
	files, err := r.ListFiles(ctx, backend.LockFile)
	if err != nil {
		return nil, err
	}
	var out []LockInfo
	for _, fi := range files {
		plain, err := r.LoadFile(ctx, backend.Handle{Type: backend.LockFile, Name: fi.Name})
		if err != nil {
			if errors.Is(err, backend.ErrNotExist) {
				continue // released meanwhile
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		var li LockInfo
		if err := json.Unmarshal(plain, &li); err != nil {
			continue
		}
		li.ID = fi.Name
		out = append(out, li)
	}
	return out, nil
}

// Lock takes a shared (backup, restore, check) or exclusive (prune,
// forget) lock. It removes stale locks it finds, fails with a *LockedError
// naming the holder when a live lock conflicts, and refreshes the lock in
// the background until unlock is called.
func (r *Repository) Lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	if err := r.checkLocks(ctx, exclusive, ""); err != nil {
		return nil, err
	}
	var rid [16]byte
	if _, err := rand.Read(rid[:]); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	host, _ := os.Hostname()
	now := time.Now()
	li := LockInfo{ID: hex.EncodeToString(rid[:]), Exclusive: exclusive, Created: now, Time: now,
		Hostname: host, Username: currentUsername(), PID: os.Getpid()}
	if err := r.writeLock(ctx, li); err != nil {
		return nil, err
	}
	// Two processes may have checked at the same moment: look again now
	// that ours is visible, and back off if anyone else conflicts.
	if err := r.checkLocks(ctx, exclusive, li.ID); err != nil {
		_ = r.be.Remove(context.WithoutCancel(ctx), backend.Handle{Type: backend.LockFile, Name: li.ID})
		return nil, err
	}
	hl := &heldLock{info: li, stop: make(chan struct{}), done: make(chan struct{})}
	r.locker.mu.Lock()
	r.locker.held[li.ID] = hl
	r.locker.mu.Unlock()
	go r.locker.refresh(hl)
	var once sync.Once
	return func() { once.Do(func() { r.locker.release(li.ID) }) }, nil
}

func (r *Repository) writeLock(ctx context.Context, li LockInfo) error {
	data, err := json.Marshal(li)
	if err != nil {
		return fmt.Errorf("encode lock: %w", err)
	}
	if err := r.be.Save(ctx, backend.Handle{Type: backend.LockFile, Name: li.ID}, bytes.NewReader(r.sealFile(data))); err != nil {
		return fmt.Errorf("write lock: %w", err)
	}
	return nil
}

func (r *Repository) checkLocks(ctx context.Context, exclusive bool, own string) error {
	locks, err := r.Locks(ctx)
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	now := time.Now()
	r.locker.mu.Lock()
	mine := make(map[string]bool, len(r.locker.held))
	for id := range r.locker.held {
		mine[id] = true
	}
	r.locker.mu.Unlock()
	for _, l := range locks {
		// This Repository's own locks never conflict with each other, so
		// forget (exclusive) can call prune (exclusive) in one session.
		if l.ID == own || mine[l.ID] {
			continue
		}
		if l.Stale(now) {
			if err := r.be.Remove(ctx, backend.Handle{Type: backend.LockFile, Name: l.ID}); err != nil && !errors.Is(err, backend.ErrNotExist) {
				return fmt.Errorf("remove stale lock %s: %w", l.ID, err)
			}
			continue
		}
		if l.conflicts(exclusive) {
			return &LockedError{Holder: l}
		}
	}
	return nil
}

// RemoveStaleLocks removes every stale lock and returns how many it removed.
func (r *Repository) RemoveStaleLocks(ctx context.Context) (int, error) {
	locks, err := r.Locks(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	now := time.Now()
	for _, l := range locks {
		if !l.Stale(now) {
			continue
		}
		if err := r.be.Remove(ctx, backend.Handle{Type: backend.LockFile, Name: l.ID}); err != nil && !errors.Is(err, backend.ErrNotExist) {
			return n, fmt.Errorf("remove stale lock %s: %w", l.ID, err)
		}
		n++
	}
	return n, nil
}

func (ls *lockSet) refresh(hl *heldLock) {
	defer close(hl.done)
	t := time.NewTicker(ls.refreshEvery())
	defer t.Stop()
	for {
		select {
		case <-hl.stop:
			return
		case <-t.C:
			hl.info.Time = time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			// A failed refresh is retried at the next tick; the lock only
			// goes stale after several missed refreshes.
			_ = ls.r.writeLock(ctx, hl.info)
			cancel()
		}
	}
}

func (ls *lockSet) release(id string) {
	ls.mu.Lock()
	hl := ls.held[id]
	delete(ls.held, id)
	ls.mu.Unlock()
	if hl == nil {
		return
	}
	close(hl.stop)
	<-hl.done
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = ls.r.be.Remove(ctx, backend.Handle{Type: backend.LockFile, Name: id})
}

func (ls *lockSet) releaseAll() {
	ls.mu.Lock()
	var ids []string
	for id := range ls.held {
		ids = append(ids, id)
	}
	ls.mu.Unlock()
	for _, id := range ids {
		ls.release(id)
	}
}
