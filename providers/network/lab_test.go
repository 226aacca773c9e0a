package network_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
)

func startLab(t *testing.T) *lab.Lab {
	t.Helper()
	l, err := lab.Start(context.Background(), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop() })
	return l
}

func labHarness(t *testing.T, l *lab.Lab, main string) *enginetest.Harness {
	return enginetest.New(t, registry(), map[string]string{
		"providers.st.hcl":  l.ProviderHCL(),
		"lab.auto.vars.hcl": l.VarsHCL(),
		"main.st.hcl":       main,
	})
}

const labConfig = `
locals {
  departments = {
    finance = 20
    sales   = 30
  }
}

resource "network_vlan" "core" {
  for_each = local.departments
  device   = "core-1"
  vlan_id  = each.value
  name     = each.key
}

resource "network_vlan" "access" {
  for_each = local.departments
  device   = "access-1"
  vlan_id  = each.value
  name     = each.key
}

resource "network_interface" "uplink" {
  device      = "core-1"
  name        = "Gi1/0/48"
  description = "to access-1"
  mode        = "trunk"
  trunk_vlans = [for v in network_vlan.core : v.vlan_id]
}

resource "network_interface" "finance_desk" {
  device      = "access-1"
  name        = "Et1"
  description = "finance desk"
  mode        = "access"
  access_vlan = network_vlan.access["finance"].vlan_id
}

resource "network_static_route" "default" {
  device   = "core-1"
  prefix   = "0.0.0.0/0"
  next_hop = "192.0.2.1"
}

resource "network_acl" "mgmt" {
  device = "core-1"
  name   = "MGMT"
  entry {
    action      = "permit"
    protocol    = "tcp"
    source      = "10.0.0.0/8"
    destination = "any"
    ports       = "eq 22"
  }
  entry {
    action = "deny"
    source = "any"
    log    = true
  }
}
`

// TestLabPlanApplyReplanChangeDestroy drives both lab platforms through a
// whole life cycle and checks each device's configuration as it prints it.
func TestLabPlanApplyReplanChangeDestroy(t *testing.T) {
	l := startLab(t)
	h := labHarness(t, l, labConfig)
	p := h.MustPlan(plan.NormalMode)
	if s := p.Summary(); s.Add != 8 {
		t.Fatalf("want 8 to add, got %+v %v", s, enginetest.Pending(p))
	}
	logins := func() map[string]int64 {
		m := map[string]int64{}
		for _, d := range l.Devices() {
			m[d.Name()] = d.Logins()
		}
		return m
	}
	before := logins()
	h.MustApply(p)
	for name, n := range logins() {
		if n-before[name] != 1 {
			t.Errorf("%s: apply opened %d sessions, want exactly one", name, n-before[name])
		}
	}
	core, access := l.Device("core-1").Config(), l.Device("access-1").Config()
	for _, want := range []string{"vlan 20", " name finance", "interface GigabitEthernet1/0/48", " switchport mode trunk", "switchport trunk allowed vlan 20,30", "ip route 0.0.0.0 0.0.0.0 192.0.2.1", "ip access-list extended MGMT"} {
		if !strings.Contains(core, want) {
			t.Errorf("core-1 lacks %q:\n%s", want, core)
		}
	}
	for _, want := range []string{"vlan 20", "interface Ethernet1", " description finance desk", " switchport access vlan 20"} {
		if !strings.Contains(access, want) {
			t.Errorf("access-1 lacks %q:\n%s", want, access)
		}
	}
	if !strings.Contains(l.Device("core-1").StartupConfig(), "vlan 30") {
		t.Error("the configuration was not saved")
	}
	before = logins()
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("second plan is not empty: %v", enginetest.Pending(p))
	}
	for name, n := range logins() {
		if n-before[name] != 1 {
			t.Errorf("%s: plan opened %d sessions, want exactly one", name, n-before[name])
		}
	}

	// Adding a VLAN to the trunk is one more VLAN and one port update.
	h.WriteFile("main.st.hcl", strings.Replace(labConfig, "sales   = 30", "sales   = 30\n    ops     = 40", 1))
	p = h.MustPlan(plan.NormalMode)
	if s := p.Summary(); s.Add != 2 || s.Change != 1 {
		t.Fatalf("want 2 adds and 1 change, got %+v %v", s, enginetest.Pending(p))
	}
	h.MustApply(p)
	if !strings.Contains(l.Device("core-1").Config(), "switchport trunk allowed vlan 20,30,40") {
		t.Fatalf("trunk not extended:\n%s", l.Device("core-1").Config())
	}
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("not converged: %v", enginetest.Pending(p))
	}

	// Drift by hand on a managed trunk shows in the next plan.
	l.Device("core-1").Console("configure terminal", "interface GigabitEthernet1/0/48", "switchport trunk allowed vlan add 99", "end")
	p = h.MustPlan(plan.NormalMode)
	if len(p.Drift) == 0 || enginetest.Actions(p)["network_interface.uplink"] != plan.Update {
		t.Fatalf("hand edit not seen: drift %d, %v", len(p.Drift), enginetest.Pending(p))
	}
	h.MustApply(p)

	// Destroy: ports back to defaults, VLANs, routes and ACLs gone.
	p = h.MustPlan(plan.DestroyMode)
	h.MustApply(p)
	core = l.Device("core-1").Config()
	for _, gone := range []string{"name finance", "ip route 0.0.0.0", "MGMT", "switchport trunk allowed"} {
		if strings.Contains(core, gone) {
			t.Errorf("core-1 still has %q after destroy:\n%s", gone, core)
		}
	}
}

// TestLabRejectedLineRestoresDevice: when the device rejects a line, it is
// back to its previous configuration and the error names the line.
func TestLabRejectedLineRestoresDevice(t *testing.T) {
	l := startLab(t)
	h := labHarness(t, l, labConfig)
	h.MustApply(h.MustPlan(plan.NormalMode))
	core := l.Device("core-1")
	prev := core.Config()
	core.RejectLine("description uplink renamed")
	h.WriteFile("main.st.hcl", strings.Replace(strings.Replace(labConfig, `"to access-1"`, `"uplink renamed"`, 1), "sales   = 30", "sales   = 30\n    ops     = 40", 1))
	diags := h.Apply(h.MustPlan(plan.NormalMode))
	msg := enginetest.Describe(diags)
	if !diags.HasErrors() || !strings.Contains(msg, "description uplink renamed") || !strings.Contains(msg, "Invalid input") || !strings.Contains(msg, "restored") {
		t.Fatalf("want an error naming the rejected line, got %s", msg)
	}
	if got := core.Config(); stripVolatile(got) != stripVolatile(prev) {
		t.Fatalf("core-1 was not restored:\nbefore:\n%s\nafter:\n%s", prev, got)
	}
	// The other device's session was independent and went through.
	if !strings.Contains(l.Device("access-1").Config(), "vlan 40") {
		t.Error("access-1 should have VLAN 40: its own session succeeded")
	}
	core.ClearFaults()
	p := h.MustPlan(plan.NormalMode)
	if got := enginetest.Pending(p); strings.Join(got, ",") != `create network_vlan.core["ops"],update network_interface.uplink` {
		t.Fatalf("exactly core-1's failed changes should still be planned: %v", got)
	}
	h.MustApply(p)
}

// TestLabConnectionDropRestoresDevice: a connection that drops in the
// middle of the configuration session is reported, and the device is put
// back as it was.
func TestLabConnectionDropRestoresDevice(t *testing.T) {
	l := startLab(t)
	h := labHarness(t, l, labConfig)
	h.MustApply(h.MustPlan(plan.NormalMode))
	access := l.Device("access-1")
	prev := access.Config()
	h.WriteFile("main.st.hcl", strings.Replace(labConfig, `"finance desk"`, `"finance desk 2"`, 1)+`
resource "network_vlan" "extra" {
  device  = "access-1"
  vlan_id = 50
  name    = "extra"
}
`)
	p := h.MustPlan(plan.NormalMode)
	// on-open (2) + show running-config + configure terminal + one line.
	access.DropAfter(5)
	diags := h.Apply(p)
	if !diags.HasErrors() {
		t.Fatal("want an error for the dropped connection")
	}
	if got := access.Config(); stripVolatile(got) != stripVolatile(prev) {
		t.Fatalf("access-1 was not restored:\nbefore:\n%s\nafter:\n%s\nerror: %s", prev, got, enginetest.Describe(diags))
	}
}

// stripVolatile drops lines that change on every read.
func stripVolatile(cfg string) string {
	var out []string
	for _, line := range strings.Split(cfg, "\n") {
		if strings.HasPrefix(line, "! Last configuration change") || strings.HasPrefix(line, "!Time:") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// TestLabNXOSAndDeviceFacts covers the third lab platform and the
// network_device data source on all three.
func TestLabNXOSAndDeviceFacts(t *testing.T) {
	specs := append(lab.DefaultDevices(), lab.DeviceSpec{Name: "leaf-1", Platform: lab.PlatformNXOS})
	l, err := lab.Start(context.Background(), lab.Options{Devices: specs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop() })
	h := labHarness(t, l, `
resource "network_vlan" "servers" {
  device  = "leaf-1"
  vlan_id = 110
  name    = "servers"
}
resource "network_interface" "server1" {
  device      = "leaf-1"
  name        = "Eth1/1"
  description = "server 1"
  mode        = "access"
  access_vlan = network_vlan.servers.vlan_id
}
resource "network_interface" "uplink" {
  device       = "leaf-1"
  name         = "ethernet1/48"
  mode         = "routed"
  ipv4_address = "192.0.2.2/30"
  mtu          = 9216
}
resource "network_static_route" "default" {
  device   = "leaf-1"
  prefix   = "0.0.0.0/0"
  next_hop = "192.0.2.1"
  name     = "upstream"
}
data "network_device" "all" {
  for_each = toset(["core-1", "access-1", "leaf-1"])
  device   = each.key
}
output "facts" {
  value = { for k, d in data.network_device.all : k => [d.platform, d.model, d.os_version, d.hostname] }
}
`)
	h.MustApply(h.MustPlan(plan.NormalMode))
	leaf := l.Device("leaf-1").Config()
	for _, want := range []string{"vlan 110", "name servers", "interface Ethernet1/1", "switchport access vlan 110", "ip address 192.0.2.2/30", "mtu 9216", "ip route 0.0.0.0/0 192.0.2.1 name upstream"} {
		if !strings.Contains(leaf, want) {
			t.Errorf("leaf-1 lacks %q:\n%s", want, leaf)
		}
	}
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("not converged: %v", enginetest.Pending(p))
	}
	facts, err := h.State.Outputs["facts"].Decode()
	if err != nil {
		t.Fatal(err)
	}
	for _, dev := range []string{"core-1", "access-1", "leaf-1"} {
		f := facts.GetAttr(dev)
		for i := 0; i < 4; i++ {
			if v := f.Index(ctyInt(i)); v.IsNull() || v.AsString() == "" {
				t.Errorf("%s: fact %d is empty: %#v", dev, i, f)
			}
		}
	}
}

// TestLabEOSRejectedLineAbortsSession: on Arista EOS the change runs in a
// configuration session, so a rejected line leaves the running
// configuration untouched and no session behind.
func TestLabEOSRejectedLineAbortsSession(t *testing.T) {
	l := startLab(t)
	h := labHarness(t, l, labConfig)
	h.MustApply(h.MustPlan(plan.NormalMode))
	access := l.Device("access-1")
	prev := access.Config()
	access.RejectLine("description finance desk moved")
	h.WriteFile("main.st.hcl", strings.Replace(labConfig, `"finance desk"`, `"finance desk moved"`, 1))
	diags := h.Apply(h.MustPlan(plan.NormalMode))
	if msg := enginetest.Describe(diags); !diags.HasErrors() || !strings.Contains(msg, "finance desk moved") {
		t.Fatalf("want the rejected line in the error, got %s", msg)
	}
	if got := access.Config(); stripVolatile(got) != stripVolatile(prev) {
		t.Fatalf("access-1 changed:\n%s", got)
	}
	if s := access.Sessions(); len(s) != 0 {
		t.Fatalf("configuration sessions left behind: %v", s)
	}
}
