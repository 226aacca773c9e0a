package platform

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// ntcDir is shared/fixtures/network/ntc beside the repository: real device
// output from the ntc-templates project with the fields it should yield.
var ntcDir = filepath.Join("..", "..", "..", "..", "shared", "fixtures", "network", "ntc")

func ntcFiles(t *testing.T, platform, command string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(ntcDir, platform, command, "*.raw"))
	if len(files) == 0 {
		t.Skipf("no fixtures under %s (shared/ is not beside the repository)", ntcDir)
	}
	return files
}

// readNTC reads the `parsed_sample` list of an ntc-templates .yml file:
// a list of flat maps whose values are quoted strings or lists of them.
func readNTC(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]string
	var cur map[string]string
	var listKey string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed == "---" || trimmed == "parsed_sample:":
			continue
		case strings.HasPrefix(line, "  - "):
			cur = map[string]string{}
			out = append(out, cur)
			trimmed = strings.TrimPrefix(trimmed, "- ")
		case strings.HasPrefix(trimmed, "- ") && listKey != "":
			v := unquote(t, strings.TrimPrefix(trimmed, "- "))
			if cur[listKey] != "" {
				cur[listKey] += "\n"
			}
			cur[listKey] += v
			continue
		}
		k, v, ok := strings.Cut(trimmed, ":")
		if !ok || cur == nil {
			t.Fatalf("%s: unexpected line %q", path, line)
		}
		v = strings.TrimSpace(v)
		listKey = ""
		switch v {
		case "":
			listKey = k
		case "[]":
			v = ""
		default:
			v = unquote(t, v)
		}
		cur[k] = v
	}
	return out
}

func unquote(t *testing.T, s string) string {
	u, err := strconv.Unquote(s)
	if err != nil {
		t.Fatalf("bad quoted value %s", s)
	}
	return u
}

func TestNTCInterfaceFixture(t *testing.T) {
	p := NewCiscoIOSXE()
	for _, raw := range ntcFiles(t, "cisco_ios", "show_running-config_interface") {
		c, err := p.ParseRunningConfig(readFile(t, raw))
		if err != nil {
			t.Fatal(err)
		}
		rows := readNTC(t, strings.TrimSuffix(raw, ".raw")+".yml")
		if len(rows) != len(c.Interfaces) {
			t.Errorf("%d interfaces parsed, fixture lists %d", len(c.Interfaces), len(rows))
		}
		for _, row := range rows {
			i := c.Interfaces[row["interface"]]
			if i == nil {
				t.Errorf("interface %s not parsed", row["interface"])
				continue
			}
			want := &netconfig.Interface{
				Name: row["interface"], Description: row["description"], Enabled: true,
				Mode: netconfig.ModeRouted, TrunkVLANs: netconfig.AllVLANs(),
			}
			if row["ip_address"] != "" {
				a, err := ifAddrFromMask(row["ip_address"], row["netmask"])
				if err != nil {
					t.Fatal(err)
				}
				want.IPv4Address = a
			}
			if row["mtu"] != "" {
				want.MTU, _ = strconv.Atoi(row["mtu"])
			}
			if !interfacesEqual(i, want) {
				t.Errorf("%s:\n got  %+v\n want %+v", want.Name, *i, *want)
			}
		}
	}
}

// ntcEntry maps one fixture row onto the model: the entry the parser must
// produce, or an opaque one where the row uses what the model lacks.
func ntcEntry(row map[string]string, standard bool) (netconfig.ACLEntry, bool) {
	addr := func(host, anyv, network, wildcard string) (string, bool) {
		switch {
		case host != "":
			return host + "/32", true
		case anyv != "":
			return "any", true
		case network != "" && wildcard == "":
			return network + "/32", true // a standard ACL's bare address
		case network != "":
			n, ok := wildcardLen(wildcard)
			if !ok {
				return "", false
			}
			return networkCIDR(network, n)
		}
		return "any", true
	}
	e := netconfig.ACLEntry{Action: row["action"], Protocol: "ip", Destination: "any"}
	ok := true
	var ok1, ok2 bool
	e.Source, ok1 = addr(row["src_host"], row["src_any"], row["src_network"], row["src_wildcard"])
	if !standard {
		e.Protocol, ok = canonicalProtocol(row["protocol"])
		e.Destination, ok2 = addr(row["dst_host"], row["dst_any"], row["dst_network"], row["dst_wildcard"])
	} else {
		ok2 = true
	}
	ok = ok && ok1 && ok2
	switch m := row["dst_port_match"]; {
	case m == "range":
		e.Ports = "range " + row["dst_port_range_start"] + " " + row["dst_port_range_end"]
	case m != "":
		// Numbers written out here rather than taken from the parser's
		// table, so that a wrong table entry fails the test.
		names := map[string]string{"www": "80", "bgp": "179", "ftp": "21", "tacacs": "49"}
		port := row["dst_port"]
		if n, ok := names[port]; ok {
			port = n
		}
		if _, err := strconv.Atoi(port); err != nil {
			ok = false
		}
		e.Ports = m + " " + port
	}
	switch row["log"] {
	case "log":
		e.Log = true
	case "":
	default:
		ok = false
	}
	if row["src_port_match"] != "" || row["tcp_flag"] != "" || row["time"] != "" || row["icmp_type"] != "" {
		ok = false
	}
	return e, ok
}

func TestNTCAccessListFixtures(t *testing.T) {
	p := NewCiscoIOSXE()
	for _, raw := range ntcFiles(t, "cisco_ios", "show_running-config_partition_access-list") {
		t.Run(filepath.Base(raw), func(t *testing.T) {
			c, err := p.ParseRunningConfig(readFile(t, raw))
			if err != nil {
				t.Fatal(err)
			}
			rows := readNTC(t, strings.TrimSuffix(raw, ".raw")+".yml")
			// Entries of each ACL in order, remarks left out: the fixture
			// folds them into the next row's comment.
			got := map[string][]netconfig.ACLEntry{}
			for name, a := range c.ACLs {
				got[name] = []netconfig.ACLEntry{}
				for _, e := range a.Entries {
					if e.Action != "remark" {
						got[name] = append(got[name], e)
					}
				}
			}
			checked := map[string]int{}
			for _, row := range rows {
				name := row["acl_name"]
				if row["acl_type"] == "standard" {
					if c.ACLs[name] != nil {
						t.Errorf("named standard ACL %s should be unmanaged", name)
					}
					continue
				}
				entries, ok := got[name]
				if !ok {
					t.Errorf("ACL %s not parsed", name)
					continue
				}
				if row["action"] == "" {
					continue // the row that introduces a named ACL
				}
				_, std := p.d.aclKind(name)
				want, representable := ntcEntry(row, std)
				k := checked[name]
				checked[name]++
				if k >= len(entries) {
					t.Errorf("ACL %s: fixture has more entries than parsed", name)
					continue
				}
				e := entries[k]
				if e.Sequence != 0 && e.Sequence%10 != 0 {
					t.Errorf("ACL %s entry %d: sequence %d", name, k, e.Sequence)
				}
				e.Sequence = 0
				if !representable {
					if !IsOpaqueEntry(e) || e.Action != row["action"] {
						t.Errorf("ACL %s entry %d should be opaque: %+v (row %v)", name, k, e, row)
					}
					continue
				}
				if e != want {
					t.Errorf("ACL %s entry %d:\n got  %+v\n want %+v", name, k, e, want)
				}
			}
			total := 0
			for _, n := range checked {
				total += n
			}
			if total < 80 {
				t.Errorf("only %d entries compared", total)
			}
			for name, n := range checked {
				if n != len(got[name]) {
					t.Errorf("ACL %s: parsed %d entries, fixture has %d", name, len(got[name]), n)
				}
			}
		})
	}
}
