package directory

import (
	"crypto/rand"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LDAP result codes the server sends (RFC 4511 section 4.1.9).
const (
	resultSuccess                  = 0
	resultOperationsError          = 1
	resultProtocolError            = 2
	resultSizeLimitExceeded        = 4
	resultCompareFalse             = 5
	resultCompareTrue              = 6
	resultAuthMethodNotSupported   = 7
	resultStrongAuthRequired       = 8
	resultUnavailableCriticalExt   = 12
	resultNoSuchAttribute          = 16
	resultUndefinedAttributeType   = 17
	resultInappropriateMatching    = 18
	resultConstraintViolation      = 19
	resultAttributeOrValueExists   = 20
	resultInvalidAttributeSyntax   = 21
	resultNoSuchObject             = 32
	resultInvalidDNSyntax          = 34
	resultInvalidCredentials       = 49
	resultInsufficientAccessRights = 50
	resultUnwillingToPerform       = 53
	resultNamingViolation          = 64
	resultObjectClassViolation     = 65
	resultNotAllowedOnNonLeaf      = 66
	resultEntryAlreadyExists       = 68
	resultObjectClassModsProhib    = 69
	resultAffectsMultipleDSAs      = 71
	resultOther                    = 80
)

// Error is an LDAP result other than success, as the server sends it: the
// result code, the diagnostic message and the matched DN.
type Error struct {
	Code      int
	Message   string
	MatchedDN string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("LDAP result code %d", e.Code)
	}
	return fmt.Sprintf("LDAP result code %d: %s", e.Code, e.Message)
}

func newError(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// identity is who asks: the normalised bind DN ("" when anonymous) and
// whether it is the rootdn.
type identity struct {
	ndn  string
	root bool
}

var rootIdentity = identity{root: true}

type attribute struct {
	at   *attrType
	vals []string
}

// entry is a node of the tree. Like back-mdb, an entry stores its own RDN
// and its DN is that RDN followed by its parent's DN; the suffix entry
// holds the whole suffix.
type entry struct {
	id       uint64
	rdn      rdn
	rdnStr   string
	rdnNorm  string
	parent   *entry
	children map[string]*entry
	attrs    []*attribute
}

func (e *entry) dn() string {
	if e.parent == nil {
		return e.rdnStr
	}
	return e.rdnStr + "," + e.parent.dn()
}

func (e *entry) ndn() string {
	if e.parent == nil {
		return e.rdnNorm
	}
	return e.rdnNorm + "," + e.parent.ndn()
}

func getAttr(attrs []*attribute, at *attrType) *attribute {
	for _, a := range attrs {
		if a.at == at {
			return a
		}
	}
	return nil
}

func removeAttr(attrs []*attribute, at *attrType) []*attribute {
	out := attrs[:0]
	for _, a := range attrs {
		if a.at != at {
			out = append(out, a)
		}
	}
	return out
}

func setAttr(attrs []*attribute, at *attrType, vals ...string) []*attribute {
	if a := getAttr(attrs, at); a != nil {
		a.vals = vals
		return attrs
	}
	return append(attrs, &attribute{at: at, vals: vals})
}

func cloneAttrs(attrs []*attribute) []*attribute {
	out := make([]*attribute, len(attrs))
	for i, a := range attrs {
		out[i] = &attribute{at: a.at, vals: append([]string(nil), a.vals...)}
	}
	return out
}

// dit is the directory information tree of one naming context.
type dit struct {
	mu          sync.RWMutex
	schema      *schema
	suffix      dn
	suffixStr   string
	suffixNorms []string // normalised RDNs of the suffix
	rootDN      string
	rootNorm    string
	root        *entry
	nextID      uint64
	now         func() time.Time
	refint      bool
	at          map[string]*attrType // attributes the server itself sets
}

func newDIT(s *schema, suffix dn, rootDN dn, now func() time.Time, refint bool) *dit {
	d := &dit{schema: s, suffix: suffix, suffixStr: suffix.String(), rootDN: rootDN.String(), rootNorm: s.normDN(rootDN), now: now, refint: refint, at: map[string]*attrType{}}
	for _, r := range suffix {
		d.suffixNorms = append(d.suffixNorms, s.normRDN(r))
	}
	for _, n := range []string{"objectClass", "structuralObjectClass", "entryUUID", "creatorsName", "createTimestamp", "entryCSN",
		"modifiersName", "modifyTimestamp", "memberOf", "member", "userPassword", "entryDN", "hasSubordinates", "subschemaSubentry",
		"pwdAccountLockedTime", "shadowExpire", "shadowLastChange"} {
		d.at[n] = s.attr(n)
	}
	return d
}

// parseDN parses a DN whose attribute types must all be in the schema,
// like slapd's dnNormalize.
func (d *dit) parseDN(s string) (dn, bool) {
	n, err := parseDN(s)
	if err != nil {
		return nil, false
	}
	for _, r := range n {
		for _, a := range r {
			if d.schema.attr(a.typ) == nil {
				return nil, false
			}
		}
	}
	return d.schema.canonical(n), true
}

// locate finds the entry named n. It returns the entry (nil if absent),
// the deepest existing ancestor (for matchedDN), and whether n is inside
// the naming context at all.
func (d *dit) locate(n dn) (e, closest *entry, inContext bool) {
	if len(n) < len(d.suffix) {
		return nil, nil, false
	}
	off := len(n) - len(d.suffix)
	for i, want := range d.suffixNorms {
		if d.schema.normRDN(n[off+i]) != want {
			return nil, nil, false
		}
	}
	if d.root == nil {
		return nil, nil, true
	}
	cur := d.root
	for i := off - 1; i >= 0; i-- {
		next := cur.children[d.schema.normRDN(n[i])]
		if next == nil {
			return nil, cur, true
		}
		cur = next
	}
	return cur, cur.parent, true
}

// lookupNorm finds an entry by a normalised (or any) DN string.
func (d *dit) lookupNorm(s string) *entry {
	n, err := parseDN(s)
	if err != nil {
		return nil
	}
	e, _, _ := d.locate(n)
	return e
}

func matchedDN(closest *entry) string {
	if closest == nil {
		return ""
	}
	return closest.dn()
}

// walk calls fn for e and every entry below it.
func walk(e *entry, fn func(*entry)) {
	fn(e)
	for _, c := range e.children {
		walk(c, fn)
	}
}

func (d *dit) allEntries() []*entry {
	var out []*entry
	if d.root != nil {
		walk(d.root, func(e *entry) { out = append(out, e) })
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// reqAttr is an attribute of an add request or a change of a modify
// request, as the client sent it.
type reqAttr struct {
	typ  string
	vals []string
}

// Modify operations (RFC 4511 and RFC 4525).
const (
	modAdd       = 0
	modDelete    = 1
	modReplace   = 2
	modIncrement = 3
)

type reqChange struct {
	op int
	reqAttr
}

// checkValues validates values given for at (named name by the client)
// and returns them as stored: DNs in slapd's pretty form, clear-text
// passwords hashed. The checks and their order are slapd's: syntax, then
// no-user-modification, then duplicates.
func (d *dit) checkValues(at *attrType, name string, vals []string) ([]string, *Error) {
	for i, v := range vals {
		if !at.validate(d.schema, v) || (at == d.at["objectClass"] && d.schema.class(v) == nil) {
			return nil, newError(resultInvalidAttributeSyntax, "%s: value #%d invalid per syntax", name, i)
		}
	}
	if at.noMod {
		return nil, newError(resultConstraintViolation, "%s: no user modification allowed", name)
	}
	out := make([]string, len(vals))
	seen := map[string]int{}
	for i, v := range vals {
		switch {
		case at.syntax == "dn":
			p, _ := parseDN(v)
			v = d.schema.canonical(p).String()
		case at == d.at["userPassword"]:
			v = storedPassword(v)
		}
		if n, ok := at.normalize(d.schema, v); ok {
			if first, dup := seen[n]; dup {
				return nil, newError(resultAttributeOrValueExists, "%s: value #%d provided more than once", name, first)
			}
			seen[n] = i
		}
		out[i] = v
	}
	return out, nil
}

// hasValue reports whether a holds a value equal to v under the
// attribute's equality rule (or byte for byte when it has none).
func (d *dit) hasValue(a *attribute, v string) int {
	if a == nil {
		return -1
	}
	nv, ok := a.at.normalize(d.schema, v)
	for i, x := range a.vals {
		if ok {
			if nx, ok2 := a.at.normalize(d.schema, x); ok2 && nx == nv {
				return i
			}
		} else if x == v {
			return i
		}
	}
	return -1
}

// classes resolves the objectClass values of attrs.
func (d *dit) classes(attrs []*attribute) ([]*objectClass, *Error) {
	oc := getAttr(attrs, d.at["objectClass"])
	if oc == nil || len(oc.vals) == 0 {
		return nil, newError(resultObjectClassViolation, "no objectClass attribute")
	}
	var out []*objectClass
	for _, v := range oc.vals {
		c := d.schema.class(v)
		if c == nil {
			return nil, newError(resultObjectClassViolation, "unrecognized objectClass '%s'", v)
		}
		out = append(out, c)
	}
	return out, nil
}

// structural finds the entry's structural object class: the one most
// specific structural class all others derive from.
func (d *dit) structural(classes []*objectClass) (*objectClass, *Error) {
	var structs []*objectClass
	for _, c := range classes {
		if c.kind == ocStructural {
			structs = append(structs, c)
		}
	}
	if len(structs) == 0 {
		return nil, newError(resultObjectClassViolation, "no structural object class provided")
	}
	best := structs[0]
	for _, c := range structs[1:] {
		switch {
		case d.schema.isSubclass(c, best):
			best = c
		case d.schema.isSubclass(best, c):
		default:
			return nil, newError(resultObjectClassViolation, "invalid structural object class chain (%s/%s)", best.name(), c.name())
		}
	}
	return best, nil
}

// checkEntry is slapd's entry_schema_check: object classes, required and
// allowed attributes, single values and the naming attributes.
func (d *dit) checkEntry(attrs []*attribute, name rdn, oldStructural *objectClass) (*objectClass, *Error) {
	classes, err := d.classes(attrs)
	if err != nil {
		return nil, err
	}
	sc, err := d.structural(classes)
	if err != nil {
		return nil, err
	}
	if oldStructural != nil && oldStructural != sc {
		return nil, newError(resultObjectClassModsProhib, "structural object class modification from '%s' to '%s' not allowed", oldStructural.name(), sc.name())
	}
	allowed := map[*attrType]bool{}
	anyAttr := false
	var closure []*objectClass
	seen := map[*objectClass]bool{}
	for _, c := range classes {
		for _, s := range d.schema.superclasses(c) {
			if !seen[s] {
				seen[s] = true
				closure = append(closure, s)
			}
		}
	}
	// Required attributes are checked class by class as the entry lists
	// them, each with those it inherits, so the message names the class
	// the entry has ("object class 'inetOrgPerson' requires attribute
	// 'sn'"), as slapd's does.
	for _, listed := range classes {
		for _, c := range d.schema.superclasses(listed) {
			for _, m := range c.must {
				at := d.schema.attr(m)
				if a := getAttr(attrs, at); a == nil || len(a.vals) == 0 {
					return nil, newError(resultObjectClassViolation, "object class '%s' requires attribute '%s'", listed.name(), at.name())
				}
			}
		}
	}
	for _, c := range closure {
		anyAttr = anyAttr || c.anyAttr
		for _, m := range c.must {
			allowed[d.schema.attr(m)] = true
		}
		for _, m := range c.may {
			allowed[d.schema.attr(m)] = true
		}
	}
	for _, a := range attrs {
		if !a.at.operational() && !anyAttr && !allowed[a.at] {
			return nil, newError(resultObjectClassViolation, "attribute '%s' not allowed", a.at.name())
		}
		if a.at.single && len(a.vals) > 1 {
			return nil, newError(resultConstraintViolation, "attribute '%s' cannot have multiple values", a.at.name())
		}
	}
	for _, av := range name {
		at := d.schema.attr(av.typ)
		if d.hasValue(getAttr(attrs, at), av.val) < 0 {
			return nil, newError(resultNamingViolation, "value of naming attribute '%s' is not present in entry", av.typ)
		}
	}
	return sc, nil
}

func (d *dit) structuralOf(attrs []*attribute) *objectClass {
	classes, err := d.classes(attrs)
	if err != nil {
		return nil
	}
	sc, _ := d.structural(classes)
	return sc
}

// stamp records who changed the entry and when, as slapd does.
func (d *dit) stamp(attrs []*attribute, who string, t time.Time) []*attribute {
	attrs = setAttr(attrs, d.at["entryCSN"], t.UTC().Format("20060102150405.000000Z")+"#000000#000#000000")
	attrs = setAttr(attrs, d.at["modifiersName"], who)
	return setAttr(attrs, d.at["modifyTimestamp"], generalizedTime(t))
}

// self reports whether the requester is the entry e.
func (id identity) self(e *entry) bool { return id.ndn != "" && id.ndn == e.ndn() }

// private reports whether at is one of the attributes the project's slapd
// guards with "access to attrs=userPassword,shadowLastChange by self write
// by anonymous auth by * none": only the rootdn and the entry itself read,
// search and compare them, and the entry itself may change them.
func (d *dit) private(at *attrType) bool {
	return at != nil && (at == d.at["userPassword"] || at == d.at["shadowLastChange"])
}

func (d *dit) canRead(at *attrType, e *entry, id identity) bool {
	return !d.private(at) || id.root || id.self(e)
}

func (id identity) name(d *dit) string {
	if id.root {
		return d.rootDN
	}
	return id.ndn
}

func anonymous(id identity) bool { return !id.root && id.ndn == "" }

// errAuthRequired is slapd's answer to an anonymous change.
func errAuthRequired() *Error {
	return newError(resultStrongAuthRequired, "modifications require authentication")
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// add adds an entry (RFC 4511 section 4.7).
func (d *dit) add(id identity, dnStr string, in []reqAttr) *Error {
	n, ok := d.parseDN(dnStr)
	if !ok {
		return newError(resultInvalidDNSyntax, "invalid DN")
	}
	if anonymous(id) {
		return errAuthRequired()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(n) == 0 {
		return newError(resultEntryAlreadyExists, "root DSE already exists")
	}
	e, closest, inContext := d.locate(n)
	if !inContext {
		return newError(resultUnwillingToPerform, "no global superior knowledge")
	}
	if e != nil {
		return &Error{Code: resultEntryAlreadyExists}
	}
	isSuffix := len(n) == len(d.suffix)
	var parent *entry
	if !isSuffix {
		if closest == nil || closest.ndn() != d.schema.normDN(n.parent()) {
			return &Error{Code: resultNoSuchObject, MatchedDN: matchedDN(closest)}
		}
		parent = closest
	}
	if !id.root {
		return newError(resultInsufficientAccessRights, "no write access to parent")
	}
	var attrs []*attribute
	for _, ra := range in {
		at := d.schema.attr(ra.typ)
		if at == nil {
			return newError(resultUndefinedAttributeType, "%s: attribute type undefined", ra.typ)
		}
		if len(ra.vals) == 0 {
			return newError(resultProtocolError, "%s: no values for attribute type", ra.typ)
		}
		if at.single && len(ra.vals) > 1 {
			return newError(resultConstraintViolation, "%s: multiple values provided", ra.typ)
		}
		vals, err := d.checkValues(at, ra.typ, ra.vals)
		if err != nil {
			return err
		}
		if a := getAttr(attrs, at); a != nil {
			for i, v := range vals {
				if d.hasValue(a, v) >= 0 {
					return newError(resultAttributeOrValueExists, "%s: value #%d provided more than once", ra.typ, i)
				}
				a.vals = append(a.vals, v)
			}
			continue
		}
		attrs = append(attrs, &attribute{at: at, vals: vals})
	}
	name := n[0]
	if isSuffix {
		name = d.suffix[0]
	}
	// Like slapd, the values of the RDN are added to the entry when the
	// client left them out.
	for _, av := range name {
		at := d.schema.attr(av.typ)
		if a := getAttr(attrs, at); a == nil {
			attrs = append(attrs, &attribute{at: at, vals: []string{av.val}})
		} else if d.hasValue(a, av.val) < 0 {
			a.vals = append(a.vals, av.val)
		}
	}
	sc, err := d.checkEntry(attrs, name, nil)
	if err != nil {
		return err
	}
	t := d.now()
	who := id.name(d)
	attrs = append(attrs,
		&attribute{at: d.at["structuralObjectClass"], vals: []string{sc.name()}},
		&attribute{at: d.at["entryUUID"], vals: []string{newUUID()}},
		&attribute{at: d.at["creatorsName"], vals: []string{who}},
		&attribute{at: d.at["createTimestamp"], vals: []string{generalizedTime(t)}},
	)
	attrs = d.stamp(attrs, who, t)
	d.nextID++
	ne := &entry{id: d.nextID, attrs: attrs, children: map[string]*entry{}}
	if isSuffix {
		ne.rdn, ne.rdnStr, ne.rdnNorm = d.suffix[0], d.suffixStr, strings.Join(d.suffixNorms, ",")
		d.root = ne
	} else {
		ne.rdn, ne.rdnStr, ne.rdnNorm = n[0], n[0].String(), d.schema.normRDN(n[0])
		ne.parent = parent
		parent.children[ne.rdnNorm] = ne
	}
	d.syncMemberOf("", nil, ne.ndn(), ne.dn(), d.members(attrs))
	return nil
}

// modify applies changes to an entry atomically (RFC 4511 section 4.6).
func (d *dit) modify(id identity, dnStr string, changes []reqChange, permissive bool) *Error {
	n, ok := d.parseDN(dnStr)
	if !ok {
		return newError(resultInvalidDNSyntax, "invalid DN")
	}
	if anonymous(id) {
		return errAuthRequired()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e, closest, _ := d.locate(n)
	if e == nil {
		return &Error{Code: resultNoSuchObject, MatchedDN: matchedDN(closest)}
	}
	if !id.root {
		for _, ch := range changes {
			if !id.self(e) || !d.private(d.schema.attr(ch.typ)) {
				return &Error{Code: resultInsufficientAccessRights}
			}
		}
	}
	attrs := cloneAttrs(e.attrs)
	for _, ch := range changes {
		at := d.schema.attr(ch.typ)
		if at == nil {
			return newError(resultUndefinedAttributeType, "%s: attribute type undefined", ch.typ)
		}
		opName := [...]string{"add", "delete", "replace", "increment"}[min(max(ch.op, 0), 3)]
		vals := ch.vals
		if ch.op != modDelete {
			var err *Error
			if vals, err = d.checkValues(at, ch.typ, ch.vals); err != nil {
				return err
			}
		} else if at.noMod {
			return newError(resultConstraintViolation, "%s: no user modification allowed", ch.typ)
		}
		a := getAttr(attrs, at)
		switch ch.op {
		case modAdd:
			if len(vals) == 0 {
				return newError(resultProtocolError, "modify/add: %s: no values given", ch.typ)
			}
			if a == nil {
				a = &attribute{at: at}
				attrs = append(attrs, a)
			}
			for i, v := range vals {
				if d.hasValue(a, v) >= 0 {
					if permissive {
						continue
					}
					return newError(resultAttributeOrValueExists, "modify/add: %s: value #%d already exists", ch.typ, i)
				}
				a.vals = append(a.vals, v)
			}
		case modDelete:
			if a == nil {
				if permissive {
					continue
				}
				return newError(resultNoSuchAttribute, "modify/delete: %s: no such attribute", ch.typ)
			}
			if len(vals) == 0 {
				attrs = removeAttr(attrs, at)
				continue
			}
			for _, v := range vals {
				if at.syntax == "dn" {
					if p, err := parseDN(v); err == nil {
						v = p.String()
					}
				}
				i := d.hasValue(a, v)
				if i < 0 {
					if permissive {
						continue
					}
					return newError(resultNoSuchAttribute, "modify/delete: %s: no such value", ch.typ)
				}
				a.vals = append(a.vals[:i], a.vals[i+1:]...)
			}
			if len(a.vals) == 0 {
				attrs = removeAttr(attrs, at)
			}
		case modReplace:
			if len(vals) == 0 {
				attrs = removeAttr(attrs, at)
			} else {
				attrs = setAttr(attrs, at, vals...)
			}
		case modIncrement:
			if at.eq != "integerMatch" {
				return newError(resultConstraintViolation, "modify/increment: %s: increment not supported for value syntax", ch.typ)
			}
			if a == nil {
				return newError(resultNoSuchAttribute, "modify/increment: %s: no such attribute", ch.typ)
			}
			if len(vals) != 1 {
				return newError(resultProtocolError, "modify/increment: %s: exactly one value required", ch.typ)
			}
			by, _ := strconv.ParseInt(vals[0], 10, 64)
			for i, v := range a.vals {
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return newError(resultConstraintViolation, "modify/increment: %s: value #%d is not an integer", ch.typ, i)
				}
				a.vals[i] = strconv.FormatInt(x+by, 10)
			}
		default:
			return newError(resultProtocolError, "unrecognized modify operation %d (%s)", ch.op, opName)
		}
	}
	if _, err := d.checkEntry(attrs, e.rdn, d.structuralOf(e.attrs)); err != nil {
		return err
	}
	oldMembers := d.members(e.attrs)
	attrs = d.stamp(attrs, id.name(d), d.now())
	e.attrs = attrs
	d.syncMemberOf(e.ndn(), oldMembers, e.ndn(), e.dn(), d.members(attrs))
	return nil
}

// modifyDN renames or moves an entry and its subtree (RFC 4511 section
// 4.9).
func (d *dit) modifyDN(id identity, dnStr, newRDNStr string, deleteOld bool, newSup *string) *Error {
	n, ok := d.parseDN(dnStr)
	if !ok {
		return newError(resultInvalidDNSyntax, "invalid DN")
	}
	nr, ok := d.parseDN(newRDNStr)
	if !ok || len(nr) != 1 {
		return newError(resultInvalidDNSyntax, "invalid new RDN")
	}
	newRDN := nr[0]
	var supDN dn
	if newSup != nil {
		if supDN, ok = d.parseDN(*newSup); !ok {
			return newError(resultInvalidDNSyntax, "invalid new superior DN")
		}
	}
	if anonymous(id) {
		return errAuthRequired()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e, closest, _ := d.locate(n)
	if e == nil {
		return &Error{Code: resultNoSuchObject, MatchedDN: matchedDN(closest)}
	}
	if !id.root {
		return newError(resultInsufficientAccessRights, "no write access to parent")
	}
	if e.parent == nil {
		return newError(resultUnwillingToPerform, "cannot rename the suffix entry")
	}
	parent := e.parent
	if newSup != nil {
		np, _, inContext := d.locate(supDN)
		if !inContext {
			return newError(resultAffectsMultipleDSAs, "cannot rename between naming contexts")
		}
		if np == nil {
			return newError(resultNoSuchObject, "new superior not found")
		}
		for p := np; p != nil; p = p.parent {
			if p == e {
				return newError(resultUnwillingToPerform, "cannot place an entry below itself")
			}
		}
		parent = np
	}
	newNorm := d.schema.normRDN(newRDN)
	if other := parent.children[newNorm]; other != nil && other != e {
		return &Error{Code: resultEntryAlreadyExists}
	}

	// With deleteoldrdn the old RDN values go, then the new ones are
	// added: a value that only changes case takes the new spelling.
	attrs := cloneAttrs(e.attrs)
	if deleteOld {
		for _, old := range e.rdn {
			at := d.schema.attr(old.typ)
			if a := getAttr(attrs, at); a != nil {
				if i := d.hasValue(a, old.val); i >= 0 {
					a.vals = append(a.vals[:i], a.vals[i+1:]...)
					if len(a.vals) == 0 {
						attrs = removeAttr(attrs, at)
					}
				}
			}
		}
	}
	for _, nw := range newRDN {
		at := d.schema.attr(nw.typ)
		if at.noMod {
			return newError(resultConstraintViolation, "%s: no user modification allowed", nw.typ)
		}
		if !at.validate(d.schema, nw.val) {
			return newError(resultInvalidAttributeSyntax, "%s: value #0 invalid per syntax", nw.typ)
		}
		a := getAttr(attrs, at)
		if d.hasValue(a, nw.val) < 0 {
			if a == nil {
				attrs = append(attrs, &attribute{at: at, vals: []string{nw.val}})
			} else {
				a.vals = append(a.vals, nw.val)
			}
		}
	}
	if _, err := d.checkEntry(attrs, newRDN, d.structuralOf(e.attrs)); err != nil {
		return err
	}

	oldNorm := e.ndn()
	delete(e.parent.children, e.rdnNorm)
	e.rdn, e.rdnStr, e.rdnNorm = newRDN, newRDN.String(), newNorm
	e.parent = parent
	parent.children[newNorm] = e
	e.attrs = d.stamp(attrs, id.name(d), d.now())

	// The memberof overlay looks at the renamed entry only: the entries
	// below it move without memberOf or member values following them.
	if members := d.members(e.attrs); len(members) > 0 {
		d.syncMemberOf(oldNorm, members, e.ndn(), e.dn(), members)
	}
	if d.refint {
		d.refintUpdate(map[string]string{oldNorm: e.dn()})
	}
	return nil
}

// remove deletes a leaf entry (RFC 4511 section 4.8).
func (d *dit) remove(id identity, dnStr string) *Error {
	n, ok := d.parseDN(dnStr)
	if !ok {
		return newError(resultInvalidDNSyntax, "invalid DN")
	}
	if anonymous(id) {
		return errAuthRequired()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e, closest, _ := d.locate(n)
	if e == nil {
		return &Error{Code: resultNoSuchObject, MatchedDN: matchedDN(closest)}
	}
	if !id.root {
		return newError(resultInsufficientAccessRights, "no write access to parent")
	}
	if len(e.children) > 0 {
		return newError(resultNotAllowedOnNonLeaf, "subordinate objects must be deleted first")
	}
	if e.parent == nil {
		d.root = nil
	} else {
		delete(e.parent.children, e.rdnNorm)
	}
	d.syncMemberOf(e.ndn(), d.members(e.attrs), "", "", nil)
	if d.refint {
		d.refintUpdate(map[string]string{e.ndn(): ""})
	}
	return nil
}

// compare tests an attribute value assertion (RFC 4511 section 4.10).
func (d *dit) compare(id identity, dnStr, desc, value string) *Error {
	n, ok := d.parseDN(dnStr)
	if !ok {
		return newError(resultInvalidDNSyntax, "invalid DN")
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, closest, _ := d.locate(n)
	if e == nil {
		return &Error{Code: resultNoSuchObject, MatchedDN: matchedDN(closest)}
	}
	at := d.schema.attr(desc)
	if at == nil {
		return &Error{Code: resultUndefinedAttributeType}
	}
	if !at.hasEquality() {
		return newError(resultInappropriateMatching, "%s: no equality matching rule", desc)
	}
	if !at.validate(d.schema, value) {
		return newError(resultInvalidAttributeSyntax, "value does not conform to assertion syntax")
	}
	if !d.canRead(at, e, id) {
		return &Error{Code: resultInsufficientAccessRights}
	}
	vals := d.values(e, at)
	if len(vals) == 0 {
		return &Error{Code: resultNoSuchAttribute}
	}
	if d.equal(at, vals, value) {
		return &Error{Code: resultCompareTrue}
	}
	return &Error{Code: resultCompareFalse}
}

// members returns the normalised member DNs of a groupOfNames entry, to
// the pretty form given; none for other entries. This is the memberof
// overlay's default configuration: group class groupOfNames, member
// attribute member, member-of attribute memberOf.
func (d *dit) members(attrs []*attribute) map[string]string {
	classes, err := d.classes(attrs)
	if err != nil {
		return nil
	}
	group := d.schema.class("groupOfNames")
	isGroup := false
	for _, c := range classes {
		isGroup = isGroup || d.schema.isSubclass(c, group)
	}
	if !isGroup {
		return nil
	}
	out := map[string]string{}
	if a := getAttr(attrs, d.at["member"]); a != nil {
		for _, v := range a.vals {
			if n, ok := d.schema.normDNString(v); ok {
				out[n] = v
			}
		}
	}
	return out
}

// syncMemberOf keeps memberOf on member entries in step with a group that
// had oldMembers under oldNorm and has newMembers under newNorm/newDN
// (empty when it was deleted). Members that do not exist are ignored, as
// with the overlay's default dangling "ignore".
func (d *dit) syncMemberOf(oldNorm string, oldMembers map[string]string, newNorm, newDN string, newMembers map[string]string) {
	memberOf := d.at["memberOf"]
	t := d.now()
	for m := range oldMembers {
		if _, still := newMembers[m]; still && oldNorm == newNorm {
			continue
		}
		e := d.lookupNorm(m)
		if e == nil {
			continue
		}
		a := getAttr(e.attrs, memberOf)
		if i := d.hasValue(a, oldNorm); i >= 0 {
			attrs := cloneAttrs(e.attrs)
			a = getAttr(attrs, memberOf)
			a.vals = append(a.vals[:i], a.vals[i+1:]...)
			if len(a.vals) == 0 {
				attrs = removeAttr(attrs, memberOf)
			}
			e.attrs = d.stamp(attrs, d.rootDN, t)
		}
	}
	for m := range newMembers {
		if _, had := oldMembers[m]; had && oldNorm == newNorm {
			continue
		}
		e := d.lookupNorm(m)
		if e == nil {
			continue
		}
		a := getAttr(e.attrs, memberOf)
		if d.hasValue(a, newNorm) >= 0 {
			continue
		}
		attrs := cloneAttrs(e.attrs)
		if a = getAttr(attrs, memberOf); a == nil {
			attrs = append(attrs, &attribute{at: memberOf, vals: []string{newDN}})
		} else {
			a.vals = append(a.vals, newDN)
		}
		e.attrs = d.stamp(attrs, d.rootDN, t)
	}
}

// refintUpdate rewrites member values naming renamed or deleted entries
// (old normalised DN to new DN, "" when deleted), like the memberof
// overlay with memberof-refint TRUE. A group is never left without a
// member: the last value stays.
func (d *dit) refintUpdate(renamed map[string]string) {
	member := d.at["member"]
	t := d.now()
	for _, g := range d.allEntries() {
		a := getAttr(g.attrs, member)
		if a == nil {
			continue
		}
		var vals, added []string
		for _, v := range a.vals {
			nv, _ := d.schema.normDNString(v)
			if to, ok := renamed[nv]; ok {
				if to != "" {
					added = append(added, to)
				}
				continue
			}
			vals = append(vals, v)
		}
		if len(vals) == len(a.vals) {
			continue
		}
		// Like slapd's refint, the old value is deleted and the new one
		// added (at the end).
		vals = append(vals, added...)
		if len(vals) == 0 {
			continue
		}
		attrs := cloneAttrs(g.attrs)
		attrs = setAttr(attrs, member, vals...)
		g.attrs = d.stamp(attrs, d.rootDN, t)
	}
}

// values returns the values of at on e, including the operational
// attributes slapd computes on the fly.
func (d *dit) values(e *entry, at *attrType) []string {
	switch at {
	case d.at["entryDN"]:
		return []string{e.dn()}
	case d.at["hasSubordinates"]:
		if len(e.children) > 0 {
			return []string{"TRUE"}
		}
		return []string{"FALSE"}
	case d.at["subschemaSubentry"]:
		return []string{subschemaDN}
	}
	if a := getAttr(e.attrs, at); a != nil {
		return a.vals
	}
	return nil
}

// equal reports whether any of vals equals the assertion value under the
// equality rule of at. objectClass assertions match subclasses too
// ((objectClass=person) finds inetOrgPerson entries).
func (d *dit) equal(at *attrType, vals []string, assertion string) bool {
	if at == d.at["objectClass"] {
		want := d.schema.class(assertion)
		for _, v := range vals {
			if c := d.schema.class(v); c != nil && want != nil && d.schema.isSubclass(c, want) {
				return true
			}
			if want == nil && strings.EqualFold(v, assertion) {
				return true
			}
		}
		return false
	}
	na, ok := at.normalize(d.schema, assertion)
	if !ok {
		return false
	}
	for _, v := range vals {
		if nv, ok := at.normalize(d.schema, v); ok && nv == na {
			return true
		}
	}
	return false
}

// locked reports whether binding as e is refused: ppolicy's
// pwdAccountLockedTime in the past (or "000001010000Z", locked until an
// administrator unlocks), or shadowExpire (days since 1970) today or
// earlier.
func (d *dit) locked(e *entry) bool {
	now := d.now()
	for _, v := range d.values(e, d.at["pwdAccountLockedTime"]) {
		if t, ok := parseGeneralizedTime(v); ok && !t.After(now) {
			return true
		}
	}
	for _, v := range d.values(e, d.at["shadowExpire"]) {
		days, err := strconv.ParseInt(v, 10, 64)
		if err == nil && days >= 0 && days <= now.Unix()/86400 {
			return true
		}
	}
	return false
}

// setPassword replaces the userPassword of e, hashed, checking the schema
// allows it.
func (d *dit) setPassword(e *entry, who string, clear string) *Error {
	attrs := cloneAttrs(e.attrs)
	attrs = setAttr(attrs, d.at["userPassword"], storedPassword(clear))
	if _, err := d.checkEntry(attrs, e.rdn, nil); err != nil {
		return err
	}
	e.attrs = d.stamp(attrs, who, d.now())
	return nil
}

// snapshot returns every stored attribute of e by canonical name, the
// computed operational ones included.
func (d *dit) snapshot(e *entry) map[string][]string {
	out := map[string][]string{}
	for _, a := range e.attrs {
		out[a.at.name()] = append([]string(nil), a.vals...)
	}
	for _, n := range []string{"entryDN", "hasSubordinates", "subschemaSubentry"} {
		out[n] = d.values(e, d.at[n])
	}
	return out
}
