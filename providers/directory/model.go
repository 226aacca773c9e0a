package directory

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/zclconf/go-cty/cty"
)

type user struct {
	dn                                  string
	uid, cn, givenName, sn, mail, title string
	department, employeeNumber, phone   string
	uidNumber, gidNumber                int
	home, shell                         string
	locked                              bool
	sshKeys                             []string
	objectClasses                       []string
}

type group struct {
	dn, cn, description string
	members             []string // uids, sorted; the placeholder is not one
	memberDNs           []string // as the server has them, placeholder included
	gidNumber           int
	posix               bool
}

type ou struct {
	dn, name, parent, description string
}

// snapshot is the managed part of the directory, read in a handful of
// paged searches.
type snapshot struct {
	users  map[string]*user  // by uid
	groups map[string]*group // by lower-case cn
	ous    map[string]*ou    // by normalised DN
	// memberOf indexes groups by member uid (lower-case group keys), so
	// that a user's groups cost one lookup, not a pass over every group.
	memberOf map[string][]string
}

var userAttrs = []string{"uid", "cn", "givenName", "sn", "mail", "title", "departmentNumber", "employeeNumber",
	"telephoneNumber", "uidNumber", "gidNumber", "homeDirectory", "loginShell", "pwdAccountLockedTime", "shadowExpire", "objectClass", "sshPublicKey"}

var groupAttrs = []string{"cn", "description", "member", "gidNumber", "objectClass"}

// search runs one paged subtree search; a missing base is an empty result.
func (c *client) search(ctx context.Context, base, filter string, attrs []string) ([]*ldap.Entry, error) {
	var out []*ldap.Entry
	c.searches.Add(1)
	err := c.with(ctx, func(conn *ldap.Conn) error {
		req := ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil)
		res, err := conn.SearchWithPaging(req, c.s.pageSize)
		if err != nil {
			if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
				return nil
			}
			return describe(base, err)
		}
		out = res.Entries
		return nil
	})
	return out, err
}

// load reads users, groups and OUs: four searches, whatever their size.
func (c *client) load(ctx context.Context) (*snapshot, error) {
	snap := &snapshot{users: map[string]*user{}, groups: map[string]*group{}, ous: map[string]*ou{}}
	for _, base := range []string{c.s.usersBase(), c.s.disabledBase()} {
		entries, err := c.search(ctx, base, "(uid=*)", userAttrs)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			u := userFromEntry(e)
			if u.uid != "" {
				snap.users[u.uid] = u
			}
		}
	}
	entries, err := c.search(ctx, c.s.groupsBase(), "(objectClass=groupOfNames)", groupAttrs)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		g := groupFromEntry(e, c.s.emptyMember)
		snap.groups[strings.ToLower(g.cn)] = g
	}
	snap.memberOf = map[string][]string{}
	for key, g := range snap.groups {
		for _, uid := range g.members {
			snap.memberOf[uid] = append(snap.memberOf[uid], key)
		}
	}
	entries, err = c.search(ctx, c.s.baseDN, "(objectClass=organizationalUnit)", []string{"ou", "description"})
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		o := &ou{dn: e.DN, name: e.GetAttributeValue("ou"), description: e.GetAttributeValue("description")}
		if i := strings.IndexByte(e.DN, ','); i >= 0 {
			o.parent = e.DN[i+1:]
		}
		snap.ous[normDN(e.DN)] = o
	}
	return snap, nil
}

func atoi(s string) int {
	i, _ := strconv.Atoi(strings.TrimSpace(s))
	return i
}

func userFromEntry(e *ldap.Entry) *user {
	u := &user{
		dn: e.DN, uid: e.GetAttributeValue("uid"), cn: e.GetAttributeValue("cn"), givenName: e.GetAttributeValue("givenName"),
		sn: e.GetAttributeValue("sn"), mail: e.GetAttributeValue("mail"), title: e.GetAttributeValue("title"),
		department: e.GetAttributeValue("departmentNumber"), employeeNumber: e.GetAttributeValue("employeeNumber"),
		phone: e.GetAttributeValue("telephoneNumber"), uidNumber: atoi(e.GetAttributeValue("uidNumber")),
		gidNumber: atoi(e.GetAttributeValue("gidNumber")), home: e.GetAttributeValue("homeDirectory"),
		shell: e.GetAttributeValue("loginShell"), objectClasses: e.GetAttributeValues("objectClass"),
		sshKeys: append([]string(nil), e.GetAttributeValues("sshPublicKey")...),
	}
	sort.Strings(u.sshKeys)
	if e.GetAttributeValue("pwdAccountLockedTime") != "" {
		u.locked = true
	}
	if se := e.GetAttributeValue("shadowExpire"); se != "" && atoi(se) >= 0 && atoi(se) <= 1 {
		u.locked = true
	}
	return u
}

func groupFromEntry(e *ldap.Entry, placeholder string) *group {
	g := &group{dn: e.DN, cn: e.GetAttributeValue("cn"), description: e.GetAttributeValue("description"),
		gidNumber: atoi(e.GetAttributeValue("gidNumber")), memberDNs: e.GetAttributeValues("member")}
	for _, oc := range e.GetAttributeValues("objectClass") {
		if strings.EqualFold(oc, "posixGroup") {
			g.posix = true
		}
	}
	for _, m := range g.memberDNs {
		if normDN(m) == normDN(placeholder) {
			continue
		}
		if uid := uidOf(m); uid != "" {
			g.members = append(g.members, uid)
		}
	}
	sort.Strings(g.members)
	return g
}

// uidOf returns the uid of a member DN (uid=alice,ou=people,...).
func uidOf(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 {
		return ""
	}
	for _, a := range parsed.RDNs[0].Attributes {
		if strings.EqualFold(a.Type, "uid") {
			return a.Value
		}
	}
	return ""
}

// normDN compares DNs the way the server does: case and spacing aside.
func normDN(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return strings.ToLower(strings.ReplaceAll(dn, " ", ""))
	}
	parts := make([]string, 0, len(parsed.RDNs))
	for _, r := range parsed.RDNs {
		var attrs []string
		for _, a := range r.Attributes {
			attrs = append(attrs, strings.ToLower(a.Type)+"="+strings.ToLower(a.Value))
		}
		sort.Strings(attrs)
		parts = append(parts, strings.Join(attrs, "+"))
	}
	return strings.Join(parts, ",")
}

func (s *settings) userDN(uid string, enabled bool) string {
	base := s.usersBase()
	if !enabled {
		base = s.disabledBase()
	}
	return "uid=" + ldap.EscapeDN(uid) + "," + base
}

func (s *settings) groupDN(name string) string {
	return "cn=" + ldap.EscapeDN(name) + "," + s.groupsBase()
}

// groupsOf lists the managed groups a user is in (all, if managed is nil).
func (snap *snapshot) groupsOf(uid string, managed map[string]bool) []string {
	var out []string
	for _, key := range snap.memberOf[uid] {
		if managed != nil && !managed[key] {
			continue
		}
		out = append(out, snap.groups[key].cn)
	}
	sort.Strings(out)
	return out
}

// --- cty

func str(v cty.Value) string {
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}

func num(v cty.Value) int {
	if v.IsNull() || !v.IsKnown() {
		return 0
	}
	i, _ := v.AsBigFloat().Int64()
	return int(i)
}

func optStr(s string) cty.Value {
	if s == "" {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(s)
}

func optNum(i int) cty.Value {
	if i == 0 {
		return cty.NullVal(cty.Number)
	}
	return cty.NumberIntVal(int64(i))
}

func strSet(items []string) cty.Value {
	if len(items) == 0 {
		return cty.SetValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(items))
	for i, s := range items {
		vals[i] = cty.StringVal(s)
	}
	return cty.SetVal(vals)
}

func setStrings(v cty.Value) []string {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e.AsString())
	}
	sort.Strings(out)
	return out
}

func (s *settings) userValue(u *user, groups []string, enabled bool) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"uid": cty.StringVal(u.uid), "full_name": cty.StringVal(u.cn), "given_name": optStr(u.givenName),
		"surname": cty.StringVal(u.sn), "email": optStr(u.mail), "title": optStr(u.title),
		"department": optStr(u.department), "employee_number": optStr(u.employeeNumber), "phone": optStr(u.phone),
		"uid_number": optNum(u.uidNumber), "gid_number": optNum(u.gidNumber),
		"home_directory": optStr(u.home), "login_shell": optStr(u.shell),
		"groups": strSet(groups), "password": cty.NullVal(cty.String),
		"ssh_public_keys": optSet(u.sshKeys),
		"enabled":         cty.BoolVal(enabled), "dn": cty.StringVal(u.dn),
	})
}

func (s *settings) groupValue(g *group) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal(g.cn), "description": optStr(g.description), "members": strSet(g.members),
		"gid_number": optNum(g.gidNumber), "dn": cty.StringVal(g.dn),
	})
}

func (s *settings) ouValue(o *ou) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal(o.name), "parent": cty.StringVal(o.parent),
		"description": optStr(o.description), "dn": cty.StringVal(o.dn),
	})
}

func userFromValue(v cty.Value) *user {
	return &user{
		dn: str(v.GetAttr("dn")), uid: str(v.GetAttr("uid")), cn: str(v.GetAttr("full_name")),
		givenName: str(v.GetAttr("given_name")), sn: str(v.GetAttr("surname")), mail: str(v.GetAttr("email")),
		title: str(v.GetAttr("title")), department: str(v.GetAttr("department")),
		employeeNumber: str(v.GetAttr("employee_number")), phone: str(v.GetAttr("phone")),
		uidNumber: num(v.GetAttr("uid_number")), gidNumber: num(v.GetAttr("gid_number")),
		home: str(v.GetAttr("home_directory")), shell: str(v.GetAttr("login_shell")),
		sshKeys: setStrings(v.GetAttr("ssh_public_keys")),
	}
}

// optSet is a set of strings, or null when there are none: what the
// directory shows for an attribute with no values.
func optSet(items []string) cty.Value {
	if len(items) == 0 {
		return cty.NullVal(cty.Set(cty.String))
	}
	return strSet(items)
}

func groupFromValue(v cty.Value) *group {
	return &group{dn: str(v.GetAttr("dn")), cn: str(v.GetAttr("name")), description: str(v.GetAttr("description")),
		members: setStrings(v.GetAttr("members")), gidNumber: num(v.GetAttr("gid_number"))}
}

func enabledOf(v cty.Value) bool {
	if v.IsNull() || !v.IsKnown() {
		return true
	}
	e := v.GetAttr("enabled")
	return e.IsNull() || !e.IsKnown() || e.True()
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// get reads an attribute of an object that may be null (the prior value of
// a create, the planned value of a delete).
func get(v cty.Value, name string) cty.Value {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return v.GetAttr(name)
}
