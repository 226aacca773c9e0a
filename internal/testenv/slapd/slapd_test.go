package slapd

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

func dialURL(t *testing.T, url string, opts ...ldap.DialOpt) *ldap.Conn {
	t.Helper()
	opts = append(opts, ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}))
	conn, err := ldap.DialURL(url, opts...)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	conn.SetTimeout(30 * time.Second)
	t.Cleanup(func() { conn.Close() })
	return conn
}

func addUser(t *testing.T, conn *ldap.Conn, uid string, uidNumber int, password string) string {
	t.Helper()
	dn := "uid=" + uid + "," + PeopleDN
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"inetOrgPerson", "posixAccount", "shadowAccount"})
	req.Attribute("uid", []string{uid})
	req.Attribute("cn", []string{"User " + uid})
	req.Attribute("sn", []string{uid})
	req.Attribute("givenName", []string{"Test"})
	req.Attribute("mail", []string{uid + "@example.org"})
	req.Attribute("uidNumber", []string{fmt.Sprint(uidNumber)})
	req.Attribute("gidNumber", []string{"10000"})
	req.Attribute("homeDirectory", []string{"/home/" + uid})
	req.Attribute("loginShell", []string{"/bin/bash"})
	if password != "" {
		req.Attribute("userPassword", []string{password})
	}
	if err := conn.Add(req); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	return dn
}

func addGroup(t *testing.T, conn *ldap.Conn, name string, members ...string) string {
	t.Helper()
	dn := "cn=" + name + "," + GroupsDN
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"groupOfNames"})
	req.Attribute("cn", []string{name})
	req.Attribute("member", members)
	if err := conn.Add(req); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	return dn
}

func bindAs(t *testing.T, s *Server, dn, password string) error {
	t.Helper()
	conn := dialURL(t, s.URL)
	return conn.Bind(dn, password)
}

func memberOf(t *testing.T, s *Server, dn string) []string {
	t.Helper()
	e := s.Entry(t, dn, "memberOf")
	if e == nil {
		t.Fatalf("%s missing", dn)
	}
	var out []string
	for _, v := range e.GetAttributeValues("memberOf") {
		out = append(out, strings.ToLower(v))
	}
	slices.Sort(out)
	return out
}

func TestStartBaseEntries(t *testing.T) {
	t.Parallel()
	s := Start(t)
	if !strings.HasPrefix(s.URL, "ldap://127.0.0.1:") || !strings.HasPrefix(s.LDAPSURL, "ldaps://127.0.0.1:") {
		t.Fatalf("URLs %q %q", s.URL, s.LDAPSURL)
	}
	if s.BaseDN != BaseDN || s.BindDN != AdminDN || len(s.Password) < 16 || s.Dir == "" {
		t.Fatalf("server %+v", s)
	}
	for _, dn := range []string{BaseDN, PeopleDN, GroupsDN, DisabledDN, PoliciesDN, DefaultPolicyDN} {
		if s.Entry(t, dn) == nil {
			t.Errorf("base entry %s missing", dn)
		}
	}
	if e := s.Entry(t, "uid=nobody,"+PeopleDN); e != nil {
		t.Errorf("Entry of a missing DN = %v, want nil", e.DN)
	}
	if e := s.Entry(t, "cn=nothing,dc=elsewhere"); e != nil {
		t.Errorf("Entry outside the suffix = %v, want nil", e.DN)
	}
	pol := s.Entry(t, DefaultPolicyDN, "pwdLockout", "pwdAttribute")
	if pol.GetAttributeValue("pwdLockout") != "TRUE" || pol.GetAttributeValue("pwdAttribute") != "userPassword" {
		t.Errorf("default policy %v", pol.Attributes)
	}
	// The root DSE announces paged results; the rootdn password is wrong for anything else.
	conn := s.Conn(t)
	res, err := conn.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"supportedControl", "supportedExtension", "namingContexts"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Entries[0].GetAttributeValues("supportedControl"), ldap.ControlTypePaging) {
		t.Errorf("paged results not supported: %v", res.Entries[0].GetAttributeValues("supportedControl"))
	}
	if !slices.Contains(res.Entries[0].GetAttributeValues("supportedExtension"), "1.3.6.1.4.1.4203.1.11.1") {
		t.Errorf("password modify not supported: %v", res.Entries[0].GetAttributeValues("supportedExtension"))
	}
	if got := res.Entries[0].GetAttributeValues("namingContexts"); !slices.Equal(got, []string{BaseDN}) {
		t.Errorf("namingContexts %v", got)
	}
	err = bindAs(t, s, s.BindDN, s.Password+"x")
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Errorf("bind with a wrong password: %v, want invalid credentials", err)
	}
	// The config holds only the hashed admin password.
	conf, err := os.ReadFile(s.conf)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(conf), s.Password) || !strings.Contains(string(conf), "rootpw {SSHA}") {
		t.Errorf("slapd.conf rootpw is not a {SSHA} hash")
	}
}

func TestStartTLSAndLDAPS(t *testing.T) {
	t.Parallel()
	s := Start(t)

	// The CA file as a provider's ca_file would use it.
	pemBytes, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("no certificate in CAFile")
	}
	verified := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}

	t.Run("StartTLS", func(t *testing.T) {
		conn := dialURL(t, s.URL)
		if err := conn.StartTLS(verified); err != nil {
			t.Fatalf("StartTLS verifying CAFile: %v", err)
		}
		if err := conn.Bind(s.BindDN, s.Password); err != nil {
			t.Fatal(err)
		}
		state, ok := conn.TLSConnectionState()
		if !ok || len(state.VerifiedChains) == 0 {
			t.Fatalf("TLS state %v, verified chains %d", ok, len(state.VerifiedChains))
		}
		if _, err := conn.WhoAmI(nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("LDAPS", func(t *testing.T) {
		conn := dialURL(t, s.LDAPSURL, ldap.DialWithTLSConfig(s.TLSConfig(t)))
		if err := conn.Bind(s.BindDN, s.Password); err != nil {
			t.Fatal(err)
		}
		res, err := conn.WhoAmI(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.EqualFold(res.AuthzID, "dn:"+s.BindDN) {
			t.Errorf("whoami %q", res.AuthzID)
		}
	})
	t.Run("UnknownCA", func(t *testing.T) {
		conn := dialURL(t, s.URL)
		err := conn.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: x509.NewCertPool()})
		// go-ldap's StartTLS keeps only the message of the x509 error.
		if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
			t.Fatalf("StartTLS without the CA: %v, want an unknown authority error", err)
		}
		var unknown x509.UnknownAuthorityError
		_, err = ldap.DialURL(s.LDAPSURL, ldap.DialWithTLSConfig(&tls.Config{ServerName: "127.0.0.1", RootCAs: x509.NewCertPool()}))
		if !errors.As(err, &unknown) {
			t.Fatalf("LDAPS without the CA: %v, want an unknown authority error", err)
		}
	})
	t.Run("WrongName", func(t *testing.T) {
		_, err := ldap.DialURL(s.LDAPSURL, ldap.DialWithTLSConfig(&tls.Config{ServerName: "ldap.example.org", RootCAs: pool}))
		var hostErr x509.HostnameError
		if !errors.As(err, &hostErr) {
			t.Fatalf("LDAPS for another name: %v, want a hostname error", err)
		}
	})
}

func TestUserGroupMemberOf(t *testing.T) {
	t.Parallel()
	s := Start(t)
	conn := s.Conn(t)
	alice := addUser(t, conn, "alice", 10001, "alice-secret")
	bob := addUser(t, conn, "bob", 10002, "")
	eng := addGroup(t, conn, "engineering", alice, bob)
	ops := addGroup(t, conn, "ops", alice)

	if got, want := memberOf(t, s, alice), []string{strings.ToLower(eng), strings.ToLower(ops)}; !slices.Equal(got, want) {
		t.Errorf("alice memberOf %v, want %v", got, want)
	}
	if got, want := memberOf(t, s, bob), []string{strings.ToLower(eng)}; !slices.Equal(got, want) {
		t.Errorf("bob memberOf %v, want %v", got, want)
	}
	// memberOf is operational: "*" does not return it.
	if e := s.Entry(t, alice, "*"); len(e.GetAttributeValues("memberOf")) != 0 {
		t.Errorf("memberOf returned for \"*\": %v", e.GetAttributeValues("memberOf"))
	}

	// Single-value membership changes.
	mod := ldap.NewModifyRequest(ops, nil)
	mod.Add("member", []string{bob})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	mod = ldap.NewModifyRequest(eng, nil)
	mod.Delete("member", []string{alice})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if got, want := memberOf(t, s, alice), []string{strings.ToLower(ops)}; !slices.Equal(got, want) {
		t.Errorf("after the changes, alice memberOf %v, want %v", got, want)
	}
	if got := memberOf(t, s, bob); len(got) != 2 {
		t.Errorf("after the changes, bob memberOf %v", got)
	}

	// memberof-refint: renaming a group renames memberOf values; moving a user rewrites member.
	if err := conn.ModifyDN(ldap.NewModifyDNRequest(ops, "cn=operations", true, "")); err != nil {
		t.Fatal(err)
	}
	operations := "cn=operations," + GroupsDN
	if got, want := memberOf(t, s, alice), []string{operations}; !slices.Equal(got, want) {
		t.Errorf("after renaming the group, alice memberOf %v, want %v", got, want)
	}
	if err := conn.ModifyDN(ldap.NewModifyDNRequest(bob, "uid=bob", true, DisabledDN)); err != nil {
		t.Fatal(err)
	}
	movedBob := "uid=bob," + DisabledDN
	g := s.Entry(t, operations, "member")
	if got := g.GetAttributeValues("member"); !slices.ContainsFunc(got, func(v string) bool { return strings.EqualFold(v, movedBob) }) {
		t.Errorf("after moving bob, members of operations %v", got)
	}

	// The user's own attributes, and the password sent in clear stored hashed (ppolicy_hash_cleartext).
	e := s.Entry(t, alice)
	for attr, want := range map[string]string{"uidNumber": "10001", "gidNumber": "10000", "homeDirectory": "/home/alice", "mail": "alice@example.org"} {
		if got := e.GetAttributeValue(attr); got != want {
			t.Errorf("alice %s = %q, want %q", attr, got, want)
		}
	}
	if pw := e.GetAttributeValue("userPassword"); !strings.HasPrefix(pw, "{SSHA}") {
		t.Errorf("alice userPassword stored as %q, want {SSHA}...", pw)
	}
	if err := bindAs(t, s, alice, "alice-secret"); err != nil {
		t.Errorf("bind as alice: %v", err)
	}
	// A user reads its own password hash ("by self write" includes read) but not another's.
	uc := dialURL(t, s.URL)
	if err := uc.Bind(alice, "alice-secret"); err != nil {
		t.Fatal(err)
	}
	mod = ldap.NewModifyRequest(movedBob, nil)
	mod.Replace("userPassword", []string{"bob-secret"})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dn     string
		wantPW bool
	}{{alice, true}, {movedBob, false}} {
		res, err := uc.Search(ldap.NewSearchRequest(c.dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=*)", []string{"userPassword", "uid"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		e := res.Entries[0]
		if (e.GetAttributeValue("userPassword") != "") != c.wantPW || e.GetAttributeValue("uid") == "" {
			t.Errorf("alice reading %s: userPassword %q uid %q", c.dn, e.GetAttributeValue("userPassword"), e.GetAttributeValue("uid"))
		}
	}
	// The Password Modify extended operation, by the user, hashes too.
	if _, err := uc.PasswordModify(ldap.NewPasswordModifyRequest("", "alice-secret", "alice-new")); err != nil {
		t.Fatal(err)
	}
	if err := bindAs(t, s, alice, "alice-new"); err != nil {
		t.Errorf("bind with the new password: %v", err)
	}
	if pw := s.Entry(t, alice, "userPassword").GetAttributeValue("userPassword"); !strings.HasPrefix(pw, "{SSHA}") {
		t.Errorf("password modify stored %q", pw)
	}

	// Schema violations come back as such.
	bad := ldap.NewAddRequest("uid=bad,"+PeopleDN, nil)
	bad.Attribute("objectClass", []string{"inetOrgPerson", "posixAccount"})
	bad.Attribute("uid", []string{"bad"})
	bad.Attribute("cn", []string{"bad"})
	bad.Attribute("sn", []string{"bad"})
	if err := conn.Add(bad); !ldap.IsErrorWithCode(err, ldap.LDAPResultObjectClassViolation) {
		t.Errorf("posixAccount without uidNumber: %v, want object class violation", err)
	}
}

// Groups whose only member is a placeholder (groupOfNames needs at least one member).
func TestPlaceholderMembers(t *testing.T) {
	t.Parallel()
	s := Start(t)
	conn := s.Conn(t)
	alice := addUser(t, conn, "alice", 10001, "")

	// A placeholder DN that names no entry (inside or outside the suffix): accepted, nothing gets
	// a memberOf (memberof-dangling is "ignore").
	for _, ph := range []string{"cn=placeholder," + BaseDN, "cn=nobody", ""} {
		name := "empty-" + strings.NewReplacer("=", "-", ",", "-").Replace(ph)
		if ph == "" {
			// The empty DN (the root DSE) as member: some tools use it.
			name = "empty-rootdse"
		}
		g := addGroup(t, conn, name, ph)
		if got := s.Entry(t, g, "member").GetAttributeValues("member"); len(got) != 1 {
			t.Errorf("%s members %q", g, got)
		}
	}
	// The rootdn is not an entry either: same.
	addGroup(t, conn, "empty-admin", AdminDN)
	if e := s.Entry(t, AdminDN); e != nil {
		t.Errorf("the rootdn is an entry")
	}

	// Adding the first real member next to the placeholder, then removing the placeholder.
	g := "cn=empty-cn-placeholder-dc-example-dc-org," + GroupsDN
	mod := ldap.NewModifyRequest(g, nil)
	mod.Add("member", []string{alice})
	mod.Delete("member", []string{"cn=placeholder," + BaseDN})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if got := memberOf(t, s, alice); !slices.Equal(got, []string{strings.ToLower(g)}) {
		t.Errorf("alice memberOf %v", got)
	}
	// Removing the last member: groupOfNames requires one.
	mod = ldap.NewModifyRequest(g, nil)
	mod.Delete("member", []string{alice})
	if err := conn.Modify(mod); !ldap.IsErrorWithCode(err, ldap.LDAPResultObjectClassViolation) {
		t.Errorf("removing the last member: %v, want object class violation", err)
	}

	// A placeholder that is an existing entry gets memberOf like any member.
	holder := "cn=holder," + BaseDN
	add := ldap.NewAddRequest(holder, nil)
	add.Attribute("objectClass", []string{"organizationalRole"})
	add.Attribute("cn", []string{"holder"})
	if err := conn.Add(add); err != nil {
		t.Fatal(err)
	}
	g2 := addGroup(t, conn, "held", holder)
	if got := memberOf(t, s, holder); !slices.Equal(got, []string{strings.ToLower(g2)}) {
		t.Errorf("existing placeholder entry memberOf %v, want the group", got)
	}
}

// How the memberof overlay behaves in the cases a provider meets.
func TestMemberOfBehaviour(t *testing.T) {
	t.Parallel()
	s := Start(t)
	conn := s.Conn(t)

	// A group added before its member's entry: the member never gets memberOf (the overlay acts
	// only when a group's member attribute changes), until the membership is written again.
	early := addGroup(t, conn, "early", "uid=later,"+PeopleDN)
	later := addUser(t, conn, "later", 10010, "")
	if got := memberOf(t, s, later); len(got) != 0 {
		t.Errorf("memberOf of a user added after its group: %v (the overlay learnt to backfill?)", got)
	}
	mod := ldap.NewModifyRequest(early, nil)
	mod.Delete("member", []string{later})
	mod.Add("member", []string{later})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if got := memberOf(t, s, later); !slices.Equal(got, []string{strings.ToLower(early)}) {
		t.Errorf("memberOf after rewriting the membership: %v", got)
	}

	// memberOf cannot be written by clients, not even by the admin.
	add := ldap.NewAddRequest("uid=self-made,"+PeopleDN, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	add.Attribute("cn", []string{"x"})
	add.Attribute("sn", []string{"x"})
	add.Attribute("memberOf", []string{early})
	if err := conn.Add(add); !ldap.IsErrorWithCode(err, ldap.LDAPResultConstraintViolation) {
		t.Errorf("add with memberOf: %v, want constraint violation", err)
	}

	// Deleting a user removes it from its groups (memberof-refint), except from a group where it
	// is the last member: that group would break groupOfNames, so the dangling value stays.
	a := addUser(t, conn, "a", 10011, "")
	b := addUser(t, conn, "b", 10012, "")
	two := addGroup(t, conn, "two", a, b)
	one := addGroup(t, conn, "one", a)
	if err := conn.Del(ldap.NewDelRequest(a, nil)); err != nil {
		t.Fatal(err)
	}
	if got := s.Entry(t, two, "member").GetAttributeValues("member"); !slices.Equal(got, []string{b}) {
		t.Errorf("members of %s after deleting a: %v, want only b", two, got)
	}
	if got := s.Entry(t, one, "member").GetAttributeValues("member"); !slices.Equal(got, []string{a}) {
		t.Errorf("members of %s after deleting its only member: %v, want the dangling value kept", one, got)
	}

	// Member values keep the case the client sent for attribute values, with attribute types
	// lowered; memberOf values are the group's DN as stored.
	odd := addGroup(t, conn, "Odd", "UID=B,OU=People,DC=Example,DC=Org")
	if got := s.Entry(t, odd, "member").GetAttributeValues("member"); !slices.Equal(got, []string{"uid=B,ou=People,dc=Example,dc=Org"}) {
		t.Errorf("member stored as %v", got)
	}
	if got := s.Entry(t, b, "memberOf").GetAttributeValues("memberOf"); !slices.Contains(got, "cn=Odd,"+GroupsDN) {
		t.Errorf("b memberOf %v", got)
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	s := Start(t)
	conn := s.Conn(t)
	carol := addUser(t, conn, "carol", 10003, "carol-secret")
	if err := bindAs(t, s, carol, "carol-secret"); err != nil {
		t.Fatalf("bind before the lock: %v", err)
	}
	for _, lockValue := range []string{PermanentlyLocked, time.Now().UTC().Format("20060102150405Z")} {
		mod := ldap.NewModifyRequest(carol, nil)
		mod.Replace("pwdAccountLockedTime", []string{lockValue})
		if err := conn.Modify(mod); err != nil {
			t.Fatalf("set pwdAccountLockedTime %s: %v", lockValue, err)
		}
		if got := s.Entry(t, carol, "pwdAccountLockedTime").GetAttributeValue("pwdAccountLockedTime"); got != lockValue {
			t.Errorf("pwdAccountLockedTime = %q, want %q", got, lockValue)
		}
		err := bindAs(t, s, carol, "carol-secret")
		if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			t.Errorf("bind while locked (%s): %v, want invalid credentials", lockValue, err)
		}
		mod = ldap.NewModifyRequest(carol, nil)
		mod.Delete("pwdAccountLockedTime", nil)
		if err := conn.Modify(mod); err != nil {
			t.Fatal(err)
		}
		if err := bindAs(t, s, carol, "carol-secret"); err != nil {
			t.Errorf("bind after unlocking: %v", err)
		}
	}
	// With the password policy control, the response control carries no error: without
	// ppolicy_use_lockout, a locked account looks like a wrong password.
	mod := ldap.NewModifyRequest(carol, nil)
	mod.Replace("pwdAccountLockedTime", []string{PermanentlyLocked})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	uc := dialURL(t, s.URL)
	res, err := uc.SimpleBind(ldap.NewSimpleBindRequest(carol, "carol-secret", []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Errorf("bind with the policy control while locked: %v", err)
	}
	var pp *ldap.ControlBeheraPasswordPolicy
	if res != nil {
		if c, ok := ldap.FindControl(res.Controls, ldap.ControlTypeBeheraPasswordPolicy).(*ldap.ControlBeheraPasswordPolicy); ok {
			pp = c
		}
	}
	if pp == nil || pp.Error != -1 {
		t.Errorf("password policy response %v, want one without error", pp)
	}
	// Locking does not stop the admin from changing the entry; unlocking by deleting the value.
	mod = ldap.NewModifyRequest(carol, nil)
	mod.Delete("pwdAccountLockedTime", nil)
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}

	// With pwdLockout FALSE in the policy, ppolicy 2.5 ignores pwdAccountLockedTime.
	mod = ldap.NewModifyRequest(DefaultPolicyDN, nil)
	mod.Replace("pwdLockout", []string{"FALSE"})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	mod = ldap.NewModifyRequest(carol, nil)
	mod.Replace("pwdAccountLockedTime", []string{PermanentlyLocked})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if err := bindAs(t, s, carol, "carol-secret"); err != nil {
		t.Errorf("bind while locked with pwdLockout FALSE: %v, want success (the lock is ignored)", err)
	}
	mod = ldap.NewModifyRequest(DefaultPolicyDN, nil)
	mod.Replace("pwdLockout", []string{"TRUE"})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if err := bindAs(t, s, carol, "carol-secret"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Errorf("bind while locked with pwdLockout TRUE again: %v", err)
	}
	mod = ldap.NewModifyRequest(carol, nil)
	mod.Delete("pwdAccountLockedTime", nil)
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}

	// Wrong passwords do not lock (pwdMaxFailure 0): tests may fail binds at will.
	for range 5 {
		if err := bindAs(t, s, carol, "wrong"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			t.Fatalf("bind with a wrong password: %v", err)
		}
	}
	if err := bindAs(t, s, carol, "carol-secret"); err != nil {
		t.Errorf("bind after failed binds: %v", err)
	}
}

func TestPagedSearch(t *testing.T) {
	t.Parallel()
	s := Start(t)
	conn := s.Conn(t)
	// More than slapd's default size limit (500) for non-root identities.
	const n = 600
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			req := ldap.NewAddRequest(fmt.Sprintf("uid=user%04d,%s", i, PeopleDN), nil)
			req.Attribute("objectClass", []string{"inetOrgPerson", "posixAccount", "shadowAccount"})
			req.Attribute("uid", []string{fmt.Sprintf("user%04d", i)})
			req.Attribute("cn", []string{fmt.Sprintf("User %d", i)})
			req.Attribute("sn", []string{"User"})
			req.Attribute("uidNumber", []string{fmt.Sprint(20000 + i)})
			req.Attribute("gidNumber", []string{"10000"})
			req.Attribute("homeDirectory", []string{fmt.Sprintf("/home/user%04d", i)})
			if i == 0 {
				req.Attribute("userPassword", []string{"reader-secret"})
			}
			errs <- conn.Add(req)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// SearchWithPaging adds its paging control to the request it is given: a fresh one each time.
	search := func() *ldap.SearchRequest {
		return ldap.NewSearchRequest(PeopleDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=posixAccount)", []string{"uid", "uidNumber"}, nil)
	}

	res, err := conn.SearchWithPaging(search(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != n {
		t.Errorf("admin paged search: %d entries, want %d", len(res.Entries), n)
	}

	// A plain user: paged and not paged, no size limit in the way.
	uc := dialURL(t, s.URL)
	if err := uc.Bind("uid=user0000,"+PeopleDN, "reader-secret"); err != nil {
		t.Fatal(err)
	}
	res, err = uc.SearchWithPaging(search(), 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != n {
		t.Errorf("user paged search: %d entries, want %d", len(res.Entries), n)
	}
	uids := map[string]bool{}
	for _, e := range res.Entries {
		uids[e.GetAttributeValue("uid")] = true
	}
	if len(uids) != n {
		t.Errorf("paged search returned %d distinct users, want %d", len(uids), n)
	}
	res, err = uc.Search(search())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != n {
		t.Errorf("user search without paging: %d entries, want %d", len(res.Entries), n)
	}
}

func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	s := Start(t)
	conn := s.Conn(t)
	dave := addUser(t, conn, "dave", 10004, "dave-secret")
	g := addGroup(t, conn, "staff", dave)
	url, ldapsURL := s.URL, s.LDAPSURL

	s.Stop()
	if s.Running() {
		t.Fatal("running after Stop")
	}
	s.Stop() // idempotent
	if _, err := conn.Search(ldap.NewSearchRequest(BaseDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", nil, nil)); err == nil {
		t.Error("search on a connection to a stopped server succeeded")
	}
	if c, err := ldap.DialURL(s.URL, ldap.DialWithDialer(&net.Dialer{Timeout: time.Second})); err == nil {
		c.Close()
		t.Error("dial to a stopped server succeeded")
	}

	s.Restart(t)
	if !s.Running() || s.URL != url || s.LDAPSURL != ldapsURL {
		t.Fatalf("after Restart: running %v, URLs %s %s (were %s %s)", s.Running(), s.URL, s.LDAPSURL, url, ldapsURL)
	}
	if s.Entry(t, dave) == nil {
		t.Fatal("dave lost in the restart")
	}
	if got := memberOf(t, s, dave); !slices.Equal(got, []string{strings.ToLower(g)}) {
		t.Errorf("dave memberOf after restart %v", got)
	}
	if err := bindAs(t, s, dave, "dave-secret"); err != nil {
		t.Errorf("bind as dave after restart: %v", err)
	}
	ldaps := dialURL(t, s.LDAPSURL, ldap.DialWithTLSConfig(s.TLSConfig(t)))
	if err := ldaps.Bind(s.BindDN, s.Password); err != nil {
		t.Errorf("LDAPS after restart: %v", err)
	}
	s.Restart(t) // twice in a row, with no connection in between
	if s.Entry(t, g) == nil {
		t.Error("group lost in the second restart")
	}
}

func TestConcurrentServers(t *testing.T) {
	t.Parallel()
	const n = 6
	servers := make([]*Server, n)
	var mu sync.Mutex
	t.Run("start", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				s := Start(t)
				conn := s.Conn(t)
				addUser(t, conn, fmt.Sprintf("only%d", i), 30000+i, "")
				mu.Lock()
				servers[i] = s
				mu.Unlock()
				for j := range n {
					e := s.Entry(t, fmt.Sprintf("uid=only%d,%s", j, PeopleDN), "uid")
					if (e != nil) != (i == j) {
						t.Errorf("server %d: uid=only%d present %v", i, j, e != nil)
					}
				}
			})
		}
	})
	seen := map[string]bool{}
	for i, s := range servers {
		if s == nil {
			continue
		}
		for _, u := range []string{s.URL, s.LDAPSURL, s.Dir, s.Password} {
			if seen[u] {
				t.Errorf("server %d shares %s with another", i, u)
			}
			seen[u] = true
		}
		if s.Running() {
			t.Errorf("server %d still running after its test", i)
		}
	}
}

func TestSSHA(t *testing.T) {
	a, b := SSHA("secret"), SSHA("secret")
	if a == b || !strings.HasPrefix(a, "{SSHA}") || len(a) != len("{SSHA}")+40 {
		t.Errorf("SSHA: %q %q", a, b)
	}
}

func TestQuote(t *testing.T) {
	if got := quote(`/tmp/Test a"b\c/001`); got != `"/tmp/Test a\"b\\c/001"` {
		t.Errorf("quote = %s", got)
	}
}

// newPrepared returns a Server whose files are written, not started.
func newPrepared(t *testing.T) *Server {
	t.Helper()
	if reason := Unavailable(); reason != "" {
		skipOrFail(t, reason)
	}
	dir := t.TempDir()
	s := &Server{BaseDN: BaseDN, BindDN: AdminDN, Password: randomHex(16), Dir: dir,
		conf: dir + "/slapd.conf", logPath: dir + "/slapd.log"}
	t.Cleanup(s.Stop)
	if err := s.prepare(); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLaunchPortInUse(t *testing.T) {
	t.Parallel()
	s := newPrepared(t)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	free, err := freePorts()
	if err != nil {
		t.Fatal(err)
	}
	s.port, s.tlsPort = free[0], l.Addr().(*net.TCPAddr).Port
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", s.port)
	err = s.launch()
	if !errors.Is(err, errAddrInUse) {
		t.Fatalf("launch on a taken port: %v, want errAddrInUse", err)
	}
	if s.Running() {
		t.Error("running after a failed launch")
	}
	// startFresh picks other ports.
	if err := s.startFresh(); err != nil {
		t.Fatal(err)
	}
	if !s.Running() || s.Entry(t, BaseDN) == nil {
		t.Fatal("not serving after startFresh")
	}
}

func TestLaunchFailureReason(t *testing.T) {
	t.Parallel()
	s := newPrepared(t)
	if err := os.WriteFile(s.Dir+"/server.key", []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := s.startFresh()
	if err == nil || errors.Is(err, errAddrInUse) || !strings.Contains(err.Error(), "exited") || !strings.Contains(err.Error(), "TLS") {
		t.Fatalf("start with a bad key: %v, want slapd's TLS error", err)
	}
	t.Logf("reason given: %v", err)
}
