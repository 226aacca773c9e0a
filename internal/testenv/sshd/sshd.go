package sshd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Paths of the Debian package's programs.
const (
	SSHDBin   = "/usr/sbin/sshd"
	KeygenBin = "/usr/bin/ssh-keygen"
)

// RequireEnv names the environment variable that, when set to a non-empty
// value, makes Start fail the test instead of skipping it when sshd cannot
// run.
const RequireEnv = "STEWARD_REQUIRE_SSHD"

// privsepDir is the directory OpenSSH's privilege separation chroots into;
// sshd refuses to start without it.
const privsepDir = "/run/sshd"

const (
	startTimeout = 15 * time.Second
	stopTimeout  = 10 * time.Second
	portAttempts = 8
)

// Server is one running sshd.
type Server struct {
	Host string // 127.0.0.1
	Port int
	User string // the user running the test, the only one sshd lets in
	// KeyFile is an unencrypted OpenSSH ed25519 private key sshd accepts
	// for User.
	KeyFile string
	// KnownHostsFile holds the server's host key for [127.0.0.1]:Port.
	KnownHostsFile string
	// HostKey is the server's public host key.
	HostKey ssh.PublicKey
	Dir     string // configuration, keys and sshd.log; removed with the test

	hostKeyFile string
	logPath     string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
}

// Addr is host:port, for dialling.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Start launches sshd for one test and stops it in t.Cleanup. It calls
// t.Skip with the reason when sshd cannot run here, or t.Fatal when
// RequireEnv is set.
func Start(t testing.TB) *Server {
	t.Helper()
	if reason := Unavailable(); reason != "" {
		skipOrFail(t, reason)
	}
	u, err := user.Current()
	if err != nil {
		skipOrFail(t, "who is running the test: "+err.Error())
	}
	dir := t.TempDir()
	s := &Server{
		Host:        "127.0.0.1",
		User:        u.Username,
		Dir:         dir,
		hostKeyFile: filepath.Join(dir, "ssh_host_ed25519_key"),
		KeyFile:     filepath.Join(dir, "id_ed25519"),
		logPath:     filepath.Join(dir, "sshd.log"),
	}
	t.Cleanup(func() {
		if t.Failed() {
			if b, err := os.ReadFile(s.logPath); err == nil && len(b) > 0 {
				t.Logf("sshd: sshd.log:\n%s", tail(b, 4000))
			}
		}
		s.Stop()
	})
	if err := s.prepare(); err != nil {
		skipOrFail(t, err.Error())
	}
	if err := s.start(); err != nil {
		skipOrFail(t, err.Error())
	}
	return s
}

func skipOrFail(t testing.TB, reason string) {
	t.Helper()
	if v := os.Getenv(RequireEnv); v != "" {
		t.Fatalf("sshd: cannot run sshd here (%s=%s): %s", RequireEnv, v, reason)
	}
	t.Skipf("sshd: cannot run sshd here: %s", reason)
}

// Unavailable returns why this machine cannot run a Server, or "" when it
// can.
func Unavailable() string {
	for _, bin := range []string{SSHDBin, KeygenBin} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Sprintf("%s not found: install the Debian package openssh-server (apt-get install openssh-server)", bin)
		}
	}
	if _, err := os.Stat(privsepDir); err != nil {
		if os.Geteuid() != 0 {
			return privsepDir + " does not exist and only root can create it"
		}
	}
	return ""
}

// prepare writes the keys, authorized_keys and known_hosts.
func (s *Server) prepare() error {
	if err := os.MkdirAll(privsepDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", privsepDir, err)
	}
	for _, k := range []struct{ path, comment string }{
		{s.hostKeyFile, "steward-test-sshd-host"},
		{s.KeyFile, "steward-test-client"},
	} {
		out, err := exec.Command(KeygenBin, "-q", "-t", "ed25519", "-N", "", "-C", k.comment, "-f", k.path).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ssh-keygen %s: %v: %s", filepath.Base(k.path), err, strings.TrimSpace(string(out)))
		}
	}
	clientPub, err := os.ReadFile(s.KeyFile + ".pub")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "authorized_keys"), clientPub, 0o600); err != nil {
		return err
	}
	hostPub, err := os.ReadFile(s.hostKeyFile + ".pub")
	if err != nil {
		return err
	}
	s.HostKey, _, _, _, err = ssh.ParseAuthorizedKey(hostPub)
	if err != nil {
		return fmt.Errorf("parse the host key: %w", err)
	}
	return nil
}

func (s *Server) config(port int) string {
	permitRoot := "no"
	if s.User == "root" {
		permitRoot = "prohibit-password"
	}
	return fmt.Sprintf(`# steward test sshd (internal/testenv/sshd): generated for one test, thrown away with it.
ListenAddress 127.0.0.1:%d
AddressFamily inet
HostKey "%s"
PidFile "%s"
UsePAM no
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin %s
AllowUsers %s
AuthorizedKeysFile "%s"
Subsystem sftp internal-sftp
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
PermitTunnel no
LoginGraceTime 30
MaxStartups 100:30:200
MaxSessions 20
LogLevel INFO
`, port, s.hostKeyFile, filepath.Join(s.Dir, "sshd.pid"), permitRoot, s.User, filepath.Join(s.Dir, "authorized_keys"))
}

var errPortInUse = errors.New("port in use")

// start starts sshd on a free port, trying another when the one it picked
// was taken in the meantime.
func (s *Server) start() error {
	var lastErr error
	for range portAttempts {
		port, err := freePort()
		if err != nil {
			return err
		}
		err = s.startOn(port)
		if err == nil {
			return nil
		}
		lastErr = err
		if !errors.Is(err, errPortInUse) {
			break
		}
	}
	return lastErr
}

func (s *Server) startOn(port int) error {
	cfgPath := filepath.Join(s.Dir, "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(s.config(port)), 0o600); err != nil {
		return err
	}
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logf.Close()
		return err
	}
	// sshd re-executes itself and insists on an absolute path.
	cmd := exec.Command(SSHDBin, "-D", "-e", "-f", cfgPath)
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		pw.Close()
		pr.Close()
		logf.Close()
		return fmt.Errorf("start sshd: %w", err)
	}
	pw.Close()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()

	listening := make(chan struct{})
	readerDone := make(chan struct{})
	var (
		outMu  sync.Mutex
		output bytes.Buffer
	)
	go func() {
		defer close(readerDone)
		defer logf.Close()
		defer pr.Close()
		sc := bufio.NewScanner(pr)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if signalled {
				continue
			}
			outMu.Lock()
			output.WriteString(line + "\n")
			outMu.Unlock()
			if strings.HasPrefix(line, "Server listening on ") {
				signalled = true
				close(listening)
			}
		}
	}()

	select {
	case <-listening:
		s.mu.Lock()
		s.cmd, s.done, s.Port = cmd, done, port
		s.mu.Unlock()
		return s.writeKnownHosts()
	case <-done:
		select { // let the reader take the last lines
		case <-readerDone:
		case <-time.After(time.Second):
		}
		outMu.Lock()
		out := output.String()
		outMu.Unlock()
		if strings.Contains(out, "Address already in use") {
			return fmt.Errorf("sshd on port %d: %w", port, errPortInUse)
		}
		return fmt.Errorf("sshd exited (%v): %s", cmd.ProcessState, strings.TrimSpace(out))
	case <-time.After(startTimeout):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return errors.New("sshd did not start listening in time")
	}
}

func (s *Server) writeKnownHosts() error {
	path := filepath.Join(s.Dir, "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(s.Addr())}, s.HostKey)
	if err := os.WriteFile(path, []byte(line+"\n"), 0o644); err != nil {
		return err
	}
	s.KnownHostsFile = path
	return nil
}

// Kill sends SIGKILL to sshd and to every per-connection sshd it forked, as
// when the server dies: open connections drop, new ones are refused. It is
// safe to call more than once.
func (s *Server) Kill() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd, s.done = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	// Per-connection sshd processes start their own sessions (setsid), so
	// the process group does not reach them: find them by parentage before
	// the listener dies and they are reparented.
	pids := append(descendants(cmd.Process.Pid), cmd.Process.Pid)
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	select {
	case <-done:
	case <-time.After(stopTimeout):
	}
}

// Freeze stops sshd and its per-connection processes with SIGSTOP, as a
// server that hangs or a network that silently drops everything would: open
// connections stay up, but nothing answers. Kill and Stop still end them.
func (s *Server) Freeze() {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	for _, pid := range append(descendants(cmd.Process.Pid), cmd.Process.Pid) {
		_ = syscall.Kill(pid, syscall.SIGSTOP)
	}
}

// Stop kills sshd and its per-connection processes (see Kill). Start
// registers it with t.Cleanup.
func (s *Server) Stop() { s.Kill() }

// descendants returns the ids of pid's child processes and theirs, read from
// /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name (2nd field) is in parentheses and may hold
		// spaces; the parent id is the 2nd field after it.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		children[ppid] = append(children[ppid], p)
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
