package frr

import (
	"crypto/sha512"
	"strings"
)

// sha512Crypt returns the glibc/libxcrypt "$6$" (SHA-512 crypt, 5000 rounds) hash of password
// with the given salt, the format /etc/shadow uses, so that sshd (UsePAM no) can check the test
// user's password with crypt(3). It follows Ulrich Drepper's "Unix crypt using SHA-256 and
// SHA-512" specification; the tests check it against the specification's vectors.
func sha512Crypt(password, salt string) string {
	const rounds = 5000
	if len(salt) > 16 {
		salt = salt[:16]
	}
	p, s := []byte(password), []byte(salt)

	alt := sha512.New()
	alt.Write(p)
	alt.Write(s)
	alt.Write(p)
	b := alt.Sum(nil)

	a := sha512.New()
	a.Write(p)
	a.Write(s)
	for i := len(p); i > 0; i -= 64 {
		a.Write(b[:min(i, 64)])
	}
	for i := len(p); i > 0; i >>= 1 {
		if i&1 != 0 {
			a.Write(b)
		} else {
			a.Write(p)
		}
	}
	c := a.Sum(nil)

	dp := sha512.New()
	for range len(p) {
		dp.Write(p)
	}
	pseq := repeatTo(dp.Sum(nil), len(p))

	ds := sha512.New()
	for range 16 + int(c[0]) {
		ds.Write(s)
	}
	sseq := repeatTo(ds.Sum(nil), len(s))

	for r := range rounds {
		h := sha512.New()
		if r&1 != 0 {
			h.Write(pseq)
		} else {
			h.Write(c)
		}
		if r%3 != 0 {
			h.Write(sseq)
		}
		if r%7 != 0 {
			h.Write(pseq)
		}
		if r&1 != 0 {
			h.Write(c)
		} else {
			h.Write(pseq)
		}
		c = h.Sum(nil)
	}

	var out strings.Builder
	out.WriteString("$6$")
	out.WriteString(salt)
	out.WriteByte('$')
	for i := range 21 {
		// Byte triples (i, i+21, i+42) rotated by i%3, as in the specification.
		idx := [3]int{i, i + 21, i + 42}
		rot := i % 3
		b2, b1, b0 := c[idx[rot]], c[idx[(rot+1)%3]], c[idx[(rot+2)%3]]
		b64From24(&out, b2, b1, b0, 4)
	}
	b64From24(&out, 0, 0, c[63], 2)
	return out.String()
}

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func b64From24(out *strings.Builder, b2, b1, b0 byte, n int) {
	w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
	for range n {
		out.WriteByte(cryptAlphabet[w&0x3f])
		w >>= 6
	}
}

func repeatTo(block []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, block[:min(len(block), n-len(out))]...)
	}
	return out
}
