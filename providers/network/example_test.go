package network_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
)

// TestExampleQuickstart applies examples/quickstart to the lab, then adds a
// department: two VLANs and both trunks gain it, and nothing else changes.
func TestExampleQuickstart(t *testing.T) {
	src, err := os.ReadFile("../../examples/quickstart/main.st.hcl")
	if err != nil {
		t.Fatal(err)
	}
	l := startLab(t)
	h := labHarness(t, l, string(src))
	h.MustApply(h.MustPlan(plan.NormalMode))
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("not converged: %v", enginetest.Pending(p))
	}
	h.WriteFile("main.st.hcl", strings.Replace(string(src), "sales   = 30", "sales   = 30\n    ops     = 40", 1))
	p := h.MustPlan(plan.NormalMode)
	want := `create network_vlan.access["ops"],create network_vlan.core["ops"],update network_interface.access_uplink,update network_interface.core_uplink`
	if got := strings.Join(enginetest.Pending(p), ","); got != want {
		t.Fatalf("adding a department:\n got %s\nwant %s", got, want)
	}
	var summaries []string
	for _, c := range p.Changes {
		if c.Summary != "" {
			summaries = append(summaries, c.Summary)
		}
	}
	if got := strings.Join(summaries, "; "); got != "Ethernet48 on access-1 will also carry VLAN 40; GigabitEthernet1/0/48 on core-1 will also carry VLAN 40" {
		t.Fatalf("summaries: %q", got)
	}
	h.MustApply(p)
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("not converged: %v", enginetest.Pending(p))
	}
}
