package platform

import (
	"reflect"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	if got, want := Names(), []string{"arista_eos", "cisco_iosxe", "cisco_nxos", "frr"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v", got)
	}
	for _, n := range Names() {
		p, err := Lookup(n)
		if err != nil || p.Name() != n {
			t.Errorf("Lookup(%q) = %v, %v", n, p, err)
		}
		if len(p.ErrorMarkers()) == 0 || p.SaveCommand() == "" {
			t.Errorf("%s: no error markers or save command", n)
		}
		if _, ok := p.(Normalizer); !ok {
			t.Errorf("%s is not a Normalizer", n)
		}
		if _, ok := p.(Renderer); !ok {
			t.Errorf("%s is not a Renderer", n)
		}
	}
	_, err := Lookup("cisco_ios")
	if err == nil || !strings.Contains(err.Error(), "cisco_iosxe, cisco_nxos") {
		t.Errorf("unknown platform error should list the valid names: %v", err)
	}
}

func TestErrorMarkersAndSave(t *testing.T) {
	cases := map[string]struct {
		save string
		must []string
	}{
		"cisco_iosxe": {"write memory", []string{"% Invalid input", "% Incomplete command", "% Ambiguous command", "% Unrecognized command", "% Invalid command"}},
		"arista_eos":  {"write memory", []string{"% Invalid input", "% Incomplete command", "% Ambiguous command", "% Error", "% Unavailable command"}},
		"cisco_nxos":  {"copy running-config startup-config", []string{"% Invalid command", "% Incomplete command", "% Invalid parameter", "% Ambiguous command"}},
		"frr":         {"write memory", []string{"% Unknown command", "% Command incomplete", "% Ambiguous command", "% Invalid", "% Malformed"}},
	}
	for name, tc := range cases {
		p := mustLookup(t, name)
		if p.SaveCommand() != tc.save {
			t.Errorf("%s save %q", name, p.SaveCommand())
		}
		have := strings.Join(p.ErrorMarkers(), "\n")
		for _, m := range tc.must {
			if !strings.Contains(have, m) {
				t.Errorf("%s lacks error marker %q", name, m)
			}
		}
	}
}

func TestCanonicalInterface(t *testing.T) {
	const bad = "!"
	cases := []struct {
		in                    string
		iosxe, eos, nxos, frr string
	}{
		{"Gi1/0/1", "GigabitEthernet1/0/1", bad, bad, bad},
		{"gi1/0/1", "GigabitEthernet1/0/1", bad, bad, bad},
		{"Gig1/0/1", "GigabitEthernet1/0/1", bad, bad, bad},
		{"GigabitEthernet1/0/1", "GigabitEthernet1/0/1", bad, bad, bad},
		{"gigabitethernet1/0/1", "GigabitEthernet1/0/1", bad, bad, bad},
		{"Gi 1/0/1", "GigabitEthernet1/0/1", bad, bad, bad},
		{"Te1/1/1", "TenGigabitEthernet1/1/1", bad, bad, bad},
		{"Tw1/0/1", "TwoGigabitEthernet1/0/1", bad, bad, bad},
		{"Twe1/0/1", "TwentyFiveGigE1/0/1", bad, bad, bad},
		{"Fa0/1", "FastEthernet0/1", bad, bad, bad},
		{"Fo1/1/1", "FortyGigabitEthernet1/1/1", bad, bad, bad},
		{"Hu1/0/49", "HundredGigE1/0/49", bad, bad, bad},
		{"Po10", "Port-channel10", "Port-Channel10", "port-channel10", "Po10"},
		{"port-channel10", "Port-channel10", "Port-Channel10", "port-channel10", "port-channel10"},
		{"Vl20", "Vlan20", "Vlan20", "Vlan20", "Vl20"},
		{"vlan20", "Vlan20", "Vlan20", "Vlan20", "vlan20"},
		{"Et1", "Ethernet1", "Ethernet1", "Ethernet1", "Et1"},
		{"Eth1/1", "Ethernet1/1", "Ethernet1/1", "Ethernet1/1", bad},
		{"ethernet1/1", "Ethernet1/1", "Ethernet1/1", "Ethernet1/1", bad},
		{"e1/1", "Ethernet1/1", "Ethernet1/1", "Ethernet1/1", bad},
		{"Ethernet1/1.100", "Ethernet1/1.100", "Ethernet1/1.100", "Ethernet1/1.100", bad},
		{"Lo0", "Loopback0", "Loopback0", "loopback0", "Lo0"},
		{"Ma1", bad, "Management1", "mgmt1", "Ma1"},
		{"Ma0", bad, "Management0", "mgmt0", "Ma0"},
		{"mgmt0", bad, "Management0", "mgmt0", "mgmt0"},
		{"Tu10", "Tunnel10", "Tunnel10", "Tunnel10", "Tu10"},
		{"Gi0/0/1.100", "GigabitEthernet0/0/1.100", bad, bad, bad},
		{"eth0", "Ethernet0", "Ethernet0", "Ethernet0", "eth0"},
		{"lo", bad, bad, bad, "lo"},
		{"br-lan.10", bad, bad, bad, "br-lan.10"},
		{"T1/0/1", bad, "Tunnel1/0/1", "Tunnel1/0/1", bad},
		{"Null0", bad, bad, bad, "Null0"},
		{"Gi01/00/010", "GigabitEthernet1/0/10", bad, bad, bad},
		{"Gi1/0/", bad, bad, bad, bad},
		{"Gi1//1", bad, bad, bad, bad},
		{"1/0/1", bad, bad, bad, bad},
		{"Gi", bad, bad, bad, "Gi"},
		{"", bad, bad, bad, bad},
		{"an interface name far too long", bad, bad, bad, bad},
	}
	for _, tc := range cases {
		for _, pw := range []struct{ platform, want string }{
			{"cisco_iosxe", tc.iosxe}, {"arista_eos", tc.eos}, {"cisco_nxos", tc.nxos}, {"frr", tc.frr},
		} {
			got, err := mustLookup(t, pw.platform).CanonicalInterface(tc.in)
			switch {
			case pw.want == bad && err == nil:
				t.Errorf("%s: CanonicalInterface(%q) = %q, want an error", pw.platform, tc.in, got)
			case pw.want != bad && (err != nil || got != pw.want):
				t.Errorf("%s: CanonicalInterface(%q) = %q, %v; want %q", pw.platform, tc.in, got, err, pw.want)
			}
		}
	}
}

func TestCanonicalInterfaceErrorsExplain(t *testing.T) {
	_, err := NewCiscoIOSXE().CanonicalInterface("T1/0/1")
	if err == nil || !strings.Contains(err.Error(), "ambiguous") || !strings.Contains(err.Error(), "TenGigabitEthernet") {
		t.Errorf("ambiguous abbreviation: %v", err)
	}
	_, err = NewAristaEOS().CanonicalInterface("Gi1/0/1")
	if err == nil || !strings.Contains(err.Error(), "Ethernet") {
		t.Errorf("unknown type should list the known ones: %v", err)
	}
}
