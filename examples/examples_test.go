package examples_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/cli"
	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/ui"
)

// exampleHarness copies examples/NAME into a fresh working directory next
// to a running lab (two switches and the directory), with the provider
// blocks `steward lab up` would write, and every built-in provider.
func exampleHarness(t *testing.T, name string) *enginetest.Harness {
	t.Helper()
	l, err := lab.Start(context.Background(), lab.Options{Directory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop() })
	// As run.sh does, the backup repositories' password comes from the
	// environment.
	t.Setenv("STEWARD_BACKUP_PASSWORD", "example-backup-password")
	h := enginetest.New(t, cli.DefaultRegistry(), map[string]string{})
	if err := os.CopyFS(h.Dir, os.DirFS(name)); err != nil {
		t.Fatal(err)
	}
	if err := l.WriteConfig(h.Dir); err != nil {
		t.Fatal(err)
	}
	return h
}

func mustConverge(t *testing.T, h *enginetest.Harness) {
	t.Helper()
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("a second plan has changes: %v", enginetest.Pending(p))
	}
}

func summaries(p *plan.Plan) string {
	var s []string
	for _, c := range p.Changes {
		if c.Summary != "" {
			s = append(s, c.Summary)
		}
	}
	return strings.Join(s, "; ")
}

func editFile(t *testing.T, h *enginetest.Harness, name, old, new string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(h.Dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	h.WriteFile(name, strings.Replace(string(src), old, new, 1))
}

// TestQuickstart applies examples/quickstart to the lab, then adds a
// department (two VLANs, both trunks gain it, nothing else changes) and
// lets someone leave.
func TestQuickstart(t *testing.T) {
	h := exampleHarness(t, "quickstart")
	p := h.MustPlan(plan.NormalMode)
	if got := len(enginetest.Pending(p)); got != 26 {
		t.Fatalf("first plan: %d changes, want 26 (6 VLANs, 3 ports, 3 groups, 12 users, a backup repository and policy): %v", got, enginetest.Pending(p))
	}
	h.MustApply(p)
	mustConverge(t, h)

	editFile(t, h, "main.st.hcl", "it      = { vlan = 40, gid = 5040 }", "it      = { vlan = 40, gid = 5040 }\n    ops     = { vlan = 50, gid = 5050 }")
	p = h.MustPlan(plan.NormalMode)
	want := `create directory_group.department["ops"],create network_vlan.access["ops"],create network_vlan.core["ops"],update network_interface.access_uplink,update network_interface.core_uplink`
	if got := strings.Join(enginetest.Pending(p), ","); got != want {
		t.Fatalf("adding a department:\n got %s\nwant %s", got, want)
	}
	if got := summaries(p); got != "Ethernet48 on access-1 will also carry VLAN 50; GigabitEthernet1/0/48 on core-1 will also carry VLAN 50" {
		t.Fatalf("summaries: %q", got)
	}
	h.MustApply(p)
	mustConverge(t, h)

	editFile(t, h, "main.st.hcl", `emil  = "sales"`, `emil  = "it"`)
	p = h.MustPlan(plan.NormalMode)
	if got := summaries(p); got != "emil moves from sales to it: leaves sales, joins it" {
		t.Fatalf("moving emil: %q", got)
	}
	h.MustApply(p)
	mustConverge(t, h)

	editFile(t, h, "main.st.hcl", "daily   = 7", "daily   = 14")
	p = h.MustPlan(plan.NormalMode)
	if got := summaries(p); !strings.Contains(got, `policy "shares" will keep 14 daily snapshots instead of 7`) || !strings.Contains(got, "deletes nothing") {
		t.Fatalf("retention change: %q", got)
	}
	h.MustApply(p)
	mustConverge(t, h)

	editFile(t, h, "main.st.hcl", "leavers = toset([])", `leavers = toset(["hugo"])`)
	p = h.MustPlan(plan.NormalMode)
	if got := strings.Join(enginetest.Pending(p), ","); got != `update directory_user.staff["hugo"]` {
		t.Fatalf("a leaver: %s", got)
	}
	if got := summaries(p); got != "hugo will be disabled: locked, removed from 1 group, moved to ou=disabled" {
		t.Fatalf("leaver summary: %q", got)
	}
	h.MustApply(p)
	mustConverge(t, h)
}

// TestSmallOffice applies examples/small-office to the whole lab (two
// switches and the directory), then lets a second person leave.
func TestSmallOffice(t *testing.T) {
	h := exampleHarness(t, "small-office")
	p := h.MustPlan(plan.NormalMode)
	var md bytes.Buffer
	if err := ui.RenderPlanMarkdown(&md, p); err != nil || !strings.Contains(md.String(), "**Plan: 54 to add") {
		t.Fatalf("markdown comment: %v\n%s", err, md.String())
	}
	h.MustApply(p)
	mustConverge(t, h)

	editFile(t, h, "main.st.hcl", `leavers = toset(["tess"])`, `leavers = toset(["tess", "sam"])`)
	p = h.MustPlan(plan.NormalMode)
	if got := summaries(p); !strings.Contains(got, "sam will be disabled: locked, removed from 1 group, moved to ou=disabled") {
		t.Fatalf("summaries: %q", got)
	}
	if got := strings.Join(enginetest.Pending(p), ","); got != `delete module.desks.network_interface.desk["sam"],update directory_user.staff["sam"]` {
		t.Fatalf("a leaver: %s", got)
	}
	h.MustApply(p)
	mustConverge(t, h)
}

// TestNetwork applies examples/network (routing, an access list built with
// a dynamic block, VLANs and ports), then adds a management host.
func TestNetwork(t *testing.T) {
	h := exampleHarness(t, "network")
	h.MustApply(h.MustPlan(plan.NormalMode))
	mustConverge(t, h)

	editFile(t, h, "main.st.hcl", `"10.99.0.11"]`, `"10.99.0.11", "10.99.0.12"]`)
	p := h.MustPlan(plan.NormalMode)
	if got := strings.Join(enginetest.Pending(p), ","); got != "update network_acl.management" {
		t.Fatalf("adding a management host: %s", got)
	}
	h.MustApply(p)
	mustConverge(t, h)
}
