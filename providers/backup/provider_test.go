package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/backend/local"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/backup/repository"
)

const testPassword = "correct horse battery staple"

// registry returns a registry whose backup provider makes repositories
// with cheap password hashing and sees env as its environment.
func registry(env map[string]string) *providers.Registry {
	kdf := crypto.MinimalKDFParams()
	return providers.NewRegistry(map[string]providers.Factory{
		backup.Name: func() (providers.Provider, error) {
			return backup.NewWith(backup.Options{KDF: &kdf, Getenv: func(k string) string { return env[k] }}), nil
		},
	})
}

func siteConfig(repo, daily string) string {
	return fmt.Sprintf(`
variable "backup_password" {
  type      = string
  sensitive = true
}
provider "backup" {
  password = var.backup_password
}
resource "backup_repository" "main" {
  path = %q
}
resource "backup_policy" "finance" {
  repository = backup_repository.main.path
  name       = "finance"
  sources    = ["/srv/shares/finance"]
  schedule   = "0 2 * * *"
  keep {
    daily   = %s
    monthly = 12
  }
}
`, repo, daily)
}

func harness(t *testing.T, main string) *enginetest.Harness {
	h := enginetest.New(t, registry(nil), map[string]string{"main.st.hcl": main})
	h.Vars = []config.VarArg{{Assignment: "backup_password=" + testPassword}}
	return h
}

func planText(t *testing.T, p *plan.Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := ui.RenderPlanText(&b, p, ui.PlanTextOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func noChanges(t *testing.T, h *enginetest.Harness) {
	t.Helper()
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		t.Fatalf("plan after apply is not empty: %v\n%s", enginetest.Pending(p), planText(t, p))
	}
}

func stateJSON(t *testing.T, h *enginetest.Harness) string {
	t.Helper()
	b, err := json.Marshal(h.State)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func openRepo(t *testing.T, dir string) *repository.Repository {
	t.Helper()
	r, err := repository.Open(context.Background(), local.New(dir), []byte(testPassword), repository.TestOpenOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestRepositoryAndPolicyLifecycle creates a repository and a policy
// stored in it, changes the retention (the plan says so in one sentence),
// and reaches no changes after each apply.
func TestRepositoryAndPolicyLifecycle(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	h := harness(t, siteConfig(repo, "14"))
	p := h.MustPlan(plan.NormalMode)
	if got := enginetest.Pending(p); strings.Join(got, ",") != "create backup_policy.finance,create backup_repository.main" {
		t.Fatalf("first plan: %v", got)
	}
	h.MustApply(p)
	noChanges(t, h)

	pols, err := backup.LoadPolicies(context.Background(), openRepo(t, repo))
	if err != nil {
		t.Fatal(err)
	}
	if got := pols["finance"]; got.Keep.Daily != 14 || got.Keep.Monthly != 12 || got.Schedule != "0 2 * * *" || got.Sources[0] != "/srv/shares/finance" {
		t.Fatalf("stored policy: %+v", got)
	}
	if strings.Contains(stateJSON(t, h), testPassword) {
		t.Fatal("the state holds the password in clear")
	}

	h.WriteFile("main.st.hcl", strings.Replace(siteConfig(repo, "7"), "monthly = 12", "monthly = 12\n    weekly = 4", 1))
	p = h.MustPlan(plan.NormalMode)
	want := `policy "finance" will keep 7 daily snapshots instead of 14 and 4 weekly (new); applying this deletes nothing — "steward backup forget" does`
	if text := planText(t, p); !strings.Contains(text, want) {
		t.Fatalf("the plan does not say %q:\n%s", want, text)
	}
	if text := planText(t, p); strings.Contains(text, testPassword) {
		t.Fatal("the plan shows the password")
	}
	h.MustApply(p)
	noChanges(t, h)
	pols, _ = backup.LoadPolicies(context.Background(), openRepo(t, repo))
	if pols["finance"].Keep.Daily != 7 || pols["finance"].Keep.Weekly != 4 {
		t.Fatalf("policy after change: %+v", pols["finance"])
	}

	// A policy changed in the repository behind steward's back is drift.
	r := openRepo(t, repo)
	changed := pols["finance"]
	changed.Keep.Daily = 99
	if err := backup.SavePolicy(context.Background(), r, changed); err != nil {
		t.Fatal(err)
	}
	p = h.MustPlan(plan.NormalMode)
	if got := enginetest.Actions(p)["backup_policy.finance"]; got != plan.Update {
		t.Fatalf("a policy edited in the repository plans %v, want update", got)
	}
}

// TestVanishedRepositoryIsDrift: a repository deleted outside steward
// plans to be created again, and its policies with it.
func TestVanishedRepositoryIsDrift(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	h := harness(t, siteConfig(repo, "7"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	if err := os.Chmod(repo, 0o700); err != nil {
		t.Fatal(err)
	}
	removeAll(t, repo)
	p := h.MustPlan(plan.NormalMode)
	if got := enginetest.Pending(p); strings.Join(got, ",") != "create backup_policy.finance,create backup_repository.main" {
		t.Fatalf("plan after the repository vanished: %v", got)
	}
	h.MustApply(p)
	noChanges(t, h)
}

// removeAll deletes a repository, whose files are read-only.
func removeAll(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
}

// TestCreateRefusesExistingRepository: steward never initialises over a
// repository it does not manage, and says how to import it.
func TestCreateRefusesExistingRepository(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	existing := repository.TestRepositoryAt(t, local.New(repo))
	h := harness(t, siteConfig(repo, "7"))
	diags := h.Apply(h.MustPlan(plan.NormalMode))
	msg := enginetest.Describe(diags)
	if !diags.HasErrors() || !strings.Contains(msg, "Repository already exists") || !strings.Contains(msg, "import") || !strings.Contains(msg, existing.Config().ID) {
		t.Fatalf("apply over an existing repository: %s", msg)
	}

	// Imported by its location, it is managed without being touched.
	h2 := harness(t, siteConfig(repo, "7")+fmt.Sprintf("\nimport {\n  to = backup_repository.main\n  id = %q\n}\n", repo))
	p := h2.MustPlan(plan.NormalMode)
	if got := enginetest.Pending(p); strings.Join(got, ",") != "create backup_policy.finance" {
		t.Fatalf("plan with an import block: %v", got)
	}
	h2.MustApply(p)
	noChanges(t, h2)
	if !strings.Contains(stateJSON(t, h2), existing.Config().ID) {
		t.Errorf("the imported repository's id is not in the state")
	}
}

// TestDestroyKeepsBackups: destroying the resources forgets the
// repository, with a warning, and leaves its data where it was.
func TestDestroyKeepsBackups(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	h := harness(t, siteConfig(repo, "7"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	p := h.MustPlan(plan.DestroyMode)
	diags := h.Apply(p)
	if diags.HasErrors() {
		t.Fatal(enginetest.Describe(diags))
	}
	if msg := enginetest.Describe(diags); !strings.Contains(msg, "never deletes backups") {
		t.Errorf("destroy did not warn that the backups are kept: %s", msg)
	}
	if _, err := repository.Probe(context.Background(), local.New(repo)); err != nil {
		t.Fatalf("the repository is gone after destroy: %v", err)
	}
	r := openRepo(t, repo)
	if names, _ := r.ListPolicies(context.Background()); len(names) != 0 {
		t.Errorf("destroying the policy left it in the repository: %v", names)
	}
}

// TestPlanValidation: a bad schedule or keep span is a diagnostic naming
// the attribute; one location exactly.
func TestPlanValidation(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	for name, tc := range map[string]struct{ edit, want string }{
		"schedule": {`schedule   = "0 2 * * *"`, `schedule   = "every night"`},
		"within":   {`monthly = 12`, `within = "30 days"`},
		"location": {fmt.Sprintf("path = %q", repo), fmt.Sprintf("path = %q\n  url = \"sftp://nas/x\"", repo)},
	} {
		t.Run(name, func(t *testing.T) {
			h := harness(t, strings.Replace(siteConfig(repo, "7"), tc.edit, tc.want, 1))
			_, diags := h.Plan(plan.NormalMode)
			msg := enginetest.Describe(diags)
			if !diags.HasErrors() {
				t.Fatalf("no error for %s", tc.want)
			}
			wantWord := map[string]string{"schedule": "schedule", "within": "keep.within", "location": "exactly one of path"}[name]
			if !strings.Contains(msg, wantWord) {
				t.Errorf("the diagnostic does not name %q: %s", wantWord, msg)
			}
		})
	}
}

// TestWrongProviderPassword: policies of a repository the provider's
// password does not open cannot be planned, and the password is not shown.
func TestWrongProviderPassword(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	h := harness(t, siteConfig(repo, "7"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	h.Vars = []config.VarArg{{Assignment: "backup_password=not-the-password"}}
	_, diags := h.Plan(plan.NormalMode)
	msg := enginetest.Describe(diags)
	if !diags.HasErrors() || !strings.Contains(msg, "does not open") {
		t.Fatalf("plan with a wrong password: %s", msg)
	}
	if strings.Contains(msg, "not-the-password") {
		t.Fatal("the diagnostic shows the password")
	}
}

// TestPasswordFromEnvironment: without a password in the provider block,
// STEWARD_BACKUP_PASSWORD is used.
func TestPasswordFromEnvironment(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	src := strings.Replace(siteConfig(repo, "7"), "password = var.backup_password", "", 1)
	h := enginetest.New(t, registry(map[string]string{backup.PasswordEnv: testPassword}), map[string]string{"main.st.hcl": src})
	h.Vars = []config.VarArg{{Assignment: "backup_password=unused"}}
	h.MustApply(h.MustPlan(plan.NormalMode))
	noChanges(t, h)
	openRepo(t, repo) // opens with the environment's password
}

// TestRepositoryPasswordChange: giving a repository its own password adds
// it as a key; the provider's password keeps working for the policies.
func TestRepositoryPasswordChange(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	h := harness(t, siteConfig(repo, "7"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	withOwn := strings.Replace(siteConfig(repo, "7"), fmt.Sprintf("path = %q", repo), fmt.Sprintf("path = %q\n  password = \"a-second-password\"", repo), 1)
	h.WriteFile("main.st.hcl", withOwn)
	p := h.MustPlan(plan.NormalMode)
	if got := enginetest.Actions(p)["backup_repository.main"]; got != plan.Update {
		t.Fatalf("a new repository password plans %v, want update", got)
	}
	h.MustApply(p)
	noChanges(t, h)
	for _, pw := range []string{testPassword, "a-second-password"} {
		r, err := repository.Open(context.Background(), local.New(repo), []byte(pw), repository.TestOpenOptions())
		if err != nil {
			t.Fatalf("password %q does not open the repository: %v", pw[:3]+"...", err)
		}
		r.Close()
	}
	if strings.Contains(stateJSON(t, h), "a-second-password") {
		t.Fatal("the state holds the repository's password")
	}
}

// TestLocationChangeKeepsOldRepository: moving a repository replaces the
// resource; the old repository and its data stay where they were.
func TestLocationChangeKeepsOldRepository(t *testing.T) {
	dir := t.TempDir()
	oldRepo, newRepo := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	h := harness(t, siteConfig(oldRepo, "7"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	oldID := openRepo(t, oldRepo).Config().ID

	h.WriteFile("main.st.hcl", siteConfig(newRepo, "7"))
	p := h.MustPlan(plan.NormalMode)
	if got := enginetest.Actions(p)["backup_repository.main"]; !got.IsReplace() {
		t.Fatalf("a new location plans %v, want a replacement", got)
	}
	diags := h.Apply(p)
	if diags.HasErrors() {
		t.Fatal(enginetest.Describe(diags))
	}
	if msg := enginetest.Describe(diags); !strings.Contains(msg, oldRepo) || !strings.Contains(msg, "still there") {
		t.Errorf("no warning that the old repository is kept: %s", msg)
	}
	if info, err := repository.Probe(context.Background(), local.New(oldRepo)); err != nil || info.ID != oldID {
		t.Fatalf("the old repository is gone: %+v %v", info, err)
	}
	if pols, err := backup.LoadPolicies(context.Background(), openRepo(t, newRepo)); err != nil || pols["finance"].Name != "finance" {
		t.Fatalf("the policy is not in the new repository: %v %v", pols, err)
	}
	noChanges(t, h)
}

// TestNoProviderPassword: with the password only on the repository (as in
// DESIGN.md's example), plans keep working with a warning that the
// policies were not compared, and changing a policy says what is missing.
func TestNoProviderPassword(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "main")
	src := strings.Replace(siteConfig(repo, "7"), "password = var.backup_password", "", 1)
	src = strings.Replace(src, fmt.Sprintf("path = %q", repo), fmt.Sprintf("path = %q\n  password = var.backup_password", repo), 1)
	h := harness(t, src)
	h.MustApply(h.MustPlan(plan.NormalMode))
	p, diags := h.Plan(plan.NormalMode)
	if diags.HasErrors() || p.HasChanges() {
		t.Fatalf("second plan: %v %s", enginetest.Pending(p), enginetest.Describe(diags))
	}
	if msg := enginetest.Describe(diags); !strings.Contains(msg, "Policies not compared with the repository") {
		t.Errorf("no warning about the unchecked policies: %s", msg)
	}
	h.WriteFile("main.st.hcl", strings.Replace(src, "daily   = 7", "daily   = 9", 1))
	diags = h.Apply(h.MustPlan(plan.NormalMode))
	if msg := enginetest.Describe(diags); !diags.HasErrors() || !strings.Contains(msg, "STEWARD_BACKUP_PASSWORD") {
		t.Fatalf("changing a policy without a password: %s", msg)
	}
}
