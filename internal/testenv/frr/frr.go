// Package frr starts a real network OS for tests: FRR (Debian 12's FRR 8.4: zebra, staticd, and
// watchfrr watching them as on an installed router) behind a real OpenSSH server whose test user
// has /usr/bin/vtysh as login shell, so that an SSH client (x/crypto/ssh, scrapligo) talks to
// vtysh exactly as it would on a router.
//
// Each Router gets its own namespaces, created with
//
//	unshare --net --mount --uts --pid --fork --kill-child --mount-proc --propagation private
//
// Inside them a tmpfs is mounted on /run, private directories are bind-mounted onto /run/frr,
// /etc/frr and /var/tmp, and private copies of /etc/passwd, /etc/shadow and /etc/group (with the
// test user in the groups frr and frrvty) onto the originals; the FRR daemons then run in the
// private network namespace, so the routes a test configures never reach the host.
//
// sshd joins only the mount, UTS and PID namespaces (nsenter -t PID -m -u -p), not the network
// one: it sees FRR's sockets under /run/frr and the private passwd files, but listens on the
// host's 127.0.0.1, where the test process can reach it. Every process of a Router lives in its
// own PID namespace, so killing the namespace's first process (Stop does; so does unshare's
// --kill-child when unshare dies, which it does with the test binary through Pdeathsig) ends all
// of them, including the per-connection sshd and vtysh processes.
//
// Start skips the test when the machine cannot run FRR (not root, FRR or OpenSSH not installed).
// Set STEWARD_REQUIRE_FRR=1 (.ci/run does) to turn those skips into failures.
package frr

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Paths of the Debian packages' programs.
const (
	ZebraBin    = "/usr/lib/frr/zebra"
	StaticdBin  = "/usr/lib/frr/staticd"
	WatchfrrBin = "/usr/lib/frr/watchfrr"
	VtyshBin    = "/usr/bin/vtysh"
	SSHDBin     = "/usr/sbin/sshd"
)

// RequireEnv names the environment variable that, when set to a non-empty value, makes Start fail
// the test instead of skipping it when FRR cannot run.
const RequireEnv = "STEWARD_REQUIRE_FRR"

// DefaultHostname is the hostname of every Router (set in its UTS namespace); vtysh's prompts are
// "steward-frr#" and "steward-frr(config)#".
const DefaultHostname = "steward-frr"

// DefaultUsername is the SSH user whose login shell is vtysh.
const DefaultUsername = "steward"

const startTimeout = 15 * time.Second

// Router is one running FRR with its sshd.
type Router struct {
	Host     string // always 127.0.0.1
	Port     int    // sshd's port on the host's 127.0.0.1
	Username string // user whose login shell is /usr/bin/vtysh
	Password string // that user's password (random per Router)
	// HostKey is sshd's public host key as an authorized_keys line without comment
	// ("ssh-ed25519 AAAA...").
	HostKey string
	// KnownHostsFile is a known_hosts file holding HostKey for [127.0.0.1]:Port.
	KnownHostsFile string
	// PrivateKeyFile is an unencrypted OpenSSH ed25519 private key that sshd accepts for Username
	// (for tests of key authentication).
	PrivateKeyFile string
	// Hostname is the router's hostname, the start of vtysh's prompt.
	Hostname string
	// Dir is the Router's private directory (configuration, logs); removed with the test.
	Dir string

	nsCmd   *exec.Cmd     // the unshare process
	nsDone  chan struct{} // closed when nsCmd has been waited for
	nsPID   int           // host PID of the namespaces' first process (the shell unshare forked)
	nsProc  *os.Process   // handle on it (a pidfd: signalling it can never hit a reused PID)
	nsPIDNS string        // its /proc/PID/ns/pid link, naming the Router's PID namespace

	mu       sync.Mutex
	sshdCmd  *exec.Cmd // nsenter ... sshd -D
	sshdDone chan struct{}
	stopped  bool
	stopOnce sync.Once

	timings []string // how long each start-up phase took, for the log
}

// Start launches FRR and sshd for one test, and stops them in t.Cleanup. It calls t.Skip with the
// exact reason when the machine cannot run them (not root, no unshare, package missing), or
// t.Fatal when RequireEnv is set.
func Start(t testing.TB) *Router {
	t.Helper()
	if reason := Unavailable(); reason != "" {
		skipOrFail(t, reason)
	}
	dir := t.TempDir()
	began := time.Now()
	r, err := start(dir)
	if err != nil {
		var ns *nsError
		if errors.As(err, &ns) && ns.permission {
			skipOrFail(t, err.Error())
		}
		t.Fatalf("frr: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range []string{"frr.log", "sshd.log"} {
				if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
					t.Logf("frr: %s:\n%s", name, tail(b, 4000))
				}
			}
		}
		r.Stop()
	})
	t.Logf("frr: router %s ready on %s:%d in %v (%s; dir %s)", r.Hostname, r.Host, r.Port,
		time.Since(began).Round(time.Millisecond), strings.Join(r.timings, ", "), dir)
	return r
}

func skipOrFail(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("frr: cannot run FRR here (%s=%s): %s", RequireEnv, os.Getenv(RequireEnv), reason)
	}
	t.Skipf("frr: cannot run FRR here: %s", reason)
}

// Unavailable returns why this machine cannot run a Router, or "" when it can.
func Unavailable() string {
	if runtime.GOOS != "linux" {
		return "needs Linux namespaces, running on " + runtime.GOOS
	}
	if os.Geteuid() != 0 {
		return fmt.Sprintf("needs root to create namespaces and start FRR and sshd (running as uid %d)", os.Geteuid())
	}
	for _, prog := range []struct{ path, pkg string }{
		{ZebraBin, "frr"}, {StaticdBin, "frr"}, {WatchfrrBin, "frr"}, {VtyshBin, "frr"},
		{SSHDBin, "openssh-server"}, {"/usr/bin/ssh-keygen", "openssh-client"},
	} {
		if _, err := os.Stat(prog.path); err != nil {
			return fmt.Sprintf("%s not found: install the Debian package %s (apt-get install %s)", prog.path, prog.pkg, prog.pkg)
		}
	}
	for _, prog := range []struct{ name, pkg string }{
		{"unshare", "util-linux"}, {"nsenter", "util-linux"}, {"mount", "mount"}, {"ip", "iproute2"},
	} {
		if _, err := exec.LookPath(prog.name); err != nil {
			return fmt.Sprintf("%s not found in PATH: install the Debian package %s", prog.name, prog.pkg)
		}
	}
	if _, err := user.Lookup("frr"); err != nil {
		return "user frr missing (the frr package creates it): " + err.Error()
	}
	if _, err := user.LookupGroup("frrvty"); err != nil {
		return "group frrvty missing (the frr package creates it): " + err.Error()
	}
	return ""
}

// nsError is a failure to create the namespaces.
type nsError struct {
	msg        string
	permission bool
}

func (e *nsError) Error() string { return e.msg }

// The script unshare runs as the first process of the new namespaces. $1 is the Router's
// directory, $2 its hostname. Every mount uses -n so util-linux never writes a mount table.
const nsScript = `set -eu
D="$1"
mount -n -t tmpfs -o mode=0755,size=16m tmpfs /run
mkdir -p /run/frr /run/sshd
mount -n --bind "$D/run-frr" /run/frr
mount -n --bind "$D/etc-frr" /etc/frr
mount -n --bind "$D/var-tmp" /var/tmp
mount -n --bind "$D/passwd" /etc/passwd
mount -n --bind "$D/shadow" /etc/shadow
mount -n --bind "$D/group" /etc/group
echo "$2" > /proc/sys/kernel/hostname
ip link set lo up
: > "$D/mounted"
` + ZebraBin + ` -P 0 --log stdout --limit-fds 1024 &
# Each next daemon starts once the previous one serves its vty socket: staticd connects to zebra
# once at startup (zebra creates its vty socket after its zserv.api socket listens) and then only
# retries after seconds, and watchfrr polls a daemon that was not up every -i seconds.
waitsock() {
	i=0
	while [ ! -S "/run/frr/$1.vty" ]; do
		i=$((i+1)); [ $i -lt 2000 ] || { echo "$1 did not create /run/frr/$1.vty" >&2; exit 1; }
		sleep 0.005
	done
}
waitsock zebra
` + StaticdBin + ` -P 0 --log stdout --limit-fds 1024 &
waitsock staticd
# watchfrr as on a real installation, only watching (--dry: never restarts anything); with it
# vtysh's "write memory" saves through watchfrr as root, as on a router.
` + WatchfrrBin + ` --dry -i 1 zebra staticd &
wait
`

func start(dir string) (_ *Router, err error) {
	r := &Router{
		Host:     "127.0.0.1",
		Username: DefaultUsername,
		Password: randomHex(12),
		Hostname: DefaultHostname,
		Dir:      dir,
	}
	defer func() {
		if err != nil {
			r.Stop()
			var ns *nsError
			if !errors.As(err, &ns) { // an nsError holds the log already
				err = fmt.Errorf("%w%s", err, logTails(dir))
			}
		}
	}()
	t0 := time.Now()
	phase := func(name string, since time.Time) {
		r.timings = append(r.timings, fmt.Sprintf("%s %v", name, time.Since(since).Round(time.Millisecond)))
	}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	phase("files+keys", t0)
	t1 := time.Now()
	if err := r.startNamespaces(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(startTimeout)
	if err := r.waitFile(filepath.Join(dir, "mounted"), deadline); err != nil {
		return nil, fmt.Errorf("namespaces not set up: %w", err)
	}
	phase("namespaces", t1)
	// sshd starts while zebra and staticd come up.
	t2 := time.Now()
	sshErr := make(chan error, 1)
	var sshTook time.Duration
	go func() {
		err := r.startSSHD(0, deadline)
		sshTook = time.Since(t2)
		sshErr <- err
	}()
	// Ready when watchfrr has seen zebra and staticd up: before that, `write memory` answers
	// "% Not all daemons are up, cannot write config."
	frrErr := r.waitLog("all daemons up", deadline)
	if frrErr != nil {
		frrErr = fmt.Errorf("FRR did not start: %w", frrErr)
	}
	phase("zebra+staticd", t2)
	if err := <-sshErr; err != nil {
		return nil, err
	}
	r.timings = append(r.timings, fmt.Sprintf("sshd %v", sshTook.Round(time.Millisecond)))
	if frrErr != nil {
		return nil, frrErr
	}
	return r, nil
}

// prepare writes the Router's files: FRR configuration, passwd copies, keys, sshd_config.
func (r *Router) prepare() error {
	frrUser, err := user.Lookup("frr")
	if err != nil {
		return err
	}
	frrGroup, err := user.LookupGroup("frr")
	if err != nil {
		return err
	}
	vtyGroup, err := user.LookupGroup("frrvty")
	if err != nil {
		return err
	}
	frrUID, _ := strconv.Atoi(frrUser.Uid)
	frrGID, _ := strconv.Atoi(frrGroup.Gid)
	vtyGID, _ := strconv.Atoi(vtyGroup.Gid)

	d := r.Dir
	mk := func(path string, mode os.FileMode, uid, gid int) error {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return err
		}
		if err := os.Chmod(path, mode); err != nil {
			return err
		}
		return os.Chown(path, uid, gid)
	}
	write := func(path, content string, mode os.FileMode, uid, gid int) error {
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			return err
		}
		if err := os.Chmod(path, mode); err != nil {
			return err
		}
		return os.Chown(path, uid, gid)
	}

	// `write memory` goes through watchfrr, which runs vtysh as root; without watchfrr up, vtysh
	// run as the test user (group frr) writes frr.conf itself, so the directory is group-writable.
	if err := mk(filepath.Join(d, "etc-frr"), 0o770, frrUID, frrGID); err != nil {
		return err
	}
	if err := write(filepath.Join(d, "etc-frr", "frr.conf"),
		"frr defaults traditional\nhostname "+r.Hostname+"\nservice integrated-vtysh-config\n!\n", 0o660, frrUID, frrGID); err != nil {
		return err
	}
	if err := write(filepath.Join(d, "etc-frr", "vtysh.conf"), "service integrated-vtysh-config\n", 0o640, frrUID, frrGID); err != nil {
		return err
	}
	if err := mk(filepath.Join(d, "run-frr"), 0o775, frrUID, frrGID); err != nil {
		return err
	}
	if err := mk(filepath.Join(d, "var-tmp"), 0o777|os.ModeSticky, 0, 0); err != nil {
		return err
	}
	if err := mk(filepath.Join(d, "var-tmp", "root"), 0o700, 0, 0); err != nil {
		return err
	}
	sshDir := filepath.Join(d, "ssh")
	if err := mk(sshDir, 0o700, 0, 0); err != nil {
		return err
	}

	// Private passwd, shadow and group with the test user (login shell vtysh, in frr and frrvty).
	passwd, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return err
	}
	shadow, err := os.ReadFile("/etc/shadow")
	if err != nil {
		return err
	}
	group, err := os.ReadFile("/etc/group")
	if err != nil {
		return err
	}
	passwdLines := dropEntry(passwd, r.Username)
	uid := freeID(passwdLines, 2000)
	home := "/var/tmp/" + r.Username
	if err := mk(filepath.Join(d, "var-tmp", r.Username), 0o700, uid, vtyGID); err != nil {
		return err
	}
	passwdLines = append(passwdLines, fmt.Sprintf("%s:x:%d:%d:steward FRR test user:%s:%s", r.Username, uid, vtyGID, home, VtyshBin))
	shadowLines := append(dropEntry(shadow, r.Username),
		fmt.Sprintf("%s:%s:::::::", r.Username, sha512Crypt(r.Password, randomSalt())))
	groupLines := dropEntry(group, r.Username)
	for i, line := range groupLines {
		f := strings.Split(line, ":")
		if len(f) != 4 || (f[0] != "frr" && f[0] != "frrvty") {
			continue
		}
		if f[3] == "" {
			f[3] = r.Username
		} else {
			f[3] += "," + r.Username
		}
		groupLines[i] = strings.Join(f, ":")
	}
	for name, lines := range map[string][]string{"passwd": passwdLines, "shadow": shadowLines, "group": groupLines} {
		mode := os.FileMode(0o644)
		if name == "shadow" {
			mode = 0o640
		}
		if err := write(filepath.Join(d, name), strings.Join(lines, "\n")+"\n", mode, 0, 0); err != nil {
			return err
		}
	}

	// Host key and a client key, both from ssh-keygen.
	hostKeyPath := filepath.Join(sshDir, "ssh_host_ed25519_key")
	clientKeyPath := filepath.Join(sshDir, "id_ed25519")
	keyErrs := make(chan error, 2)
	for _, k := range []string{hostKeyPath, clientKeyPath} {
		go func() {
			if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", k).CombinedOutput(); err != nil {
				keyErrs <- fmt.Errorf("ssh-keygen: %v: %s", err, out)
				return
			}
			keyErrs <- nil
		}()
	}
	for range 2 {
		if err := <-keyErrs; err != nil {
			return err
		}
	}
	pubHost, err := os.ReadFile(hostKeyPath + ".pub")
	if err != nil {
		return err
	}
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey(pubHost)
	if err != nil {
		return fmt.Errorf("parse host key: %w", err)
	}
	r.HostKey = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostKey)))
	pubClient, err := os.ReadFile(clientKeyPath + ".pub")
	if err != nil {
		return err
	}
	// sshd reads authorized keys as the user, so they live where the user can reach them:
	// /var/tmp/authorized_keys/USER inside the namespaces.
	if err := mk(filepath.Join(d, "var-tmp", "authorized_keys"), 0o755, 0, 0); err != nil {
		return err
	}
	if err := write(filepath.Join(d, "var-tmp", "authorized_keys", r.Username), string(pubClient), 0o644, 0, 0); err != nil {
		return err
	}
	r.PrivateKeyFile = clientKeyPath
	return nil
}

// sshdConfig is sshd's configuration for one port.
func (r *Router) sshdConfig(port int) string {
	sshDir := filepath.Join(r.Dir, "ssh")
	return fmt.Sprintf(`# steward FRR test sshd (internal/testenv/frr); runs in the Router's mount, UTS and PID namespaces.
ListenAddress 127.0.0.1:%d
AddressFamily inet
HostKey "%s"
# The PID in this file is one of the Router's PID namespace, not the host's.
PidFile "%s"
UsePAM no
StrictModes no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitEmptyPasswords no
PermitRootLogin no
AllowUsers %s
AuthorizedKeysFile /var/tmp/authorized_keys/%%u
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
`, port, filepath.Join(sshDir, "ssh_host_ed25519_key"), filepath.Join(sshDir, "sshd.pid"), r.Username)
}

func (r *Router) startNamespaces() error {
	logf, err := os.OpenFile(filepath.Join(r.Dir, "frr.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command("unshare", "--net", "--mount", "--uts", "--pid", "--fork", "--kill-child",
		"--mount-proc", "--propagation", "private", "/bin/sh", "-c", nsScript, "sh", r.Dir, r.Hostname)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/var/tmp/root", "LANG=C"}
	// Its own process group, and killed when the test process dies; --kill-child then kills the
	// namespaces' first process, and with it every process in the PID namespace.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start unshare: %w", err)
	}
	r.nsCmd = cmd
	r.nsDone = make(chan struct{})
	go func() { _ = cmd.Wait(); close(r.nsDone) }()

	deadline := time.Now().Add(startTimeout)
	for {
		if pid := firstChild(cmd.Process.Pid); pid > 0 {
			proc, err := os.FindProcess(pid)
			if err != nil {
				return fmt.Errorf("find the namespaces' first process: %w", err)
			}
			// It is ours if, now that we hold a handle on it, it is still unshare's child.
			if parentOf(pid) != cmd.Process.Pid {
				proc.Release()
				return errors.New("the namespaces' first process exited at once")
			}
			r.nsPID, r.nsProc = pid, proc
			// unshare forks its child into the new PID namespace; make sure of it before relying
			// on the namespace's name.
			self, _ := os.Readlink("/proc/self/ns/pid")
			for time.Now().Before(deadline) {
				if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err == nil && l != self {
					r.nsPIDNS = l
					return nil
				}
				time.Sleep(time.Millisecond)
			}
			return errors.New("the namespaces' first process is not in a new PID namespace")
		}
		select {
		case <-r.nsDone:
			msg := fmt.Sprintf("unshare exited (%v)", cmd.ProcessState)
			logText, _ := os.ReadFile(filepath.Join(r.Dir, "frr.log"))
			perm := bytes.Contains(logText, []byte("Operation not permitted")) || bytes.Contains(logText, []byte("Permission denied"))
			return &nsError{msg: msg + ": " + strings.TrimSpace(string(logText)), permission: perm}
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("unshare did not fork")
		}
	}
}

// startSSHD starts sshd on port (a free one when 0), retrying with another port when the one
// it picked was taken in the meantime.
func (r *Router) startSSHD(port int, deadline time.Time) error {
	fixed := port != 0
	var lastErr error
	for attempt := 0; attempt < 8; attempt++ {
		if !fixed {
			p, err := freePort()
			if err != nil {
				return err
			}
			port = p
		}
		err := r.startSSHDOnce(port, deadline)
		if err == nil {
			return nil
		}
		lastErr = err
		if !errors.Is(err, errPortInUse) || time.Now().After(deadline) {
			break
		}
		if fixed {
			time.Sleep(50 * time.Millisecond)
		}
	}
	return lastErr
}

var errPortInUse = errors.New("port in use")

func (r *Router) startSSHDOnce(port int, deadline time.Time) error {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return errors.New("router stopped")
	}
	r.mu.Unlock()
	cfgPath := filepath.Join(r.Dir, "ssh", "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(r.sshdConfig(port)), 0o600); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(r.Dir, "sshd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logf.Close()
		return err
	}
	cmd := exec.Command("nsenter", "-t", strconv.Itoa(r.nsPID), "-m", "-u", "-p", "--",
		SSHDBin, "-D", "-e", "-f", cfgPath)
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
	var output bytes.Buffer
	var outMu sync.Mutex
	go func() {
		defer close(readerDone)
		defer logf.Close()
		defer pr.Close()
		sc := bufio.NewScanner(pr)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if !signalled {
				outMu.Lock()
				output.WriteString(line + "\n")
				outMu.Unlock()
				if strings.HasPrefix(line, "Server listening on ") {
					signalled = true
					close(listening)
				}
			}
		}
	}()

	select {
	case <-listening:
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.stopped {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			return errors.New("router stopped")
		}
		r.sshdCmd, r.sshdDone, r.Port = cmd, done, port
		if err := r.writeKnownHosts(); err != nil {
			return err
		}
		return nil
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
	case <-time.After(time.Until(deadline)):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		r.killSSHDProcesses()
		return errors.New("sshd did not start listening in time")
	}
}

func (r *Router) writeKnownHosts() error {
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(r.HostKey))
	if err != nil {
		return err
	}
	path := filepath.Join(r.Dir, "known_hosts")
	line := knownhosts.Line([]string{net.JoinHostPort(r.Host, strconv.Itoa(r.Port))}, key)
	if err := os.WriteFile(path, []byte(line+"\n"), 0o644); err != nil {
		return err
	}
	r.KnownHostsFile = path
	return nil
}

// waitLog waits for frr.log (the daemons' output) to contain s.
func (r *Router) waitLog(s string, deadline time.Time) error {
	path := filepath.Join(r.Dir, "frr.log")
	for {
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(s)) {
			return nil
		}
		select {
		case <-r.nsDone:
			return fmt.Errorf("the namespaces' processes exited (%v) before the log said %q", r.nsCmd.ProcessState, s)
		case <-time.After(3 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the log did not say %q within %v", s, startTimeout)
		}
	}
}

func (r *Router) waitFile(path string, deadline time.Time) error {
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-r.nsDone:
			return fmt.Errorf("the namespaces' processes exited (%v) before %s appeared", r.nsCmd.ProcessState, filepath.Base(path))
		case <-time.After(3 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not appear within %v", path, startTimeout)
		}
	}
}

// VTY runs `vtysh -c CMD...` (one vtysh, the commands in order) as root inside the Router's
// namespaces and returns its output; it fails the test when vtysh fails. Use it for assertions
// (`show running-config`) and for changes made "by hand" on the device.
func (r *Router) VTY(t testing.TB, cmds ...string) string {
	t.Helper()
	out, err := r.VTYErr(cmds...)
	if err != nil {
		t.Fatalf("frr: vtysh %q: %v\n%s", cmds, err, out)
	}
	return out
}

// VTYErr is VTY returning vtysh's error (for commands expected to fail) instead of failing the
// test.
func (r *Router) VTYErr(cmds ...string) (string, error) {
	r.mu.Lock()
	stopped := r.stopped
	r.mu.Unlock()
	if stopped {
		return "", errors.New("router stopped")
	}
	args := []string{"-t", strconv.Itoa(r.nsPID), "-m", "-u", "-n", "-p", "--", VtyshBin}
	for _, c := range cmds {
		args = append(args, "-c", c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nsenter", args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/var/tmp/root", "LANG=C"}
	// A process group spans PID namespaces: on timeout kill vtysh with nsenter.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// KillSSH kills sshd — the listener and every per-connection sshd, so open SSH connections drop
// at once (their vtysh sessions get SIGHUP) and new connections are refused. FRR keeps running;
// RestartSSH starts sshd again on the same port with the same host key.
func (r *Router) KillSSH() {
	r.mu.Lock()
	cmd, done := r.sshdCmd, r.sshdDone
	r.sshdCmd, r.sshdDone = nil, nil
	r.mu.Unlock()
	// Only the sshd processes: nsenter, their parent outside the namespace, must outlive them
	// to reap them. An orphaned zombie would be reparented to the host's init, and the PID
	// namespace could not end (Stop would wait) until that init reaped it.
	r.killSSHDProcesses()
	if done != nil {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}
}

// RestartSSH starts sshd again after KillSSH, on the same port.
func (r *Router) RestartSSH(t testing.TB) {
	t.Helper()
	if err := r.startSSHD(r.Port, time.Now().Add(startTimeout)); err != nil {
		t.Fatalf("frr: restart sshd: %v%s", err, logTails(r.Dir))
	}
}

// killSSHDProcesses SIGKILLs every sshd in the Router's PID namespace until none is left.
func (r *Router) killSSHDProcesses() {
	if r.nsPIDNS == "" {
		return
	}
	for range 1000 {
		pids := processesIn(r.nsPIDNS, "sshd")
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Stop kills every process of the Router and waits for them. It is safe to call more than once;
// Start registers it with t.Cleanup.
func (r *Router) Stop() {
	r.stopOnce.Do(func() {
		r.mu.Lock()
		r.stopped = true
		sshdCmd, sshdDone := r.sshdCmd, r.sshdDone
		r.mu.Unlock()
		// Killing the first process of the PID namespace makes the kernel kill every other one;
		// its exit (and so unshare's) waits until they are all gone. nsenter (sshd's parent,
		// outside the namespace) is not killed: it reaps sshd and exits by itself.
		if r.nsProc != nil {
			_ = r.nsProc.Kill()
		}
		timeout := time.After(10 * time.Second)
		for _, p := range []struct {
			done chan struct{}
			cmd  *exec.Cmd
		}{{r.nsDone, r.nsCmd}, {sshdDone, sshdCmd}} {
			if p.done == nil {
				continue
			}
			select {
			case <-p.done:
			case <-timeout:
				_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			}
		}
		if r.nsPIDNS != "" {
			for i := 0; i < 5000 && len(processesIn(r.nsPIDNS, "")) > 0; i++ {
				time.Sleep(2 * time.Millisecond)
			}
		}
	})
}

// parentOf returns the parent PID of pid, or 0.
func parentOf(pid int) int {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// pid (comm) state ppid ...; comm may contain spaces, so split after the last ')'.
	s := string(st)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		if f := strings.Fields(s[i+1:]); len(f) > 1 {
			p, _ := strconv.Atoi(f[1])
			return p
		}
	}
	return 0
}

// firstChild returns a child process of pid, or 0.
func firstChild(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			c, _ := strconv.Atoi(f[0])
			return c
		}
		return 0
	}
	// Kernels without CONFIG_PROC_CHILDREN: look for the parent in /proc/*/stat.
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if parentOf(c) == pid {
			return c
		}
	}
	return 0
}

// processesIn lists the host PIDs of the processes named comm (any when comm is "") in the PID
// namespace ns (the target of a /proc/PID/ns/pid link).
func processesIn(ns, comm string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err != nil || l != ns {
			continue
		}
		if comm == "" {
			pids = append(pids, pid)
			continue
		}
		if c, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(c)) == comm {
			pids = append(pids, pid)
		}
	}
	return pids
}

var (
	portMu    sync.Mutex
	portsUsed = map[int]bool{}
)

// freePort returns a port on 127.0.0.1 that was free a moment ago and that no other Router of
// this process has used.
func freePort() (int, error) {
	portMu.Lock()
	defer portMu.Unlock()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !portsUsed[p] {
			portsUsed[p] = true
			return p, nil
		}
	}
	return 0, errors.New("no free port")
}

func dropEntry(file []byte, name string) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(file), "\n"), "\n") {
		if strings.HasPrefix(line, name+":") {
			continue
		}
		out = append(out, line)
	}
	return out
}

func freeID(passwdLines []string, from int) int {
	used := map[int]bool{}
	for _, line := range passwdLines {
		f := strings.Split(line, ":")
		if len(f) > 3 {
			if id, err := strconv.Atoi(f[2]); err == nil {
				used[id] = true
			}
			if id, err := strconv.Atoi(f[3]); err == nil {
				used[id] = true
			}
		}
	}
	for used[from] {
		from++
	}
	return from
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func randomSalt() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = cryptAlphabet[int(b[i])%len(cryptAlphabet)]
	}
	return string(b)
}

func logTails(dir string) string {
	var sb strings.Builder
	for _, name := range []string{"frr.log", "sshd.log"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) > 0 {
			fmt.Fprintf(&sb, "\n--- %s:\n%s", name, tail(b, 2000))
		}
	}
	return sb.String()
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
