package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newConsole returns a device (not listening) and a function running
// configuration lines on its console.
func newConsole(t *testing.T, platform string) (*Device, func(lines ...string) string) {
	t.Helper()
	d, err := NewDevice(DeviceSpec{Name: "sw1", Platform: platform, Username: "admin", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	return d, func(lines ...string) string {
		return d.Console(append(append([]string{"configure terminal"}, lines...), "end")...)
	}
}

func TestConfigSemantics(t *testing.T) {
	for _, tc := range []struct {
		name     string
		platform string
		lines    []string
		want     []string // substrings of the running-config
		notWant  []string
		output   []string // substrings of what the console printed
	}{
		{
			name: "ios vlan range and list printing", platform: PlatformIOSXE,
			lines: []string{"vlan 2-4,10", "vlan 20", "name finance", "vlan 30", "state suspend"},
			want:  []string{"\nvlan 2-4,10\n!\nvlan 20\n name finance\n!\nvlan 30\n state suspend\n!\n"},
		},
		{
			name: "ios no name and no vlan", platform: PlatformIOSXE,
			lines:   []string{"vlan 20", "name finance", "no name", "vlan 30", "exit", "no vlan 30", "no vlan 1"},
			want:    []string{"\nvlan 20\n!\n"},
			notWant: []string{"finance", "vlan 30"},
			output:  []string{"%Default VLAN 1 may not be deleted."},
		},
		{
			name: "ios trunk add and remove, long lists split", platform: PlatformIOSXE,
			lines: []string{"interface Gi1/0/1", "switchport mode trunk", "switchport trunk allowed vlan 10,20",
				"switchport trunk allowed vlan add 30", "switchport trunk allowed vlan remove 10",
				"interface Gi1/0/2", "switchport trunk allowed vlan 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39",
				"interface Gi1/0/3", "switchport trunk allowed vlan none",
				"interface Gi1/0/4", "switchport trunk allowed vlan except 1-100"},
			want: []string{
				"interface GigabitEthernet1/0/1\n switchport trunk allowed vlan 20,30\n switchport mode trunk\n!",
				" switchport trunk allowed vlan 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35\n switchport trunk allowed vlan add 37,39\n",
				"interface GigabitEthernet1/0/3\n switchport trunk allowed vlan none\n!",
				"interface GigabitEthernet1/0/4\n switchport trunk allowed vlan 101-4094\n!",
			},
		},
		{
			name: "ios access vlan is created on demand", platform: PlatformIOSXE,
			lines:  []string{"interface Gi1/0/5", "switchport access vlan 42"},
			want:   []string{"\nvlan 42\n!", "interface GigabitEthernet1/0/5\n switchport access vlan 42\n!"},
			output: []string{"% Access VLAN does not exist. Creating vlan 42"},
		},
		{
			name: "ios addresses only on routed ports", platform: PlatformIOSXE,
			lines:   []string{"interface Gi1/0/6", "ip address 10.0.0.1 255.255.255.0"},
			notWant: []string{"10.0.0.1"},
			output:  []string{"% IP addresses may not be configured on L2 links."},
		},
		{
			name: "ios default interface", platform: PlatformIOSXE,
			lines:   []string{"interface Gi1/0/7", "description x", "shutdown", "exit", "default interface Gi1/0/7"},
			want:    []string{"interface GigabitEthernet1/0/7\n!"},
			notWant: []string{"description x"},
			output:  []string{"Interface GigabitEthernet1/0/7 set to default configuration"},
		},
		{
			name: "ios svi and loopback", platform: PlatformIOSXE,
			lines: []string{"interface Vlan20", "ip address 10.20.0.1 255.255.255.0", "interface Loopback0", "ip address 10.255.0.1 255.255.255.255"},
			want:  []string{"interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n!\ninterface GigabitEthernet0/0", "interface Vlan20\n ip address 10.20.0.1 255.255.255.0\n!"},
		},
		{
			name: "ios route errors", platform: PlatformIOSXE,
			lines:   []string{"ip route 10.1.1.1 255.255.0.0 10.0.0.1", "no ip route 10.9.0.0 255.255.0.0"},
			notWant: []string{"ip route 10.1"},
			output:  []string{"%Inconsistent address and mask", "%No matching route to delete"},
		},
		{
			name: "ios routes replace and delete", platform: PlatformIOSXE,
			lines: []string{"ip route 10.1.0.0 255.255.0.0 10.0.0.1", "ip route 10.1.0.0 255.255.0.0 10.0.0.1 250 name backup",
				"ip route 10.2.0.0 255.255.0.0 Null0", "ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 192.168.0.1",
				"ip route 10.3.0.0 255.255.0.0 10.0.0.3", "no ip route 10.3.0.0 255.255.0.0"},
			want:    []string{"ip route 10.1.0.0 255.255.0.0 10.0.0.1 250 name backup\nip route 10.2.0.0 255.255.0.0 Null0\nip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 192.168.0.1\n"},
			notWant: []string{"10.3.0.0"},
		},
		{
			name: "ios acl entries", platform: PlatformIOSXE,
			lines: []string{"ip access-list extended WEB", "permit tcp any host 10.0.0.5 eq 80", "permit udp 10.0.0.0 0.0.0.255 any eq 53",
				"15 permit icmp any any echo", "deny ip any any log", "no 15", "remark done",
				"ip access-list standard SNMP", "permit 10.0.0.1", "permit host 10.0.0.2", "permit 10.1.0.0 0.0.255.255"},
			want: []string{
				"ip access-list extended WEB\n 10 permit tcp any host 10.0.0.5 eq www\n 20 permit udp 10.0.0.0 0.0.0.255 any eq domain\n 30 deny   ip any any log\n 40 remark done\n",
				"ip access-list standard SNMP\n 10 permit 10.0.0.1\n 20 permit 10.0.0.2\n 30 permit 10.1.0.0 0.0.255.255\n",
			},
			notWant: []string{"echo"},
		},
		{
			name: "ios duplicate sequence", platform: PlatformIOSXE,
			lines:  []string{"ip access-list extended A", "10 permit ip any any", "10 deny ip any any"},
			output: []string{"% Duplicate sequence number"},
		},
		{
			name: "ios no ip access-list", platform: PlatformIOSXE,
			lines:   []string{"ip access-list extended A", "permit ip any any", "exit", "no ip access-list extended A"},
			notWant: []string{"access-list extended A"},
		},
		{
			name: "eos vlans and defaults", platform: PlatformEOS,
			lines: []string{"vlan 2-4", "vlan 20", "name finance", "interface Et3", "switchport mode trunk", "switchport trunk native vlan 99",
				"interface Et4", "no switchport", "ip address 10.4.0.1/24", "interface Et5", "ip address 10.5.0.1/24"},
			want: []string{"\nvlan 2-4\n!\nvlan 20\n   name finance\n!\n",
				"interface Ethernet3\n   switchport trunk native vlan 99\n   switchport mode trunk\n!",
				"interface Ethernet4\n   no switchport\n   ip address 10.4.0.1/24\n!",
				"interface Ethernet5\n   ip address 10.5.0.1/24\n!"},
			output: []string{"! IP configuration will be ignored while interface Ethernet5 is not a routed port."},
		},
		{
			name: "eos acl names ports and prefixes", platform: PlatformEOS,
			lines: []string{"ip access-list A", "permit tcp 10.0.0.0 0.0.0.255 host 10.1.1.1 eq 443", "permit udp any any range 1000 2000", "deny ip 10.9.9.9/32 any"},
			want:  []string{"ip access-list A\n   10 permit tcp 10.0.0.0/24 host 10.1.1.1 eq https\n   20 permit udp any any range 1000 2000\n   30 deny ip host 10.9.9.9 any\n!"},
		},
		{
			name: "eos routes", platform: PlatformEOS,
			lines: []string{"ip route 10.1.2.3/16 10.0.0.1", "ip route vrf MGMT 0.0.0.0/0 192.168.0.1 name oob"},
			want:  []string{"ip route 10.1.0.0/16 10.0.0.1\nip route vrf MGMT 0.0.0.0/0 192.168.0.1 name oob\n!"},
		},
		{
			name: "nxos vlan list, routed ports and vrf routes", platform: PlatformNXOS,
			lines: []string{"vlan 10,20", "vlan 20", "name web", "interface Vlan20", "ip address 10.20.0.1/24", "no shutdown",
				"vrf context blue", "ip route 0.0.0.0/0 10.20.0.254"},
			want: []string{"vlan 1,10,20\nvlan 20\n  name web\n", "vrf context blue\n  ip route 0.0.0.0/0 10.20.0.254\n",
				"interface Vlan20\n  ip address 10.20.0.1/24\n  no shutdown\n"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, run := newConsole(t, tc.platform)
			out := run(tc.lines...)
			cfg := d.Config()
			for _, w := range tc.want {
				if !strings.Contains(cfg, w) {
					t.Errorf("running-config lacks\n%s\n--- console:\n%s", w, out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(cfg, w) {
					t.Errorf("running-config has %q", w)
				}
			}
			for _, w := range tc.output {
				if !strings.Contains(out, w) {
					t.Errorf("console output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestParserErrors(t *testing.T) {
	for _, tc := range []struct {
		platform, line, want string
	}{
		{PlatformIOSXE, "co", `% Ambiguous command:  "co"`},
		{PlatformIOSXE, "sh ver", "Cisco IOS XE Software"},
		{PlatformIOSXE, "show interfaces statu", "Port         Name               Status"},
		{PlatformIOSXE, "terminal width 513", "% Invalid input detected at '^' marker."},
		{PlatformIOSXE, "show running-config | include ^hostname", "\nhostname sw1\n"},
		{PlatformIOSXE, "show running-config | frob x", "% Invalid input detected at '^' marker."},
		{PlatformEOS, "show vlan brie", "VLAN  Name"},
		{PlatformEOS, "terminal width 32767", "sw1#"},
		{PlatformEOS, "show running-config interfaces", "% Invalid input (at token 2: 'interfaces')"},
		{PlatformEOS, "configure session", "sw1(config-s-sessio)#"},
		{PlatformNXOS, "terminal width 512", "% Invalid command at '^' marker."},
		{PlatformNXOS, "show interface status", "Eth1/48"},
	} {
		t.Run(tc.platform+"/"+tc.line, func(t *testing.T) {
			d, _ := newConsole(t, tc.platform)
			out := d.Console(tc.line)
			if !strings.Contains(out, tc.want) {
				t.Errorf("%q: output lacks %q:\n%s", tc.line, tc.want, out)
			}
		})
	}
}

func TestIOSConfigModeNeedsDo(t *testing.T) {
	d, run := newConsole(t, PlatformIOSXE)
	out := run("show vlan brief", "do show vlan brief")
	if !strings.Contains(out, "sw1(config)#show vlan brief\n            ^\n% Invalid input detected at '^' marker.") {
		t.Errorf("show in configuration mode should be invalid on IOS-XE:\n%s", out)
	}
	if !strings.Contains(out, "1    default") {
		t.Errorf("do show did not run:\n%s", out)
	}
	_ = d
}

func TestRunningConfigHeaders(t *testing.T) {
	d, run := newConsole(t, PlatformIOSXE)
	cfg := d.Config()
	if !strings.HasPrefix(cfg, "Building configuration...\n\nCurrent configuration : ") || !strings.HasSuffix(cfg, "\nend\n\n") {
		t.Errorf("IOS-XE running-config framing:\n%.200s ... %q", cfg, cfg[len(cfg)-20:])
	}
	if strings.Contains(cfg, "Last configuration change") {
		t.Error("an unchanged device claims a configuration change")
	}
	run("hostname core-2")
	d.Console("write memory")
	cfg = d.Config()
	for _, w := range []string{"! Last configuration change at ", " by console\n", "! NVRAM config last updated at ", "\nhostname core-2\n"} {
		if !strings.Contains(cfg, w) {
			t.Errorf("running-config lacks %q", w)
		}
	}
	e, _ := newConsole(t, PlatformEOS)
	if cfg := e.Config(); !strings.HasPrefix(cfg, "! Command: show running-config\n! device: sw1 (vEOS-lab, EOS-4.31.2F)\n") || !strings.HasSuffix(cfg, "\nend\n") {
		t.Errorf("EOS running-config framing:\n%s", cfg)
	}
}

// fixture reads a real device's output from the shared fixtures.
func fixture(t *testing.T, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "fixtures", "network", "ntc", rel))
	if err != nil {
		t.Skipf("fixture not available: %v", err)
	}
	return string(data)
}

// TestShowOutputShapedLikeRealDevices compares the column layout of the
// lab's tables with output captured from real devices: same header lines,
// and the data rows put each column where the real device does.
func TestShowOutputShapedLikeRealDevices(t *testing.T) {
	for _, tc := range []struct {
		platform, cmd, fixture string
		headerLines            int
		// header is the index of the line naming the columns; cols are
		// the columns whose start is checked in the first data row.
		header int
		cols   []string
	}{
		{PlatformIOSXE, "show vlan", "cisco_ios/show_vlan/cisco_ios_show_vlan.raw", 2, 0, []string{"Name", "Status", "Ports"}},
		{PlatformEOS, "show vlan", "arista_eos/show_vlan/arista_eos_show_vlan.raw", 2, 0, []string{"Name", "Status", "Ports"}},
		{PlatformNXOS, "show vlan", "cisco_nxos/show_vlan/cisco_nxos_show_vlan.raw", 3, 1, []string{"Name", "Status", "Ports"}},
		{PlatformEOS, "show interfaces status", "arista_eos/show_interfaces_status/arista_eos_show_interfaces_status_encap.raw", 1, 0, []string{"Status", "Vlan", "Duplex", "Speed", "Type"}},
	} {
		t.Run(tc.platform+"/"+tc.cmd, func(t *testing.T) {
			real := strings.Split(fixture(t, tc.fixture), "\n")
			d, run := newConsole(t, tc.platform)
			run("vlan 10", "name Test1")
			out := d.Console("terminal length 0", tc.cmd)
			lines := strings.Split(out, "\n")
			start := -1
			for i, l := range lines {
				if strings.HasSuffix(l, tc.cmd) {
					start = i + 1
					break
				}
			}
			if start < 0 {
				t.Fatalf("command not found in output:\n%s", out)
			}
			for k := 0; k < tc.headerLines; k++ {
				if strings.TrimRight(lines[start+k], " ") != strings.TrimRight(real[k], " ") {
					t.Errorf("header line %d:\n got %q\nwant %q", k, lines[start+k], real[k])
				}
			}
			header, row := real[tc.header], lines[start+tc.headerLines]
			for _, col := range tc.cols {
				i := strings.Index(header, col)
				if i < 0 || len(row) <= i || row[i] == ' ' || row[i-1] != ' ' {
					t.Errorf("column %s starts at %d in the real output; lab row is %q", col, i, row)
				}
			}
		})
	}
}
