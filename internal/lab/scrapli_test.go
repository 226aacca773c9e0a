package lab

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/scrapli/scrapligo/driver/options"
)

// These tests drive the devices with scrapligo and its stock platform
// definitions, exactly as the network provider does, so that anything the
// provider relies on (prompts, on-open commands, error markers) is checked
// against the driver rather than against the lab's own idea of it.

func TestScrapligoOpenAndShowVersion(t *testing.T) {
	for _, tc := range []struct{ platform, want string }{
		{PlatformIOSXE, "Cisco IOS XE Software, Version 17.09.04a"},
		{PlatformEOS, "Arista vEOS-lab"},
		{PlatformNXOS, "cisco Nexus9000 C93180YC-EX chassis"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			d := startDevice(t, DeviceSpec{Platform: tc.platform})
			drv := scrapli(t, d)
			r, err := drv.SendCommand("show version")
			if err != nil {
				t.Fatal(err)
			}
			if r.Failed != nil {
				t.Fatalf("show version failed: %v\n%s", r.Failed, r.Result)
			}
			if !strings.Contains(r.Result, tc.want) {
				t.Errorf("show version lacks %q:\n%s", tc.want, r.Result)
			}
			// on-open sent terminal width and length: two commands, plus
			// show version.
			if n := d.CommandCount(); n != 3 {
				t.Errorf("CommandCount = %d after on-open and one command, want 3", n)
			}
		})
	}
}

func TestScrapligoConfigureAndReadBack(t *testing.T) {
	for _, tc := range []struct {
		platform string
		lines    []string
		want     []string
	}{
		{
			platform: PlatformIOSXE,
			lines: []string{
				"vlan 20", "name finance", "vlan 30", "name sales",
				"interface Gi1/0/48", "description uplink", "switchport mode trunk", "switchport trunk allowed vlan 20,30",
				"interface GigabitEthernet1/0/1", "switchport mode access", "switchport access vlan 20",
				"interface Gi1/0/2", "no switchport", "ip address 10.1.1.1 255.255.255.0", "mtu 9000", "shutdown",
				"ip route 10.0.0.0 255.0.0.0 10.1.1.254 200 name backup",
				"ip access-list extended MGMT", "permit tcp 10.1.1.0 0.0.0.255 any eq 22", "deny ip any any log",
			},
			want: []string{
				"vlan 20\n name finance\n!\nvlan 30\n name sales\n!",
				"interface GigabitEthernet1/0/1\n switchport access vlan 20\n switchport mode access\n!",
				"interface GigabitEthernet1/0/2\n no switchport\n mtu 9000\n ip address 10.1.1.1 255.255.255.0\n shutdown\n!",
				"interface GigabitEthernet1/0/48\n description uplink\n switchport trunk allowed vlan 20,30\n switchport mode trunk\n!",
				"ip route 10.0.0.0 255.0.0.0 10.1.1.254 200 name backup\n",
				"ip access-list extended MGMT\n 10 permit tcp 10.1.1.0 0.0.0.255 any eq 22\n 20 deny   ip any any log\n",
			},
		},
		{
			platform: PlatformEOS,
			lines: []string{
				"vlan 20", "name finance", "vlan 30", "name sales", "state suspend",
				"interface Et48", "description uplink", "switchport mode trunk", "switchport trunk allowed vlan 20,30",
				"interface Ethernet1", "switchport access vlan 20",
				"interface Et2", "no switchport", "ip address 10.1.1.1/24", "mtu 9000", "shutdown",
				"ip route 10.0.0.0/8 10.1.1.254 200 name backup",
				"ip access-list MGMT", "permit tcp 10.1.1.0/24 any eq 22", "deny ip any any log",
			},
			want: []string{
				"vlan 20\n   name finance\n!\nvlan 30\n   name sales\n   state suspend\n!",
				"interface Ethernet1\n   switchport access vlan 20\n!",
				"interface Ethernet2\n   shutdown\n   mtu 9000\n   no switchport\n   ip address 10.1.1.1/24\n!",
				"interface Ethernet48\n   description uplink\n   switchport trunk allowed vlan 20,30\n   switchport mode trunk\n!",
				"ip route 10.0.0.0/8 10.1.1.254 200 name backup\n",
				"ip access-list MGMT\n   10 permit tcp 10.1.1.0/24 any eq ssh\n   20 deny ip any any log\n!",
			},
		},
		{
			platform: PlatformNXOS,
			lines: []string{
				"vlan 20", "name finance", "vlan 30",
				"interface Eth1/48", "description uplink", "switchport mode trunk", "switchport trunk allowed vlan 20,30",
				"interface Ethernet1/2", "no switchport", "ip address 10.1.1.1/24", "no shutdown",
				"ip route 10.0.0.0/8 10.1.1.254 name backup 200",
				"ip access-list MGMT", "permit tcp 10.1.1.0/24 any eq 22",
			},
			want: []string{
				"vlan 1,20,30\nvlan 20\n  name finance\n",
				"interface Ethernet1/2\n  no switchport\n  ip address 10.1.1.1/24\n  no shutdown\n",
				"interface Ethernet1/48\n  description uplink\n  switchport mode trunk\n  switchport trunk allowed vlan 20,30\n",
				"ip route 10.0.0.0/8 10.1.1.254 name backup 200\n",
				"ip access-list MGMT\n  10 permit tcp 10.1.1.0/24 any eq 22\n",
			},
		},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			d := startDevice(t, DeviceSpec{Platform: tc.platform})
			drv := scrapli(t, d)
			mr, err := drv.SendConfigs(tc.lines)
			if err != nil {
				t.Fatal(err)
			}
			if mr.Failed != nil {
				t.Fatalf("configuration failed: %v\n%s", mr.Failed, mr.JoinedResult())
			}
			r, err := drv.SendCommand("show running-config")
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Result, w) {
					t.Errorf("running-config lacks\n%s\n--- got:\n%s", w, r.Result)
				}
			}
			if got := d.Config(); !strings.Contains(got, tc.want[0]) {
				t.Errorf("Device.Config() lacks %q", tc.want[0])
			}
			r, err = drv.SendCommand("show vlan brief")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.Result, "finance") {
				t.Errorf("show vlan brief lacks the finance VLAN:\n%s", r.Result)
			}
		})
	}
}

func TestScrapligoSeesErrors(t *testing.T) {
	for _, tc := range []struct {
		platform, line, want string
	}{
		{PlatformIOSXE, "interface GigabitEthernet1/0/49", "% Invalid input detected at '^' marker."},
		{PlatformIOSXE, "vlan", "% Incomplete command."},
		{PlatformIOSXE, "e", `% Ambiguous command:  "e"`},
		{PlatformIOSXE, "show version", "% Invalid input detected at '^' marker."},
		{PlatformEOS, "interface Ethernet49", "% Invalid input"},
		{PlatformEOS, "vlan", "% Incomplete command"},
		{PlatformNXOS, "interface Ethernet1/49", "% Invalid command at '^' marker."},
	} {
		t.Run(tc.platform+"/"+tc.line, func(t *testing.T) {
			d := startDevice(t, DeviceSpec{Platform: tc.platform})
			drv := scrapli(t, d)
			r, err := drv.SendConfig(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			if r.Failed == nil {
				t.Fatalf("scrapligo did not flag %q as failed:\n%s", tc.line, r.Result)
			}
			if !strings.Contains(r.Result, tc.want) {
				t.Errorf("response to %q lacks %q:\n%s", tc.line, tc.want, r.Result)
			}
		})
	}
}

func TestScrapligoRejectLine(t *testing.T) {
	for _, p := range []string{PlatformIOSXE, PlatformEOS, PlatformNXOS} {
		t.Run(p, func(t *testing.T) {
			d := startDevice(t, DeviceSpec{Platform: p})
			d.RejectLine("name finance")
			drv := scrapli(t, d)
			mr, err := drv.SendConfigs([]string{"vlan 20", "name finance", "vlan 30"}, optStopOnFailed())
			if err != nil {
				t.Fatal(err)
			}
			if mr.Failed == nil {
				t.Fatalf("the rejected line did not fail:\n%s", mr.JoinedResult())
			}
			if len(mr.Responses) != 2 {
				t.Errorf("stop-on-failed sent %d lines, want 2", len(mr.Responses))
			}
			if cfg := d.Config(); strings.Contains(cfg, "finance") || !strings.Contains(cfg, "20") {
				t.Errorf("rejected line changed the configuration, or the line before it did not:\n%s", cfg)
			}
		})
	}
}

func TestScrapligoDropAfter(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE})
	drv := scrapli(t, d)
	d.DropAfter(2)
	mr, err := drv.SendConfigs([]string{"vlan 20", "vlan 30", "vlan 40"})
	if err == nil && mr.Failed == nil {
		t.Fatalf("no error from a connection dropped mid-session:\n%s", mr.JoinedResult())
	}
	// configure terminal and vlan 20 ran; vlan 30 arrived and was lost.
	cfg := d.Config()
	if !strings.Contains(cfg, "vlan 20\n") || strings.Contains(cfg, "vlan 30") {
		t.Errorf("want vlan 20 configured and nothing after it:\n%s", cfg)
	}
	// The fault fires once: a new connection works.
	drv2 := scrapli(t, d)
	if r, err := drv2.SendCommand("show vlan brief"); err != nil || r.Failed != nil {
		t.Fatalf("reconnecting after the drop: %v %v", err, r)
	}
}

func TestScrapligoEnableSecret(t *testing.T) {
	for _, p := range []string{PlatformIOSXE, PlatformEOS} {
		t.Run(p, func(t *testing.T) {
			d := startDevice(t, DeviceSpec{Platform: p, EnableSecret: "en4ble"})
			drv := scrapli(t, d, options.WithAuthSecondary("en4ble"))
			r, err := drv.SendCommand("show running-config")
			if err != nil || r.Failed != nil {
				t.Fatalf("privileged command after enable: %v %v", err, r)
			}
			if !strings.Contains(r.Result, "hostname sw1") {
				t.Errorf("running-config not shown:\n%s", r.Result)
			}
		})
	}
}

func TestScrapligoHostKeyAndCredentials(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE})
	other := startDevice(t, DeviceSpec{Name: "other", Platform: PlatformIOSXE})
	opener := func(user, pass, knownHosts string) error {
		p, err := newScrapliPlatform(d, user, pass, knownHosts)
		if err != nil {
			return err
		}
		drv, err := p.GetNetworkDriver()
		if err != nil {
			return err
		}
		if err := drv.Open(); err != nil {
			return err
		}
		// The device closes the session on the "exit" scrapligo sends
		// when closing, as real ones do, so Close may report EOF.
		if err := drv.Close(); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return nil
	}
	// A known_hosts file naming another key for this address.
	wrong := strings.Replace(other.KnownHostsLine(), ":"+itoa(other.Port()), ":"+itoa(d.Port()), 1)
	if err := opener(d.Username(), d.Password(), writeTemp(t, wrong+"\n")); err == nil || !strings.Contains(err.Error(), "key mismatch") {
		t.Errorf("wrong host key: got %v, want a key mismatch", err)
	}
	if err := opener(d.Username(), "wrong", knownHostsFile(t, d)); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("wrong password: got %v, want an authentication error", err)
	}
	if err := opener(d.Username(), d.Password(), knownHostsFile(t, d)); err != nil {
		t.Errorf("right key and credentials: %v", err)
	}
}

// TestScrapligoTransactions shows, with the stock driver, the ways a
// provider can make one device's changes all-or-nothing on each platform.
func TestScrapligoTransactions(t *testing.T) {
	t.Run("arista_eos configuration session", func(t *testing.T) {
		d := startDevice(t, DeviceSpec{Platform: PlatformEOS})
		drv := scrapli(t, d)
		// The session's prompt, (config-s-stewar)#, matches scrapligo's
		// configuration pattern, so SendConfigs stays in the session.
		if r, err := drv.SendCommand("configure session steward-1"); err != nil || r.Failed != nil {
			t.Fatalf("configure session: %v %v", err, r)
		}
		mr, err := drv.SendConfigs([]string{"vlan 20", "name finance", "interface Ethernet1", "switchport access vlan 20"})
		if err != nil || mr.Failed != nil {
			t.Fatalf("lines in the session: %v %v", err, mr)
		}
		if strings.Contains(d.Config(), "finance") {
			t.Fatal("running-config changed before commit")
		}
		r, err := drv.SendConfig("show session-config diffs")
		if err != nil || !strings.Contains(r.Result, "+   name finance") {
			t.Fatalf("diffs: %v\n%s", err, r.Result)
		}
		if r, err := drv.SendConfig("commit"); err != nil || r.Failed != nil {
			t.Fatalf("commit: %v %v", err, r)
		}
		if !strings.Contains(d.Config(), "vlan 20\n   name finance\n") {
			t.Error("commit did not apply the session")
		}
		// A failing session is aborted and leaves nothing behind.
		d.RejectLine("vlan 30")
		if _, err := drv.SendCommand("configure session steward-2"); err != nil {
			t.Fatal(err)
		}
		mr, _ = drv.SendConfigs([]string{"vlan 25", "vlan 30"}, optStopOnFailed())
		if mr.Failed == nil {
			t.Fatal("the rejected line did not fail")
		}
		if _, err := drv.SendConfig("abort"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(d.Config(), "vlan 25") || len(d.Sessions()) != 0 {
			t.Error("abort left changes or a pending session")
		}
	})
	t.Run("cisco_nxos checkpoint", func(t *testing.T) {
		d := startDevice(t, DeviceSpec{Platform: PlatformNXOS})
		drv := scrapli(t, d)
		if r, err := drv.SendCommand("checkpoint steward"); err != nil || !strings.Contains(r.Result, "Done") {
			t.Fatalf("checkpoint: %v %v", err, r)
		}
		if _, err := drv.SendConfigs([]string{"vlan 20", "name finance"}); err != nil {
			t.Fatal(err)
		}
		r, err := drv.SendCommand("rollback running-config checkpoint steward")
		if err != nil || r.Failed != nil || strings.Contains(d.Config(), "finance") {
			t.Fatalf("rollback: %v %v\n%s", err, r.Failed, d.Config())
		}
		if r, _ := drv.SendCommand("no checkpoint steward"); r.Failed != nil {
			t.Errorf("deleting the checkpoint: %s", r.Result)
		}
	})
	t.Run("cisco_iosxe rollback file and configure replace", func(t *testing.T) {
		d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE})
		drv := scrapli(t, d)
		// copy asks for the destination; `file prompt quiet` stops that.
		if _, err := drv.SendConfig("file prompt quiet"); err != nil {
			t.Fatal(err)
		}
		r, err := drv.SendCommand("copy running-config flash:steward-rollback.cfg")
		if err != nil || r.Failed != nil || !strings.Contains(r.Result, "bytes copied") {
			t.Fatalf("copy: %v %v", err, r)
		}
		if _, err := drv.SendConfigs([]string{"vlan 20", "name finance"}); err != nil {
			t.Fatal(err)
		}
		r, err = drv.SendCommand("configure replace flash:steward-rollback.cfg force")
		if err != nil || !strings.Contains(r.Result, "Rollback Done") || strings.Contains(d.Config(), "finance") {
			t.Fatalf("configure replace: %v\n%s", err, r.Result)
		}
		if r, _ := drv.SendCommand("delete flash:steward-rollback.cfg"); r.Failed != nil || strings.Contains(r.Result, "Error") {
			t.Errorf("delete: %s", r.Result)
		}
		if r, _ := drv.SendCommand("write memory"); !strings.Contains(r.Result, "[OK]") {
			t.Errorf("write memory: %s", r.Result)
		}
	})
}
