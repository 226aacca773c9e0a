package lab

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// DeviceSpec describes a simulated device.
type DeviceSpec struct {
	// Name identifies the device in the lab and in the generated provider
	// configuration (device "NAME").
	Name string
	// Platform is cisco_iosxe, arista_eos or cisco_nxos.
	Platform string
	// Hostname is the device's initial hostname; Name by default.
	Hostname string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Username and Password are the login credentials.
	Username, Password string
	// AuthorizedKeys are public keys (authorized_keys lines) that may log
	// in as Username instead of the password.
	AuthorizedKeys []string
	// EnableSecret, when set, makes logins start in user exec mode
	// (hostname>) and `enable` ask for this password. Without it the user
	// has privilege 15 and starts at hostname#, which is how automation
	// accounts are usually set up.
	EnableSecret string
	// Latency is waited before the device answers each command.
	Latency time.Duration
	// Model overrides the hardware model in show version (C9300-48P,
	// vEOS-lab, N9K-C93180YC-EX by default).
	Model string
	// HostKey is the SSH host key; a new ED25519 key by default. Give the
	// same key to keep a device's identity across restarts.
	HostKey ed25519.PrivateKey
}

// Device is a simulated switch listening for SSH on 127.0.0.1.
type Device struct {
	spec   DeviceSpec
	plat   *platform
	trees  *trees
	signer ssh.Signer
	srvCfg *ssh.ServerConfig
	ln     net.Listener

	started time.Time
	serial  string
	mac     [6]byte
	salt    string

	// mu guards the configuration state below, and serialises command
	// execution like the single configuration lock of a real device.
	mu            sync.Mutex
	running       *config
	startup       *config
	files         map[string]*flashFile
	sessions      map[string]*cfgSession
	completed     map[string]bool
	checkpoints   map[string]*flashFile
	sessionSeq    int
	checkpointSeq int
	lastChange    time.Time
	lastChangeBy  string
	lastSave      time.Time
	lastSaveBy    string
	rejects       []string

	commands  atomic.Int64
	logins    atomic.Int64
	dropAfter atomic.Int64 // -1: disarmed
	latency   atomic.Int64 // nanoseconds
	host      atomic.Value // the hostname in the prompt

	connMu    sync.Mutex
	conns     map[net.Conn]struct{}
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// flashFile is a configuration saved to flash: or an NX-OS checkpoint.
type flashFile struct {
	cfg  *config
	text string
	at   time.Time
	user string
}

// cfgSession is a pending EOS configuration session: a full copy of the
// running-config that commit puts in its place.
type cfgSession struct {
	cfg     *config
	user    string
	created time.Time
}

// NewDevice creates a device in its factory configuration (hostname,
// VLAN 1, 48 ports) without starting it.
func NewDevice(spec DeviceSpec) (*Device, error) {
	p := platforms[spec.Platform]
	if p == nil {
		return nil, fmt.Errorf("lab: unknown platform %q (want one of %s)", spec.Platform, strings.Join(Platforms(), ", "))
	}
	if spec.Name == "" {
		return nil, errors.New("lab: a device needs a name")
	}
	if spec.Hostname == "" {
		spec.Hostname = spec.Name
	}
	if spec.Username == "" || spec.Password == "" {
		return nil, fmt.Errorf("lab: device %s needs a username and a password", spec.Name)
	}
	if spec.HostKey == nil {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		spec.HostKey = key
	}
	signer, err := ssh.NewSignerFromKey(spec.HostKey)
	if err != nil {
		return nil, err
	}
	d := &Device{
		spec:        spec,
		plat:        p,
		trees:       treesFor(p),
		signer:      signer,
		started:     time.Now(),
		files:       map[string]*flashFile{},
		sessions:    map[string]*cfgSession{},
		completed:   map[string]bool{},
		checkpoints: map[string]*flashFile{},
		conns:       map[net.Conn]struct{}{},
		done:        make(chan struct{}),
	}
	d.running = newConfig(p, spec.Hostname)
	d.startup = d.running.clone()
	d.dropAfter.Store(-1)
	d.latency.Store(int64(spec.Latency))
	d.syncHostname()
	d.identity()
	var authorized []ssh.PublicKey
	for _, line := range spec.AuthorizedKeys {
		k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("lab: device %s: authorized key %q: %w", spec.Name, line, err)
		}
		authorized = append(authorized, k)
	}
	d.srvCfg = &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if d.checkLogin(c.User(), string(pw)) {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("authentication failed")
		},
		KeyboardInteractiveCallback: func(c ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			answers, err := challenge(c.User(), "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(answers) == 1 && d.checkLogin(c.User(), answers[0]) {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("authentication failed")
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if subtle.ConstantTimeCompare([]byte(c.User()), []byte(spec.Username)) == 1 {
				for _, k := range authorized {
					if subtle.ConstantTimeCompare(k.Marshal(), key.Marshal()) == 1 {
						return &ssh.Permissions{}, nil
					}
				}
			}
			return nil, errors.New("key not authorized")
		},
		ServerVersion: p.sshVersion,
		MaxAuthTries:  3,
	}
	d.srvCfg.AddHostKey(signer)
	return d, nil
}

var (
	treeMu    sync.Mutex
	treeCache = map[string]*trees{}
)

// treesFor builds a platform's command trees once; they hold no state.
func treesFor(p *platform) *trees {
	treeMu.Lock()
	defer treeMu.Unlock()
	t := treeCache[p.name]
	if t == nil {
		t = buildTrees(p)
		treeCache[p.name] = t
	}
	return t
}

// identity derives serial number, MAC address and password-hash salt from
// the name, so that a device looks the same in every run.
func (d *Device) identity() {
	sum := sha256.Sum256([]byte(d.plat.name + "/" + d.spec.Name))
	n := binary.BigEndian.Uint64(sum[:8])
	switch d.plat.name {
	case PlatformEOS:
		if strings.HasPrefix(d.model(), "vEOS") {
			d.serial = strings.ToUpper(fmt.Sprintf("%x", sum[:16]))
		} else {
			d.serial = fmt.Sprintf("JPE%08d", n%100000000)
		}
		d.mac = [6]byte{0x52, 0x54, 0x00, sum[8], sum[9], sum[10]}
	case PlatformNXOS:
		d.serial = fmt.Sprintf("FDO%04d%04X", 2000+n%100, sum[9:11])
		d.mac = [6]byte{0x00, 0x3a, 0x9c, sum[8], sum[9], sum[10]}
	default:
		d.serial = fmt.Sprintf("FOC%04d%c%03X", 2200+n%100, 'A'+rune(sum[8]%26), int(sum[9])<<4|int(sum[10]>>4))
		d.mac = [6]byte{0x00, 0xa3, 0xd1, sum[8], sum[9], sum[10]}
	}
	d.salt = base64.RawURLEncoding.EncodeToString(sum[16:24])
}

// secretHash is what the running-config shows as the user's secret: shaped
// like the platform's hash, but never the password or a crackable hash of
// it under a fixed salt.
func (d *Device) secretHash(prefix string) string {
	m := hmac.New(sha256.New, d.spec.HostKey.Seed())
	m.Write([]byte(d.spec.Password))
	return prefix + d.salt + "$" + base64.RawStdEncoding.EncodeToString(m.Sum(nil))
}

func (d *Device) macDotted() string {
	return fmt.Sprintf("%02x%02x.%02x%02x.%02x%02x", d.mac[0], d.mac[1], d.mac[2], d.mac[3], d.mac[4], d.mac[5])
}

func (d *Device) macColons() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", d.mac[0], d.mac[1], d.mac[2], d.mac[3], d.mac[4], d.mac[5])
}

func (d *Device) checkLogin(user, password string) bool {
	okUser := subtle.ConstantTimeCompare([]byte(user), []byte(d.spec.Username)) == 1
	okPass := subtle.ConstantTimeCompare([]byte(password), []byte(d.spec.Password)) == 1
	return okUser && okPass
}

// Start listens on 127.0.0.1 (on spec.Port, or a free port) and serves
// SSH until Close.
func (d *Device) Start(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(d.spec.Port)))
	if err != nil {
		return fmt.Errorf("lab: device %s: %w", d.spec.Name, err)
	}
	d.ln = ln
	d.wg.Add(1)
	go d.acceptLoop()
	return nil
}

// Close stops the device: the listener and every connection.
func (d *Device) Close() error {
	var err error
	d.closeOnce.Do(func() {
		close(d.done)
		if d.ln != nil {
			err = d.ln.Close()
		}
		d.connMu.Lock()
		for c := range d.conns {
			c.Close()
		}
		d.connMu.Unlock()
	})
	d.wg.Wait()
	return err
}

func (d *Device) acceptLoop() {
	defer d.wg.Done()
	for {
		nc, err := d.ln.Accept()
		if err != nil {
			select {
			case <-d.done:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		d.connMu.Lock()
		select {
		case <-d.done:
			d.connMu.Unlock()
			nc.Close()
			return
		default:
		}
		d.conns[nc] = struct{}{}
		d.wg.Add(1)
		d.connMu.Unlock()
		go d.serveConn(nc)
	}
}

func (d *Device) serveConn(nc net.Conn) {
	defer d.wg.Done()
	defer func() {
		nc.Close()
		d.connMu.Lock()
		delete(d.conns, nc)
		d.connMu.Unlock()
	}()
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second)) // for the handshake only
	sc, chans, reqs, err := ssh.NewServerConn(nc, d.srvCfg)
	if err != nil {
		return
	}
	_ = nc.SetDeadline(time.Time{})
	d.logins.Add(1)
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	var chWG sync.WaitGroup
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only session channels are supported")
			continue
		}
		ch, chReqs, err := nch.Accept()
		if err != nil {
			continue
		}
		chWG.Add(1)
		go func() {
			defer chWG.Done()
			d.serveChannel(sc.User(), nc, ch, chReqs)
		}()
	}
	chWG.Wait()
}

// serveChannel handles one session channel: a pty and a shell (what
// scrapligo and people use), or an exec request (`ssh switch show version`).
func (d *Device) serveChannel(user string, nc net.Conn, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	var cols int
	var started bool
	// The shell or command runs beside the request loop (a window change
	// may still arrive); the channel is done when both are.
	var run sync.WaitGroup
	defer run.Wait()
	for req := range reqs {
		switch req.Type {
		case "pty-req":
			cols = ptyCols(req.Payload)
			_ = req.Reply(true, nil)
		case "env", "window-change":
			_ = req.Reply(true, nil)
		case "shell":
			if started {
				_ = req.Reply(false, nil)
				continue
			}
			started = true
			_ = req.Reply(true, nil)
			run.Add(1)
			go func() {
				defer run.Done()
				d.runShell(user, nc, ch, cols)
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
				ch.Close()
			}()
		case "exec":
			if started {
				_ = req.Reply(false, nil)
				continue
			}
			started = true
			var cmd struct{ Command string }
			if err := ssh.Unmarshal(req.Payload, &cmd); err != nil {
				_ = req.Reply(false, nil)
				continue
			}
			_ = req.Reply(true, nil)
			run.Add(1)
			go func() {
				defer run.Done()
				d.runExec(user, nc, ch, cmd.Command)
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
				ch.Close()
			}()
		default:
			_ = req.Reply(false, nil)
		}
	}
}

func ptyCols(payload []byte) int {
	var p struct {
		Term       string
		Cols, Rows uint32
		W, H       uint32
		Modes      string
	}
	if err := ssh.Unmarshal(payload, &p); err != nil {
		return 0
	}
	return int(p.Cols)
}

func (d *Device) runShell(user string, nc net.Conn, ch ssh.Channel, cols int) {
	s := newSession(d, user, ch)
	s.hangup = func() { nc.Close() }
	if cols > 0 {
		s.termWidth = cols
	}
	s.put("\n")
	s.showPrompt()
	s.flush()
	buf := make([]byte, 4096)
	for !s.closed {
		n, err := ch.Read(buf)
		if n > 0 {
			s.feed(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

func (d *Device) runExec(user string, nc net.Conn, ch ssh.Channel, command string) {
	s := newSession(d, user, ch)
	s.hangup = func() { nc.Close() }
	s.noPrompt, s.crlf, s.termLen = true, false, 0
	s.mode.kind = modePriv
	s.execute(command)
	s.flush()
	_ = ch.CloseWrite()
}

// takeDrop counts a command against DropAfter and reports whether the
// connection must drop now.
func (d *Device) takeDrop() bool {
	for {
		n := d.dropAfter.Load()
		switch {
		case n < 0:
			return false
		case n == 0:
			if d.dropAfter.CompareAndSwap(0, -1) {
				return true
			}
		default:
			if d.dropAfter.CompareAndSwap(n, n-1) {
				return false
			}
		}
	}
}

func (d *Device) sleepLatency() {
	lat := time.Duration(d.latency.Load())
	if lat <= 0 {
		return
	}
	t := time.NewTimer(lat)
	defer t.Stop()
	select {
	case <-t.C:
	case <-d.done:
	}
}

// noteChange records a configuration change for the IOS-XE header.
func (d *Device) noteChange(user string, inSession bool) {
	if inSession {
		return // an uncommitted EOS session changes nothing yet
	}
	d.lastChange, d.lastChangeBy = time.Now(), user
}

func (d *Device) syncHostname() { d.host.Store(d.running.hostname) }

func (d *Device) hostname() string { return d.host.Load().(string) }

// ---- the API for tests ----

// Name is the device's name in the lab.
func (d *Device) Name() string { return d.spec.Name }

// Platform is the device's platform name (cisco_iosxe, ...).
func (d *Device) Platform() string { return d.plat.name }

// Username is the login user.
func (d *Device) Username() string { return d.spec.Username }

// Password is the login password.
func (d *Device) Password() string { return d.spec.Password }

// Host is the address the device listens on: always 127.0.0.1.
func (d *Device) Host() string { return "127.0.0.1" }

// Port is the TCP port of the SSH server (after Start).
func (d *Device) Port() int {
	if d.ln == nil {
		return d.spec.Port
	}
	return d.ln.Addr().(*net.TCPAddr).Port
}

// Addr is host:port.
func (d *Device) Addr() string { return net.JoinHostPort(d.Host(), strconv.Itoa(d.Port())) }

// HostKey is the device's public host key.
func (d *Device) HostKey() ssh.PublicKey { return d.signer.PublicKey() }

// HostKeyPrivate is the private host key, for restarting the device with
// the same identity.
func (d *Device) HostKeyPrivate() ed25519.PrivateKey { return d.spec.HostKey }

// AuthorizedKey is the host key as one authorized_keys-format line:
// "ssh-ed25519 AAAA...".
func (d *Device) AuthorizedKey() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(d.HostKey())))
}

// KnownHostsLine is the host key as a known_hosts line for the device's
// address: "[127.0.0.1]:PORT ssh-ed25519 AAAA...".
func (d *Device) KnownHostsLine() string {
	return knownhosts.Line([]string{knownhosts.Normalize(d.Addr())}, d.HostKey())
}

// Config returns the running-config as `show running-config` prints it.
func (d *Device) Config() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.renderRunning(d.running)
}

// StartupConfig returns the saved configuration as `show startup-config`
// prints it.
func (d *Device) StartupConfig() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.renderStartup()
}

// CommandCount is the number of command lines the device has received
// over SSH (empty lines and answers to prompts are not counted).
func (d *Device) CommandCount() int64 { return d.commands.Load() }

// Logins counts successful SSH logins since the device started: tests use
// it to check that a plan or an apply opens one session per device.
func (d *Device) Logins() int64 { return d.logins.Load() }

// ResetCommandCount sets the command count back to zero.
func (d *Device) ResetCommandCount() { d.commands.Store(0) }

// RejectLine makes the device refuse, with the platform's invalid-input
// error, every command line containing substr. The line has no effect.
func (d *Device) RejectLine(substr string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rejects = append(d.rejects, substr)
}

// DropAfter makes the device execute n more commands and then, when the
// next command arrives, close that SSH connection without executing or
// answering it. It fires once; n < 0 disarms it.
func (d *Device) DropAfter(n int) { d.dropAfter.Store(int64(n)) }

// SetLatency sets how long the device waits before answering each
// command.
func (d *Device) SetLatency(lat time.Duration) { d.latency.Store(int64(lat)) }

// ClearFaults removes RejectLine rules, disarms DropAfter and sets the
// latency to zero.
func (d *Device) ClearFaults() {
	d.mu.Lock()
	d.rejects = nil
	d.mu.Unlock()
	d.dropAfter.Store(-1)
	d.latency.Store(0)
}

// Sessions reports the names of the pending EOS configuration sessions.
func (d *Device) Sessions() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var names []string
	for n := range d.sessions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Console runs command lines on the device's console, as someone logged in
// out-of-band would (to make a change behind the provider's back), and
// returns what the device printed, prompts included. Console commands are
// not counted and not subject to faults. Lines may answer questions the
// device asks, such as the destination of copy.
func (d *Device) Console(lines ...string) string {
	var out strings.Builder
	s := newSession(d, "console", &out)
	s.console, s.crlf, s.termLen = true, false, 0
	s.mode.kind = modePriv
	s.hangup = func() {}
	s.showPrompt()
	for _, l := range lines {
		s.feed([]byte(l + "\n"))
		if s.closed {
			break
		}
	}
	s.flush()
	return out.String()
}
