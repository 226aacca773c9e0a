package directory

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"
)

func TestDNParseNormalisePretty(t *testing.T) {
	s := newSchema(false)
	for _, tt := range []struct {
		in, pretty, norm string
	}{
		{"uid=alice,ou=people,dc=example,dc=org", "uid=alice,ou=people,dc=example,dc=org", "uid=alice,ou=people,dc=example,dc=org"},
		{" UID = Alice , OU=People;DC=Example,DC=ORG ", "UID=Alice,OU=People,DC=Example,DC=ORG", "uid=alice,ou=people,dc=example,dc=org"},
		{"commonName=Smith\\, John+userid=JS,dc=x", "commonName=Smith\\, John+userid=JS,dc=x", "cn=smith\\, john+uid=js,dc=x"},
		{"cn=\\23hash \\20,dc=x", "cn=\\#hash \\ ,dc=x", "cn=\\#hash,dc=x"},
		{"cn=caf\\C3\\A9,dc=x", "cn=café,dc=x", "cn=café,dc=x"},
		{"cn=#0403616263,dc=x", "cn=abc,dc=x", "cn=abc,dc=x"},
		{"cn=a  b,dc=x", "cn=a  b,dc=x", "cn=a b,dc=x"},
		{"UIDNUMBER=42,dc=x", "UIDNUMBER=42,dc=x", "uidnumber=42,dc=x"},
		{"", "", ""},
	} {
		d, err := parseDN(tt.in)
		if err != nil {
			t.Errorf("parseDN(%q): %v", tt.in, err)
			continue
		}
		if got := d.String(); got != tt.pretty {
			t.Errorf("pretty %q: %q, want %q", tt.in, got, tt.pretty)
		}
		if got := s.normDN(d); got != tt.norm {
			t.Errorf("norm %q: %q, want %q", tt.in, got, tt.norm)
		}
		// The pretty form parses back to the same name.
		again, err := parseDN(d.String())
		if err != nil || s.normDN(again) != s.normDN(d) {
			t.Errorf("round trip of %q: %v", tt.in, err)
		}
	}
	for _, bad := range []string{"uid", "uid=", "=x", "uid=a,", "uid=a,,dc=x", "u id=a", "cn=a\\", "cn=<x>", "cn=#zz"} {
		if _, err := parseDN(bad); err == nil {
			t.Errorf("parseDN(%q) accepted", bad)
		}
	}
}

func TestPasswordSchemes(t *testing.T) {
	h := hashPassword("s3cret")
	if passwordScheme(h) != "SSHA" || !checkPassword(h, "s3cret") || checkPassword(h, "S3cret") {
		t.Errorf("SSHA %q", h)
	}
	if hashPassword("s3cret") == h {
		t.Error("no salt")
	}
	sum := sha256.Sum256([]byte("pw"))
	for stored, ok := range map[string]bool{
		"{SHA256}" + base64.StdEncoding.EncodeToString(sum[:]): true,
		"{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=":                    false, // sha1("test")
		"{CLEARTEXT}pw":                                        true,
		"pw":                                                   true,
		"{CRYPT}!":                                             false,
		"{CRYPT}$6$abc":                                        false,
		"{SSHA}not base64":                                     false,
	} {
		if checkPassword(stored, "pw") != ok {
			t.Errorf("checkPassword(%q, pw) != %v", stored, ok)
		}
	}
	if !checkPassword("{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=", "test") {
		t.Error("SHA of test")
	}
	if storedPassword("{SSHA}abc") != "{SSHA}abc" || passwordScheme(storedPassword("plain")) != "SSHA" {
		t.Error("storedPassword")
	}
}

func TestGeneralizedTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"20250102030405Z":        time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		"000001010000Z":          time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		"2025010203Z":            time.Date(2025, 1, 2, 3, 0, 0, 0, time.UTC),
		"20250102030405.5Z":      time.Date(2025, 1, 2, 3, 4, 5, 500000000, time.UTC),
		"20250102030405+0100":    time.Date(2025, 1, 2, 2, 4, 5, 0, time.UTC),
		"20250102030405.123Z":    time.Date(2025, 1, 2, 3, 4, 5, 123000000, time.UTC),
		"20250102030405,25-0130": time.Date(2025, 1, 2, 4, 34, 5, 250000000, time.UTC),
	} {
		got, ok := parseGeneralizedTime(in)
		if !ok || !got.Equal(want) {
			t.Errorf("%s: %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "2025", "20251302030405Z", "20250102030405", "20250102030405Q", "2025010203040Z"} {
		if _, ok := parseGeneralizedTime(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSchemaTables(t *testing.T) {
	s := newSchema(false)
	for _, name := range []string{"cn", "commonName", "CN", "2.5.4.3", "cn;lang-en"} {
		if at := s.attr(name); at == nil || at.name() != "cn" {
			t.Errorf("attr(%q) = %v", name, at)
		}
	}
	if s.class("posixGroup").kind != ocStructural || newSchema(true).class("posixGroup").kind != ocAuxiliary {
		t.Error("posixGroup kinds")
	}
	if !s.isSubclass(s.class("inetOrgPerson"), s.class("person")) || s.isSubclass(s.class("person"), s.class("inetOrgPerson")) {
		t.Error("isSubclass")
	}
	if n, ok := s.attr("uidNumber").normalize(s, "00100"); !ok || n != "100" {
		t.Errorf("integer normalisation %q", n)
	}
	if n, _ := s.attr("telephoneNumber").normalize(s, "+44 20-1234"); n != "+44201234" {
		t.Errorf("telephone normalisation %q", n)
	}
	if n, _ := s.attr("member").normalize(s, "UID=A, OU=X"); n != "uid=a,ou=x" {
		t.Errorf("DN normalisation %q", n)
	}
}
