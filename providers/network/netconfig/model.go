package netconfig

import (
	"sort"
)

// Config is the managed part of one device's configuration. Everything
// else in the running configuration is left alone and not represented.
type Config struct {
	Hostname   string
	VLANs      map[int]*VLAN
	Interfaces map[string]*Interface // by canonical name
	Routes     []*StaticRoute        // kept sorted by RouteKey
	ACLs       map[string]*ACL       // by name
}

// New returns an empty configuration.
func New() *Config {
	return &Config{VLANs: map[int]*VLAN{}, Interfaces: map[string]*Interface{}, ACLs: map[string]*ACL{}}
}

// VLAN is a layer-2 VLAN.
type VLAN struct {
	ID int
	// Name is "" when the device shows its default name (VLAN0020).
	Name string
	// State is "active" or "suspend".
	State string
}

// Interface modes.
const (
	ModeAccess = "access"
	ModeTrunk  = "trunk"
	ModeRouted = "routed"
)

// Interface is a physical or logical port.
type Interface struct {
	// Name is the canonical full name (GigabitEthernet1/0/1, Ethernet1).
	Name        string
	Description string
	Enabled     bool
	// Mode is ModeAccess, ModeTrunk, ModeRouted, or "" for the platform's
	// default (a switchport in access mode on switches).
	Mode       string
	AccessVLAN int // 0 means the default, VLAN 1
	TrunkVLANs VLANSet
	NativeVLAN int // 0 means the default, VLAN 1
	// IPv4Address is in CIDR form (10.0.0.1/24), "" for none.
	IPv4Address string
	MTU         int // 0 means the platform default
}

// VLANSet is the set of VLANs a trunk carries: all of them (the platform
// default), or an explicit list, which may be empty ("none").
type VLANSet struct {
	All bool
	IDs []int // sorted, without duplicates; ignored when All is set
}

// AllVLANs is the default trunk allowed list.
func AllVLANs() VLANSet { return VLANSet{All: true} }

// VLANSetOf returns the explicit set of ids, sorted and de-duplicated.
func VLANSetOf(ids ...int) VLANSet {
	seen := map[int]bool{}
	out := []int{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Ints(out)
	return VLANSet{IDs: out}
}

// Equal compares two sets.
func (s VLANSet) Equal(o VLANSet) bool {
	if s.All || o.All {
		return s.All == o.All
	}
	if len(s.IDs) != len(o.IDs) {
		return false
	}
	for i := range s.IDs {
		if s.IDs[i] != o.IDs[i] {
			return false
		}
	}
	return true
}

// StaticRoute is one static route.
type StaticRoute struct {
	// Prefix is canonical CIDR (10.1.0.0/16).
	Prefix  string
	NextHop string // an address or an interface name
	// Distance is the administrative distance, 0 for the default (1).
	Distance int
	VRF      string // "" for the default VRF
	Name     string
}

// RouteKey identifies a route: a prefix can have several next hops.
func (r *StaticRoute) RouteKey() string { return r.VRF + "|" + r.Prefix + "|" + r.NextHop }

// ACL is a named IPv4 access list; its entries are managed as a whole.
type ACL struct {
	Name    string
	Entries []ACLEntry // in sequence order
}

// ACLEntry is one rule of an access list.
type ACLEntry struct {
	Sequence int
	Action   string // "permit" or "deny"
	Protocol string // "ip", "tcp", "udp", "icmp" or a protocol number
	// Source and Destination are "any" or canonical CIDR (a host is /32).
	Source, Destination string
	// Ports is the destination port match as the platforms write it
	// ("eq 22", "range 1000 2000"), "" for none.
	Ports string
	Log   bool
}

// Clone returns a deep copy.
func (c *Config) Clone() *Config {
	out := New()
	out.Hostname = c.Hostname
	for id, v := range c.VLANs {
		cp := *v
		out.VLANs[id] = &cp
	}
	for n, i := range c.Interfaces {
		cp := *i
		cp.TrunkVLANs.IDs = append([]int(nil), i.TrunkVLANs.IDs...)
		out.Interfaces[n] = &cp
	}
	for _, r := range c.Routes {
		cp := *r
		out.Routes = append(out.Routes, &cp)
	}
	for n, a := range c.ACLs {
		cp := *a
		cp.Entries = append([]ACLEntry(nil), a.Entries...)
		out.ACLs[n] = &cp
	}
	return out
}

// SortRoutes orders routes by key for stable output.
func (c *Config) SortRoutes() {
	sort.Slice(c.Routes, func(i, j int) bool { return c.Routes[i].RouteKey() < c.Routes[j].RouteKey() })
}

// Route finds a route by key.
func (c *Config) Route(key string) *StaticRoute {
	for _, r := range c.Routes {
		if r.RouteKey() == key {
			return r
		}
	}
	return nil
}
