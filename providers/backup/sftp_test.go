package backup_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/testenv/sshd"
)

// TestSFTPRepository manages a repository and a policy on a real OpenSSH
// server, then kills the server: the plan fails with the reason instead
// of planning to create what it cannot see.
func TestSFTPRepository(t *testing.T) {
	s := sshd.Start(t)
	url := fmt.Sprintf("sftp://%s@%s:%d%s", s.User, s.Host, s.Port, filepath.Join(t.TempDir(), "main"))
	src := siteConfig("/unused", "7")
	src = strings.Replace(src, `path = "/unused"`, fmt.Sprintf("url = %q", url), 1)
	src = strings.Replace(src, "backup_repository.main.path", "backup_repository.main.url", 1)
	src = strings.Replace(src, "password = var.backup_password", fmt.Sprintf("password = var.backup_password\n  ssh_key_file = %q\n  known_hosts_file = %q", s.KeyFile, s.KnownHostsFile), 1)
	h := enginetest.New(t, registry(nil), map[string]string{"main.st.hcl": src})
	h.Vars = []config.VarArg{{Assignment: "backup_password=" + testPassword}}
	h.MustApply(h.MustPlan(plan.NormalMode))
	noChanges(t, h)

	s.Kill()
	p, diags := h.Plan(plan.NormalMode)
	if !diags.HasErrors() {
		t.Fatalf("plan with the server gone succeeded: %v", enginetest.Pending(p))
	}
	if msg := enginetest.Describe(diags); !strings.Contains(msg, "Cannot reach the repository") || strings.Contains(msg, testPassword) {
		t.Fatalf("plan with the server gone: %s", msg)
	}
}
