package platform

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// gen builds random configurations that Normalize accepts, in the shapes
// each platform allows.
type gen struct {
	r        *rand.Rand
	platform string
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) word() string {
	return g.pick("core", "users", "voice", "mgmt", "dmz", "lab-1", "finance_2", "printers", "CAMERAS")
}
func (g *gen) addr() string {
	return fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}
func (g *gen) prefix() string {
	n := g.r.IntN(33)
	p, _ := networkCIDR(g.addr(), n)
	return p
}
func (g *gen) vlans(n int) []int {
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, 2+g.r.IntN(1000))
	}
	return netconfig.VLANSetOf(out...).IDs
}

func (g *gen) ifaceName() (string, ifKind) {
	n := 1 + g.r.IntN(48)
	switch g.platform {
	case "cisco_iosxe":
		switch g.r.IntN(8) {
		case 0:
			return fmt.Sprintf("Port-channel%d", n), kindPortChannel
		case 1:
			return fmt.Sprintf("Vlan%d", n+1), kindL3
		case 2:
			return fmt.Sprintf("Loopback%d", n), kindL3
		case 3:
			return fmt.Sprintf("GigabitEthernet0/0/1.%d", n), kindL3
		case 4:
			return fmt.Sprintf("TenGigabitEthernet1/1/%d", n), kindPort
		}
		return fmt.Sprintf("GigabitEthernet1/0/%d", n), kindPort
	case "arista_eos":
		switch g.r.IntN(7) {
		case 0:
			return fmt.Sprintf("Port-Channel%d", n), kindPortChannel
		case 1:
			return fmt.Sprintf("Vlan%d", n+1), kindL3
		case 2:
			return fmt.Sprintf("Loopback%d", n), kindL3
		case 3:
			return "Management1", kindL3
		case 4:
			return fmt.Sprintf("Ethernet%d/1", n), kindPort
		}
		return fmt.Sprintf("Ethernet%d", n), kindPort
	case "cisco_nxos":
		switch g.r.IntN(7) {
		case 0:
			return fmt.Sprintf("port-channel%d", n), kindPortChannel
		case 1:
			return fmt.Sprintf("Vlan%d", n+1), kindL3
		case 2:
			return fmt.Sprintf("loopback%d", n), kindL3
		case 3:
			return "mgmt0", kindL3
		case 4:
			return fmt.Sprintf("Ethernet1/%d.%d", n, n+100), kindL3
		}
		return fmt.Sprintf("Ethernet1/%d", n), kindPort
	}
	return g.pick("eth", "ens", "lo", "br-", "bond") + fmt.Sprint(n), kindL3
}

func (g *gen) iface() *netconfig.Interface {
	name, kind := g.ifaceName()
	i := &netconfig.Interface{Name: name, Enabled: g.r.IntN(4) != 0, TrunkVLANs: netconfig.AllVLANs()}
	if g.r.IntN(2) == 0 {
		i.Description = g.word() + " " + g.word() + " | " + fmt.Sprint(g.r.IntN(100))
	}
	if g.platform != "frr" && g.r.IntN(3) == 0 {
		i.MTU = 1000 + g.r.IntN(8000)
	}
	modes := []string{netconfig.ModeRouted}
	if kind != kindL3 {
		modes = append(modes, netconfig.ModeAccess, netconfig.ModeTrunk)
		if g.platform == "cisco_iosxe" {
			modes = append(modes, "")
		}
	}
	if g.platform == "frr" {
		modes = []string{netconfig.ModeRouted}
	}
	i.Mode = modes[g.r.IntN(len(modes))]
	switch i.Mode {
	case netconfig.ModeRouted, "":
		if g.r.IntN(3) != 0 {
			i.IPv4Address = fmt.Sprintf("%s/%d", g.addr(), 8+g.r.IntN(25))
		}
	default:
		if g.r.IntN(2) == 0 {
			i.AccessVLAN = 2 + g.r.IntN(4000)
		}
		if g.r.IntN(2) == 0 {
			i.NativeVLAN = 2 + g.r.IntN(4000)
		}
		switch g.r.IntN(4) {
		case 0:
			i.TrunkVLANs = netconfig.VLANSetOf()
		case 1, 2:
			i.TrunkVLANs = netconfig.VLANSetOf(g.vlans(1 + g.r.IntN(60))...)
		}
	}
	return i
}

func (g *gen) entry(seq int, std, frr bool) netconfig.ACLEntry {
	e := netconfig.ACLEntry{Sequence: seq, Action: g.pick("permit", "deny"), Protocol: "ip", Source: "any", Destination: "any"}
	if g.r.IntN(8) == 0 && !frr {
		return netconfig.ACLEntry{Sequence: seq, Action: "remark", Protocol: g.word() + "  " + g.word()}
	}
	if g.r.IntN(3) != 0 {
		e.Source = g.prefix()
	}
	if std {
		e.Log = !frr && g.r.IntN(3) == 0
		return e
	}
	if g.r.IntN(2) == 0 {
		e.Destination = g.prefix()
	}
	if frr {
		return e
	}
	e.Protocol = g.pick("ip", "tcp", "udp", "icmp", "47", "103", "89")
	if e.Protocol == "tcp" || e.Protocol == "udp" {
		switch g.r.IntN(4) {
		case 0:
			e.Ports = fmt.Sprintf("eq %d", g.pick2(22, 80, 443, 53, 161, 179, 8080, 23))
		case 1:
			lo := g.r.IntN(60000)
			e.Ports = fmt.Sprintf("range %d %d", lo, lo+g.r.IntN(5000))
		case 2:
			e.Ports = fmt.Sprintf("%s %d", g.pick("lt", "gt", "neq"), 1+g.r.IntN(65000))
		}
	}
	e.Log = g.r.IntN(3) == 0
	return e
}

func (g *gen) pick2(xs ...int) int { return xs[g.r.IntN(len(xs))] }

func (g *gen) config() *netconfig.Config {
	c := netconfig.New()
	if g.r.IntN(4) != 0 {
		c.Hostname = g.word() + "-sw"
	}
	if g.platform != "frr" {
		for range g.r.IntN(30) {
			id := 2 + g.r.IntN(4093)
			if id >= 1002 && id <= 1005 {
				continue
			}
			v := &netconfig.VLAN{ID: id, State: "active"}
			if g.r.IntN(2) == 0 {
				v.Name = g.word()
			}
			if g.r.IntN(6) == 0 {
				v.State = "suspend"
			}
			c.VLANs[id] = v
		}
	}
	for range g.r.IntN(20) {
		i := g.iface()
		c.Interfaces[i.Name] = i
	}
	for range g.r.IntN(10) {
		r := &netconfig.StaticRoute{Prefix: g.prefix(), NextHop: g.addr()}
		if g.r.IntN(3) == 0 {
			r.Distance = 2 + g.r.IntN(253)
		}
		if g.platform != "frr" && g.r.IntN(3) == 0 {
			r.Name = g.word()
		}
		if g.r.IntN(4) == 0 {
			r.VRF = g.pick("MGMT", "tenant-a", "red")
		}
		if g.r.IntN(8) == 0 {
			r.NextHop = map[string]string{"frr": "blackhole", "cisco_nxos": "Null0"}[g.platform]
			if r.NextHop == "" {
				r.NextHop = "Null0"
			}
		}
		if c.Route(r.RouteKey()) == nil {
			c.Routes = append(c.Routes, r)
		}
	}
	for range g.r.IntN(5) {
		name := g.pick("MGMT", "WEB", "edge-in", "VTY")
		std := false
		step := 1 + g.r.IntN(20)
		if g.platform == "cisco_iosxe" || g.platform == "frr" {
			switch g.r.IntN(3) {
			case 0:
				name, std, step = fmt.Sprint(1+g.r.IntN(99)), true, 10
			case 1:
				name, step = fmt.Sprint(100+g.r.IntN(100)), 10
			}
		}
		if g.platform == "frr" && !std {
			step = 5
		}
		a := &netconfig.ACL{Name: name}
		seen := map[string]bool{}
		for k := range 1 + g.r.IntN(8) {
			e := g.entry((k+1)*step, std, g.platform == "frr")
			if g.platform == "frr" {
				if ce, err := canonicalEntry(e); err == nil && seen[frrSpecKey(name, ce)] {
					continue // FRR cannot hold the same entry twice
				} else if err == nil {
					seen[frrSpecKey(name, ce)] = true
				}
			}
			a.Entries = append(a.Entries, e)
		}
		c.ACLs[name] = a
	}
	return c
}

func TestRenderParseRoundTrip(t *testing.T) {
	for _, name := range Names() {
		p := mustLookup(t, name)
		g := &gen{r: rand.New(rand.NewPCG(1, uint64(len(name)))), platform: name}
		for n := 0; n < 150; n++ {
			c := g.config()
			if err := p.(Normalizer).Normalize(c); err != nil {
				t.Fatalf("%s: generated config rejected: %v\n%s", name, err, dump(c))
			}
			text := p.(Renderer).Render(c)
			back, err := p.ParseRunningConfig(text)
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, text)
			}
			want := c.Clone()
			if name == "frr" {
				// FRR prints only interfaces that have configuration.
				for n, i := range want.Interfaces {
					if interfacesEqual(i, p.DefaultInterface(n)) {
						delete(want.Interfaces, n)
					}
				}
			}
			if dump(back) != dump(want) {
				t.Fatalf("%s: round trip changed the config:\n%s\n--- rendered\n%s", name, lineDiff(dump(want), dump(back)), text)
			}
			if l := p.Lines(back, c); len(l) != 0 {
				t.Fatalf("%s: lines between equal configs: %q", name, l)
			}
			// From an empty device and back to one: never a panic, and
			// every line of a block is closed.
			checkBlocks(t, name, p.Lines(netconfig.New(), c))
			checkBlocks(t, name, p.Lines(c, netconfig.New()))
		}
	}
}

// checkBlocks verifies that sub-commands only appear inside a block that
// is then exited, so the session is back at the configuration prompt.
func checkBlocks(t *testing.T, platform string, lines []string) {
	t.Helper()
	open := false
	for _, l := range lines {
		switch {
		case l == "exit" || l == "exit-vrf":
			if !open {
				t.Fatalf("%s: %q closes nothing in %q", platform, l, lines)
			}
			open = false
		case len(l) > 0 && l[0] == ' ':
			if !open {
				t.Fatalf("%s: sub-command %q outside a block in %q", platform, l, lines)
			}
		default:
			if open {
				t.Fatalf("%s: block left open before %q in %q", platform, l, lines)
			}
			open = len(lines) > 0 && isBlockHead(l)
		}
	}
	if open {
		t.Fatalf("%s: last block not exited: %q", platform, lines)
	}
}

func isBlockHead(l string) bool {
	for _, p := range []string{"interface ", "vlan ", "ip access-list ", "vrf "} {
		if len(l) >= len(p) && l[:len(p)] == p {
			return true
		}
	}
	return false
}
