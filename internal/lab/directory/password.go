package directory

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"strings"
)

// Passwords are stored the way slapd stores them with ppolicy's
// olcPPolicyHashCleartext: a clear-text userPassword given in an add, a
// modify or the password modify operation is hashed with {SSHA}; a value
// that already names a scheme ("{SSHA}...", "{CRYPT}...") is stored as
// given.

// hashPassword returns the {SSHA} form of a clear-text password.
func hashPassword(clear string) string {
	salt := make([]byte, 8)
	_, _ = rand.Read(salt)
	h := sha1.New()
	h.Write([]byte(clear))
	h.Write(salt)
	return "{SSHA}" + base64.StdEncoding.EncodeToString(append(h.Sum(nil), salt...))
}

// storedPassword is the value to store for a userPassword value given by
// a client.
func storedPassword(v string) string {
	if passwordScheme(v) != "" {
		return v
	}
	return hashPassword(v)
}

// passwordScheme returns the upper-case scheme of "{SCHEME}rest", or "".
func passwordScheme(v string) string {
	if !strings.HasPrefix(v, "{") {
		return ""
	}
	end := strings.IndexByte(v, '}')
	if end < 2 {
		return ""
	}
	scheme := v[1:end]
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return ""
		}
	}
	return strings.ToUpper(scheme)
}

// checkPassword reports whether clear matches the stored value. Supported
// schemes: SSHA, SHA, SSHA256, SHA256, SSHA512, SHA512, SMD5, MD5 and
// CLEARTEXT (and no scheme: clear text). {CRYPT} and unknown schemes never
// match, which is how a disabled password ("{CRYPT}!") works.
func checkPassword(stored, clear string) bool {
	scheme := passwordScheme(stored)
	if scheme == "" {
		return subtle.ConstantTimeCompare([]byte(stored), []byte(clear)) == 1
	}
	rest := stored[len(scheme)+2:]
	var newHash func() hash.Hash
	salted := strings.HasPrefix(scheme, "S") && scheme != "SHA" && scheme != "SHA256" && scheme != "SHA512"
	switch scheme {
	case "CLEARTEXT":
		return subtle.ConstantTimeCompare([]byte(rest), []byte(clear)) == 1
	case "SHA", "SSHA":
		newHash = sha1.New
	case "SHA256", "SSHA256":
		newHash = sha256.New
	case "SHA512", "SSHA512":
		newHash = sha512.New
	case "MD5", "SMD5":
		newHash = md5.New
	default:
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return false
	}
	h := newHash()
	size := h.Size()
	if len(raw) < size || (!salted && len(raw) != size) {
		return false
	}
	digest, salt := raw[:size], raw[size:]
	h.Write([]byte(clear))
	h.Write(salt)
	return subtle.ConstantTimeCompare(h.Sum(nil), digest) == 1
}

// generatePassword makes a password for a password modify request without
// one, as slapd does.
func generatePassword() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
