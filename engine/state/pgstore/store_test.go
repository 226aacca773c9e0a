package pgstore

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/internal/testenv/postgres"
)

var pg *postgres.Shared

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(m.Run())
	}
	pg = postgres.StartShared()
	code := m.Run()
	pg.Close()
	os.Exit(code)
}

func openBackend(t *testing.T, conn string, keep int) *Backend {
	t.Helper()
	b, err := Open(Config{ConnString: conn, KeepVersions: keep, Who: "tester@test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// newState returns a state with one output whose value is v.
func newState(t *testing.T, lineage string, serial uint64, v string) *state.State {
	t.Helper()
	s := state.New()
	if lineage != "" {
		s.Lineage = lineage
	}
	s.Serial = serial
	s.Outputs["v"] = &state.OutputValue{Value: json.RawMessage(fmt.Sprintf("%q", v)), Type: json.RawMessage(`"string"`)}
	r := s.EnsureResource("", state.ModeManaged, "steward_data", "x", `provider["steward"]`)
	r.EnsureInstance(state.NoKey).Attributes = json.RawMessage(`{"v":` + fmt.Sprintf("%q", v) + `}`)
	return s
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestReadWriteStoresWhatLocalStoreWrites(t *testing.T) {
	c := ctx(t)
	s := openBackend(t, pg.Database(t), 0).Store("default")
	got, err := s.Read(c)
	if err != nil || got != nil {
		t.Fatalf("empty store: %v, %v", got, err)
	}
	st := newState(t, "", 1, "a")
	if err := s.Write(c, st); err != nil {
		t.Fatal(err)
	}
	got, err = s.Read(c)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(st) || got.Serial != 1 {
		t.Fatalf("read back %+v", got)
	}
	data, err := s.ReadVersion(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	local := state.NewLocalStore(t.TempDir() + "/s.json")
	if err := local.Write(c, st); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(local.Path())
	if string(data) != string(want) {
		t.Errorf("stored document differs from the local file:\n%s\nwant:\n%s", data, want)
	}
}

func TestWriteRefusesOtherLineageAndStaleSerial(t *testing.T) {
	c := ctx(t)
	s := openBackend(t, pg.Database(t), 0).Store("default")
	st := newState(t, "", 2, "a")
	if err := s.Write(c, st); err != nil {
		t.Fatal(err)
	}
	err := s.Write(c, newState(t, "", 3, "b"))
	var le *state.LineageError
	if !errors.As(err, &le) || !errors.Is(err, state.ErrLineageMismatch) {
		t.Fatalf("other lineage: want *LineageError, got %v", err)
	}
	err = s.Write(c, newState(t, st.Lineage, 2, "b"))
	var se *state.StaleSerialError
	if !errors.As(err, &se) || se.Stored != 2 || se.Given != 2 {
		t.Fatalf("same serial, other content: want *StaleSerialError, got %v", err)
	}
	if err := s.Write(c, newState(t, st.Lineage, 1, "b")); !errors.As(err, &se) {
		t.Fatalf("older serial: want *StaleSerialError, got %v", err)
	}
	// Equal content at an old serial is a no-op, not a new version.
	if err := s.Write(c, newState(t, st.Lineage, 1, "a")); err != nil {
		t.Fatalf("equal content: %v", err)
	}
	hist, err := s.History(c)
	if err != nil || len(hist) != 1 || hist[0].Serial != 2 || hist[0].CreatedBy != "tester@test" || hist[0].Lineage != st.Lineage {
		t.Fatalf("history after refusals: %+v, %v", hist, err)
	}
	got, _ := s.Read(c)
	if !got.Equal(st) {
		t.Fatal("a refused write changed the state")
	}
}

func TestHistoryKeepsLastVersions(t *testing.T) {
	c := ctx(t)
	s := openBackend(t, pg.Database(t), 3).Store("default")
	lineage := state.New().Lineage
	for i := uint64(1); i <= 5; i++ {
		if err := s.Write(c, newState(t, lineage, i, fmt.Sprint("v", i))); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := s.History(c)
	if err != nil {
		t.Fatal(err)
	}
	var serials []uint64
	for _, v := range hist {
		serials = append(serials, v.Serial)
	}
	if fmt.Sprint(serials) != "[5 4 3]" {
		t.Fatalf("kept serials %v, want [5 4 3]", serials)
	}
	data, err := s.ReadVersion(c, 4)
	if err != nil {
		t.Fatal(err)
	}
	old, err := state.Unmarshal(data)
	if err != nil || !old.Equal(newState(t, lineage, 4, "v4")) {
		t.Fatalf("version 4: %v", err)
	}
	if _, err := s.ReadVersion(c, 1); err == nil || !strings.Contains(err.Error(), "kept: 5, 4, 3") {
		t.Fatalf("trimmed version: %v", err)
	}
}

// TestConcurrentWritersNoLostUpdate has two writers, each with its own
// pool and no run lock, both based on the same version: exactly one may
// win each round.
func TestConcurrentWritersNoLostUpdate(t *testing.T) {
	c := ctx(t)
	conn := pg.Database(t)
	a, b := openBackend(t, conn, 0).Store("default"), openBackend(t, conn, 0).Store("default")
	base := newState(t, "", 1, "base")
	if err := a.Write(c, base); err != nil {
		t.Fatal(err)
	}
	for round := uint64(2); round < 12; round++ {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, s := range []*Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = s.Write(c, newState(t, base.Lineage, round, fmt.Sprintf("writer %d round %d", i, round)))
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			var se *state.StaleSerialError
			switch {
			case err == nil:
				ok++
			case !errors.As(err, &se):
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d writers succeeded, want exactly 1 (%v)", round, ok, errs)
		}
	}
	got, err := a.Read(c)
	if err != nil || got.Serial != 11 {
		t.Fatalf("final serial: %v, %v", got, err)
	}
}

const (
	helperEnv     = "STEWARD_PGSTORE_TEST_HELPER_CONN"
	helperPGEnvOK = "STEWARD_PGSTORE_TEST_HELPER_WS"
)

// TestHelperProcess is not a test: lock tests re-run the test binary with
// helperEnv set so that another process holds the lock. It holds it until
// its stdin closes, and can be killed at any time.
func TestHelperProcess(t *testing.T) {
	conn := os.Getenv(helperEnv)
	if conn == "" {
		t.Skip("helper process for lock tests")
	}
	b, err := Open(Config{ConnString: conn})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	s := b.Store(os.Getenv(helperPGEnvOK))
	u, err := s.Lock(context.Background(), state.LockInfo{ID: "helper-lock", Operation: "apply", Who: "helper-user", Host: "helper-host", Version: "9.9.9"}, 5*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: lock:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = u.Unlock()
	os.Exit(0)
}

func startLockHolder(t *testing.T, conn, workspace string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+conn, helperPGEnvOK+"="+workspace)
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

func TestLockHeldByKilledProcess(t *testing.T) {
	c := ctx(t)
	conn := pg.Database(t)
	s := openBackend(t, conn, 0).Store("default")
	committed := newState(t, "", 1, "committed")
	if err := s.Write(c, committed); err != nil {
		t.Fatal(err)
	}
	holder := startLockHolder(t, conn, "default")

	u, err := s.Lock(c, state.LockInfo{Operation: "plan"}, 300*time.Millisecond)
	if err == nil {
		_ = u.Unlock()
		t.Fatal("took a lock held by another process")
	}
	var le *state.LockedError
	if !errors.As(err, &le) || le.Info == nil {
		t.Fatalf("want a *LockedError naming the holder, got %v", err)
	}
	if le.Info.ID != "helper-lock" || le.Info.PID != holder.Process.Pid || le.Info.Operation != "apply" {
		t.Errorf("wrong holder: %+v", *le.Info)
	}
	for _, want := range []string{"locked by helper-user@helper-host", "operation apply", "since ", `workspace "default"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	// Another workspace has its own lock.
	u2, err := s.b.Store("other").Lock(c, state.LockInfo{Operation: "plan"}, 0)
	if err != nil {
		t.Fatalf("another workspace's lock: %v", err)
	}
	_ = u2.Unlock()

	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()
	u, err = s.Lock(c, state.LockInfo{Operation: "plan"}, 10*time.Second)
	if err != nil {
		t.Fatalf("lock not released after SIGKILL: %v", err)
	}
	defer u.Unlock()
	info, err := s.LockHolder(c)
	if err != nil || info == nil || info.PID != os.Getpid() || info.Operation != "plan" {
		t.Errorf("holder after takeover: %+v, %v", info, err)
	}
	got, err := s.Read(c)
	if err != nil || !got.Equal(committed) || got.Serial != 1 {
		t.Fatalf("state after the holder was killed: %+v, %v", got, err)
	}
}

func TestLockWaitsForRelease(t *testing.T) {
	c := ctx(t)
	s := openBackend(t, pg.Database(t), 0).Store("default")
	u1, err := s.Lock(c, state.LockInfo{Operation: "apply"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		u2, err := s.b.Store("default").Lock(c, state.LockInfo{Operation: "plan"}, 20*time.Second)
		if err == nil {
			err = u2.Unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second lock returned while the first was held: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := u1.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("waiter: %v", err)
	}
	if err := u1.Unlock(); err != nil {
		t.Fatalf("second Unlock: %v", err)
	}
}

func TestForceUnlock(t *testing.T) {
	c := ctx(t)
	conn := pg.Database(t)
	s := openBackend(t, conn, 0).Store("default")
	if _, err := s.ForceUnlock(c, "x"); err == nil || !strings.Contains(err.Error(), "not locked") {
		t.Fatalf("unlocked state: %v", err)
	}
	holder := startLockHolder(t, conn, "default")
	if _, err := s.ForceUnlock(c, "wrong-id"); err == nil || !strings.Contains(err.Error(), `"helper-lock"`) {
		t.Fatalf("wrong ID: %v", err)
	}
	if _, err := s.Lock(c, state.LockInfo{}, 0); err == nil {
		t.Fatal("a refused force-unlock released the lock")
	}
	info, err := s.ForceUnlock(c, "helper-lock")
	if err != nil || info.Who != "helper-user" {
		t.Fatalf("force-unlock: %+v, %v", info, err)
	}
	u, err := s.Lock(c, state.LockInfo{}, 5*time.Second)
	if err != nil {
		t.Fatalf("lock after force-unlock: %v", err)
	}
	_ = u.Unlock()
	_ = holder
}

// TestWriteAfterLockLostIsRefused: a run whose lock was broken must not
// write, since another run may be working on the state.
func TestWriteAfterLockLostIsRefused(t *testing.T) {
	c := ctx(t)
	b := openBackend(t, pg.Database(t), 0)
	s := b.Store("default")
	st := newState(t, "", 1, "a")
	if err := s.Write(c, st); err != nil {
		t.Fatal(err)
	}
	u, err := s.Lock(c, state.LockInfo{ID: "mine"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Unlock()
	if _, err := b.Store("default").ForceUnlock(c, "mine"); err != nil {
		t.Fatal(err)
	}
	err = s.Write(c, newState(t, st.Lineage, 2, "b"))
	if !errors.Is(err, ErrLockLost) {
		t.Fatalf("write after losing the lock: %v", err)
	}
	got, _ := s.Read(c)
	if got.Serial != 1 {
		t.Fatalf("the refused write was stored: serial %d", got.Serial)
	}
}

// TestServerRestartMidRun: the database restarts while a run holds the
// lock. Writing while it is down is a clear error; writing once it is back
// is refused because the lock went with the old session; nothing partial is
// stored, and the next run works.
func TestServerRestartMidRun(t *testing.T) {
	c := ctx(t)
	srv := pg.Server(t)
	conn := pg.Database(t)
	s := openBackend(t, conn, 0).Store("default")
	st := newState(t, "", 1, "a")
	if err := s.Write(c, st); err != nil {
		t.Fatal(err)
	}
	u, err := s.Lock(c, state.LockInfo{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Unlock()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = srv.StartAgain()
		}
	}()
	err = s.Write(c, newState(t, st.Lineage, 2, "b"))
	if err == nil || !strings.Contains(err.Error(), "writing state to") {
		t.Fatalf("write while the server is down: %v", err)
	}
	if strings.Contains(err.Error(), srv.Password) {
		t.Fatalf("error shows the password: %v", err)
	}
	if err := srv.StartAgain(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	err = s.Write(c, newState(t, st.Lineage, 2, "b"))
	if !errors.Is(err, ErrLockLost) {
		t.Fatalf("write after the restart: %v", err)
	}
	if err := u.Unlock(); err != nil {
		t.Logf("unlock of a lost lock: %v", err)
	}
	next := openBackend(t, conn, 0).Store("default")
	got, err := next.Read(c)
	if err != nil || got.Serial != 1 || !got.Equal(st) {
		t.Fatalf("state after the restart: %+v, %v", got, err)
	}
	u2, err := next.Lock(c, state.LockInfo{}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer u2.Unlock()
	if err := next.Write(c, newState(t, st.Lineage, 2, "b")); err != nil {
		t.Fatalf("next run: %v", err)
	}
}

func TestWorkspaces(t *testing.T) {
	c := ctx(t)
	b := openBackend(t, pg.Database(t), 0)
	names, err := b.Workspaces(c)
	if err != nil || fmt.Sprint(names) != "[default]" {
		t.Fatalf("fresh: %v, %v", names, err)
	}
	if err := b.CreateWorkspace(c, "site-b"); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateWorkspace(c, "site-b"); err == nil {
		t.Fatal("created a workspace twice")
	}
	if err := b.CreateWorkspace(c, "../x"); err == nil {
		t.Fatal("accepted an invalid name")
	}
	a, sb := newState(t, "", 1, "a"), newState(t, "", 1, "b")
	if err := b.Store("default").Write(c, a); err != nil {
		t.Fatal(err)
	}
	if err := b.Store("site-b").Write(c, sb); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Store("site-b").Read(c); !got.Equal(sb) {
		t.Fatal("site-b's state is not its own")
	}
	u, err := b.Store("site-b").Lock(c, state.LockInfo{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteWorkspace(c, "site-b"); err == nil {
		t.Fatal("deleted a locked workspace")
	}
	_ = u.Unlock()
	if err := b.DeleteWorkspace(c, "site-b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Store("site-b").Read(c); got != nil {
		t.Fatal("deleted workspace still has a state")
	}
	if got, _ := b.Store("default").Read(c); !got.Equal(a) {
		t.Fatal("deleting site-b changed default")
	}
}

func TestKeySharedAndConnFromEnvironment(t *testing.T) {
	c := ctx(t)
	conn := pg.Database(t)
	k1, err := openBackend(t, conn, 0).LoadOrCreateKey(c)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(conn)
	pw, _ := u.User.Password()
	t.Setenv("PGHOST", u.Hostname())
	t.Setenv("PGPORT", u.Port())
	t.Setenv("PGUSER", u.User.Username())
	t.Setenv("PGPASSWORD", pw)
	t.Setenv("PGDATABASE", strings.TrimPrefix(u.Path, "/"))
	t.Setenv("PGSSLMODE", "disable")
	k2, err := openBackend(t, "", 0).LoadOrCreateKey(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 || string(k1) != string(k2) {
		t.Fatalf("keys differ: %x vs %x", k1, k2)
	}
}

func TestPasswordNeverInErrors(t *testing.T) {
	c := ctx(t)
	conn := pg.Database(t)
	u, _ := url.Parse(conn)
	pw, _ := u.User.Password()
	// Right server, wrong password; and a port where nothing listens.
	wrong := strings.Replace(conn, pw, "Wr0ngSecretPw", 1)
	nowhere := "postgres://steward:Wr0ngSecretPw@127.0.0.1:1/x?sslmode=disable&connect_timeout=5"
	for _, cs := range []string{wrong, nowhere, "postgres://steward:Wr0ngSecretPw@127.0.0.1:notaport/x"} {
		b, err := Open(Config{ConnString: cs})
		if err == nil {
			_, err = b.Store("default").Read(c)
			b.Close()
		}
		if err == nil {
			t.Fatalf("%s: no error", cs)
		}
		if strings.Contains(err.Error(), "Wr0ngSecretPw") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// TestLockSessionKeepalives: the lock session asks the server to probe an
// idle client, so a holder that vanished without closing its socket does
// not keep the lock for hours.
func TestLockSessionKeepalives(t *testing.T) {
	c := ctx(t)
	s := openBackend(t, pg.Database(t), 0).Store("default")
	u, err := s.Lock(c, state.LockInfo{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Unlock()
	var idle string
	if err := u.(*lock).conn.QueryRow(c, "SHOW tcp_keepalives_idle").Scan(&idle); err != nil || (idle != "30" && idle != "30s") {
		t.Fatalf("tcp_keepalives_idle = %q, %v", idle, err)
	}
}

// TestStaleHolderRecordIgnored: a holder record whose backend does not
// hold the lock (left by a run that died between the two) is not reported,
// and the next holder replaces it.
func TestStaleHolderRecordIgnored(t *testing.T) {
	c := ctx(t)
	b := openBackend(t, pg.Database(t), 0)
	s := b.Store("default")
	db, err := b.db(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(c, `INSERT INTO "steward".locks (workspace, id, info, backend_pid) VALUES ('default', 'stale', '{"id":"stale","who":"ghost"}', 2147483000)`); err != nil {
		t.Fatal(err)
	}
	if info, err := s.LockHolder(c); err != nil || info != nil {
		t.Fatalf("stale record reported as the holder: %+v, %v", info, err)
	}
	u, err := s.Lock(c, state.LockInfo{ID: "fresh"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Unlock()
	if info, err := s.LockHolder(c); err != nil || info == nil || info.ID != "fresh" {
		t.Fatalf("holder after taking the lock: %+v, %v", info, err)
	}
}
