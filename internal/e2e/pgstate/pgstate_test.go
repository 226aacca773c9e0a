package pgstate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stewardhq/steward/engine/state"
)

// pulled is what `steward state pull` printed.
func (p *project) pulled(args ...string) *state.State {
	p.t.Helper()
	r := p.must(0, append([]string{"state", "pull"}, args...)...)
	st, err := state.Unmarshal([]byte(r.stdout))
	if err != nil {
		p.t.Fatalf("state pull printed no state: %v\n%s", err, r)
	}
	return st
}

func managed(st *state.State) []string {
	var out []string
	for _, r := range st.Resources {
		out = append(out, r.Type+"."+r.Name)
	}
	return out
}

func has(st *state.State, name string) bool {
	return st.Resource("", state.ModeManaged, "steward_data", name) != nil
}

// TestTwoLaptopsShareState: one applies, the other, with its own working
// directory and nothing copied across, sees no changes, sensitive value
// included (the hash key is shared through the database).
func TestTwoLaptopsShareState(t *testing.T) {
	conn := pg.Database(t)
	alice := newProject(t, conn, pgConfig)
	bob := newProject(t, conn, pgConfig)
	alice.must(0, "apply", "-auto-approve")
	r := bob.must(0, "plan", "-detailed-exitcode")
	if !strings.Contains(r.stdout, "No changes") {
		t.Errorf("bob's plan:\n%s", r)
	}
	for _, p := range []*project{alice, bob} {
		for _, f := range []string{"steward.state.json", ".steward/state.key"} {
			if _, err := os.Stat(filepath.Join(p.dir, f)); err == nil {
				t.Errorf("%s was written locally although state is in PostgreSQL", f)
			}
		}
	}
	st := bob.pulled()
	if st.Serial != 1 || len(st.Resources) != 5 || !st.Outputs["secret"].Sensitive {
		t.Fatalf("shared state: serial %d, %v", st.Serial, managed(st))
	}
	h := bob.must(0, "state", "history", "-json")
	var versions []state.Version
	if err := json.Unmarshal([]byte(h.stdout), &versions); err != nil || len(versions) != 1 || versions[0].Serial != 1 || versions[0].Lineage != st.Lineage || versions[0].CreatedBy == "" {
		t.Fatalf("history: %v\n%s", err, h)
	}
}

// TestConcurrentApplies: one apply holds the lock (at its approval
// question); a second, started meanwhile with -lock-timeout, waits, and
// both changes end up in the state, each as its own version.
func TestConcurrentApplies(t *testing.T) {
	conn := pg.Database(t)
	alice := newProject(t, conn, pgConfig)
	bob := newProject(t, conn, pgConfig)
	carol := newProject(t, conn, pgConfig)

	first := alice.holdAtApproval("-target=steward_data.a")
	_, locked := carol.lockID()
	for _, want := range []string{"is locked by", "operation apply", "since ", "tried once", "Lock ID: ", "steward force-unlock"} {
		if !strings.Contains(locked.stderr, want) {
			t.Errorf("lock error lacks %q:\n%s", want, locked)
		}
	}
	second := bob.command("apply", "-auto-approve", "-lock-timeout=60s", "-target=steward_data.b")
	var out strings.Builder
	second.Stdout, second.Stderr = &out, &out
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	first.send("yes\n")
	if code := first.wait(); code != 0 {
		t.Fatalf("first apply: exit %d\n%s", code, first.output())
	}
	if err := second.Wait(); err != nil {
		t.Fatalf("second apply: %v\n%s", err, out.String())
	}
	st := carol.pulled()
	if st.Serial != 2 || !has(st, "a") || !has(st, "b") {
		t.Fatalf("after two applies: serial %d, %v", st.Serial, managed(st))
	}

	// Two applies started at the same moment: one waits for the other.
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i, p := range []*project{alice, bob} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = p.run("apply", "-auto-approve", "-lock-timeout=60s", "-target=steward_data."+[]string{"c", "d"}[i])
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.code != 0 {
			t.Fatalf("simultaneous apply failed:\n%s", r)
		}
	}
	st = carol.pulled()
	if st.Serial != 4 || !has(st, "a") || !has(st, "b") || !has(st, "c") || !has(st, "d") {
		t.Fatalf("after simultaneous applies: serial %d, %v", st.Serial, managed(st))
	}
}

// TestKillNineReleasesLock: an apply killed with SIGKILL while holding the
// lock leaves the lock free and the state as last committed.
func TestKillNineReleasesLock(t *testing.T) {
	conn := pg.Database(t)
	p := newProject(t, conn, pgConfig)
	p.must(0, "apply", "-auto-approve", "-target=steward_data.a")
	before := p.pulled()

	run := p.holdAtApproval()
	if err := run.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	run.wait()
	// The server notices the dead client's closed socket; the timeout only
	// covers that moment.
	p.must(0, "apply", "-auto-approve", "-lock-timeout=20s", "-target=steward_data.b")
	after := p.pulled("-version=1")
	if after.Serial != before.Serial || !after.Equal(before) {
		t.Fatalf("the killed run changed version 1")
	}
	if st := p.pulled(); st.Serial != before.Serial+1 || !has(st, "a") || !has(st, "b") {
		t.Fatalf("the next run: serial %d, %v", st.Serial, managed(st))
	}
}

// TestDatabaseRestartMidRun: the database restarts while an apply holds
// the lock. The apply's save fails with a clear error (its lock went with
// the old session), nothing partial is stored, and the next run works.
func TestDatabaseRestartMidRun(t *testing.T) {
	srv := pg.Server(t)
	conn := pg.Database(t)
	p := newProject(t, conn, pgConfig)
	p.must(0, "apply", "-auto-approve", "-target=steward_data.a")

	run := p.holdAtApproval()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	run.send("yes\n")
	if code := run.wait(); code == 0 {
		t.Fatalf("apply succeeded although its lock was lost:\n%s", run.output())
	}
	out := run.output()
	for _, want := range []string{"saving the state failed", "steward.state.errored.json"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	// Which of the two connections notices the restart first is a race:
	// the lock's (the lock was lost) or the write's (the server ended the
	// session). Either way the write must be refused.
	if !strings.Contains(out, "state lock was lost") && !strings.Contains(out, "the PostgreSQL server shut down or ended the session") {
		t.Errorf("apply output does not say why the state could not be saved:\n%s", out)
	}
	st := p.pulled()
	if st.Serial != 1 || has(st, "b") {
		t.Fatalf("a partial write was stored: serial %d, %v", st.Serial, managed(st))
	}

	// While the server is down, runs fail at once with a clear error.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	r := p.run("plan")
	if startErr := srv.StartAgain(); startErr != nil {
		t.Fatal(startErr)
	}
	if r.code != 1 || !strings.Contains(r.stderr, "cannot reach PostgreSQL") {
		t.Fatalf("plan with the server down:\n%s", r)
	}

	// The rescued state goes in with migrate -from-file; the next run
	// then has nothing left to do.
	p.must(0, "state", "migrate", "-from-file=steward.state.errored.json")
	p.must(0, "plan", "-detailed-exitcode")
	p.must(0, "apply", "-auto-approve")
	if st := p.pulled(); st.Serial != 2 || len(st.Resources) != 5 {
		t.Fatalf("after recovery: serial %d, %v", st.Serial, managed(st))
	}
}

// TestMigrationRoundTrip: local -> PostgreSQL -> local keeps lineage,
// serial and content, and the hash key goes along; a state of another
// lineage is refused unless -force.
func TestMigrationRoundTrip(t *testing.T) {
	conn := pg.Database(t)
	p := newProject(t, conn, "")
	p.must(0, "apply", "-auto-approve")
	localFile := filepath.Join(p.dir, "steward.state.json")
	orig, err := os.ReadFile(localFile)
	if err != nil {
		t.Fatal(err)
	}

	p.writeConfig(pgConfig)
	r := p.must(0, "state", "migrate")
	if !strings.Contains(r.stdout, "Migrated") {
		t.Errorf("migrate said:\n%s", r)
	}
	pulled := p.must(0, "state", "pull")
	if pulled.stdout != string(orig) {
		t.Fatalf("PostgreSQL holds another document than the local file:\n%s\nwant:\n%s", pulled.stdout, orig)
	}
	p.must(0, "plan", "-detailed-exitcode")
	p.must(0, "state", "migrate") // the same state again changes nothing
	if h := p.must(0, "state", "history"); strings.Count(h.stdout, "\n") != 2 {
		t.Fatalf("migrating the same state twice made two versions:\n%s", h)
	}
	// A change made in PostgreSQL...
	p.must(0, "state", "rm", "steward_data.d")
	inPG := p.pulled()
	// ...goes back to the local file.
	p.must(0, "state", "migrate", "-to=local")
	back, err := os.ReadFile(localFile)
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Unmarshal(back)
	if err != nil || st.Lineage != inPG.Lineage || st.Serial != inPG.Serial || !st.Equal(inPG) || has(st, "d") {
		t.Fatalf("back in the local file: %v, serial %d vs %d", err, st.Serial, inPG.Serial)
	}
	p.writeConfig("")
	p.must(2, "plan", "-detailed-exitcode") // d is to be created again, and nothing else

	// Another project's state must not overwrite this one.
	other := newProject(t, conn, "")
	other.must(0, "apply", "-auto-approve")
	other.writeConfig(pgConfig)
	r = other.must(1, "state", "migrate")
	if !strings.Contains(r.stderr, "another lineage") {
		t.Fatalf("lineage mismatch:\n%s", r)
	}
	if st := other.pulled(); st.Lineage != inPG.Lineage {
		t.Fatal("a refused migrate changed the stored state")
	}
	other.must(0, "state", "migrate", "-force")
	if st := other.pulled(); st.Lineage == inPG.Lineage {
		t.Fatal("migrate -force did not replace the state")
	}
}

// TestWorkspaces runs the same workspace story on local and PostgreSQL
// state.
func TestWorkspaces(t *testing.T) {
	for _, kind := range []string{"local", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			block := ""
			if kind == "postgres" {
				block = pgConfig
			}
			p := newProject(t, pg.Database(t), block)
			p.must(0, "apply", "-auto-approve", "-target=steward_data.a")
			p.must(0, "workspace", "new", "site-b")
			if r := p.must(0, "workspace", "show"); strings.TrimSpace(r.stdout) != "site-b" {
				t.Fatalf("workspace show after new:\n%s", r)
			}
			p.must(0, "apply", "-auto-approve", "-target=steward_data.b")
			r := p.must(0, "workspace", "list")
			if r.stdout != "  default\n* site-b\n" {
				t.Fatalf("workspace list:\n%s", r)
			}
			if st := p.pulled(); !has(st, "b") || has(st, "a") {
				t.Fatalf("site-b: %v", managed(st))
			}
			if st := p.pulled("-workspace=default"); !has(st, "a") || has(st, "b") {
				t.Fatalf("default: %v", managed(st))
			}
			if kind == "local" {
				if _, err := os.Stat(filepath.Join(p.dir, "steward.state.d", "site-b", "steward.state.json")); err != nil {
					t.Fatal(err)
				}
			}
			p.must(1, "plan", "-workspace=nope")
			r = p.must(1, "workspace", "delete", "site-b")
			if !strings.Contains(r.stderr, "current workspace") {
				t.Fatalf("delete of the current workspace:\n%s", r)
			}
			p.must(0, "workspace", "select", "default")
			r = p.must(1, "workspace", "delete", "site-b")
			if !strings.Contains(r.stderr, "still records 1 resource") {
				t.Fatalf("delete of a non-empty workspace:\n%s", r)
			}
			p.must(0, "workspace", "delete", "-force", "site-b")
			if r := p.must(0, "workspace", "list"); r.stdout != "* default\n" {
				t.Fatalf("after delete:\n%s", r)
			}
			if st := p.pulled(); !has(st, "a") {
				t.Fatal("deleting site-b touched default")
			}
		})
	}
}

// TestForceUnlock: only the right lock ID breaks the lock, and the run
// whose lock was broken cannot save over what happens next.
func TestForceUnlock(t *testing.T) {
	conn := pg.Database(t)
	p := newProject(t, conn, pgConfig)
	other := newProject(t, conn, pgConfig)
	run := p.holdAtApproval("-target=steward_data.a")
	id, _ := other.lockID()
	r := other.must(1, "force-unlock", "-force", "0123456789abcdef")
	if !strings.Contains(r.stderr, "does not match") {
		t.Fatalf("wrong ID:\n%s", r)
	}
	other.must(1, "force-unlock", id) // no terminal to confirm on, no -force
	other.must(0, "force-unlock", "-force", id)
	other.must(0, "apply", "-auto-approve", "-target=steward_data.b")
	run.send("yes\n")
	if code := run.wait(); code == 0 {
		t.Fatalf("the unlocked run saved its state:\n%s", run.output())
	}
	if st := other.pulled(); st.Serial != 1 || has(st, "a") || !has(st, "b") {
		t.Fatalf("state: serial %d, %v", st.Serial, managed(st))
	}
}

// TestStateBlockDiagnostics: an unknown kind or attribute is reported at
// its place in the configuration.
func TestStateBlockDiagnostics(t *testing.T) {
	p := newProject(t, "", `steward {
  state "s3" {}
}
`)
	r := p.must(1, "plan")
	for _, want := range []string{"Unknown state storage", "main.st.hcl line 2", `Valid kinds: "local"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("unknown kind: output lacks %q:\n%s", want, r)
		}
	}
	p.writeConfig(`steward {
  state "postgres" {
    bogus = 1
  }
}
`)
	r = p.must(1, "state", "list")
	if !strings.Contains(r.stderr, "bogus") || !strings.Contains(r.stderr, "main.st.hcl line 3") {
		t.Errorf("unknown attribute:\n%s", r)
	}
}

// TestLocalHistoryAndPull: a local state's history is the file and its
// backup, and pull prints either.
func TestLocalHistoryAndPull(t *testing.T) {
	p := newProject(t, "", "")
	p.must(0, "apply", "-auto-approve", "-target=steward_data.a")
	p.must(0, "apply", "-auto-approve", "-target=steward_data.b")
	h := p.must(0, "state", "history", "-json")
	var versions []state.Version
	if err := json.Unmarshal([]byte(h.stdout), &versions); err != nil || len(versions) != 2 || versions[0].Serial != 2 || versions[1].Serial != 1 {
		t.Fatalf("history: %v\n%s", err, h)
	}
	if st := p.pulled("-version=1"); !has(st, "a") || has(st, "b") {
		t.Fatalf("version 1: %v", managed(st))
	}
	if st := p.pulled(); st.Serial != 2 || !has(st, "b") {
		t.Fatalf("latest: %v", managed(st))
	}
	r := p.must(1, "state", "pull", "-version=7")
	if !strings.Contains(r.stderr, "only the current file and its backup") {
		t.Fatalf("missing version:\n%s", r)
	}
}

// TestValidateChecksStateBlock: validate reports a bad state block without
// connecting anywhere.
func TestValidateChecksStateBlock(t *testing.T) {
	p := newProject(t, "", `steward {
  state "postgres" {
    keep_versions = "many"
  }
}
`)
	r := p.must(1, "validate")
	if !strings.Contains(r.stderr, "Invalid keep_versions") {
		t.Fatalf("validate:\n%s", r)
	}
	p.writeConfig(pgConfig)
	p.must(0, "validate")
}
