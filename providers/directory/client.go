package directory

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// settings is the provider configuration after defaults.
type settings struct {
	url, bindDN, password, baseDN string
	usersOU, groupsOU, disabledOU string
	startTLS, insecure            bool
	caFile                        string
	timeout                       time.Duration
	pageSize                      uint32
	uidMin, uidMax                int
	emptyMember                   string
	connections                   int
}

func (s *settings) usersBase() string    { return s.usersOU + "," + s.baseDN }
func (s *settings) groupsBase() string   { return s.groupsOU + "," + s.baseDN }
func (s *settings) disabledBase() string { return s.disabledOU + "," + s.baseDN }

// client hands out bound connections from a small pool.
type client struct {
	s    *settings
	pool chan *ldap.Conn
	// searches counts search operations, so tests can check that a plan
	// costs the same number of searches whatever the directory's size.
	searches atomic.Int64
}

func newClient(s *settings) *client {
	return &client{s: s, pool: make(chan *ldap.Conn, s.connections)}
}

func (c *client) tlsConfig() (*tls.Config, error) {
	host := c.s.url
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	conf := &tls.Config{ServerName: host, InsecureSkipVerify: c.s.insecure, MinVersion: tls.VersionTLS12}
	if c.s.caFile != "" {
		pem, err := os.ReadFile(c.s.caFile)
		if err != nil {
			return nil, fmt.Errorf("reading ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", c.s.caFile)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

func (c *client) dial(ctx context.Context) (*ldap.Conn, error) {
	tc, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	conn, err := ldap.DialURL(c.s.url, ldap.DialWithTLSConfig(tc), ldap.DialWithDialer(dialerFor(ctx, c.s.timeout)))
	if err != nil {
		return nil, fmt.Errorf("cannot reach the directory at %s: %w", c.s.url, err)
	}
	conn.SetTimeout(c.s.timeout)
	if c.s.startTLS {
		if err := conn.StartTLS(tc); err != nil {
			conn.Close()
			return nil, fmt.Errorf("StartTLS with %s failed: %w", c.s.url, err)
		}
	}
	if err := conn.Bind(c.s.bindDN, c.s.password); err != nil {
		conn.Close()
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			return nil, fmt.Errorf("binding as %s was refused: wrong bind_dn or password", c.s.bindDN)
		}
		return nil, fmt.Errorf("binding as %s: %w", c.s.bindDN, err)
	}
	return conn, nil
}

// with runs fn on a pooled connection; a connection that failed at the
// network level is dropped rather than reused.
func (c *client) with(ctx context.Context, fn func(*ldap.Conn) error) error {
	var conn *ldap.Conn
	select {
	case conn = <-c.pool:
	default:
		var err error
		if conn, err = c.dial(ctx); err != nil {
			return err
		}
	}
	err := fn(conn)
	if err != nil && isNetworkError(err) {
		conn.Close()
		return fmt.Errorf("the connection to %s was lost: %w", c.s.url, err)
	}
	select {
	case c.pool <- conn:
	default:
		conn.Close()
	}
	return err
}

func isNetworkError(err error) bool {
	var le *ldap.Error
	if errors.As(err, &le) {
		return le.ResultCode == ldap.ErrorNetwork
	}
	return strings.Contains(err.Error(), "connection closed") || strings.Contains(err.Error(), "EOF")
}

func (c *client) close() {
	for {
		select {
		case conn := <-c.pool:
			conn.Close()
		default:
			return
		}
	}
}

// describe turns a server error into a sentence naming the entry.
func describe(dn string, err error) error {
	var le *ldap.Error
	if errors.As(err, &le) {
		what := ldap.LDAPResultCodeMap[le.ResultCode]
		msg := ""
		if le.Err != nil {
			msg = le.Err.Error()
		}
		return fmt.Errorf("%s: the server answered %s (%d): %s", dn, what, le.ResultCode, msg)
	}
	return fmt.Errorf("%s: %w", dn, err)
}
