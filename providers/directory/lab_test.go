package directory_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/lab/directory"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
)

// TestLabDirectoryLifecycle runs the provider against the lab's embedded
// directory server, as the quickstart does: onboard, move, offboard,
// re-enable, rename, with no changes after each apply.
func TestLabDirectoryLifecycle(t *testing.T) {
	h, d := labDirectoryHarness(t, office("ops", true, "admins"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	noChanges(t, h)
	for _, step := range []string{office("finance", true, "admins"), office("finance", false, "admins"), office("finance", true, "admins"), office("finance", true, "administrators")} {
		h.WriteFile("main.st.hcl", step)
		h.MustApply(h.MustPlan(plan.NormalMode))
		noChanges(t, h)
	}
	if e := d.Entry("uid=user4,ou=people," + d.BaseDN()); e == nil {
		t.Fatal("user4 is not back in ou=people")
	}
	if e := d.Entry("cn=administrators,ou=groups," + d.BaseDN()); e == nil || !strings.Contains(strings.Join(e["member"], ";"), "uid=user0") {
		t.Fatalf("administrators lacks user0: %v", e)
	}
}

// labDirectoryHarness starts the lab's directory and a harness for main
// with the provider block that reaches it.
func labDirectoryHarness(t *testing.T, main string) (*enginetest.Harness, *directory.Server) {
	l, err := lab.Start(context.Background(), lab.Options{Directory: true, Devices: []lab.DeviceSpec{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop() })
	d := l.Directory()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, d.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	provider := fmt.Sprintf(`
variable "bind_password" {
  type      = string
  sensitive = true
}
variable "alice_password" {
  type      = string
  sensitive = true
  default   = "Initial-Secret-1"
}
provider "directory" {
  url      = %q
  bind_dn  = %q
  password = var.bind_password
  base_dn  = %q
  ca_file  = %q
}
`, d.URL(), d.RootDN(), d.BaseDN(), ca)
	h := enginetest.New(t, registry(), map[string]string{"provider.st.hcl": provider, "main.st.hcl": main})
	h.Vars = []config.VarArg{{Assignment: "bind_password=" + l.Password()}}
	return h, d
}
