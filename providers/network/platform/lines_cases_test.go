package platform

import (
	"github.com/stewardhq/steward/providers/network/netconfig"
)

var linesCases = []linesCase{
	{name: "no change", change: func(w *netconfig.Config, port [4]string) {}, want: map[string]string{
		"cisco_iosxe": ``,
		"arista_eos":  ``,
		"cisco_nxos":  ``,
	}},
	{name: "add VLANs", change: func(w *netconfig.Config, port [4]string) {
		w.VLANs[100] = &netconfig.VLAN{ID: 100, Name: "servers", State: "active"}
		for _, id := range []int{200, 201, 202, 210} {
			w.VLANs[id] = &netconfig.VLAN{ID: id, State: "active"}
		}
		w.VLANs[300] = &netconfig.VLAN{ID: 300, Name: "quarantine", State: "suspend"}
	}, want: map[string]string{
		"cisco_iosxe": `
vlan 100
 name servers
exit
vlan 300
 name quarantine
 state suspend
exit
vlan 200-202,210
exit
`,
		"arista_eos": `
vlan 100
 name servers
exit
vlan 300
 name quarantine
 state suspend
exit
vlan 200-202,210
exit
`,
		"cisco_nxos": `
vlan 100
 name servers
exit
vlan 300
 name quarantine
 state suspend
exit
vlan 200-202,210
exit
`,
	}},
	{name: "rename VLAN", change: func(w *netconfig.Config, port [4]string) {
		w.VLANs[10].Name = "staff"
		w.VLANs[20].Name = ""
		w.VLANs[30].Name = "VLAN0030"
	}, want: map[string]string{
		"cisco_iosxe": `
vlan 10
 name staff
exit
vlan 20
 no name
exit
`,
		"arista_eos": `
vlan 10
 name staff
exit
vlan 20
 no name
exit
`,
		"cisco_nxos": `
vlan 10
 name staff
exit
vlan 20
 no name
exit
`,
	}},
	{name: "delete VLAN used by a trunk", change: func(w *netconfig.Config, port [4]string) {
		delete(w.VLANs, 30)
		w.Interfaces[port[1]].TrunkVLANs = netconfig.VLANSetOf(10, 20)
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/2
 switchport trunk allowed vlan remove 30
exit
no vlan 30
`,
		"arista_eos": `
interface Ethernet2
 switchport trunk allowed vlan remove 30
exit
no vlan 30
`,
		"cisco_nxos": `
interface Ethernet1/2
 switchport trunk allowed vlan remove 30
exit
no vlan 30
`,
	}},
	{name: "access to trunk", change: func(w *netconfig.Config, port [4]string) {
		i := w.Interfaces[port[0]]
		i.Mode, i.AccessVLAN, i.NativeVLAN = netconfig.ModeTrunk, 0, 99
		i.TrunkVLANs = netconfig.VLANSetOf(10, 20, 30)
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/1
 switchport mode trunk
 no switchport access vlan
 switchport trunk native vlan 99
 switchport trunk allowed vlan 10,20,30
exit
`,
		"arista_eos": `
interface Ethernet1
 switchport mode trunk
 no switchport access vlan
 switchport trunk native vlan 99
 switchport trunk allowed vlan 10,20,30
exit
`,
		"cisco_nxos": `
interface Ethernet1/1
 switchport mode trunk
 no switchport access vlan
 switchport trunk native vlan 99
 switchport trunk allowed vlan 10,20,30
exit
`,
	}},
	{name: "trunk to access", change: func(w *netconfig.Config, port [4]string) {
		i := w.Interfaces[port[1]]
		i.Mode, i.AccessVLAN, i.TrunkVLANs = netconfig.ModeAccess, 30, netconfig.AllVLANs()
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/2
 switchport mode access
 switchport access vlan 30
 switchport trunk allowed vlan all
exit
`,
		"arista_eos": `
interface Ethernet2
 switchport mode access
 switchport access vlan 30
 switchport trunk allowed vlan all
exit
`,
		"cisco_nxos": `
interface Ethernet1/2
 switchport mode access
 switchport access vlan 30
 switchport trunk allowed vlan all
exit
`,
	}},
	{name: "trunk allowed add and remove", change: func(w *netconfig.Config, port [4]string) {
		w.Interfaces[port[1]].TrunkVLANs = netconfig.VLANSetOf(10, 30, 40, 41, 42, 50)
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/2
 switchport trunk allowed vlan add 40-42,50
 switchport trunk allowed vlan remove 20
exit
`,
		"arista_eos": `
interface Ethernet2
 switchport trunk allowed vlan add 40-42,50
 switchport trunk allowed vlan remove 20
exit
`,
		"cisco_nxos": `
interface Ethernet1/2
 switchport trunk allowed vlan add 40-42,50
 switchport trunk allowed vlan remove 20
exit
`,
	}},
	{name: "trunk allowed all", change: func(w *netconfig.Config, port [4]string) {
		w.Interfaces[port[1]].TrunkVLANs = netconfig.AllVLANs()
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/2
 switchport trunk allowed vlan all
exit
`,
		"arista_eos": `
interface Ethernet2
 switchport trunk allowed vlan all
exit
`,
		"cisco_nxos": `
interface Ethernet1/2
 switchport trunk allowed vlan all
exit
`,
	}},
	{name: "trunk allowed none", change: func(w *netconfig.Config, port [4]string) {
		w.Interfaces[port[1]].TrunkVLANs = netconfig.VLANSetOf()
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/2
 switchport trunk allowed vlan none
exit
`,
		"arista_eos": `
interface Ethernet2
 switchport trunk allowed vlan none
exit
`,
		"cisco_nxos": `
interface Ethernet1/2
 switchport trunk allowed vlan none
exit
`,
	}},
	{name: "routed port with IP", change: func(w *netconfig.Config, port [4]string) {
		i := w.Interfaces[port[3]]
		i.Mode, i.IPv4Address, i.Description, i.Enabled = netconfig.ModeRouted, "10.255.0.1/30", "p2p core", true
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/4
 description p2p core
 no switchport
 ip address 10.255.0.1 255.255.255.252
exit
`,
		"arista_eos": `
interface Ethernet4
 description p2p core
 no switchport
 ip address 10.255.0.1/30
exit
`,
		"cisco_nxos": `
interface Ethernet1/4
 description p2p core
 ip address 10.255.0.1/30
 no shutdown
exit
`,
	}},
	{name: "MTU change", change: func(w *netconfig.Config, port [4]string) {
		w.Interfaces[port[0]].MTU = 9000
		w.Interfaces[port[1]].MTU = 1500 // the default: no line
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/1
 mtu 9000
exit
`,
		"arista_eos": `
interface Ethernet1
 mtu 9000
exit
`,
		"cisco_nxos": `
interface Ethernet1/1
 mtu 9000
exit
`,
	}},
	{name: "enable and describe", change: func(w *netconfig.Config, port [4]string) {
		i := w.Interfaces[port[2]]
		i.Enabled, i.Description = true, "new desk"
		w.Interfaces[port[0]].Enabled = false
	}, want: map[string]string{
		"cisco_iosxe": `
interface GigabitEthernet1/0/1
 shutdown
exit
interface GigabitEthernet1/0/3
 description new desk
 no shutdown
exit
`,
		"arista_eos": `
interface Ethernet1
 shutdown
exit
interface Ethernet3
 description new desk
 no shutdown
exit
`,
		"cisco_nxos": `
interface Ethernet1/1
 shutdown
exit
interface Ethernet1/3
 description new desk
 no shutdown
exit
`,
	}},
	{name: "routes add and remove with vrf", change: func(w *netconfig.Config, port [4]string) {
		w.Routes = []*netconfig.StaticRoute{
			{Prefix: "10.0.0.0/8", NextHop: "192.0.2.1", Distance: 5, Name: "CORE"},
			{Prefix: "172.16.0.0/12", NextHop: "192.0.2.2"},
			{Prefix: "10.50.0.0/16", NextHop: "10.1.1.1", VRF: "TENANT", Name: "T1"},
		}
	}, want: map[string]string{
		"cisco_iosxe": `
ip route 10.0.0.0 255.0.0.0 192.0.2.1 5 name CORE
ip route 172.16.0.0 255.240.0.0 192.0.2.2
ip route vrf TENANT 10.50.0.0 255.255.0.0 10.1.1.1 name T1
no ip route vrf MGMT 0.0.0.0 0.0.0.0 192.168.0.1
`,
		"arista_eos": `
ip route 10.0.0.0/8 192.0.2.1 5 name CORE
ip route 172.16.0.0/12 192.0.2.2
ip route vrf TENANT 10.50.0.0/16 10.1.1.1 name T1
no ip route vrf MGMT 0.0.0.0/0 192.168.0.1
`,
		"cisco_nxos": `
ip route 10.0.0.0/8 192.0.2.1 name CORE 5
ip route 172.16.0.0/12 192.0.2.2
vrf context TENANT
 ip route 10.50.0.0/16 10.1.1.1 name T1
exit
vrf context MGMT
 no ip route 0.0.0.0/0 192.168.0.1
exit
`,
	}},
	{name: "ACL entry change", change: func(w *netconfig.Config, port [4]string) {
		a := w.ACLs["MGMT"]
		a.Entries = []netconfig.ACLEntry{
			{Sequence: 10, Action: "permit", Protocol: "tcp", Source: "10.0.0.0/24", Destination: "any", Ports: "eq 22"},
			{Sequence: 20, Action: "permit", Protocol: "tcp", Source: "10.9.0.0/16", Destination: "10.255.255.11/32", Ports: "range 8080 8090", Log: true},
			{Sequence: 25, Action: "permit", Protocol: "udp", Source: "any", Destination: "any", Ports: "eq 161"},
			{Sequence: 30, Action: "deny", Protocol: "ip", Source: "any", Destination: "any", Log: true},
		}
	}, want: map[string]string{
		"cisco_iosxe": `
ip access-list extended MGMT
 no 20
 20 permit tcp 10.9.0.0 0.0.255.255 host 10.255.255.11 range 8080 8090 log
 25 permit udp any any eq 161
exit
`,
		"arista_eos": `
ip access-list MGMT
 no 20
 20 permit tcp 10.9.0.0/16 host 10.255.255.11 range 8080 8090 log
 25 permit udp any any eq 161
exit
`,
		"cisco_nxos": `
ip access-list MGMT
 no 20
 20 permit tcp 10.9.0.0/16 10.255.255.11/32 range 8080 8090 log
 25 permit udp any any eq 161
exit
`,
	}},
	{name: "ACL create and delete", change: func(w *netconfig.Config, port [4]string) {
		delete(w.ACLs, "MGMT")
		w.ACLs["WEB"] = &netconfig.ACL{Name: "WEB", Entries: []netconfig.ACLEntry{
			{Sequence: 10, Action: "permit", Protocol: "tcp", Source: "any", Destination: "host 10.1.1.10", Ports: "eq www"},
			{Sequence: 20, Action: "deny", Protocol: "ip", Source: "any", Destination: "any"},
		}}
	}, want: map[string]string{
		"cisco_iosxe": `
ip access-list extended WEB
 10 permit tcp any host 10.1.1.10 eq 80
 20 deny ip any any
exit
no ip access-list extended MGMT
`,
		"arista_eos": `
ip access-list WEB
 10 permit tcp any host 10.1.1.10 eq 80
 20 deny ip any any
exit
no ip access-list MGMT
`,
		"cisco_nxos": `
ip access-list WEB
 10 permit tcp any 10.1.1.10/32 eq 80
 20 deny ip any any
exit
no ip access-list MGMT
`,
	}},
	{name: "interface removal", change: func(w *netconfig.Config, port [4]string) {
		delete(w.Interfaces, port[2])
		delete(w.Interfaces, port[3]) // already default: nothing to do
		for n, i := range w.Interfaces {
			if i.IPv4Address == "10.255.255.11/32" {
				delete(w.Interfaces, n)
			}
		}
	}, want: map[string]string{
		"cisco_iosxe": `
default interface GigabitEthernet1/0/3
no interface Loopback1
`,
		"arista_eos": `
default interface Ethernet3
no interface Loopback1
`,
		"cisco_nxos": `
default interface Ethernet1/3
no interface loopback1
`,
	}},
	{name: "new loopback", change: func(w *netconfig.Config, port [4]string) {
		for n, i := range w.Interfaces {
			if i.IPv4Address == "10.255.255.11/32" {
				lo := *i
				lo.Name = n[:len(n)-1] + "2"
				lo.IPv4Address = ""
				w.Interfaces[lo.Name] = &lo
			}
		}
	}, want: map[string]string{
		"cisco_iosxe": `
interface Loopback2
exit
`,
		"arista_eos": `
interface Loopback2
exit
`,
		"cisco_nxos": `
interface loopback2
exit
`,
	}},
}
