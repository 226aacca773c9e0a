package directory_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/stewardhq/steward/internal/lab/directory"
)

const (
	base     = "dc=example,dc=org"
	people   = "ou=people," + base
	groups   = "ou=groups," + base
	disabled = "ou=disabled," + base
	policies = "ou=policies," + base
	policy   = "cn=default," + policies
	admin    = "cn=admin," + base
	rootPW   = "lab-secret"
)

// start runs a server for the test.
func start(t *testing.T, cfg directory.Config) *directory.Server {
	t.Helper()
	if cfg.RootPassword == "" {
		cfg.RootPassword = rootPW
	}
	srv, err := directory.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// dial connects over LDAPS, verifying the server with its CA.
func dial(t *testing.T, srv *directory.Server) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL(srv.URL(), ldap.DialWithTLSConfig(srv.ClientTLSConfig()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// adminConn is an LDAPS connection bound as the rootdn.
func adminConn(t *testing.T, srv *directory.Server) *ldap.Conn {
	t.Helper()
	c := dial(t, srv)
	if err := c.Bind(admin, rootPW); err != nil {
		t.Fatal(err)
	}
	return c
}

// code is the LDAP result code of err (0 for nil, -1 for another error).
func code(err error) int {
	if err == nil {
		return 0
	}
	var le *ldap.Error
	if errors.As(err, &le) {
		return int(le.ResultCode)
	}
	return -1
}

func message(err error) string {
	var le *ldap.Error
	if errors.As(err, &le) && le.Err != nil {
		return le.Err.Error()
	}
	return ""
}

// wantCode fails unless err has the result code and, when msg is not
// empty, a diagnostic message containing it.
func wantCode(t *testing.T, what string, err error, want int, msg string) {
	t.Helper()
	if code(err) != want {
		t.Errorf("%s: got %v (code %d), want code %d", what, err, code(err), want)
		return
	}
	if msg != "" && !strings.Contains(message(err), msg) {
		t.Errorf("%s: message %q, want it to contain %q", what, message(err), msg)
	}
}

func addUser(t *testing.T, c *ldap.Conn, uid string, extra ...string) string {
	t.Helper()
	dn := "uid=" + uid + "," + people
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "inetOrgPerson", "posixAccount", "shadowAccount"})
	req.Attribute("uid", []string{uid})
	req.Attribute("cn", []string{strings.ToUpper(uid[:1]) + uid[1:] + " Example"})
	req.Attribute("sn", []string{"Example"})
	req.Attribute("uidNumber", []string{fmt.Sprint(10000 + len(uid))})
	req.Attribute("gidNumber", []string{"10000"})
	req.Attribute("homeDirectory", []string{"/home/" + uid})
	for i := 0; i+1 < len(extra); i += 2 {
		req.Attribute(extra[i], []string{extra[i+1]})
	}
	if err := c.Add(req); err != nil {
		t.Fatalf("adding %s: %v", dn, err)
	}
	return dn
}

func addGroup(t *testing.T, c *ldap.Conn, name string, members ...string) string {
	t.Helper()
	dn := "cn=" + name + "," + groups
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "groupOfNames"})
	req.Attribute("cn", []string{name})
	req.Attribute("member", members)
	if err := c.Add(req); err != nil {
		t.Fatalf("adding %s: %v", dn, err)
	}
	return dn
}

// search returns the entries of a subtree search.
func search(t *testing.T, c *ldap.Conn, baseDN, filter string, attrs ...string) []*ldap.Entry {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(baseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil))
	if err != nil {
		t.Fatalf("search %s %s: %v", baseDN, filter, err)
	}
	return res.Entries
}

func dns(entries []*ldap.Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.DN
	}
	sort.Strings(out)
	return out
}

// lower normalises DN-valued attribute values for comparison.
func lower(vals []string) []string {
	if len(vals) == 0 {
		return nil
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.ToLower(v)
	}
	sort.Strings(out)
	return out
}
