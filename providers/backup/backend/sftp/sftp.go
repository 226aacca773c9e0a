package sftp

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/layout"
)

// ErrConnectionLost is matched (errors.Is) by the errors of calls made after
// the SSH connection dropped, or that were under way when it did.
var ErrConnectionLost = errors.New("the SFTP connection was lost")

// Config says where the repository is and how to log in. Password is a
// secret: it never appears in Location, String or errors.
type Config struct {
	User string
	Host string
	Port int // 22 when 0
	// Path is the repository's directory on the server; a relative path is
	// relative to the user's login directory.
	Path string

	// KeyFile is an unencrypted private key in OpenSSH or PEM format.
	KeyFile string
	// Password is tried after the key, as password and keyboard-interactive
	// authentication.
	Password string

	// KnownHostsFile lists the host keys to trust (OpenSSH's format). It is
	// required unless InsecureIgnoreHostKey is set.
	KnownHostsFile string
	// InsecureIgnoreHostKey accepts any host key: anyone between here and
	// the server can then read and change the repository's files.
	InsecureIgnoreHostKey bool

	// ConnectTimeout bounds dialling and the SSH handshake (15s when 0).
	ConnectTimeout time.Duration
	// KeepaliveInterval is how often an idle connection is probed; after
	// three unanswered probes it is closed as lost (10s when 0).
	KeepaliveInterval time.Duration
}

// String describes c without its password.
func (c Config) String() string {
	return fmt.Sprintf("sftp://%s%s", c.authority(), c.urlPath())
}

func (c Config) port() int {
	if c.Port == 0 {
		return 22
	}
	return c.Port
}

func (c Config) addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.port())) }

func (c Config) authority() string {
	host := c.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if c.Port != 0 && c.Port != 22 {
		host += ":" + strconv.Itoa(c.Port)
	}
	if c.User != "" {
		host = c.User + "@" + host
	}
	return host
}

// urlPath is Path as it appears in an sftp:// URL: absolute paths as they
// are, relative ones under "/~/".
func (c Config) urlPath() string {
	if strings.HasPrefix(c.Path, "/") {
		return c.Path
	}
	return "/~/" + c.Path
}

// Backend is a repository on an SFTP server. It is safe for concurrent use.
type Backend struct {
	cfg    Config
	root   string // absolute path on the server
	ssh    *ssh.Client
	client *sftp.Client

	posixRename bool

	stop      chan struct{}
	closeOnce sync.Once
	mu        sync.Mutex
	lost      error // why the connection ended, once it has
}

var _ backend.Backend = (*Backend)(nil)

// Open connects to the server, verifies its host key, logs in and starts
// SFTP. It does not check that the repository exists (Create makes it).
func Open(ctx context.Context, cfg Config) (*Backend, error) {
	if cfg.Host == "" {
		return nil, errors.New("sftp: no host given")
	}
	if cfg.Path == "" {
		return nil, fmt.Errorf("%s: no repository path given", cfg)
	}
	if cfg.User == "" {
		return nil, fmt.Errorf("%s: no user given", cfg)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 15 * time.Second
	}
	if cfg.KeepaliveInterval == 0 {
		cfg.KeepaliveInterval = 10 * time.Second
	}
	clientConfig, err := clientConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg, err)
	}
	sshClient, err := dial(ctx, cfg, clientConfig)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg, err)
	}
	client, err := sftp.NewClient(sshClient, sftp.UseConcurrentWrites(true), sftp.UseConcurrentReads(true))
	if err != nil {
		sshClient.Close()
		return nil, fmt.Errorf("%s: start SFTP (is the sftp subsystem enabled on the server?): %w", cfg, err)
	}
	root := cfg.Path
	if !path.IsAbs(root) {
		home, err := client.Getwd()
		if err != nil {
			client.Close()
			sshClient.Close()
			return nil, fmt.Errorf("%s: find the login directory: %w", cfg, err)
		}
		root = path.Join(home, root)
	}
	b := &Backend{
		cfg:    cfg,
		root:   path.Clean(root),
		ssh:    sshClient,
		client: client,
		stop:   make(chan struct{}),
	}
	if v, ok := client.HasExtension("posix-rename@openssh.com"); ok && v == "1" {
		b.posixRename = true
	}
	go b.watch()
	go b.keepalive(cfg.KeepaliveInterval)
	return b, nil
}

// dial connects and runs the SSH handshake, both bounded by ctx and
// cfg.ConnectTimeout.
func dial(ctx context.Context, cfg Config, clientConfig *ssh.ClientConfig) (*ssh.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", cfg.addr())
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	// The handshake takes no context: closing the connection ends it.
	handshakeDone := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			conn.Close()
		case <-handshakeDone:
		}
	}()
	c, chans, reqs, err := ssh.NewClientConn(conn, cfg.addr(), clientConfig)
	close(handshakeDone)
	if err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("SSH handshake: %w", ctx.Err())
		}
		return nil, describeHandshakeError(cfg, err)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// watch records why the SSH connection ended, for the errors of later
// calls.
func (b *Backend) watch() {
	err := b.ssh.Wait()
	select {
	case <-b.stop:
		return // closed by Close
	default:
	}
	reason := "the server closed it"
	if err != nil && !errors.Is(err, io.EOF) {
		reason = err.Error()
	}
	b.setLost(reason)
}

// keepalive probes the connection while it is open, so that a server that
// vanished without closing the TCP connection (power cut, network gone) is
// noticed instead of hanging the next call forever.
func (b *Backend) keepalive(interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-ticker.C:
		}
		reply := make(chan error, 1)
		go func() {
			_, _, err := b.ssh.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		}()
		select {
		case <-b.stop:
			return
		case err := <-reply:
			if err != nil {
				return // the connection is gone; watch says why
			}
		case <-time.After(3 * interval):
			b.setLost(fmt.Sprintf("the server did not answer keepalives for %v", 3*interval))
			b.ssh.Close()
			return
		}
	}
}

func (b *Backend) setLost(reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.lost == nil {
		b.lost = fmt.Errorf("%w: connection to %s: %s", ErrConnectionLost, b.cfg.addr(), reason)
	}
}

func (b *Backend) lostErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lost
}

// check fails fast when the context is done or the connection is gone.
func (b *Backend) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.lostErr()
}

// wrap adds the operation and the file to err, turns a missing file into
// backend.ErrNotExist and a dropped connection into ErrConnectionLost.
func (b *Backend) wrap(op string, h backend.Handle, p string, err error) error {
	if err == nil {
		return nil
	}
	if lost := b.lostErr(); lost != nil || isConnError(err) {
		if lost == nil {
			// The write failed before the connection's reader noticed.
			b.setLost(err.Error())
			lost = b.lostErr()
		}
		return fmt.Errorf("%s %s on %s: %w", op, h, b.Location(), lost)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s %s: %s on %s: %w", op, h, p, b.cfg.addr(), backend.ErrNotExist)
	}
	return fmt.Errorf("%s %s (%s on %s): %w", op, h, p, b.cfg.addr(), err)
}

// Location returns the repository's sftp:// URL, without a password.
func (b *Backend) Location() string {
	c := b.cfg
	c.Path = b.root
	return c.String()
}

func (b *Backend) path(h backend.Handle) string { return path.Join(b.root, layout.Path(h)) }

// Create makes the repository's directories. It fails if a config file
// already exists.
func (b *Backend) Create(ctx context.Context) error {
	if err := b.check(ctx); err != nil {
		return err
	}
	cfgHandle := backend.Handle{Type: backend.ConfigFile}
	cfgPath := b.path(cfgHandle)
	if _, err := b.client.Lstat(cfgPath); err == nil {
		return fmt.Errorf("create repository on %s: %s already exists", b.Location(), cfgPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return b.wrap("create repository:", cfgHandle, cfgPath, err)
	}
	if err := b.client.MkdirAll(b.root); err != nil {
		return b.wrap("create repository:", cfgHandle, b.root, err)
	}
	// Only the type directories: pack shards are made by the first Save
	// that needs one, which spares 256 round trips here.
	for _, dir := range layout.Dirs() {
		if strings.Contains(dir, "/") {
			continue
		}
		if err := b.mkdir(ctx, dir); err != nil {
			return err
		}
	}
	return nil
}

// mkdir makes dir (relative to the root) unless it exists.
func (b *Backend) mkdir(ctx context.Context, dir string) error {
	if err := b.check(ctx); err != nil {
		return err
	}
	p := path.Join(b.root, dir)
	err := b.client.Mkdir(p)
	if err == nil {
		return nil
	}
	// SFTP reports an existing directory as a generic failure: look.
	if fi, statErr := b.client.Stat(p); statErr == nil && fi.IsDir() {
		return nil
	}
	if lost := b.lostErr(); lost != nil {
		return fmt.Errorf("mkdir %s on %s: %w", p, b.Location(), lost)
	}
	return fmt.Errorf("mkdir %s on %s: %w", p, b.cfg.addr(), err)
}

// Save writes rd to a temporary file beside h's final name and renames it
// into place. A file other than a lock that already exists is not replaced.
func (b *Backend) Save(ctx context.Context, h backend.Handle, rd io.Reader) (err error) {
	if err := layout.Check(h); err != nil {
		return err
	}
	if err := b.check(ctx); err != nil {
		return err
	}
	final := b.path(h)
	if h.Type != backend.LockFile {
		if _, err := b.client.Lstat(final); err == nil {
			return fmt.Errorf("save %s: %s already exists on %s", h, final, b.cfg.addr())
		}
	}
	tmp := path.Join(path.Dir(final), layout.TempPrefix+path.Base(final)+"-"+randomSuffix())
	f, err := b.client.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if errors.Is(err, fs.ErrNotExist) && h.Type == backend.PackFile {
		// The pack's shard directory does not exist yet.
		if err = b.mkdir(ctx, path.Dir(layout.Path(h))); err == nil {
			f, err = b.client.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
		}
	}
	if err != nil {
		return b.wrap("save", h, tmp, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			// The connection may be gone: then the temporary file stays, and
			// List never shows it.
			_ = b.client.Remove(tmp)
		}
	}()
	if _, err = f.ReadFrom(layout.ContextReader(ctx, rd)); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return err
		}
		if b.lostErr() == nil && !isConnError(err) {
			// The reader's error, or the server's: both say what happened.
			return fmt.Errorf("save %s: write %s on %s: %w", h, tmp, b.cfg.addr(), err)
		}
		return b.wrap("save", h, tmp, err)
	}
	if err = f.Sync(); err != nil && !isUnsupported(err) {
		return b.wrap("save: sync", h, tmp, err)
	}
	if err = f.Chmod(0o400); err != nil {
		return b.wrap("save: chmod", h, tmp, err)
	}
	if err = f.Close(); err != nil {
		return b.wrap("save: close", h, tmp, err)
	}
	if err = b.check(ctx); err != nil {
		return err
	}
	if h.Type == backend.LockFile {
		err = b.replace(tmp, final)
	} else {
		err = b.client.Rename(tmp, final)
		if err != nil {
			if _, statErr := b.client.Lstat(final); statErr == nil {
				return fmt.Errorf("save %s: %s already exists on %s", h, final, b.cfg.addr())
			}
		}
	}
	if err != nil {
		return b.wrap("save: rename", h, final, err)
	}
	return nil
}

// replace renames tmp over final, atomically when the server has
// posix-rename@openssh.com.
func (b *Backend) replace(tmp, final string) error {
	if b.posixRename {
		return b.client.PosixRename(tmp, final)
	}
	if err := b.client.Remove(final); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return b.client.Rename(tmp, final)
}

// isConnError reports whether err says the connection itself failed, as
// opposed to the server refusing one request.
func isConnError(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, sftp.ErrSSHFxConnectionLost) || errors.Is(err, sftp.ErrSSHFxNoConnection) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe) || errors.As(err, &opErr)
}

func isUnsupported(err error) bool {
	var status *sftp.StatusError
	return errors.As(err, &status) && status.FxCode() == sftp.ErrSSHFxOpUnsupported
}

func randomSuffix() string {
	buf := make([]byte, 8)
	_, _ = rand.Read(buf) // crypto/rand never fails on Linux
	return hex.EncodeToString(buf)
}

// Load calls fn with length bytes of h from offset (to the end when length
// is 0). A range that goes past the end of the file is an error.
func (b *Backend) Load(ctx context.Context, h backend.Handle, length int, offset int64, fn func(rd io.Reader) error) error {
	if err := layout.Check(h); err != nil {
		return err
	}
	if length < 0 || offset < 0 {
		return fmt.Errorf("load %s: invalid range (length %d, offset %d)", h, length, offset)
	}
	if err := b.check(ctx); err != nil {
		return err
	}
	p := b.path(h)
	f, err := b.client.Open(p)
	if err != nil {
		return b.wrap("load", h, p, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return b.wrap("load", h, p, err)
	}
	end := offset + int64(length)
	if length == 0 {
		end = fi.Size()
	}
	if offset > fi.Size() || end > fi.Size() {
		return fmt.Errorf("load %s: bytes %d to %d requested, but %s on %s has %d: %w", h, offset, end, p, b.cfg.addr(), fi.Size(), io.ErrUnexpectedEOF)
	}
	// Callers often read in small pieces; one SFTP request per piece would
	// make every read a round trip.
	rd := bufio.NewReaderSize(io.NewSectionReader(f, offset, end-offset), 256<<10)
	if err := fn(&lostReader{b: b, h: h, p: p, rd: layout.ContextReader(ctx, rd)}); err != nil {
		return err
	}
	return nil
}

// lostReader turns a read failing because the connection dropped into
// ErrConnectionLost, so that fn's caller sees why.
type lostReader struct {
	b  *Backend
	h  backend.Handle
	p  string
	rd io.Reader
}

func (r *lostReader) Read(p []byte) (int, error) {
	n, err := r.rd.Read(p)
	if err != nil && err != io.EOF {
		if r.b.lostErr() != nil || isConnError(err) {
			err = r.b.wrap("load", r.h, r.p, err)
		}
	}
	return n, err
}

// Stat describes h.
func (b *Backend) Stat(ctx context.Context, h backend.Handle) (backend.FileInfo, error) {
	if err := layout.Check(h); err != nil {
		return backend.FileInfo{}, err
	}
	if err := b.check(ctx); err != nil {
		return backend.FileInfo{}, err
	}
	p := b.path(h)
	fi, err := b.client.Lstat(p)
	if err != nil {
		return backend.FileInfo{}, b.wrap("stat", h, p, err)
	}
	return backend.FileInfo{Name: h.Name, Size: fi.Size()}, nil
}

// List calls fn for every file of type t. A missing type directory lists
// nothing.
func (b *Backend) List(ctx context.Context, t backend.FileType, fn func(backend.FileInfo) error) error {
	if err := b.check(ctx); err != nil {
		return err
	}
	if t == backend.ConfigFile {
		h := backend.Handle{Type: t}
		fi, err := b.client.Lstat(b.path(h))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return b.wrap("list", h, b.path(h), err)
		}
		return fn(backend.FileInfo{Size: fi.Size()})
	}
	if !layout.KnownType(t) {
		return fmt.Errorf("list: unknown file type %q", t)
	}
	dir := path.Join(b.root, string(t))
	if t != backend.PackFile {
		return b.listDir(ctx, t, dir, fn)
	}
	shards, err := b.readDir(ctx, dir)
	if err != nil {
		return b.wrap("list", backend.Handle{Type: t}, dir, err)
	}
	for _, shard := range shards {
		if !shard.IsDir() {
			continue
		}
		if err := b.listDir(ctx, t, path.Join(dir, shard.Name()), fn); err != nil {
			return err
		}
	}
	return nil
}

func (b *Backend) listDir(ctx context.Context, t backend.FileType, dir string, fn func(backend.FileInfo) error) error {
	entries, err := b.readDir(ctx, dir)
	if err != nil {
		return b.wrap("list", backend.Handle{Type: t}, dir, err)
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), layout.TempPrefix) || !e.Mode().IsRegular() {
			continue
		}
		if err := fn(backend.FileInfo{Name: e.Name(), Size: e.Size()}); err != nil {
			return err
		}
	}
	return nil
}

// readDir reads a directory; a missing one has no entries.
func (b *Backend) readDir(ctx context.Context, dir string) ([]os.FileInfo, error) {
	entries, err := b.client.ReadDirContext(ctx, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, err
	}
	return entries, nil
}

// Remove deletes h.
func (b *Backend) Remove(ctx context.Context, h backend.Handle) error {
	if err := layout.Check(h); err != nil {
		return err
	}
	if err := b.check(ctx); err != nil {
		return err
	}
	p := b.path(h)
	return b.wrap("remove", h, p, b.client.Remove(p))
}

// Close ends the SFTP session and the SSH connection.
func (b *Backend) Close() error {
	var err error
	b.closeOnce.Do(func() {
		close(b.stop)
		cerr := b.client.Close()
		serr := b.ssh.Close()
		if b.lostErr() != nil {
			return // nothing left to close cleanly
		}
		if cerr != nil && !errors.Is(cerr, io.EOF) && !errors.Is(cerr, net.ErrClosed) {
			err = fmt.Errorf("close %s: %w", b.Location(), cerr)
		} else if serr != nil && !errors.Is(serr, io.EOF) && !errors.Is(serr, net.ErrClosed) {
			err = fmt.Errorf("close %s: %w", b.Location(), serr)
		}
	})
	return err
}
