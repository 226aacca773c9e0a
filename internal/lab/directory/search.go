package directory

import (
	"sort"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// Search scopes (RFC 4511 and RFC 4512's subordinate subtree).
const (
	scopeBase     = 0
	scopeOne      = 1
	scopeSub      = 2
	scopeChildren = 3
)

const subschemaDN = "cn=Subschema"

// tri is the three-valued result of a filter (RFC 4511 section 4.5.1.7).
type tri int8

const (
	fFalse tri = iota
	fTrue
	fUndefined
)

// filter tags (context-specific).
const (
	filterAnd        = 0
	filterOr         = 1
	filterNot        = 2
	filterEquality   = 3
	filterSubstrings = 4
	filterGreater    = 5
	filterLess       = 6
	filterPresent    = 7
	filterApprox     = 8
	filterExtensible = 9
)

// checkFilter reports whether a filter is well formed, so that a bad one
// is a protocol error rather than a silent mismatch.
func checkFilter(f *ber.Packet) bool {
	if f == nil || f.ClassType != ber.ClassContext {
		return false
	}
	switch f.Tag {
	case filterAnd, filterOr:
		for _, c := range f.Children {
			if !checkFilter(c) {
				return false
			}
		}
		return true
	case filterNot:
		return len(f.Children) == 1 && checkFilter(f.Children[0])
	case filterEquality, filterGreater, filterLess, filterApprox:
		return len(f.Children) == 2
	case filterSubstrings:
		return len(f.Children) == 2 && len(f.Children[1].Children) > 0
	case filterPresent:
		return f.TagType == ber.TypePrimitive
	case filterExtensible:
		return len(f.Children) > 0
	}
	return false
}

// eval evaluates a filter on an entry. Undefined attribute types,
// attributes without the needed matching rule and values the rule cannot
// parse make the assertion Undefined, as in slapd; so do userPassword and
// shadowLastChange for anyone but the rootdn and the entry itself.
func (d *dit) eval(f *ber.Packet, e *entry, id identity) tri {
	switch f.Tag {
	case filterAnd:
		res := fTrue
		for _, c := range f.Children {
			switch d.eval(c, e, id) {
			case fFalse:
				return fFalse
			case fUndefined:
				res = fUndefined
			}
		}
		return res
	case filterOr:
		res := fFalse
		for _, c := range f.Children {
			switch d.eval(c, e, id) {
			case fTrue:
				return fTrue
			case fUndefined:
				res = fUndefined
			}
		}
		return res
	case filterNot:
		switch d.eval(f.Children[0], e, id) {
		case fTrue:
			return fFalse
		case fFalse:
			return fTrue
		}
		return fUndefined
	case filterPresent:
		at := d.readable(f.Data.String(), e, id)
		if at == nil {
			return fUndefined
		}
		if at == d.at["objectClass"] || len(d.values(e, at)) > 0 {
			return fTrue
		}
		return fFalse
	case filterEquality, filterApprox:
		at := d.readable(f.Children[0].Data.String(), e, id)
		if at == nil || !at.hasEquality() {
			return fUndefined
		}
		assertion := f.Children[1].Data.String()
		if at != d.at["objectClass"] {
			if _, ok := at.normalize(d.schema, assertion); !ok {
				return fUndefined
			}
		}
		if d.equal(at, d.values(e, at), assertion) {
			return fTrue
		}
		return fFalse
	case filterGreater, filterLess:
		at := d.readable(f.Children[0].Data.String(), e, id)
		if at == nil || !at.hasOrdering() {
			return fUndefined
		}
		assertion := f.Children[1].Data.String()
		res := fFalse
		for _, v := range d.values(e, at) {
			c, ok := at.compareOrder(d.schema, v, assertion)
			if !ok {
				res = fUndefined
				continue
			}
			if (f.Tag == filterGreater && c >= 0) || (f.Tag == filterLess && c <= 0) {
				return fTrue
			}
		}
		return res
	case filterSubstrings:
		at := d.readable(f.Children[0].Data.String(), e, id)
		if at == nil || !at.hasSubstrings() {
			return fUndefined
		}
		for _, v := range d.values(e, at) {
			if substringsMatch(at, v, f.Children[1].Children) {
				return fTrue
			}
		}
		return fFalse
	case filterExtensible:
		return d.evalExtensible(f, e, id)
	}
	return fUndefined
}

// readable resolves an attribute description for a filter on e; nil when
// the type is unknown or the requester may not search it there.
func (d *dit) readable(desc string, e *entry, id identity) *attrType {
	at := d.schema.attr(desc)
	if !d.canRead(at, e, id) {
		return nil
	}
	return at
}

func substringsMatch(at *attrType, value string, parts []*ber.Packet) bool {
	v := at.normSubstring(foldSpace(value))
	pos := 0
	for i, p := range parts {
		piece := at.normSubstring(p.Data.String())
		switch p.Tag {
		case 0: // initial
			if i != 0 || !strings.HasPrefix(v, piece) {
				return false
			}
			pos = len(piece)
		case 1: // any
			j := strings.Index(v[pos:], piece)
			if j < 0 {
				return false
			}
			pos += j + len(piece)
		case 2: // final
			if i != len(parts)-1 || len(v)-len(piece) < pos || !strings.HasSuffix(v, piece) {
				return false
			}
		}
	}
	return true
}

// evalExtensible supports an extensible match with an attribute type and
// the usual equality rules (by name or OID), and :dn: (dnAttributes).
func (d *dit) evalExtensible(f *ber.Packet, e *entry, id identity) tri {
	var rule, typ, value string
	dnAttrs := false
	for _, c := range f.Children {
		switch c.Tag {
		case 1:
			rule = c.Data.String()
		case 2:
			typ = c.Data.String()
		case 3:
			value = c.Data.String()
		case 4:
			dnAttrs = len(c.Data.Bytes()) > 0 && c.Data.Bytes()[0] != 0
		}
	}
	ruleNames := map[string]string{
		"2.5.13.1": "distinguishedNameMatch", "2.5.13.2": "caseIgnoreMatch", "2.5.13.5": "caseExactMatch",
		"2.5.13.14": "integerMatch", "1.3.6.1.4.1.1466.109.114.1": "caseExactIA5Match", "1.3.6.1.4.1.1466.109.114.2": "caseIgnoreIA5Match",
		"2.5.13.17": "octetStringMatch",
	}
	if n, ok := ruleNames[rule]; ok {
		rule = n
	}
	test := func(at *attrType, vals []string) tri {
		if at == nil {
			return fUndefined
		}
		cmp := at
		if rule != "" {
			canonical := ""
			for _, n := range ruleNames {
				if strings.EqualFold(n, rule) {
					canonical = n
				}
			}
			if canonical == "" {
				return fUndefined
			}
			c := *at
			c.eq = canonical
			cmp = &c
		}
		if !cmp.hasEquality() {
			return fUndefined
		}
		if d.equal(cmp, vals, value) {
			return fTrue
		}
		return fFalse
	}
	res := fFalse
	if typ != "" {
		at := d.readable(typ, e, id)
		res = test(at, d.values(e, at))
	} else if rule == "" {
		return fUndefined
	}
	if res != fTrue && dnAttrs {
		if n, err := parseDN(e.dn()); err == nil {
			for _, r := range n {
				for _, a := range r {
					at := d.schema.attr(a.typ)
					if typ != "" && at != d.schema.attr(typ) {
						continue
					}
					if at != nil && test(at, []string{a.val}) == fTrue {
						return fTrue
					}
				}
			}
		}
	}
	return res
}

// selection is the attribute list of a search request.
type selection struct {
	allUser, allOp bool
	named          map[*attrType]bool
}

func (d *dit) selection(attrs []string) selection {
	sel := selection{named: map[*attrType]bool{}}
	if len(attrs) == 0 {
		sel.allUser = true
	}
	for _, a := range attrs {
		switch a = strings.TrimSpace(a); a {
		case "*":
			sel.allUser = true
		case "+":
			sel.allOp = true
		case "1.1", "":
		default:
			if at := d.schema.attr(a); at != nil {
				sel.named[at] = true
			}
		}
	}
	return sel
}

// searchAttr and searchEntry are a search result entry as sent.
type searchAttr struct {
	name string
	vals []string
}

type searchEntry struct {
	dn    string
	attrs []searchAttr
}

// render selects the attributes of e to return. userPassword (always
// hashed) and shadowLastChange are only returned to the rootdn and the
// entry itself, as with the test slapd's ACLs.
func (d *dit) render(e *entry, sel selection, typesOnly bool, id identity) searchEntry {
	out := searchEntry{dn: e.dn()}
	add := func(at *attrType, vals []string) {
		if typesOnly {
			vals = nil
		}
		out.attrs = append(out.attrs, searchAttr{name: at.name(), vals: append([]string(nil), vals...)})
	}
	for _, a := range e.attrs {
		include := sel.named[a.at] || (a.at.operational() && sel.allOp) || (!a.at.operational() && sel.allUser)
		include = include && d.canRead(a.at, e, id)
		if include {
			add(a.at, a.vals)
		}
	}
	for _, n := range []string{"entryDN", "subschemaSubentry", "hasSubordinates"} {
		at := d.at[n]
		if sel.allOp || sel.named[at] {
			if getAttr(e.attrs, at) == nil {
				add(at, d.values(e, at))
			}
		}
	}
	return out
}

type searchParams struct {
	base      string
	scope     int
	sizeLimit int // 0: none
	typesOnly bool
	filter    *ber.Packet
	attrs     []string
	pageSize  int    // > 0: a page of a paged search
	afterID   uint64 // paged: the last entry already returned
}

type searchResult struct {
	entries []searchEntry
	lastID  uint64 // paged: last entry returned
	more    bool   // paged: more entries match
	err     *Error // nil: success
}

// search runs a search. Entries come in the order they were created (the
// entry ID order of back-mdb), which is also how pages continue.
func (d *dit) search(id identity, p searchParams, rootDSE, subschema *entry) searchResult {
	base, ok := d.parseDN(p.base)
	if !ok {
		return searchResult{err: newError(resultInvalidDNSyntax, "invalid DN")}
	}
	if p.scope < scopeBase || p.scope > scopeChildren {
		return searchResult{err: newError(resultProtocolError, "invalid scope")}
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	var candidates []*entry
	switch {
	case len(base) == 0:
		if p.scope != scopeBase {
			return searchResult{err: &Error{Code: resultNoSuchObject}}
		}
		candidates = []*entry{rootDSE}
	case d.schema.normDN(base) == "cn=subschema":
		if p.scope == scopeBase || p.scope == scopeSub {
			candidates = []*entry{subschema}
		}
	default:
		e, closest, _ := d.locate(base)
		if e == nil {
			return searchResult{err: &Error{Code: resultNoSuchObject, MatchedDN: matchedDN(closest)}}
		}
		switch p.scope {
		case scopeBase:
			candidates = []*entry{e}
		case scopeOne:
			for _, c := range e.children {
				candidates = append(candidates, c)
			}
		case scopeSub:
			walk(e, func(x *entry) { candidates = append(candidates, x) })
		case scopeChildren:
			walk(e, func(x *entry) {
				if x != e {
					candidates = append(candidates, x)
				}
			})
		}
		sort.Slice(candidates, func(i, j int) bool { return candidates[i].id < candidates[j].id })
	}
	sel := d.selection(p.attrs)
	var res searchResult
	for _, e := range candidates {
		if p.pageSize > 0 && e.id <= p.afterID {
			continue
		}
		if d.eval(p.filter, e, id) != fTrue {
			continue
		}
		if p.pageSize > 0 && len(res.entries) == p.pageSize {
			res.more = true
			break
		}
		if p.pageSize == 0 && p.sizeLimit > 0 && len(res.entries) == p.sizeLimit {
			res.err = &Error{Code: resultSizeLimitExceeded}
			break
		}
		res.entries = append(res.entries, d.render(e, sel, p.typesOnly, id))
		res.lastID = e.id
	}
	return res
}
