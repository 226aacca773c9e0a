package state

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

const (
	helperEnv     = "STEWARD_STATE_TEST_HELPER"
	helperPathEnv = "STEWARD_STATE_TEST_HELPER_PATH"
	helperHoldEnv = "STEWARD_STATE_TEST_HELPER_HOLD"
)

// TestHelperProcess is not a test: lock tests re-run the test binary with
// helperEnv set so that it takes the lock in a separate process. It holds
// the lock until its stdin closes or helperHoldEnv elapses, and can be
// killed at any time.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for lock tests")
	}
	s := NewLocalStore(os.Getenv(helperPathEnv))
	info := LockInfo{Operation: "apply", Who: "helper-user", Host: "helper-host", Version: "9.9.9"}
	u, err := s.Lock(context.Background(), info, 5*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: lock:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	if hold, err := time.ParseDuration(os.Getenv(helperHoldEnv)); err == nil {
		time.Sleep(hold)
	} else {
		// Exit when the parent goes away, so a failed test cannot leak a
		// process that holds a lock forever.
		_, _ = io.Copy(io.Discard, os.Stdin)
	}
	if err := u.Unlock(); err != nil {
		fmt.Fprintln(os.Stderr, "helper: unlock:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

// startLockHolder starts a helper process holding the lock on path and waits
// until it reports that it has the lock.
func startLockHolder(t *testing.T, path, hold string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", helperPathEnv+"="+path, helperHoldEnv+"="+hold)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper did not take the lock: %q, %v", line, err)
	}
	return cmd
}

func TestLockHeldByOtherProcess(t *testing.T) {
	s := newTestStore(t)
	holder := startLockHolder(t, s.Path(), "")

	const timeout = 300 * time.Millisecond
	start := time.Now()
	u, err := s.Lock(context.Background(), LockInfo{Operation: "plan"}, timeout)
	waited := time.Since(start)
	if err == nil {
		_ = u.Unlock()
		t.Fatal("took a lock held by another process")
	}
	var lerr *LockedError
	if !errors.As(err, &lerr) {
		t.Fatalf("want a *LockedError, got %v", err)
	}
	if waited < timeout {
		t.Errorf("gave up after %v, before the %v timeout", waited, timeout)
	}
	if lerr.Info == nil {
		t.Fatalf("holder unknown: %v", err)
	}
	if lerr.Info.Who != "helper-user" || lerr.Info.Host != "helper-host" ||
		lerr.Info.PID != holder.Process.Pid || lerr.Info.Operation != "apply" || lerr.Info.Version != "9.9.9" {
		t.Errorf("wrong holder: %+v", *lerr.Info)
	}
	for _, want := range []string{"helper-user@helper-host", "pid " + strconv.Itoa(holder.Process.Pid), "operation apply", "since "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}

	// The kernel must release the lock of a process killed without a
	// chance to clean up.
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()
	u, err = s.Lock(context.Background(), LockInfo{Operation: "plan"}, 5*time.Second)
	if err != nil {
		t.Fatalf("lock not released after SIGKILL: %v", err)
	}
	// The dead holder's record must have been replaced by ours.
	info := s.readLockInfo()
	if info == nil || info.PID != os.Getpid() || info.Operation != "plan" {
		t.Errorf("lock info after takeover: %+v", info)
	}
	if err := u.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLockWaitsForRelease(t *testing.T) {
	s := newTestStore(t)
	startLockHolder(t, s.Path(), "400ms")
	u, err := s.Lock(context.Background(), LockInfo{Operation: "apply"}, 10*time.Second)
	if err != nil {
		t.Fatalf("did not get the lock after the holder released it: %v", err)
	}
	if err := u.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLockTryOnce(t *testing.T) {
	s := newTestStore(t)
	startLockHolder(t, s.Path(), "")
	start := time.Now()
	_, err := s.Lock(context.Background(), LockInfo{}, 0)
	var lerr *LockedError
	if !errors.As(err, &lerr) {
		t.Fatalf("want a *LockedError, got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("timeout 0 waited %v", d)
	}
}

func TestLockContextCancel(t *testing.T) {
	s := newTestStore(t)
	startLockHolder(t, s.Path(), "")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := s.Lock(ctx, LockInfo{}, time.Minute)
	var lerr *LockedError
	if !errors.As(err, &lerr) || !errors.Is(err, context.DeadlineExceeded) || lerr.Info == nil {
		t.Fatalf("want a *LockedError wrapping the context error, got %v", err)
	}
}

// TestFlockExcludesWithinProcess checks the property the lock relies on
// besides its in-process guard: on Linux, flock(2) locks belong to the open
// file, so two opens in one process exclude each other (unlike fcntl locks).
func TestFlockExcludesWithinProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("flock semantics checked on Linux only")
	}
	path := filepath.Join(t.TempDir(), "l.lock")
	a, b := flock.New(path), flock.New(path)
	if ok, err := a.TryLock(); !ok || err != nil {
		t.Fatalf("first lock: %v, %v", ok, err)
	}
	if ok, err := b.TryLock(); ok || err != nil {
		t.Fatalf("second open of the same file also locked it (%v, %v)", ok, err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); !ok || err != nil {
		t.Fatalf("lock not free after unlock: %v, %v", ok, err)
	}
	_ = b.Unlock()
}

func TestLockExcludesGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "steward.state.json")
	ctx := context.Background()

	// Separate stores, as two parts of a program that do not share one.
	u, err := NewLocalStore(path).Lock(ctx, LockInfo{Operation: "first"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewLocalStore(path).Lock(ctx, LockInfo{}, 100*time.Millisecond)
	var lerr *LockedError
	if !errors.As(err, &lerr) || lerr.Info == nil || lerr.Info.Operation != "first" {
		t.Fatalf("second goroutine-level lock: want a *LockedError naming the holder, got %v", err)
	}
	if err := u.Unlock(); err != nil {
		t.Fatal(err)
	}

	// Many goroutines contending: at most one inside at any time.
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				u, err := NewLocalStore(path).Lock(ctx, LockInfo{}, 30*time.Second)
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(time.Millisecond)
				inside.Add(-1)
				if err := u.Unlock(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if maxInside.Load() != 1 {
		t.Fatalf("%d goroutines held the lock at once", maxInside.Load())
	}
}

func TestUnlockCleansUpAndIsIdempotent(t *testing.T) {
	s := newTestStore(t)
	u, err := s.Lock(context.Background(), LockInfo{Operation: "apply", Version: "1.2.3"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := s.readLockInfo()
	if info == nil || info.ID == "" || info.Who == "" || info.Host == "" || info.PID != os.Getpid() ||
		info.Created.IsZero() || info.Version != "1.2.3" {
		t.Fatalf("recorded info incomplete: %+v", info)
	}
	if err := u.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := u.Unlock(); err != nil {
		t.Fatalf("second unlock: %v", err)
	}
	if _, err := os.Stat(s.lockInfoPath()); !os.IsNotExist(err) {
		t.Fatal("holder record left behind")
	}
	u2, err := s.Lock(context.Background(), LockInfo{}, 0)
	if err != nil {
		t.Fatalf("relock: %v", err)
	}
	_ = u2.Unlock()
}

func TestLockInfoString(t *testing.T) {
	created := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s := LockInfo{Who: "ana", Host: "ci-7", PID: 42, Operation: "apply", Created: created}.String()
	want := "ana@ci-7 (pid 42, operation apply) since " + created.Local().Format(time.RFC3339)
	if s != want {
		t.Fatalf("got %q, want %q", s, want)
	}
}
