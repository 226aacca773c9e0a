package platform

import (
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

func linesFor(t *testing.T, platform, curText string, change func(w *netconfig.Config)) []string {
	t.Helper()
	p := mustLookup(t, platform)
	cur, err := p.ParseRunningConfig(curText)
	if err != nil {
		t.Fatal(err)
	}
	w := cur.Clone()
	change(w)
	return p.Lines(cur, w)
}

func TestLinesRoutedToSwitched(t *testing.T) {
	toAccess := func(name string) func(w *netconfig.Config) {
		return func(w *netconfig.Config) {
			i := w.Interfaces[name]
			i.Mode, i.IPv4Address, i.AccessVLAN = netconfig.ModeAccess, "", 20
		}
	}
	got := linesFor(t, "cisco_iosxe", "interface GigabitEthernet1/0/6\n no switchport\n ip address 10.0.0.1 255.255.255.252\n", toAccess("GigabitEthernet1/0/6"))
	linesEqual(t, got, []string{
		"interface GigabitEthernet1/0/6",
		" no ip address",
		" switchport",
		" switchport mode access",
		" switchport access vlan 20",
		"exit",
	})
	// NX-OS: the port was up as a routed port; say so again as a switchport.
	got = linesFor(t, "cisco_nxos", "interface Ethernet1/49\n  ip address 10.0.0.1/31\n  no shutdown\n", toAccess("Ethernet1/49"))
	linesEqual(t, got, []string{
		"interface Ethernet1/49",
		" no ip address",
		" switchport",
		" switchport access vlan 20",
		" no shutdown",
		"exit",
	})
}

func TestLinesSwitchedToRoutedDropsL2(t *testing.T) {
	// The L2 settings go with `no switchport`: no line resets them.
	got := linesFor(t, "arista_eos", "interface Ethernet2\n   switchport trunk native vlan 99\n   switchport trunk allowed vlan 10,20\n   switchport mode trunk\n",
		func(w *netconfig.Config) {
			i := w.Interfaces["Ethernet2"]
			*i = netconfig.Interface{Name: i.Name, Enabled: true, Mode: netconfig.ModeRouted, IPv4Address: "10.1.0.1/31", TrunkVLANs: netconfig.AllVLANs()}
		})
	linesEqual(t, got, []string{"interface Ethernet2", " no switchport", " ip address 10.1.0.1/31", "exit"})
}

func TestLinesIOSDynamicDefault(t *testing.T) {
	got := linesFor(t, "cisco_iosxe", "interface GigabitEthernet1/0/1\n switchport access vlan 10\n switchport mode access\n", func(w *netconfig.Config) {
		w.Interfaces["GigabitEthernet1/0/1"].Mode = ""
	})
	linesEqual(t, got, []string{"interface GigabitEthernet1/0/1", " no switchport mode", "exit"})
	// On an IOS-XE router a port is routed by default and Mode stays "".
	got = linesFor(t, "cisco_iosxe", "interface GigabitEthernet0/0/0\n ip address 203.0.113.2 255.255.255.252\n", func(w *netconfig.Config) {
		w.Interfaces["GigabitEthernet0/0/0"].IPv4Address = "203.0.113.6/30"
	})
	linesEqual(t, got, []string{"interface GigabitEthernet0/0/0", " ip address 203.0.113.6 255.255.255.252", "exit"})
}

// One plan touching everything: VLANs and ACLs exist before ports use
// them, ports let go of a VLAN before it is deleted, routes come after
// the addresses that reach their next hops.
func TestLinesOrder(t *testing.T) {
	got := linesFor(t, "cisco_iosxe", linesBase["cisco_iosxe"], func(w *netconfig.Config) {
		w.VLANs[40] = &netconfig.VLAN{ID: 40, Name: "cameras", State: "active"}
		delete(w.VLANs, 30)
		w.Interfaces["GigabitEthernet1/0/1"].AccessVLAN = 40
		w.Interfaces["GigabitEthernet1/0/2"].TrunkVLANs = netconfig.VLANSetOf(10, 20, 40)
		w.Interfaces["GigabitEthernet1/0/4"].Mode = netconfig.ModeRouted
		w.Interfaces["GigabitEthernet1/0/4"].IPv4Address = "10.9.9.1/30"
		w.Routes = append(w.Routes, &netconfig.StaticRoute{Prefix: "10.99.0.0/16", NextHop: "10.9.9.2"})
		w.Routes = dropRoute(w.Routes, "|10.0.0.0/8|192.0.2.1")
		w.ACLs["CAMS"] = &netconfig.ACL{Name: "CAMS", Entries: []netconfig.ACLEntry{{Sequence: 10, Action: "permit", Protocol: "udp", Source: "any", Destination: "10.40.0.0/16", Ports: "range 554 555"}}}
		w.Hostname = "sw1-renamed"
	})
	linesEqual(t, got, splitWant(`
hostname sw1-renamed
vlan 40
 name cameras
exit
ip access-list extended CAMS
 10 permit udp any 10.40.0.0 0.0.255.255 range 554 555
exit
interface GigabitEthernet1/0/1
 switchport access vlan 40
exit
interface GigabitEthernet1/0/2
 switchport trunk allowed vlan add 40
 switchport trunk allowed vlan remove 30
exit
interface GigabitEthernet1/0/4
 no switchport
 ip address 10.9.9.1 255.255.255.252
exit
ip route 10.99.0.0 255.255.0.0 10.9.9.2
no ip route 10.0.0.0 255.0.0.0 192.0.2.1
no vlan 30
`))
}

func dropRoute(rs []*netconfig.StaticRoute, key string) []*netconfig.StaticRoute {
	var out []*netconfig.StaticRoute
	for _, r := range rs {
		if r.RouteKey() != key {
			out = append(out, r)
		}
	}
	return out
}

func TestLinesLongTrunkListIsSplit(t *testing.T) {
	var ids []int
	for v := 2; v < 1200; v += 2 {
		ids = append(ids, v)
	}
	got := linesFor(t, "cisco_iosxe", "interface GigabitEthernet1/0/2\n switchport mode trunk\n", func(w *netconfig.Config) {
		w.Interfaces["GigabitEthernet1/0/2"].TrunkVLANs = netconfig.VLANSetOf(ids...)
	})
	if len(got) < 5 || !strings.HasPrefix(got[1], " switchport trunk allowed vlan 2,4,") || !strings.HasPrefix(got[2], " switchport trunk allowed vlan add ") {
		t.Fatalf("unexpected lines: %q", got)
	}
	for _, l := range got {
		if len(l) > lineWidth+40 {
			t.Errorf("line of %d characters", len(l))
		}
	}
	// What the device prints back parses to the same set.
	text := "interface GigabitEthernet1/0/2\n switchport mode trunk\n" + strings.Join(got[1:len(got)-1], "\n") + "\n"
	c, err := NewCiscoIOSXE().ParseRunningConfig(text)
	if err != nil || !c.Interfaces["GigabitEthernet1/0/2"].TrunkVLANs.Equal(netconfig.VLANSetOf(ids...)) {
		t.Errorf("split list does not add up: %v", err)
	}
}

func TestLinesNilAndEmpty(t *testing.T) {
	for _, name := range Names() {
		p := mustLookup(t, name)
		if got := p.Lines(nil, nil); len(got) != 0 {
			t.Errorf("%s: Lines(nil, nil) = %q", name, got)
		}
		if got := p.Lines(netconfig.New(), &netconfig.Config{}); len(got) != 0 {
			t.Errorf("%s: Lines(empty, zero) = %q", name, got)
		}
	}
}

// Wanted configurations written by hand, in any spelling the user may
// use, produce no lines when the device already matches.
func TestLinesNormalisesWant(t *testing.T) {
	p := NewCiscoIOSXE()
	cur, err := p.ParseRunningConfig(linesBase["cisco_iosxe"])
	if err != nil {
		t.Fatal(err)
	}
	w := cur.Clone()
	gi1 := w.Interfaces["GigabitEthernet1/0/1"]
	delete(w.Interfaces, "GigabitEthernet1/0/1")
	gi1.Name = "gi1/0/1"
	w.Interfaces["gi1/0/1"] = gi1
	w.Interfaces["GigabitEthernet1/0/2"].TrunkVLANs = netconfig.VLANSetOf(30, 20, 10, 20)
	w.Interfaces["GigabitEthernet1/0/4"].MTU = 1500
	w.VLANs[30].Name = "VLAN0030"
	r := w.Route("|10.0.0.0/8|192.0.2.1")
	r.Prefix, r.Distance = "10.1.2.3/8", 1
	w.ACLs["MGMT"].Entries[1].Destination = "host 10.255.255.11"
	w.ACLs["MGMT"].Entries[1].Ports = "eq ssh"
	if got := p.Lines(cur, w); len(got) != 0 {
		t.Errorf("equivalent configuration produced lines: %q", got)
	}
}

const frrBase = `frr version 8.4.4
frr defaults traditional
hostname r1
!
ip route 10.10.0.0/16 10.0.0.254
ip route 10.20.0.0/16 10.0.0.254 5
!
vrf red
 ip route 10.40.0.0/16 10.0.0.254
exit-vrf
!
interface eth0
 description uplink
 ip address 10.0.0.1/24
exit
!
interface eth1
 shutdown
exit
!
access-list MGMT seq 5 permit 10.0.0.0/8
access-list MGMT seq 10 deny any
!
end
`

func TestLinesFRR(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *netconfig.Config)
		want   string
	}{
		{"no change", func(w *netconfig.Config) {}, ""},
		{"interface settings", func(w *netconfig.Config) {
			e := w.Interfaces["eth0"]
			e.Description, e.IPv4Address = "uplink to core", "10.0.0.2/24"
			w.Interfaces["eth1"].Enabled = true
			w.Interfaces["eth2"] = &netconfig.Interface{Name: "eth2", Enabled: false, Description: "spare"}
		}, `
interface eth0
 description uplink to core
 ip address 10.0.0.2/24
 no ip address 10.0.0.1/24
exit
interface eth1
 no shutdown
exit
interface eth2
 shutdown
 description spare
exit
`},
		{"interface removal", func(w *netconfig.Config) {
			delete(w.Interfaces, "eth0")
			delete(w.Interfaces, "eth1")
		}, `
interface eth0
 no description
 no ip address 10.0.0.1/24
exit
interface eth1
 no shutdown
exit
`},
		{"routes with vrf", func(w *netconfig.Config) {
			w.Routes = []*netconfig.StaticRoute{
				{Prefix: "10.20.0.0/16", NextHop: "10.0.0.254", Distance: 7},
				{Prefix: "10.30.0.0/16", NextHop: "blackhole"},
				{Prefix: "10.41.0.0/16", NextHop: "10.0.0.254", VRF: "red"},
			}
		}, `
ip route 10.20.0.0/16 10.0.0.254 7
ip route 10.30.0.0/16 blackhole
vrf red
 ip route 10.41.0.0/16 10.0.0.254
exit-vrf
no ip route 10.10.0.0/16 10.0.0.254
vrf red
 no ip route 10.40.0.0/16 10.0.0.254
exit-vrf
`},
		{"access list change", func(w *netconfig.Config) {
			w.ACLs["MGMT"].Entries = []netconfig.ACLEntry{
				{Sequence: 5, Action: "permit", Protocol: "ip", Source: "10.0.0.0/16", Destination: "any"},
				{Sequence: 7, Action: "permit", Protocol: "ip", Source: "host 10.9.9.9", Destination: "any"},
			}
			w.ACLs["EXT"] = &netconfig.ACL{Name: "EXT", Entries: []netconfig.ACLEntry{
				{Sequence: 10, Action: "deny", Source: "10.1.0.0/16", Destination: "10.2.0.0/16"},
			}}
		}, `
access-list EXT seq 10 deny ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
access-list MGMT seq 5 permit 10.0.0.0/16
access-list MGMT seq 7 permit 10.9.9.9/32
no access-list MGMT seq 10 deny any
`},
		// FRR ignores an entry equal to one the list still has, so the
		// entry moving from 5 to 7 leaves 5 first (seen on FRR 8.4).
		{"access list entry moves", func(w *netconfig.Config) {
			w.ACLs["MGMT"].Entries = []netconfig.ACLEntry{
				{Sequence: 5, Action: "deny", Source: "10.0.0.0/16", Destination: "any"},
				{Sequence: 7, Action: "permit", Source: "10.0.0.0/8", Destination: "any"},
				{Sequence: 10, Action: "deny", Source: "any", Destination: "any"},
			}
		}, `
no access-list MGMT seq 5 permit 10.0.0.0/8
access-list MGMT seq 5 deny 10.0.0.0/16
access-list MGMT seq 7 permit 10.0.0.0/8
`},
		{"access list removal", func(w *netconfig.Config) { delete(w.ACLs, "MGMT") }, `
no access-list MGMT
`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			linesEqual(t, linesFor(t, "frr", frrBase, tc.change), splitWant(tc.want))
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	cases := []struct {
		platform string
		build    func(c *netconfig.Config)
		want     string
	}{
		{"frr", func(c *netconfig.Config) { c.VLANs[10] = &netconfig.VLAN{ID: 10} }, "no VLANs"},
		{"frr", func(c *netconfig.Config) {
			c.Interfaces["eth0"] = &netconfig.Interface{Name: "eth0", MTU: 9000, TrunkVLANs: netconfig.AllVLANs()}
		}, "MTU"},
		{"frr", func(c *netconfig.Config) {
			c.Interfaces["eth0"] = &netconfig.Interface{Name: "eth0", Mode: netconfig.ModeTrunk}
		}, "routed only"},
		{"frr", func(c *netconfig.Config) {
			c.Routes = []*netconfig.StaticRoute{{Prefix: "10.0.0.0/8", NextHop: "192.0.2.1", Name: "X"}}
		}, "no name"},
		{"frr", func(c *netconfig.Config) {
			c.ACLs["A"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{{Sequence: 5, Action: "permit", Protocol: "tcp", Source: "any", Destination: "any", Ports: "eq 22"}}}
		}, "addresses only"},
		{"frr", func(c *netconfig.Config) {
			c.ACLs["A"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{
				{Sequence: 5, Action: "permit", Source: "10.0.0.0/8", Destination: "any"},
				{Sequence: 10, Action: "permit", Source: "10.0.0.0/8", Destination: "any"}}}
		}, "FRR ignores the second"},
		{"cisco_iosxe", func(c *netconfig.Config) { c.VLANs[1] = &netconfig.VLAN{ID: 1} }, "VLAN 1"},
		{"cisco_iosxe", func(c *netconfig.Config) { c.VLANs[1003] = &netconfig.VLAN{ID: 1003} }, "reserved"},
		{"cisco_iosxe", func(c *netconfig.Config) { c.VLANs[20] = &netconfig.VLAN{ID: 20, State: "down"} }, "state"},
		{"cisco_iosxe", func(c *netconfig.Config) {
			c.Interfaces["Vlan10"] = &netconfig.Interface{Name: "Vlan10", Mode: netconfig.ModeAccess, TrunkVLANs: netconfig.AllVLANs()}
		}, "cannot be a switchport"},
		{"arista_eos", func(c *netconfig.Config) {
			c.Interfaces["Et1"] = &netconfig.Interface{Name: "Et1", Mode: netconfig.ModeAccess, IPv4Address: "10.0.0.1/24", TrunkVLANs: netconfig.AllVLANs()}
		}, "needs mode routed"},
		{"arista_eos", func(c *netconfig.Config) {
			c.Interfaces["Et1"] = &netconfig.Interface{Name: "Et1", Mode: netconfig.ModeRouted, AccessVLAN: 20, TrunkVLANs: netconfig.AllVLANs()}
		}, "only to switchports"},
		{"arista_eos", func(c *netconfig.Config) {
			c.Interfaces["Et1"] = &netconfig.Interface{Name: "Et1", IPv4Address: "10.0.0.1"}
		}, "CIDR"},
		{"cisco_nxos", func(c *netconfig.Config) {
			c.Interfaces["Eth1/1"] = &netconfig.Interface{Name: "Eth1/1", Mode: netconfig.ModeAccess, TrunkVLANs: netconfig.VLANSetOf(5000)}
		}, "out of range"},
		{"cisco_nxos", func(c *netconfig.Config) {
			c.Interfaces["Eth1/1"] = &netconfig.Interface{Name: "Eth1/1", TrunkVLANs: netconfig.AllVLANs()}
			c.Interfaces["Ethernet1/1"] = &netconfig.Interface{Name: "Ethernet1/1", TrunkVLANs: netconfig.AllVLANs()}
		}, "declared twice"},
		{"cisco_nxos", func(c *netconfig.Config) {
			c.Routes = []*netconfig.StaticRoute{{Prefix: "10.0.0.0/8", NextHop: "192.0.2.1"}, {Prefix: "10.0.0.0/8", NextHop: "192.0.2.1", Distance: 5}}
		}, "declared twice"},
		{"cisco_nxos", func(c *netconfig.Config) {
			c.Routes = []*netconfig.StaticRoute{{Prefix: "10.0.0.0", NextHop: "192.0.2.1"}}
		}, "CIDR"},
		{"cisco_iosxe", func(c *netconfig.Config) {
			c.ACLs["A"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{{Sequence: 10, Action: "allow", Source: "any", Destination: "any"}}}
		}, "permit or deny"},
		{"cisco_iosxe", func(c *netconfig.Config) {
			c.ACLs["A"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{{Sequence: 10, Action: "permit", Protocol: "icmp", Source: "any", Destination: "any", Ports: "eq 22"}}}
		}, "tcp or udp"},
		{"cisco_iosxe", func(c *netconfig.Config) {
			c.ACLs["A"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{{Sequence: 10, Action: "permit", Protocol: "tcp", Source: "any", Destination: "any", Ports: "eq nosuchport"}}}
		}, "bad ports"},
		{"cisco_iosxe", func(c *netconfig.Config) {
			c.ACLs["A"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{
				{Sequence: 10, Action: "permit", Source: "any", Destination: "any"},
				{Sequence: 10, Action: "deny", Source: "any", Destination: "any"}}}
		}, "used twice"},
		{"cisco_iosxe", func(c *netconfig.Config) {
			c.ACLs["10"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{{Sequence: 10, Action: "permit", Protocol: "tcp", Source: "any", Destination: "any"}}}
		}, "standard ACL"},
	}
	for _, tc := range cases {
		c := netconfig.New()
		tc.build(c)
		p := mustLookup(t, tc.platform).(Normalizer)
		err := p.Normalize(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to mention %q", tc.platform, err, tc.want)
		}
	}
}

func TestNormalizeCanonicalises(t *testing.T) {
	c := netconfig.New()
	c.Interfaces["gi1/0/1"] = &netconfig.Interface{Name: "gi1/0/1", Enabled: true, AccessVLAN: 1, TrunkVLANs: netconfig.VLANSetOf(allBut(nil)...), MTU: 1500}
	c.VLANs[20] = &netconfig.VLAN{Name: "VLAN0020"}
	c.ACLs["A"] = &netconfig.ACL{Entries: []netconfig.ACLEntry{
		{Action: "PERMIT", Protocol: "6", Source: "10.1.2.3/8", Destination: "192.0.2.1", Ports: "eq www ssh"},
		{Action: "deny", Protocol: "pim", Source: "any", Destination: "any"},
	}}
	if err := NewCiscoIOSXE().Normalize(c); err != nil {
		t.Fatal(err)
	}
	got := dump(c)
	want := `hostname ""
vlan 20 name="" state=active
interface GigabitEthernet1/0/1 desc="" enabled=true mode="" access=0 native=0 trunk=all ipv4="" mtu=0
acl A entries=2
  10 permit tcp src=10.0.0.0/8 dst=192.0.2.1/32 ports="eq 80 22" log=false
  20 deny 103 src=any dst=any ports="" log=false
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
