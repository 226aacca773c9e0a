package directory

import (
	"crypto/subtle"
	"strings"
)

// authenticate checks a simple bind. The rootdn needs no entry; anyone
// else binds with the userPassword of their entry, and is refused while
// the entry is locked. Every refusal is invalidCredentials (49) with no
// message, so that a client cannot tell a missing entry from a wrong
// password, as with slapd. policy says a password policy applies to the
// DN (any but the rootdn's), so that a bind with the password policy
// request control gets the response control.
func (d *dit) authenticate(name, password string, rootPassword string) (id identity, err *Error, policy bool) {
	if name == "" {
		if password == "" {
			return identity{}, nil, false
		}
		return identity{}, &Error{Code: resultInvalidCredentials}, false
	}
	n, ok := d.parseDN(name)
	if !ok {
		return identity{}, newError(resultInvalidDNSyntax, "invalid DN"), false
	}
	if password == "" {
		return identity{}, newError(resultUnwillingToPerform, "unauthenticated bind (DN with no password) disallowed"), false
	}
	norm := d.schema.normDN(n)
	if norm == d.rootNorm {
		if subtle.ConstantTimeCompare([]byte(password), []byte(rootPassword)) == 1 {
			return identity{ndn: norm, root: true}, nil, false
		}
		return identity{}, &Error{Code: resultInvalidCredentials}, false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, _, _ := d.locate(n)
	if e == nil {
		return identity{}, &Error{Code: resultInvalidCredentials}, true
	}
	matched := false
	for _, stored := range d.values(e, d.at["userPassword"]) {
		matched = matched || checkPassword(stored, password)
	}
	if !matched {
		return identity{}, &Error{Code: resultInvalidCredentials}, true
	}
	if d.locked(e) {
		return identity{}, &Error{Code: resultInvalidCredentials}, true
	}
	return identity{ndn: norm}, nil, true
}

// passwordModify is the password modify extended operation (RFC 3062).
// user is the userIdentity field ("" for the bound user), oldPw is
// checked when given, newPw is generated when empty; the generated
// password is returned.
func (d *dit) passwordModify(id identity, user, oldPw, newPw string) (string, *Error) {
	target := id.ndn
	if user != "" {
		n, ok := d.parseDN(strings.TrimPrefix(user, "dn:"))
		if !ok {
			return "", newError(resultInvalidDNSyntax, "invalid DN")
		}
		target = d.schema.normDN(n)
	} else {
		if target == "" {
			return "", newError(resultUnwillingToPerform, "only authenticated users may change passwords")
		}
		if id.root {
			return "", newError(resultUnwillingToPerform, "the rootdn has no entry to hold a password")
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	n, _ := parseDN(target)
	e, closest, _ := d.locate(n)
	if e == nil {
		return "", &Error{Code: resultNoSuchObject, MatchedDN: matchedDN(closest)}
	}
	if !id.root && id.ndn != e.ndn() {
		return "", &Error{Code: resultInsufficientAccessRights}
	}
	if oldPw != "" {
		ok := false
		for _, stored := range d.values(e, d.at["userPassword"]) {
			ok = ok || checkPassword(stored, oldPw)
		}
		if !ok {
			return "", newError(resultUnwillingToPerform, "unwilling to verify old password")
		}
	}
	generated := ""
	if newPw == "" {
		newPw = generatePassword()
		generated = newPw
	}
	who := id.ndn
	if id.root {
		who = d.rootDN
	}
	if err := d.setPassword(e, who, newPw); err != nil {
		return "", err
	}
	return generated, nil
}
