package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/ui"
)

// TestCIPolicy evaluates examples/ci/policy with Open Policy Agent (the
// engine conftest runs) against steward's JSON plans of real changes to the
// lab, as `conftest test --policy policy/ --data ticket.json plan.json`
// does in the pipelines.
func TestCIPolicy(t *testing.T) {
	policy, err := os.ReadFile("ci/policy/steward.rego")
	if err != nil {
		t.Fatal(err)
	}
	h := exampleHarness(t, "ci")
	ordinary := planJSON(t, h.MustPlan(plan.NormalMode))

	h.WriteFile("vlan1.st.hcl", `
resource "network_interface" "desk" {
  device      = "core-1"
  name        = "Gi1/0/5"
  mode        = "access"
  access_vlan = 1
}
resource "network_interface" "uplink" {
  device      = "core-1"
  name        = "Gi1/0/47"
  mode        = "trunk"
  trunk_vlans = [1, 110]
}
`)
	vlan1 := planJSON(t, h.MustPlan(plan.NormalMode))
	h.WriteFile("vlan1.st.hcl", `
resource "network_interface" "uplink" {
  device      = "core-1"
  name        = "Gi1/0/47"
  mode        = "trunk"
  trunk_vlans = [1, 110]
}
`)
	h.MustApply(h.MustPlan(plan.NormalMode))
	editFile(t, h, "vlan1.st.hcl", "[1, 110]", "[110]")
	trunk := planJSON(t, h.MustPlan(plan.NormalMode))
	editFile(t, h, "vlan1.st.hcl", "[110]", "[1, 110]")

	h.WriteFile("admins.st.hcl", `
resource "directory_group" "admins" {
  name = "admins"
}
resource "directory_user" "mallory" {
  uid       = "mallory"
  full_name = "Mallory Example"
  groups    = [directory_group.admins.name]
}
`)
	admins := planJSON(t, h.MustPlan(plan.NormalMode))

	for _, tc := range []struct {
		name   string
		plan   any
		ticket string
		deny   []string
		warn   []string
	}{
		{name: "ordinary change", plan: ordinary},
		{name: "access port in VLAN 1", plan: vlan1, deny: []string{`network_interface.desk: access ports are not put into VLAN 1, the default VLAN`}},
		{name: "trunk drops VLAN 1", plan: trunk, deny: []string{`network_interface.uplink: the trunk would stop carrying VLAN 1`}},
		{name: "admin without ticket", plan: admins, deny: []string{`directory_user.mallory: joining the admins group needs a change ticket (e.g. OPS-1234) in the pull request's title`}},
		{name: "admin with a malformed ticket", plan: admins, ticket: "see chat", deny: []string{`directory_user.mallory: joining the admins group needs a change ticket (e.g. OPS-1234) in the pull request's title`}},
		{name: "admin with ticket", plan: admins, ticket: "OPS-1234"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			deny, warn := evalPolicy(t, string(policy), tc.plan, tc.ticket)
			if !equalStrings(deny, tc.deny) {
				t.Errorf("deny = %q, want %q", deny, tc.deny)
			}
			if !equalStrings(warn, tc.warn) {
				t.Errorf("warn = %q, want %q", warn, tc.warn)
			}
		})
	}
}

func planJSON(t *testing.T, p *plan.Plan) any {
	t.Helper()
	var buf bytes.Buffer
	if err := ui.RenderPlanJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// evalPolicy returns the sorted messages of the policy's deny and warn
// rules, as conftest reports them.
func evalPolicy(t *testing.T, policy string, input any, ticket string) (deny, warn []string) {
	t.Helper()
	ctx := context.Background()
	var out [2][]string
	for i, rule := range []string{"data.main.deny", "data.main.warn"} {
		rs, err := rego.New(
			rego.Query(rule),
			rego.Module("steward.rego", policy),
			rego.Store(inmem.NewFromObject(map[string]any{"ticket": ticket})),
			rego.Input(input),
		).Eval(ctx)
		if err != nil {
			t.Fatalf("%s: %v", rule, err)
		}
		for _, r := range rs {
			for _, e := range r.Expressions {
				for _, m := range e.Value.([]any) {
					out[i] = append(out[i], m.(string))
				}
			}
		}
		sort.Strings(out[i])
	}
	return out[0], out[1]
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
