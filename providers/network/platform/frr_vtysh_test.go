package platform

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// TestFRRVtysh applies Lines to a real FRR through vtysh and reads the
// result back with `show running-config`. It runs only when STEWARD_VTYSH
// holds the command that starts vtysh, for example "vtysh" or
// "ip netns exec lab vtysh -N lab", and it rewrites that FRR's
// interfaces, static routes and access lists: point it at a scratch FRR.
func TestFRRVtysh(t *testing.T) {
	cmdline := strings.Fields(os.Getenv("STEWARD_VTYSH"))
	if len(cmdline) == 0 {
		t.Skip("STEWARD_VTYSH not set")
	}
	p := NewFRR()
	// Commands go in on stdin, as in an interactive session: with -c,
	// vtysh stops at the first command that only warns (removing an
	// address the kernel never had), which a session does not.
	vtysh := func(cmds ...string) string {
		cmd := exec.Command(cmdline[0], cmdline[1:]...)
		cmd.Stdin = strings.NewReader(strings.Join(cmds, "\n") + "\n")
		out, err := cmd.CombinedOutput()
		if _, exited := err.(*exec.ExitError); err != nil && !exited {
			t.Fatalf("vtysh: %v", err)
		}
		return string(out)
	}
	read := func() *netconfig.Config {
		out := vtysh("terminal length 0", "show running-config")
		i := strings.Index(out, "Building configuration")
		if i < 0 {
			t.Fatalf("no configuration in:\n%s", out)
		}
		c, err := p.ParseRunningConfig(out[i:])
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	apply := func(want *netconfig.Config) {
		t.Helper()
		lines := p.Lines(read(), want)
		out := vtysh(append([]string{"configure terminal"}, append(lines, "end")...)...)
		for _, m := range p.ErrorMarkers() {
			if strings.Contains(out, m) {
				t.Fatalf("device rejected a line (%s):\n%s\nlines:\n%s", m, out, strings.Join(lines, "\n"))
			}
		}
		got := read()
		if again := p.Lines(got, want); len(again) != 0 {
			t.Fatalf("not converged, still to send: %q\nlines sent:\n%s\nvtysh said:\n%s", again, strings.Join(lines, "\n"), out)
		}
	}
	host := read().Hostname

	step1 := netconfig.New()
	step1.Hostname = host
	step1.Interfaces["eth0"] = &netconfig.Interface{Name: "eth0", Enabled: true, Description: "uplink: core-1 (te0/1)", IPv4Address: "10.0.0.1/24"}
	step1.Interfaces["eth1"] = &netconfig.Interface{Name: "eth1", Enabled: false, Description: "spare"}
	step1.Interfaces["lo"] = &netconfig.Interface{Name: "lo", Enabled: true, IPv4Address: "192.0.2.1/32"}
	step1.Routes = []*netconfig.StaticRoute{
		{Prefix: "10.10.0.0/16", NextHop: "10.0.0.254"},
		{Prefix: "10.20.0.0/16", NextHop: "10.0.0.254", Distance: 5},
		{Prefix: "10.30.0.0/16", NextHop: "blackhole", Distance: 250},
		{Prefix: "10.40.0.0/16", NextHop: "10.0.0.254", VRF: "red"},
	}
	step1.ACLs["MGMT"] = &netconfig.ACL{Name: "MGMT", Entries: []netconfig.ACLEntry{
		{Sequence: 5, Action: "permit", Source: "10.0.0.0/8", Destination: "any"},
		{Sequence: 10, Action: "permit", Source: "host 192.168.1.1", Destination: "any"},
		{Sequence: 15, Action: "deny", Source: "any", Destination: "any"},
	}}
	step1.ACLs["EXT"] = &netconfig.ACL{Name: "EXT", Entries: []netconfig.ACLEntry{
		{Sequence: 5, Action: "permit", Source: "10.1.0.0/16", Destination: "10.2.0.0/16"},
	}}
	step1.ACLs["10"] = &netconfig.ACL{Name: "10", Entries: []netconfig.ACLEntry{
		{Sequence: 5, Action: "permit", Source: "10.0.0.0/24", Destination: "any"},
	}}
	apply(step1)

	step2 := step1.Clone()
	step2.Interfaces["eth0"].IPv4Address = "10.0.0.2/24"
	step2.Interfaces["eth0"].Description = ""
	step2.Interfaces["eth1"].Enabled = true
	step2.Routes = []*netconfig.StaticRoute{
		{Prefix: "10.10.0.0/16", NextHop: "10.0.0.254", Distance: 7},
		{Prefix: "10.30.0.0/16", NextHop: "blackhole", Distance: 250},
		{Prefix: "10.41.0.0/16", NextHop: "10.0.0.254", VRF: "red"},
	}
	step2.ACLs["MGMT"].Entries = []netconfig.ACLEntry{
		{Sequence: 5, Action: "deny", Source: "10.0.0.0/16", Destination: "any"},
		{Sequence: 7, Action: "permit", Source: "10.0.0.0/8", Destination: "any"},
		{Sequence: 15, Action: "deny", Source: "any", Destination: "any"},
	}
	delete(step2.ACLs, "10")
	apply(step2)

	step3 := netconfig.New()
	step3.Hostname = host
	apply(step3)
}
