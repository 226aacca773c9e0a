package lab

import (
	"net/netip"
	"sort"
	"strconv"
)

// config is a device's configuration: the part of a switch's configuration
// the lab models. The running-config, the startup-config, an EOS
// configuration session, an NX-OS checkpoint and a file on flash: are all
// configs, copied with clone.
type config struct {
	hostname string
	vlans    map[int]*vlan
	ifaces   map[string]*iface // by canonical name
	routes   []route
	acls     map[string]*acl
	vrfs     map[string]bool // NX-OS `vrf context`s besides management
	// fileQuiet is IOS-XE's `file prompt quiet`: copy and delete stop
	// asking for confirmation.
	fileQuiet bool
}

type vlan struct {
	id        int
	name      string // "" until named: the device then shows VLAN0020
	suspended bool
}

// iface is one interface's configuration. Zero values are the defaults,
// except where a field says otherwise.
type iface struct {
	name     ifName
	desc     string
	shutdown bool
	routed   bool   // `no switchport`; always true for SVIs, loopbacks and management ports
	mode     string // "" (the platform's default), access, trunk, dynamic auto, dynamic desirable
	access   int    // access VLAN, 0 = 1
	native   int    // trunk native VLAN, 0 = 1
	allowed  vlanSet
	addr     netip.Prefix // the interface address with its prefix length; invalid = none
	mtu      int          // 0 = the platform's default
	vrf      string       // management VRF of the management port
}

type route struct {
	vrf      string
	prefix   netip.Prefix
	iface    string     // outgoing interface, "" for none
	nextHop  netip.Addr // invalid for an interface route
	distance int        // 0 = default (1)
	name     string
}

type acl struct {
	name     string
	standard bool
	entries  []ace // by sequence number
}

func newConfig(p *platform, hostname string) *config {
	c := &config{
		hostname: hostname,
		vlans:    map[int]*vlan{1: {id: 1}},
		ifaces:   map[string]*iface{},
		acls:     map[string]*acl{},
		vrfs:     map[string]bool{},
	}
	add := func(name string) *iface {
		n, err := p.parseIfString(name)
		if err != nil {
			panic("lab: bad built-in interface " + name)
		}
		i := newIface(n)
		c.ifaces[n.String()] = i
		return i
	}
	switch p.name {
	case PlatformIOSXE:
		add("GigabitEthernet0/0").vrf = "Mgmt-vrf"
		for port := 1; port <= 48; port++ {
			add("GigabitEthernet1/0/" + itoa(port))
		}
		add("Vlan1").shutdown = true
	case PlatformEOS:
		for port := 1; port <= 48; port++ {
			add("Ethernet" + itoa(port))
		}
		add("Management1")
	case PlatformNXOS:
		for port := 1; port <= 48; port++ {
			add("Ethernet1/" + itoa(port))
		}
		add("mgmt0").vrf = "management"
	}
	return c
}

// newIface is an interface in its default configuration.
func newIface(n ifName) *iface {
	i := &iface{name: n, allowed: allVLANs()}
	switch n.typ.kind {
	case ifMgmt, ifVlan, ifLoopback:
		i.routed = true
	case ifPhysical:
		// IOS-XE's management port is a GigabitEthernet but routed.
		if n.typ.full == "GigabitEthernet" && len(n.nums) == 2 {
			i.routed = true
		}
	}
	return i
}

func (c *config) clone() *config {
	n := &config{
		hostname:  c.hostname,
		fileQuiet: c.fileQuiet,
		vlans:     make(map[int]*vlan, len(c.vlans)),
		ifaces:    make(map[string]*iface, len(c.ifaces)),
		routes:    append([]route(nil), c.routes...),
		acls:      make(map[string]*acl, len(c.acls)),
		vrfs:      make(map[string]bool, len(c.vrfs)),
	}
	for k, v := range c.vrfs {
		n.vrfs[k] = v
	}
	for k, v := range c.vlans {
		vv := *v
		n.vlans[k] = &vv
	}
	for k, v := range c.ifaces {
		vv := *v
		n.ifaces[k] = &vv
	}
	for k, v := range c.acls {
		vv := *v
		vv.entries = append([]ace(nil), v.entries...)
		n.acls[k] = &vv
	}
	return n
}

// sortedVLANs returns the VLANs by ID.
func (c *config) sortedVLANs() []*vlan {
	out := make([]*vlan, 0, len(c.vlans))
	for _, v := range c.vlans {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// sortedIfaces returns the interfaces in the order the platform prints them:
// by type (the platform's order), then by number.
func (c *config) sortedIfaces() []*iface {
	out := make([]*iface, 0, len(c.ifaces))
	for _, i := range c.ifaces {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return ifLess(out[a].name, out[b].name) })
	return out
}

func ifLess(a, b ifName) bool {
	if a.typ.rank != b.typ.rank {
		return a.typ.rank < b.typ.rank
	}
	if a.typ.full != b.typ.full {
		return a.typ.full < b.typ.full
	}
	for k := 0; k < len(a.nums) && k < len(b.nums); k++ {
		if a.nums[k] != b.nums[k] {
			return a.nums[k] < b.nums[k]
		}
	}
	return len(a.nums) < len(b.nums)
}

// sortedACLs returns the access lists by name.
func (c *config) sortedACLs() []*acl {
	out := make([]*acl, 0, len(c.acls))
	for _, a := range c.acls {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// sortRoutes keeps routes in the order devices print them: global table
// first, then VRFs by name, each by prefix and next hop.
func (c *config) sortRoutes() {
	sort.SliceStable(c.routes, func(i, j int) bool {
		a, b := c.routes[i], c.routes[j]
		if a.vrf != b.vrf {
			return a.vrf < b.vrf
		}
		if a.prefix.Addr() != b.prefix.Addr() {
			return a.prefix.Addr().Less(b.prefix.Addr())
		}
		if a.prefix.Bits() != b.prefix.Bits() {
			return a.prefix.Bits() < b.prefix.Bits()
		}
		if a.iface != b.iface {
			return a.iface < b.iface
		}
		return a.nextHop.Less(b.nextHop)
	})
}

func (i *iface) accessVLAN() int {
	if i.access == 0 {
		return 1
	}
	return i.access
}

func (i *iface) nativeVLAN() int {
	if i.native == 0 {
		return 1
	}
	return i.native
}

// resetSwitchport returns the layer-2 settings to their defaults, as
// `no switchport` and `switchport` do.
func (i *iface) resetSwitchport() {
	i.mode, i.access, i.native, i.allowed = "", 0, 0, allVLANs()
}

// isTrunk reports whether the port carries tagged VLANs.
func (i *iface) isTrunk() bool { return !i.routed && i.mode == "trunk" }

func itoa(n int) string { return strconv.Itoa(n) }
