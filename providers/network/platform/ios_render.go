package platform

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// Render implements Renderer: the output of `show running-config` for a
// device whose managed configuration is c, with the boilerplate a fresh
// device of this platform prints around it. c is normalised first (on a
// copy); settings Normalize rejects are printed as they are.
func (p *IOSStyle) Render(c *netconfig.Config) string {
	d := p.d
	c = cloneOrNew(c)
	_ = p.Normalize(c)
	var b strings.Builder
	sep := func() {
		if d.vlans != vlanListed {
			b.WriteString("!\n")
		}
	}
	in := func(s string) { b.WriteString(d.indent + s + "\n") }
	line := func(s string) { b.WriteString(s + "\n") }

	if c.Hostname != "" {
		line("hostname " + c.Hostname)
		sep()
	}
	switch d.name {
	case "cisco_iosxe":
		line("vtp mode off")
		sep()
		line("spanning-tree mode rapid-pvst")
		line("spanning-tree extend system-id")
		sep()
	case "arista_eos":
		line("spanning-tree mode mstp")
		sep()
	case "cisco_nxos":
		line("feature interface-vlan")
		line("")
		d.renderACLs(&b, c)
	}
	d.renderVLANs(&b, c, sep)
	if d.name == "cisco_nxos" {
		line("")
		d.renderRoutes(&b, c)
		line("")
	}
	for _, name := range sortedInterfaceNames(c.Interfaces) {
		i := c.Interfaces[name]
		t, _, err := d.resolve(name)
		if err != nil {
			continue
		}
		line("interface " + name)
		d.renderInterface(t, i, in)
		if d.vlans == vlanListed {
			line("")
		} else {
			sep()
		}
	}
	switch d.name {
	case "cisco_iosxe":
		line("ip forward-protocol nd")
		line("ip http server")
		d.renderRoutes(&b, c)
		sep()
		d.renderACLs(&b, c)
		line("line con 0")
		in("stopbits 1")
		line("line vty 0 4")
		in("login")
		sep()
	case "arista_eos":
		d.renderACLs(&b, c)
		line("ip routing")
		sep()
		if len(c.Routes) > 0 {
			d.renderRoutes(&b, c)
			sep()
		}
	case "cisco_nxos":
		line("line console")
		line("line vty")
		line("")
	}
	b.WriteString(d.footer)
	return d.header(c, b.String())
}

func iosHeader(c *netconfig.Config, body string) string {
	body = "!\n! Last configuration change at 09:12:44 UTC Tue Mar 5 2024 by admin\n!\n" +
		"version 17.9\nservice timestamps debug datetime msec\nservice timestamps log datetime msec\n" +
		"!\n" + body
	return fmt.Sprintf("Building configuration...\n\nCurrent configuration : %d bytes\n%s", len(body), body)
}

func eosHeader(c *netconfig.Config, body string) string {
	host := c.Hostname
	if host == "" {
		host = "localhost"
	}
	return "! Command: show running-config\n! device: " + host + " (vEOS-lab, EOS-4.31.2F)\n!\n" +
		"! boot system flash:/vEOS-lab.swi\n!\nno aaa root\n!\n" +
		"transceiver qsfp default-mode 4x10G\n!\nservice routing protocols model multi-agent\n!\n" + body
}

func nxosHeader(c *netconfig.Config, body string) string {
	return "\n!Command: show running-config\n!Running configuration last done at: Tue Mar  5 09:12:44 2024\n" +
		"!Time: Tue Mar  5 09:20:01 2024\n\nversion 9.3(11) Bios:version 05.47 \n" + body
}

func (d *dialect) renderVLANs(b *strings.Builder, c *netconfig.Config, sep func()) {
	var ids []int
	for _, id := range sortedVLANIDs(c.VLANs) {
		if id > 1 {
			ids = append(ids, id)
		}
	}
	plain := func(v *netconfig.VLAN) bool { return v.Name == "" && v.State == "active" }
	block := func(head string, v *netconfig.VLAN) {
		b.WriteString(head + "\n")
		if v.Name != "" {
			b.WriteString(d.indent + "name " + v.Name + "\n")
		}
		if v.State == "suspend" {
			b.WriteString(d.indent + "state suspend\n")
		}
		sep()
	}
	switch d.vlans {
	case vlanEach:
		for _, id := range ids {
			block("vlan "+strconv.Itoa(id), c.VLANs[id])
		}
	case vlanGrouped:
		for i := 0; i < len(ids); {
			v := c.VLANs[ids[i]]
			if !plain(v) {
				block("vlan "+strconv.Itoa(ids[i]), v)
				i++
				continue
			}
			j := i
			for j < len(ids) && plain(c.VLANs[ids[j]]) {
				j++
			}
			block("vlan "+formatVLANList(ids[i:j], d.minRun), v)
			i = j
		}
	case vlanListed:
		b.WriteString("vlan " + formatVLANList(append([]int{1}, ids...), d.minRun) + "\n")
		for _, id := range ids {
			if v := c.VLANs[id]; !plain(v) {
				block("vlan "+strconv.Itoa(id), v)
			}
		}
	}
}

func (d *dialect) renderInterface(t *ifType, i *netconfig.Interface, in func(string)) {
	sub := strings.Contains(i.Name, ".")
	switchable := (t.kind == kindPort || t.kind == kindPortChannel) && !sub
	l2 := i.Mode != netconfig.ModeRouted
	routed := !l2
	defaultUp := !(t.shutWhenRouted && routed)
	if i.Description != "" {
		in("description " + i.Description)
	}
	admin := func() {
		switch {
		case !i.Enabled && defaultUp:
			in("shutdown")
		case i.Enabled && !defaultUp:
			in("no shutdown")
		}
	}
	l2Lines := func() {
		if i.AccessVLAN != 0 {
			in("switchport access vlan " + strconv.Itoa(i.AccessVLAN))
		}
		if i.NativeVLAN != 0 {
			in("switchport trunk native vlan " + strconv.Itoa(i.NativeVLAN))
		}
		if !i.TrunkVLANs.All {
			const cmd = "switchport trunk allowed vlan "
			if len(i.TrunkVLANs.IDs) == 0 {
				in(cmd + "none")
			}
			for k, chunk := range chunkVLANList(i.TrunkVLANs.IDs, d.minRun, d.trunkWrap) {
				if k == 0 {
					in(cmd + chunk)
				} else {
					in(cmd + "add " + chunk)
				}
			}
		}
	}
	addr := func() {
		if i.IPv4Address != "" {
			in(d.ifAddress(i.IPv4Address))
		}
	}
	switch d.name {
	case "cisco_iosxe":
		if l2 && switchable {
			l2Lines()
			if i.Mode != "" {
				in("switchport mode " + i.Mode)
			}
		}
		if routed && switchable {
			in("no switchport")
		}
		if i.MTU != 0 {
			in("mtu " + strconv.Itoa(i.MTU))
		}
		addr()
		if routed && i.IPv4Address == "" {
			in("no ip address")
		}
		admin()
	case "arista_eos":
		admin()
		if i.MTU != 0 {
			in("mtu " + strconv.Itoa(i.MTU))
		}
		if l2 && switchable {
			l2Lines()
			if i.Mode == netconfig.ModeTrunk {
				in("switchport mode trunk")
			}
		}
		if routed && switchable {
			in("no switchport")
		}
		addr()
	case "cisco_nxos":
		if l2 && switchable {
			in("switchport")
			if i.Mode == netconfig.ModeTrunk {
				in("switchport mode trunk")
			}
			l2Lines()
		}
		if i.MTU != 0 {
			in("mtu " + strconv.Itoa(i.MTU))
		}
		addr()
		admin()
	}
}

func (d *dialect) renderRoutes(b *strings.Builder, c *netconfig.Config) {
	routes := append([]*netconfig.StaticRoute(nil), c.Routes...)
	sort.SliceStable(routes, func(i, j int) bool {
		if (routes[i].VRF == "") != (routes[j].VRF == "") {
			return routes[i].VRF == ""
		}
		return routes[i].VRF < routes[j].VRF
	})
	vrfs, by := sortedRoutesByVRF(routes)
	for _, vrf := range vrfs {
		if vrf != "" && d.route == routeNXOS {
			b.WriteString("vrf context " + vrf + "\n")
			for _, r := range by[vrf] {
				b.WriteString(d.indent + d.routeLine(r, true) + "\n")
			}
			continue
		}
		for _, r := range by[vrf] {
			b.WriteString(d.routeLine(r, true) + "\n")
		}
	}
}

func (d *dialect) renderACLs(b *strings.Builder, c *netconfig.Config) {
	for _, name := range sortedACLNames(c.ACLs) {
		a := c.ACLs[name]
		f := d.aceFormat(name, true)
		if numbered, _ := d.aclKind(name); numbered {
			for _, e := range a.Entries {
				b.WriteString("access-list " + name + " " + f.entry(e) + "\n")
			}
			if d.vlans != vlanListed {
				b.WriteString("!\n")
			}
			continue
		}
		b.WriteString(d.aclHeader(name) + "\n")
		for _, e := range a.Entries {
			b.WriteString(d.indent + strconv.Itoa(e.Sequence) + " " + f.entry(e) + "\n")
		}
		if d.vlans != vlanListed {
			b.WriteString("!\n")
		}
	}
}
