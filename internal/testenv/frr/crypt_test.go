package frr

import (
	"os/exec"
	"strings"
	"testing"
)

func TestSHA512CryptSpecVectors(t *testing.T) {
	// From "Unix crypt using SHA-256 and SHA-512" (Drepper), default rounds.
	cases := []struct{ key, salt, want string }{
		{"Hello world!", "saltstring", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
	}
	for _, c := range cases {
		if got := sha512Crypt(c.key, c.salt); got != c.want {
			t.Errorf("sha512Crypt(%q, %q) = %q, want %q", c.key, c.salt, got, c.want)
		}
	}
}

func TestSHA512CryptMatchesOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed; the specification vectors still apply")
	}
	for _, pw := range []string{"a", "secret123", strings.Repeat("x", 64), strings.Repeat("long password ", 10)} {
		for _, salt := range []string{"ab", "0123456789abcdef"} {
			out, err := exec.Command("openssl", "passwd", "-6", "-salt", salt, pw).Output()
			if err != nil {
				t.Fatalf("openssl passwd: %v", err)
			}
			if want, got := strings.TrimSpace(string(out)), sha512Crypt(pw, salt); got != want {
				t.Errorf("sha512Crypt(%q, %q) = %q, openssl says %q", pw, salt, got, want)
			}
		}
	}
}
