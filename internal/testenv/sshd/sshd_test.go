package sshd_test

import (
	"net"
	"os"
	"testing"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/stewardhq/steward/internal/testenv/sshd"
)

func dial(t *testing.T, s *sshd.Server) (*ssh.Client, error) {
	t.Helper()
	keyPEM, err := os.ReadFile(s.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hostKeys, err := knownhosts.New(s.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	return ssh.Dial("tcp", s.Addr(), &ssh.ClientConfig{
		User:            s.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeys,
	})
}

// The server lets the test's key in, verifies against the known_hosts file
// it wrote, serves SFTP, and is gone after Kill.
func TestStartServesSFTPAndKillDropsConnections(t *testing.T) {
	s := sshd.Start(t)
	client, err := dial(t, s)
	if err != nil {
		t.Fatalf("dial %s: %v", s.Addr(), err)
	}
	defer client.Close()
	sc, err := sftp.NewClient(client)
	if err != nil {
		t.Fatalf("sftp: %v", err)
	}
	dir := t.TempDir()
	f, err := sc.Create(dir + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(dir + "/hello"); err != nil || string(b) != "hello" {
		t.Fatalf("file written over SFTP: %q, %v", b, err)
	}

	s.Kill()
	if _, err := sc.Stat(dir + "/hello"); err == nil {
		t.Error("Stat over a connection to a killed sshd succeeded")
	}
	if c, err := net.Dial("tcp", s.Addr()); err == nil {
		c.Close()
		t.Error("a killed sshd still accepts connections")
	}
}
