package lab

import (
	"net/netip"
	"strconv"
	"strings"
)

// routeParser reads the words of a static route after `ip route`.
type routeParser struct {
	aceParser // reuses the word cursor and error bookkeeping
}

// parseRoute reads `[vrf NAME] PREFIX {NEXTHOP | INTERFACE [NEXTHOP]}
// [DISTANCE] [name NAME]` in the platform's syntax: IOS-XE wants the prefix
// as address and mask, EOS and NX-OS take A.B.C.D/len (EOS also the mask
// form). NX-OS has no vrf keyword here: its VRF routes live under `vrf
// context`. hostBits reports a prefix with bits set beyond its length,
// which IOS-XE refuses and the others mask.
func parseRoute(p *platform, toks []token, allowVRF bool) (r route, bad int, incomplete, hostBits bool) {
	rp := &routeParser{aceParser{p: p, toks: toks, bad: -1}}
	ok := rp.route(&r, allowVRF, &hostBits)
	if !ok {
		return r, rp.bad, rp.incomplete, false
	}
	return r, -1, false, hostBits
}

func (rp *routeParser) route(r *route, allowVRF bool, hostBits *bool) bool {
	if allowVRF && rp.p.name != PlatformNXOS {
		if _, ok := rp.keyword("vrf"); ok {
			w, ok := rp.peek()
			if !ok {
				return rp.fail()
			}
			r.vrf = w
			rp.i++
		}
	}
	w, ok := rp.peek()
	if !ok {
		return rp.fail()
	}
	if pfx, err := netip.ParsePrefix(w); err == nil && rp.p.name != PlatformIOSXE && pfx.Addr().Is4() {
		rp.i++
		r.prefix = pfx.Masked()
		*hostBits = pfx.Masked() != pfx
	} else {
		ip, ok := rp.ipv4()
		if !ok {
			return rp.fail()
		}
		mask, ok := rp.ipv4()
		if !ok {
			return rp.fail()
		}
		n, contiguous := maskBits(mask)
		if !contiguous {
			*hostBits = true
			n = 32 - bitsTrailingZeros(addrUint(mask))
		}
		pfx := netip.PrefixFrom(ip, n)
		r.prefix = pfx.Masked()
		*hostBits = *hostBits || pfx.Masked().Addr() != ip
	}
	// The next hop: an address, an interface, or an interface and an address.
	if ip, ok := rp.ipv4(); ok {
		r.nextHop = ip
	} else {
		w, ok := rp.peek()
		if !ok {
			return rp.fail()
		}
		name, ok := rp.routeIface(w)
		if !ok {
			return rp.fail()
		}
		rp.i++
		r.iface = name
		if ip, ok := rp.ipv4(); ok {
			r.nextHop = ip
		}
	}
	if rp.p.name == PlatformNXOS {
		if !rp.routeName(r) {
			return false
		}
		rp.distance(r)
	} else {
		rp.distance(r)
		if !rp.routeName(r) {
			return false
		}
	}
	if rp.i < len(rp.toks) {
		rp.bad = rp.i
		return false
	}
	return true
}

func (rp *routeParser) routeIface(w string) (string, bool) {
	typ, nums := splitIfName(w)
	if len(typ) >= 2 && strings.HasPrefix("null", strings.ToLower(typ)) && nums == "0" {
		return "Null0", true
	}
	n, err := rp.p.parseIfName(typ, nums)
	if err != nil {
		return "", false
	}
	return n.String(), true
}

func (rp *routeParser) distance(r *route) {
	if w, ok := rp.peek(); ok {
		if d, err := strconv.Atoi(w); err == nil && d >= 1 && d <= 255 {
			rp.i++
			r.distance = d
		}
	}
}

func (rp *routeParser) routeName(r *route) bool {
	if _, ok := rp.keyword("name"); !ok {
		return true
	}
	w, ok := rp.peek()
	if !ok {
		return rp.fail()
	}
	rp.i++
	r.name = w
	return true
}

func bitsTrailingZeros(v uint32) int {
	n := 0
	for n < 32 && v&(1<<n) == 0 {
		n++
	}
	return n
}

// sameRoute reports whether two routes are the same entry of the table
// (which `ip route` replaces rather than adds to): same VRF, prefix and
// next hop.
func sameRoute(a, b route) bool {
	return a.vrf == b.vrf && a.prefix == b.prefix && a.iface == b.iface && a.nextHop == b.nextHop
}

// render prints the route as the platform's running-config does. NX-OS
// routes in a VRF are printed without the vrf (under `vrf context`).
func (r route) render(p *platform) string {
	var b strings.Builder
	b.WriteString("ip route ")
	if r.vrf != "" && p.name != PlatformNXOS {
		b.WriteString("vrf " + r.vrf + " ")
	}
	if p.name == PlatformIOSXE {
		b.WriteString(r.prefix.Addr().String() + " " + uintAddr(prefixMask(r.prefix.Bits())).String())
	} else {
		b.WriteString(r.prefix.String())
	}
	if r.iface != "" {
		b.WriteString(" " + r.iface)
	}
	if r.nextHop.IsValid() {
		b.WriteString(" " + r.nextHop.String())
	}
	if p.name == PlatformNXOS {
		if r.name != "" {
			b.WriteString(" name " + r.name)
		}
		if r.distance > 1 {
			b.WriteString(" " + strconv.Itoa(r.distance))
		}
		return b.String()
	}
	if r.distance > 1 {
		b.WriteString(" " + strconv.Itoa(r.distance))
	}
	if r.name != "" {
		b.WriteString(" name " + r.name)
	}
	return b.String()
}
