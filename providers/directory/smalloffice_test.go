package directory_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/directory"
	"github.com/stewardhq/steward/providers/network"
)

// TestExampleSmallOffice applies examples/small-office to the whole lab
// (two switches and the directory), then lets a second person leave.
func TestExampleSmallOffice(t *testing.T) {
	l, err := lab.Start(context.Background(), lab.Options{Directory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop() })
	reg := providers.NewRegistry(map[string]providers.Factory{directory.Name: directory.New, network.Name: network.New})
	h := enginetest.New(t, reg, map[string]string{})
	if err := os.CopyFS(h.Dir, os.DirFS("../../examples/small-office")); err != nil {
		t.Fatal(err)
	}
	if err := l.WriteConfig(h.Dir); err != nil {
		t.Fatal(err)
	}
	p := h.MustPlan(plan.NormalMode)
	var md bytes.Buffer
	if err := ui.RenderPlanMarkdown(&md, p); err != nil || !strings.Contains(md.String(), "**Plan: 50 to add") {
		t.Fatalf("markdown comment: %v\n%s", err, md.String())
	}
	h.MustApply(p)
	noChanges(t, h)

	src, err := os.ReadFile(filepath.Join(h.Dir, "main.st.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	h.WriteFile("main.st.hcl", strings.Replace(string(src), `leavers = toset(["tess"])`, `leavers = toset(["tess", "sam"])`, 1))
	p = h.MustPlan(plan.NormalMode)
	wantInPlan(t, p, "sam will be disabled: locked, removed from 1 group, moved to ou=disabled")
	if got := strings.Join(enginetest.Pending(p), ","); got != `delete module.desks.network_interface.desk["sam"],update directory_user.staff["sam"]` {
		t.Fatalf("a leaver: %s", got)
	}
	h.MustApply(p)
	noChanges(t, h)
}
