package directory

import (
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// validate checks a value against the attribute's syntax, as slapd does
// before storing it.
func (a *attrType) validate(s *schema, v string) bool {
	switch a.syntax {
	case "dstr", "pstr", "cstr", "postal":
		return v != "" && utf8.ValidString(v)
	case "ia5":
		if v == "" {
			return false
		}
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x80 {
				return false
			}
		}
		return true
	case "num":
		for _, r := range v {
			if r != ' ' && (r < '0' || r > '9') {
				return false
			}
		}
		return v != ""
	case "int":
		// slapd's INTEGER: no sign but "-", no leading zeros, no "-0".
		_, ok := normInteger(v)
		digits := strings.TrimPrefix(v, "-")
		return ok && (digits == "0" && v == "0" || digits[0] != '0')
	case "uuid":
		return len(v) == 36 && strings.Count(v, "-") == 4 && v[8] == '-' && v[13] == '-' && v[18] == '-' && v[23] == '-' &&
			strings.Trim(strings.ReplaceAll(v, "-", ""), "0123456789abcdefABCDEF") == ""
	case "dn":
		_, err := parseDN(v)
		return err == nil
	case "nuid":
		_, err := parseDN(nuidDN(v))
		return err == nil
	case "time":
		_, ok := parseGeneralizedTime(v)
		return ok
	case "bool":
		return v == "TRUE" || v == "FALSE"
	case "oid":
		return isNumericOID(v) || validAttrType(v)
	case "tel":
		return strings.TrimSpace(v) != ""
	}
	return true
}

// nuidDN is the DN part of a Name And Optional UID value ("dn#'0101'B").
func nuidDN(v string) string {
	if i := strings.LastIndex(v, "#'"); i >= 0 && strings.HasSuffix(v, "'B") {
		return v[:i]
	}
	return v
}

// normalize returns the value in the form its equality rule compares; ok is
// false when the value cannot be compared (invalid syntax, or no equality
// rule).
func (a *attrType) normalize(s *schema, v string) (string, bool) {
	switch a.eq {
	case "caseIgnoreMatch", "caseIgnoreIA5Match", "caseIgnoreListMatch":
		return foldSpace(strings.ToLower(v)), true
	case "caseExactMatch", "caseExactIA5Match":
		return foldSpace(v), true
	case "numericStringMatch":
		return strings.ReplaceAll(v, " ", ""), true
	case "telephoneNumberMatch":
		return strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(v)), true
	case "distinguishedNameMatch":
		return s.normDNString(v)
	case "uniqueMemberMatch":
		n, ok := s.normDNString(nuidDN(v))
		if ok && nuidDN(v) != v {
			n += v[len(nuidDN(v)):]
		}
		return n, ok
	case "integerMatch":
		return normInteger(v)
	case "generalizedTimeMatch":
		t, ok := parseGeneralizedTime(v)
		if !ok {
			return "", false
		}
		return t.UTC().Format("20060102150405.000000000Z"), true
	case "booleanMatch":
		u := strings.ToUpper(strings.TrimSpace(v))
		return u, u == "TRUE" || u == "FALSE"
	case "objectIdentifierMatch":
		v = strings.TrimSpace(v)
		if oc := s.class(v); oc != nil {
			return oc.oid, true
		}
		if at := s.attr(v); at != nil {
			return at.oid, true
		}
		return strings.ToLower(v), true
	case "UUIDMatch":
		return strings.ToLower(v), true
	case "octetStringMatch", "certificateExactMatch", "bitStringMatch", "CSNMatch", "objectIdentifierFirstComponentMatch":
		return v, true
	}
	return "", false
}

// normSubstring normalises a piece of a substrings assertion like the
// attribute's values, without trimming the edges of the piece.
func (a *attrType) normSubstring(v string) string {
	switch a.sub {
	case "caseIgnoreSubstringsMatch", "caseIgnoreIA5SubstringsMatch", "caseIgnoreListSubstringsMatch":
		return strings.ToLower(v)
	case "telephoneNumberSubstringsMatch":
		return strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(v))
	case "numericStringSubstringsMatch":
		return strings.ReplaceAll(v, " ", "")
	}
	return v
}

// compareOrder compares two values with the attribute's ordering rule;
// ok is false when either does not parse or there is no ordering rule.
func (a *attrType) compareOrder(s *schema, x, y string) (int, bool) {
	switch a.ord {
	case "integerOrderingMatch":
		bx, okx := new(big.Int).SetString(strings.TrimSpace(x), 10)
		by, oky := new(big.Int).SetString(strings.TrimSpace(y), 10)
		if !okx || !oky {
			return 0, false
		}
		return bx.Cmp(by), true
	case "generalizedTimeOrderingMatch":
		tx, okx := parseGeneralizedTime(x)
		ty, oky := parseGeneralizedTime(y)
		if !okx || !oky {
			return 0, false
		}
		return tx.Compare(ty), true
	case "caseIgnoreOrderingMatch":
		return strings.Compare(foldSpace(strings.ToLower(x)), foldSpace(strings.ToLower(y))), true
	case "UUIDOrderingMatch", "CSNOrderingMatch":
		return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true
	}
	return 0, false
}

// normInteger is the canonical form of an INTEGER value.
func normInteger(v string) (string, bool) {
	if v == "" {
		return "", false
	}
	neg := v[0] == '-'
	digits := v
	if neg {
		digits = v[1:]
	}
	if digits == "" {
		return "", false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false
		}
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", true
	}
	if neg {
		return "-" + digits, true
	}
	return digits, true
}

// parseGeneralizedTime parses YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|+hhmm|-hhmm),
// including ppolicy's "000001010000Z" (year 0: locked forever).
func parseGeneralizedTime(v string) (time.Time, bool) {
	if len(v) < 11 {
		return time.Time{}, false
	}
	num := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && len(s) > 0 && s[0] != '-' && s[0] != '+'
	}
	year, ok1 := num(v[0:4])
	month, ok2 := num(v[4:6])
	day, ok3 := num(v[6:8])
	hour, ok4 := num(v[8:10])
	if !(ok1 && ok2 && ok3 && ok4) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 {
		return time.Time{}, false
	}
	rest := v[10:]
	minute, sec, nsec := 0, 0, 0
	if len(rest) >= 2 && rest[0] >= '0' && rest[0] <= '9' {
		m, ok := num(rest[:2])
		if !ok || m > 59 {
			return time.Time{}, false
		}
		minute, rest = m, rest[2:]
		if len(rest) >= 2 && rest[0] >= '0' && rest[0] <= '9' {
			s, ok := num(rest[:2])
			if !ok || s > 60 {
				return time.Time{}, false
			}
			sec, rest = s, rest[2:]
		}
	}
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		frac := rest[1:j]
		if frac == "" {
			return time.Time{}, false
		}
		for len(frac) < 9 {
			frac += "0"
		}
		nsec, _ = strconv.Atoi(frac[:9])
		rest = rest[j:]
	}
	loc := time.UTC
	switch {
	case rest == "Z":
	case len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		hh, ok1 := num(rest[1:3])
		mm, ok2 := num(rest[3:5])
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	default:
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc), true
}

// generalizedTime formats t the way slapd writes timestamps.
func generalizedTime(t time.Time) string { return t.UTC().Format("20060102150405Z") }
