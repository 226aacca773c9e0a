package directory

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures a Server. Only RootPassword is required.
type Config struct {
	// Suffix is the naming context, "dc=example,dc=org" by default. Its
	// entry, the organizational units ou=people, ou=groups, ou=disabled and
	// ou=policies below it, and ppolicy's default policy
	// cn=default,ou=policies exist from the start.
	Suffix string
	// RootDN is the administrator (slapd's olcRootDN), which needs no entry
	// and is subject to no access control or size limit;
	// "cn=admin,<suffix>" by default.
	RootDN string
	// RootPassword is the rootdn's password.
	RootPassword string
	// Host is the address to listen on, 127.0.0.1 by default.
	Host string
	// Port is the plain LDAP port, where StartTLS is offered; TLSPort is the
	// LDAPS port. 0 picks a free port when the server first starts; the
	// ports are kept across Stop and Start.
	Port, TLSPort int
	// SizeLimit caps the entries of a search without the paged results
	// control by anyone but the rootdn, like slapd's olcSizeLimit: 500 by
	// default (slapd's default); negative for no limit.
	SizeLimit int
	// MemberOfRefInt makes a rename or delete of a member entry rewrite the
	// member values of its groups (memberof-refint TRUE). Off by default,
	// as in slapd: without it groups keep the old DN of a moved or deleted
	// member.
	MemberOfRefInt bool
	// RFC2307bis makes posixGroup an auxiliary class (the rfc2307bis
	// schema), so that a groupOfNames can also be a posixGroup. By default
	// the schema is nis.schema, where both are structural and cannot be
	// combined.
	RFC2307bis bool
	// Now is the server's clock, time.Now by default.
	Now func() time.Time
	// Certificate, with CAPEM the PEM of the CA that signed it, replaces
	// the certificate the server generates for itself.
	Certificate *tls.Certificate
	CAPEM       []byte
}

// DropConnection as the code of FailNext closes the client's connection
// instead of answering, like a server that dies in the middle of an
// operation.
const DropConnection = -1

// Server is an in-memory LDAP directory server for tests and the lab. See
// the package documentation for what it implements.
type Server struct {
	cfg                Config
	schema             *schema
	dit                *dit
	tlsConf            *tls.Config
	caPEM              []byte
	rootDSE, subschema *entry

	mu        sync.Mutex
	host      string
	port      int
	tlsPort   int
	running   bool
	closed    bool
	listeners []net.Listener
	conns     map[*conn]struct{}
	wg        sync.WaitGroup
	faults    map[string][]int
	counts    map[string]int
	accepted  int
}

// New builds a server with its initial entries; Start makes it listen.
func New(cfg Config) (*Server, error) {
	if cfg.RootPassword == "" {
		return nil, errors.New("directory: a root password is required")
	}
	if cfg.Suffix == "" {
		cfg.Suffix = "dc=example,dc=org"
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SizeLimit == 0 {
		cfg.SizeLimit = 500
	}
	s := &Server{cfg: cfg, schema: newSchema(cfg.RFC2307bis), host: cfg.Host, port: cfg.Port, tlsPort: cfg.TLSPort,
		conns: map[*conn]struct{}{}, faults: map[string][]int{}, counts: map[string]int{}}
	suffix, ok := parseSuffix(s.schema, cfg.Suffix)
	if !ok {
		return nil, fmt.Errorf("directory: suffix %q is not a valid DN", cfg.Suffix)
	}
	if cfg.RootDN == "" {
		cfg.RootDN = "cn=admin," + suffix.String()
		s.cfg.RootDN = cfg.RootDN
	}
	rootDN, err := parseDN(cfg.RootDN)
	if err != nil || len(rootDN) == 0 {
		return nil, fmt.Errorf("directory: root DN %q is not a valid DN", cfg.RootDN)
	}
	rootDN = s.schema.canonical(rootDN)
	s.dit = newDIT(s.schema, suffix, rootDN, cfg.Now, cfg.MemberOfRefInt)

	if cfg.Certificate != nil {
		if len(cfg.CAPEM) == 0 {
			return nil, errors.New("directory: a certificate needs the CA PEM that signed it")
		}
		s.tlsConf = &tls.Config{Certificates: []tls.Certificate{*cfg.Certificate}, MinVersion: tls.VersionTLS12}
		s.caPEM = cfg.CAPEM
	} else {
		cert, caPEM, err := generateTLS(cfg.Host, time.Now())
		if err != nil {
			return nil, fmt.Errorf("directory: generating the TLS certificate: %w", err)
		}
		s.tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.caPEM = caPEM
	}
	if err := s.seed(suffix); err != nil {
		return nil, err
	}
	s.buildSpecialEntries(suffix)
	return s, nil
}

// Start creates a server with New and starts it.
func Start(cfg Config) (*Server, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

func parseSuffix(s *schema, v string) (dn, bool) {
	n, err := parseDN(v)
	if err != nil || len(n) == 0 {
		return nil, false
	}
	for _, r := range n {
		for _, a := range r {
			if s.attr(a.typ) == nil {
				return nil, false
			}
		}
	}
	return s.canonical(n), true
}

// seed creates the suffix entry and the three organizational units.
func (s *Server) seed(suffix dn) error {
	first := suffix[0][0]
	var attrs map[string][]string
	switch strings.ToLower(first.typ) {
	case "dc", "domaincomponent":
		attrs = map[string][]string{"objectClass": {"top", "dcObject", "organization"}, "dc": {first.val}, "o": {first.val}}
	case "o", "organizationname":
		attrs = map[string][]string{"objectClass": {"top", "organization"}, "o": {first.val}}
	case "ou", "organizationalunitname":
		attrs = map[string][]string{"objectClass": {"top", "organizationalUnit"}, "ou": {first.val}}
	default:
		return fmt.Errorf("directory: the suffix must start with dc=, o= or ou=, not %s=", first.typ)
	}
	if err := s.Add(suffix.String(), attrs); err != nil {
		return fmt.Errorf("directory: creating %s: %w", suffix, err)
	}
	for _, ou := range []string{"people", "groups", "disabled", "policies"} {
		if err := s.Add("ou="+ou+","+suffix.String(), map[string][]string{"objectClass": {"top", "organizationalUnit"}, "ou": {ou}}); err != nil {
			return fmt.Errorf("directory: creating ou=%s: %w", ou, err)
		}
	}
	// ppolicy's default policy, as the project's test slapd has it: its
	// pwdLockout makes pwdAccountLockedTime lock an account.
	return s.Add("cn=default,ou=policies,"+suffix.String(), map[string][]string{
		"objectClass": {"top", "organizationalRole", "pwdPolicy"}, "cn": {"default"}, "pwdAttribute": {"userPassword"},
		"pwdLockout": {"TRUE"}, "pwdMaxFailure": {"0"}, "pwdLockoutDuration": {"0"}, "pwdAllowUserChange": {"TRUE"},
		"pwdMustChange": {"FALSE"}, "pwdCheckQuality": {"0"}, "pwdInHistory": {"0"},
	})
}

// buildSpecialEntries makes the root DSE and the subschema subentry,
// which live outside the tree.
func (s *Server) buildSpecialEntries(suffix dn) {
	a := func(name string, vals ...string) *attribute { return &attribute{at: s.schema.attr(name), vals: vals} }
	now := generalizedTime(s.cfg.Now())
	s.rootDSE = &entry{attrs: []*attribute{
		a("objectClass", "top", "OpenLDAProotDSE"),
		a("structuralObjectClass", "OpenLDAProotDSE"),
		a("namingContexts", suffix.String()),
		a("supportedControl", controlPaging, controlManageDsaIT, controlPasswordPolicy, controlPermissiveModify),
		a("supportedExtension", extStartTLS, extPasswordModify, extWhoAmI),
		a("supportedFeatures", "1.3.6.1.1.14", "1.3.6.1.4.1.4203.1.5.1", "1.3.6.1.4.1.4203.1.5.3"),
		a("supportedLDAPVersion", "3"),
	}, children: map[string]*entry{}}
	sub, _ := parseDN(subschemaDN)
	s.subschema = &entry{rdn: sub[0], rdnStr: subschemaDN, rdnNorm: "cn=subschema", children: map[string]*entry{}, attrs: []*attribute{
		a("objectClass", "top", "subentry", "subschema", "extensibleObject"),
		a("cn", "Subschema"),
		a("structuralObjectClass", "subentry"),
		a("createTimestamp", now),
		a("modifyTimestamp", now),
		a("attributeTypes", s.schema.subschemaAttributeTypes()...),
		a("objectClasses", s.schema.subschemaObjectClasses()...),
	}}
}

// Start listens on the plain LDAP and the LDAPS ports. After Stop it
// listens on the same ports again, with the data kept.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("directory: the server is closed")
	}
	if s.running {
		return nil
	}
	plain, err := net.Listen("tcp", net.JoinHostPort(s.host, strconv.Itoa(s.port)))
	if err != nil {
		return fmt.Errorf("directory: %w", err)
	}
	secure, err := net.Listen("tcp", net.JoinHostPort(s.host, strconv.Itoa(s.tlsPort)))
	if err != nil {
		plain.Close()
		return fmt.Errorf("directory: %w", err)
	}
	s.port = plain.Addr().(*net.TCPAddr).Port
	s.tlsPort = secure.Addr().(*net.TCPAddr).Port
	s.listeners = []net.Listener{plain, secure}
	s.running = true
	s.wg.Add(2)
	go s.accept(plain, false)
	go s.accept(secure, true)
	return nil
}

func (s *Server) accept(l net.Listener, implicitTLS bool) {
	defer s.wg.Done()
	for {
		nc, err := l.Accept()
		if err != nil {
			return
		}
		c := newConn(s, nc, implicitTLS)
		s.mu.Lock()
		if !s.running {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		s.conns[c] = struct{}{}
		s.accepted++
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// Stop closes the listeners and every client connection, like a server
// that goes away; the data is kept for Start.
func (s *Server) Stop() error {
	s.mu.Lock()
	if !s.running {
		s.mu.Unlock()
		return nil
	}
	s.running = false
	for _, l := range s.listeners {
		l.Close()
	}
	s.listeners = nil
	for c := range s.conns {
		c.raw.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// Close stops the server for good.
func (s *Server) Close() error {
	err := s.Stop()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return err
}

// Running reports whether the server is listening.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// Host is the address the server listens on.
func (s *Server) Host() string { return s.host }

// Port is the plain LDAP port (StartTLS); 0 before the first Start.
func (s *Server) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port
}

// TLSPort is the LDAPS port; 0 before the first Start.
func (s *Server) TLSPort() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tlsPort
}

// URL is the LDAPS URL, ldaps://HOST:TLSPORT.
func (s *Server) URL() string {
	return "ldaps://" + net.JoinHostPort(s.host, strconv.Itoa(s.TLSPort()))
}

// StartTLSURL is the plain LDAP URL, ldap://HOST:PORT, where clients
// upgrade with StartTLS.
func (s *Server) StartTLSURL() string {
	return "ldap://" + net.JoinHostPort(s.host, strconv.Itoa(s.Port()))
}

// BaseDN is the suffix.
func (s *Server) BaseDN() string { return s.dit.suffixStr }

// RootDN is the administrator's DN.
func (s *Server) RootDN() string { return s.dit.rootDN }

// CAPEM is the PEM of the CA certificate clients verify the server with.
func (s *Server) CAPEM() []byte { return append([]byte(nil), s.caPEM...) }

// ClientTLSConfig is a client TLS configuration that trusts the server's
// CA, for tests.
func (s *Server) ClientTLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.caPEM)
	return &tls.Config{RootCAs: pool, ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// Operation names for FailNext and Count.
var opNames = map[string]string{
	"bind": "bind", "search": "search", "add": "add", "modify": "modify", "modrdn": "modrdn", "modifydn": "modrdn",
	"moddn": "modrdn", "rename": "modrdn", "delete": "delete", "del": "delete", "compare": "compare",
	"extended": "extended", "passwd": "passwd", "passwordmodify": "passwd", "password_modify": "passwd",
	"starttls": "starttls", "start_tls": "starttls", "whoami": "whoami",
}

func canonicalOp(op string) string {
	name, ok := opNames[strings.ToLower(op)]
	if !ok {
		panic(fmt.Sprintf("directory: unknown operation %q (want bind, search, add, modify, modrdn, delete, compare, extended, passwd, starttls or whoami)", op))
	}
	return name
}

// FailNext makes the next operation op (bind, search, add, modify, modrdn,
// delete, compare, extended; or passwd, starttls, whoami for one extended
// operation) fail with the LDAP result code, with the diagnostic message
// "injected failure"; DropConnection closes the connection instead.
// Calls queue up: two calls fail the next two such operations.
func (s *Server) FailNext(op string, code int) {
	name := canonicalOp(op)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[name] = append(s.faults[name], code)
}

// takeFault returns the injected result for an operation, if any; names
// are tried in order (the specific extended operation, then "extended").
func (s *Server) takeFault(names ...string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		if q := s.faults[n]; len(q) > 0 {
			s.faults[n] = q[1:]
			return q[0], true
		}
	}
	return 0, false
}

func (s *Server) count(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		s.counts[n]++
	}
}

// Count is how many operations op (as for FailNext) clients have sent.
// "conn" counts accepted connections.
func (s *Server) Count(op string) int {
	name := "conn"
	if op != "conn" {
		name = canonicalOp(op)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "conn" {
		return s.accepted
	}
	return s.counts[name]
}

// ResetCounts sets every operation count to zero.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.accepted = 0
}

// Entry returns every attribute of the entry dn (any spelling of it),
// operational ones and the hashed userPassword included, by canonical
// attribute name; nil when there is no such entry.
func (s *Server) Entry(dnStr string) map[string][]string {
	n, err := parseDN(dnStr)
	if err != nil {
		return nil
	}
	s.dit.mu.RLock()
	defer s.dit.mu.RUnlock()
	e, _, _ := s.dit.locate(n)
	if e == nil {
		return nil
	}
	return s.dit.snapshot(e)
}

// Entries returns the DNs of every entry, in the order they were created.
func (s *Server) Entries() []string {
	s.dit.mu.RLock()
	defer s.dit.mu.RUnlock()
	var out []string
	for _, e := range s.dit.allEntries() {
		out = append(out, e.dn())
	}
	return out
}

// Add adds an entry as the rootdn, with the checks and side effects of an
// LDAP add (schema, memberOf, password hashing). Errors are *Error.
func (s *Server) Add(dnStr string, attrs map[string][]string) error {
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		oi, oj := strings.EqualFold(names[i], "objectClass"), strings.EqualFold(names[j], "objectClass")
		if oi != oj {
			return oi
		}
		return names[i] < names[j]
	})
	in := make([]reqAttr, len(names))
	for i, k := range names {
		in[i] = reqAttr{typ: k, vals: attrs[k]}
	}
	if err := s.dit.add(rootIdentity, dnStr, in); err != nil {
		return err
	}
	return nil
}

// Set replaces an attribute's values as the rootdn (no values deletes
// it), as an administrator changing the directory by hand would.
func (s *Server) Set(dnStr, attr string, values ...string) error {
	if err := s.dit.modify(rootIdentity, dnStr, []reqChange{{op: modReplace, reqAttr: reqAttr{typ: attr, vals: values}}}, false); err != nil {
		return err
	}
	return nil
}

// Delete deletes a leaf entry as the rootdn.
func (s *Server) Delete(dnStr string) error {
	if err := s.dit.remove(rootIdentity, dnStr); err != nil {
		return err
	}
	return nil
}

// LDIF returns the whole directory as LDIF, every stored attribute
// included, for test failure messages.
func (s *Server) LDIF() string {
	s.dit.mu.RLock()
	defer s.dit.mu.RUnlock()
	var b strings.Builder
	for _, e := range s.dit.allEntries() {
		ldifLine(&b, "dn", e.dn())
		for _, a := range e.attrs {
			for _, v := range a.vals {
				ldifLine(&b, a.at.name(), v)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func ldifLine(b *strings.Builder, name, v string) {
	safe := v == "" || (v[0] != ' ' && v[0] != ':' && v[0] != '<' && v[len(v)-1] != ' ')
	for i := 0; i < len(v) && safe; i++ {
		safe = v[i] >= 0x20 && v[i] < 0x7f
	}
	if safe {
		fmt.Fprintf(b, "%s: %s\n", name, v)
	} else {
		fmt.Fprintf(b, "%s:: %s\n", name, base64.StdEncoding.EncodeToString([]byte(v)))
	}
}
