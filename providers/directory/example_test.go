package directory_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
)

// TestExampleDirectory applies examples/directory to the lab's directory,
// moves a person and disables a leaver, each time reaching no changes.
func TestExampleDirectory(t *testing.T) {
	src, err := os.ReadFile("../../examples/directory/main.st.hcl")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := labDirectoryHarness(t, string(src))
	h.MustApply(h.MustPlan(plan.NormalMode))
	noChanges(t, h)

	moved := strings.Replace(string(src), `department = "sales"`, `department = "finance"`, 1)
	h.WriteFile("main.st.hcl", moved)
	p := h.MustPlan(plan.NormalMode)
	wantInPlan(t, p, "bob moves from sales to finance: leaves sales, joins finance")
	h.MustApply(p)
	noChanges(t, h)

	h.WriteFile("main.st.hcl", strings.Replace(moved, "leavers = toset([])", `leavers = toset(["dave"])`, 1))
	p = h.MustPlan(plan.NormalMode)
	wantInPlan(t, p, "dave will be disabled: locked, removed from 1 group, moved to ou=disabled")
	h.MustApply(p)
	noChanges(t, h)
}
