package lab

import (
	"fmt"
	"strconv"
	"strings"
)

// The platforms the lab simulates, named as scrapligo and steward name them.
const (
	PlatformIOSXE = "cisco_iosxe"
	PlatformEOS   = "arista_eos"
	PlatformNXOS  = "cisco_nxos"
)

// Platforms lists the supported platforms.
func Platforms() []string { return []string{PlatformIOSXE, PlatformEOS, PlatformNXOS} }

// ifKind is what an interface is, which decides what may be configured on it.
type ifKind int

const (
	ifPhysical ifKind = iota // front-panel switch port
	ifMgmt                   // out-of-band management port: routed only
	ifVlan                   // switched virtual interface
	ifLoopback
	ifOther // a type the parser knows but the lab has none of
)

// ifType is one interface type of a platform.
type ifType struct {
	full  string // as printed in the configuration: GigabitEthernet
	short string // as printed in tables: Gi
	kind  ifKind
	rank  int // position of the type in the running-config
	// valid checks the numbers after the type name (1/0/1 is {1,0,1}).
	valid func(n []int) bool
}

// platform is everything that differs between the simulated operating
// systems apart from the renderers.
type platform struct {
	name    string
	ifTypes []ifType
	// indent is the indentation of lines inside a block of the running-config.
	indent string
	// promptSpace is true where the prompt ends with a space (NX-OS).
	promptSpace bool
	// mtu is the range `mtu` accepts; defaultMTU is what an interface has
	// without one.
	mtuLo, mtuHi, defaultMTU int
	// termWidthLo/Hi is the range of `terminal width`.
	termWidthLo, termWidthHi int
	sshVersion               string
}

var platforms = map[string]*platform{
	PlatformIOSXE: {
		name: PlatformIOSXE,
		ifTypes: []ifType{
			{full: "Loopback", short: "Lo", kind: ifLoopback, rank: 0, valid: oneNum(0, 2147483647)},
			{full: "Port-channel", short: "Po", kind: ifOther, rank: 1},
			{full: "GigabitEthernet", short: "Gi", kind: ifPhysical, rank: 2, valid: func(n []int) bool {
				return len(n) == 2 && n[0] == 0 && n[1] == 0 || len(n) == 3 && n[0] == 1 && n[1] == 0 && n[2] >= 1 && n[2] <= 48
			}},
			{full: "TenGigabitEthernet", short: "Te", kind: ifOther, rank: 3},
			{full: "TwentyFiveGigE", short: "Twe", kind: ifOther, rank: 3},
			{full: "FortyGigabitEthernet", short: "Fo", kind: ifOther, rank: 3},
			{full: "AppGigabitEthernet", short: "Ap", kind: ifOther, rank: 4},
			{full: "Tunnel", short: "Tu", kind: ifOther, rank: 5},
			{full: "Vlan", short: "Vl", kind: ifVlan, rank: 6, valid: oneNum(1, 4094)},
		},
		indent: " ", mtuLo: 1500, mtuHi: 9198, defaultMTU: 1500,
		termWidthLo: 0, termWidthHi: 512,
		sshVersion: "SSH-2.0-Cisco-1.25",
	},
	PlatformEOS: {
		name: PlatformEOS,
		ifTypes: []ifType{
			{full: "Ethernet", short: "Et", kind: ifPhysical, rank: 0, valid: oneNum(1, 48)},
			{full: "Loopback", short: "Lo", kind: ifLoopback, rank: 1, valid: oneNum(0, 8191)},
			{full: "Management", short: "Ma", kind: ifMgmt, rank: 2, valid: oneNum(1, 1)},
			{full: "Port-Channel", short: "Po", kind: ifOther, rank: 3},
			{full: "Tunnel", short: "Tu", kind: ifOther, rank: 4},
			{full: "Vlan", short: "Vl", kind: ifVlan, rank: 5, valid: oneNum(1, 4094)},
			{full: "Vxlan", short: "Vx", kind: ifOther, rank: 6},
		},
		indent: "   ", mtuLo: 68, mtuHi: 9214, defaultMTU: 1500,
		termWidthLo: 10, termWidthHi: 32767,
		sshVersion: "SSH-2.0-OpenSSH_7.8",
	},
	PlatformNXOS: {
		name: PlatformNXOS,
		ifTypes: []ifType{
			{full: "Vlan", short: "Vlan", kind: ifVlan, rank: 0, valid: oneNum(1, 4094)},
			{full: "port-channel", short: "Po", kind: ifOther, rank: 1},
			{full: "Ethernet", short: "Eth", kind: ifPhysical, rank: 2, valid: func(n []int) bool {
				return len(n) == 2 && n[0] == 1 && n[1] >= 1 && n[1] <= 48
			}},
			{full: "mgmt", short: "mgmt", kind: ifMgmt, rank: 3, valid: oneNum(0, 0)},
			{full: "loopback", short: "Lo", kind: ifLoopback, rank: 4, valid: oneNum(0, 1023)},
			{full: "tunnel", short: "Tunnel", kind: ifOther, rank: 5},
			{full: "nve", short: "nve", kind: ifOther, rank: 6},
		},
		indent: "  ", promptSpace: true, mtuLo: 576, mtuHi: 9216, defaultMTU: 1500,
		termWidthLo: 24, termWidthHi: 511,
		sshVersion: "SSH-2.0-OpenSSH_8.3",
	},
}

func oneNum(lo, hi int) func([]int) bool {
	return func(n []int) bool { return len(n) == 1 && n[0] >= lo && n[0] <= hi }
}

// ifName is a parsed interface name.
type ifName struct {
	typ  *ifType
	nums []int
}

func (n ifName) String() string { return n.typ.full + joinNums(n.nums) }

// short is the name as tables print it (Gi1/0/1, Et1, Eth1/1).
func (n ifName) short() string { return n.typ.short + joinNums(n.nums) }

func joinNums(nums []int) string {
	parts := make([]string, len(nums))
	for i, v := range nums {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, "/")
}

// ifParseError says where in the text an interface name went wrong: at the
// type (offset 0), or at the numbers after it, or that the numbers are
// missing.
type ifParseError struct {
	off        int
	incomplete bool
}

func (e *ifParseError) Error() string { return fmt.Sprintf("bad interface name at %d", e.off) }

// splitIfName separates "Gi1/0/1" into the type part "Gi" and the numbers.
func splitIfName(s string) (typ, nums string) {
	i := 0
	for i < len(s) && (s[i] < '0' || s[i] > '9') {
		i++
	}
	return s[:i], s[i:]
}

// lookupType finds the interface type that typ abbreviates, the way the
// CLI does: an exact name wins, otherwise the abbreviation must be unique.
func (p *platform) lookupType(typ string) (*ifType, bool) {
	var found *ifType
	n := 0
	for i := range p.ifTypes {
		t := &p.ifTypes[i]
		if strings.EqualFold(t.full, typ) {
			return t, true
		}
		if len(typ) > 0 && len(typ) <= len(t.full) && strings.EqualFold(t.full[:len(typ)], typ) {
			found = t
			n++
		}
	}
	return found, n == 1
}

// parseIfName parses an interface name typed as one word (Gi1/0/1) or as a
// type and numbers (typ = "GigabitEthernet", nums = "1/0/1").
func (p *platform) parseIfName(typ, nums string) (ifName, error) {
	t, ok := p.lookupType(typ)
	if !ok {
		return ifName{}, &ifParseError{off: 0}
	}
	if nums == "" {
		return ifName{}, &ifParseError{off: len(typ), incomplete: true}
	}
	var n []int
	for _, part := range strings.Split(nums, "/") {
		v, err := strconv.Atoi(part)
		if err != nil || part == "" || part[0] == '+' || part[0] == '-' {
			return ifName{}, &ifParseError{off: len(typ)}
		}
		n = append(n, v)
	}
	if t.valid == nil || !t.valid(n) {
		return ifName{}, &ifParseError{off: len(typ)}
	}
	return ifName{typ: t, nums: n}, nil
}

// parseIfString parses a whole interface name such as "GigabitEthernet1/0/1"
// or "Et1" (as stored in the model).
func (p *platform) parseIfString(s string) (ifName, error) {
	typ, nums := splitIfName(strings.TrimSpace(s))
	return p.parseIfName(strings.TrimSpace(typ), nums)
}

// promptIfName is the abbreviation EOS puts in its interface-mode prompt:
// (config-if-Et1), (config-if-Vl20).
func promptIfName(n ifName) string { return n.short() }
