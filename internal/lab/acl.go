package lab

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
)

// ace is one access-list entry.
type ace struct {
	seq         int
	remark      string // set for a remark, which has no other fields
	action      string // permit or deny
	proto       string // canonical protocol: a name where the platform has one
	src, dst    aclAddr
	srcPort     portMatch
	dstPort     portMatch
	established bool
	icmpType    int // -1 when absent
	icmpCode    int // -1 when absent
	log         bool
}

// aclAddr is an address with a wildcard (inverse) mask: any is 0.0.0.0
// 255.255.255.255, a host has wildcard 0.
type aclAddr struct {
	addr netip.Addr
	wild uint32
}

type portMatch struct {
	op   string // eq, neq, lt, gt, range; "" for none
	a, b int
}

var anyAddr = aclAddr{addr: netip.IPv4Unspecified(), wild: 0xffffffff}

func (a aclAddr) isAny() bool { return a.wild == 0xffffffff }

// Port names the platforms print instead of numbers. A provider that sends
// "eq 80" reads "eq www" back; it has to treat them as the same.
var (
	iosTCPPorts = map[int]string{179: "bgp", 19: "chargen", 514: "cmd", 13: "daytime", 9: "discard", 53: "domain", 7: "echo", 512: "exec", 79: "finger", 21: "ftp", 20: "ftp-data", 70: "gopher", 101: "hostname", 113: "ident", 194: "irc", 543: "klogin", 544: "kshell", 513: "login", 515: "lpd", 135: "msrpc", 119: "nntp", 496: "pim-auto-rp", 109: "pop2", 110: "pop3", 25: "smtp", 111: "sunrpc", 49: "tacacs", 517: "talk", 23: "telnet", 37: "time", 540: "uucp", 43: "whois", 80: "www"}
	iosUDPPorts = map[int]string{512: "biff", 68: "bootpc", 67: "bootps", 9: "discard", 195: "dnsix", 53: "domain", 7: "echo", 500: "isakmp", 434: "mobile-ip", 42: "nameserver", 138: "netbios-dgm", 137: "netbios-ns", 139: "netbios-ss", 4500: "non500-isakmp", 123: "ntp", 496: "pim-auto-rp", 520: "rip", 161: "snmp", 162: "snmptrap", 111: "sunrpc", 514: "syslog", 49: "tacacs", 517: "talk", 69: "tftp", 37: "time", 513: "who", 177: "xdmcp"}
	eosTCPPorts = map[int]string{179: "bgp", 53: "domain", 21: "ftp", 20: "ftp-data", 80: "www", 443: "https", 22: "ssh", 23: "telnet", 25: "smtp", 49: "tacacs", 110: "pop3", 143: "imap4", 389: "ldap", 636: "ldaps", 119: "nntp", 514: "cmd", 513: "login", 445: "microsoft-ds"}
	eosUDPPorts = map[int]string{53: "domain", 67: "bootps", 68: "bootpc", 69: "tftp", 123: "ntp", 161: "snmp", 162: "snmp-trap", 514: "syslog", 49: "tacacs", 520: "rip", 500: "isakmp", 1812: "radius", 1813: "radius-acct"}

	protoNumbers = map[int]string{1: "icmp", 2: "igmp", 4: "ipinip", 6: "tcp", 17: "udp", 47: "gre", 50: "esp", 51: "ahp", 88: "eigrp", 89: "ospf", 103: "pim", 132: "sctp"}
	icmpTypes    = map[int]string{0: "echo-reply", 3: "unreachable", 4: "source-quench", 5: "redirect", 8: "echo", 9: "router-advertisement", 10: "router-solicitation", 11: "time-exceeded", 12: "parameter-problem", 13: "timestamp-request", 14: "timestamp-reply"}
)

func (p *platform) portNames(proto string) map[int]string {
	eos := p.name == PlatformEOS
	switch {
	case proto == "tcp" && eos:
		return eosTCPPorts
	case proto == "udp" && eos:
		return eosUDPPorts
	case proto == "tcp":
		return iosTCPPorts
	case proto == "udp":
		return iosUDPPorts
	}
	return nil
}

func (p *platform) protocols() []string {
	names := []string{"ip", "tcp", "udp", "icmp", "igmp", "gre", "esp", "ahp", "ospf", "pim", "sctp"}
	if p.name == PlatformIOSXE {
		names = append(names, "eigrp", "ipinip", "nos", "pcp")
	}
	return names
}

// aceParser reads the words of an entry after `permit` or `deny`, noting the
// first word it cannot accept (bad, an index into toks) or that words are
// missing (incomplete).
type aceParser struct {
	p          *platform
	toks       []token
	i          int
	bad        int
	incomplete bool
}

func (ap *aceParser) peek() (string, bool) {
	if ap.i >= len(ap.toks) {
		return "", false
	}
	return ap.toks[ap.i].text, true
}

func (ap *aceParser) fail() bool {
	if ap.i >= len(ap.toks) {
		ap.incomplete = true
	} else {
		ap.bad = ap.i
	}
	return false
}

// keyword matches the next word against keywords, allowing unique
// abbreviations as the CLI does.
func (ap *aceParser) keyword(kws ...string) (string, bool) {
	w, ok := ap.peek()
	if !ok {
		return "", false
	}
	lw := strings.ToLower(w)
	var hit string
	n := 0
	for _, k := range kws {
		if k == lw {
			ap.i++
			return k, true
		}
		if strings.HasPrefix(k, lw) {
			hit = k
			n++
		}
	}
	if n == 1 {
		ap.i++
		return hit, true
	}
	return "", false
}

func parseACE(p *platform, standard bool, action string, toks []token) (ace, int, bool) {
	ap := &aceParser{p: p, toks: toks, bad: -1}
	e := ace{action: action, icmpType: -1, icmpCode: -1}
	ok := ap.entry(&e, standard)
	if !ok {
		return e, ap.bad, ap.incomplete
	}
	return e, -1, false
}

func (ap *aceParser) entry(e *ace, standard bool) bool {
	if standard {
		e.proto = "ip"
		if !ap.address(&e.src, true) {
			return false
		}
		e.dst = anyAddr
	} else {
		if !ap.protocol(e) {
			return false
		}
		if !ap.address(&e.src, false) {
			return false
		}
		if e.proto == "tcp" || e.proto == "udp" {
			if !ap.port(e.proto, &e.srcPort) {
				return false
			}
		}
		if !ap.address(&e.dst, false) {
			return false
		}
		if e.proto == "tcp" || e.proto == "udp" {
			if !ap.port(e.proto, &e.dstPort) {
				return false
			}
		}
		if e.proto == "tcp" {
			if _, ok := ap.keyword("established"); ok {
				e.established = true
			}
		}
		if e.proto == "icmp" {
			ap.icmp(e)
		}
	}
	logWords := []string{"log"}
	if ap.p.name == PlatformIOSXE {
		logWords = append(logWords, "log-input")
	}
	if _, ok := ap.keyword(logWords...); ok {
		e.log = true
	}
	if ap.i < len(ap.toks) {
		ap.bad = ap.i
		return false
	}
	return true
}

func (ap *aceParser) protocol(e *ace) bool {
	if k, ok := ap.keyword(ap.p.protocols()...); ok {
		e.proto = k
		return true
	}
	w, ok := ap.peek()
	if !ok {
		return ap.fail()
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 0 || n > 255 {
		return ap.fail()
	}
	ap.i++
	if name, ok := protoNumbers[n]; ok {
		e.proto = name
	} else {
		e.proto = w
	}
	return true
}

// address reads `any`, `host A`, `A W` or, on EOS and NX-OS, `A/len`. For
// a standard list on IOS the wildcard is optional.
func (ap *aceParser) address(a *aclAddr, standard bool) bool {
	if k, ok := ap.keyword("any", "host"); ok {
		if k == "any" {
			*a = anyAddr
			return true
		}
		ip, ok := ap.ipv4()
		if !ok {
			return ap.fail()
		}
		*a = aclAddr{addr: ip}
		return true
	}
	w, ok := ap.peek()
	if !ok {
		return ap.fail()
	}
	if pfx, err := netip.ParsePrefix(w); err == nil && ap.p.name != PlatformIOSXE && pfx.Addr().Is4() {
		ap.i++
		*a = aclAddr{addr: pfx.Masked().Addr(), wild: ^prefixMask(pfx.Bits())}
		return true
	}
	ip, ok := ap.ipv4()
	if !ok {
		return ap.fail()
	}
	wild := uint32(0)
	if w, ok := ap.peek(); ok {
		if wa, err := netip.ParseAddr(w); err == nil && wa.Is4() {
			ap.i++
			wild = addrUint(wa)
		} else if !standard {
			return ap.fail()
		}
	} else if !standard {
		return ap.fail()
	}
	*a = aclAddr{addr: uintAddr(addrUint(ip) &^ wild), wild: wild}
	return true
}

func (ap *aceParser) ipv4() (netip.Addr, bool) {
	w, ok := ap.peek()
	if !ok {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(w)
	if err != nil || !ip.Is4() {
		return netip.Addr{}, false
	}
	ap.i++
	return ip, true
}

func (ap *aceParser) port(proto string, pm *portMatch) bool {
	op, ok := ap.keyword("eq", "neq", "lt", "gt", "range")
	if !ok {
		return true // no port match here
	}
	pm.op = op
	if pm.a, ok = ap.portNumber(proto); !ok {
		return ap.fail()
	}
	if op == "range" {
		if pm.b, ok = ap.portNumber(proto); !ok {
			return ap.fail()
		}
	}
	return true
}

func (ap *aceParser) portNumber(proto string) (int, bool) {
	w, ok := ap.peek()
	if !ok {
		return 0, false
	}
	if n, err := strconv.Atoi(w); err == nil && n >= 0 && n <= 65535 {
		ap.i++
		return n, true
	}
	for n, name := range ap.p.portNames(proto) {
		if strings.EqualFold(name, w) {
			ap.i++
			return n, true
		}
	}
	return 0, false
}

func (ap *aceParser) icmp(e *ace) {
	w, ok := ap.peek()
	if !ok {
		return
	}
	if n, err := strconv.Atoi(w); err == nil && n >= 0 && n <= 255 {
		ap.i++
		e.icmpType = n
		if w2, ok := ap.peek(); ok {
			if c, err := strconv.Atoi(w2); err == nil && c >= 0 && c <= 255 {
				ap.i++
				e.icmpCode = c
			}
		}
		return
	}
	for n, name := range icmpTypes {
		if strings.EqualFold(name, w) {
			ap.i++
			e.icmpType = n
			return
		}
	}
}

// render prints the entry without its sequence number, as the platform
// prints it in the running-config.
func (e ace) render(p *platform, standard bool) string {
	if e.remark != "" {
		return "remark " + e.remark
	}
	parts := []string{e.action}
	if standard {
		if e.src.isAny() {
			parts = append(parts, "any")
		} else if e.src.wild == 0 {
			parts = append(parts, e.src.addr.String()) // IOS drops "host" in standard lists
		} else {
			parts = append(parts, e.src.addr.String(), uintAddr(e.src.wild).String())
		}
	} else {
		parts = append(parts, e.proto)
		parts = append(parts, p.renderACLAddr(e.src)...)
		parts = append(parts, p.renderPort(e.proto, e.srcPort)...)
		parts = append(parts, p.renderACLAddr(e.dst)...)
		parts = append(parts, p.renderPort(e.proto, e.dstPort)...)
		if e.established {
			parts = append(parts, "established")
		}
		if e.icmpType >= 0 {
			if name, ok := icmpTypes[e.icmpType]; ok && e.icmpCode < 0 {
				parts = append(parts, name)
			} else {
				parts = append(parts, strconv.Itoa(e.icmpType))
				if e.icmpCode >= 0 {
					parts = append(parts, strconv.Itoa(e.icmpCode))
				}
			}
		}
	}
	if e.log {
		parts = append(parts, "log")
	}
	return strings.Join(parts, " ")
}

func (p *platform) renderACLAddr(a aclAddr) []string {
	switch {
	case a.isAny():
		return []string{"any"}
	case a.wild == 0 && p.name != PlatformNXOS:
		return []string{"host", a.addr.String()}
	case p.name != PlatformIOSXE && isContiguousWildcard(a.wild):
		return []string{a.addr.String() + "/" + strconv.Itoa(32-bits.OnesCount32(a.wild))}
	default:
		return []string{a.addr.String(), uintAddr(a.wild).String()}
	}
}

func (p *platform) renderPort(proto string, pm portMatch) []string {
	if pm.op == "" {
		return nil
	}
	name := func(n int) string {
		if s, ok := p.portNames(proto)[n]; ok {
			return s
		}
		return strconv.Itoa(n)
	}
	if pm.op == "range" {
		return []string{"range", name(pm.a), name(pm.b)}
	}
	return []string{pm.op, name(pm.a)}
}

func isContiguousWildcard(w uint32) bool { return w&(w+1) == 0 }

func prefixMask(bitsLen int) uint32 {
	if bitsLen == 0 {
		return 0
	}
	return ^uint32(0) << (32 - bitsLen)
}

func addrUint(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func uintAddr(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// maskBits converts a dotted mask to a prefix length; ok is false for a
// mask with holes in it.
func maskBits(m netip.Addr) (int, bool) {
	v := addrUint(m)
	if v != 0 && ^v&(^v+1) != 0 {
		return 0, false
	}
	return bits.OnesCount32(v), true
}
