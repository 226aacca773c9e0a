package platform

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

var update = flag.Bool("update", false, "rewrite testdata/*/*.want from the parser's output")

// dump prints every field of a Config, one object per line, in a fixed
// order, so that two Configs are equal exactly when their dumps are.
func dump(c *netconfig.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "hostname %q\n", c.Hostname)
	for _, id := range sortedVLANIDs(c.VLANs) {
		v := c.VLANs[id]
		fmt.Fprintf(&b, "vlan %d name=%q state=%s\n", v.ID, v.Name, v.State)
		if v.ID != id {
			fmt.Fprintf(&b, "  !! keyed as %d\n", id)
		}
	}
	for _, n := range sortedInterfaceNames(c.Interfaces) {
		i := c.Interfaces[n]
		trunk := "all"
		if !i.TrunkVLANs.All {
			trunk = "[" + formatVLANList(i.TrunkVLANs.IDs, 2) + "]"
		}
		fmt.Fprintf(&b, "interface %s desc=%q enabled=%t mode=%q access=%d native=%d trunk=%s ipv4=%q mtu=%d\n",
			i.Name, i.Description, i.Enabled, i.Mode, i.AccessVLAN, i.NativeVLAN, trunk, i.IPv4Address, i.MTU)
		if i.Name != n {
			fmt.Fprintf(&b, "  !! keyed as %s\n", n)
		}
	}
	for _, r := range c.Routes {
		fmt.Fprintf(&b, "route vrf=%q %s via %s distance=%d name=%q\n", r.VRF, r.Prefix, r.NextHop, r.Distance, r.Name)
	}
	names := make([]string, 0, len(c.ACLs))
	for n := range c.ACLs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := c.ACLs[n]
		fmt.Fprintf(&b, "acl %s entries=%d\n", a.Name, len(a.Entries))
		for _, e := range a.Entries {
			if IsOpaqueEntry(e) {
				fmt.Fprintf(&b, "  %d %s opaque=%q\n", e.Sequence, e.Action, e.Protocol)
				continue
			}
			fmt.Fprintf(&b, "  %d %s %s src=%s dst=%s ports=%q log=%t\n", e.Sequence, e.Action, e.Protocol, e.Source, e.Destination, e.Ports, e.Log)
		}
	}
	return b.String()
}

func mustLookup(t testing.TB, name string) netconfig.Platform {
	t.Helper()
	p, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// golden compares got with the file, or rewrites the file under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readFile(t, path)
	if got != want {
		t.Errorf("%s differs (run with -update after checking):\n%s", filepath.Base(path), lineDiff(want, got))
	}
}

// lineDiff shows the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	in := func(s []string) map[string]int {
		m := map[string]int{}
		for _, l := range s {
			m[l]++
		}
		return m
	}
	wm, gm := in(w), in(g)
	var b strings.Builder
	for _, l := range w {
		if gm[l] == 0 {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if wm[l] == 0 {
			b.WriteString("+ " + l + "\n")
		}
	}
	if b.Len() == 0 {
		b.WriteString("(same lines, different order)\n")
	}
	return b.String()
}

func linesEqual(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines differ\n--- got\n%s\n--- want\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
