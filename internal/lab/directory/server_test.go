package directory_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/stewardhq/steward/internal/lab/directory"
)

func TestInitialTreeAndBind(t *testing.T) {
	srv := start(t, directory.Config{})
	if got := srv.Entries(); !slices.Equal(got, []string{base, people, groups, disabled, policies, policy}) {
		t.Errorf("initial entries %v", got)
	}
	if srv.BaseDN() != base || srv.RootDN() != admin {
		t.Errorf("base %q root %q", srv.BaseDN(), srv.RootDN())
	}
	c := dial(t, srv)
	wantCode(t, "wrong root password", c.Bind(admin, "nope"), ldap.LDAPResultInvalidCredentials, "")
	wantCode(t, "unknown user", c.Bind("uid=ghost,"+people, "x"), ldap.LDAPResultInvalidCredentials, "")
	wantCode(t, "bad DN", c.Bind("not a dn", "x"), ldap.LDAPResultInvalidDNSyntax, "")
	// An anonymous bind is allowed and can read.
	if err := c.UnauthenticatedBind(""); err != nil {
		t.Fatal(err)
	}
	if got := dns(search(t, c, base, "(objectClass=organizationalUnit)")); !slices.Equal(got, []string{disabled, groups, people, policies}) {
		t.Errorf("OUs %v", got)
	}
	wantCode(t, "DN without password", c.UnauthenticatedBind(admin), ldap.LDAPResultUnwillingToPerform, "unauthenticated bind")
	if err := c.Bind("CN=Admin, DC=Example,DC=ORG", rootPW); err != nil {
		t.Errorf("rootdn spelled differently: %v", err)
	}
	who, err := c.WhoAmI(nil)
	if err != nil || !strings.EqualFold(who.AuthzID, "dn:"+admin) {
		t.Errorf("whoami: %+v %v", who, err)
	}
	e := search(t, c, base, "(dc=example)", "objectClass", "o", "dc")
	if len(e) != 1 || !slices.Equal(e[0].GetAttributeValues("objectClass"), []string{"top", "dcObject", "organization"}) {
		t.Errorf("suffix entry %v", e)
	}
}

func TestTLS(t *testing.T) {
	srv := start(t, directory.Config{})
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CAPEM()) {
		t.Fatal("CAPEM holds no certificate")
	}
	verified := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}

	// LDAPS, verified with the CA and the IP address SAN.
	c, err := ldap.DialURL(srv.URL(), ldap.DialWithTLSConfig(verified))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind(admin, rootPW); err != nil {
		t.Fatalf("bind over LDAPS: %v", err)
	}
	state, ok := c.TLSConnectionState()
	if !ok || len(state.PeerCertificates) == 0 || state.PeerCertificates[0].IPAddresses[0].String() != "127.0.0.1" {
		t.Errorf("TLS state %v %v", ok, state.PeerCertificates)
	}

	// StartTLS on the plain port.
	p, err := ldap.DialURL(srv.StartTLSURL())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.StartTLS(verified); err != nil {
		t.Fatalf("StartTLS: %v", err)
	}
	if err := p.Bind(admin, rootPW); err != nil {
		t.Fatalf("bind after StartTLS: %v", err)
	}
	if len(search(t, p, people, "(objectClass=*)")) != 1 {
		t.Error("search after StartTLS")
	}

	// Without the CA the certificate is refused, on both.
	if c, err := ldap.DialURL(srv.URL(), ldap.DialWithTLSConfig(&tls.Config{ServerName: "127.0.0.1"})); err == nil {
		if err := c.Bind(admin, rootPW); err == nil {
			t.Error("LDAPS without the CA verified")
		}
		c.Close()
	}
	q, err := ldap.DialURL(srv.StartTLSURL())
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.StartTLS(&tls.Config{ServerName: "127.0.0.1"}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("StartTLS without the CA: %v", err)
	}
	// A certificate for another name is refused too.
	r, err := ldap.DialURL(srv.StartTLSURL())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.StartTLS(&tls.Config{RootCAs: pool, ServerName: "ldap.example.org"}); err == nil {
		t.Error("StartTLS accepted the wrong server name")
	}
}

func TestAddAndSchemaChecks(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice", "mail", "alice@example.org", "userPassword", "alice-pw")

	e := srv.Entry(alice)
	if e == nil || e["uid"][0] != "alice" || e["structuralObjectClass"][0] != "inetOrgPerson" || len(e["entryUUID"][0]) != 36 ||
		!strings.EqualFold(e["creatorsName"][0], admin) || len(e["createTimestamp"][0]) != 15 {
		t.Errorf("entry %v", e)
	}
	if pw := e["userPassword"][0]; !strings.HasPrefix(pw, "{SSHA}") || strings.Contains(pw, "alice-pw") {
		t.Errorf("password stored as %q", pw)
	}

	type attrs = map[string][]string
	person := func(extra attrs) *ldap.AddRequest {
		req := ldap.NewAddRequest("uid=bob,"+people, nil)
		base := attrs{"objectClass": {"top", "inetOrgPerson"}, "uid": {"bob"}, "cn": {"Bob"}, "sn": {"B"}}
		for k, v := range extra {
			if v == nil {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		for _, k := range []string{"objectClass", "uid", "cn", "sn", "uidNumber", "gidNumber", "homeDirectory", "mail", "description", "memberOf", "frobnicate", "member", "displayName"} {
			if v, ok := base[k]; ok {
				req.Attribute(k, v)
			}
		}
		return req
	}
	tests := []struct {
		name string
		req  *ldap.AddRequest
		code int
		msg  string
	}{
		{"no objectClass", person(attrs{"objectClass": nil}), ldap.LDAPResultObjectClassViolation, "no objectClass attribute"},
		{"unknown class", person(attrs{"objectClass": {"top", "inetOrgPerson", "wizard"}}), ldap.LDAPResultInvalidAttributeSyntax, "objectClass: value #2 invalid per syntax"},
		{"no structural class", person(attrs{"objectClass": {"top", "posixAccount"}}), ldap.LDAPResultObjectClassViolation, "no structural object class provided"},
		{"inetOrgPerson without sn", person(attrs{"sn": nil}), ldap.LDAPResultObjectClassViolation, "object class 'inetOrgPerson' requires attribute 'sn'"},
		{"inetOrgPerson without cn", person(attrs{"cn": nil}), ldap.LDAPResultObjectClassViolation, "requires attribute 'cn'"},
		{"posixAccount without uidNumber", person(attrs{"objectClass": {"inetOrgPerson", "posixAccount"}, "gidNumber": {"1"}, "homeDirectory": {"/h"}}), ldap.LDAPResultObjectClassViolation, "object class 'posixAccount' requires attribute 'uidNumber'"},
		{"posixAccount without homeDirectory", person(attrs{"objectClass": {"inetOrgPerson", "posixAccount"}, "gidNumber": {"1"}, "uidNumber": {"1"}}), ldap.LDAPResultObjectClassViolation, "requires attribute 'homeDirectory'"},
		{"attribute of a class not present", person(attrs{"uidNumber": {"5"}}), ldap.LDAPResultObjectClassViolation, "attribute 'uidNumber' not allowed"},
		{"undefined attribute", person(attrs{"frobnicate": {"x"}}), ldap.LDAPResultUndefinedAttributeType, "frobnicate: attribute type undefined"},
		{"bad integer", person(attrs{"objectClass": {"inetOrgPerson", "posixAccount"}, "uidNumber": {"abc"}, "gidNumber": {"1"}, "homeDirectory": {"/h"}}), ldap.LDAPResultInvalidAttributeSyntax, "uidNumber: value #0 invalid per syntax"},
		{"two values of a single-valued attribute", person(attrs{"displayName": {"a", "b"}}), ldap.LDAPResultConstraintViolation, "displayName: multiple values provided"},
		{"duplicate value", person(attrs{"description": {"y", "x", "X"}}), ldap.LDAPResultAttributeOrValueExists, "description: value #1 provided more than once"},
		{"memberOf is operational", person(attrs{"memberOf": {groups}}), ldap.LDAPResultConstraintViolation, "memberOf: no user modification allowed"},
		{"bad DN", ldap.NewAddRequest("uid=bob,,dc=x", nil), ldap.LDAPResultInvalidDNSyntax, "invalid DN"},
	}
	for _, tt := range tests {
		err := c.Add(tt.req)
		wantCode(t, tt.name, err, tt.code, tt.msg)
	}
	if srv.Entry("uid=bob,"+people) != nil {
		t.Error("a refused add left an entry")
	}
	// As slapd does, a naming value left out is added; one that is not
	// allowed is refused.
	if err := c.Add(person(attrs{"uid": nil})); err != nil || srv.Entry("uid=bob," + people)["uid"][0] != "bob" {
		t.Errorf("naming attribute left out: %v", err)
	}
	noName := ldap.NewAddRequest("dc=x,"+people, nil)
	noName.Attribute("objectClass", []string{"account"})
	noName.Attribute("uid", []string{"x"})
	wantCode(t, "naming attribute not allowed", c.Add(noName), ldap.LDAPResultObjectClassViolation, "attribute 'dc' not allowed")

	// groupOfNames needs a member; with posixGroup (structural in
	// nis.schema) it is an invalid chain, as with slapd.
	g := ldap.NewAddRequest("cn=empty,"+groups, nil)
	g.Attribute("objectClass", []string{"top", "groupOfNames"})
	g.Attribute("cn", []string{"empty"})
	wantCode(t, "empty groupOfNames", c.Add(g), ldap.LDAPResultObjectClassViolation, "object class 'groupOfNames' requires attribute 'member'")
	g.Attribute("member", []string{alice})
	g.Attribute("gidNumber", []string{"5000"})
	g.Attributes[0].Vals = append(g.Attributes[0].Vals, "posixGroup")
	wantCode(t, "groupOfNames+posixGroup", c.Add(g), ldap.LDAPResultObjectClassViolation, "invalid structural object class chain (groupOfNames/posixGroup)")

	// Duplicates and missing parents.
	dup := ldap.NewAddRequest("UID=Alice, OU=People,DC=example,DC=org", nil)
	dup.Attribute("objectClass", []string{"account"})
	dup.Attribute("uid", []string{"Alice"})
	wantCode(t, "duplicate DN in another spelling", c.Add(dup), ldap.LDAPResultEntryAlreadyExists, "")
	orphan := ldap.NewAddRequest("uid=x,ou=nowhere,"+base, nil)
	orphan.Attribute("objectClass", []string{"account"})
	orphan.Attribute("uid", []string{"x"})
	err := c.Add(orphan)
	wantCode(t, "missing parent", err, ldap.LDAPResultNoSuchObject, "")
	if le, ok := err.(*ldap.Error); !ok || le.MatchedDN != base {
		t.Errorf("matched DN of a missing parent: %#v", err)
	}
	outside := ldap.NewAddRequest("uid=x,dc=other,dc=com", nil)
	outside.Attribute("objectClass", []string{"account"})
	outside.Attribute("uid", []string{"x"})
	wantCode(t, "outside the naming context", c.Add(outside), ldap.LDAPResultUnwillingToPerform, "no global superior knowledge")

	// rfc2307bis allows groupOfNames + posixGroup.
	bis := start(t, directory.Config{RFC2307bis: true})
	if err := bis.Add("cn=g,"+groups, map[string][]string{"objectClass": {"groupOfNames", "posixGroup"}, "cn": {"g"}, "gidNumber": {"5"}, "member": {admin}}); err != nil {
		t.Errorf("rfc2307bis groupOfNames+posixGroup: %v", err)
	}
}

func TestModify(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice", "mail", "alice@example.org", "description", "one")
	before := srv.Entry(alice)
	time.Sleep(10 * time.Millisecond) // entryCSN has microseconds; the timestamps only seconds

	m := ldap.NewModifyRequest(alice, nil)
	m.Add("mail", []string{"a.smith@example.org", "alice.smith@example.org"})
	m.Delete("mail", []string{"ALICE@example.org"}) // case-insensitive match
	m.Replace("title", []string{"Accountant"})
	m.Delete("description", nil)
	m.Add("telephoneNumber", []string{"+44 20 1234"})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	e := srv.Entry(alice)
	if !slices.Equal(e["mail"], []string{"a.smith@example.org", "alice.smith@example.org"}) || e["title"][0] != "Accountant" || e["description"] != nil {
		t.Errorf("after modify: %v", e)
	}
	if e["entryCSN"][0] == before["entryCSN"][0] || e["entryUUID"][0] != before["entryUUID"][0] || e["createTimestamp"][0] != before["createTimestamp"][0] {
		t.Errorf("operational attributes: before %v after %v", before, e)
	}

	mod := func(f func(*ldap.ModifyRequest)) error {
		m := ldap.NewModifyRequest(alice, nil)
		f(m)
		return c.Modify(m)
	}
	wantCode(t, "add an existing value", mod(func(m *ldap.ModifyRequest) { m.Add("mail", []string{"A.Smith@example.org"}) }), ldap.LDAPResultAttributeOrValueExists, "modify/add: mail: value #0 already exists")
	wantCode(t, "delete a missing value", mod(func(m *ldap.ModifyRequest) { m.Delete("mail", []string{"nobody@example.org"}) }), ldap.LDAPResultNoSuchAttribute, "modify/delete: mail: no such value")
	wantCode(t, "delete a missing attribute", mod(func(m *ldap.ModifyRequest) { m.Delete("description", nil) }), ldap.LDAPResultNoSuchAttribute, "modify/delete: description: no such attribute")
	wantCode(t, "delete a required attribute", mod(func(m *ldap.ModifyRequest) { m.Delete("sn", nil) }), ldap.LDAPResultObjectClassViolation, "requires attribute 'sn'")
	wantCode(t, "remove posixAccount's need", mod(func(m *ldap.ModifyRequest) { m.Delete("homeDirectory", nil) }), ldap.LDAPResultObjectClassViolation, "'posixAccount' requires attribute 'homeDirectory'")
	wantCode(t, "delete the naming value", mod(func(m *ldap.ModifyRequest) { m.Replace("uid", []string{"alice2"}) }), ldap.LDAPResultNamingViolation, "naming attribute 'uid'")
	wantCode(t, "change the structural class", mod(func(m *ldap.ModifyRequest) { m.Replace("objectClass", []string{"account", "posixAccount"}) }), ldap.LDAPResultObjectClassModsProhibited, "structural object class modification from 'inetOrgPerson' to 'account' not allowed")
	wantCode(t, "set an operational attribute", mod(func(m *ldap.ModifyRequest) {
		m.Replace("entryUUID", []string{"7d5f1c2e-1111-4222-8333-944455556666"})
	}), ldap.LDAPResultConstraintViolation, "entryUUID: no user modification allowed")
	wantCode(t, "an invalid operational value", mod(func(m *ldap.ModifyRequest) { m.Replace("entryUUID", []string{"x"}) }), ldap.LDAPResultInvalidAttributeSyntax, "entryUUID: value #0 invalid per syntax")
	wantCode(t, "undefined attribute", mod(func(m *ldap.ModifyRequest) { m.Add("shoeSize", []string{"9"}) }), ldap.LDAPResultUndefinedAttributeType, "shoeSize: attribute type undefined")
	wantCode(t, "second value of single-valued", mod(func(m *ldap.ModifyRequest) { m.Add("uidNumber", []string{"7"}) }), ldap.LDAPResultConstraintViolation, "attribute 'uidNumber' cannot have multiple values")
	wantCode(t, "missing entry", c.Modify(ldap.NewModifyRequest("uid=ghost,"+people, nil)), ldap.LDAPResultNoSuchObject, "")
	if got := srv.Entry(alice)["mail"]; len(got) != 2 {
		t.Errorf("a failed modify changed the entry: %v", got)
	}

	// A whole modify is atomic: the first change is undone by the second's failure.
	wantCode(t, "atomic", mod(func(m *ldap.ModifyRequest) { m.Replace("title", []string{"Boss"}); m.Delete("carLicense", nil) }), ldap.LDAPResultNoSuchAttribute, "")
	if srv.Entry(alice)["title"][0] != "Accountant" {
		t.Error("a failed modify was half applied")
	}

	// Adding shadowAccount's attribute and removing an auxiliary class.
	if err := mod(func(m *ldap.ModifyRequest) { m.Replace("shadowExpire", []string{"99999"}) }); err != nil {
		t.Error(err)
	}
	if err := mod(func(m *ldap.ModifyRequest) { m.Increment("uidNumber", "5") }); err != nil || srv.Entry(alice)["uidNumber"][0] != "10010" {
		t.Errorf("increment: %v %v", err, srv.Entry(alice)["uidNumber"])
	}

	// The permissive modify control turns the two errors above into no-ops.
	m = ldap.NewModifyRequest(alice, []ldap.Control{ldap.NewControlString(ldap.ControlTypeMicrosoftPermissiveModify, false, "")})
	m.Add("mail", []string{"a.smith@example.org"})
	m.Delete("description", nil)
	if err := c.Modify(m); err != nil {
		t.Errorf("permissive modify: %v", err)
	}
}

func TestModifyDNAndDelete(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice", "mail", "alice@example.org")
	bob := addUser(t, c, "bob")

	// Rename, dropping the old RDN value.
	if err := c.ModifyDN(ldap.NewModifyDNRequest(alice, "uid=asmith", true, "")); err != nil {
		t.Fatal(err)
	}
	asmith := "uid=asmith," + people
	if srv.Entry(alice) != nil || srv.Entry(asmith) == nil || !slices.Equal(srv.Entry(asmith)["uid"], []string{"asmith"}) {
		t.Errorf("after rename: %v / %v", srv.Entry(alice), srv.Entry(asmith))
	}
	// Keeping it.
	if err := c.ModifyDN(ldap.NewModifyDNRequest(asmith, "uid=alice", false, "")); err != nil {
		t.Fatal(err)
	}
	if got := srv.Entry(alice)["uid"]; !slices.Equal(got, []string{"asmith", "alice"}) {
		t.Errorf("deleteoldrdn false: uid %v", got)
	}
	// Move to ou=disabled, keeping the data.
	if err := c.ModifyDN(ldap.NewModifyDNRequest(alice, "uid=alice", true, disabled)); err != nil {
		t.Fatal(err)
	}
	moved := "uid=alice," + disabled
	if e := srv.Entry(moved); e == nil || e["mail"][0] != "alice@example.org" || srv.Entry(alice) != nil {
		t.Errorf("move: %v", e)
	}
	if got := dns(search(t, c, disabled, "(uid=alice)")); !slices.Equal(got, []string{moved}) {
		t.Errorf("search after move: %v", got)
	}

	wantCode(t, "target exists", c.ModifyDN(ldap.NewModifyDNRequest(bob, "uid=alice", true, disabled)), ldap.LDAPResultEntryAlreadyExists, "")
	wantCode(t, "missing entry", c.ModifyDN(ldap.NewModifyDNRequest("uid=ghost,"+people, "uid=x", true, "")), ldap.LDAPResultNoSuchObject, "")
	wantCode(t, "missing new superior", c.ModifyDN(ldap.NewModifyDNRequest(bob, "uid=bob", true, "ou=nowhere,"+base)), ldap.LDAPResultNoSuchObject, "new superior not found")
	wantCode(t, "under itself", c.ModifyDN(ldap.NewModifyDNRequest(people, "ou=people", true, bob)), ldap.LDAPResultUnwillingToPerform, "")
	wantCode(t, "new RDN not allowed", c.ModifyDN(ldap.NewModifyDNRequest(bob, "dc=bob", false, "")), ldap.LDAPResultObjectClassViolation, "attribute 'dc' not allowed")

	// A subtree moves with its entry.
	if err := srv.Add("ou=staff,"+people, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"staff"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyDN(ldap.NewModifyDNRequest(bob, "uid=bob", true, "ou=staff,"+people)); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyDN(ldap.NewModifyDNRequest("ou=staff,"+people, "ou=team", true, "")); err != nil {
		t.Fatal(err)
	}
	if srv.Entry("uid=bob,ou=team,"+people) == nil {
		t.Errorf("subtree rename lost bob: %v", srv.Entries())
	}

	// Delete: leaves only.
	wantCode(t, "non-leaf", c.Del(ldap.NewDelRequest("ou=team,"+people, nil)), ldap.LDAPResultNotAllowedOnNonLeaf, "subordinate objects must be deleted first")
	if err := c.Del(ldap.NewDelRequest("uid=bob,ou=team,"+people, nil)); err != nil {
		t.Fatal(err)
	}
	if err := c.Del(ldap.NewDelRequest("OU=Team, ou=People,"+base, nil)); err != nil {
		t.Fatalf("delete in another spelling: %v", err)
	}
	wantCode(t, "delete missing", c.Del(ldap.NewDelRequest("uid=bob,"+people, nil)), ldap.LDAPResultNoSuchObject, "")
	if got := srv.Entries(); !slices.Equal(got, []string{base, people, groups, disabled, policies, policy, moved}) {
		t.Errorf("entries after deletes: %v", got)
	}
}

func TestMemberOf(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice")
	bob := addUser(t, c, "bob")
	carol := addUser(t, c, "carol")
	memberOf := func(dn string) []string { return lower(srv.Entry(dn)["memberOf"]) }
	lc := strings.ToLower

	finance := addGroup(t, c, "finance", alice, "UID=Bob, OU=People,DC=Example,DC=Org")
	if !slices.Equal(memberOf(alice), []string{lc(finance)}) || !slices.Equal(memberOf(bob), []string{lc(finance)}) || memberOf(carol) != nil {
		t.Errorf("after add: %v %v %v", memberOf(alice), memberOf(bob), memberOf(carol))
	}
	// member values are stored in slapd's pretty form of the DN: schema
	// attribute names, values as given, no spaces.
	if got := srv.Entry(finance)["member"]; !slices.Contains(got, "uid=Bob,ou=People,dc=Example,dc=Org") {
		t.Errorf("member values %v", got)
	}
	// memberOf is operational: only with "+" or by name.
	if e := search(t, c, alice, "(objectClass=*)"); len(e[0].GetAttributeValues("memberOf")) != 0 {
		t.Error("memberOf returned for *")
	}
	if e := search(t, c, alice, "(objectClass=*)", "memberOf"); len(e[0].GetAttributeValues("memberOf")) != 1 {
		t.Error("memberOf not returned by name")
	}
	if got := dns(search(t, c, people, "(memberOf=CN=Finance,OU=Groups,DC=Example,DC=Org)")); !slices.Equal(got, []string{alice, bob}) {
		t.Errorf("search by memberOf: %v", got)
	}

	// Membership changes, one value at a time.
	m := ldap.NewModifyRequest(finance, nil)
	m.Add("member", []string{carol})
	m.Delete("member", []string{"uid=alice,ou=people,dc=example,dc=org"})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	if memberOf(alice) != nil || !slices.Equal(memberOf(carol), []string{lc(finance)}) {
		t.Errorf("after modify: alice %v carol %v", memberOf(alice), memberOf(carol))
	}
	sales := addGroup(t, c, "sales", carol)
	if !slices.Equal(memberOf(carol), lower([]string{finance, sales})) {
		t.Errorf("two groups: %v", memberOf(carol))
	}
	// Replacing the member list.
	m = ldap.NewModifyRequest(sales, nil)
	m.Replace("member", []string{alice, bob})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(memberOf(carol), []string{lc(finance)}) || !slices.Equal(memberOf(alice), []string{lc(sales)}) {
		t.Errorf("after replace: carol %v alice %v", memberOf(carol), memberOf(alice))
	}
	// The last member cannot go.
	m = ldap.NewModifyRequest(finance, nil)
	m.Delete("member", nil)
	wantCode(t, "delete all members", c.Modify(m), ldap.LDAPResultObjectClassViolation, "object class 'groupOfNames' requires attribute 'member'")

	// Renaming a group renames memberOf.
	if err := c.ModifyDN(ldap.NewModifyDNRequest(sales, "cn=revenue", true, "")); err != nil {
		t.Fatal(err)
	}
	revenue := "cn=revenue," + groups
	if !slices.Equal(memberOf(alice), []string{lc(revenue)}) || !slices.Equal(memberOf(bob), lower([]string{finance, revenue})) {
		t.Errorf("after group rename: alice %v bob %v", memberOf(alice), memberOf(bob))
	}
	// Deleting a group removes memberOf.
	if err := c.Del(ldap.NewDelRequest(revenue, nil)); err != nil {
		t.Fatal(err)
	}
	if memberOf(alice) != nil || !slices.Equal(memberOf(bob), []string{lc(finance)}) {
		t.Errorf("after group delete: alice %v bob %v", memberOf(alice), memberOf(bob))
	}
	// Offboarding: out of the groups, then moved; memberOf follows.
	m = ldap.NewModifyRequest(finance, nil)
	m.Delete("member", []string{bob})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyDN(ldap.NewModifyDNRequest(bob, "uid=bob", true, disabled)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Entry("uid=bob," + disabled)["memberOf"]; got != nil {
		t.Errorf("disabled bob memberOf %v", got)
	}
	// Dangling members are allowed and ignored.
	m = ldap.NewModifyRequest(finance, nil)
	m.Add("member", []string{"cn=empty-group," + base})
	if err := c.Modify(m); err != nil {
		t.Errorf("dangling member: %v", err)
	}

	// Without refint (slapd's default) moving a member leaves the group's
	// value; with it, the value follows.
	if err := c.ModifyDN(ldap.NewModifyDNRequest(carol, "uid=carol", true, disabled)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Entry(finance)["member"]; !slices.Contains(got, carol) {
		t.Errorf("without refint the member value changed: %v", got)
	}
	if got := memberOf("uid=carol," + disabled); !slices.Equal(got, []string{lc(finance)}) {
		t.Errorf("moved carol keeps memberOf: %v", got)
	}

	ri := start(t, directory.Config{MemberOfRefInt: true})
	rc := adminConn(t, ri)
	dave := addUser(t, rc, "dave")
	erin := addUser(t, rc, "erin")
	g := addGroup(t, rc, "ops", dave, erin)
	if err := rc.ModifyDN(ldap.NewModifyDNRequest(dave, "uid=dave", true, disabled)); err != nil {
		t.Fatal(err)
	}
	if err := rc.Del(ldap.NewDelRequest(erin, nil)); err != nil {
		t.Fatal(err)
	}
	if got := ri.Entry(g)["member"]; !slices.Equal(got, []string{"uid=dave," + disabled}) {
		t.Errorf("refint member values %v", got)
	}
}

func TestCompare(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice", "mail", "alice@example.org")
	for _, tt := range []struct {
		attr, value string
		want        bool
		code        int
	}{
		{"mail", "ALICE@example.org", true, 0},
		{"mail", "bob@example.org", false, 0},
		{"uidNumber", "10005", true, 0},
		{"uidNumber", "010005", false, ldap.LDAPResultInvalidAttributeSyntax},
		{"objectClass", "person", true, 0},
		{"title", "x", false, ldap.LDAPResultNoSuchAttribute},
		{"shoeSize", "9", false, ldap.LDAPResultUndefinedAttributeType},
	} {
		got, err := c.Compare(alice, tt.attr, tt.value)
		if code(err) != tt.code || got != tt.want {
			t.Errorf("compare %s=%s: %v %v", tt.attr, tt.value, got, err)
		}
	}
	_, err := c.Compare("uid=ghost,"+people, "uid", "ghost")
	wantCode(t, "compare missing entry", err, ldap.LDAPResultNoSuchObject, "")
}

func TestSearchFiltersAndAttributes(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice", "mail", "alice@example.org", "title", "Senior  Accountant")
	bob := addUser(t, c, "bob", "mail", "bob@example.org")
	carol := addUser(t, c, "carol", "title", "Sales Lead")
	finance := addGroup(t, c, "finance", alice, bob)
	if err := srv.Set(carol, "uidNumber", "20000"); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{"(uid=ALICE)", []string{alice}},
		{"(mail=*)", []string{alice, bob}},
		{"(&(objectClass=inetOrgPerson)(!(mail=*)))", []string{carol}},
		{"(|(uid=alice)(uid=carol))", []string{alice, carol}},
		{"(cn=*ice*)", []string{alice}},
		{"(cn=b*)", []string{bob}},
		{"(cn=*example)", []string{alice, bob, carol}},
		{"(cn=a*e*ex*le)", []string{alice}},
		{"(title=senior accountant)", []string{alice}},
		{"(uidNumber>=10004)", []string{alice, carol}},
		{"(uidNumber<=10004)", []string{bob}},
		{"(objectClass=person)", []string{alice, bob, carol}},
		{"(member=UID=Bob, OU=People, DC=example, DC=org)", []string{finance}},
		{"(member=*bob*)", nil}, // no substrings rule for DNs: Undefined
		{"(shoeSize=9)", nil},   // undefined attribute: Undefined, not an error
		{"(!(shoeSize=9))", nil},
		{"(uid~=alice)", []string{alice}},
		{"(cn:caseExactMatch:=Alice Example)", []string{alice}},
		{"(cn:caseExactMatch:=alice example)", nil},
		{"(ou:dn:=people)", []string{alice, bob, carol, people}},
		{"(&)", []string{base, people, groups, disabled, policies, policy, alice, bob, carol, finance}},
		{"(&(objectClass=pwdPolicy)(pwdLockout=TRUE))", []string{policy}},
		{"(|)", nil},
		{"(homeDirectory=/HOME/alice)", nil}, // case-exact
	} {
		got := dns(search(t, c, base, tt.filter))
		want := append([]string(nil), tt.want...)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", tt.filter, got, want)
		}
	}

	// Scopes.
	one, err := c.Search(ldap.NewSearchRequest(base, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
	if err != nil || !slices.Equal(dns(one.Entries), []string{disabled, groups, people, policies}) {
		t.Errorf("one level: %v %v", err, dns(one.Entries))
	}
	b, err := c.Search(ldap.NewSearchRequest(alice, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil || len(b.Entries) != 1 {
		t.Fatalf("base: %v", err)
	}
	ch, err := c.Search(ldap.NewSearchRequest(people, ldap.ScopeChildren, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil || len(ch.Entries) != 3 {
		t.Errorf("children: %v %d", err, len(ch.Entries))
	}
	_, err = c.Search(ldap.NewSearchRequest("ou=nowhere,"+base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil))
	wantCode(t, "missing base", err, ldap.LDAPResultNoSuchObject, "")
	if le, ok := err.(*ldap.Error); !ok || le.MatchedDN != base {
		t.Errorf("matched DN %v", err)
	}

	// Attribute selection: names come back in the schema's spelling.
	e := b.Entries[0]
	if len(e.GetAttributeValues("objectClass")) != 4 || e.GetAttributeValue("uid") != "alice" || e.GetAttributeValue("entryUUID") != "" || e.GetAttributeValue("userPassword") != "" {
		t.Errorf("default attributes: %v", e.Attributes)
	}
	sel := search(t, c, alice, "(objectClass=*)", "CN", "MAIL", "entryuuid", "createTimestamp")
	if got := sel[0]; got.GetAttributeValue("cn") != "Alice Example" || got.GetAttributeValue("mail") == "" || len(got.GetAttributeValue("entryUUID")) != 36 || got.GetAttributeValue("createTimestamp") == "" || len(got.Attributes) != 4 {
		t.Errorf("named attributes: %+v", got.Attributes)
	}
	op := search(t, c, alice, "(objectClass=*)", "+")[0]
	if op.GetAttributeValue("uid") != "" || op.GetAttributeValue("entryDN") != alice || op.GetAttributeValue("structuralObjectClass") != "inetOrgPerson" ||
		!strings.EqualFold(op.GetAttributeValue("memberOf"), finance) || op.GetAttributeValue("hasSubordinates") != "FALSE" || op.GetAttributeValue("modifyTimestamp") == "" {
		t.Errorf("operational attributes: %+v", op.Attributes)
	}
	none := search(t, c, alice, "(objectClass=*)", "1.1")[0]
	if len(none.Attributes) != 0 {
		t.Errorf("1.1 returned %v", none.Attributes)
	}
	to, err := c.Search(ldap.NewSearchRequest(alice, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, true, "(objectClass=*)", []string{"mail"}, nil))
	if err != nil || len(to.Entries[0].Attributes) != 1 || len(to.Entries[0].Attributes[0].Values) != 0 {
		t.Errorf("typesOnly: %v", err)
	}

	// Size limit asked by the client.
	res, err := c.Search(ldap.NewSearchRequest(people, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, 0, false, "(uid=*)", nil, nil))
	wantCode(t, "client size limit", err, ldap.LDAPResultSizeLimitExceeded, "")
	if res == nil || len(res.Entries) != 2 {
		t.Errorf("size-limited search returned %v", res)
	}
}

func TestRootDSEAndSubschema(t *testing.T) {
	srv := start(t, directory.Config{})
	c := dial(t, srv)
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"+"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatal(err)
	}
	dse := res.Entries[0]
	if dse.GetAttributeValue("namingContexts") != base || !slices.Contains(dse.GetAttributeValues("supportedControl"), ldap.ControlTypePaging) ||
		!slices.Contains(dse.GetAttributeValues("supportedControl"), ldap.ControlTypeBeheraPasswordPolicy) ||
		!slices.Contains(dse.GetAttributeValues("supportedExtension"), "1.3.6.1.4.1.4203.1.11.1") ||
		dse.GetAttributeValue("subschemaSubentry") != "cn=Subschema" {
		t.Errorf("root DSE: %+v", dse.Attributes)
	}
	res, err = c.Search(ldap.NewSearchRequest("cn=Subschema", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=subschema)", []string{"objectClasses", "attributeTypes"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatal(err)
	}
	ocs := strings.Join(res.Entries[0].GetAttributeValues("objectClasses"), "\n")
	ats := strings.Join(res.Entries[0].GetAttributeValues("attributeTypes"), "\n")
	for _, want := range []string{"( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory )",
		"NAME 'shadowAccount'", "NAME 'posixGroup' SUP top STRUCTURAL"} {
		if !strings.Contains(ocs, want) {
			t.Errorf("objectClasses lacks %q", want)
		}
	}
	for _, want := range []string{"NAME 'pwdAccountLockedTime'", "NAME 'memberOf'", "NAME ( 'cn' 'commonName' )", "NAME 'shadowExpire'"} {
		if !strings.Contains(ats, want) {
			t.Errorf("attributeTypes lacks %q", want)
		}
	}
}

func TestPasswordsAndLocks(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice", "userPassword", "first-pw")
	bob := addUser(t, c, "bob", "userPassword", "{SSHA}notthepassword")

	u := dial(t, srv)
	if err := u.Bind(alice, "first-pw"); err != nil {
		t.Fatalf("user bind: %v", err)
	}
	wantCode(t, "wrong password", u.Bind(alice, "nope"), ldap.LDAPResultInvalidCredentials, "")
	wantCode(t, "pre-hashed value is not a password", u.Bind(bob, "{SSHA}notthepassword"), ldap.LDAPResultInvalidCredentials, "")

	// userPassword: only ever hashed, and only to the rootdn or the user.
	if pw := search(t, c, alice, "(objectClass=*)", "*", "+")[0].GetAttributeValue("userPassword"); !strings.HasPrefix(pw, "{SSHA}") {
		t.Errorf("userPassword for * + to the rootdn: %q", pw)
	}
	if pw := search(t, c, alice, "(objectClass=*)", "userPassword")[0].GetAttributeValue("userPassword"); !strings.HasPrefix(pw, "{SSHA}") {
		t.Errorf("userPassword for the rootdn: %q", pw)
	}
	anon := dial(t, srv)
	if pw := search(t, anon, alice, "(objectClass=*)", "userPassword")[0].GetAttributeValue("userPassword"); pw != "" {
		t.Errorf("userPassword for anonymous: %q", pw)
	}
	if got := search(t, anon, people, "(userPassword=*)"); len(got) != 0 {
		t.Errorf("anonymous can search on userPassword: %v", dns(got))
	}

	// Password modify by the administrator, with a new password and without.
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest(alice, "", "second-pw")); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "old password after change", u.Bind(alice, "first-pw"), ldap.LDAPResultInvalidCredentials, "")
	if err := u.Bind(alice, "second-pw"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	if pw := srv.Entry(alice)["userPassword"]; len(pw) != 1 || !strings.HasPrefix(pw[0], "{SSHA}") {
		t.Errorf("stored %v", pw)
	}
	gen, err := c.PasswordModify(ldap.NewPasswordModifyRequest(bob, "", ""))
	if err != nil || gen.GeneratedPassword == "" {
		t.Fatalf("generated password: %+v %v", gen, err)
	}
	if err := dial(t, srv).Bind(bob, gen.GeneratedPassword); err != nil {
		t.Errorf("bind with the generated password: %v", err)
	}
	// By the user: their own, with the old one checked when given.
	if _, err := u.PasswordModify(ldap.NewPasswordModifyRequest("", "second-pw", "third-pw")); err != nil {
		t.Fatalf("self change: %v", err)
	}
	_, err = u.PasswordModify(ldap.NewPasswordModifyRequest("", "wrong", "fourth-pw"))
	wantCode(t, "wrong old password", err, ldap.LDAPResultUnwillingToPerform, "unwilling to verify old password")
	_, err = u.PasswordModify(ldap.NewPasswordModifyRequest(bob, "", "mine-now"))
	wantCode(t, "someone else's password", err, ldap.LDAPResultInsufficientAccessRights, "")
	_, err = anon.PasswordModify(ldap.NewPasswordModifyRequest("", "", "x"))
	wantCode(t, "anonymous password change", err, ldap.LDAPResultUnwillingToPerform, "only authenticated users")
	// A user may replace their own userPassword with a modify, nothing else.
	m := ldap.NewModifyRequest(alice, nil)
	m.Replace("userPassword", []string{"fifth-pw"})
	if err := u.Modify(m); err != nil {
		t.Errorf("self modify of userPassword: %v", err)
	}
	m = ldap.NewModifyRequest(alice, nil)
	m.Replace("title", []string{"CEO"})
	wantCode(t, "self modify of title", u.Modify(m), ldap.LDAPResultInsufficientAccessRights, "")
	// shadowLastChange is guarded like userPassword (self write, nobody else reads).
	m = ldap.NewModifyRequest(alice, nil)
	m.Replace("shadowLastChange", []string{"20000"})
	if err := u.Modify(m); err != nil {
		t.Errorf("self modify of shadowLastChange: %v", err)
	}
	if v := search(t, anon, alice, "(objectClass=*)")[0].GetAttributeValue("shadowLastChange"); v != "" {
		t.Errorf("anonymous reads shadowLastChange %q", v)
	}
	if v := search(t, c, alice, "(objectClass=*)")[0].GetAttributeValue("shadowLastChange"); v != "20000" {
		t.Errorf("the rootdn reads shadowLastChange %q", v)
	}
	if err := u.Bind(alice, "fifth-pw"); err != nil {
		t.Fatal(err)
	}
	req := ldap.NewAddRequest("uid=mallory,"+people, nil)
	req.Attribute("objectClass", []string{"account"})
	req.Attribute("uid", []string{"mallory"})
	wantCode(t, "user add", u.Add(req), ldap.LDAPResultInsufficientAccessRights, "no write access to parent")
	wantCode(t, "anonymous delete", anon.Del(ldap.NewDelRequest(bob, nil)), ldap.LDAPResultStrongAuthRequired, "modifications require authentication")

	// Locks: ppolicy's pwdAccountLockedTime (set by the administrator, an
	// operational attribute) and shadowExpire.
	lock := ldap.NewModifyRequest(alice, nil)
	lock.Replace("pwdAccountLockedTime", []string{"000001010000Z"})
	if err := c.Modify(lock); err != nil {
		t.Fatalf("locking: %v", err)
	}
	wantCode(t, "locked user", u.Bind(alice, "fifth-pw"), ldap.LDAPResultInvalidCredentials, "")
	pp := ldap.NewSimpleBindRequest(alice, "fifth-pw", []ldap.Control{ldap.NewControlBeheraPasswordPolicy()})
	br, err := u.SimpleBind(pp)
	wantCode(t, "locked user with ppolicy control", err, ldap.LDAPResultInvalidCredentials, "")
	// Like slapd without ppolicy_use_lockout: a response control, without
	// an error that would tell the client the account is locked.
	if br == nil || ldap.FindControl(br.Controls, ldap.ControlTypeBeheraPasswordPolicy) == nil ||
		ldap.FindControl(br.Controls, ldap.ControlTypeBeheraPasswordPolicy).(*ldap.ControlBeheraPasswordPolicy).Error != -1 {
		t.Errorf("password policy response control: %+v", br)
	}
	if e := search(t, c, alice, "(objectClass=*)"); e[0].GetAttributeValue("pwdAccountLockedTime") != "" {
		t.Error("pwdAccountLockedTime returned for *")
	}
	if got := dns(search(t, c, people, "(pwdAccountLockedTime=*)", "pwdAccountLockedTime")); !slices.Equal(got, []string{alice}) {
		t.Errorf("search for locked accounts: %v", got)
	}
	future := ldap.NewModifyRequest(alice, nil)
	future.Replace("pwdAccountLockedTime", []string{time.Now().Add(time.Hour).UTC().Format("20060102150405Z")})
	if err := c.Modify(future); err != nil {
		t.Fatal(err)
	}
	if err := u.Bind(alice, "fifth-pw"); err != nil {
		t.Errorf("a lock time in the future locks already: %v", err)
	}
	unlock := ldap.NewModifyRequest(alice, nil)
	unlock.Delete("pwdAccountLockedTime", nil)
	unlock.Replace("shadowExpire", []string{"1"})
	if err := c.Modify(unlock); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "expired user", u.Bind(alice, "fifth-pw"), ldap.LDAPResultInvalidCredentials, "")
	unexpire := ldap.NewModifyRequest(alice, nil)
	unexpire.Replace("shadowExpire", []string{fmt.Sprint(time.Now().Unix()/86400 + 30)})
	if err := c.Modify(unexpire); err != nil {
		t.Fatal(err)
	}
	if err := u.Bind(alice, "fifth-pw"); err != nil {
		t.Errorf("shadowExpire in the future: %v", err)
	}
}

func TestPagedSearch(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	const n = 2000
	for i := 0; i < n; i++ {
		req := ldap.NewAddRequest(fmt.Sprintf("uid=user%04d,%s", i, people), nil)
		req.Attribute("objectClass", []string{"inetOrgPerson"})
		req.Attribute("uid", []string{fmt.Sprintf("user%04d", i)})
		req.Attribute("cn", []string{fmt.Sprintf("User %d", i)})
		req.Attribute("sn", []string{"User"})
		if err := c.Add(req); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetCounts()
	req := ldap.NewSearchRequest(people, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=inetOrgPerson)", []string{"uid"}, nil)
	res, err := c.SearchWithPaging(req, 300)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range res.Entries {
		seen[e.GetAttributeValue("uid")] = true
	}
	if len(res.Entries) != n || len(seen) != n {
		t.Errorf("paged search: %d entries, %d distinct", len(res.Entries), len(seen))
	}
	if got := srv.Count("search"); got != 7 {
		t.Errorf("%d searches for 2000 entries in pages of 300", got)
	}

	// A user (not the rootdn) without paging stops at the size limit.
	if err := srv.Set("uid=user0000,"+people, "userPassword", "pw"); err != nil {
		t.Fatal(err)
	}
	u := dial(t, srv)
	if err := u.Bind("uid=user0000,"+people, "pw"); err != nil {
		t.Fatal(err)
	}
	r, err := u.Search(ldap.NewSearchRequest(people, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid=*)", []string{"1.1"}, nil))
	wantCode(t, "server size limit", err, ldap.LDAPResultSizeLimitExceeded, "")
	if r == nil || len(r.Entries) != 500 {
		t.Errorf("size-limited: %v", r)
	}
	if r, err := u.SearchWithPaging(ldap.NewSearchRequest(people, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid=*)", []string{"1.1"}, nil), 500); err != nil || len(r.Entries) != n {
		t.Errorf("paged search by a user: %v", err)
	}

	// Pages reflect changes between them, like back-mdb: deleted entries
	// are skipped, the others come once.
	paging := ldap.NewControlPaging(100)
	page := ldap.NewSearchRequest(people, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, "(uid=*)", []string{"uid"}, []ldap.Control{paging})
	first, err := c.Search(page)
	if err != nil || len(first.Entries) != 100 {
		t.Fatal(err)
	}
	if err := c.Del(ldap.NewDelRequest("uid=user0150,"+people, nil)); err != nil {
		t.Fatal(err)
	}
	cookie := ldap.FindControl(first.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging).Cookie
	paging.SetCookie(cookie)
	second, err := c.Search(page)
	if err != nil || len(second.Entries) != 100 || second.Entries[0].GetAttributeValue("uid") != "user0100" || second.Entries[99].GetAttributeValue("uid") != "user0200" {
		t.Errorf("second page: %v %d", err, len(second.Entries))
	}
	// An old cookie is refused; one paged search per connection, as in slapd.
	paging.SetCookie(cookie)
	_, err = c.Search(page)
	wantCode(t, "stale cookie", err, ldap.LDAPResultProtocolError, "paged results cookie is invalid")

	// Concurrent paged searches on separate connections.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := ldap.DialURL(srv.URL(), ldap.DialWithTLSConfig(srv.ClientTLSConfig()))
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			if err := conn.Bind(admin, rootPW); err != nil {
				errs <- err
				return
			}
			r, err := conn.SearchWithPaging(ldap.NewSearchRequest(people, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid=*)", []string{"uid"}, nil), 250)
			if err == nil && len(r.Entries) != n-1 {
				err = fmt.Errorf("%d entries", len(r.Entries))
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent paged search: %v", err)
	}
}

func TestFaultsAndRestart(t *testing.T) {
	srv := start(t, directory.Config{})
	c := adminConn(t, srv)
	alice := addUser(t, c, "alice")

	srv.FailNext("modify", ldap.LDAPResultBusy)
	srv.FailNext("modify", ldap.LDAPResultUnavailable)
	m := ldap.NewModifyRequest(alice, nil)
	m.Replace("title", []string{"x"})
	wantCode(t, "first injected", c.Modify(m), ldap.LDAPResultBusy, "injected failure")
	wantCode(t, "second injected", c.Modify(m), ldap.LDAPResultUnavailable, "")
	if err := c.Modify(m); err != nil {
		t.Errorf("after the faults: %v", err)
	}
	srv.FailNext("passwd", ldap.LDAPResultUnwillingToPerform)
	_, err := c.PasswordModify(ldap.NewPasswordModifyRequest(alice, "", "pw"))
	wantCode(t, "injected passwd", err, ldap.LDAPResultUnwillingToPerform, "")
	srv.FailNext("bind", ldap.LDAPResultUnavailable)
	wantCode(t, "injected bind", dial(t, srv).Bind(admin, rootPW), ldap.LDAPResultUnavailable, "")

	srv.FailNext("search", directory.DropConnection)
	_, err = c.Search(ldap.NewSearchRequest(base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil))
	if err == nil || !strings.Contains(err.Error(), "EOF") && code(err) != ldap.ErrorNetwork {
		t.Errorf("dropped connection: %v", err)
	}

	// The server goes away: connections drop, new ones are refused; it
	// comes back on the same ports with the same data.
	c2 := adminConn(t, srv)
	port, tlsPort := srv.Port(), srv.TLSPort()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Search(ldap.NewSearchRequest(base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil)); err == nil {
		t.Error("a connection survived Stop")
	}
	if _, err := ldap.DialURL(srv.URL(), ldap.DialWithTLSConfig(srv.ClientTLSConfig())); err == nil {
		t.Error("dialled a stopped server")
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if srv.Port() != port || srv.TLSPort() != tlsPort {
		t.Errorf("ports changed: %d/%d -> %d/%d", port, tlsPort, srv.Port(), srv.TLSPort())
	}
	c3 := adminConn(t, srv)
	if got := search(t, c3, alice, "(objectClass=*)", "title"); got[0].GetAttributeValue("title") != "x" {
		t.Error("data lost across Stop/Start")
	}
	if srv.Count("conn") < 4 || srv.Count("modify") != 3 {
		t.Errorf("counts: conn %d modify %d", srv.Count("conn"), srv.Count("modify"))
	}

	// Unsupported requests get slapd's answers.
	ctl := ldap.NewControlString("1.2.3.4.5", true, "")
	_, err = c3.Search(ldap.NewSearchRequest(base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{ctl}))
	wantCode(t, "critical unknown control", err, ldap.LDAPResultUnavailableCriticalExtension, "critical extension is not recognized")
	if _, err := c3.Search(ldap.NewSearchRequest(base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{ldap.NewControlString("1.2.3.4.5", false, "")})); err != nil {
		t.Errorf("non-critical unknown control: %v", err)
	}
	_, err = c3.Extended(ldap.NewExtendedRequest("1.2.3.4", nil))
	wantCode(t, "unknown extended operation", err, ldap.LDAPResultProtocolError, "unsupported extended operation")
	_, err = c3.SimpleBind(&ldap.SimpleBindRequest{Username: admin, Password: rootPW})
	if err != nil {
		t.Error(err)
	}
	err = c3.ExternalBind()
	wantCode(t, "SASL", err, ldap.LDAPResultAuthMethodNotSupported, "")
}

func TestHelpers(t *testing.T) {
	srv := start(t, directory.Config{Suffix: "o=acme", RootDN: "cn=manager,o=acme", Now: func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if got := srv.Entries(); !slices.Equal(got, []string{"o=acme", "ou=people,o=acme", "ou=groups,o=acme", "ou=disabled,o=acme", "ou=policies,o=acme", "cn=default,ou=policies,o=acme"}) {
		t.Errorf("entries %v", got)
	}
	if err := srv.Add("uid=x,ou=people,o=acme", map[string][]string{"objectClass": {"account"}, "uid": {"x"}, "host": {"h1", "h2"}}); err != nil {
		t.Fatal(err)
	}
	if e := srv.Entry("UID=X,OU=PEOPLE,O=ACME"); e == nil || e["createTimestamp"][0] != "20300102030405Z" || e["entryDN"][0] != "uid=x,ou=people,o=acme" {
		t.Errorf("Entry: %v", e)
	}
	err := srv.Add("uid=x,ou=people,o=acme", map[string][]string{"objectClass": {"account"}, "uid": {"x"}})
	if de, ok := err.(*directory.Error); !ok || de.Code != ldap.LDAPResultEntryAlreadyExists {
		t.Errorf("duplicate via Add: %v", err)
	}
	if err := srv.Set("uid=x,ou=people,o=acme", "host"); err != nil || srv.Entry("uid=x,ou=people,o=acme")["host"] != nil {
		t.Errorf("Set without values: %v", err)
	}
	if !strings.Contains(srv.LDIF(), "dn: uid=x,ou=people,o=acme\nobjectClass: account\n") {
		t.Errorf("LDIF:\n%s", srv.LDIF())
	}
	if err := srv.Delete("uid=x,ou=people,o=acme"); err != nil || srv.Entry("uid=x,ou=people,o=acme") != nil {
		t.Errorf("Delete: %v", err)
	}
	c := dial(t, srv)
	if err := c.Bind("cn=manager,o=acme", rootPW); err != nil {
		t.Errorf("custom rootdn: %v", err)
	}
	if _, err := directory.New(directory.Config{}); err == nil {
		t.Error("New without a password")
	}
	defer func() {
		if recover() == nil {
			t.Error("FailNext accepted an unknown operation")
		}
	}()
	srv.FailNext("frobnicate", 1)
}
