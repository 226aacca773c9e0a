package directory_test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/stewardhq/steward/internal/lab/directory"
	"github.com/stewardhq/steward/internal/testenv/slapd"
)

// outcome is what a client sees of one operation.
type outcome string

func result(err error) outcome {
	if err == nil {
		return "0"
	}
	var le *ldap.Error
	if errors.As(err, &le) {
		msg := ""
		if le.Err != nil {
			msg = le.Err.Error()
		}
		return outcome(fmt.Sprintf("%d %q matched=%q", le.ResultCode, msg, le.MatchedDN))
	}
	return outcome("error: " + err.Error())
}

// script runs the same operations on a server and returns what each one
// gave, by name.
func script(t *testing.T, c *ldap.Conn, dial func() *ldap.Conn) map[string]outcome {
	out := map[string]outcome{}
	rec := func(name string, err error) { out[name] = result(err) }
	add := func(name, dn string, attrs ...[]string) {
		req := ldap.NewAddRequest(dn, nil)
		for _, a := range attrs {
			req.Attribute(a[0], a[1:])
		}
		rec(name, c.Add(req))
	}
	modify := func(name, dn string, f func(m *ldap.ModifyRequest)) {
		m := ldap.NewModifyRequest(dn, nil)
		f(m)
		rec(name, c.Modify(m))
	}
	list := func(name, baseDN string, scope int, filter string, attrs ...string) {
		res, err := c.Search(ldap.NewSearchRequest(baseDN, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil))
		if err != nil {
			rec(name, err)
			return
		}
		var lines []string
		for _, e := range res.Entries {
			var names []string
			for _, a := range e.Attributes {
				vals := a.Values
				switch a.Name {
				case "entryUUID", "entryCSN", "createTimestamp", "modifyTimestamp", "userPassword", "pwdChangedTime":
					vals = []string{"…"}
				}
				names = append(names, a.Name+"="+strings.Join(vals, "|"))
			}
			sort.Strings(names)
			lines = append(lines, e.DN+" {"+strings.Join(names, " ")+"}")
		}
		sort.Strings(lines)
		out[name] = outcome(strings.Join(lines, "\n"))
	}
	oc := func(v ...string) []string { return append([]string{"objectClass"}, v...) }
	a := func(name string, v ...string) []string { return append([]string{name}, v...) }
	alice := "uid=alice," + people
	bob := "uid=bob," + people
	user := func(uid string) [][]string {
		return [][]string{oc("top", "inetOrgPerson", "posixAccount", "shadowAccount"), a("uid", uid), a("cn", uid+" Example"), a("sn", "Example"),
			a("uidNumber", "1000"), a("gidNumber", "1000"), a("homeDirectory", "/home/"+uid), a("userPassword", uid+"-pw")}
	}
	add("add alice", alice, user("alice")...)
	add("add bob", "UID=Bob, OU=People,DC=Example,DC=Org", user("Bob")...)
	add("duplicate", "uid=ALICE,ou=people,dc=example,dc=org", user("ALICE")...)
	add("no sn", "uid=x,"+people, oc("inetOrgPerson"), a("uid", "x"), a("cn", "x"))
	add("no objectClass", "uid=x,"+people, a("uid", "x"))
	add("unknown class", "uid=x,"+people, oc("wizard"), a("uid", "x"))
	add("no structural", "uid=x,"+people, oc("posixAccount"), a("uid", "x"), a("cn", "x"), a("uidNumber", "1"), a("gidNumber", "1"), a("homeDirectory", "/x"))
	add("posix no uidNumber", "uid=x,"+people, oc("inetOrgPerson", "posixAccount"), a("uid", "x"), a("cn", "x"), a("sn", "x"), a("gidNumber", "1"), a("homeDirectory", "/x"))
	add("not allowed", "uid=x,"+people, oc("inetOrgPerson"), a("uid", "x"), a("cn", "x"), a("sn", "x"), a("uidNumber", "1"))
	add("undefined attr", "uid=x,"+people, oc("inetOrgPerson"), a("uid", "x"), a("cn", "x"), a("sn", "x"), a("shoeSize", "9"))
	add("bad integer", "uid=x,"+people, oc("inetOrgPerson", "posixAccount"), a("uid", "x"), a("cn", "x"), a("sn", "x"), a("uidNumber", "abc"), a("gidNumber", "1"), a("homeDirectory", "/x"))
	add("two single values", "uid=x,"+people, oc("inetOrgPerson"), a("uid", "x"), a("cn", "x"), a("sn", "x"), a("displayName", "a", "b"))
	add("duplicate values", "uid=x,"+people, oc("inetOrgPerson"), a("uid", "x"), a("cn", "x"), a("sn", "x"), a("description", "d", "D"))
	add("memberOf given", "uid=x,"+people, oc("inetOrgPerson"), a("uid", "x"), a("cn", "x"), a("sn", "x"), a("memberOf", groups))
	add("naming attr missing", "uid=x,"+people, oc("inetOrgPerson"), a("cn", "x"), a("sn", "x"))
	add("missing parent", "uid=x,ou=nowhere,"+base, oc("account"), a("uid", "x"))
	add("outside suffix", "uid=x,dc=other,dc=com", oc("account"), a("uid", "x"))
	add("bad DN", "uid=x,,dc=org", oc("account"), a("uid", "x"))
	add("empty group", "cn=empty,"+groups, oc("groupOfNames"), a("cn", "empty"))
	add("group+posixGroup", "cn=pg,"+groups, oc("groupOfNames", "posixGroup"), a("cn", "pg"), a("gidNumber", "5"), a("member", alice))
	add("group", "cn=finance,"+groups, oc("top", "groupOfNames"), a("cn", "finance"), a("member", alice, "UID=Bob, OU=People,DC=example,DC=org", "cn=empty-group,"+base))
	list("memberOf after add", people, ldap.ScopeWholeSubtree, "(uid=*)", "memberOf")
	list("group member values", groups, ldap.ScopeSingleLevel, "(cn=finance)", "member")

	modify("add existing value", alice, func(m *ldap.ModifyRequest) { m.Add("cn", []string{"ALICE example"}) })
	modify("delete missing value", alice, func(m *ldap.ModifyRequest) { m.Delete("cn", []string{"nobody"}) })
	modify("delete missing attr", alice, func(m *ldap.ModifyRequest) { m.Delete("description", nil) })
	modify("delete sn", alice, func(m *ldap.ModifyRequest) { m.Delete("sn", nil) })
	modify("replace naming attr", alice, func(m *ldap.ModifyRequest) { m.Replace("uid", []string{"alice2"}) })
	modify("structural change", alice, func(m *ldap.ModifyRequest) { m.Replace("objectClass", []string{"account", "posixAccount"}) })
	modify("entryUUID", alice, func(m *ldap.ModifyRequest) { m.Replace("entryUUID", []string{"x"}) })
	modify("undefined attr", alice, func(m *ldap.ModifyRequest) { m.Add("shoeSize", []string{"9"}) })
	modify("second uidNumber", alice, func(m *ldap.ModifyRequest) { m.Add("uidNumber", []string{"7"}) })
	modify("missing entry", "uid=ghost,"+people, func(m *ldap.ModifyRequest) { m.Replace("cn", []string{"x"}) })
	modify("last member", "cn=finance,"+groups, func(m *ldap.ModifyRequest) { m.Delete("member", nil) })
	modify("add posixGroup to group", "cn=finance,"+groups, func(m *ldap.ModifyRequest) {
		m.Add("objectClass", []string{"posixGroup"})
		m.Add("gidNumber", []string{"5"})
	})
	modify("lock", alice, func(m *ldap.ModifyRequest) { m.Replace("pwdAccountLockedTime", []string{"000001010000Z"}) })
	modify("member changes", "cn=finance,"+groups, func(m *ldap.ModifyRequest) {
		m.Delete("member", []string{"uid=alice,ou=people,dc=example,dc=org"})
		m.Add("member", []string{"uid=nobody," + people})
	})
	list("memberOf after modify", people, ldap.ScopeWholeSubtree, "(uid=*)", "memberOf")

	rec("modrdn target exists", c.ModifyDN(ldap.NewModifyDNRequest(alice, "uid=bob", true, "")))
	rec("modrdn missing superior", c.ModifyDN(ldap.NewModifyDNRequest(alice, "uid=alice", true, "ou=nowhere,"+base)))
	rec("modrdn under itself", c.ModifyDN(ldap.NewModifyDNRequest(people, "ou=people", true, alice)))
	rec("modrdn missing entry", c.ModifyDN(ldap.NewModifyDNRequest("uid=ghost,"+people, "uid=x", true, "")))
	rec("modrdn keep old", c.ModifyDN(ldap.NewModifyDNRequest(alice, "uid=asmith", false, "")))
	rec("modrdn move", c.ModifyDN(ldap.NewModifyDNRequest("uid=asmith,"+people, "uid=asmith", true, disabled)))
	rec("move bob", c.ModifyDN(ldap.NewModifyDNRequest(bob, "uid=bob", true, disabled)))
	list("after moves", base, ldap.ScopeWholeSubtree, "(|(uid=*)(cn=finance))", "uid", "member", "memberOf")
	rec("group rename", c.ModifyDN(ldap.NewModifyDNRequest("cn=finance,"+groups, "cn=money", true, "")))
	list("after group rename", base, ldap.ScopeWholeSubtree, "(uid=*)", "memberOf")

	rec("delete non-leaf", c.Del(ldap.NewDelRequest(people, nil)))
	rec("delete missing", c.Del(ldap.NewDelRequest("uid=ghost,"+people, nil)))

	for _, cmp := range [][3]string{{"cn", "BOB example"}, {"cn", "x"}, {"title", "x"}, {"shoeSize", "x"}, {"objectClass", "person"}, {"uidNumber", "01000"}} {
		_, err := c.Compare("uid=bob,"+disabled, cmp[0], cmp[1])
		rec("compare "+cmp[0]+"="+cmp[1], err)
	}
	_, err := c.Search(ldap.NewSearchRequest("ou=nowhere,"+base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil))
	rec("search missing base", err)
	for _, f := range []string{"(uid=BOB)", "(cn=*ob*)", "(objectClass=person)", "(member=UID=Bob, OU=Disabled, DC=example, DC=org)", "(member=*bob*)",
		"(shoeSize=9)", "(!(shoeSize=9))", "(uidNumber>=999)", "(uidNumber<=999)", "(cn:caseExactMatch:=Bob Example)", "(ou:dn:=disabled)", "(&)", "(|)",
		"(homeDirectory=/HOME/bob)", "(pwdAccountLockedTime=*)", "(userPassword=*)", "(memberOf=*)", "(entryDN=uid=bob,ou=disabled,dc=example,dc=org)", "(hasSubordinates=TRUE)"} {
		list("filter "+f, base, ldap.ScopeWholeSubtree, f, "1.1")
	}
	list("attributes *", "uid=bob,"+disabled, ldap.ScopeBaseObject, "(objectClass=*)")
	list("attributes +", "uid=bob,"+disabled, ldap.ScopeBaseObject, "(objectClass=*)", "+")
	list("attributes named", "uid=bob,"+disabled, ldap.ScopeBaseObject, "(objectClass=*)", "CN", "MAIL", "uidnumber", "userPassword")
	list("root DSE *", "", ldap.ScopeBaseObject, "(objectClass=*)")

	u := dial()
	defer u.Close()
	rec("bind wrong password", u.Bind("uid=bob,"+disabled, "nope"))
	rec("bind locked", u.Bind("uid=asmith,"+disabled, "alice-pw"))
	rec("bind unknown", u.Bind("uid=ghost,"+people, "x"))
	rec("bind no password", u.UnauthenticatedBind("uid=bob,"+disabled))
	rec("bind user", u.Bind("uid=bob,"+disabled, "Bob-pw"))
	list("user reads own password", "uid=bob,"+disabled, ldap.ScopeBaseObject, "(objectClass=*)", "userPassword")
	list("user reads other password", "uid=asmith,"+disabled, ldap.ScopeBaseObject, "(objectClass=*)", "userPassword")
	m := ldap.NewModifyRequest("uid=asmith,"+disabled, nil)
	m.Replace("title", []string{"x"})
	rec("user modifies other", u.Modify(m))
	req := ldap.NewAddRequest("uid=y,"+people, nil)
	req.Attribute("objectClass", []string{"account"})
	req.Attribute("uid", []string{"y"})
	rec("user adds", u.Add(req))
	rec("user deletes", u.Del(ldap.NewDelRequest("uid=asmith,"+disabled, nil)))
	_, err = u.PasswordModify(ldap.NewPasswordModifyRequest("", "wrong", "new-pw"))
	rec("passwd wrong old", err)
	_, err = u.PasswordModify(ldap.NewPasswordModifyRequest("uid=asmith,"+disabled, "", "new-pw"))
	rec("passwd other", err)
	_, err = u.PasswordModify(ldap.NewPasswordModifyRequest("", "Bob-pw", "new-pw"))
	rec("passwd self", err)

	ctl := ldap.NewControlString("1.2.3.4.5", true, "")
	_, err = c.Search(ldap.NewSearchRequest(base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{ctl}))
	rec("critical unknown control", err)
	_, err = c.Extended(ldap.NewExtendedRequest("1.2.3.4", nil))
	rec("unknown extended", err)
	paging := ldap.NewControlPaging(1)
	paging.SetCookie([]byte("bogus"))
	_, err = c.Search(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{paging}))
	rec("bad cookie", err)
	a2 := dial()
	defer a2.Close()
	rec("anonymous bind", a2.UnauthenticatedBind(""))
	req = ldap.NewAddRequest("uid=z,"+people, nil)
	req.Attribute("objectClass", []string{"account"})
	req.Attribute("uid", []string{"z"})
	rec("anonymous add", a2.Add(req))
	return out
}

// script2 covers searches, operational attributes and the other
// operations in more detail.
func script2(t *testing.T, c *ldap.Conn, dial func() *ldap.Conn) map[string]outcome {
	out := map[string]outcome{}
	rec := func(name string, err error) { out[name] = result(err) }
	show := func(name string, res *ldap.SearchResult, err error) {
		if err != nil {
			rec(name, err)
		}
		if res == nil {
			return
		}
		var lines []string
		for _, e := range res.Entries {
			var names []string
			for _, a := range e.Attributes {
				vals := a.Values
				switch a.Name {
				case "entryUUID", "entryCSN", "createTimestamp", "modifyTimestamp", "userPassword", "pwdChangedTime", "contextCSN":
					vals = []string{"…"}
				}
				names = append(names, a.Name+"="+strings.Join(vals, "|"))
			}
			sort.Strings(names)
			lines = append(lines, e.DN+" {"+strings.Join(names, " ")+"}")
		}
		sort.Strings(lines) // slapd's order depends on its indexes
		out[name] += outcome(strings.Join(lines, "\n"))
	}
	search := func(name, baseDN string, scope int, size int, typesOnly bool, filter string, attrs []string, ctls ...ldap.Control) {
		res, err := c.Search(ldap.NewSearchRequest(baseDN, scope, ldap.NeverDerefAliases, size, 0, typesOnly, filter, attrs, ctls))
		show(name, res, err)
	}
	add := func(dn string, attrs ...string) {
		req := ldap.NewAddRequest(dn, nil)
		for _, a := range attrs {
			kv := strings.SplitN(a, ":", 2)
			found := false
			for i := range req.Attributes {
				if req.Attributes[i].Type == kv[0] {
					req.Attributes[i].Vals = append(req.Attributes[i].Vals, kv[1])
					found = true
				}
			}
			if !found {
				req.Attribute(kv[0], []string{kv[1]})
			}
		}
		rec("add "+dn, c.Add(req))
	}
	for i := 0; i < 7; i++ {
		add(fmt.Sprintf("uid=u%d,%s", i, people), "objectClass:inetOrgPerson", "objectClass:posixAccount", fmt.Sprintf("uid:u%d", i),
			fmt.Sprintf("commonName:User %d", i), "surname:U", fmt.Sprintf("uidNumber:%d", 2000+i), "gidNumber:100", fmt.Sprintf("homeDirectory:/home/u%d", i),
			"mail:U"+fmt.Sprint(i)+"@Example.org", "userPassword:pw")
	}
	add("ou=team,"+people, "objectClass:organizationalUnit", "ou:team")
	add("uid=t1,ou=team,"+people, "objectClass:account", "uid:t1", "host:h")
	add("cn=g1,"+groups, "objectClass:groupOfNames", "cn:g1", "member:uid=u1,"+people, "member:uid=u2,"+people, "member:uid=t1,ou=team,"+people)
	add("cn=g2,"+groups, "objectClass:groupOfNames", "cn:g2", "member:uid=u2,"+people)

	search("paged page 1", people, ldap.ScopeSingleLevel, 0, false, "(objectClass=inetOrgPerson)", []string{"uid"}, ldap.NewControlPaging(3))
	res, err := c.SearchWithPaging(ldap.NewSearchRequest(people, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid=*)", []string{"uid"}, nil), 2)
	show("paged all", res, err)
	search("size limit", people, ldap.ScopeWholeSubtree, 3, false, "(uid=*)", []string{"1.1"})
	search("types only", "uid=u1,"+people, ldap.ScopeBaseObject, 0, true, "(objectClass=*)", []string{"mail", "cn"})
	search("names as asked", "uid=u1,"+people, ldap.ScopeBaseObject, 0, false, "(objectClass=*)", []string{"CN", "Mail", "SURNAME", "objectclass"})
	search("plus", "uid=u2,"+people, ldap.ScopeBaseObject, 0, false, "(objectClass=*)", []string{"+"})
	search("star plus names", "cn=g1,"+groups, ldap.ScopeBaseObject, 0, false, "(objectClass=*)", []string{"*", "+"})
	search("children scope", people, ldap.ScopeChildren, 0, false, "(objectClass=*)", []string{"1.1"})
	search("root DSE plus", "", ldap.ScopeBaseObject, 0, false, "(objectClass=*)", []string{"namingContexts", "supportedLDAPVersion", "subschemaSubentry"})
	search("subschema", "cn=Subschema", ldap.ScopeBaseObject, 0, false, "(objectClass=subschema)", []string{"1.1"})
	search("one level of root", base, ldap.ScopeSingleLevel, 0, false, "(objectClass=*)", []string{"1.1"})
	for _, f := range []string{"(mail=u1@example.ORG)", "(mail=*@example.org)", "(uidNumber>=2003)", "(&(uidNumber>=2001)(uidNumber<=2002))",
		"(member=uid=U2,OU=people,DC=example,DC=org)", "(memberOf=cn=g1,ou=groups,dc=example,dc=org)", "(cn=user*)", "(cn=*1)", "(objectClass=organizationalPerson)",
		"(structuralObjectClass=inetOrgPerson)", "(entryDN=uid=u3,ou=people,dc=example,dc=org)", "(host=h)", "(|(uid=u5)(!(objectClass=*)))"} {
		search("filter "+f, base, ldap.ScopeWholeSubtree, 0, false, f, []string{"1.1"})
	}

	m := ldap.NewModifyRequest("uid=u1,"+people, []ldap.Control{ldap.NewControlString(ldap.ControlTypeMicrosoftPermissiveModify, false, "")})
	m.Add("mail", []string{"u1@example.org"})
	m.Delete("title", nil)
	rec("permissive modify", c.Modify(m))
	m = ldap.NewModifyRequest("uid=u1,"+people, nil)
	m.Increment("uidNumber", "10")
	rec("increment", c.Modify(m))
	search("after increment", "uid=u1,"+people, ldap.ScopeBaseObject, 0, false, "(objectClass=*)", []string{"uidNumber", "mail"})

	rec("rename subtree", c.ModifyDN(ldap.NewModifyDNRequest("ou=team,"+people, "ou=crew", true, "")))
	rec("move u2", c.ModifyDN(ldap.NewModifyDNRequest("uid=u2,"+people, "uid=u2", true, disabled)))
	rec("delete u1", c.Del(ldap.NewDelRequest("uid=u1,"+people, nil)))
	search("groups after refint", groups, ldap.ScopeSingleLevel, 0, false, "(objectClass=*)", []string{"member"})
	search("memberOf after refint", base, ldap.ScopeWholeSubtree, 0, false, "(memberOf=*)", []string{"memberOf"})
	rec("delete g2", c.Del(ldap.NewDelRequest("cn=g2,"+groups, nil)))
	search("memberOf after group delete", base, ldap.ScopeWholeSubtree, 0, false, "(memberOf=*)", []string{"memberOf"})
	m = ldap.NewModifyRequest("cn=g1,"+groups, nil)
	m.Replace("member", []string{"uid=u3," + people})
	rec("replace members", c.Modify(m))
	search("memberOf after replace", base, ldap.ScopeWholeSubtree, 0, false, "(memberOf=*)", []string{"memberOf"})

	gen, err := c.PasswordModify(ldap.NewPasswordModifyRequest("uid=u3,"+people, "", ""))
	rec("passwd generate", err)
	if err == nil {
		u := dial()
		rec("bind generated", u.Bind("uid=u3,"+people, gen.GeneratedPassword))
		who, err := u.WhoAmI(nil)
		rec("whoami", err)
		if err == nil {
			out["whoami"] += outcome(" " + who.AuthzID)
		}
		u.Close()
	}
	m = ldap.NewModifyRequest("uid=u4,"+people, nil)
	m.Replace("pwdAccountLockedTime", []string{"000001010000Z"})
	rec("lock u4", c.Modify(m))
	u := dial()
	br, err := u.SimpleBind(ldap.NewSimpleBindRequest("uid=u4,"+people, "pw", []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}))
	rec("locked bind", err)
	if br != nil {
		if ctl := ldap.FindControl(br.Controls, ldap.ControlTypeBeheraPasswordPolicy); ctl != nil {
			out["locked bind"] += outcome(fmt.Sprintf(" ppolicy error %d", ctl.(*ldap.ControlBeheraPasswordPolicy).Error))
		}
	}
	u.Close()
	search("lock visible", "uid=u4,"+people, ldap.ScopeBaseObject, 0, false, "(objectClass=*)", []string{"pwdAccountLockedTime"})
	search("lock hidden from *", "uid=u4,"+people, ldap.ScopeBaseObject, 0, false, "(pwdAccountLockedTime=*)", []string{"*"})
	m = ldap.NewModifyRequest("uid=u4,"+people, nil)
	m.Delete("pwdAccountLockedTime", nil)
	rec("unlock u4", c.Modify(m))
	u = dial()
	rec("unlocked bind", u.Bind("uid=u4,"+people, "pw"))
	u.Close()

	rec("starttls on ldaps", c.StartTLS(&tls.Config{InsecureSkipVerify: true}))
	return out
}

func compareOutcomes(t *testing.T, realOut, labOut map[string]outcome) {
	t.Helper()
	var names []string
	for n := range realOut {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if realOut[n] != labOut[n] {
			t.Errorf("%s:\n  slapd: %s\n  lab:   %s", n, strings.ReplaceAll(string(realOut[n]), "\n", "\n         "), strings.ReplaceAll(string(labOut[n]), "\n", "\n         "))
		}
	}
}

func TestAgainstSlapdMore(t *testing.T) {
	real := slapd.Start(t)
	realDial := func() *ldap.Conn {
		c, err := ldap.DialURL(real.LDAPSURL, ldap.DialWithTLSConfig(real.TLSConfig(t)))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rc := realDial()
	defer rc.Close()
	if err := rc.Bind(real.BindDN, real.Password); err != nil {
		t.Fatal(err)
	}
	realOut := script2(t, rc, realDial)
	lab := start(t, directory.Config{MemberOfRefInt: true, SizeLimit: -1})
	labOut := script2(t, adminConn(t, lab), func() *ldap.Conn {
		c, err := ldap.DialURL(lab.URL(), ldap.DialWithTLSConfig(lab.ClientTLSConfig()))
		if err != nil {
			t.Fatal(err)
		}
		return c
	})
	compareOutcomes(t, realOut, labOut)
}

// TestAgainstSlapd runs the script on the project's test slapd and on
// this server and compares what a client sees. It is skipped without
// slapd, like the provider's tests.
func TestAgainstSlapd(t *testing.T) {
	real := slapd.Start(t)
	rc := real.Conn(t)
	realOut := script(t, rc, func() *ldap.Conn {
		c, err := ldap.DialURL(real.LDAPSURL, ldap.DialWithTLSConfig(real.TLSConfig(t)))
		if err != nil {
			t.Fatal(err)
		}
		return c
	})
	lab := start(t, directory.Config{MemberOfRefInt: true, SizeLimit: -1})
	labOut := script(t, adminConn(t, lab), func() *ldap.Conn {
		c, err := ldap.DialURL(lab.URL(), ldap.DialWithTLSConfig(lab.ClientTLSConfig()))
		if err != nil {
			t.Fatal(err)
		}
		return c
	})
	compareOutcomes(t, realOut, labOut)
}
