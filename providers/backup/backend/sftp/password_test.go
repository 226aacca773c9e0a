package sftp_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	pkgsftp "github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/sftp"
)

// passwordServer is an SSH server in the test process that serves SFTP
// (pkg/sftp's server on the local filesystem) to one user with one
// password, by the password method or, when interactiveOnly, only by
// keyboard-interactive, as servers with PAM do. The real sshd of the other
// tests takes keys only (root may not log in with a password), so this is
// how password logins are tested.
type passwordServer struct {
	addr           string
	knownHostsFile string
}

func startPasswordServer(t *testing.T, user, password string, interactiveOnly bool) *passwordServer {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{
		KeyboardInteractiveCallback: func(c ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			answers, err := ask(c.User(), "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if c.User() == user && len(answers) == 1 && answers[0] == password {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		},
	}
	if !interactiveOnly {
		cfg.PasswordCallback = func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() == user && string(pw) == password {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		}
	}
	cfg.AddHostKey(hostSigner)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go serveSFTP(conn, cfg)
		}
	}()
	s := &passwordServer{addr: l.Addr().String(), knownHostsFile: filepath.Join(t.TempDir(), "known_hosts")}
	line := knownhosts.Line([]string{knownhosts.Normalize(s.addr)}, hostSigner.PublicKey())
	if err := os.WriteFile(s.knownHostsFile, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

func serveSFTP(conn net.Conn, cfg *ssh.ServerConfig) {
	defer conn.Close()
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		go func() {
			for req := range requests {
				ok := req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
				_ = req.Reply(ok, nil)
				if ok {
					go func() {
						defer ch.Close()
						if srv, err := pkgsftp.NewServer(ch); err == nil {
							_ = srv.Serve()
						}
					}()
				}
			}
		}()
	}
}

func (s *passwordServer) config(t *testing.T, user, password string) sftp.Config {
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return sftp.Config{User: user, Host: host, Port: p, Path: filepath.Join(t.TempDir(), "repo"),
		Password: password, KnownHostsFile: s.knownHostsFile}
}

func TestPasswordLogin(t *testing.T) {
	for _, interactive := range []bool{false, true} {
		name := "password"
		if interactive {
			name = "keyboard-interactive"
		}
		t.Run(name, func(t *testing.T) {
			const secret = "s3cret-pass-phrase"
			srv := startPasswordServer(t, "backup", secret, interactive)
			ctx := context.Background()
			be, err := sftp.Open(ctx, srv.config(t, "backup", secret))
			if err != nil {
				t.Fatalf("Open with the right password: %v", err)
			}
			defer be.Close()
			if err := be.Create(ctx); err != nil {
				t.Fatal(err)
			}
			h := backend.Handle{Type: backend.SnapshotFile, Name: "0123abcd"}
			if err := be.Save(ctx, h, strings.NewReader("snapshot")); err != nil {
				t.Fatal(err)
			}
			err = be.Load(ctx, h, 0, 0, func(rd io.Reader) error {
				b, err := io.ReadAll(rd)
				if err == nil && string(b) != "snapshot" {
					err = errors.New("read back " + string(b))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(be.Location(), secret) {
				t.Errorf("Location %q shows the password", be.Location())
			}

			_, err = sftp.Open(ctx, srv.config(t, "backup", "wrong-"+secret))
			if err == nil {
				t.Fatal("Open with a wrong password succeeded")
			}
			if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "refused the password") {
				t.Errorf("wrong password: %v; want an error saying the password was refused, without it", err)
			}
		})
	}
}
