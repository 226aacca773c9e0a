// Package postgres starts a real PostgreSQL 15 (Debian's postgresql package) for tests, listening
// on 127.0.0.1 only.
//
// A test binary starts one server in TestMain with StartShared and gives every test a fresh,
// empty database with Shared.Database, so tests do not see each other's tables and the cost of
// initdb (about half a second) is paid once per binary. The cluster lives in a temporary
// directory owned by the postgres user: initdb and pg_ctl refuse to run as root, so as root they
// run through runuser. Host connections need the superuser's random password
// (scram-sha-256), which keeps conn strings in tests realistic: they carry a secret that must
// never be printed.
//
// When the binaries are missing or the server cannot start, Database skips the test with the
// reason; set STEWARD_REQUIRE_POSTGRES=1 (.ci/run does) to turn those skips into failures.
package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BinDir holds Debian's PostgreSQL 15 programs.
const BinDir = "/usr/lib/postgresql/15/bin"

// RequireEnv names the environment variable that, when non-empty, makes a missing or broken
// PostgreSQL fail tests instead of skipping them.
const RequireEnv = "STEWARD_REQUIRE_POSTGRES"

// Superuser is the cluster's superuser.
const Superuser = "postgres"

// Server is one running PostgreSQL cluster.
type Server struct {
	Dir      string // the temporary directory: data/, sock/, server.log
	Port     int
	Password string // the superuser's password

	dataDir string
	sockDir string
	logPath string
	asUser  string // "" to run pg_ctl directly, else the user to runuser to
	mu      sync.Mutex
	seq     int
}

// Unavailable returns why this machine cannot run a Server, or "" when it can.
func Unavailable() string {
	for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(BinDir, p)); err != nil {
			return fmt.Sprintf("%s not found: install the Debian package postgresql (apt-get install postgresql)", filepath.Join(BinDir, p))
		}
	}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return "running as root and there is no postgres user to run initdb as"
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			return "running as root and runuser (util-linux) is not installed"
		}
	}
	return ""
}

// Start initialises a new cluster in a temporary directory and starts it on a free port of
// 127.0.0.1. The caller must call Stop, which also removes the directory.
func Start() (*Server, error) {
	if reason := Unavailable(); reason != "" {
		return nil, errors.New(reason)
	}
	dir, err := os.MkdirTemp("", "steward-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{
		Dir:      dir,
		Password: randomHex(16),
		dataDir:  filepath.Join(dir, "data"),
		sockDir:  filepath.Join(dir, "sock"),
		logPath:  filepath.Join(dir, "server.log"),
	}
	if err := s.initdb(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	// Another process may take the chosen port between choosing and binding; try a few.
	for attempt := 0; ; attempt++ {
		s.Port, err = freePort()
		if err == nil {
			err = s.StartAgain()
		}
		if err == nil || attempt == 4 {
			break
		}
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) initdb() error {
	if err := os.Mkdir(s.sockDir, 0o700); err != nil {
		return err
	}
	pwfile := filepath.Join(s.Dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(s.Password+"\n"), 0o600); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		s.asUser = "postgres"
		u, err := user.Lookup(s.asUser)
		if err != nil {
			return err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, p := range []string{s.Dir, s.sockDir, pwfile} {
			if err := os.Chown(p, uid, gid); err != nil {
				return fmt.Errorf("giving %s to the postgres user: %w", p, err)
			}
		}
	}
	out, err := s.run(filepath.Join(BinDir, "initdb"), "-D", s.dataDir, "-U", Superuser, "--pwfile="+pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C")
	_ = os.Remove(pwfile)
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	return nil
}

// run runs a PostgreSQL program, as the postgres user when this process is root.
func (s *Server) run(prog string, args ...string) (string, error) {
	var cmd *exec.Cmd
	if s.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.asUser, "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// StartAgain starts the server after Stop (or the first time), on the same port, and waits until
// it accepts connections.
func (s *Server) StartAgain() error {
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", s.Port, s.sockDir)
	out, err := s.run(filepath.Join(BinDir, "pg_ctl"), "-D", s.dataDir, "-l", s.logPath, "-w", "-t", "30", "-o", opts, "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w: %s\n%s", err, out, s.LogTail())
	}
	return nil
}

// Stop shuts the server down (fast: open sessions are disconnected), as an administrator
// restarting it would; StartAgain brings it back with its data.
func (s *Server) Stop() error {
	out, err := s.run(filepath.Join(BinDir, "pg_ctl"), "-D", s.dataDir, "-m", "fast", "-w", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	return nil
}

// Restart is Stop followed by StartAgain.
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.StartAgain()
}

// Destroy stops the server if it runs and removes its directory.
func (s *Server) Destroy() {
	_ = s.Stop()
	_ = os.RemoveAll(s.Dir)
}

// LogTail returns the end of the server's log, for failure messages.
func (s *Server) LogTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// ConnString is the URL of database db as the superuser, password included.
func (s *Server) ConnString(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(Superuser, s.Password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates a new empty database and returns its name.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	s.mu.Lock()
	s.seq++
	name := fmt.Sprintf("t%d_%s", s.seq, randomHex(4))
	s.mu.Unlock()
	conn, err := pgx.Connect(ctx, s.ConnString("postgres"))
	if err != nil {
		return "", fmt.Errorf("connecting to the test server: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("creating database %s: %w", name, err)
	}
	return name, nil
}

// Shared is a server started once for a test binary (in TestMain), or the reason it could not be.
type Shared struct {
	srv *Server
	err error
}

// StartShared starts a server for the whole test binary. It never fails: when the server cannot
// start, Database skips (or, with RequireEnv set, fails) each test that needs it. Call Close after
// m.Run.
func StartShared() *Shared {
	srv, err := Start()
	return &Shared{srv: srv, err: err}
}

// Close stops the server and removes its files.
func (sh *Shared) Close() {
	if sh.srv != nil {
		sh.srv.Destroy()
	}
}

// Server returns the running server, or skips or fails t when there is none.
func (sh *Shared) Server(t testing.TB) *Server {
	t.Helper()
	if sh.err != nil {
		if v := os.Getenv(RequireEnv); v != "" {
			t.Fatalf("postgres: cannot run PostgreSQL here (%s=%s): %v", RequireEnv, v, sh.err)
		}
		t.Skipf("postgres: cannot run PostgreSQL here: %v", sh.err)
	}
	return sh.srv
}

// Database creates a fresh database for t and returns its conn string. The database is left
// behind for the server's removal: dropping it would have to wait for the test's own
// connections to end.
func (sh *Shared) Database(t testing.TB) string {
	t.Helper()
	srv := sh.Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name, err := srv.CreateDatabase(ctx)
	if err != nil {
		t.Fatalf("postgres: %v\n%s", err, srv.LogTail())
	}
	return srv.ConnString(name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
