package lab

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/options"
	scrapliplatform "github.com/scrapli/scrapligo/platform"
	"golang.org/x/crypto/ssh"
)

// startDevice starts a device for one test.
func startDevice(t *testing.T, spec DeviceSpec) *Device {
	t.Helper()
	if spec.Name == "" {
		spec.Name = "sw1"
	}
	if spec.Username == "" {
		spec.Username, spec.Password = "netops", "s3cret-pass"
	}
	d, err := NewDevice(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// knownHostsFile writes a known_hosts file for the devices.
func knownHostsFile(t testing.TB, devs ...*Device) string {
	t.Helper()
	var b strings.Builder
	for _, d := range devs {
		b.WriteString(d.KnownHostsLine() + "\n")
	}
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scrapli opens a scrapligo network driver on the device the way the
// network provider does: the platform's own definition, strict host key
// checking, the standard (crypto/ssh) transport.
func scrapli(t *testing.T, d *Device, extra ...any) *network.Driver {
	t.Helper()
	opts := []any{
		options.WithAuthUsername(d.Username()),
		options.WithAuthPassword(d.Password()),
		options.WithPort(d.Port()),
		options.WithTransportType("standard"),
		options.WithSSHKnownHostsFile(knownHostsFile(t, d)),
		options.WithTimeoutOps(10 * time.Second),
	}
	opts = append(opts, extra...)
	p, err := scrapliplatform.NewPlatform(d.Platform(), d.Host(), toOptions(opts)...)
	if err != nil {
		t.Fatal(err)
	}
	drv, err := p.GetNetworkDriver()
	if err != nil {
		t.Fatal(err)
	}
	if err := drv.Open(); err != nil {
		t.Fatalf("opening %s with scrapligo: %v", d.Platform(), err)
	}
	t.Cleanup(func() { drv.Close() })
	return drv
}

// shell is a raw interactive SSH session, for what scrapligo hides: the
// echo, the prompts, paging, questions, dropped connections.
type shell struct {
	t      *testing.T
	client *ssh.Client
	sess   *ssh.Session
	in     interface{ Write([]byte) (int, error) }
	chunks chan []byte
	buf    bytes.Buffer
	eof    bool
}

func dialShell(t *testing.T, d *Device) *shell {
	t.Helper()
	client, err := ssh.Dial("tcp", d.Addr(), &ssh.ClientConfig{
		User:            d.Username(),
		Auth:            []ssh.AuthMethod{ssh.Password(d.Password())},
		HostKeyCallback: ssh.FixedHostKey(d.HostKey()),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 255, 80, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	sh := &shell{t: t, client: client, sess: sess, in: in, chunks: make(chan []byte, 64)}
	go func() {
		defer close(sh.chunks)
		for {
			b := make([]byte, 4096)
			n, err := out.Read(b)
			if n > 0 {
				sh.chunks <- b[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { client.Close() })
	return sh
}

// expect reads until the output so far matches re and returns (and
// consumes) everything up to the end of the match.
func (sh *shell) expect(re string) string {
	sh.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(5 * time.Second)
	for {
		if loc := rx.FindIndex(sh.buf.Bytes()); loc != nil {
			out := string(sh.buf.Next(loc[1]))
			return out
		}
		select {
		case b, ok := <-sh.chunks:
			if !ok {
				sh.eof = true
				sh.t.Fatalf("connection closed while waiting for %q; got %q", re, sh.buf.String())
			}
			sh.buf.Write(b)
		case <-deadline:
			sh.t.Fatalf("timed out waiting for %q; got %q", re, sh.buf.String())
		}
	}
}

// closed waits for the server to close the connection.
func (sh *shell) closed() bool {
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-sh.chunks:
			if !ok {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func (sh *shell) send(s string) {
	sh.t.Helper()
	if _, err := sh.in.Write([]byte(s)); err != nil {
		sh.t.Fatal(err)
	}
}

// run types a command and returns the output up to the next prompt.
func (sh *shell) run(line, prompt string) string {
	sh.t.Helper()
	sh.send(line + "\r")
	return sh.expect(regexp.QuoteMeta(prompt))
}
