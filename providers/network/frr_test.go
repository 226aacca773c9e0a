package network_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/testenv/frr"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network"
)

func registry() *providers.Registry {
	return providers.NewRegistry(map[string]providers.Factory{network.Name: network.New})
}

func frrProvider(r *frr.Router, hostKey string) string {
	return fmt.Sprintf(`
variable "password" {
  type      = string
  sensitive = true
}
provider "network" {
  device "r1" {
    host     = %q
    port     = %d
    platform = "frr"
    username = %q
    password = var.password
    host_key = %q
  }
}
`, r.Host, r.Port, r.Username, hostKey)
}

// TestFRR plans and applies interface descriptions, static routes and an
// access list on a real FRR through its vtysh over OpenSSH, reads them back
// with vtysh, and expects no drift on the next plan.
func TestFRR(t *testing.T) {
	r := frr.Start(t)
	h := enginetest.New(t, registry(), map[string]string{
		"provider.st.hcl": frrProvider(r, r.HostKey),
		"main.st.hcl": `
resource "network_interface" "lo" {
  device      = "r1"
  name        = "lo"
  description = "managed by steward"
}
resource "network_static_route" "office" {
  device   = "r1"
  prefix   = "10.20.0.0/16"
  next_hop = "192.0.2.1"
  distance = 5
}
resource "network_acl" "mgmt" {
  device = "r1"
  name   = "MGMT"
  entry {
    action = "permit"
    source = "10.0.0.0/8"
  }
  entry {
    action = "deny"
    source = "any"
  }
}
`,
	})
	h.Vars = append(h.Vars, configVar("password", r.Password))
	p := h.MustPlan(plan.NormalMode)
	if s := p.Summary(); s.Add != 3 {
		t.Fatalf("want 3 to add, got %+v %v", s, enginetest.Pending(p))
	}
	h.MustApply(p)
	run := r.VTY(t, "show running-config")
	for _, want := range []string{"description managed by steward", "ip route 10.20.0.0/16 192.0.2.1 5", "access-list MGMT seq 10 permit 10.0.0.0/8", "access-list MGMT seq 20 deny any"} {
		if !strings.Contains(run, want) {
			t.Errorf("running-config lacks %q:\n%s", want, run)
		}
	}
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("second plan is not empty: %v", enginetest.Pending(p))
	}

	// Drift made by hand shows in the next plan and is corrected.
	r.VTY(t, "configure terminal", "interface lo", "description changed by hand")
	p = h.MustPlan(plan.NormalMode)
	if len(p.Drift) != 1 || enginetest.Actions(p)["network_interface.lo"] != plan.Update {
		t.Fatalf("hand edit: drift %d, actions %v", len(p.Drift), enginetest.Pending(p))
	}
	h.MustApply(p)

	// A change and a destroy.
	h.WriteFile("main.st.hcl", `
resource "network_interface" "lo" {
  device      = "r1"
  name        = "lo"
  description = "renamed"
}
`)
	p = h.MustPlan(plan.NormalMode)
	if s := p.Summary(); s.Change != 1 || s.Destroy != 2 {
		t.Fatalf("want 1 change and 2 destroys, got %+v %v", s, enginetest.Pending(p))
	}
	h.MustApply(p)
	run = r.VTY(t, "show running-config")
	if strings.Contains(run, "10.20.0.0/16") || strings.Contains(run, "access-list MGMT") || !strings.Contains(run, "description renamed") {
		t.Fatalf("after change and destroy:\n%s", run)
	}
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("not converged: %v", enginetest.Pending(p))
	}
}

// TestFRRRefusesWrongHostKeyAndPassword: a device that presents another
// host key is refused with a message saying so, and so are wrong
// credentials; neither leaves anything in state.
func TestFRRRefusesWrongHostKeyAndPassword(t *testing.T) {
	r := frr.Start(t)
	const other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3g1ZPCj2LzR0BNBgyPXK+Dn6bMPD7l9ASHkXUZz+y2"
	main := "resource \"network_interface\" \"lo\" {\n  device = \"r1\"\n  name = \"lo\"\n  description = \"x\"\n}\n"
	for _, tc := range []struct {
		name, hostKey, password, want string
	}{
		{"host key", other, r.Password, "host key"},
		{"password", r.HostKey, "wrong-password", "authentication failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := enginetest.New(t, registry(), map[string]string{
				"provider.st.hcl": frrProvider(r, tc.hostKey),
				"main.st.hcl":     main,
			})
			h.Vars = append(h.Vars, configVar("password", tc.password))
			diags := h.Apply(h.MustPlan(plan.NormalMode))
			if !diags.HasErrors() || !strings.Contains(enginetest.Describe(diags), tc.want) {
				t.Fatalf("want an error about the %s, got %s", tc.want, enginetest.Describe(diags))
			}
			if strings.Contains(enginetest.Describe(diags), tc.password) {
				t.Fatal("the password reached an error message")
			}
			if len(h.State.Resources) != 0 {
				t.Fatalf("nothing should be recorded: %d resources", len(h.State.Resources))
			}
		})
	}
}

// TestFRRInvalidInterfaceRefusedAtPlan: what FRR would reject (a Linux
// interface name longer than 15 characters) is refused when planning,
// naming the attribute, before any session is opened.
func TestFRRInvalidInterfaceRefusedAtPlan(t *testing.T) {
	r := frr.Start(t)
	h := enginetest.New(t, registry(), map[string]string{
		"provider.st.hcl": frrProvider(r, r.HostKey),
		"main.st.hcl": `
resource "network_interface" "bad" {
  device      = "r1"
  name        = "dummy-with-a-very-long-name0"
  description = "x"
}
`,
	})
	h.Vars = append(h.Vars, configVar("password", r.Password))
	_, diags := h.Plan(plan.NormalMode)
	msg := enginetest.Describe(diags)
	if !diags.HasErrors() || !strings.Contains(msg, "main.st.hcl:4,17") || !strings.Contains(msg, "not a Linux interface name") {
		t.Fatalf("want a plan error at the name attribute naming the problem, got %s", msg)
	}
}
