package platform

import (
	"sort"
	"strconv"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// IsOpaqueEntry reports whether an ACL entry is one the model cannot
// express field by field: a remark, a source-port match, `established`,
// `time-range`, `log-input`, a non-contiguous wildcard, an object group...
// Such an entry keeps its sequence and action; Source and Destination are
// empty and Protocol holds the rest of the entry exactly as the device
// printed it, so Lines writes it back verbatim (a rollback restores it) and
// a plan shows it as it is on the device. A wanted configuration written
// by a user should never contain one.
func IsOpaqueEntry(e netconfig.ACLEntry) bool {
	return e.Source == "" && e.Destination == ""
}

func opaqueEntry(seq int, action string, words []string) netconfig.ACLEntry {
	return netconfig.ACLEntry{Sequence: seq, Action: action, Protocol: strings.Join(words, " ")}
}

// Protocol keywords the platforms accept and print, by IANA number. The
// model spells ip, tcp, udp and icmp by name and every other protocol by
// number, so that "pim" and "103" are the same entry.
var protocolNumbers = map[string]int{
	"icmp": 1, "igmp": 2, "ipinip": 4, "tcp": 6, "udp": 17, "gre": 47,
	"esp": 50, "ahp": 51, "ah": 51, "eigrp": 88, "ospf": 89, "nos": 94,
	"pim": 103, "pcp": 108, "vrrp": 112, "sctp": 132,
}

var modelProtocolNames = map[int]string{1: "icmp", 6: "tcp", 17: "udp"}

// canonicalProtocol maps a device's protocol word to the model's spelling;
// ok is false for a word it does not know.
func canonicalProtocol(p string) (string, bool) {
	p = strings.ToLower(p)
	if p == "ip" {
		return "ip", true
	}
	n, known := protocolNumbers[p]
	if !known {
		var ok bool
		if n, ok = atoiRange(p, 0, 255); !ok {
			return p, false
		}
	}
	if name, ok := modelProtocolNames[n]; ok {
		return name, true
	}
	return strconv.Itoa(n), true
}

// Well-known port names, by protocol. IOS and EOS print these names in
// place of numbers; the model always holds numbers.
var tcpPortNames = map[string]int{
	"bgp": 179, "chargen": 19, "cmd": 514, "rsh": 514, "daytime": 13, "discard": 9,
	"domain": 53, "echo": 7, "exec": 512, "finger": 79, "ftp": 21, "ftp-data": 20,
	"gopher": 70, "hostname": 101, "https": 443, "ident": 113, "imap4": 143, "irc": 194,
	"klogin": 543, "kshell": 544, "ldap": 389, "ldaps": 636, "login": 513, "lpd": 515,
	"microsoft-ds": 445, "msrpc": 135, "nfs": 2049, "nntp": 119, "pim-auto-rp": 496,
	"pop2": 109, "pop3": 110, "rtsp": 554, "smtp": 25, "ssh": 22, "sunrpc": 111,
	"tacacs": 49, "talk": 517, "telnet": 23, "time": 37, "uucp": 540, "whois": 43,
	"www": 80, "http": 80,
}

var udpPortNames = map[string]int{
	"biff": 512, "bootpc": 68, "bootps": 67, "discard": 9, "dnsix": 195, "domain": 53,
	"echo": 7, "isakmp": 500, "mobile-ip": 434, "nameserver": 42, "netbios-dgm": 138,
	"netbios-ns": 137, "netbios-ss": 139, "nfs": 2049, "non500-isakmp": 4500, "ntp": 123,
	"pim-auto-rp": 496, "rip": 520, "snmp": 161, "snmptrap": 162, "sunrpc": 111,
	"syslog": 514, "tacacs": 49, "talk": 517, "tftp": 69, "time": 37, "who": 513,
	"xdmcp": 177, "bfd": 3784, "bfd-echo": 3785,
}

// portNumber resolves a port word for a protocol; ok is false for names the
// table lacks, which the caller keeps as an opaque entry rather than guess.
func portNumber(proto, w string) (int, bool) {
	if n, ok := atoiRange(w, 0, 65535); ok {
		return n, true
	}
	w = strings.ToLower(w)
	switch proto {
	case "tcp":
		n, ok := tcpPortNames[w]
		return n, ok
	case "udp":
		n, ok := udpPortNames[w]
		return n, ok
	}
	return 0, false
}

// invert builds number -> name for the names a platform prints.
func invert(m map[string]int, names ...string) map[int]string {
	out := map[int]string{}
	for _, n := range names {
		if v, ok := m[n]; ok {
			out[v] = n
		}
	}
	return out
}

// aclAddr reads one address match at words[i] and returns the canonical
// form ("any" or CIDR) and the index after it. bareHost admits a lone
// address, which only standard ACLs use for a host.
func aclAddr(words []string, i int, bareHost bool) (string, int, bool) {
	a, j, ok := aclAddrRaw(words, i, bareHost)
	return anyIfAll(a), j, ok
}

// anyIfAll spells the match-everything prefix the way devices print it.
func anyIfAll(p string) string {
	if p == "0.0.0.0/0" {
		return "any"
	}
	return p
}

func aclAddrRaw(words []string, i int, bareHost bool) (string, int, bool) {
	if i >= len(words) {
		return "", i, false
	}
	w := words[i]
	switch {
	case w == "any":
		return "any", i + 1, true
	case w == "host":
		if i+1 < len(words) {
			if a, ok := parseIPv4(words[i+1]); ok {
				return a.String() + "/32", i + 2, true
			}
		}
		return "", i, false
	case strings.Contains(w, "/"):
		p, ok := canonicalNetwork(w)
		return p, i + 1, ok
	}
	if _, ok := parseIPv4(w); !ok {
		return "", i, false
	}
	if i+1 < len(words) {
		if _, isAddr := parseIPv4(words[i+1]); isAddr {
			n, ok := wildcardLen(words[i+1])
			if !ok {
				return "", i, false
			}
			p, ok := networkCIDR(w, n)
			return p, i + 2, ok
		}
	}
	if bareHost {
		p, ok := networkCIDR(w, 32)
		return p, i + 1, ok
	}
	return "", i, false
}

var portOps = map[string]bool{"eq": true, "neq": true, "lt": true, "gt": true, "range": true}

// aclPorts reads a port match (eq 22, eq 22 80, range 1000 2000) into the
// model's numeric spelling.
func aclPorts(proto string, words []string, i int) (string, int, bool) {
	op := words[i]
	var nums []string
	j := i + 1
	for ; j < len(words); j++ {
		if op == "range" && len(nums) == 2 {
			break
		}
		if op != "eq" && op != "range" && len(nums) == 1 {
			break
		}
		n, ok := portNumber(proto, words[j])
		if !ok {
			break
		}
		nums = append(nums, strconv.Itoa(n))
	}
	if len(nums) == 0 || (op == "range" && len(nums) != 2) {
		return "", i, false
	}
	return op + " " + strings.Join(nums, " "), j, true
}

// parseACE reads the words of an entry after its action. Anything the model
// cannot hold field by field becomes an opaque entry; nothing here fails,
// since whatever a device prints is by definition valid on it.
func parseACE(seq int, action string, words []string, standard bool) netconfig.ACLEntry {
	opaque := opaqueEntry(seq, action, words)
	if action != "permit" && action != "deny" {
		return opaque
	}
	e := netconfig.ACLEntry{Sequence: seq, Action: action, Protocol: "ip", Destination: "any"}
	i := 0
	var ok bool
	if !standard {
		if len(words) == 0 {
			return opaque
		}
		if e.Protocol, ok = canonicalProtocol(words[0]); !ok {
			return opaque
		}
		i = 1
	}
	if e.Source, i, ok = aclAddr(words, i, standard); !ok {
		return opaque
	}
	if !standard {
		if i < len(words) && portOps[words[i]] {
			return opaque // a source-port match has no field in the model
		}
		if e.Destination, i, ok = aclAddr(words, i, false); !ok {
			return opaque
		}
		if i < len(words) && portOps[words[i]] {
			if e.Protocol != "tcp" && e.Protocol != "udp" {
				return opaque
			}
			if e.Ports, i, ok = aclPorts(e.Protocol, words, i); !ok {
				return opaque
			}
		}
	}
	if i < len(words) && words[i] == "log" {
		e.Log = true
		i++
	}
	if i != len(words) {
		return opaque
	}
	return e
}

// addrStyle is how a platform writes an address match.
type addrStyle int

const (
	addrWildcard addrStyle = iota // any | host A | A W   (IOS)
	addrHostCIDR                  // any | host A | A/len (EOS)
	addrCIDR                      // any | A/len          (NX-OS)
)

func formatACLAddr(s string, style addrStyle, standard bool) string {
	if s == "any" {
		return "any"
	}
	a, n := splitCIDR(s)
	switch {
	case n == 32 && standard && style == addrWildcard:
		return a
	case n == 32 && style != addrCIDR:
		return "host " + a
	case style == addrWildcard:
		return a + " " + lenWildcard(n)
	}
	return a + "/" + strconv.Itoa(n)
}

// aceFormat says how to spell an entry: for sending (numbers everywhere) or
// as a device prints it (names where the platform prints names).
type aceFormat struct {
	style      addrStyle
	standard   bool
	protoNames map[int]string // nil: numbers
	tcpNames   map[int]string
	udpNames   map[int]string
}

func (f aceFormat) entry(e netconfig.ACLEntry) string {
	if IsOpaqueEntry(e) {
		return strings.TrimSpace(e.Action + " " + e.Protocol)
	}
	parts := []string{e.Action}
	if !f.standard {
		proto := e.Protocol
		if n, err := strconv.Atoi(proto); err == nil && f.protoNames != nil {
			if name, ok := f.protoNames[n]; ok {
				proto = name
			}
		}
		parts = append(parts, proto)
	}
	parts = append(parts, formatACLAddr(e.Source, f.style, f.standard))
	if !f.standard {
		parts = append(parts, formatACLAddr(e.Destination, f.style, false))
		if e.Ports != "" {
			parts = append(parts, f.ports(e.Protocol, e.Ports))
		}
	}
	if e.Log {
		parts = append(parts, "log")
	}
	return strings.Join(parts, " ")
}

func (f aceFormat) ports(proto, ports string) string {
	names := f.tcpNames
	if proto == "udp" {
		names = f.udpNames
	}
	if names == nil {
		return ports
	}
	w := strings.Fields(ports)
	for i := 1; i < len(w); i++ {
		if n, err := strconv.Atoi(w[i]); err == nil {
			if name, ok := names[n]; ok {
				w[i] = name
			}
		}
	}
	return strings.Join(w, " ")
}

// canonicalEntry brings a wanted entry to the form a parse produces: the
// same word order, numeric ports, masked networks.
func canonicalEntry(e netconfig.ACLEntry) (netconfig.ACLEntry, error) {
	if IsOpaqueEntry(e) {
		if e.Action == "remark" {
			e.Protocol = strings.TrimSpace(e.Protocol) // free text: its spacing is the user's
		} else {
			e.Protocol = strings.Join(strings.Fields(e.Protocol), " ")
		}
		e.Ports, e.Log = "", false
		return e, nil
	}
	e.Action = strings.ToLower(e.Action)
	if e.Action != "permit" && e.Action != "deny" {
		return e, errorf("entry %d: action %q is not permit or deny", e.Sequence, e.Action)
	}
	if e.Protocol == "" {
		e.Protocol = "ip"
	}
	p, ok := canonicalProtocol(e.Protocol)
	if !ok {
		return e, errorf("entry %d: unknown protocol %q", e.Sequence, e.Protocol)
	}
	e.Protocol = p
	for _, f := range []*string{&e.Source, &e.Destination} {
		switch {
		case *f == "" || *f == "any":
			*f = "any"
		case strings.HasPrefix(*f, "host "):
			a, ok := parseIPv4(strings.TrimSpace(strings.TrimPrefix(*f, "host ")))
			if !ok {
				return e, errorf("entry %d: bad address %q", e.Sequence, *f)
			}
			*f = a.String() + "/32"
		default:
			s := *f
			if !strings.Contains(s, "/") {
				s += "/32"
			}
			c, ok := canonicalNetwork(s)
			if !ok {
				return e, errorf("entry %d: %q is not \"any\" or an IPv4 prefix", e.Sequence, *f)
			}
			*f = anyIfAll(c)
		}
	}
	if e.Ports != "" {
		w := strings.Fields(strings.ToLower(e.Ports))
		if e.Protocol != "tcp" && e.Protocol != "udp" {
			return e, errorf("entry %d: ports need protocol tcp or udp, not %s", e.Sequence, e.Protocol)
		}
		ports, n, ok := aclPorts(e.Protocol, w, 0)
		if len(w) == 0 || !portOps[w[0]] || !ok || n != len(w) {
			return e, errorf("entry %d: bad ports %q (want eq|neq|lt|gt N or range A B)", e.Sequence, e.Ports)
		}
		e.Ports = ports
	}
	return e, nil
}

// canonicalACL orders entries, numbers unnumbered ones the way the devices
// do (10, 20, ...) and rejects duplicates.
func canonicalACL(a *netconfig.ACL) error {
	var errs []error
	last := 0
	for i := range a.Entries {
		e := &a.Entries[i]
		if e.Sequence == 0 {
			e.Sequence = last + 10
		}
		last = e.Sequence
		ce, err := canonicalEntry(*e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		*e = ce
	}
	sort.SliceStable(a.Entries, func(i, j int) bool { return a.Entries[i].Sequence < a.Entries[j].Sequence })
	for i := 1; i < len(a.Entries); i++ {
		if a.Entries[i].Sequence == a.Entries[i-1].Sequence {
			errs = append(errs, errorf("sequence %d used twice", a.Entries[i].Sequence))
		}
	}
	return joinErrs("acl "+a.Name, errs)
}

// aclIndex finds parsed entries by sequence number, so that a list of
// thousands of entries parses in linear time.
type aclIndex map[*netconfig.ACL]map[int]int

// put adds a parsed entry; one with a sequence number already seen
// replaces the earlier, as on the device.
func (x aclIndex) put(a *netconfig.ACL, e netconfig.ACLEntry) {
	m := x[a]
	if m == nil {
		m = map[int]int{}
		x[a] = m
	}
	if i, ok := m[e.Sequence]; ok {
		a.Entries[i] = e
		return
	}
	m[e.Sequence] = len(a.Entries)
	a.Entries = append(a.Entries, e)
}

// sortAll orders every parsed ACL by sequence number.
func (x aclIndex) sortAll() {
	for a := range x {
		sort.SliceStable(a.Entries, func(i, j int) bool { return a.Entries[i].Sequence < a.Entries[j].Sequence })
	}
}

func entriesEqual(a, b []netconfig.ACLEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// entryDiff splits the change of an ACL into entries to write (new or
// changed sequence numbers, in order) and sequence numbers to delete.
// changed tells which written entries replace an existing one.
func entryDiff(cur, want []netconfig.ACLEntry) (write []netconfig.ACLEntry, changed map[int]bool, remove []netconfig.ACLEntry) {
	have := make(map[int]netconfig.ACLEntry, len(cur))
	for _, e := range cur {
		have[e.Sequence] = e
	}
	keep := make(map[int]bool, len(want))
	changed = map[int]bool{}
	for _, e := range want {
		keep[e.Sequence] = true
		old, ok := have[e.Sequence]
		if ok && old == e {
			continue
		}
		if ok {
			changed[e.Sequence] = true
		}
		write = append(write, e)
	}
	for _, e := range cur {
		if !keep[e.Sequence] {
			remove = append(remove, e)
		}
	}
	return write, changed, remove
}

func sortedACLNames(m map[string]*netconfig.ACL) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
