package platform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// switchConfig is a 48-port switch with 200 VLANs, the size the lab
// benchmark plans for each of its devices.
func switchConfig(p netconfig.Platform) (*netconfig.Config, string) {
	c := netconfig.New()
	c.Hostname = "bench"
	for id := 100; id < 300; id++ {
		c.VLANs[id] = &netconfig.VLAN{ID: id, Name: fmt.Sprintf("v%d", id), State: "active"}
	}
	for n := 1; n <= 48; n++ {
		name := map[string]string{"cisco_iosxe": "GigabitEthernet1/0/%d", "arista_eos": "Ethernet%d", "cisco_nxos": "Ethernet1/%d"}[p.Name()]
		i := &netconfig.Interface{Name: fmt.Sprintf(name, n), Enabled: true, Description: fmt.Sprintf("desk %d", n),
			Mode: netconfig.ModeAccess, AccessVLAN: 100 + n, TrunkVLANs: netconfig.AllVLANs()}
		if n > 44 {
			i.Mode, i.AccessVLAN, i.TrunkVLANs = netconfig.ModeTrunk, 0, netconfig.VLANSetOf(allBut(nil)[99:299]...)
		}
		c.Interfaces[i.Name] = i
	}
	return c, p.(Renderer).Render(c)
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"cisco_iosxe", "arista_eos", "cisco_nxos"} {
		p := mustLookup(b, name)
		_, text := switchConfig(p)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := p.ParseRunningConfig(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLinesNoChange is the per-device cost of a plan that finds
// nothing to do.
func BenchmarkLinesNoChange(b *testing.B) {
	for _, name := range []string{"cisco_iosxe", "arista_eos", "cisco_nxos"} {
		p := mustLookup(b, name)
		c, _ := switchConfig(p)
		w := c.Clone()
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if l := p.Lines(c, w); len(l) != 0 {
					b.Fatal(strings.Join(l, "\n"))
				}
			}
		})
	}
}
