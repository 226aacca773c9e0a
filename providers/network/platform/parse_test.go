package platform

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// TestParseFullConfigs parses the realistic configurations under
// testdata/<platform>/*.cfg and compares every parsed field with the
// reviewed expectation in the .want file beside each.
func TestParseFullConfigs(t *testing.T) {
	for _, name := range Names() {
		p := mustLookup(t, name)
		files, _ := filepath.Glob(filepath.Join("testdata", name, "*.cfg"))
		if len(files) == 0 {
			t.Errorf("%s: no test configurations", name)
		}
		for _, f := range files {
			t.Run(name+"/"+filepath.Base(f), func(t *testing.T) {
				c, err := p.ParseRunningConfig(readFile(t, f))
				if err != nil {
					t.Fatal(err)
				}
				golden(t, strings.TrimSuffix(f, ".cfg")+".want", dump(c))
			})
		}
	}
}

// The quirks, asserted one by one so that a failure names the quirk.
func TestParseQuirksIOSXE(t *testing.T) {
	c, err := NewCiscoIOSXE().ParseRunningConfig(readFile(t, "testdata/cisco_iosxe/cat9300.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int{2, 3, 4, 10} {
		if c.VLANs[id] == nil {
			t.Errorf("vlan 2-4,10 did not create VLAN %d", id)
		}
	}
	if c.VLANs[999] != nil || c.Interfaces["GigabitEthernet1/0/9"] != nil {
		t.Error("banner text was parsed as configuration")
	}
	if v := c.VLANs[30]; v.Name != "" {
		t.Errorf("default name VLAN0030 should read as no name, got %q", v.Name)
	}
	if v := c.VLANs[50]; v.Name != "" {
		t.Errorf("`no name`: got %q", v.Name)
	}
	if v := c.VLANs[40]; v.State != "suspend" {
		t.Errorf("state suspend: got %q", v.State)
	}
	gi2 := c.Interfaces["GigabitEthernet1/0/2"]
	if gi2 == nil || !gi2.TrunkVLANs.Equal(netconfig.VLANSetOf(append(mustVLANs(t, "2-4,10,20,30,40,100-110,200,202,204,206,208"), mustVLANs(t, "210,212,214,216,218,220,300-350")...)...)) {
		t.Errorf("allowed list with `add` continuation: %+v", gi2)
	}
	if gi3 := c.Interfaces["GigabitEthernet1/0/3"]; gi3.TrunkVLANs.All || len(gi3.TrunkVLANs.IDs) != 0 {
		t.Errorf("allowed vlan none: %+v", gi3.TrunkVLANs)
	}
	if gi5 := c.Interfaces["GigabitEthernet1/0/5"]; gi5.Mode != "" || gi5.AccessVLAN != 10 {
		t.Errorf("a switchport without `switchport mode` is IOS's dynamic default: %+v", gi5)
	}
	if gi7 := c.Interfaces["GigabitEthernet1/0/7"]; gi7.AccessVLAN != 0 || gi7.MTU != 0 || gi7.Description != "printer" {
		t.Errorf("defaults printed explicitly should fold to zero values: %+v", gi7)
	}
	if c.Interfaces["GigabitEthernet1/0/4"].Enabled {
		t.Error("shutdown port reads as enabled")
	}
	if r := c.Route("|172.16.0.0/12|GigabitEthernet1/0/6"); r != nil {
		t.Error("interface-plus-gateway route should be left unmanaged")
	}
	if c.ACLs["SNMP-RO"] != nil {
		t.Error("named standard ACLs are not managed")
	}
}

func TestParseQuirksRouter(t *testing.T) {
	c, err := NewCiscoIOSXE().ParseRunningConfig(readFile(t, "testdata/cisco_iosxe/isr4331.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if i := c.Interfaces["GigabitEthernet0/0/2"]; i.IPv4Address != "" || i.Enabled {
		t.Errorf("macro body or banner text leaked into GigabitEthernet0/0/2: %+v", i)
	}
	if i := c.Interfaces["GigabitEthernet0/0/0"]; !i.Enabled || i.IPv4Address != "203.0.113.2/30" {
		t.Errorf("router port: %+v", i)
	}
	if i := c.Interfaces["GigabitEthernet0/0/1.100"]; i.IPv4Address != "10.100.0.1/24" || i.Mode != netconfig.ModeRouted {
		t.Errorf("secondary address must not replace the primary: %+v", i)
	}
	if _, ok := c.Interfaces["Virtual-Template1"]; ok {
		t.Error("unknown interface types are not managed")
	}
	wan := c.ACLs["WAN-IN"].Entries
	if wan[0].Sequence != 10 || wan[len(wan)-1].Sequence != 90 {
		t.Errorf("unnumbered entries are numbered 10, 20, ...: %+v", wan)
	}
}

func mustVLANs(t *testing.T, s string) []int {
	t.Helper()
	ids, err := parseVLANList(s)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestParseErrorsNameTheLine(t *testing.T) {
	cases := []struct{ platform, text, want string }{
		{"cisco_iosxe", "!\nvlan 5000\n!\n", `line 2 "vlan 5000"`},
		{"cisco_iosxe", "interface Gi1/0/1\n switchport access vlan 4095\n", `line 2`},
		{"cisco_iosxe", "interface Gi1/0/1\n ip address 10.0.0.1 255.0.255.0\n", "netmask"},
		{"arista_eos", "interface Ethernet1\n   mtu huge\n", `line 2 "mtu huge"`},
		{"cisco_nxos", "interface Ethernet1/1\n  switchport trunk allowed vlan 10,5000\n", "5000"},
		{"cisco_iosxe", "ip route 10.0.0.0 255.0.255.0 192.0.2.1\n", "netmask"},
		{"frr", "interface eth0\n ip address 10.0.0.300/24\nexit\n", `line 2`},
		{"frr", "access-list X seq banana permit any\n", "line 1"},
	}
	for _, tc := range cases {
		_, err := mustLookup(t, tc.platform).ParseRunningConfig(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: error %v, want it to mention %q", tc.platform, tc.text, err, tc.want)
		}
	}
}

func TestParseEmptyAndGarbage(t *testing.T) {
	for _, name := range Names() {
		p := mustLookup(t, name)
		for _, text := range []string{"", "\n\n", "end", "% Invalid input detected at '^' marker.\n", "interface\nvlan\nip route\naccess-list\n"} {
			c, err := p.ParseRunningConfig(text)
			if err != nil {
				t.Errorf("%s %q: %v", name, text, err)
				continue
			}
			if len(c.VLANs)+len(c.Interfaces)+len(c.Routes)+len(c.ACLs) != 0 {
				t.Errorf("%s %q: parsed %s", name, text, dump(c))
			}
		}
	}
}

// DefaultInterface must be exactly what an empty interface block parses
// to, or a port returned to its defaults would show as drift.
func TestDefaultInterfaceMatchesEmptyBlock(t *testing.T) {
	names := map[string][]string{
		"cisco_iosxe": {"GigabitEthernet1/0/1", "TenGigabitEthernet1/1/1", "Port-channel10", "Vlan20", "Loopback0", "Tunnel1", "GigabitEthernet0/0/1.100"},
		"arista_eos":  {"Ethernet1", "Ethernet1/1", "Port-Channel10", "Vlan20", "Loopback0", "Management1"},
		"cisco_nxos":  {"Ethernet1/1", "port-channel10", "Vlan20", "loopback0", "mgmt0", "Ethernet1/1.10"},
	}
	for pl, ifs := range names {
		p := mustLookup(t, pl)
		for _, n := range ifs {
			c, err := p.ParseRunningConfig("interface " + n + "\n")
			if err != nil {
				t.Fatal(err)
			}
			got := c.Interfaces[n]
			if got == nil || !interfacesEqual(got, p.DefaultInterface(n)) {
				t.Errorf("%s %s: parsed %+v, default %+v", pl, n, got, p.DefaultInterface(n))
			}
		}
	}
	f := NewFRR()
	c, _ := f.ParseRunningConfig("interface eth0\nexit\n")
	if !interfacesEqual(c.Interfaces["eth0"], f.DefaultInterface("eth0")) {
		t.Errorf("frr: %+v", c.Interfaces["eth0"])
	}
}
