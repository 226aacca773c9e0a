package session

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/opoptions"
	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/platform"
	"github.com/scrapli/scrapligo/util"
)

//go:embed platforms/*.yaml
var platformFiles embed.FS

// Target says how to reach one device.
type Target struct {
	Name     string
	Host     string
	Port     int
	Platform string // cisco_iosxe, arista_eos, cisco_nxos, frr
	Username string
	Password string
	// PrivateKeyFile is used instead of Password when set.
	PrivateKeyFile string
	// KnownHostsFile holds the host key(s) the device must present.
	KnownHostsFile string
	// InsecureSkipHostKey disables host key verification; the provider
	// warns about it in every plan.
	InsecureSkipHostKey bool
	Timeout             time.Duration
}

// Session is an open CLI session on one device. It is not safe for
// concurrent use: a device gets one session at a time.
type Session struct {
	target  Target
	drv     *network.Driver
	markers []string
}

// Open connects and logs in, leaving the session in privileged exec.
func Open(ctx context.Context, t Target, errorMarkers []string) (*Session, error) {
	if t.Timeout <= 0 {
		t.Timeout = 30 * time.Second
	}
	opts := []util.Option{
		options.WithPort(t.Port),
		options.WithAuthUsername(t.Username),
		options.WithTransportType("standard"),
		options.WithTimeoutOps(t.Timeout),
		options.WithTimeoutSocket(t.Timeout),
		options.WithFailedWhenContains(errorMarkers),
	}
	if t.PrivateKeyFile != "" {
		opts = append(opts, options.WithAuthPrivateKey(t.PrivateKeyFile, ""))
	} else {
		opts = append(opts, options.WithAuthPassword(t.Password))
	}
	if t.InsecureSkipHostKey {
		opts = append(opts, options.WithAuthNoStrictKey())
	} else {
		if t.KnownHostsFile == "" {
			return nil, fmt.Errorf("device %s: no host key to verify against: set host_key or known_hosts (or, knowingly, insecure_skip_host_key = true)", t.Name)
		}
		opts = append(opts, options.WithSSHKnownHostsFile(t.KnownHostsFile))
	}
	var def any = t.Platform
	if b, err := platformFiles.ReadFile("platforms/" + t.Platform + ".yaml"); err == nil {
		def = b
	}
	p, err := platform.NewPlatform(def, t.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("device %s: platform %s: %w", t.Name, t.Platform, err)
	}
	drv, err := p.GetNetworkDriver()
	if err != nil {
		return nil, fmt.Errorf("device %s: %w", t.Name, err)
	}
	err = withContext(ctx, drv, func() error { return drv.Open() })
	if err != nil {
		return nil, classify(t, err)
	}
	return &Session{target: t, drv: drv, markers: errorMarkers}, nil
}

// withContext runs fn, closing the driver if ctx ends first: scrapligo
// operations take no context, and closing the transport is what unblocks
// them.
func withContext(ctx context.Context, drv *network.Driver, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		_ = drv.Transport.Close(true)
		<-done
		return ctx.Err()
	}
}

// ErrHostKey reports a host key that does not match the expected one.
var ErrHostKey = errors.New("host key verification failed")

// ErrAuth reports rejected credentials.
var ErrAuth = errors.New("authentication failed")

func classify(t Target, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "knownhosts") || strings.Contains(msg, "key mismatch") || strings.Contains(msg, "host key"):
		return fmt.Errorf("device %s (%s:%d): %w: the device presented a host key that is not the one configured; if the device was replaced, update host_key or known_hosts: %v", t.Name, t.Host, t.Port, ErrHostKey, err)
	case strings.Contains(msg, "unable to authenticate") || strings.Contains(msg, "authentication"):
		return fmt.Errorf("device %s (%s:%d): %w: check username and password or key: %v", t.Name, t.Host, t.Port, ErrAuth, err)
	}
	return fmt.Errorf("device %s (%s:%d): cannot connect: %w", t.Name, t.Host, t.Port, err)
}

// Command sends one command in privileged exec and returns its output.
func (s *Session) Command(ctx context.Context, cmd string) (string, error) {
	var out string
	err := withContext(ctx, s.drv, func() error {
		r, err := s.drv.SendCommand(cmd)
		if err != nil {
			return err
		}
		if r.Failed != nil {
			return fmt.Errorf("%q: %s", cmd, strings.TrimSpace(r.Result))
		}
		out = r.Result
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("device %s: %w", s.target.Name, err)
	}
	return out, nil
}

// ConfigResult is the outcome of a configuration session.
type ConfigResult struct {
	// Sent is how many lines were sent, the failing one included.
	Sent int
	// FailedLine is the line the device rejected, "" if none.
	FailedLine string
	// Message is the device's answer to the failing line.
	Message string
}

// Failed reports whether the device rejected a line.
func (r *ConfigResult) Failed() bool { return r.FailedLine != "" }

// Configure sends lines in configuration mode, stopping at the first line
// the device rejects, and returns to privileged exec.
func (s *Session) Configure(ctx context.Context, lines []string) (*ConfigResult, error) {
	res := &ConfigResult{}
	err := withContext(ctx, s.drv, func() error {
		m, err := s.drv.SendConfigs(lines, opoptions.WithStopOnFailed())
		if err != nil {
			return err
		}
		res.Sent = len(m.Responses)
		for _, r := range m.Responses {
			if r.Failed != nil {
				res.FailedLine = r.Input
				res.Message = deviceMessage(r.Result)
				break
			}
		}
		return s.drv.AcquirePriv(s.drv.DefaultDesiredPriv)
	})
	if err != nil {
		return res, fmt.Errorf("device %s: configuration session: %w", s.target.Name, err)
	}
	return res, nil
}

// ConfigureAtomic sends lines inside an Arista EOS configuration session:
// nothing reaches the running configuration until the session commits,
// and a rejected line aborts the whole session, so the device never holds
// half a change. name must be unique per change.
func (s *Session) ConfigureAtomic(ctx context.Context, name string, lines []string) (*ConfigResult, error) {
	res := &ConfigResult{}
	err := withContext(ctx, s.drv, func() error {
		r, err := s.drv.SendCommand("configure session " + name)
		if err != nil {
			return err
		}
		if r.Failed != nil {
			return fmt.Errorf("opening configuration session: %s", deviceMessage(r.Result))
		}
		m, err := s.drv.SendConfigs(lines, opoptions.WithStopOnFailed())
		if err != nil {
			return err
		}
		res.Sent = len(m.Responses)
		for _, r := range m.Responses {
			if r.Failed != nil {
				res.FailedLine = r.Input
				res.Message = deviceMessage(r.Result)
				break
			}
		}
		final := "commit"
		if res.Failed() {
			final = "abort"
		}
		r, err = s.drv.SendConfig(final)
		if err != nil {
			return err
		}
		if r.Failed != nil && !res.Failed() {
			res.FailedLine, res.Message = final, deviceMessage(r.Result)
		}
		return s.drv.AcquirePriv(s.drv.DefaultDesiredPriv)
	})
	if err != nil {
		return res, fmt.Errorf("device %s: configuration session: %w", s.target.Name, err)
	}
	return res, nil
}

// Close ends the session.
func (s *Session) Close() error {
	err := s.drv.Close()
	if err != nil && (errors.Is(err, os.ErrClosed) || strings.Contains(err.Error(), "EOF")) {
		return nil
	}
	return err
}

// WriteKnownHosts writes a known_hosts file for one device from a public
// key line ("ssh-ed25519 AAAA..."), so that host keys can be configured in
// HCL next to the device.
func WriteKnownHosts(dir, host string, port int, hostKey string) (string, error) {
	fields := strings.Fields(hostKey)
	if len(fields) < 2 {
		return "", fmt.Errorf("host_key must be a public key line such as \"ssh-ed25519 AAAA...\"")
	}
	name := host
	if port != 22 {
		name = fmt.Sprintf("[%s]:%d", host, port)
	}
	path := filepath.Join(dir, fmt.Sprintf("known_hosts_%s_%d", strings.NewReplacer(":", "_", "/", "_").Replace(host), port))
	line := name + " " + fields[0] + " " + fields[1] + "\n"
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// deviceMessage keeps the lines of a response that carry the device's
// verdict ("% Invalid input detected at '^' marker."), dropping the echo
// and caret lines that only make sense on a terminal.
func deviceMessage(out string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "%") || strings.HasPrefix(line, "ERROR") {
			keep = append(keep, line)
		}
	}
	if len(keep) == 0 {
		return strings.TrimSpace(out)
	}
	return strings.Join(keep, " ")
}
