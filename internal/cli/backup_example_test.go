package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/crypto"
)

const backupExampleDir = "../../examples/backup"

// TestExampleBackup applies examples/backup (a repository and two
// policies), runs the policies with "steward backup run" found through the
// state, re-plans to no changes, and changes a retention: the plan says so
// in one sentence and applying it deletes nothing.
func TestExampleBackup(t *testing.T) {
	fx := newBackupFixture(t)
	dir := fx.f.WorkDir
	src, err := os.ReadFile(filepath.Join(backupExampleDir, "main.st.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	shares := filepath.Join(dir, "shares")
	writeTree(t, shares, map[string]string{"finance/ledger.csv": "a,b\n", "finance/x.tmp": "scratch", "sales/leads.txt": "l\n"})
	writeTree(t, dir, map[string]string{
		"main.st.hcl":      string(src),
		"steward.vars.hcl": "repository_path = \"" + filepath.Join(dir, "backups") + "\"\nshares = \"" + shares + "\"\n",
	})
	kdf := crypto.MinimalKDFParams()
	fx.f.Registry = func() *providers.Registry {
		reg := DefaultRegistry()
		return providers.NewRegistry(map[string]providers.Factory{
			"steward": func() (providers.Provider, error) { return reg.New("steward") },
			backup.Name: func() (providers.Provider, error) {
				return backup.NewWith(backup.Options{KDF: &kdf, Getenv: fx.f.getenv}), nil
			},
		})
	}
	fx.f.Environ = append(fx.f.Environ, "STEWARD_VAR_backup_password="+backupPassword)

	out := fx.mustRun(t, "apply", "-auto-approve")
	if !strings.Contains(out, "3 added") {
		t.Fatalf("apply:\n%s", out)
	}
	out = fx.mustRun(t, "backup", "run")
	if !strings.Contains(out, `policy "finance"`) || !strings.Contains(out, `policy "sales"`) {
		t.Fatalf("backup run from the working directory:\n%s", out)
	}
	snaps := fx.snapshots(t, filepath.Join(dir, "backups"))
	if len(snaps) != 2 || snaps[0].Files+snaps[1].Files != 2 {
		t.Fatalf("after the run (x.tmp excluded): %+v", snaps)
	}
	// The state has one repository, so the other commands find it too.
	if out := fx.mustRun(t, "backup", "snapshots"); !strings.Contains(out, "2 snapshots") || !strings.Contains(out, "finance") {
		t.Fatalf("backup snapshots without --repo:\n%s", out)
	}
	if code := fx.run("plan", "-detailed-exitcode"); code != ExitOK {
		t.Fatalf("plan after apply and run: exit %d\n%s%s", code, fx.out, fx.err)
	}

	writeTree(t, dir, map[string]string{"main.st.hcl": strings.Replace(string(src), "daily   = 14", "daily   = 7", 1)})
	if code := fx.run("plan", "-detailed-exitcode"); code != ExitChanges {
		t.Fatalf("plan after changing the retention: exit %d\n%s%s", code, fx.out, fx.err)
	}
	want := `policy "finance" will keep 7 daily snapshots instead of 14; applying this deletes nothing; the next "steward backup run" forgets and prunes by these rules`
	if !strings.Contains(fx.out.String(), want) {
		t.Fatalf("the plan does not say %q:\n%s", want, fx.out)
	}
	fx.mustRun(t, "apply", "-auto-approve")
	if len(fx.snapshots(t, filepath.Join(dir, "backups"))) != 2 {
		t.Fatal("applying a retention change deleted snapshots")
	}
	if code := fx.run("plan", "-detailed-exitcode"); code != ExitOK {
		t.Fatalf("plan after the change: exit %d\n%s", code, fx.out)
	}
	state, _ := os.ReadFile(filepath.Join(dir, StateFile))
	if strings.Contains(string(state), backupPassword) {
		t.Fatal("the state holds the repository password")
	}
}
