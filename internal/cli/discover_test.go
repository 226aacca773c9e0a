package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network"
	"github.com/stewardhq/steward/providers/network/platform"
	"github.com/stewardhq/steward/schema"
)

var updateDiscover = flag.Bool("update", false, "rewrite the golden files in testdata/discover/ from the current output")

func TestNewCmdDiscoverNetworkOptions(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    DiscoverNetworkOptions
		wantErr string
	}{
		{name: "online", args: []string{"--device", "core-1", "-json", "-var", "a=1"},
			want: DiscoverNetworkOptions{Device: "core-1", JSON: true, Vars: []config.VarArg{{Assignment: "a=1"}}}},
		{name: "offline", args: []string{"-platform=arista_eos", "-from-file=leaf.cfg"},
			want: DiscoverNetworkOptions{Platform: "arista_eos", FromFile: "leaf.cfg"}},
		{name: "offline with a device name", args: []string{"--platform", "cisco_iosxe", "--from-file", "sw.cfg", "--device", "sw1"},
			want: DiscoverNetworkOptions{Platform: "cisco_iosxe", FromFile: "sw.cfg", Device: "sw1"}},
		{name: "nothing", wantErr: "--device NAME"},
		{name: "file without platform", args: []string{"--from-file", "x.cfg"}, wantErr: "--from-file needs --platform"},
		{name: "platform without file", args: []string{"--platform", "frr", "--device", "r1"}, wantErr: "add --from-file"},
		{name: "unknown platform", args: []string{"--platform", "junos", "--from-file", "x.cfg"}, wantErr: `unknown network platform "junos" (valid: arista_eos, cisco_iosxe, cisco_nxos, frr)`},
		{name: "vars offline", args: []string{"--platform", "frr", "--from-file", "x.cfg", "-var", "a=1"}, wantErr: "online discovery only"},
		{name: "positional", args: []string{"--device", "x", "extra"}, wantErr: "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _, _ := testFactory(t)
			var got *DiscoverNetworkOptions
			cmd := NewCmdDiscoverNetwork(f, func(o *DiscoverNetworkOptions) error { got = o; return nil })
			err := runCmd(t, f, cmd, tt.args...)
			if tt.wantErr != "" {
				var fe *FlagError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("error = %v, want a FlagError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Device != tt.want.Device || got.Platform != tt.want.Platform || got.FromFile != tt.want.FromFile || got.JSON != tt.want.JSON || len(got.Vars) != len(tt.want.Vars) {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// discoverGolden compares got with testdata/discover/name, or rewrites it
// under -update.
func discoverGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "discover", name)
	if *updateDiscover {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./internal/cli/ -run Discover -update` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff.\n--- got ---\n%s", path, got)
	}
}

// discoverProviderHCL is a provider block for device, for validating
// discovered configuration without a device to reach.
func discoverProviderHCL(device, plat string) string {
	return `variable "password" {
  type      = string
  sensitive = true
}

provider "network" {
  device "` + device + `" {
    host                   = "192.0.2.10"
    platform               = "` + plat + `"
    username               = "steward"
    password               = var.password
    insecure_skip_host_key = true
  }
}
`
}

// TestDiscoverNetworkOffline reads realistic saved configurations of each
// platform and checks the HCL (golden file), that it validates, that each
// resource block decodes back to exactly the object the device has, and
// what was left out and why.
func TestDiscoverNetworkOffline(t *testing.T) {
	tests := []struct {
		file, platform, device string
		// wantSkipped are substrings of the skipped objects' warnings.
		wantSkipped []string
		// wantAbsent must not be in the HCL: ports at their defaults,
		// banner text, unmanaged configuration.
		wantAbsent []string
		wantNames  []string
	}{
		{
			file: "cat9300-access.cfg", platform: "cisco_iosxe", device: "acc-sw-01",
			wantSkipped: []string{
				`network_acl acc-sw-01:acl:MGMT: entry[0].action cannot be written as configuration: "remark"`,
				`network_interface acc-sw-01:interface:GigabitEthernet0/0`,
			},
			wantAbsent: []string{"GigabitEthernet1/0/9", "GigabitEthernet1/0/12\"", "GigabitEthernet1/0/46\"", "GigabitEthernet1/1/1\"", "TenGigabitEthernet1/1/1\"", "AppGigabitEthernet", "vlan_id = 999", "snmp"},
			wantNames: []string{"network_vlan.vlan_20_finance", "network_vlan.vlan_40_guest", "network_interface.gigabitethernet1_0_1",
				"network_interface.gigabitethernet1_0_48", "network_static_route.route_10_0_0_0_8_via_10_255_0_2", "network_static_route.route_10_0_0_0_8_via_10_255_0_6", "network_interface.port_channel1",
				"network_static_route.route_0_0_0_0_0", "network_static_route.route_mgmt_vrf_0_0_0_0_0", "network_acl.acl_voice_in", "network_acl.acl_10"},
		},
		{
			file: "arista-leaf.cfg", platform: "arista_eos", device: "leaf-07",
			wantSkipped: []string{`network_acl leaf-07:acl:SSH-ONLY`},
			wantAbsent:  []string{"Ethernet12\"", "Ethernet48\"", "Ethernet51/1\"", "banner", "bgp"},
			wantNames: []string{"network_vlan.vlan_110_web", "network_interface.ethernet1", "network_interface.ethernet49_1",
				"network_interface.vlan110", "network_interface.management1", "network_interface.port_channel10",
				"network_static_route.route_0_0_0_0_0_via_10_0_1_0", "network_static_route.route_0_0_0_0_0_via_10_0_1_2", "network_static_route.route_mgmt_0_0_0_0_0", "network_acl.acl_web_in"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path, err := filepath.Abs(filepath.Join("testdata", "discover", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			f, _, out, errOut := testFactory(t)
			if err := runCmd(t, f, NewCmdDiscoverNetwork(f, nil), "--platform", tt.platform, "--from-file", path); err != nil {
				t.Fatalf("discover: %v\n%s", err, errOut)
			}
			hclOut := out.Bytes()
			discoverGolden(t, strings.TrimSuffix(tt.file, ".cfg")+".discovered.hcl", hclOut)
			for _, s := range tt.wantSkipped {
				if !strings.Contains(errOut.String(), "Warning: not adopted: "+s) || !strings.Contains(string(hclOut), s) {
					t.Errorf("want the skipped object %q on standard error and in the HCL comments\nstderr:\n%s", s, errOut)
				}
			}
			if n := strings.Count(errOut.String(), "Warning: not adopted"); n != len(tt.wantSkipped) {
				t.Errorf("%d objects skipped, want %d:\n%s", n, len(tt.wantSkipped), errOut)
			}
			for _, s := range tt.wantAbsent {
				if strings.Contains(string(hclOut), s) {
					t.Errorf("output contains %q", s)
				}
			}
			for _, n := range tt.wantNames {
				typ, name, _ := strings.Cut(n, ".")
				if !strings.Contains(string(hclOut), `resource "`+typ+`" "`+name+`" {`) || !strings.Contains(string(hclOut), "to = "+n+"\n") {
					t.Errorf("output lacks resource and import for %s", n)
				}
			}

			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"providers.st.hcl":  discoverProviderHCL(tt.device, tt.platform),
				"discovered.st.hcl": string(hclOut),
			})
			cfg, diags := config.NewLoader().Load(dir)
			if !diags.HasErrors() {
				diags = append(diags, eval.Validate(cfg, DefaultRegistry())...)
			}
			if len(diags) > 0 {
				t.Fatalf("the discovered configuration does not validate:%s", enginetest.Describe(diags))
			}
			checkDecodesToDevice(t, cfg, path, tt.platform, tt.device)

			// -json describes the same objects.
			f2, _, jout, _ := testFactory(t)
			if err := runCmd(t, f2, NewCmdDiscoverNetwork(f2, nil), "--platform", tt.platform, "--from-file", path, "-json"); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Resources []struct {
					Type, Name, ID string
					Attributes     map[string]any
				}
				Skipped []struct{ Type, ID, Reason string }
			}
			if err := json.Unmarshal(jout.Bytes(), &doc); err != nil {
				t.Fatalf("%v\n%s", err, jout)
			}
			if len(doc.Resources) != len(cfg.Root.ManagedResources) || len(doc.Skipped) != len(tt.wantSkipped) {
				t.Fatalf("JSON has %d resources and %d skipped, HCL %d and %d", len(doc.Resources), len(doc.Skipped), len(cfg.Root.ManagedResources), len(tt.wantSkipped))
			}
			for _, r := range doc.Resources {
				if cfg.Root.ManagedResources[r.Type+"."+r.Name] == nil {
					t.Errorf("JSON resource %s.%s is not in the HCL", r.Type, r.Name)
				}
				if _, ok := r.Attributes["id"]; ok || r.Attributes["device"] != tt.device || !strings.HasPrefix(r.ID, tt.device+":") {
					t.Errorf("JSON resource %s.%s: id %q, attributes %v", r.Type, r.Name, r.ID, r.Attributes)
				}
			}
		})
	}
}

// checkDecodesToDevice decodes every discovered resource block with its
// schema (which rejects the computed id) and compares each attribute with
// the object the saved configuration holds: leaving out defaults must lose
// nothing.
func checkDecodesToDevice(t *testing.T, cfg *config.Config, path, plat, device string) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := platform.Lookup(plat)
	dc, err := p.ParseRunningConfig(string(text))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]providers.ListedObject{}
	for _, k := range []string{"vlan", "interface", "route", "acl"} {
		for _, o := range network.ListObjects(device, k, dc) {
			byID[o.ID] = o
		}
	}
	ids := map[string]string{}
	for _, im := range cfg.Root.Imports {
		v, _ := im.ID.Value(nil)
		ids[im.To.String()] = v.AsString()
	}
	prov, _ := network.New()
	for key, r := range cfg.Root.ManagedResources {
		rs := prov.Schema().Resources[r.Type]
		got, diags := rs.Block.Decode(r.Config, &hcl.EvalContext{})
		if diags.HasErrors() {
			t.Errorf("%s: %s", key, diags.Error())
			continue
		}
		got, _ = got.UnmarkDeep()
		id := ids[key]
		obj, ok := byID[id]
		if !ok {
			t.Errorf("%s imports %q, which the saved configuration does not have", key, id)
			continue
		}
		for name, v := range got.AsValueMap() {
			if want := obj.State.GetAttr(name); !v.RawEquals(want) {
				t.Errorf("%s: %s decodes to %#v, want %#v", key, name, v, want)
			}
		}
	}
	if len(ids) != len(cfg.Root.ManagedResources) {
		t.Errorf("%d import blocks for %d resources", len(ids), len(cfg.Root.ManagedResources))
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDiscoverNetworkErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"providers.st.hcl": discoverProviderHCL("core-1", "cisco_iosxe"),
		"empty.cfg":        "",
		"bad.cfg":          "hostname x\nvlan 5000\n",
	})
	if err := os.Mkdir(filepath.Join(dir, "adir.cfg"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"missing file", []string{"--platform", "cisco_iosxe", "--from-file", "nope.cfg"}, "cannot read the saved configuration: nope.cfg does not exist"},
		{"unreadable file", []string{"--platform", "cisco_iosxe", "--from-file", "adir.cfg"}, "cannot read the saved configuration"},
		{"no hostname", []string{"--platform", "cisco_iosxe", "--from-file", "empty.cfg"}, "has no hostname line: name the device with --device NAME"},
		{"not a configuration", []string{"--platform", "cisco_iosxe", "--from-file", "bad.cfg"}, "bad.cfg is not a cisco_iosxe running configuration steward can read"},
		{"device not configured", []string{"--device", "core-9"}, `device "core-9" is not configured: the provider "network" block in ` + dir + ` has no device "core-9" block (devices: core-1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, out, _ := testFactory(t)
			f.WorkDir = dir
			err := runCmd(t, f, NewCmdDiscoverNetwork(f, nil), tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
			if exitCode(err) != ExitError {
				t.Errorf("exit code %d, want %d", exitCode(err), ExitError)
			}
			if out.Len() > 0 {
				t.Errorf("printed on standard output:\n%s", out)
			}
		})
	}

	t.Run("no provider block", func(t *testing.T) {
		f, _, _, _ := testFactory(t)
		writeFiles(t, f.WorkDir, map[string]string{"main.st.hcl": "locals {\n  a = 1\n}\n"})
		err := runCmd(t, f, NewCmdDiscoverNetwork(f, nil), "--device", "core-1")
		if err == nil || !strings.Contains(err.Error(), `has no provider "network" block`) {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("provider block uses a resource", func(t *testing.T) {
		f, _, _, errOut := testFactory(t)
		writeFiles(t, f.WorkDir, map[string]string{"main.st.hcl": `
resource "network_vlan" "v" {
  device  = "core-1"
  vlan_id = 2
}

provider "network" {
  device "core-1" {
    host     = network_vlan.v.id
    platform = "cisco_iosxe"
    username = "u"
    password = "p"
    insecure_skip_host_key = true
  }
}
`})
		err := runCmd(t, f, NewCmdDiscoverNetwork(f, nil), "--device", "core-1")
		if exitCode(err) != ExitError || !strings.Contains(errOut.String(), "Unsupported reference in the provider block") || !strings.Contains(errOut.String(), "main.st.hcl") {
			t.Fatalf("error = %v\n%s", err, errOut)
		}
	})
}

// labConsole configures a lab device by hand, as an administrator did
// before steward: VLANs, ports, routes and access lists.
func labConsole(t *testing.T, d *lab.Device, lines ...string) {
	t.Helper()
	out := d.Console(append(append([]string{"configure terminal"}, lines...), "end")...)
	if strings.Contains(out, "% ") {
		t.Fatalf("%s rejected a line:\n%s", d.Name(), out)
	}
}

// TestDiscoverNetworkOnlineAdoptsWithoutChanges discovers both lab devices,
// configured by hand, and checks that the configuration written adopts
// everything: the plan has only imports, applying it changes nothing on
// the devices, and the next plan has no changes.
func TestDiscoverNetworkOnlineAdoptsWithoutChanges(t *testing.T) {
	l, err := lab.Start(context.Background(), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop() })
	labConsole(t, l.Device("core-1"),
		"vlan 10,20", "vlan 20", "name finance", "vlan 30", "name sales", "state suspend", "vlan 99", "name native",
		"interface Gi1/0/1", "description finance desk", "switchport mode access", "switchport access vlan 20",
		"interface Gi1/0/2", "shutdown",
		"interface Gi1/0/47", "switchport mode trunk", "switchport trunk allowed vlan none",
		"interface Gi1/0/48", "description uplink to access-1", "switchport mode trunk", "switchport trunk native vlan 99",
		"switchport trunk allowed vlan 10,20,30,99", "switchport trunk allowed vlan add 100-120",
		"interface Vlan20", "description finance gateway", "ip address 10.20.0.1 255.255.255.0",
		"interface Loopback0", "ip address 10.255.255.1 255.255.255.255",
		"ip route 0.0.0.0 0.0.0.0 192.0.2.1", "ip route 10.0.0.0 255.0.0.0 192.0.2.2 5 name CORE",
		"ip route 10.0.0.0 255.0.0.0 192.0.2.3 10", "ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 192.168.0.1",
		"ip access-list extended MGMT", "permit tcp 10.0.0.0 0.0.0.255 any eq 22", "permit udp any host 10.255.255.1 eq 161", "deny ip any any log",
		"ip access-list extended VOICE", "permit udp 10.10.0.0 0.0.255.255 any range 16384 32767", "permit tcp 10.10.0.0 0.0.255.255 host 10.0.0.60 eq 5060",
	)
	labConsole(t, l.Device("access-1"),
		"vlan 20", "name finance", "vlan 30",
		"interface Et1", "description finance desk", "switchport access vlan 20",
		"interface Et2", "switchport mode trunk", "switchport trunk allowed vlan 20,30",
		"interface Et3", "no switchport", "ip address 10.3.0.1/31", "mtu 9000",
		"ip route 10.9.0.0/16 10.3.0.0",
		"ip access-list WEB", "permit tcp any host 10.0.0.5 eq 443", "deny ip any any",
	)

	dir := t.TempDir()
	if err := l.WriteConfig(dir); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"providers.st.hcl": l.ProviderHCL(), "lab.auto.vars.hcl": l.VarsHCL()}
	// core-1: VLANs 10, 20, 30, 99; ports Gi1/0/1, 2, 47, 48, Vlan1 (shut
	// down, unlike a new SVI), Vlan20, Loopback0; four routes; MGMT and VOICE.
	// access-1: VLANs 20, 30; Et1-3; one route; WEB.
	wantResources := map[string]int{"core-1": 17, "access-1": 7}
	for _, dev := range []string{"core-1", "access-1"} {
		f, _, out, errOut := testFactory(t)
		f.WorkDir = dir
		if err := runCmd(t, f, NewCmdDiscoverNetwork(f, nil), "--device", dev); err != nil {
			t.Fatalf("discover %s: %v\n%s", dev, err, errOut)
		}
		if errOut.Len() > 0 {
			t.Errorf("discover %s warned:\n%s", dev, errOut)
		}
		if n := strings.Count(out.String(), "\nresource "); n != wantResources[dev] {
			t.Errorf("%s: %d resources discovered, want %d:\n%s", dev, n, wantResources[dev], out)
		}
		// The next device is discovered with this one's configuration in
		// place, as a user adopting one device after another would.
		files[dev+".st.hcl"] = out.String()
		writeFiles(t, dir, map[string]string{dev + ".st.hcl": out.String()})
	}
	if !strings.Contains(files["access-1.st.hcl"], `resource "network_vlan" "access_1_vlan_20_finance" {`) ||
		!strings.Contains(files["access-1.st.hcl"], `resource "network_vlan" "vlan_30" {`) {
		t.Errorf("access-1: VLAN 20 must be renamed away from core-1's, VLAN 30 not:\n%s", files["access-1.st.hcl"])
	}
	if !strings.Contains(files["core-1.st.hcl"], `resource "network_interface" "gigabitethernet1_0_48"`) ||
		strings.Contains(files["core-1.st.hcl"], "GigabitEthernet1/0/3\"") {
		t.Errorf("core-1: want the configured ports and not the ones at their defaults:\n%s", files["core-1.st.hcl"])
	}

	before := map[string]string{}
	for _, d := range l.Devices() {
		before[d.Name()] = d.Config()
	}
	h := enginetest.New(t, DefaultRegistry(), files)
	p := h.MustPlan(plan.NormalMode)
	if pending := enginetest.Pending(p); len(pending) > 0 {
		t.Fatalf("the discovered configuration plans changes besides imports: %v", pending)
	}
	if s := p.Summary(); s.Import != wantResources["core-1"]+wantResources["access-1"] {
		t.Fatalf("plan imports %d objects, want %d", s.Import, wantResources["core-1"]+wantResources["access-1"])
	}
	for _, c := range p.Changes {
		if c.ImportID == "" {
			t.Errorf("%s is not an import", c.Addr)
		}
	}
	h.MustApply(p)
	for _, d := range l.Devices() {
		if got := d.Config(); got != before[d.Name()] {
			t.Errorf("applying the imports changed %s:\n--- before ---\n%s\n--- after ---\n%s", d.Name(), before[d.Name()], got)
		}
	}
	p = h.MustPlan(plan.NormalMode)
	if p.HasChanges() {
		t.Fatalf("the plan after adopting has changes: %v (imports: %d)", enginetest.Pending(p), p.Summary().Import)
	}
}

// TestDiscoverNetworkOnlineJSON checks that the JSON form names the
// device's objects by their import ids and leaves id out of attributes.
func TestDiscoverNetworkOnlineJSON(t *testing.T) {
	l, err := lab.Start(context.Background(), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop() })
	labConsole(t, l.Device("access-1"), "vlan 42", "name lab", "interface Et7", "description seven")
	f, _, out, errOut := testFactory(t)
	writeFiles(t, f.WorkDir, map[string]string{"providers.st.hcl": l.ProviderHCL(), "lab.auto.vars.hcl": l.VarsHCL()})
	if err := runCmd(t, f, NewCmdDiscoverNetwork(f, nil), "--device", "access-1", "-json"); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]any{}
	for _, r := range doc["resources"] {
		got[r["type"].(string)+"."+r["name"].(string)+" "+r["id"].(string)] = r["attributes"]
	}
	want := map[string]any{
		"network_vlan.vlan_42_lab access-1:vlan:42":                map[string]any{"device": "access-1", "vlan_id": 42.0, "name": "lab", "state": "active"},
		"network_interface.ethernet7 access-1:interface:Ethernet7": map[string]any{"device": "access-1", "name": "Ethernet7", "description": "seven", "enabled": true, "mode": "access"},
	}
	if len(got) != len(want) {
		t.Fatalf("resources = %v, want %v", got, want)
	}
	for k, w := range want {
		if gb, _ := json.Marshal(got[k]); string(gb) != mustJSON(t, w) {
			t.Errorf("%s: attributes %s, want %s", k, gb, mustJSON(t, w))
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNetworkTypesOrder checks that the attribute order discover writes
// names every attribute a configuration can set, at every level, and
// nothing else: a new schema attribute must be placed in it.
func TestNetworkTypesOrder(t *testing.T) {
	prov, _ := network.New()
	var settable func(b *schema.Block, into map[string]bool)
	settable = func(b *schema.Block, into map[string]bool) {
		for n, a := range b.Attributes {
			if a.Required || a.Optional {
				into[n] = true
			}
		}
		for _, nb := range b.BlockTypes {
			settable(&nb.Block, into)
		}
	}
	if len(networkTypes) != len(prov.Schema().Resources) {
		t.Errorf("discover writes %d resource types, the provider has %d", len(networkTypes), len(prov.Schema().Resources))
	}
	for _, nt := range networkTypes {
		rs := prov.Schema().Resources[nt.typ]
		if rs == nil {
			t.Errorf("the provider has no %s", nt.typ)
			continue
		}
		want := map[string]bool{}
		settable(&rs.Block, want)
		got := map[string]bool{}
		for _, n := range nt.order {
			got[n] = true
		}
		if len(got) != len(nt.order) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: order %v, want the settable attributes %v", nt.typ, nt.order, want)
		}
	}
}

func TestResourceNames(t *testing.T) {
	obj := func(attrs map[string]cty.Value) providers.ListedObject {
		return providers.ListedObject{State: cty.ObjectVal(attrs)}
	}
	for _, tt := range []struct {
		typ  string
		obj  providers.ListedObject
		want string
	}{
		{"network_vlan", obj(map[string]cty.Value{"vlan_id": cty.NumberIntVal(20), "name": cty.StringVal("Finance")}), "vlan_20_finance"},
		{"network_vlan", obj(map[string]cty.Value{"vlan_id": cty.NumberIntVal(30), "name": cty.NullVal(cty.String)}), "vlan_30"},
		{"network_vlan", obj(map[string]cty.Value{"vlan_id": cty.NumberIntVal(40), "name": cty.StringVal("AP uplink | floor 2 (ÉTÉ)")}), "vlan_40_ap_uplink_floor_2_t"},
		{"network_interface", obj(map[string]cty.Value{"name": cty.StringVal("GigabitEthernet1/0/48")}), "gigabitethernet1_0_48"},
		{"network_interface", obj(map[string]cty.Value{"name": cty.StringVal("Port-channel10")}), "port_channel10"},
		{"network_interface", obj(map[string]cty.Value{"name": cty.StringVal("1/1")}), "interface_1_1"},
		{"network_static_route", obj(map[string]cty.Value{"prefix": cty.StringVal("10.0.0.0/8"), "vrf": cty.NullVal(cty.String)}), "route_10_0_0_0_8"},
		{"network_static_route", obj(map[string]cty.Value{"prefix": cty.StringVal("0.0.0.0/0"), "vrf": cty.StringVal("Mgmt-vrf")}), "route_mgmt_vrf_0_0_0_0_0"},
		{"network_acl", obj(map[string]cty.Value{"name": cty.StringVal("MGMT")}), "acl_mgmt"},
		{"network_acl", obj(map[string]cty.Value{"name": cty.StringVal("10")}), "acl_10"},
		{"network_acl", obj(map[string]cty.Value{"name": cty.StringVal("!!")}), "acl"},
	} {
		got := resourceName(tt.typ, tt.obj, "")
		if got != tt.want || !hclsyntax.ValidIdentifier(got) {
			t.Errorf("resourceName(%s, %v) = %q, want %q", tt.typ, tt.obj.State.GoString(), got, tt.want)
		}
	}
	taken := map[string]bool{}
	if a, b, c := uniqueName(taken, "route_x"), uniqueName(taken, "route_x"), uniqueName(taken, "route_x"); a != "route_x" || b != "route_x_2" || c != "route_x_3" {
		t.Errorf("uniqueName gave %q, %q, %q", a, b, c)
	}
	if !naturalLess("GigabitEthernet1/0/2", "GigabitEthernet1/0/10") || naturalLess("Ethernet10", "Ethernet9") || !naturalLess("Ethernet49/1", "Ethernet49/2") {
		t.Error("naturalLess does not order port numbers as numbers")
	}
}

// TestDiscoverNetworkUnreachable checks that a device that does not answer
// ends discovery with an error naming it, and nothing on standard output.
func TestDiscoverNetworkUnreachable(t *testing.T) {
	l, err := lab.Start(context.Background(), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, _, out, _ := testFactory(t)
	writeFiles(t, f.WorkDir, map[string]string{"providers.st.hcl": l.ProviderHCL(), "lab.auto.vars.hcl": l.VarsHCL()})
	if err := l.Stop(); err != nil {
		t.Fatal(err)
	}
	err = runCmd(t, f, NewCmdDiscoverNetwork(f, nil), "--device", "core-1")
	if err == nil || !strings.Contains(err.Error(), "reading device core-1: Cannot read device") || exitCode(err) != ExitError {
		t.Fatalf("error = %v", err)
	}
	if out.Len() > 0 {
		t.Errorf("printed on standard output:\n%s", out)
	}
}
