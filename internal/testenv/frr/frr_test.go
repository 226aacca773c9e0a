package frr

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// dial connects to r with password authentication, verifying the host key against r.HostKey.
func dial(t *testing.T, r *Router) *ssh.Client {
	t.Helper()
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey([]byte(r.HostKey))
	if err != nil {
		t.Fatalf("parse HostKey %q: %v", r.HostKey, err)
	}
	c, err := ssh.Dial("tcp", net.JoinHostPort(r.Host, strconv.Itoa(r.Port)), &ssh.ClientConfig{
		User:            r.Username,
		Auth:            []ssh.AuthMethod{ssh.Password(r.Password)},
		HostKeyCallback: ssh.FixedHostKey(hostKey),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatalf("ssh dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// shell is an interactive PTY session on vtysh.
type shell struct {
	t     *testing.T
	sess  *ssh.Session
	stdin io.Writer
	mu    sync.Mutex
	buf   []byte
	eof   error
	more  chan struct{}
}

func openShell(t *testing.T, c *ssh.Client) *shell {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	if err := sess.RequestPty("xterm", 50, 200, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatalf("request pty: %v", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatalf("start shell: %v", err)
	}
	s := &shell{t: t, sess: sess, stdin: stdin, more: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := stdout.Read(b)
			s.mu.Lock()
			s.buf = append(s.buf, b[:n]...)
			if err != nil {
				s.eof = err
			}
			s.mu.Unlock()
			select {
			case s.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

// expect reads until the output ends with a match of prompt (anchored at the end) and returns
// everything read before it.
func (s *shell) expect(prompt *regexp.Regexp) (string, error) {
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		text := strings.ReplaceAll(string(s.buf), "\r", "")
		eof := s.eof
		if loc := prompt.FindStringIndex(text); loc != nil {
			s.buf = s.buf[:0]
			s.mu.Unlock()
			return text[:loc[0]], nil
		}
		s.mu.Unlock()
		if eof != nil {
			return text, eof
		}
		select {
		case <-s.more:
		case <-deadline:
			return text, fmt.Errorf("timed out waiting for %v; got %q", prompt, text)
		}
	}
}

func (s *shell) send(line string, prompt *regexp.Regexp) string {
	s.t.Helper()
	if _, err := io.WriteString(s.stdin, line+"\n"); err != nil {
		s.t.Fatalf("send %q: %v", line, err)
	}
	out, err := s.expect(prompt)
	if err != nil {
		s.t.Fatalf("after %q: %v", line, err)
	}
	return out
}

func prompts(hostname string) (exec, config, any *regexp.Regexp) {
	h := regexp.QuoteMeta(hostname)
	return regexp.MustCompile(`(?m)^` + h + `# ?$`),
		regexp.MustCompile(`(?m)^` + h + `\(config[\w.\-@/:+]*\)# ?$`),
		regexp.MustCompile(`(?m)^` + h + `(\(config[\w.\-@/:+]*\))?# ?$`)
}

func TestInteractiveVtyshOverSSH(t *testing.T) {
	r := Start(t)
	c := dial(t, r)
	sh := openShell(t, c)
	execP, configP, _ := prompts(r.Hostname)

	if _, err := sh.expect(execP); err != nil {
		t.Fatalf("no login prompt: %v", err)
	}
	sh.send("terminal length 0", execP)
	running := sh.send("show running-config", execP)
	for _, want := range []string{"frr version 8.4", "hostname " + r.Hostname, "end"} {
		if !strings.Contains(running, want) {
			t.Errorf("show running-config lacks %q:\n%s", want, running)
		}
	}

	sh.send("configure terminal", configP)
	sh.send("interface lo", regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(r.Hostname)+`\(config-if\)# ?$`))
	sh.send(" description steward-test", configP)
	sh.send("end", execP)

	if got := r.VTY(t, "show running-config"); !strings.Contains(got, "interface lo\n description steward-test\n") {
		t.Errorf("VTY show running-config lacks the description:\n%s", got)
	}

	// A bad line is answered with FRR's error marker, and the session goes on.
	if out := sh.send("show no-such-thing", execP); !strings.Contains(out, "% Unknown command") {
		t.Errorf("bad command answered with %q", out)
	}

	// write memory, run as the SSH user, can replace /etc/frr/frr.conf.
	if out := sh.send("write memory", execP); !strings.Contains(out, "[OK]") {
		t.Errorf("write memory: %q", out)
	}
	saved, err := os.ReadFile(r.Dir + "/etc-frr/frr.conf")
	if err != nil || !strings.Contains(string(saved), "description steward-test") {
		t.Errorf("frr.conf after write memory (%v):\n%s", err, saved)
	}
}

func TestExecWithKeyAndKnownHosts(t *testing.T) {
	r := Start(t)
	keyPEM, err := os.ReadFile(r.PrivateKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hostKeys, err := knownhosts.New(r.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", net.JoinHostPort(r.Host, strconv.Itoa(r.Port)), &ssh.ClientConfig{
		User: r.Username, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: hostKeys, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("dial with key and known_hosts: %v", err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	// Without a PTY sshd runs `vtysh -c "COMMAND"`.
	out, err := sess.CombinedOutput("show version")
	if err != nil || !strings.Contains(string(out), "FRRouting 8.4") {
		t.Fatalf("show version over exec: %v\n%s", err, out)
	}
}

func TestRefusals(t *testing.T) {
	r := Start(t)
	addr := net.JoinHostPort(r.Host, strconv.Itoa(r.Port))
	good, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(r.HostKey))

	_, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: r.Username, Auth: []ssh.AuthMethod{ssh.Password("wrong")}, HostKeyCallback: ssh.FixedHostKey(good), Timeout: 10 * time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("wrong password: err = %v", err)
	}

	// A known_hosts file with another key for this address.
	other := t.TempDir() + "/known_hosts"
	wrongKey := mustGenKey(t)
	if err := os.WriteFile(other, []byte(knownhosts.Line([]string{addr}, wrongKey)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cb, err := knownhosts.New(other)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: r.Username, Auth: []ssh.AuthMethod{ssh.Password(r.Password)}, HostKeyCallback: cb, Timeout: 10 * time.Second,
	})
	var keyErr *knownhosts.KeyError
	if !errors.As(err, &keyErr) || len(keyErr.Want) == 0 {
		t.Errorf("wrong host key: err = %v, want a knownhosts.KeyError (mismatch)", err)
	}
}

func mustGenKey(t *testing.T) ssh.PublicKey {
	t.Helper()
	path := t.TempDir() + "/key"
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	b, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKillSSHDropsSessions(t *testing.T) {
	r := Start(t)
	c := dial(t, r)
	sh := openShell(t, c)
	execP, configP, _ := prompts(r.Hostname)
	if _, err := sh.expect(execP); err != nil {
		t.Fatal(err)
	}
	sh.send("configure terminal", configP)

	r.KillSSH()

	// The open session ends.
	if _, err := sh.expect(regexp.MustCompile(`never matches\z^`)); err == nil || strings.Contains(err.Error(), "timed out") {
		t.Errorf("session still open after KillSSH: %v", err)
	}
	// New connections are refused.
	if conn, err := net.DialTimeout("tcp", net.JoinHostPort(r.Host, strconv.Itoa(r.Port)), time.Second); err == nil {
		conn.Close()
		t.Errorf("port %d still accepts connections after KillSSH", r.Port)
	}
	// FRR is unaffected, and the dropped session's vtysh ends (SIGHUP from its closed pty).
	r.VTY(t, "show version")
	for deadline := time.Now().Add(5 * time.Second); len(processesIn(r.nsPIDNS, "vtysh")) > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("vtysh of the dropped session still running: %v", processesIn(r.nsPIDNS, "vtysh"))
		}
		time.Sleep(10 * time.Millisecond)
	}

	r.RestartSSH(t)
	c2 := dial(t, r)
	sess, err := c2.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if out, err := sess.CombinedOutput("show running-config"); err != nil || !strings.Contains(string(out), "hostname "+r.Hostname) {
		t.Fatalf("after RestartSSH: %v\n%s", err, out)
	}
}

// Routes configured on a Router are installed in its own network namespace, never the host's.
func TestRoutesStayInNamespace(t *testing.T) {
	r := Start(t)
	r.VTY(t, "configure terminal", "ip route 198.51.100.0/24 blackhole", "end")
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := r.VTY(t, "show ip route 198.51.100.0/24")
		if strings.Contains(out, "installed") || strings.Contains(out, "*") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("route not installed:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	inside, err := exec.Command("nsenter", "-t", strconv.Itoa(r.nsPID), "-n", "ip", "route", "show", "198.51.100.0/24").CombinedOutput()
	if err != nil || !strings.Contains(string(inside), "blackhole 198.51.100.0/24") {
		t.Errorf("route missing from the router's namespace (%v): %s", err, inside)
	}
	host, err := exec.Command("ip", "route", "show", "198.51.100.0/24").CombinedOutput()
	if err != nil || strings.TrimSpace(string(host)) != "" {
		t.Errorf("route leaked to the host (%v): %s", err, host)
	}
}

// Several Routers run side by side in one test binary, each with its own configuration.
func TestConcurrentRouters(t *testing.T) {
	const n = 4
	for i := range n {
		t.Run(fmt.Sprintf("r%d", i), func(t *testing.T) {
			t.Parallel()
			r := Start(t)
			desc := fmt.Sprintf("router-%d", i)
			r.VTY(t, "configure terminal", "interface lo", "description "+desc, "end")
			c := dial(t, r)
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			out, err := sess.CombinedOutput("show running-config")
			if err != nil {
				t.Fatal(err)
			}
			if got := regexp.MustCompile(`description (\S+)`).FindAllStringSubmatch(string(out), -1); len(got) != 1 || got[0][1] != desc {
				t.Errorf("descriptions %v, want only %s:\n%s", got, desc, out)
			}
		})
	}
}

// Start takes well under 2 s (typically 0.3-0.6 s; the median of three, so that one start on a
// busy machine does not fail the test).
func TestStartupTime(t *testing.T) {
	var took []time.Duration
	for range 3 {
		begin := time.Now()
		r := Start(t)
		took = append(took, time.Since(begin))
		r.Stop()
	}
	slices.Sort(took)
	t.Logf("Start took %v", took)
	if took[1] > 2*time.Second {
		t.Errorf("median Start time %v, want under 2s", took[1])
	}
}

// Stop ends every process, including those of open sessions.
func TestStopLeavesNoProcess(t *testing.T) {
	r := Start(t)
	c := dial(t, r)
	sh := openShell(t, c)
	execP, _, _ := prompts(r.Hostname)
	if _, err := sh.expect(execP); err != nil {
		t.Fatal(err)
	}
	ns := r.nsPIDNS
	for _, comm := range []string{"zebra", "staticd", "sshd", "vtysh"} {
		if len(processesIn(ns, comm)) == 0 {
			t.Errorf("no %s running in the router's PID namespace", comm)
		}
	}
	r.Stop()
	for _, comm := range []string{"zebra", "staticd", "sshd", "vtysh", "sh"} {
		if pids := processesIn(ns, comm); len(pids) != 0 {
			t.Errorf("%s still running after Stop: %v", comm, pids)
		}
	}
	if _, err := r.VTYErr("show version"); err == nil {
		t.Error("VTY works after Stop")
	}
	r.Stop() // idempotent
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		r := Start(b)
		r.Stop()
	}
}
