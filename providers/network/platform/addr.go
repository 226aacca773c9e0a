package platform

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
)

// parseIPv4 accepts only dotted-quad IPv4 addresses: devices never print
// IPv6 or zoned forms in the places this package reads addresses from.
func parseIPv4(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, false
	}
	return a, true
}

func addrBits(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func bitsAddr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// netmaskLen converts 255.255.255.0 to 24; a mask with holes is not a
// prefix and is refused.
func netmaskLen(s string) (int, bool) {
	a, ok := parseIPv4(s)
	if !ok {
		return 0, false
	}
	v := addrBits(a)
	n := bits.LeadingZeros32(^v)
	if n < 32 && v<<n != 0 {
		return 0, false
	}
	return n, true
}

// wildcardLen converts an inverse mask (0.0.0.255) to a prefix length.
// Non-contiguous wildcards are legal in ACLs but have no CIDR form.
func wildcardLen(s string) (int, bool) {
	a, ok := parseIPv4(s)
	if !ok {
		return 0, false
	}
	return netmaskLen(bitsAddr(^addrBits(a)).String())
}

func lenNetmask(n int) string {
	if n <= 0 {
		return "0.0.0.0"
	}
	return bitsAddr(^uint32(0) << (32 - n)).String()
}

func lenWildcard(n int) string {
	if n <= 0 {
		return "255.255.255.255"
	}
	return bitsAddr(^(^uint32(0) << (32 - n))).String()
}

// networkCIDR returns the masked prefix (10.1.2.3/8 -> 10.0.0.0/8): routes
// and ACL matches ignore host bits, so this is their one canonical form.
func networkCIDR(addr string, n int) (string, bool) {
	a, ok := parseIPv4(addr)
	if !ok || n < 0 || n > 32 {
		return "", false
	}
	p, err := a.Prefix(n)
	if err != nil {
		return "", false
	}
	return p.String(), true
}

// canonicalNetwork parses "A/len" into its masked canonical form.
func canonicalNetwork(s string) (string, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return "", false
	}
	return p.Masked().String(), true
}

// canonicalIfAddr parses an interface address in CIDR form. Host bits are
// the point of an interface address, so they are kept.
func canonicalIfAddr(s string) (string, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return "", false
	}
	return p.String(), true
}

func splitCIDR(s string) (addr string, n int) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return s, 32
	}
	return p.Addr().String(), p.Bits()
}

// ifAddrFromMask turns `ip address A M` into A/len.
func ifAddrFromMask(addr, mask string) (string, error) {
	a, ok := parseIPv4(addr)
	if !ok {
		return "", fmt.Errorf("bad address %q", addr)
	}
	n, ok := netmaskLen(mask)
	if !ok {
		return "", fmt.Errorf("bad netmask %q", mask)
	}
	return netip.PrefixFrom(a, n).String(), nil
}

func atoiRange(s string, lo, hi int) (int, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// naturalLess orders interface names the way people read them:
// Ethernet2 before Ethernet10, 1/0/2 before 1/0/10. Names equal in that
// reading are ordered bytewise, so the order is total and stable.
func naturalLess(a, b string) bool {
	if c := naturalCompare(a, b); c != 0 {
		return c < 0
	}
	return a < b
}

func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		ad, bd := a[0] >= '0' && a[0] <= '9', b[0] >= '0' && b[0] <= '9'
		if ad && bd {
			i, j := 0, 0
			for i < len(a) && a[i] >= '0' && a[i] <= '9' {
				i++
			}
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			na, nb := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}
