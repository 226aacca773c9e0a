package repository

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestLocks(t *testing.T) {
	ctx := context.Background()
	r, be := TestRepository(t)
	other := TestReopen(t, be)

	unlockShared, err := r.Lock(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	// A second shared lock (say, a restore beside the backup) is fine.
	unlock2, err := other.Lock(ctx, false)
	if err != nil {
		t.Fatalf("second shared lock: %v", err)
	}
	unlock2()

	_, err = other.Lock(ctx, true)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("exclusive lock beside a shared one: got %v, want LockedError", err)
	}
	host, _ := os.Hostname()
	if le.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), host) {
		t.Fatalf("error does not name the holder: %v", err)
	}
	unlockShared()
	unlockEx, err := other.Lock(ctx, true)
	if err != nil {
		t.Fatalf("exclusive lock after release: %v", err)
	}
	if _, err := r.Lock(ctx, false); !errors.Is(err, ErrLocked) {
		t.Fatalf("shared lock beside an exclusive one: got %v", err)
	}
	unlockEx()
	if locks, _ := r.Locks(ctx); len(locks) != 0 {
		t.Fatalf("%d locks left after unlocking", len(locks))
	}
}

func TestStaleLocks(t *testing.T) {
	ctx := context.Background()
	r, _ := TestRepository(t)
	host, _ := os.Hostname()
	now := time.Now()
	// A lock of a process that no longer exists on this host...
	dead := LockInfo{ID: "dead", Exclusive: true, Created: now, Time: now, Hostname: host, PID: deadPID(t)}
	// ...and one from another host not refreshed for an hour.
	old := LockInfo{ID: "old", Exclusive: true, Created: now.Add(-time.Hour), Time: now.Add(-time.Hour), Hostname: "elsewhere", PID: 1}
	live := LockInfo{ID: "live", Exclusive: false, Created: now, Time: now, Hostname: "elsewhere", PID: 1}
	for _, l := range []LockInfo{dead, old, live} {
		if err := r.writeLock(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	n, err := r.RemoveStaleLocks(ctx)
	if err != nil || n != 2 {
		t.Fatalf("RemoveStaleLocks = %d, %v; want 2", n, err)
	}
	locks, _ := r.Locks(ctx)
	if len(locks) != 1 || locks[0].ID != "live" {
		t.Fatalf("locks left: %+v", locks)
	}
	// Lock also clears stale locks it meets.
	if err := r.writeLock(ctx, dead); err != nil {
		t.Fatal(err)
	}
	unlock, err := r.Lock(ctx, false)
	if err != nil {
		t.Fatalf("shared lock beside a stale exclusive one: %v", err)
	}
	unlock()
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Skipf("cannot start /bin/true: %v", err)
	}
	pid := p.Pid
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	return pid
}

func TestLockRefresh(t *testing.T) {
	ctx := context.Background()
	r, _ := TestRepository(t)
	r.locker.refreshInterval = time.Millisecond
	unlock, err := r.Lock(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	// Wait (without any timing assertion) until the lock file's time moves
	// past its creation: the refresher rewrote it.
	for i := 0; ; i++ {
		locks, err := r.Locks(ctx)
		if err != nil || len(locks) != 1 {
			t.Fatalf("locks: %v, %v", locks, err)
		}
		if locks[0].Time.After(locks[0].Created) {
			break
		}
		if i > 10000 {
			t.Fatal("the lock was never refreshed")
		}
		time.Sleep(time.Millisecond)
	}
}
