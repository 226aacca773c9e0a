package sftp

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// clientConfig builds the SSH client configuration: authentication methods
// and host key verification.
func clientConfig(cfg Config) (*ssh.ClientConfig, error) {
	cc := &ssh.ClientConfig{
		User:    cfg.User,
		Timeout: cfg.ConnectTimeout,
	}
	if cfg.KeyFile != "" {
		signer, err := readKey(cfg.KeyFile)
		if err != nil {
			return nil, err
		}
		cc.Auth = append(cc.Auth, ssh.PublicKeys(signer))
	}
	if cfg.Password != "" {
		password := cfg.Password
		cc.Auth = append(cc.Auth,
			ssh.Password(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = password
				}
				return answers, nil
			}))
	}
	if len(cc.Auth) == 0 {
		return nil, errors.New("no way to log in: give a private key file or a password")
	}
	switch {
	case cfg.InsecureIgnoreHostKey:
		cc.HostKeyCallback = ssh.InsecureIgnoreHostKey()
	case cfg.KnownHostsFile == "":
		return nil, errors.New("no known_hosts file to verify the server's host key with (or explicitly turn host key checking off)")
	default:
		cb, err := knownhosts.New(cfg.KnownHostsFile)
		if err != nil {
			return nil, fmt.Errorf("read known_hosts file: %w", err)
		}
		cc.HostKeyCallback = verifier(cfg, cb)
		// Ask the server for the kinds of key known_hosts has for it, so
		// that a server with several host keys shows one we can check.
		cc.HostKeyAlgorithms = knownAlgorithms(cb, cfg.addr())
	}
	return cc, nil
}

// readKey reads an unencrypted private key.
func readKey(file string) (ssh.Signer, error) {
	pemBytes, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read private key: %w", err)
	}
	signer, err := ssh.ParsePrivateKey(pemBytes)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("private key %s is protected by a passphrase; give an unencrypted key (or a password)", file)
	}
	if err != nil {
		return nil, fmt.Errorf("private key %s: %w", file, err)
	}
	return signer, nil
}

// HostKeyError is the error of a connection refused because the server's
// host key is not the one known_hosts has for it, or is not there at all.
type HostKeyError struct {
	Addr           string // host:port
	KnownHostsFile string
	Fingerprint    string // SHA256 fingerprint of the key the server showed
	KeyType        string
	// Known are "file:line" of the entries for this host with other keys;
	// empty when the host is not in the file.
	Known   []string
	Revoked bool
}

// Error says what failed and what to do about it.
func (e *HostKeyError) Error() string {
	switch {
	case e.Revoked:
		return fmt.Sprintf("host key verification failed: %s shows the %s key %s, which %s marks as revoked", e.Addr, e.KeyType, e.Fingerprint, e.KnownHostsFile)
	case len(e.Known) > 0:
		return fmt.Sprintf("host key verification failed: %s shows the %s key %s, but %s has a different key for it (%s). "+
			"Someone may be intercepting the connection; if the server's key was changed on purpose, replace that line",
			e.Addr, e.KeyType, e.Fingerprint, e.KnownHostsFile, strings.Join(e.Known, ", "))
	default:
		return fmt.Sprintf("host key verification failed: %s is not in %s (it shows the %s key %s); "+
			"check the fingerprint with the server's administrator, then add it (ssh-keyscan -p %s %s >> %s)",
			e.Addr, e.KnownHostsFile, e.KeyType, e.Fingerprint, portOf(e.Addr), hostOf(e.Addr), e.KnownHostsFile)
	}
}

func hostOf(addr string) string { h, _, _ := net.SplitHostPort(addr); return h }
func portOf(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

// verifier checks the host key with cb and turns its errors into a
// HostKeyError that says what to do.
func verifier(cfg Config, cb ssh.HostKeyCallback) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := cb(hostname, remote, key)
		if err == nil {
			return nil
		}
		hkErr := &HostKeyError{
			Addr:           cfg.addr(),
			KnownHostsFile: cfg.KnownHostsFile,
			Fingerprint:    ssh.FingerprintSHA256(key),
			KeyType:        key.Type(),
		}
		var keyErr *knownhosts.KeyError
		var revoked *knownhosts.RevokedError
		switch {
		case errors.As(err, &revoked):
			hkErr.Revoked = true
		case errors.As(err, &keyErr):
			for _, k := range keyErr.Want {
				hkErr.Known = append(hkErr.Known, k.Filename+":"+strconv.Itoa(k.Line))
			}
		default:
			return err
		}
		return hkErr
	}
}

// knownAlgorithms returns the host key algorithms of the keys cb knows for
// addr, or nil (the library's defaults) when it knows none. It asks cb about
// a key no file can hold: the KeyError lists the keys known for the host.
func knownAlgorithms(cb ssh.HostKeyCallback, addr string) []string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil
	}
	probe, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	if err := cb(addr, &net.TCPAddr{IP: net.IPv4zero}, probe); !errors.As(err, &keyErr) {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			algos = append(algos, a)
		}
	}
	for _, k := range keyErr.Want {
		if k.Key.Type() == ssh.KeyAlgoRSA {
			// An RSA key signs with SHA-2 on any server of the last decade.
			add(ssh.KeyAlgoRSASHA512)
			add(ssh.KeyAlgoRSASHA256)
		}
		add(k.Key.Type())
	}
	return algos
}

// describeHandshakeError says what a failed handshake means for the user.
func describeHandshakeError(cfg Config, err error) error {
	var hkErr *HostKeyError
	if errors.As(err, &hkErr) {
		return hkErr
	}
	if strings.Contains(err.Error(), "unable to authenticate") {
		var how []string
		if cfg.KeyFile != "" {
			how = append(how, "key "+cfg.KeyFile)
		}
		if cfg.Password != "" {
			how = append(how, "password")
		}
		return fmt.Errorf("log in as %s: the server refused the %s: %w", cfg.User, strings.Join(how, " and the "), err)
	}
	return fmt.Errorf("SSH handshake: %w", err)
}
