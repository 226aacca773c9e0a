package pgstate

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/stewardhq/steward/internal/testenv/postgres"
)

var (
	stewardBin string
	pg         *postgres.Shared
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "steward-pgstate-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stewardBin = filepath.Join(dir, "steward")
	build := exec.Command("go", "build", "-o", stewardBin, "github.com/stewardhq/steward")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building steward for the end-to-end tests: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	pg = postgres.StartShared()
	code := m.Run()
	pg.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

const secretValue = "correct-horse-battery-staple"

// project is one working directory (one "laptop") sharing state through
// conn.
type project struct {
	t    *testing.T
	dir  string
	conn string
	pw   string
}

// pgConfig keeps state in PostgreSQL; the conn string comes from
// STEWARD_PG_CONN, as it should in real use, so that the password is never
// in a file.
const pgConfig = `steward {
  state "postgres" {
    schema        = "team"
    keep_versions = 5
  }
}
`

// resources is the rest of the configuration: four independent objects
// (so runs can -target different ones) and a sensitive value.
const resources = `
variable "secret" {
  type      = string
  sensitive = true
}

resource "steward_data" "a" { input = "a" }
resource "steward_data" "b" { input = "b" }
resource "steward_data" "c" { input = "c" }
resource "steward_data" "d" { input = "d" }

resource "steward_data" "secret" {
  input = var.secret
}

output "secret" {
  value     = var.secret
  sensitive = true
}
`

func newProject(t *testing.T, conn, stewardBlock string) *project {
	t.Helper()
	srv := pg.Server(t)
	p := &project{t: t, dir: t.TempDir(), conn: conn, pw: srv.Password}
	p.writeConfig(stewardBlock)
	return p
}

func (p *project) writeConfig(stewardBlock string) {
	p.t.Helper()
	if err := os.WriteFile(filepath.Join(p.dir, "main.st.hcl"), []byte(stewardBlock+resources), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *project) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "STEWARD_") || strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "NO_COLOR=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "STEWARD_VAR_secret="+secretValue, "STEWARD_PG_CONN="+p.conn, "NO_COLOR=1")
}

type result struct {
	code           int
	stdout, stderr string
	cmdline        string
}

func (r result) String() string {
	return fmt.Sprintf("%s: exit %d\n--- stdout\n%s--- stderr\n%s", r.cmdline, r.code, r.stdout, r.stderr)
}

func (p *project) command(args ...string) *exec.Cmd {
	cmd := exec.Command(stewardBin, args...)
	cmd.Dir = p.dir
	cmd.Env = p.env()
	return cmd
}

// run runs steward to the end. Every run checks that neither the database
// password nor the secret value appears in what steward printed.
func (p *project) run(args ...string) result {
	p.t.Helper()
	cmd := p.command(args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Start()
	if err == nil {
		// Bounds a hung run so the test fails instead of the whole binary.
		timer := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
		err = cmd.Wait()
		timer.Stop()
	}
	r := result{stdout: out.String(), stderr: errOut.String(), cmdline: "steward " + strings.Join(args, " ")}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		p.t.Fatalf("running %s: %v", r.cmdline, err)
	}
	p.checkNoSecrets(r.stdout + r.stderr)
	return r
}

func (p *project) checkNoSecrets(text string) {
	p.t.Helper()
	if strings.Contains(text, p.pw) {
		p.t.Fatalf("steward printed the database password:\n%s", text)
	}
	if strings.Contains(text, secretValue) {
		p.t.Fatalf("steward printed the secret value:\n%s", text)
	}
}

// must runs steward and fails the test unless it exits with code.
func (p *project) must(code int, args ...string) result {
	p.t.Helper()
	r := p.run(args...)
	if r.code != code {
		p.t.Fatalf("want exit %d\n%s", code, r)
	}
	return r
}

// ptyRun is a steward started on a terminal, as a person runs it, so that
// it stops at the approval question while holding the state lock.
type ptyRun struct {
	t    *testing.T
	p    *project
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	code int
}

func (p *project) startOnTerminal(args ...string) *ptyRun {
	p.t.Helper()
	r := &ptyRun{t: p.t, p: p, cmd: p.command(args...), done: make(chan struct{})}
	tty, err := pty.StartWithSize(r.cmd, &pty.Winsize{Rows: 50, Cols: 120})
	if err != nil {
		p.t.Fatal(err)
	}
	r.tty = tty
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				break
			}
		}
		err := r.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else if err != nil {
			r.code = -1
		}
		close(r.done)
	}()
	p.t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
		_ = tty.Close()
	})
	return r
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// waitFor waits until the output contains s. The limit only bounds a
// broken test; nothing is measured.
func (r *ptyRun) waitFor(s string) {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(r.output(), s) {
		select {
		case <-r.done:
			if strings.Contains(r.output(), s) {
				return
			}
			r.t.Fatalf("steward exited (%d) before printing %q:\n%s", r.code, s, r.output())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("steward did not print %q:\n%s", s, r.output())
		}
	}
}

func (r *ptyRun) send(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.tty, s); err != nil {
		r.t.Fatal(err)
	}
}

// wait waits for steward to exit and returns its exit code.
func (r *ptyRun) wait() int {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(60 * time.Second):
		r.t.Fatalf("steward did not exit:\n%s", r.output())
	}
	r.p.checkNoSecrets(r.output())
	return r.code
}

// holdAtApproval starts an apply on a terminal and waits until it asks for
// approval, by which time it holds the state lock and has read the state.
func (p *project) holdAtApproval(args ...string) *ptyRun {
	p.t.Helper()
	r := p.startOnTerminal(append([]string{"apply"}, args...)...)
	r.waitFor("Enter a value:")
	return r
}

var lockIDRE = regexp.MustCompile(`Lock ID: ([0-9a-f]+)\.`)

// lockID runs a plan that cannot get the lock and returns the ID it reports.
func (p *project) lockID() (string, result) {
	p.t.Helper()
	r := p.must(1, "plan", "-lock-timeout=0s")
	m := lockIDRE.FindStringSubmatch(r.stderr)
	if m == nil {
		p.t.Fatalf("no lock ID in the lock error:\n%s", r)
	}
	return m[1], r
}
