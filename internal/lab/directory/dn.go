package directory

import (
	"encoding/hex"
	"errors"
	"sort"
	"strings"
)

// ava is one attribute type and value of a relative distinguished name, as
// written: the type as the client spelled it and the value unescaped.
type ava struct {
	typ, val string
}

// rdn is a relative distinguished name: one or more AVAs joined by "+".
type rdn []ava

// dn is a distinguished name, most specific RDN first. The empty DN (the
// root DSE) has no RDNs.
type dn []rdn

var errInvalidDN = errors.New("invalid DN")

// parseDN parses an RFC 4514 string. It accepts what slapd accepts in
// practice: spaces around separators, escaped specials, hex pairs and
// #-prefixed BER values.
func parseDN(s string) (dn, error) {
	if strings.TrimSpace(s) == "" {
		return dn{}, nil
	}
	var out dn
	var cur rdn
	i := 0
	for {
		// attribute type
		for i < len(s) && s[i] == ' ' {
			i++
		}
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ',' && s[i] != '+' {
			i++
		}
		if i >= len(s) || s[i] != '=' {
			return nil, errInvalidDN
		}
		typ := strings.TrimSpace(s[start:i])
		if !validAttrType(typ) {
			return nil, errInvalidDN
		}
		i++ // '='
		for i < len(s) && s[i] == ' ' {
			i++
		}
		val, next, err := parseDNValue(s, i)
		if err != nil {
			return nil, err
		}
		i = next
		if val == "" {
			return nil, errInvalidDN
		}
		cur = append(cur, ava{typ: typ, val: val})
		if i >= len(s) {
			out = append(out, cur)
			return out, nil
		}
		switch s[i] {
		case '+':
			i++
		case ',', ';':
			out = append(out, cur)
			cur = nil
			i++
			if i >= len(s) {
				return nil, errInvalidDN
			}
		default:
			return nil, errInvalidDN
		}
	}
}

// parseDNValue reads a value starting at s[i] up to an unescaped separator;
// it returns the unescaped value and the index of the separator (or len(s)).
func parseDNValue(s string, i int) (string, int, error) {
	if i < len(s) && s[i] == '#' {
		j := i + 1
		for j < len(s) && isHex(s[j]) {
			j++
		}
		raw, err := hex.DecodeString(s[i+1 : j])
		if err != nil || len(raw) < 2 {
			return "", 0, errInvalidDN
		}
		// A BER-encoded string: tag, short length, content.
		if int(raw[1]) != len(raw)-2 {
			return "", 0, errInvalidDN
		}
		for j < len(s) && s[j] == ' ' {
			j++
		}
		return string(raw[2:]), j, nil
	}
	if i < len(s) && s[i] == '"' { // quoted, as LDAPv2 allowed
		j := i + 1
		var b strings.Builder
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' && j+1 < len(s) {
				j++
			}
			b.WriteByte(s[j])
			j++
		}
		if j >= len(s) {
			return "", 0, errInvalidDN
		}
		j++
		for j < len(s) && s[j] == ' ' {
			j++
		}
		return b.String(), j, nil
	}
	var b []byte
	lastEscaped := 0 // length of b after the last escaped character
	for i < len(s) {
		c := s[i]
		switch {
		case c == ',' || c == '+' || c == ';':
			return trimUnescaped(b, lastEscaped), i, nil
		case c == '\\':
			if i+1 >= len(s) {
				return "", 0, errInvalidDN
			}
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				v, _ := hex.DecodeString(s[i+1 : i+3])
				b = append(b, v[0])
				i += 3
			} else {
				b = append(b, s[i+1])
				i += 2
			}
			lastEscaped = len(b)
		case c == '"' || c == '<' || c == '>' || c == '=':
			// slapd accepts '=' unescaped in values; the others are errors.
			if c != '=' {
				return "", 0, errInvalidDN
			}
			b = append(b, c)
			i++
		default:
			b = append(b, c)
			i++
		}
	}
	return trimUnescaped(b, lastEscaped), i, nil
}

// trimUnescaped removes trailing spaces that were not escaped.
func trimUnescaped(b []byte, keep int) string {
	n := len(b)
	for n > keep && b[n-1] == ' ' {
		n--
	}
	return string(b[:n])
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// validAttrType accepts a descriptor (letter, then letters, digits and
// hyphens) or a numeric OID.
func validAttrType(t string) bool {
	if t == "" {
		return false
	}
	if t[0] >= '0' && t[0] <= '9' {
		return isNumericOID(t)
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func isNumericOID(t string) bool {
	if t == "" {
		return false
	}
	for _, part := range strings.Split(t, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

// escapeDNValue escapes a value for a DN string (RFC 4514 section 2.4).
func escapeDNValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '#' && i == 0, c == ' ' && (i == 0 || i == len(v)-1):
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			b.WriteString(`\` + hex.EncodeToString([]byte{c}))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// String is the DN as slapd prints it: attribute types as written, values
// as given (case kept), escaped, no spaces around separators.
func (d dn) String() string {
	parts := make([]string, len(d))
	for i, r := range d {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

func (r rdn) String() string {
	parts := make([]string, len(r))
	for i, a := range r {
		parts[i] = a.typ + "=" + escapeDNValue(a.val)
	}
	return strings.Join(parts, "+")
}

// norm is the normalised form of the RDN: canonical lower-case attribute
// names, values normalised by their equality rule, AVAs sorted.
func (s *schema) normRDN(r rdn) string {
	parts := make([]string, len(r))
	for i, a := range r {
		name := strings.ToLower(a.typ)
		val := foldSpace(strings.ToLower(a.val))
		if at := s.attr(a.typ); at != nil {
			name = strings.ToLower(at.name())
			if n, ok := at.normalize(s, a.val); ok {
				val = n
			}
		}
		parts[i] = name + "=" + escapeDNValue(val)
	}
	sort.Strings(parts)
	return strings.Join(parts, "+")
}

// normDN is the normalised form of a DN, the key the directory compares.
func (s *schema) normDN(d dn) string {
	parts := make([]string, len(d))
	for i, r := range d {
		parts[i] = s.normRDN(r)
	}
	return strings.Join(parts, ",")
}

// normDNString normalises a DN string; ok is false when it does not parse.
func (s *schema) normDNString(v string) (string, bool) {
	d, err := parseDN(v)
	if err != nil {
		return "", false
	}
	return s.normDN(d), true
}

// canonical returns d with the attribute types spelled as the schema
// names them ("UID=Bob, OU=People" becomes uid=Bob,ou=People), the form in
// which slapd stores and returns DNs; values keep their case.
func (s *schema) canonical(d dn) dn {
	out := make(dn, len(d))
	for i, r := range d {
		out[i] = make(rdn, len(r))
		for j, a := range r {
			if at := s.attr(a.typ); at != nil {
				a.typ = at.name()
			}
			out[i][j] = a
		}
	}
	return out
}

// parent is the DN without its first RDN.
func (d dn) parent() dn {
	if len(d) == 0 {
		return nil
	}
	return d[1:]
}

// foldSpace trims and collapses runs of white space to one space.
func foldSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
