package platform

import (
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// Starting configurations for the Lines scenarios, as each device prints
// them.
var linesBase = map[string]string{
	"cisco_iosxe": `hostname sw1
vlan 10
 name users
!
vlan 20
 name voice
!
vlan 30
!
interface GigabitEthernet1/0/1
 switchport access vlan 10
 switchport mode access
!
interface GigabitEthernet1/0/2
 switchport trunk allowed vlan 10,20,30
 switchport mode trunk
!
interface GigabitEthernet1/0/3
 description old desk
 switchport access vlan 20
 switchport mode access
 shutdown
!
interface GigabitEthernet1/0/4
!
interface Loopback1
 ip address 10.255.255.11 255.255.255.255
!
ip route 10.0.0.0 255.0.0.0 192.0.2.1
ip route vrf MGMT 0.0.0.0 0.0.0.0 192.168.0.1
!
ip access-list extended MGMT
 10 permit tcp 10.0.0.0 0.0.0.255 any eq 22
 20 permit tcp any host 10.255.255.11 eq 22
 30 deny ip any any log
!
end
`,
	"arista_eos": `hostname leaf1
!
vlan 10
   name users
!
vlan 20
   name voice
!
vlan 30
!
interface Ethernet1
   switchport access vlan 10
!
interface Ethernet2
   switchport trunk allowed vlan 10,20,30
   switchport mode trunk
!
interface Ethernet3
   description old desk
   shutdown
   switchport access vlan 20
!
interface Ethernet4
!
interface Loopback1
   ip address 10.255.255.11/32
!
ip access-list MGMT
   10 permit tcp 10.0.0.0/24 any eq ssh
   20 permit tcp any host 10.255.255.11 eq ssh
   30 deny ip any any log
!
ip route 10.0.0.0/8 192.0.2.1
ip route vrf MGMT 0.0.0.0/0 192.168.0.1
!
end
`,
	"cisco_nxos": `hostname n9k1
ip access-list MGMT
  10 permit tcp 10.0.0.0/24 any eq 22
  20 permit tcp any 10.255.255.11/32 eq 22
  30 deny ip any any log
vlan 1,10,20,30
vlan 10
  name users
vlan 20
  name voice

ip route 10.0.0.0/8 192.0.2.1
vrf context MGMT
  ip route 0.0.0.0/0 192.168.0.1

interface Ethernet1/1
  switchport
  switchport access vlan 10

interface Ethernet1/2
  switchport
  switchport mode trunk
  switchport trunk allowed vlan 10,20,30

interface Ethernet1/3
  description old desk
  switchport
  switchport access vlan 20
  shutdown

interface Ethernet1/4

interface loopback1
  ip address 10.255.255.11/32
`,
}

var portNames = map[string][4]string{
	"cisco_iosxe": {"GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/3", "GigabitEthernet1/0/4"},
	"arista_eos":  {"Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4"},
	"cisco_nxos":  {"Ethernet1/1", "Ethernet1/2", "Ethernet1/3", "Ethernet1/4"},
}

type linesCase struct {
	name   string
	change func(w *netconfig.Config, port [4]string)
	want   map[string]string // platform -> expected lines, one per line
}

func TestLinesGolden(t *testing.T) {
	for _, tc := range linesCases {
		for _, pl := range []string{"cisco_iosxe", "arista_eos", "cisco_nxos"} {
			want, ok := tc.want[pl]
			if !ok {
				continue
			}
			t.Run(tc.name+"/"+pl, func(t *testing.T) {
				p := mustLookup(t, pl)
				cur, err := p.ParseRunningConfig(linesBase[pl])
				if err != nil {
					t.Fatal(err)
				}
				w := cur.Clone()
				tc.change(w, portNames[pl])
				got := p.Lines(cur, w)
				linesEqual(t, got, splitWant(want))
			})
		}
	}
}

func splitWant(s string) []string {
	s = strings.TrimPrefix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
