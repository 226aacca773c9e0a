package sftp_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/stewardhq/steward/internal/testenv/sshd"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/backendtest"
	"github.com/stewardhq/steward/providers/backup/backend/sftp"
)

func config(s *sshd.Server, dir string) sftp.Config {
	return sftp.Config{
		User:           s.User,
		Host:           s.Host,
		Port:           s.Port,
		Path:           dir,
		KeyFile:        s.KeyFile,
		KnownHostsFile: s.KnownHostsFile,
	}
}

func open(t testing.TB, cfg sftp.Config) *sftp.Backend {
	t.Helper()
	be, err := sftp.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return be
}

func TestConformance(t *testing.T) {
	s := sshd.Start(t)
	backendtest.Run(t, func(t *testing.T) backend.Backend {
		return open(t, config(s, filepath.Join(t.TempDir(), "repo")))
	})
}

// Files written over SFTP land where the local backend would put them.
func TestLayoutOnTheServer(t *testing.T) {
	s := sshd.Start(t)
	dir := filepath.Join(t.TempDir(), "repo")
	be := open(t, config(s, dir))
	defer be.Close()
	ctx := context.Background()
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	name := "cd" + strings.Repeat("1", 62)
	if err := be.Save(ctx, backend.Handle{Type: backend.PackFile, Name: name}, strings.NewReader("pack")); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "data", "cd", name)
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "pack" {
		t.Fatalf("%s = %q, %v; want \"pack\"", p, got, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o400 {
		t.Errorf("%s has mode %v, want 0400", p, fi.Mode().Perm())
	}
	if want := "sftp://" + s.User + "@127.0.0.1:"; !strings.HasPrefix(be.Location(), want) || !strings.HasSuffix(be.Location(), dir) {
		t.Errorf("Location() = %q, want %s<port>%s", be.Location(), want, dir)
	}
}

// A server whose host key is not the one known_hosts has is refused, and
// the error says so; so is a server missing from known_hosts.
func TestWrongHostKeyRefused(t *testing.T) {
	s := sshd.Start(t)
	other := t.TempDir()
	// known_hosts with a different key for the same address.
	otherKey := newPublicKey(t)
	wrong := filepath.Join(other, "known_hosts_wrong")
	line := knownhosts.Line([]string{knownhosts.Normalize(s.Addr())}, otherKey)
	if err := os.WriteFile(wrong, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config(s, t.TempDir())
	cfg.KnownHostsFile = wrong
	_, err := sftp.Open(context.Background(), cfg)
	var hkErr *sftp.HostKeyError
	if !errors.As(err, &hkErr) {
		t.Fatalf("Open with a wrong known host key: %v; want a HostKeyError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "host key verification failed") ||
		!strings.Contains(msg, ssh.FingerprintSHA256(s.HostKey)) || !strings.Contains(msg, wrong+":1") {
		t.Errorf("error %q does not name the failure, the key shown and the known_hosts line", msg)
	}

	// Unknown host: an empty known_hosts file.
	empty := filepath.Join(other, "known_hosts_empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.KnownHostsFile = empty
	_, err = sftp.Open(context.Background(), cfg)
	if !errors.As(err, &hkErr) || !strings.Contains(err.Error(), "is not in "+empty) {
		t.Errorf("Open with the host missing from known_hosts: %v; want a HostKeyError saying it is not there", err)
	}

	// No known_hosts at all is refused before connecting, unless insecure.
	cfg.KnownHostsFile = ""
	if _, err := sftp.Open(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "known_hosts") {
		t.Errorf("Open without known_hosts: %v; want an error about known_hosts", err)
	}
	cfg.InsecureIgnoreHostKey = true
	be, err := sftp.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open with host key checking off: %v", err)
	}
	be.Close()
}

func newPublicKey(t *testing.T) ssh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sshPub
}

func TestPasswordNeverInErrorsOrLocation(t *testing.T) {
	s := sshd.Start(t)
	const secret = "correct-horse-battery-staple"
	cfg := config(s, t.TempDir())
	cfg.KeyFile = ""
	cfg.Password = secret // the test sshd accepts keys only
	_, err := sftp.Open(context.Background(), cfg)
	if err == nil {
		t.Fatal("Open with a password the server does not accept succeeded")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "refused the password") {
		t.Errorf("error %q does not say the password was refused", err)
	}
	if strings.Contains(cfg.String(), secret) {
		t.Errorf("Config.String shows the password: %s", cfg)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	s := sshd.Start(t)
	other := sshd.Start(t) // its client key is not authorized on s
	cfg := config(s, t.TempDir())
	cfg.KeyFile = other.KeyFile
	_, err := sftp.Open(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "refused the key "+other.KeyFile) {
		t.Errorf("Open with an unauthorized key: %v; want an error naming the refused key", err)
	}
}

// sshd killed with kill -9 in the middle of a save and between calls: the
// calls fail at once with an error that says the connection was lost.
func TestServerKilledMidOperation(t *testing.T) {
	s := sshd.Start(t)
	be := open(t, config(s, filepath.Join(t.TempDir(), "repo")))
	defer be.Close()
	ctx := context.Background()
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	h := backend.Handle{Type: backend.PackFile, Name: "ab" + strings.Repeat("2", 62)}
	// The server dies after the first megabyte of a 64 MiB upload.
	rd := &killAfter{rd: io.LimitReader(rand.Reader, 64<<20), after: 1 << 20, kill: s.Kill}
	err := be.Save(ctx, h, rd)
	if !errors.Is(err, sftp.ErrConnectionLost) {
		t.Fatalf("Save while sshd is killed: %v; want an error matching ErrConnectionLost", err)
	}
	if !strings.Contains(err.Error(), s.Addr()) {
		t.Errorf("error %q does not name the server", err)
	}
	for name, call := range map[string]func() error{
		"Stat": func() error { _, err := be.Stat(ctx, h); return err },
		"List": func() error {
			return be.List(ctx, backend.PackFile, func(backend.FileInfo) error { return nil })
		},
		"Load": func() error {
			return be.Load(ctx, h, 0, 0, func(io.Reader) error { return nil })
		},
		"Save": func() error {
			return be.Save(ctx, backend.Handle{Type: backend.LockFile, Name: "l1"}, bytes.NewReader([]byte("x")))
		},
	} {
		if err := call(); !errors.Is(err, sftp.ErrConnectionLost) {
			t.Errorf("%s after sshd was killed: %v; want an error matching ErrConnectionLost", name, err)
		}
	}
}

// sshd killed while a Load's callback is reading.
func TestServerKilledDuringLoad(t *testing.T) {
	s := sshd.Start(t)
	be := open(t, config(s, filepath.Join(t.TempDir(), "repo")))
	defer be.Close()
	ctx := context.Background()
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	h := backend.Handle{Type: backend.PackFile, Name: "ef" + strings.Repeat("3", 62)}
	if err := be.Save(ctx, h, io.LimitReader(rand.Reader, 32<<20)); err != nil {
		t.Fatal(err)
	}
	err := be.Load(ctx, h, 0, 0, func(rd io.Reader) error {
		if _, err := io.CopyN(io.Discard, rd, 1<<20); err != nil {
			return err
		}
		s.Kill()
		_, err := io.Copy(io.Discard, rd)
		return err
	})
	if !errors.Is(err, sftp.ErrConnectionLost) {
		t.Fatalf("Load while sshd is killed: %v; want an error matching ErrConnectionLost", err)
	}
}

type killAfter struct {
	rd    io.Reader
	after int
	read  int
	kill  func()
}

func (r *killAfter) Read(p []byte) (int, error) {
	if r.kill != nil && r.read >= r.after {
		r.kill()
		r.kill = nil
	}
	n, err := r.rd.Read(p)
	r.read += n
	return n, err
}

// A server that stops answering without closing the connection (hung, or a
// network that drops everything) is noticed by the keepalives: a call that
// was waiting fails with ErrConnectionLost instead of hanging forever.
func TestServerFrozen(t *testing.T) {
	s := sshd.Start(t)
	cfg := config(s, filepath.Join(t.TempDir(), "repo"))
	cfg.KeepaliveInterval = 50 * time.Millisecond
	be := open(t, cfg)
	defer be.Close()
	ctx := context.Background()
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	s.Freeze()
	_, err := be.Stat(ctx, backend.Handle{Type: backend.ConfigFile})
	if !errors.Is(err, sftp.ErrConnectionLost) || !strings.Contains(err.Error(), "keepalive") {
		t.Fatalf("Stat on a frozen server: %v; want ErrConnectionLost saying keepalives went unanswered", err)
	}
}
