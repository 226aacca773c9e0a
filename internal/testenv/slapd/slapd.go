// Package slapd starts a real OpenLDAP slapd (Debian 12's 2.5) for one test, on 127.0.0.1, with
// plain LDAP (and StartTLS) on one free port and LDAPS on another.
//
// Each Server has its own directory (t.TempDir()) holding a generated slapd.conf, a CA and a server
// certificate made with crypto/x509 (SAN IP:127.0.0.1), and an mdb database loaded with slapadd
// before the first start:
//
//	dc=example,dc=org                         (BaseDN)
//	ou=people,dc=example,dc=org               (PeopleDN)
//	ou=groups,dc=example,dc=org               (GroupsDN)
//	ou=disabled,dc=example,dc=org             (DisabledDN)
//	ou=policies,dc=example,dc=org             (PoliciesDN)
//	cn=default,ou=policies,dc=example,dc=org  (DefaultPolicyDN: pwdLockout TRUE, pwdMaxFailure 0)
//
// The configuration: the core, cosine, inetorgperson and nis schemas; back_mdb with dbnosync; the
// memberof overlay (groupOfNames/member → memberOf, with memberof-refint) and the ppolicy overlay
// (default policy above, ppolicy_hash_cleartext: userPassword values sent in clear are stored as
// {SSHA}); no size or time limits and paged results without limit. The admin is the rootdn
// cn=admin,dc=example,dc=org (AdminDN, not an entry) with a random password. userPassword is
// readable (and writable) only by its owner and the admin; everything else by everyone. There is
// no ppolicy_use_lockout: a bind to a locked account fails with invalidCredentials, like a wrong
// password, even with the password policy control.
//
// slapd runs in the foreground as a child of the test process (killed with it), logging errors to
// slapd.log in Dir. Start skips the test with the reason when slapd is not installed or cannot
// start; set STEWARD_REQUIRE_SLAPD=1 (.ci/run does) to turn those skips into failures.
package slapd

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Paths of the Debian packages' programs and files.
const (
	SlapdBin   = "/usr/sbin/slapd"
	SlapaddBin = "/usr/sbin/slapadd"
	ModuleDir  = "/usr/lib/ldap"
	SchemaDir  = "/etc/ldap/schema"
)

// RequireEnv names the environment variable that, when set to a non-empty value, makes Start fail
// the test instead of skipping it when slapd cannot run.
const RequireEnv = "STEWARD_REQUIRE_SLAPD"

// The directory's fixed names.
const (
	BaseDN          = "dc=example,dc=org"
	AdminDN         = "cn=admin," + BaseDN
	PeopleDN        = "ou=people," + BaseDN
	GroupsDN        = "ou=groups," + BaseDN
	DisabledDN      = "ou=disabled," + BaseDN
	PoliciesDN      = "ou=policies," + BaseDN
	DefaultPolicyDN = "cn=default," + PoliciesDN
)

// PermanentlyLocked is the pwdAccountLockedTime value with which ppolicy (2.5) locks an account
// until an administrator removes it, whatever pwdLockoutDuration says.
const PermanentlyLocked = "000001010000Z"

const (
	startTimeout = 15 * time.Second
	stopTimeout  = 10 * time.Second
	bindAttempts = 5 // new ports when another process took one between choosing and binding
	maxFiles     = 4096
)

// lowerNofile is a shell script that lowers the soft RLIMIT_NOFILE to maxFiles (never raises it)
// and execs its arguments.
var lowerNofile = fmt.Sprintf(`n=$(ulimit -n); if [ "$n" = unlimited ] || [ "$n" -gt %d ]; then ulimit -n %d; fi; exec "$0" "$@"`, maxFiles, maxFiles)

// Server is one running slapd.
type Server struct {
	URL      string // ldap://127.0.0.1:PORT (plain LDAP and StartTLS)
	LDAPSURL string // ldaps://127.0.0.1:PORT2
	BaseDN   string // dc=example,dc=org
	BindDN   string // cn=admin,dc=example,dc=org, the rootdn
	Password string // the admin's password (random per Server)
	CAFile   string // PEM of the CA that signed the server certificate (ca_file)
	Dir      string // configuration, certificates, database and slapd.log; removed with the test

	conf    string
	logPath string
	port    int
	tlsPort int

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has been waited for
	timings []string
}

// Start launches slapd for one test and stops it in t.Cleanup. It calls t.Skip with the exact
// reason when slapd is not installed or cannot start, or t.Fatal when RequireEnv is set.
func Start(t testing.TB) *Server {
	t.Helper()
	if reason := Unavailable(); reason != "" {
		skipOrFail(t, reason)
	}
	began := time.Now()
	dir := t.TempDir()
	s := &Server{
		BaseDN:   BaseDN,
		BindDN:   AdminDN,
		Password: randomHex(16),
		Dir:      dir,
		conf:     filepath.Join(dir, "slapd.conf"),
		logPath:  filepath.Join(dir, "slapd.log"),
	}
	t.Cleanup(func() {
		if t.Failed() {
			if b, err := os.ReadFile(s.logPath); err == nil && len(b) > 0 {
				t.Logf("slapd: slapd.log:\n%s", tail(b, 4000))
			}
		}
		s.Stop()
	})
	if err := s.prepare(); err != nil {
		skipOrFail(t, err.Error())
	}
	if err := s.startFresh(); err != nil {
		skipOrFail(t, err.Error())
	}
	t.Logf("slapd: ready on %s and %s in %v (%s; dir %s)", s.URL, s.LDAPSURL,
		time.Since(began).Round(time.Millisecond), strings.Join(s.timings, ", "), dir)
	return s
}

func skipOrFail(t testing.TB, reason string) {
	t.Helper()
	if v := os.Getenv(RequireEnv); v != "" {
		t.Fatalf("slapd: cannot run slapd here (%s=%s): %s", RequireEnv, v, reason)
	}
	t.Skipf("slapd: cannot run slapd here: %s", reason)
}

var version struct {
	once    sync.Once
	text    string // "2.5.13+dfsg-5"
	is24    bool
	failure string
}

// Unavailable returns why this machine cannot run a Server, or "" when it can.
func Unavailable() string {
	for _, f := range []struct{ path, pkg string }{
		{SlapdBin, "slapd"}, {SlapaddBin, "slapd"},
		{filepath.Join(ModuleDir, "back_mdb.so"), "slapd"},
		{filepath.Join(ModuleDir, "memberof.so"), "slapd"},
		{filepath.Join(ModuleDir, "ppolicy.so"), "slapd"},
	} {
		if _, err := os.Stat(f.path); err != nil {
			return fmt.Sprintf("%s not found: install the Debian package %s (apt-get install %s ldap-utils)", f.path, f.pkg, f.pkg)
		}
	}
	for _, s := range []string{"core", "cosine", "inetorgperson", "nis"} {
		p := filepath.Join(SchemaDir, s+".schema")
		if _, err := os.Stat(p); err != nil {
			return fmt.Sprintf("schema %s not found: install the Debian package slapd", p)
		}
	}
	version.once.Do(func() {
		// slapd -VV prints "@(#) $OpenLDAP: slapd 2.5.13+dfsg-5 (date) $" on stderr and exits 0.
		out, err := exec.Command(SlapdBin, "-VV").CombinedOutput()
		m := regexp.MustCompile(`slapd (\d+)\.(\d+)\S*`).FindSubmatch(out)
		switch {
		case m == nil:
			version.failure = fmt.Sprintf("%s -VV: cannot read the version (%v): %s", SlapdBin, err, strings.TrimSpace(string(out)))
		default:
			major, _ := strconv.Atoi(string(m[1]))
			minor, _ := strconv.Atoi(string(m[2]))
			version.text = strings.TrimPrefix(string(m[0]), "slapd ")
			version.is24 = major == 2 && minor < 5
			if version.is24 {
				if _, err := os.Stat(filepath.Join(SchemaDir, "ppolicy.schema")); err != nil {
					version.failure = "slapd " + version.text + " needs " + filepath.Join(SchemaDir, "ppolicy.schema")
				}
			}
		}
	})
	return version.failure
}

// Version is slapd's version ("2.5.13+dfsg-5"), or "" when Unavailable says why not.
func Version() string {
	if Unavailable() != "" {
		return ""
	}
	return version.text
}

// prepare writes the certificates, slapd.conf and the base entries (with slapadd).
func (s *Server) prepare() error {
	t0 := time.Now()
	caFile, certFile, keyFile, err := writeCerts(s.Dir)
	if err != nil {
		return err
	}
	s.CAFile = caFile
	if err := os.Mkdir(filepath.Join(s.Dir, "data"), 0o700); err != nil {
		return err
	}
	conf := slapdConf(s.Dir, SSHA(s.Password), caFile, certFile, keyFile, version.is24)
	if err := os.WriteFile(filepath.Join(s.Dir, "openssh-lpk.schema"), []byte(opensshLPKSchema), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(s.conf, []byte(conf), 0o600); err != nil {
		return err
	}
	ldif := filepath.Join(s.Dir, "base.ldif")
	if err := os.WriteFile(ldif, []byte(baseLDIF), 0o600); err != nil {
		return err
	}
	s.phase("files+certs", t0)
	t1 := time.Now()
	// slapadd creates the mdb files; -q skips consistency checks (a fresh, empty database).
	cmd := exec.Command(SlapaddBin, "-q", "-f", s.conf, "-l", ldif)
	cmd.Dir = s.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s -q -f %s -l %s: %v: %s", SlapaddBin, s.conf, ldif, err, strings.TrimSpace(string(out)))
	}
	s.phase("slapadd", t1)
	return nil
}

func (s *Server) phase(name string, since time.Time) {
	s.timings = append(s.timings, fmt.Sprintf("%s %v", name, time.Since(since).Round(time.Millisecond)))
}

// errAddrInUse is slapd exiting because a listener's port is taken.
var errAddrInUse = errors.New("address already in use")

// startFresh picks two free ports and starts slapd on them, with new ports when another process
// took one in between.
func (s *Server) startFresh() error {
	var err error
	for range bindAttempts {
		var ports [2]int
		if ports, err = freePorts(); err != nil {
			return err
		}
		s.port, s.tlsPort = ports[0], ports[1]
		s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", s.port)
		s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", s.tlsPort)
		if err = s.launch(); !errors.Is(err, errAddrInUse) {
			return err
		}
	}
	return err
}

// freePorts returns two ports that were free on 127.0.0.1 a moment ago.
func freePorts() ([2]int, error) {
	var ports [2]int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return ports, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// launch starts slapd on s.port and s.tlsPort and waits until the admin can bind.
func (s *Server) launch() error {
	t0 := time.Now()
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	logStart, _ := logf.Seek(0, 2)
	urls := fmt.Sprintf("ldap://127.0.0.1:%d/ ldaps://127.0.0.1:%d/", s.port, s.tlsPort)
	// -d keeps slapd in the foreground; level "none" logs only what slapd always logs (start,
	// stop and errors such as a bad configuration line or a port in use) to stderr.
	//
	// slapd sizes its connection table by RLIMIT_NOFILE: with a large limit it spends 50-100 ms
	// more starting. The shell lowers the limit to maxFiles and execs slapd (same process).
	cmd := exec.Command("/bin/sh", "-c", lowerNofile, SlapdBin, "-d", "none", "-h", urls, "-f", s.conf)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group (a ^C to the test does not reach it first), and killed when the test
	// process dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", SlapdBin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	deadline := time.Now().Add(startTimeout)
	wait := time.Millisecond
	for {
		conn, err := s.dial(time.Second)
		if err == nil {
			err = conn.Bind(s.BindDN, s.Password)
			conn.Close()
			if err == nil {
				s.phase("slapd", t0)
				return nil
			}
			if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
				// Serving, but not with this configuration's rootpw: no use waiting.
				s.Stop()
				return fmt.Errorf("slapd on %s refuses the admin's bind: %w", s.URL, err)
			}
		}
		select {
		case <-done:
			s.mu.Lock()
			s.cmd, s.done = nil, nil
			s.mu.Unlock()
			logText := readFrom(s.logPath, logStart)
			if bytes.Contains(logText, []byte("errno=98")) {
				return fmt.Errorf("%w: %s", errAddrInUse, strings.TrimSpace(string(logText)))
			}
			return fmt.Errorf("%s exited (%v) before serving %s: %s", SlapdBin, cmd.ProcessState, s.URL, strings.TrimSpace(string(logText)))
		case <-time.After(wait):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("slapd did not accept a bind on %s within %v (last error: %v): %s",
				s.URL, startTimeout, err, strings.TrimSpace(string(readFrom(s.logPath, logStart))))
		}
		if wait < 10*time.Millisecond {
			wait *= 2
		}
	}
}

// Stop stops slapd (SIGTERM, then SIGKILL after 10 s) and waits for it. It does nothing when
// slapd is not running; the data stay for Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	// cmd.Process holds a pidfd: signalling it never hits a reused PID.
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd, s.done = nil, nil
}

// Restart stops slapd and starts it again on the same ports with the same data (for tests of a
// server that goes away and comes back). Connections made before are broken.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	began := time.Now()
	s.Stop()
	s.timings = nil
	var err error
	// The ports were just released; another process may hold one briefly.
	for deadline := time.Now().Add(5 * time.Second); ; {
		err = s.launch()
		if !errors.Is(err, errAddrInUse) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("slapd: restart: %v", err)
	}
	t.Logf("slapd: restarted on %s and %s in %v", s.URL, s.LDAPSURL, time.Since(began).Round(time.Millisecond))
}

// Running reports whether slapd is running (started and not stopped, and not exited).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// TLSConfig returns a client TLS configuration that trusts CAFile and expects 127.0.0.1, for
// StartTLS on URL and for LDAPSURL.
func (s *Server) TLSConfig(t testing.TB) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatalf("slapd: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("slapd: no certificate in %s", s.CAFile)
	}
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func (s *Server) dial(timeout time.Duration) (*ldap.Conn, error) {
	conn, err := ldap.DialURL(s.URL, ldap.DialWithDialer(&net.Dialer{Timeout: timeout}))
	if err != nil {
		return nil, err
	}
	conn.SetTimeout(30 * time.Second)
	return conn, nil
}

// Conn returns a connection over plain LDAP bound as the admin (the rootdn, above every ACL and
// limit), for a test's own setup and assertions; it is closed with the test.
func (s *Server) Conn(t testing.TB) *ldap.Conn {
	t.Helper()
	conn, err := s.adminConn()
	if err != nil {
		t.Fatalf("slapd: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func (s *Server) adminConn() (*ldap.Conn, error) {
	conn, err := s.dial(5 * time.Second)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", s.URL, err)
	}
	if err := conn.Bind(s.BindDN, s.Password); err != nil {
		conn.Close()
		return nil, fmt.Errorf("bind as %s: %w", s.BindDN, err)
	}
	return conn, nil
}

// Entry reads one entry as the admin, with the attributes asked for, or with all user and
// operational attributes ("*", "+": memberOf, pwdAccountLockedTime, entryUUID, ...) when none
// are. It returns nil when the entry does not exist.
func (s *Server) Entry(t testing.TB, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
	if len(attrs) == 0 {
		attrs = []string{"*", "+"}
	}
	conn, err := s.adminConn()
	if err != nil {
		t.Fatalf("slapd: %v", err)
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", attrs, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatalf("slapd: read %s: %v", dn, err)
	}
	if len(res.Entries) == 0 {
		return nil
	}
	return res.Entries[0]
}

func readFrom(path string, offset int64) []byte {
	b, err := os.ReadFile(path)
	if err != nil || offset > int64(len(b)) {
		return nil
	}
	return tail(b[offset:], 4000)
}

func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return append([]byte("..."), b[len(b)-n:]...)
}
