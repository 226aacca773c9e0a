package platform

import (
	"strconv"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// lineWidth bounds VLAN lists in generated commands: the line editors of
// these devices truncate or reject very long input lines.
const lineWidth = 200

// Lines implements netconfig.Platform.
//
// want is the complete desired state of the device's managed objects:
// whatever cur has and want lacks is removed (interfaces are returned to
// their defaults). Build want from a clone of cur with the managed
// resources applied. The order is: hostname; new and changed VLANs; new
// and changed ACLs; interfaces; routes added or changed; routes removed;
// VLANs removed; ACLs removed.
//
// An ACL is edited in place, entry by entry (`no 20` then `20 ...` for a
// changed entry, new entries before removed ones), never deleted and
// re-created: on IOS an interface whose ACL is missing or empty passes
// all traffic, so the list stays present throughout. The window left is
// while a changed entry is re-written: for that instant its packets fall
// to the following entries (and a one-entry list is empty). EOS applies
// an ACL's edits together when its mode is exited, so there it has none.
func (p *IOSStyle) Lines(cur, want *netconfig.Config) []string {
	d := p.d
	c, w := cloneOrNew(cur), cloneOrNew(want)
	_ = p.Normalize(c)
	_ = p.Normalize(w)
	var out []string
	if w.Hostname != "" && w.Hostname != c.Hostname {
		out = append(out, "hostname "+w.Hostname)
	}
	out = append(out, d.vlanLines(c, w)...)
	out = append(out, d.aclLines(c, w)...)
	out = append(out, p.interfaceLines(c, w)...)
	write, remove := routesDiff(c, w)
	out = append(out, d.routeLines(write, "")...)
	out = append(out, d.routeLines(remove, "no ")...)
	var gone []int
	for _, id := range sortedVLANIDs(c.VLANs) {
		if w.VLANs[id] == nil {
			gone = append(gone, id)
		}
	}
	for _, chunk := range chunkVLANList(gone, 2, lineWidth) {
		out = append(out, "no vlan "+chunk)
	}
	for _, name := range sortedACLNames(c.ACLs) {
		if w.ACLs[name] != nil {
			continue
		}
		if numbered, _ := d.aclKind(name); numbered {
			out = append(out, "no access-list "+name)
		} else {
			out = append(out, "no "+d.aclHeader(name))
		}
	}
	return out
}

func (d *dialect) vlanLines(c, w *netconfig.Config) []string {
	var plain []int
	var lines []string
	for _, id := range sortedVLANIDs(w.VLANs) {
		wv, cv := w.VLANs[id], c.VLANs[id]
		if cv != nil && *cv == *wv {
			continue
		}
		if cv == nil && wv.Name == "" && wv.State == "active" {
			plain = append(plain, id) // created together on one range line
			continue
		}
		base := cv
		if base == nil {
			base = &netconfig.VLAN{ID: id, State: "active"}
		}
		lines = append(lines, "vlan "+strconv.Itoa(id))
		if base.Name != wv.Name {
			if wv.Name == "" {
				lines = append(lines, " no name")
			} else {
				lines = append(lines, " name "+wv.Name)
			}
		}
		if base.State != wv.State {
			lines = append(lines, " state "+wv.State)
		}
		lines = append(lines, "exit")
	}
	for _, chunk := range chunkVLANList(plain, 2, lineWidth) {
		lines = append(lines, "vlan "+chunk, "exit")
	}
	return lines
}

func (d *dialect) aclLines(c, w *netconfig.Config) []string {
	var out []string
	for _, name := range sortedACLNames(w.ACLs) {
		wa, ca := w.ACLs[name], c.ACLs[name]
		var cur []netconfig.ACLEntry
		if ca != nil {
			if entriesEqual(ca.Entries, wa.Entries) {
				continue
			}
			cur = ca.Entries
		}
		f := d.aceFormat(name, false)
		out = append(out, d.aclHeader(name))
		write, changed, remove := entryDiff(cur, wa.Entries)
		for _, e := range write {
			seq := strconv.Itoa(e.Sequence)
			if changed[e.Sequence] {
				out = append(out, " no "+seq)
			}
			out = append(out, " "+seq+" "+f.entry(e))
		}
		for _, e := range remove {
			out = append(out, " no "+strconv.Itoa(e.Sequence))
		}
		out = append(out, "exit")
	}
	return out
}

func (p *IOSStyle) interfaceLines(c, w *netconfig.Config) []string {
	d := p.d
	var out []string
	for _, name := range sortedInterfaceNames(c.Interfaces, w.Interfaces) {
		wi, ci := w.Interfaces[name], c.Interfaces[name]
		t, _, err := d.resolve(name)
		if err != nil {
			continue // Normalize refused it; nothing sane to send
		}
		logical := t.kind != kindPort || strings.Contains(name, ".")
		if wi == nil {
			if interfacesEqual(ci, p.DefaultInterface(name)) {
				continue
			}
			if logical && t.kind != kindPortChannel && name != "Vlan1" {
				out = append(out, "no interface "+name)
			} else {
				out = append(out, "default interface "+name)
			}
			continue
		}
		base := ci
		if base == nil {
			base = p.DefaultInterface(name)
		}
		body := d.ifaceBody(t, base, wi)
		if len(body) == 0 && (ci != nil || !logical) {
			continue
		}
		out = append(out, "interface "+name)
		for _, l := range body {
			out = append(out, " "+l)
		}
		out = append(out, "exit")
	}
	return out
}

// ifaceBody returns the sub-commands that take an interface from c to w.
// It tracks what each command does to the device along the way: leaving
// routed mode drops the address, leaving switchport mode drops the L2
// settings, so those are not sent twice.
func (d *dialect) ifaceBody(t *ifType, c, w *netconfig.Interface) []string {
	var out []string
	add := func(s string) { out = append(out, s) }
	cc := *c
	if !w.Enabled && cc.Enabled {
		add("shutdown") // first, so the port is never up half-configured
		cc.Enabled = false
	}
	if w.Description != cc.Description {
		if w.Description == "" {
			add("no description")
		} else {
			add("description " + w.Description)
		}
	}
	layerChanged := (w.Mode == netconfig.ModeRouted) != (cc.Mode == netconfig.ModeRouted)
	if w.Mode != cc.Mode {
		switch {
		case w.Mode == netconfig.ModeRouted:
			add("no switchport")
			cc.Mode = netconfig.ModeRouted
			cc.AccessVLAN, cc.NativeVLAN, cc.TrunkVLANs = 0, 0, netconfig.AllVLANs()
		case cc.Mode == netconfig.ModeRouted:
			if cc.IPv4Address != "" {
				add("no ip address")
				cc.IPv4Address = ""
			}
			add("switchport")
			cc.Mode = netconfig.ModeAccess
			if d.dtp {
				cc.Mode = ""
			}
		}
		if w.Mode != cc.Mode {
			if w.Mode == "" {
				add("no switchport mode")
			} else {
				add("switchport mode " + w.Mode)
			}
		}
	}
	if w.Mode != netconfig.ModeRouted {
		if w.AccessVLAN != cc.AccessVLAN {
			if w.AccessVLAN == 0 {
				add("no switchport access vlan")
			} else {
				add("switchport access vlan " + strconv.Itoa(w.AccessVLAN))
			}
		}
		if w.NativeVLAN != cc.NativeVLAN {
			if w.NativeVLAN == 0 {
				add("no switchport trunk native vlan")
			} else {
				add("switchport trunk native vlan " + strconv.Itoa(w.NativeVLAN))
			}
		}
		out = append(out, trunkLines(cc.TrunkVLANs, w.TrunkVLANs)...)
	}
	if w.MTU != cc.MTU {
		if w.MTU == 0 {
			add("no mtu")
		} else {
			add("mtu " + strconv.Itoa(w.MTU))
		}
	}
	if (w.Mode == netconfig.ModeRouted || w.Mode == "") && w.IPv4Address != cc.IPv4Address {
		if w.IPv4Address == "" {
			add("no ip address")
		} else {
			add(d.ifAddress(w.IPv4Address))
		}
	}
	// NX-OS may change a port's admin state when it moves between layer 2
	// and layer 3: say the wanted state outright.
	explicitAdmin := layerChanged && t.shutWhenRouted
	if w.Enabled && (!cc.Enabled || explicitAdmin) {
		add("no shutdown")
	} else if !w.Enabled && explicitAdmin && !containsLine(out, "shutdown") {
		add("shutdown")
	}
	return out
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

// trunkLines changes an allowed list with add/remove where both sides are
// explicit, so VLANs that stay are never touched.
func trunkLines(c, w netconfig.VLANSet) []string {
	const cmd = "switchport trunk allowed vlan "
	if c.Equal(w) {
		return nil
	}
	var out []string
	switch {
	case w.All:
		return []string{cmd + "all"}
	case len(w.IDs) == 0:
		return []string{cmd + "none"}
	case c.All || len(c.IDs) == 0:
		for i, chunk := range chunkVLANList(w.IDs, 2, lineWidth) {
			if i == 0 {
				out = append(out, cmd+chunk)
			} else {
				out = append(out, cmd+"add "+chunk)
			}
		}
	default:
		for _, chunk := range chunkVLANList(vlanDiff(w.IDs, c.IDs), 2, lineWidth) {
			out = append(out, cmd+"add "+chunk)
		}
		for _, chunk := range chunkVLANList(vlanDiff(c.IDs, w.IDs), 2, lineWidth) {
			out = append(out, cmd+"remove "+chunk)
		}
	}
	return out
}

// routeLines writes routes (prefix "") or their removal (prefix "no ").
// NX-OS keeps routes of a VRF under `vrf context V`.
func (d *dialect) routeLines(routes []*netconfig.StaticRoute, prefix string) []string {
	var out []string
	attrs := prefix == ""
	vrfs, by := sortedRoutesByVRF(routes)
	for _, vrf := range vrfs {
		if vrf != "" && d.route == routeNXOS {
			out = append(out, "vrf context "+vrf)
			for _, r := range by[vrf] {
				out = append(out, " "+prefix+d.routeLine(r, attrs))
			}
			out = append(out, "exit")
			continue
		}
		for _, r := range by[vrf] {
			out = append(out, prefix+d.routeLine(r, attrs))
		}
	}
	return out
}
