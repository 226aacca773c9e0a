package platform

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// FRR is the frr platform: FRRouting configured through vtysh. It manages
// interfaces (description, enabled, ipv4_address), static routes (prefix,
// next hop, distance, vrf; FRR routes have no name) and access lists
// (FRR's zebra access lists filter routes, not packets: every entry has
// Protocol "ip", no ports and no log; a Destination other than "any" is
// written in FRR's Cisco extended form). VLANs, switchport modes and MTU
// are not FRR's to set: Normalize rejects them and Lines ignores them.
//
// FRR prints only interfaces with configuration; one that is absent from
// a parsed Config is in its default state (DefaultInterface). Of several
// addresses on an interface the first is managed, the others are left
// alone. Removing an interface from want removes steward's settings from
// it (FRR has no `default interface`).
type FRR struct{}

// NewFRR returns the frr platform.
func NewFRR() *FRR { return &FRR{} }

// Name implements netconfig.Platform.
func (*FRR) Name() string { return "frr" }

// ErrorMarkers implements netconfig.Platform.
func (*FRR) ErrorMarkers() []string {
	return []string{"% Unknown command", "% Command incomplete", "% Ambiguous command", "% Invalid",
		"% Malformed", "% Can't find address"}
}

// SaveCommand implements netconfig.Platform.
func (*FRR) SaveCommand() string { return "write memory" }

// CanonicalInterface implements netconfig.Platform. Linux interface names
// are case-sensitive and have no abbreviations, so the name is only
// checked, never rewritten.
func (*FRR) CanonicalInterface(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" || len(n) > 15 || strings.ContainsAny(n, " \t/") || n == "." || n == ".." {
		return "", fmt.Errorf("%q is not a Linux interface name (1-15 characters, no spaces or '/')", name)
	}
	return n, nil
}

// DefaultInterface implements netconfig.Platform.
func (*FRR) DefaultInterface(name string) *netconfig.Interface {
	return &netconfig.Interface{Name: strings.TrimSpace(name), Enabled: true, Mode: netconfig.ModeRouted, TrunkVLANs: netconfig.AllVLANs()}
}

// ParseRunningConfig implements netconfig.Platform.
func (f *FRR) ParseRunningConfig(text string) (*netconfig.Config, error) {
	ps := newParsed()
	c := ps.c
	for _, b := range blocks(splitConfig(text, false)) {
		w := strings.Fields(b.head.text)
		var err error
		switch {
		case len(w) == 2 && w[0] == "hostname":
			c.Hostname = w[1]
		case len(w) >= 2 && w[0] == "interface":
			err = f.parseInterface(c, b, w[1])
		case len(w) >= 3 && w[0] == "ip" && w[1] == "route":
			err = frrRoute(ps, b.head, w[2:], "")
		case len(w) == 2 && w[0] == "vrf":
			for _, l := range b.body {
				if lw := strings.Fields(l.text); len(lw) >= 3 && lw[0] == "ip" && lw[1] == "route" {
					if err = frrRoute(ps, l, lw[2:], w[1]); err != nil {
						break
					}
				}
			}
		case len(w) >= 5 && w[0] == "access-list" && w[2] == "seq":
			err = frrACE(ps, b.head, w)
		}
		if err != nil {
			return nil, err
		}
	}
	return ps.done(), nil
}

func (f *FRR) parseInterface(c *netconfig.Config, b block, name string) error {
	i := c.Interfaces[name]
	if i == nil {
		i = f.DefaultInterface(name)
		c.Interfaces[name] = i
	}
	sawAddr := false
	for _, l := range b.body {
		w := strings.Fields(l.text)
		switch {
		case w[0] == "description":
			i.Description = after(l.text, 1)
		case l.text == "shutdown":
			i.Enabled = false
		case l.text == "no shutdown":
			i.Enabled = true
		case len(w) >= 3 && w[0] == "ip" && w[1] == "address" && !sawAddr:
			a, ok := canonicalIfAddr(w[2])
			if !ok {
				return lineError(l.n, l.text, fmt.Errorf("bad address %q", w[2]))
			}
			i.IPv4Address, sawAddr = a, true
		}
	}
	return nil
}

// frrRoute reads `ip route P NH [tag T] [DIST] ...` (staticd's order).
// Anything beyond a distance leaves the route unmanaged.
func frrRoute(ps *parsed, l cfgLine, w []string, vrf string) error {
	if len(w) < 2 {
		return nil
	}
	p, ok := canonicalNetwork(w[0])
	if !ok {
		if strings.Contains(w[0], ":") {
			return nil // not IPv4
		}
		return lineError(l.n, l.text, fmt.Errorf("bad prefix %q", w[0]))
	}
	r := &netconfig.StaticRoute{Prefix: p, NextHop: w[1], VRF: vrf}
	if a, ok := parseIPv4(w[1]); ok {
		r.NextHop = a.String()
	}
	for i := 2; i < len(w); i++ {
		switch {
		case isDigits(w[i]) && r.Distance == 0:
			v, ok := atoiRange(w[i], 1, 255)
			if !ok {
				return lineError(l.n, l.text, fmt.Errorf("distance out of range"))
			}
			r.Distance = v
		case w[i] == "vrf" && i+1 < len(w) && vrf == "":
			r.VRF = w[i+1]
			i++
		default:
			return nil
		}
	}
	if r.Distance == 1 {
		r.Distance = 0
	}
	ps.addRoute(r)
	return nil
}

// frrLegacy tells FRR's numbered (Cisco legacy) lists, whose entries must
// be written in address/wildcard form.
func frrLegacy(name string) (legacy, extended bool) {
	n, ok := atoiRange(name, 1, 2699)
	if !ok {
		return false, false
	}
	switch {
	case n <= 99 || (n >= 1300 && n <= 1999):
		return true, false
	case (n >= 100 && n <= 199) || n >= 2000:
		return true, true
	}
	return false, false
}

func frrACE(ps *parsed, l cfgLine, w []string) error {
	name := w[1]
	seq, ok := atoiRange(w[3], 1, 1<<31-1)
	if !ok || len(w) < 6 {
		return lineError(l.n, l.text, fmt.Errorf("bad access-list entry"))
	}
	action, spec := w[4], w[5:]
	var e netconfig.ACLEntry
	if spec[0] == "ip" {
		e = parseACE(seq, action, spec, false)
		if !IsOpaqueEntry(e) && e.Protocol != "ip" {
			e = opaqueEntry(seq, action, spec)
		}
	} else {
		e = parseACE(seq, action, spec, true)
	}
	ps.acls.put(ps.acl(name), e)
	return nil
}

// Normalize implements Normalizer.
func (f *FRR) Normalize(c *netconfig.Config) error {
	if c == nil {
		return nil
	}
	var errs []error
	if len(c.VLANs) > 0 {
		errs = append(errs, fmt.Errorf("FRR has no VLANs (%d declared)", len(c.VLANs)))
	}
	ifaces := make(map[string]*netconfig.Interface, len(c.Interfaces))
	for key, i := range c.Interfaces {
		if i == nil {
			continue
		}
		if i.Name == "" {
			i.Name = key
		}
		if err := f.normalizeInterface(i); err != nil {
			errs = append(errs, err)
		}
		ifaces[i.Name] = i
	}
	c.Interfaces = ifaces
	errs = append(errs, canonicalRoutes(c, func(r *netconfig.StaticRoute) error {
		if err := canonicalRoutePrefix(r); err != nil {
			return err
		}
		if r.Name != "" {
			return fmt.Errorf("FRR static routes have no name")
		}
		return nil
	})...)
	if c.ACLs == nil {
		c.ACLs = map[string]*netconfig.ACL{}
	}
	for name, a := range c.ACLs {
		if a == nil {
			delete(c.ACLs, name)
			continue
		}
		a.Name = name
		if err := frrNormalizeACL(a); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs("frr", errs)
}

func (f *FRR) normalizeInterface(i *netconfig.Interface) error {
	var errs []error
	n, err := f.CanonicalInterface(i.Name)
	if err != nil {
		return err
	}
	i.Name = n
	i.Description = strings.TrimSpace(i.Description)
	if strings.ContainsAny(i.Description, "\r\n") {
		errs = append(errs, fmt.Errorf("description has a line break"))
	}
	switch i.Mode {
	case "", netconfig.ModeRouted:
		i.Mode = netconfig.ModeRouted
	default:
		errs = append(errs, fmt.Errorf("mode %s: FRR interfaces are routed only", i.Mode))
	}
	if i.AccessVLAN > 1 || i.NativeVLAN > 1 {
		errs = append(errs, fmt.Errorf("FRR has no switchports (access_vlan/native_vlan)"))
	}
	i.AccessVLAN, i.NativeVLAN, i.TrunkVLANs = 0, 0, netconfig.AllVLANs()
	if i.MTU != 0 {
		errs = append(errs, fmt.Errorf("FRR cannot set the MTU (vtysh has no mtu command)"))
	}
	if i.IPv4Address != "" {
		a, ok := canonicalIfAddr(i.IPv4Address)
		if !ok {
			errs = append(errs, fmt.Errorf("ipv4_address %q is not an IPv4 address in CIDR form", i.IPv4Address))
		} else {
			i.IPv4Address = a
		}
	}
	return joinErrs("interface "+i.Name, errs)
}

func frrNormalizeACL(a *netconfig.ACL) error {
	if a.Name == "" || strings.ContainsAny(a.Name, " \t") {
		return fmt.Errorf("acl %q: name must be one word", a.Name)
	}
	if err := canonicalACL(a); err != nil {
		return err
	}
	legacy, extended := frrLegacy(a.Name)
	var errs []error
	seen := map[string]int{}
	for _, e := range a.Entries {
		k := frrSpecKey(a.Name, e)
		if s, dup := seen[k]; dup {
			errs = append(errs, fmt.Errorf("entries %d and %d are the same; FRR ignores the second", s, e.Sequence))
		}
		seen[k] = e.Sequence
		switch {
		case IsOpaqueEntry(e):
			if e.Action != "permit" && e.Action != "deny" {
				errs = append(errs, fmt.Errorf("entry %d: FRR entries are permit or deny", e.Sequence))
			}
		case e.Protocol != "ip" || e.Ports != "" || e.Log:
			errs = append(errs, fmt.Errorf("entry %d: FRR access lists match addresses only (protocol ip, no ports, no log)", e.Sequence))
		case legacy && !extended && e.Destination != "any":
			errs = append(errs, fmt.Errorf("entry %d: standard list %s matches a source only", e.Sequence, a.Name))
		}
	}
	return joinErrs("acl "+a.Name, errs)
}

// frrSpec writes what follows the action of an entry, as FRR prints it.
func frrSpec(name string, e netconfig.ACLEntry) string {
	if IsOpaqueEntry(e) {
		return e.Protocol
	}
	legacy, extended := frrLegacy(name)
	if extended || (!legacy && e.Destination != "any") {
		return "ip " + formatACLAddr(e.Source, addrWildcard, false) + " " + formatACLAddr(e.Destination, addrWildcard, false)
	}
	if legacy {
		return formatACLAddr(e.Source, addrWildcard, true)
	}
	return e.Source
}

func frrEntry(name string, e netconfig.ACLEntry) string {
	return "access-list " + name + " seq " + strconv.Itoa(e.Sequence) + " " + e.Action + " " + frrSpec(name, e)
}

// Lines implements netconfig.Platform. The order and the meaning of want
// are those of IOSStyle.Lines. FRR replaces an access-list entry that is
// re-entered with its sequence number, so changed entries are written over
// in place and a list is never empty on the way.
func (f *FRR) Lines(cur, want *netconfig.Config) []string {
	c, w := cloneOrNew(cur), cloneOrNew(want)
	_ = f.Normalize(c)
	_ = f.Normalize(w)
	var out []string
	if w.Hostname != "" && w.Hostname != c.Hostname {
		out = append(out, "hostname "+w.Hostname)
	}
	for _, name := range sortedACLNames(w.ACLs) {
		wa, ca := w.ACLs[name], c.ACLs[name]
		var curEntries []netconfig.ACLEntry
		if ca != nil {
			curEntries = ca.Entries
		}
		out = append(out, frrACLLines(name, curEntries, wa.Entries)...)
	}
	for _, name := range sortedInterfaceNames(c.Interfaces, w.Interfaces) {
		wi, ci := w.Interfaces[name], c.Interfaces[name]
		def := f.DefaultInterface(name)
		if ci == nil {
			ci = def
		}
		if wi == nil {
			wi = def
		}
		body := frrInterfaceBody(ci, wi)
		if len(body) == 0 {
			continue
		}
		out = append(out, "interface "+name)
		for _, l := range body {
			out = append(out, " "+l)
		}
		out = append(out, "exit")
	}
	write, remove := routesDiff(c, w)
	out = append(out, frrRouteLines(write, "")...)
	out = append(out, frrRouteLines(remove, "no ")...)
	for _, name := range sortedACLNames(c.ACLs) {
		if w.ACLs[name] == nil {
			out = append(out, "no access-list "+name)
		}
	}
	return out
}

// frrACLLines edits one list in place. FRR silently ignores an entry
// equal to one the list already has at another sequence number, so an
// entry that moves is first removed from its old place.
func frrACLLines(name string, cur, want []netconfig.ACLEntry) []string {
	var out []string
	write, changed, remove := entryDiff(cur, want)
	incoming := map[string]bool{}
	for _, e := range write {
		incoming[frrSpecKey(name, e)] = true
	}
	stays := map[int]bool{}
	for _, e := range want {
		stays[e.Sequence] = true
	}
	removed := map[int]bool{}
	for _, e := range cur {
		leaving := !stays[e.Sequence] || changed[e.Sequence]
		if leaving && incoming[frrSpecKey(name, e)] {
			out = append(out, "no "+frrEntry(name, e))
			removed[e.Sequence] = true
		}
	}
	for _, e := range write {
		out = append(out, frrEntry(name, e))
	}
	for _, e := range remove {
		if !removed[e.Sequence] {
			out = append(out, "no "+frrEntry(name, e))
		}
	}
	return out
}

// frrSpecKey is what FRR compares to find a duplicate entry.
func frrSpecKey(name string, e netconfig.ACLEntry) string {
	return e.Action + " " + frrSpec(name, e)
}

func frrInterfaceBody(c, w *netconfig.Interface) []string {
	var out []string
	if !w.Enabled && c.Enabled {
		out = append(out, "shutdown")
	}
	if w.Description != c.Description {
		if w.Description == "" {
			out = append(out, "no description")
		} else {
			out = append(out, "description "+w.Description)
		}
	}
	if w.IPv4Address != c.IPv4Address {
		// Add before removing: FRR keeps both, so the interface is never
		// without an address in between.
		if w.IPv4Address != "" {
			out = append(out, "ip address "+w.IPv4Address)
		}
		if c.IPv4Address != "" {
			out = append(out, "no ip address "+c.IPv4Address)
		}
	}
	if w.Enabled && !c.Enabled {
		out = append(out, "no shutdown")
	}
	return out
}

func frrRouteLine(r *netconfig.StaticRoute, attrs bool) string {
	s := "ip route " + r.Prefix + " " + r.NextHop
	if attrs && r.Distance != 0 {
		s += " " + strconv.Itoa(r.Distance)
	}
	return s
}

func frrRouteLines(routes []*netconfig.StaticRoute, prefix string) []string {
	var out []string
	vrfs, by := sortedRoutesByVRF(routes)
	for _, vrf := range vrfs {
		if vrf == "" {
			for _, r := range by[vrf] {
				out = append(out, prefix+frrRouteLine(r, prefix == ""))
			}
			continue
		}
		out = append(out, "vrf "+vrf)
		for _, r := range by[vrf] {
			out = append(out, " "+prefix+frrRouteLine(r, prefix == ""))
		}
		out = append(out, "exit-vrf")
	}
	return out
}

// Render implements Renderer, in the layout of FRR 8.4's vtysh.
func (f *FRR) Render(c *netconfig.Config) string {
	c = cloneOrNew(c)
	_ = f.Normalize(c)
	var b strings.Builder
	w := func(s string) { b.WriteString(s + "\n") }
	w("Building configuration...")
	w("")
	w("Current configuration:")
	w("!")
	w("frr version 8.4.4")
	w("frr defaults traditional")
	if c.Hostname != "" {
		w("hostname " + c.Hostname)
	}
	w("log syslog informational")
	w("no ipv6 forwarding")
	w("service integrated-vtysh-config")
	w("!")
	vrfs, by := sortedRoutesByVRF(c.Routes)
	if len(by[""]) > 0 {
		for _, r := range sortByPrefix(by[""]) {
			w(frrRouteLine(r, true))
		}
		w("!")
	}
	for _, vrf := range vrfs {
		if vrf == "" {
			continue
		}
		w("vrf " + vrf)
		for _, r := range sortByPrefix(by[vrf]) {
			w(" " + frrRouteLine(r, true))
		}
		w("exit-vrf")
		w("!")
	}
	for _, name := range sortedInterfaceNames(c.Interfaces) {
		i := c.Interfaces[name]
		if interfacesEqual(i, f.DefaultInterface(name)) {
			continue
		}
		w("interface " + name)
		if i.Description != "" {
			w(" description " + i.Description)
		}
		if i.IPv4Address != "" {
			w(" ip address " + i.IPv4Address)
		}
		if !i.Enabled {
			w(" shutdown")
		}
		w("exit")
		w("!")
	}
	if len(c.ACLs) > 0 {
		for _, name := range sortedACLNames(c.ACLs) {
			for _, e := range c.ACLs[name].Entries {
				w(frrEntry(name, e))
			}
		}
		w("!")
	}
	b.WriteString("end")
	return b.String()
}

// sortByPrefix orders routes numerically, as staticd prints them.
func sortByPrefix(rs []*netconfig.StaticRoute) []*netconfig.StaticRoute {
	out := append([]*netconfig.StaticRoute(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, la := splitCIDR(out[i].Prefix)
		b, lb := splitCIDR(out[j].Prefix)
		pa, _ := parseIPv4(a)
		pb, _ := parseIPv4(b)
		if pa != pb {
			return pa.Less(pb)
		}
		if la != lb {
			return la < lb
		}
		return naturalLess(out[i].NextHop, out[j].NextHop)
	})
	return out
}
