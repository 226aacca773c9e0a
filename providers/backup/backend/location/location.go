package location

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/local"
	"github.com/stewardhq/steward/providers/backup/backend/sftp"
)

// PasswordEnv is the environment variable the CLI reads an SFTP password
// from, to put in Options.Password.
const PasswordEnv = "STEWARD_SFTP_PASSWORD"

// The kinds of location.
const (
	Local = "local"
	SFTP  = "sftp"
)

// Location is a parsed repository location.
type Location struct {
	Kind string // Local or SFTP
	// Path is the directory: on this machine for Local, on the server for
	// SFTP (relative to the login directory when it does not start with /).
	Path string
	User string // SFTP: "" means the current user
	Host string // SFTP
	Port int    // SFTP: 0 means 22
}

// String is the location in the form Parse reads (a path for Local).
func (l Location) String() string {
	if l.Kind == Local {
		return l.Path
	}
	return sftp.Config{User: l.User, Host: l.Host, Port: l.Port, Path: l.Path}.String()
}

// Parse reads a location: a path, a file:// URL or an sftp:// URL.
func Parse(s string) (Location, error) {
	switch {
	case s == "":
		return Location{}, errors.New("empty repository location")
	case strings.HasPrefix(s, "file://"):
		return parseFile(s)
	case strings.HasPrefix(s, "sftp://"):
		return parseSFTP(s)
	case strings.HasPrefix(s, "sftp:"):
		return Location{}, fmt.Errorf("repository location %q: write SFTP locations as URLs, sftp://user@host[:port]/path", redact(s))
	}
	if i := strings.Index(s, "://"); i > 0 && !strings.ContainsAny(s[:i], `/\.`) {
		return Location{}, fmt.Errorf("repository location %q: unsupported scheme %q (use a path, file:// or sftp://)", redact(s), s[:i])
	}
	return Location{Kind: Local, Path: filepath.Clean(s)}, nil
}

func parseFile(s string) (Location, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Location{}, fmt.Errorf("repository location %q: not a valid file:// URL", s)
	}
	if u.Host != "" && u.Host != "localhost" {
		return Location{}, fmt.Errorf("repository location %q: a file:// URL names this machine's files (file:///path); use sftp:// for another host", s)
	}
	if u.Path == "" {
		return Location{}, fmt.Errorf("repository location %q: no path", s)
	}
	return Location{Kind: Local, Path: filepath.Clean(u.Path)}, nil
}

func parseSFTP(s string) (Location, error) {
	shown := redact(s)
	u, err := url.Parse(s)
	if err != nil {
		// url's errors quote the whole input, password included.
		return Location{}, fmt.Errorf("repository location %q: not a valid sftp:// URL", shown)
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		return Location{}, fmt.Errorf("repository location %q: a password in the URL would show in plans, state and logs; give it in %s instead", shown, PasswordEnv)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return Location{}, fmt.Errorf("repository location %q: an sftp:// URL takes no query or fragment", shown)
	}
	l := Location{Kind: SFTP, User: u.User.Username(), Host: u.Hostname()}
	if l.Host == "" {
		return Location{}, fmt.Errorf("repository location %q: no host", shown)
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return Location{}, fmt.Errorf("repository location %q: invalid port %q", shown, p)
		}
		l.Port = port
	}
	switch {
	case u.Path == "" || u.Path == "/~" || u.Path == "/~/":
		return Location{}, fmt.Errorf("repository location %q: no repository path (sftp://host/absolute/path or sftp://host/~/relative/path)", shown)
	case strings.HasPrefix(u.Path, "/~/"):
		l.Path = strings.TrimPrefix(u.Path, "/~/")
	default:
		l.Path = u.Path
	}
	return l, nil
}

// redact hides the password of a URL-like string that has one, for
// messages.
func redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest, ok = strings.Cut(s, ":")
		if !ok {
			return s
		}
		scheme += ":"
	} else {
		scheme += "://"
	}
	at := strings.LastIndex(rest, "@")
	if slash := strings.Index(rest, "/"); slash >= 0 && slash < at {
		at = strings.LastIndex(rest[:slash], "@")
	}
	if at < 0 {
		return s
	}
	userinfo := rest[:at]
	if name, _, hasPassword := strings.Cut(userinfo, ":"); hasPassword {
		return scheme + name + ":xxxxx" + rest[at:]
	}
	return s
}

// Options says how to reach an SFTP location; a local one needs none.
type Options struct {
	// KeyFile is the private key to log in with. When empty and Password
	// is empty too, the first of ~/.ssh/id_ed25519, id_ecdsa and id_rsa
	// that exists is used.
	KeyFile string
	// Password logs in when no key does. The CLI fills it from PasswordEnv.
	Password string
	// KnownHostsFile lists the host keys to trust; ~/.ssh/known_hosts when
	// empty.
	KnownHostsFile string
	// InsecureIgnoreHostKey accepts any host key (anyone on the path can
	// then read and change the repository).
	InsecureIgnoreHostKey bool
}

// Open parses location and returns its backend, connected when it is
// remote. The repository need not exist yet (Backend.Create makes it).
func Open(ctx context.Context, location string, opts Options) (backend.Backend, error) {
	l, err := Parse(location)
	if err != nil {
		return nil, err
	}
	return l.Open(ctx, opts)
}

// Open returns l's backend, connected when it is remote.
func (l Location) Open(ctx context.Context, opts Options) (backend.Backend, error) {
	switch l.Kind {
	case Local:
		return local.New(l.Path), nil
	case SFTP:
		cfg, err := l.sftpConfig(opts)
		if err != nil {
			return nil, err
		}
		return sftp.Open(ctx, cfg)
	default:
		return nil, fmt.Errorf("repository location %s: unknown kind %q", l, l.Kind)
	}
}

func (l Location) sftpConfig(opts Options) (sftp.Config, error) {
	cfg := sftp.Config{
		User:                  l.User,
		Host:                  l.Host,
		Port:                  l.Port,
		Path:                  l.Path,
		KeyFile:               opts.KeyFile,
		Password:              opts.Password,
		KnownHostsFile:        opts.KnownHostsFile,
		InsecureIgnoreHostKey: opts.InsecureIgnoreHostKey,
	}
	if cfg.User == "" {
		u, err := user.Current()
		if err != nil {
			return sftp.Config{}, fmt.Errorf("%s: no user in the URL, and the current user is unknown: %w", l, err)
		}
		cfg.User = u.Username
	}
	needHome := (cfg.KnownHostsFile == "" && !cfg.InsecureIgnoreHostKey) || (cfg.KeyFile == "" && cfg.Password == "")
	if !needHome {
		return cfg, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return sftp.Config{}, fmt.Errorf("%s: find ~/.ssh: %w", l, err)
	}
	sshDir := filepath.Join(home, ".ssh")
	if cfg.KnownHostsFile == "" && !cfg.InsecureIgnoreHostKey {
		cfg.KnownHostsFile = filepath.Join(sshDir, "known_hosts")
		if _, err := os.Stat(cfg.KnownHostsFile); err != nil {
			return sftp.Config{}, fmt.Errorf("%s: cannot verify the server's host key: %s does not exist; add the server's key to it (ssh-keyscan) or name another known_hosts file", l, cfg.KnownHostsFile)
		}
	}
	if cfg.KeyFile == "" && cfg.Password == "" {
		for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			p := filepath.Join(sshDir, name)
			if _, err := os.Stat(p); err == nil {
				cfg.KeyFile = p
				break
			}
		}
		if cfg.KeyFile == "" {
			return sftp.Config{}, fmt.Errorf("%s: no way to log in: no private key in %s, and no password (set %s)", l, sshDir, PasswordEnv)
		}
	}
	return cfg, nil
}
