package platform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// IOSStyle is the platform implementation shared by the operating systems
// whose CLI descends from Cisco IOS: IOS-XE, Arista EOS and NX-OS. What
// differs between them is data in a dialect, not code.
type IOSStyle struct {
	d *dialect
}

type ifKind int

const (
	kindPort        ifKind = iota // a physical port: switchport or routed
	kindPortChannel               // like a port, but created by configuring it
	kindL3                        // Vlan, Loopback, Tunnel, management: always routed
	kindNull                      // Null0: a next hop, never managed as an interface
)

type ifType struct {
	full    string   // as the device prints it
	abbrevs []string // spellings that are not a unique prefix of full
	kind    ifKind
	// shutWhenRouted: NX-OS brings routed ports and SVIs up only on an
	// explicit `no shutdown`, and prints that line; absent, they are down.
	shutWhenRouted bool
}

type routeSyntax int

const (
	routeIOS  routeSyntax = iota // ip route [vrf V] NET MASK NH [DIST] [name N]
	routeEOS                     // ip route [vrf V] NET/LEN NH [DIST] [name N]
	routeNXOS                    // ip route NET/LEN NH [name N] [DIST], vrf routes under `vrf context V`
)

type vlanStyle int

const (
	vlanEach    vlanStyle = iota // IOS: one `vlan N` block per VLAN
	vlanGrouped                  // EOS: VLANs with identical settings share a range line
	vlanListed                   // NX-OS: one `vlan 1,10,20` line, then blocks for named ones
)

// dialect is everything that differs between the IOS-style platforms.
type dialect struct {
	name   string
	indent string // how deep the device indents sub-commands when printing
	types  []ifType

	defaultMTU int
	// routedPorts: physical ports are routed until `switchport` is typed
	// (NX-OS, unless the config says `system default switchport`).
	routedPorts bool
	// dtp: a switchport without `switchport mode` negotiates (IOS's dynamic
	// auto), which is not the same as access; the model calls it Mode "".
	dtp bool
	// maskAddr: `ip address A M` rather than `ip address A/len`.
	maskAddr bool
	route    routeSyntax
	aclStyle addrStyle
	// extendedKeyword: IOS names the ACL type (`ip access-list extended X`)
	// and has numbered ACLs; EOS and NX-OS write `ip access-list X`.
	extendedKeyword bool
	vlans           vlanStyle
	minRun          int // shortest run of VLANs printed as a range
	trunkWrap       int // width past which a printed allowed list continues with `add`
	protoNames      map[int]string
	tcpNames        map[int]string
	udpNames        map[int]string
	markers         []string
	save            string
	// header and footer frame Render's output the way the device frames
	// `show running-config`; they carry nothing the model manages.
	header func(c *netconfig.Config, body string) string
	footer string
}

var iosProtoNames = map[int]string{2: "igmp", 4: "ipinip", 47: "gre", 50: "esp", 51: "ahp", 88: "eigrp", 89: "ospf", 94: "nos", 103: "pim", 108: "pcp"}

// NewCiscoIOSXE returns the cisco_iosxe platform (Catalyst switches and
// IOS-XE routers).
//
// VLANs appear in the running configuration only in VTP transparent or off
// mode, so managing VLANs needs one of those. Mode "" is IOS's own default,
// a negotiating (DTP dynamic auto) switchport on a switch and a routed port
// on a router; on routers leave Mode "" and set only ipv4_address. Named
// standard ACLs (`ip access-list standard X`) are not managed; numbered
// ACLs are, standard ones (1-99, 1300-1999) holding entries with Protocol
// "ip" and Destination "any".
func NewCiscoIOSXE() *IOSStyle {
	return &IOSStyle{d: &dialect{
		name:   "cisco_iosxe",
		indent: " ",
		types: []ifType{
			{full: "GigabitEthernet", abbrevs: []string{"gi", "gig"}, kind: kindPort},
			{full: "FastEthernet", abbrevs: []string{"fa"}, kind: kindPort},
			{full: "TenGigabitEthernet", abbrevs: []string{"te", "ten"}, kind: kindPort},
			{full: "TwoGigabitEthernet", abbrevs: []string{"tw"}, kind: kindPort},
			{full: "FiveGigabitEthernet", abbrevs: []string{"fi"}, kind: kindPort},
			{full: "TwentyFiveGigE", abbrevs: []string{"twe"}, kind: kindPort},
			{full: "FortyGigabitEthernet", abbrevs: []string{"fo"}, kind: kindPort},
			{full: "HundredGigE", abbrevs: []string{"hu"}, kind: kindPort},
			{full: "AppGigabitEthernet", abbrevs: []string{"ap"}, kind: kindPort},
			{full: "Ethernet", abbrevs: []string{"et", "eth"}, kind: kindPort},
			{full: "Serial", abbrevs: []string{"se"}, kind: kindL3},
			{full: "Port-channel", abbrevs: []string{"po"}, kind: kindPortChannel},
			{full: "Vlan", abbrevs: []string{"vl"}, kind: kindL3},
			{full: "Loopback", abbrevs: []string{"lo"}, kind: kindL3},
			{full: "Tunnel", abbrevs: []string{"tu"}, kind: kindL3},
			{full: "Null", abbrevs: []string{"nu"}, kind: kindNull},
		},
		defaultMTU:      1500,
		dtp:             true,
		maskAddr:        true,
		route:           routeIOS,
		aclStyle:        addrWildcard,
		extendedKeyword: true,
		vlans:           vlanEach,
		minRun:          3,
		trunkWrap:       60,
		protoNames:      iosProtoNames,
		tcpNames: invert(tcpPortNames, "bgp", "chargen", "cmd", "daytime", "discard", "domain", "echo",
			"exec", "finger", "ftp", "ftp-data", "gopher", "hostname", "ident", "irc", "klogin", "kshell",
			"login", "lpd", "msrpc", "nntp", "pim-auto-rp", "pop2", "pop3", "smtp", "sunrpc", "tacacs",
			"talk", "telnet", "time", "uucp", "whois", "www"),
		udpNames: invert(udpPortNames, "biff", "bootpc", "bootps", "discard", "dnsix", "domain", "echo",
			"isakmp", "mobile-ip", "nameserver", "netbios-dgm", "netbios-ns", "netbios-ss", "non500-isakmp",
			"ntp", "pim-auto-rp", "rip", "snmp", "snmptrap", "sunrpc", "syslog", "tacacs", "talk", "tftp",
			"time", "who", "xdmcp"),
		markers: []string{"% Invalid input", "% Incomplete command", "% Ambiguous command",
			"% Unrecognized command", "% Invalid command", "%Inconsistent address and mask",
			"% Duplicate sequence number"},
		save:   "write memory",
		header: iosHeader,
		footer: "end\n",
	}}
}

// NewAristaEOS returns the arista_eos platform. Ports are switchports in
// access mode by default; `switchport mode access` is never printed.
func NewAristaEOS() *IOSStyle {
	return &IOSStyle{d: &dialect{
		name:   "arista_eos",
		indent: "   ",
		types: []ifType{
			{full: "Ethernet", abbrevs: []string{"et", "eth"}, kind: kindPort},
			{full: "Port-Channel", abbrevs: []string{"po"}, kind: kindPortChannel},
			{full: "Vlan", abbrevs: []string{"vl"}, kind: kindL3},
			{full: "Loopback", abbrevs: []string{"lo"}, kind: kindL3},
			{full: "Management", abbrevs: []string{"ma", "mgmt"}, kind: kindL3},
			{full: "Tunnel", abbrevs: []string{"tu"}, kind: kindL3},
			{full: "Null", abbrevs: []string{"nu"}, kind: kindNull},
		},
		defaultMTU: 1500,
		route:      routeEOS,
		aclStyle:   addrHostCIDR,
		vlans:      vlanGrouped,
		minRun:     2,
		protoNames: map[int]string{2: "igmp", 47: "gre", 51: "ahp", 89: "ospf", 103: "pim", 112: "vrrp"},
		tcpNames: invert(tcpPortNames, "bgp", "chargen", "daytime", "discard", "domain", "echo", "exec",
			"finger", "ftp", "ftp-data", "gopher", "hostname", "https", "ident", "irc", "klogin", "kshell",
			"ldap", "ldaps", "login", "lpd", "microsoft-ds", "nfs", "nntp", "pop2", "pop3", "rtsp", "smtp",
			"ssh", "sunrpc", "tacacs", "talk", "telnet", "time", "uucp", "whois", "www"),
		udpNames: invert(udpPortNames, "bfd", "bfd-echo", "biff", "bootpc", "bootps", "discard", "domain",
			"echo", "isakmp", "mobile-ip", "nameserver", "netbios-dgm", "netbios-ns", "netbios-ss", "nfs",
			"ntp", "rip", "snmp", "snmptrap", "sunrpc", "syslog", "tacacs", "talk", "tftp", "time", "who",
			"xdmcp"),
		markers: []string{"% Invalid input", "% Incomplete command", "% Ambiguous command", "% Error",
			"% Unavailable command"},
		save:   "write memory",
		header: eosHeader,
		footer: "end\n",
	}}
}

// NewCiscoNXOS returns the cisco_nxos platform. Ethernet ports are routed
// until `switchport` is typed (the NX-OS default), unless the configuration
// has `system default switchport`; routed ports and SVIs are down until
// `no shutdown`, which NX-OS prints. Routes in a VRF live under
// `vrf context V`.
func NewCiscoNXOS() *IOSStyle {
	return &IOSStyle{d: &dialect{
		name:   "cisco_nxos",
		indent: "  ",
		types: []ifType{
			{full: "Ethernet", abbrevs: []string{"e", "et", "eth"}, kind: kindPort, shutWhenRouted: true},
			{full: "port-channel", abbrevs: []string{"po"}, kind: kindPortChannel},
			{full: "Vlan", abbrevs: []string{"vl"}, kind: kindL3, shutWhenRouted: true},
			{full: "loopback", abbrevs: []string{"lo"}, kind: kindL3},
			{full: "mgmt", abbrevs: []string{"ma"}, kind: kindL3},
			{full: "Tunnel", abbrevs: []string{"tu"}, kind: kindL3},
			{full: "Null", abbrevs: []string{"nu"}, kind: kindNull},
		},
		defaultMTU:  1500,
		routedPorts: true,
		route:       routeNXOS,
		aclStyle:    addrCIDR,
		vlans:       vlanListed,
		minRun:      2,
		trunkWrap:   60,
		markers: []string{"% Invalid command", "% Incomplete command", "% Invalid parameter",
			"% Ambiguous command", "ERROR:"},
		save:   "copy running-config startup-config",
		header: nxosHeader,
	}}
}

// Name implements netconfig.Platform.
func (p *IOSStyle) Name() string { return p.d.name }

// ErrorMarkers implements netconfig.Platform.
func (p *IOSStyle) ErrorMarkers() []string { return append([]string(nil), p.d.markers...) }

// SaveCommand implements netconfig.Platform.
func (p *IOSStyle) SaveCommand() string { return p.d.save }

// resolve splits an interface name into its type and number and returns
// the name the device prints. Letters are matched case-insensitively, as
// an abbreviation the device itself uses or as a unique prefix.
func (d *dialect) resolve(name string) (*ifType, string, error) {
	s := strings.TrimSpace(name)
	i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if i <= 0 {
		return nil, "", fmt.Errorf("interface name %q has no type or no number", name)
	}
	prefix, num := strings.ToLower(strings.TrimSpace(s[:i])), s[i:]
	if !validIfNumber(num) {
		return nil, "", fmt.Errorf("interface name %q: bad number %q", name, num)
	}
	var t *ifType
	for k := range d.types {
		ty := &d.types[k]
		if strings.ToLower(ty.full) == prefix {
			t = ty
			break
		}
		for _, a := range ty.abbrevs {
			if a == prefix {
				t = ty
			}
		}
	}
	if t == nil {
		var hits []*ifType
		for k := range d.types {
			if strings.HasPrefix(strings.ToLower(d.types[k].full), prefix) {
				hits = append(hits, &d.types[k])
			}
		}
		switch len(hits) {
		case 1:
			t = hits[0]
		case 0:
			return nil, "", fmt.Errorf("interface name %q: unknown type %q on %s (known: %s)", name, s[:i], d.name, d.typeList())
		default:
			var names []string
			for _, h := range hits {
				names = append(names, h.full)
			}
			return nil, "", fmt.Errorf("interface name %q: %q is ambiguous (%s)", name, s[:i], strings.Join(names, ", "))
		}
	}
	return t, t.full + trimZeros(num), nil
}

// trimZeros writes each number of 01/0/001 without leading zeros, as the
// device prints it.
func trimZeros(num string) string {
	var b strings.Builder
	start := true
	for i := 0; i < len(num); i++ {
		c := num[i]
		if c < '0' || c > '9' {
			b.WriteByte(c)
			start = true
			continue
		}
		next := i+1 < len(num) && num[i+1] >= '0' && num[i+1] <= '9'
		if start && c == '0' && next {
			continue
		}
		start = false
		b.WriteByte(c)
	}
	return b.String()
}

func (d *dialect) typeList() string {
	var out []string
	for _, t := range d.types {
		out = append(out, t.full)
	}
	return strings.Join(out, ", ")
}

// validIfNumber accepts 1, 1/0/1, 1/1.100, 0/1/0:1 and nothing else, so a
// typo is caught here rather than by the device.
func validIfNumber(s string) bool {
	if s == "" {
		return false
	}
	prevDigit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			prevDigit = true
		case (r == '/' || r == '.' || r == ':') && prevDigit:
			prevDigit = false
		default:
			return false
		}
	}
	return prevDigit
}

// CanonicalInterface implements netconfig.Platform.
func (p *IOSStyle) CanonicalInterface(name string) (string, error) {
	t, full, err := p.d.resolve(name)
	if err != nil {
		return "", err
	}
	if t.kind == kindNull {
		return "", fmt.Errorf("interface %s cannot be managed", full)
	}
	return full, nil
}

// ifState collects what a running configuration says about one interface;
// finish turns it into the model, applying the platform's defaults for
// what is not said.
type ifState struct {
	t            *ifType
	sub          bool
	i            *netconfig.Interface
	switchport   bool
	noSwitchport bool
	mode         string // the word after `switchport mode`
	shut         int    // 0 not said, 1 shutdown, 2 no shutdown
}

func (d *dialect) newIfState(t *ifType, full string) *ifState {
	return &ifState{t: t, sub: strings.Contains(full, "."), i: &netconfig.Interface{
		Name: full, TrunkVLANs: netconfig.AllVLANs(),
	}}
}

// deviceDefaults are global commands that change interface defaults
// (NX-OS's `system default switchport [shutdown]`).
type deviceDefaults struct {
	switchport     bool // physical ports start as switchports
	switchportShut bool // ... and shut
}

func (d *dialect) routedMode(st *ifState, dev deviceDefaults) bool {
	switch {
	case st.t.kind == kindL3 || st.sub:
		return true
	case st.noSwitchport:
		return true
	case st.switchport:
		return false
	}
	return d.routedPorts && !dev.switchport
}

func (d *dialect) finish(st *ifState, dev deviceDefaults) *netconfig.Interface {
	i := st.i
	routed := d.routedMode(st, dev)
	switch {
	case routed:
		i.Mode = netconfig.ModeRouted
		i.AccessVLAN, i.NativeVLAN, i.TrunkVLANs = 0, 0, netconfig.AllVLANs()
	case st.mode == "trunk":
		i.Mode = netconfig.ModeTrunk
	case st.mode == "access" || !d.dtp:
		i.Mode = netconfig.ModeAccess
	default:
		i.Mode = ""
	}
	if i.Mode == netconfig.ModeAccess || i.Mode == netconfig.ModeTrunk {
		i.IPv4Address = ""
	}
	switch st.shut {
	case 1:
		i.Enabled = false
	case 2:
		i.Enabled = true
	default:
		i.Enabled = !(st.t.shutWhenRouted && routed) &&
			!(dev.switchportShut && !routed && st.t.kind == kindPort)
	}
	if i.MTU == d.defaultMTU {
		i.MTU = 0
	}
	if i.AccessVLAN == 1 {
		i.AccessVLAN = 0
	}
	if i.NativeVLAN == 1 {
		i.NativeVLAN = 0
	}
	if s, err := canonicalVLANSet(i.TrunkVLANs); err == nil {
		i.TrunkVLANs = s
	}
	return i
}

// DefaultInterface implements netconfig.Platform: exactly what
// ParseRunningConfig yields for an interface block with nothing in it.
func (p *IOSStyle) DefaultInterface(name string) *netconfig.Interface {
	t, full, err := p.d.resolve(name)
	if err != nil {
		return &netconfig.Interface{Name: name, Enabled: true, TrunkVLANs: netconfig.AllVLANs()}
	}
	return p.d.finish(p.d.newIfState(t, full), deviceDefaults{})
}

// Normalize implements Normalizer.
func (p *IOSStyle) Normalize(c *netconfig.Config) error {
	if c == nil {
		return nil
	}
	d := p.d
	var errs []error
	if c.VLANs == nil {
		c.VLANs = map[int]*netconfig.VLAN{}
	}
	for id, v := range c.VLANs {
		if v == nil {
			delete(c.VLANs, id)
			continue
		}
		v.ID = id
		if err := d.normalizeVLAN(v); err != nil {
			errs = append(errs, err)
		}
	}
	ifaces := make(map[string]*netconfig.Interface, len(c.Interfaces))
	for key, i := range c.Interfaces {
		if i == nil {
			continue
		}
		if i.Name == "" {
			i.Name = key
		}
		if err := d.normalizeInterface(i); err != nil {
			errs = append(errs, err)
			ifaces[key] = i
			continue
		}
		if _, dup := ifaces[i.Name]; dup {
			errs = append(errs, fmt.Errorf("interface %s is declared twice", i.Name))
		}
		ifaces[i.Name] = i
	}
	c.Interfaces = ifaces
	errs = append(errs, canonicalRoutes(c, d.normalizeRoute)...)
	if c.ACLs == nil {
		c.ACLs = map[string]*netconfig.ACL{}
	}
	for name, a := range c.ACLs {
		if a == nil {
			delete(c.ACLs, name)
			continue
		}
		a.Name = name
		if err := d.normalizeACL(a); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs(d.name, errs)
}

func (d *dialect) normalizeVLAN(v *netconfig.VLAN) error {
	if v.ID < 2 || v.ID > maxVLAN {
		return fmt.Errorf("vlan %d: id must be 2-4094 (VLAN 1 cannot be managed)", v.ID)
	}
	if d.name == "cisco_iosxe" && v.ID >= 1002 && v.ID <= 1005 {
		return fmt.Errorf("vlan %d: 1002-1005 are reserved on IOS", v.ID)
	}
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == fmt.Sprintf("VLAN%04d", v.ID) {
		v.Name = ""
	}
	if strings.ContainsAny(v.Name, " \t\r\n") {
		return fmt.Errorf("vlan %d: name %q must be one word", v.ID, v.Name)
	}
	switch v.State {
	case "", "active":
		v.State = "active"
	case "suspend":
	default:
		return fmt.Errorf("vlan %d: state %q is not active or suspend", v.ID, v.State)
	}
	return nil
}

func (d *dialect) normalizeInterface(i *netconfig.Interface) error {
	t, full, err := d.resolve(i.Name)
	if err != nil {
		return err
	}
	if t.kind == kindNull {
		return fmt.Errorf("interface %s cannot be managed", full)
	}
	i.Name = full
	st := d.newIfState(t, full)
	var errs []error
	i.Description = strings.TrimSpace(i.Description)
	if strings.ContainsAny(i.Description, "\r\n") {
		errs = append(errs, fmt.Errorf("description has a line break"))
	}
	l2 := i.Mode == netconfig.ModeAccess || i.Mode == netconfig.ModeTrunk
	switch i.Mode {
	case "", netconfig.ModeAccess, netconfig.ModeTrunk, netconfig.ModeRouted:
	default:
		errs = append(errs, fmt.Errorf("mode %q is not access, trunk or routed", i.Mode))
	}
	if (t.kind == kindL3 || st.sub) && l2 {
		errs = append(errs, fmt.Errorf("cannot be a switchport (mode %s)", i.Mode))
	}
	routed := t.kind == kindL3 || st.sub || i.Mode == netconfig.ModeRouted ||
		(i.Mode == "" && d.routedPorts)
	switch {
	case routed:
		i.Mode = netconfig.ModeRouted
	case i.Mode == "" && !d.dtp:
		i.Mode = netconfig.ModeAccess
	}
	if i.AccessVLAN == 1 {
		i.AccessVLAN = 0
	}
	if i.NativeVLAN == 1 {
		i.NativeVLAN = 0
	}
	for what, v := range map[string]int{"access_vlan": i.AccessVLAN, "native_vlan": i.NativeVLAN} {
		if v < 0 || v > maxVLAN {
			errs = append(errs, fmt.Errorf("%s %d out of range 1-4094", what, v))
		} else if v != 0 && routed {
			errs = append(errs, fmt.Errorf("%s applies only to switchports, not to a routed interface", what))
		}
	}
	if routed {
		i.TrunkVLANs = netconfig.AllVLANs()
	} else if s, err := canonicalVLANSet(i.TrunkVLANs); err != nil {
		errs = append(errs, fmt.Errorf("trunk_vlans: %w", err))
	} else {
		i.TrunkVLANs = s
	}
	if i.IPv4Address != "" {
		if a, ok := canonicalIfAddr(i.IPv4Address); !ok {
			errs = append(errs, fmt.Errorf("ipv4_address %q is not an IPv4 address in CIDR form", i.IPv4Address))
		} else {
			i.IPv4Address = a
		}
		if i.Mode == netconfig.ModeAccess || i.Mode == netconfig.ModeTrunk {
			errs = append(errs, fmt.Errorf("ipv4_address needs mode routed, not %s", i.Mode))
		}
	}
	if i.MTU == d.defaultMTU {
		i.MTU = 0
	}
	if i.MTU != 0 && (i.MTU < 68 || i.MTU > 65535) {
		errs = append(errs, fmt.Errorf("mtu %d out of range", i.MTU))
	}
	return joinErrs("interface "+full, errs)
}

func (d *dialect) normalizeRoute(r *netconfig.StaticRoute) error {
	if err := canonicalRoutePrefix(r); err != nil {
		return err
	}
	if _, ok := parseIPv4(r.NextHop); !ok {
		_, full, err := d.resolve(r.NextHop)
		if err != nil {
			return fmt.Errorf("next hop: %w", err)
		}
		r.NextHop = full
	}
	if strings.ContainsAny(r.Name, " \t") || strings.ContainsAny(r.VRF, " \t") {
		return fmt.Errorf("name and vrf must be single words")
	}
	return nil
}

// aclKind tells which header an IOS ACL needs: numbered ACLs carry their
// type in their number.
func (d *dialect) aclKind(name string) (numbered, standard bool) {
	if !d.extendedKeyword {
		return false, false
	}
	n, ok := atoiRange(name, 1, 2699)
	if !ok {
		return false, false
	}
	switch {
	case n <= 99 || (n >= 1300 && n <= 1999):
		return true, true
	case (n >= 100 && n <= 199) || n >= 2000:
		return true, false
	}
	return false, false
}

func (d *dialect) normalizeACL(a *netconfig.ACL) error {
	if a.Name == "" || strings.ContainsAny(a.Name, " \t") {
		return fmt.Errorf("acl %q: name must be one word", a.Name)
	}
	if err := canonicalACL(a); err != nil {
		return err
	}
	if _, std := d.aclKind(a.Name); std {
		for _, e := range a.Entries {
			if !IsOpaqueEntry(e) && (e.Protocol != "ip" || e.Destination != "any" || e.Ports != "") {
				return fmt.Errorf("acl %s: entry %d: a standard ACL matches only a source (protocol ip, destination any)", a.Name, e.Sequence)
			}
		}
	}
	return nil
}

func (d *dialect) ifAddress(cidr string) string {
	if !d.maskAddr {
		return "ip address " + cidr
	}
	a, n := splitCIDR(cidr)
	return "ip address " + a + " " + lenNetmask(n)
}

func (d *dialect) aceFormat(acl string, forRender bool) aceFormat {
	_, std := d.aclKind(acl)
	f := aceFormat{style: d.aclStyle, standard: std}
	if forRender {
		f.protoNames, f.tcpNames, f.udpNames = d.protoNames, d.tcpNames, d.udpNames
	}
	return f
}

func (d *dialect) aclHeader(name string) string {
	if !d.extendedKeyword {
		return "ip access-list " + name
	}
	if _, std := d.aclKind(name); std {
		return "ip access-list standard " + name
	}
	return "ip access-list extended " + name
}

// routeLine writes a route in the global form (NX-OS: the form used inside
// `vrf context`).
func (d *dialect) routeLine(r *netconfig.StaticRoute, withAttrs bool) string {
	var b strings.Builder
	b.WriteString("ip route ")
	if r.VRF != "" && d.route != routeNXOS {
		b.WriteString("vrf " + r.VRF + " ")
	}
	a, n := splitCIDR(r.Prefix)
	if d.route == routeIOS {
		b.WriteString(a + " " + lenNetmask(n))
	} else {
		b.WriteString(r.Prefix)
	}
	b.WriteString(" " + r.NextHop)
	if !withAttrs {
		return b.String()
	}
	dist := ""
	if r.Distance != 0 {
		dist = fmt.Sprintf(" %d", r.Distance)
	}
	name := ""
	if r.Name != "" {
		name = " name " + r.Name
	}
	if d.route == routeNXOS {
		b.WriteString(name + dist)
	} else {
		b.WriteString(dist + name)
	}
	return b.String()
}

func sortedRoutesByVRF(routes []*netconfig.StaticRoute) (vrfs []string, by map[string][]*netconfig.StaticRoute) {
	by = map[string][]*netconfig.StaticRoute{}
	for _, r := range routes {
		if _, ok := by[r.VRF]; !ok {
			vrfs = append(vrfs, r.VRF)
		}
		by[r.VRF] = append(by[r.VRF], r)
	}
	sort.Strings(vrfs)
	return vrfs, by
}
