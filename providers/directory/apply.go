package directory

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-ldap/ldap/v3"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
)

// lockForever is ppolicy's pwdAccountLockedTime value for a lock that
// never expires.
const lockForever = "000001010000Z"

// applyRun is one ApplyChanges call.
type applyRun struct {
	p     *Provider
	items []providers.ApplyItem
	snap  *snapshot

	mu   sync.Mutex
	errs map[int][]error
	// created marks items whose entry was added, even if a later step
	// for them failed: the entry exists and the state must say so.
	created map[int]bool
	// replaced holds the addresses being replaced in this apply.
	replaced map[string]bool
	// plannedDN maps a uid to the DN its user will have after this apply.
	plannedDN map[string]string
}

func (r *applyRun) fail(i int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs[i] = append(r.errs[i], err)
}

func (r *applyRun) markCreated(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.created[i] = true
}

// maybeCreated records an add whose answer was lost with the connection:
// the entry may exist, so the state keeps it (tainted, to be replaced by
// the next apply) rather than forget something that is there.
func (r *applyRun) maybeCreated(i int, err error) {
	if err != nil && isNetworkError(err) {
		r.markCreated(i)
	}
}

func (r *applyRun) failed(i int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs[i]) > 0
}

// op is one LDAP operation on behalf of an item.
type op struct {
	item int
	dn   string
	fn   func(*ldap.Conn) error
}

// runPhase runs independent operations concurrently over the pool.
func (r *applyRun) runPhase(ctx context.Context, ops []op) {
	sem := make(chan struct{}, r.p.s.connections)
	var wg sync.WaitGroup
	for _, o := range ops {
		if r.failed(o.item) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(o op) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := r.p.c.with(ctx, o.fn); err != nil {
				r.fail(o.item, describe(o.dn, err))
			}
		}(o)
	}
	wg.Wait()
}

// ApplyChanges implements providers.Provider. Operations run in phases so
// that parents exist before children, groups before memberships, and
// memberships are removed before entries are deleted.
func (p *Provider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	res := make([]providers.ApplyResult, len(req.Items))
	snap, err := p.c.load(ctx)
	if err != nil {
		for i, it := range req.Items {
			res[i] = providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.FromError("Cannot read the directory", err)}}
		}
		return providers.ApplyResponse{Results: res}
	}
	r := &applyRun{p: p, items: req.Items, snap: snap, errs: map[int][]error{}, created: map[int]bool{}, plannedDN: map[string]string{}}
	r.allocateUIDs()
	for _, it := range req.Items {
		if it.Type == "directory_user" && it.Action != providers.Delete {
			r.plannedDN[str(get(it.Planned, "uid"))] = str(get(it.Planned, "dn"))
		}
	}

	// A replacement arrives as a delete and a create of the same address:
	// the old entry goes first, or the new one could not be added.
	r.replaced = map[string]bool{}
	creates := map[string]bool{}
	for _, it := range req.Items {
		if it.Action == providers.Create {
			creates[it.Address] = true
		}
	}
	for _, it := range req.Items {
		if it.Action == providers.Delete && creates[it.Address] {
			r.replaced[it.Address] = true
		}
	}
	r.runPhase(ctx, r.deletesOf(func(it providers.ApplyItem) bool { return r.replaced[it.Address] }))
	r.runPhase(ctx, r.ouCreates())
	r.runPhase(ctx, r.groupUpserts())
	// Memberships go in two steps around the user changes: removals while
	// the entries are where they were (a leaver leaves its groups before
	// it moves, so that the memberof overlay's rewrites cannot race), and
	// additions once new and moved users are in place (so that memberOf is
	// set on them).
	plan := r.membershipPlan()
	r.runPhase(ctx, plan.ops(r, true))
	r.runPhase(ctx, r.userUpserts())
	r.runPhase(ctx, r.passwords())
	r.runPhase(ctx, plan.ops(r, false))
	r.runPhase(ctx, r.deletes("directory_user"))
	r.runPhase(ctx, r.deletes("directory_group"))
	r.runPhase(ctx, r.ouDeletes())

	after, err := p.c.load(ctx)
	for i, it := range req.Items {
		var diags providers.Diagnostics
		for _, e := range r.errs[i] {
			diags = append(diags, providers.FromError("Directory operation failed", e))
		}
		if err != nil {
			// The server went away after the changes: trust what each
			// operation reported.
			nv := it.Prior
			if (len(r.errs[i]) == 0 && it.Action != providers.Delete) || r.created[i] {
				nv = it.Planned
			} else if len(r.errs[i]) == 0 {
				nv = cty.NullVal(it.Prior.Type())
			}
			res[i] = providers.ApplyResult{New: nv, Diagnostics: append(diags, providers.FromError("Cannot read back the directory", err))}
			continue
		}
		identity := it.Planned
		if it.Action == providers.Delete {
			identity = it.Prior
		}
		managed := map[string]bool{}
		for _, g := range append(setStrings(get(it.Prior, "groups")), setStrings(get(it.Planned, "groups"))...) {
			managed[strings.ToLower(g)] = true
		}
		if it.Type != "directory_user" {
			managed = nil
		}
		cur := p.current(after, it.Type, identity, managed)
		if it.Type == "directory_group" && cur.IsNull() && it.Action == providers.Update {
			cur = p.current(after, it.Type, it.Prior, nil) // a failed rename
		}
		res[i] = providers.ApplyResult{New: cur, Diagnostics: diags}
	}
	return providers.ApplyResponse{Results: res}
}

// allocateUIDs gives new users without a uid_number the next free numbers
// of the configured range, in address order so that plans are repeatable.
func (r *applyRun) allocateUIDs() {
	used := map[int]bool{}
	for _, u := range r.snap.users {
		used[u.uidNumber] = true
	}
	var need []int
	for i, it := range r.items {
		if it.Type != "directory_user" || it.Action == providers.Delete {
			continue
		}
		if n := get(it.Planned, "uid_number"); n.IsKnown() && !n.IsNull() {
			used[num(n)] = true
			continue
		}
		need = append(need, i)
	}
	sort.Slice(need, func(a, b int) bool { return r.items[need[a]].Address < r.items[need[b]].Address })
	next := r.p.s.uidMin
	for _, i := range need {
		for used[next] {
			next++
		}
		if next > r.p.s.uidMax {
			r.fail(i, fmt.Errorf("%s: no free uidNumber left between %d and %d", r.items[i].Address, r.p.s.uidMin, r.p.s.uidMax))
			continue
		}
		used[next] = true
		attrs := r.items[i].Planned.AsValueMap()
		attrs["uid_number"] = cty.NumberIntVal(int64(next))
		if g := attrs["gid_number"]; !g.IsKnown() || g.IsNull() {
			attrs["gid_number"] = attrs["uid_number"]
		}
		r.items[i].Planned = cty.ObjectVal(attrs)
	}
}

func dnDepth(dn string) int { return strings.Count(normDN(dn), ",") }

func (r *applyRun) ouCreates() []op {
	var idx []int
	for i, it := range r.items {
		if it.Type == "directory_ou" && it.Action != providers.Delete {
			idx = append(idx, i)
		}
	}
	sort.Slice(idx, func(a, b int) bool {
		return dnDepth(str(get(r.items[idx[a]].Planned, "dn"))) < dnDepth(str(get(r.items[idx[b]].Planned, "dn")))
	})
	var ops []op
	for _, i := range idx {
		it := r.items[i]
		dn := str(get(it.Planned, "dn"))
		desc := str(get(it.Planned, "description"))
		if it.Action == providers.Create {
			name := str(get(it.Planned, "name"))
			ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
				add := ldap.NewAddRequest(dn, nil)
				add.Attribute("objectClass", []string{"top", "organizationalUnit"})
				add.Attribute("ou", []string{name})
				if desc != "" {
					add.Attribute("description", []string{desc})
				}
				if err := c.Add(add); err != nil {
					r.maybeCreated(i, err)
					return err
				}
				r.markCreated(i)
				return nil
			}})
			continue
		}
		ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
			m := ldap.NewModifyRequest(dn, nil)
			setOrDelete(m, "description", desc, str(get(it.Prior, "description")))
			return modify(c, m)
		}})
	}
	// Parents first: run one depth level per op list would be stricter;
	// ordering the list and a pool that starts them in order is enough for
	// the usual two levels, and a failed parent fails its children clearly.
	return ops
}

// setOrDelete adds a change for a single-valued attribute.
func setOrDelete(m *ldap.ModifyRequest, attr, want, have string) {
	switch {
	case want == have:
	case want == "":
		m.Delete(attr, nil)
	default:
		m.Replace(attr, []string{want})
	}
}

func modify(c *ldap.Conn, m *ldap.ModifyRequest) error {
	if len(m.Changes) == 0 {
		return nil
	}
	return c.Modify(m)
}

func (r *applyRun) memberDN(uid string) string {
	if dn, ok := r.plannedDN[uid]; ok {
		return dn
	}
	if u := r.snap.users[uid]; u != nil {
		return u.dn
	}
	return r.p.s.userDN(uid, true)
}

func (r *applyRun) groupUpserts() []op {
	var ops []op
	for i, it := range r.items {
		if it.Type != "directory_group" || it.Action == providers.Delete {
			continue
		}
		want := groupFromValue(it.Planned)
		dn := r.p.s.groupDN(want.cn)
		if it.Action == providers.Create {
			// A new group starts with the placeholder; its members are
			// added with the other memberships, once the users exist, so
			// that the memberof overlay records memberOf on them.
			members := []string{r.p.s.emptyMember}
			ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
				add := ldap.NewAddRequest(dn, nil)
				classes := []string{"top", "groupOfNames"}
				if want.gidNumber != 0 {
					// posixGroup is auxiliary here beside the structural
					// groupOfNames (the rfc2307bis arrangement).
					classes = append(classes, "posixGroup")
					add.Attribute("gidNumber", []string{strconv.Itoa(want.gidNumber)})
				}
				add.Attribute("objectClass", classes)
				add.Attribute("cn", []string{want.cn})
				add.Attribute("member", members)
				if want.description != "" {
					add.Attribute("description", []string{want.description})
				}
				err := c.Add(add)
				if err != nil && want.gidNumber != 0 && ldap.IsErrorWithCode(err, ldap.LDAPResultObjectClassViolation) {
					// With the classic nis schema posixGroup is structural
					// and cannot join groupOfNames; extensibleObject carries
					// the gidNumber instead.
					for j, a := range add.Attributes {
						if a.Type == "objectClass" {
							add.Attributes[j].Vals = []string{"top", "groupOfNames", "extensibleObject"}
						}
					}
					err = c.Add(add)
				}
				if err == nil {
					r.markCreated(i)
				}
				r.maybeCreated(i, err)
				return err
			}})
			continue
		}
		have := groupFromValue(it.Prior)
		oldDN := str(get(it.Prior, "dn"))
		ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
			if normDN(oldDN) != normDN(dn) {
				if err := c.ModifyDN(ldap.NewModifyDNRequest(oldDN, "cn="+ldap.EscapeDN(want.cn), true, "")); err != nil {
					return err
				}
			}
			m := ldap.NewModifyRequest(dn, nil)
			setOrDelete(m, "description", want.description, have.description)
			if want.gidNumber != have.gidNumber {
				if want.gidNumber == 0 {
					m.Delete("gidNumber", nil)
				} else {
					if have.gidNumber == 0 {
						m.Add("objectClass", []string{"extensibleObject"})
					}
					m.Replace("gidNumber", []string{strconv.Itoa(want.gidNumber)})
				}
			}
			return modify(c, m)
		}})
	}
	return ops
}

func userAttrList(u *user) map[string]string {
	return map[string]string{
		"cn": u.cn, "givenName": u.givenName, "sn": u.sn, "mail": u.mail, "title": u.title,
		"departmentNumber": u.department, "employeeNumber": u.employeeNumber, "telephoneNumber": u.phone,
		"uidNumber": strconv.Itoa(u.uidNumber), "gidNumber": strconv.Itoa(u.gidNumber),
		"homeDirectory": u.home, "loginShell": u.shell,
	}
}

func (r *applyRun) userUpserts() []op {
	var ops []op
	for i, it := range r.items {
		if it.Type != "directory_user" || it.Action == providers.Delete || r.failed(i) {
			continue
		}
		want := userFromValue(it.Planned)
		enabled := enabledOf(it.Planned)
		dn := str(get(it.Planned, "dn"))
		if it.Action == providers.Create {
			ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
				add := ldap.NewAddRequest(dn, nil)
				add.Attribute("objectClass", []string{"top", "inetOrgPerson", "posixAccount", "shadowAccount"})
				add.Attribute("uid", []string{want.uid})
				attrs := userAttrList(want)
				names := make([]string, 0, len(attrs))
				for k := range attrs {
					names = append(names, k)
				}
				sort.Strings(names)
				for _, k := range names {
					if attrs[k] != "" {
						add.Attribute(k, []string{attrs[k]})
					}
				}
				if len(want.sshKeys) > 0 {
					for j, a := range add.Attributes {
						if a.Type == "objectClass" {
							add.Attributes[j].Vals = append(add.Attributes[j].Vals, "ldapPublicKey")
						}
					}
					add.Attribute("sshPublicKey", want.sshKeys)
				}
				if err := c.Add(add); err != nil {
					r.maybeCreated(i, err)
					return err
				}
				r.markCreated(i)
				if !enabled {
					return r.lock(c, dn)
				}
				return nil
			}})
			continue
		}
		have := userFromValue(it.Prior)
		oldDN := str(get(it.Prior, "dn"))
		wasEnabled := enabledOf(it.Prior)
		ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
			if normDN(oldDN) != normDN(dn) {
				parent := dn[strings.IndexByte(dn, ',')+1:]
				rdn := dn[:strings.IndexByte(dn, ',')]
				if err := c.ModifyDN(ldap.NewModifyDNRequest(oldDN, rdn, true, parent)); err != nil {
					return err
				}
			}
			m := ldap.NewModifyRequest(dn, nil)
			wa, ha := userAttrList(want), userAttrList(have)
			names := make([]string, 0, len(wa))
			for k := range wa {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				setOrDelete(m, k, wa[k], ha[k])
			}
			if strings.Join(want.sshKeys, "\n") != strings.Join(have.sshKeys, "\n") {
				switch {
				case len(want.sshKeys) == 0:
					m.Delete("sshPublicKey", nil)
				case len(have.sshKeys) == 0:
					m.Add("objectClass", []string{"ldapPublicKey"})
					m.Replace("sshPublicKey", want.sshKeys)
				default:
					m.Replace("sshPublicKey", want.sshKeys)
				}
			}
			if err := modify(c, m); err != nil {
				return err
			}
			switch {
			case wasEnabled && !enabled:
				return r.lock(c, dn)
			case !wasEnabled && enabled:
				return r.unlock(c, dn)
			}
			return nil
		}})
	}
	return ops
}

// lock locks an account with ppolicy where the server has it, and with an
// expired shadow account otherwise.
func (r *applyRun) lock(c *ldap.Conn, dn string) error {
	m := ldap.NewModifyRequest(dn, nil)
	m.Replace("pwdAccountLockedTime", []string{lockForever})
	err := c.Modify(m)
	if err == nil {
		return nil
	}
	if ldap.IsErrorWithCode(err, ldap.LDAPResultUndefinedAttributeType) || ldap.IsErrorWithCode(err, ldap.LDAPResultObjectClassViolation) ||
		ldap.IsErrorWithCode(err, ldap.LDAPResultConstraintViolation) || ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
		m = ldap.NewModifyRequest(dn, nil)
		m.Replace("shadowExpire", []string{"1"})
		return c.Modify(m)
	}
	return err
}

func (r *applyRun) unlock(c *ldap.Conn, dn string) error {
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"pwdAccountLockedTime", "shadowExpire"}, nil))
	if err != nil {
		return err
	}
	if len(res.Entries) == 0 {
		return nil
	}
	m := ldap.NewModifyRequest(dn, nil)
	if res.Entries[0].GetAttributeValue("pwdAccountLockedTime") != "" {
		m.Delete("pwdAccountLockedTime", nil)
	}
	if res.Entries[0].GetAttributeValue("shadowExpire") != "" {
		m.Delete("shadowExpire", nil)
	}
	return modify(c, m)
}

// passwords sets the configured passwords of created and updated users.
// Over TLS the server hashes them (password modify extended operation);
// otherwise they are hashed here, so that a clear password never crosses
// an unencrypted connection.
func (r *applyRun) passwords() []op {
	var ops []op
	tlsConn := strings.HasPrefix(r.p.s.url, "ldaps://") || r.p.s.startTLS
	for i, it := range r.items {
		if it.Type != "directory_user" || it.Action == providers.Delete || r.failed(i) {
			continue
		}
		pw := str(it.Config.GetAttr("password"))
		if pw == "" {
			continue
		}
		dn := str(get(it.Planned, "dn"))
		ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
			if tlsConn {
				_, err := c.PasswordModify(ldap.NewPasswordModifyRequest(dn, "", pw))
				if err == nil || !ldap.IsErrorWithCode(err, ldap.LDAPResultProtocolError) && !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
					return redact(err, pw)
				}
			}
			h, err := ssha(pw)
			if err != nil {
				return err
			}
			m := ldap.NewModifyRequest(dn, nil)
			m.Replace("userPassword", []string{h})
			return redact(c.Modify(m), pw)
		}})
	}
	return ops
}

// redact keeps a password out of an error message.
func redact(err error, pw string) error {
	if err == nil || pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), pw, "(sensitive value)"))
}

// ssha hashes a password the way OpenLDAP's {SSHA} scheme does.
func ssha(pw string) (string, error) {
	salt := make([]byte, 8)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	h := sha1.New()
	h.Write([]byte(pw))
	h.Write(salt)
	return "{SSHA}" + base64.StdEncoding.EncodeToString(append(h.Sum(nil), salt...)), nil
}

// memberships works out, per group, the member values to add and delete
// for every membership change in the batch, and sends one modify per group
// with single-value adds and deletes: never a replace of the member list.
func (r *applyRun) membershipPlan() *memberPlan {
	type change struct {
		add, del map[string]bool
		items    map[int]bool
	}
	byGroup := map[string]*change{}
	group := func(name string) *change {
		key := strings.ToLower(name)
		if byGroup[key] == nil {
			byGroup[key] = &change{add: map[string]bool{}, del: map[string]bool{}, items: map[int]bool{}}
		}
		return byGroup[key]
	}
	// A renamed group keeps its members: memberships follow the new name.
	renamed := map[string]string{} // old lower-case name -> new name
	renamedFrom := map[string]string{}
	for _, it := range r.items {
		if it.Type == "directory_group" && it.Action == providers.Update {
			oldName, newName := str(get(it.Prior, "name")), str(get(it.Planned, "name"))
			if !strings.EqualFold(oldName, newName) {
				renamed[strings.ToLower(oldName)] = newName
				renamedFrom[strings.ToLower(newName)] = strings.ToLower(oldName)
			}
		}
	}
	follow := func(groups []string) []string {
		out := make([]string, len(groups))
		for i, g := range groups {
			if n, ok := renamed[strings.ToLower(g)]; ok {
				g = n
			}
			out[i] = g
		}
		return out
	}
	for i, it := range r.items {
		if r.failed(i) {
			continue
		}
		switch it.Type {
		case "directory_user":
			uid := str(get(it.Prior, "uid"))
			if uid == "" {
				uid = str(get(it.Planned, "uid"))
			}
			before := follow(setStrings(get(it.Prior, "groups")))
			var after []string
			newDN := ""
			if it.Action != providers.Delete {
				after = setStrings(get(it.Planned, "groups"))
				newDN = str(get(it.Planned, "dn"))
			}
			oldDN := str(get(it.Prior, "dn"))
			leaving := it.Action != providers.Delete && !enabledOf(it.Planned) && enabledOf(it.Prior)
			if it.Action == providers.Delete || leaving {
				// Leave no dangling member values behind, in any group: a
				// leaver is removed from every group, declared or not.
				before = follow(r.snap.groupsOf(uid, nil))
				if leaving {
					after = nil
				}
			}
			inAfter := map[string]bool{}
			for _, g := range after {
				inAfter[strings.ToLower(g)] = true
				c := group(g)
				c.items[i] = true
				if newDN != "" && (!contains(before, g) || normDN(oldDN) != normDN(newDN)) {
					c.add[newDN] = true
				}
			}
			for _, g := range before {
				c := group(g)
				c.items[i] = true
				if !inAfter[strings.ToLower(g)] || normDN(oldDN) != normDN(newDN) {
					if oldDN == "" && r.snap.users[uid] != nil {
						oldDN = r.snap.users[uid].dn
					}
					c.del[oldDN] = true
				}
			}
		case "directory_group":
			if it.Action == providers.Delete || get(it.Planned, "members").IsNull() {
				continue // unset members leave membership to the users
			}
			before := setStrings(get(it.Prior, "members"))
			after := setStrings(get(it.Planned, "members"))
			name := str(get(it.Planned, "name"))
			for _, uid := range after {
				if !contains(before, uid) {
					c := group(name)
					c.items[i] = true
					c.add[r.memberDN(uid)] = true
				}
			}
			for _, uid := range before {
				if !contains(after, uid) {
					c := group(name)
					c.items[i] = true
					if u := r.snap.users[uid]; u != nil {
						c.del[u.dn] = true
					} else {
						c.del[r.p.s.userDN(uid, true)] = true
					}
				}
			}
		}
	}
	mp := &memberPlan{}
	var names []string
	for k := range byGroup {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, key := range names {
		c := byGroup[key]
		name := key
		if g := r.snap.groups[key]; g != nil {
			name = g.cn
		}
		current := map[string]bool{}
		source := r.snap.groups[key]
		if from, ok := renamedFrom[key]; ok {
			source = r.snap.groups[from]
		}
		if source != nil {
			for _, m := range source.memberDNs {
				current[normDN(m)] = true
			}
		}
		for _, it := range r.items {
			if it.Type == "directory_group" && strings.EqualFold(str(get(it.Planned, "name")), key) && it.Action == providers.Create {
				current[normDN(r.p.s.emptyMember)] = true
			}
		}
		gc := groupChange{dn: r.p.s.groupDN(name), items: c.items}
		for m := range c.add {
			if !current[normDN(m)] && !c.del[m] {
				gc.adds = append(gc.adds, m)
			}
		}
		for m := range c.del {
			if current[normDN(m)] && !c.add[m] {
				gc.dels = append(gc.dels, m)
			}
		}
		sort.Strings(gc.adds)
		sort.Strings(gc.dels)
		placeholder := normDN(r.p.s.emptyMember)
		real := len(current)
		if current[placeholder] {
			real--
		}
		afterRemoval := real - len(gc.dels)
		switch {
		case current[placeholder] && (afterRemoval > 0 || len(gc.adds) > 0):
			gc.dropPlaceholder = true
		case !current[placeholder] && afterRemoval == 0 && len(gc.dels) > 0:
			// groupOfNames needs a member between the removal and any
			// addition; drop it again if members arrive.
			gc.addPlaceholder = true
			gc.dropPlaceholder = len(gc.adds) > 0
		}
		if len(gc.adds) == 0 && len(gc.dels) == 0 && !gc.dropPlaceholder {
			continue
		}
		mp.groups = append(mp.groups, gc)
	}
	return mp
}

// groupChange is the membership change of one group.
type groupChange struct {
	dn                              string
	adds, dels                      []string
	addPlaceholder, dropPlaceholder bool
	items                           map[int]bool
}

// memberPlan holds every group's membership change of one apply.
type memberPlan struct {
	groups []groupChange
}

// ops returns the removal step's operations, or the addition step's.
func (mp *memberPlan) ops(r *applyRun, removals bool) []op {
	var ops []op
	for _, gc := range mp.groups {
		gc := gc
		m := ldap.NewModifyRequest(gc.dn, nil)
		if removals {
			if gc.addPlaceholder {
				m.Add("member", []string{r.p.s.emptyMember})
			}
			if len(gc.dels) > 0 {
				m.Delete("member", gc.dels)
			}
		} else {
			if len(gc.adds) > 0 {
				m.Add("member", gc.adds)
			}
			if gc.dropPlaceholder {
				m.Delete("member", []string{r.p.s.emptyMember})
			}
		}
		if len(m.Changes) == 0 {
			continue
		}
		first := -1
		for i := range gc.items {
			if first < 0 || i < first {
				first = i
			}
		}
		ops = append(ops, op{first, gc.dn, func(conn *ldap.Conn) error {
			err := conn.Modify(m)
			if err != nil {
				for i := range gc.items {
					if i != first {
						r.fail(i, describe(gc.dn, err))
					}
				}
			}
			return err
		}})
	}
	return ops
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func (r *applyRun) deletes(typ string) []op {
	return r.deletesOf(func(it providers.ApplyItem) bool { return it.Type == typ && !r.replaced[it.Address] })
}

func (r *applyRun) deletesOf(want func(providers.ApplyItem) bool) []op {
	var ops []op
	for i, it := range r.items {
		if it.Action != providers.Delete || !want(it) {
			continue
		}
		dn := str(get(it.Prior, "dn"))
		ops = append(ops, op{i, dn, func(c *ldap.Conn) error {
			err := c.Del(ldap.NewDelRequest(dn, nil))
			if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
				return nil // already gone
			}
			return err
		}})
	}
	return ops
}

func (r *applyRun) ouDeletes() []op {
	ops := r.deletes("directory_ou")
	sort.Slice(ops, func(a, b int) bool { return dnDepth(ops[a].dn) > dnDepth(ops[b].dn) })
	return ops
}
