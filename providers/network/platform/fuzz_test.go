package platform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

func fuzzParse(f *testing.F, platform string, seeds ...string) {
	p := mustLookup(f, platform)
	files, _ := filepath.Glob(filepath.Join("testdata", platform, "*.cfg"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := p.ParseRunningConfig(text)
		if err != nil {
			return
		}
		// What the parser accepts, the platform can print and read back.
		back, err := p.ParseRunningConfig(p.(Renderer).Render(c))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		want := c.Clone()
		if platform == "frr" {
			for n, i := range want.Interfaces {
				if interfacesEqual(i, p.DefaultInterface(n)) {
					delete(want.Interfaces, n)
				}
			}
		}
		if dump(back) != dump(want) {
			t.Fatalf("render/parse changed the config:\n%s", lineDiff(dump(want), dump(back)))
		}
		checkBlocks(t, platform, p.Lines(netconfig.New(), c))
		checkBlocks(t, platform, p.Lines(c, netconfig.New()))
		if l := p.Lines(c, c.Clone()); len(l) != 0 {
			t.Fatalf("lines between equal configs: %q", l)
		}
	})
}

func FuzzParseIOSXE(f *testing.F) {
	fuzzParse(f, "cisco_iosxe", linesBase["cisco_iosxe"],
		"banner motd ^C\ninterface Gi1/0/1\n^C\ninterface Gi1/0/2\n shutdown\n",
		"access-list 101 permit tcp any host 10.1.1.1 eq www\naccess-list 10 deny   any log\n")
}

func FuzzParseEOS(f *testing.F) {
	fuzzParse(f, "arista_eos", linesBase["arista_eos"],
		"banner login\ntext\nEOF\nvlan 2-4,10\n   name x\n")
}

func FuzzParseNXOS(f *testing.F) {
	fuzzParse(f, "cisco_nxos", linesBase["cisco_nxos"],
		"system default switchport\ninterface Ethernet1/1\n  switchport trunk allowed vlan add 5\n")
}

func FuzzParseFRR(f *testing.F) {
	fuzzParse(f, "frr", frrBase, "vrf x\n ip route 1.0.0.0/8 2.2.2.2 9\nexit-vrf\n")
}
