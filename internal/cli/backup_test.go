package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/backend/local"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// backupPassword is repository.TestPassword: test repositories are made
// with it and cheap password hashing.
var backupPassword = string(repository.TestPassword)

// backupFixture is a working directory with a test repository and a
// source tree to back up.
type backupFixture struct {
	f        *Factory
	out, err *bytes.Buffer
	repo     string
	src      string
}

func newBackupFixture(t *testing.T) *backupFixture {
	t.Helper()
	f, _, out, errOut := testFactory(t)
	f.Environ = []string{backupPasswordEnv + "=" + backupPassword}
	kdf := crypto.MinimalKDFParams()
	f.BackupKDF = &kdf
	fx := &backupFixture{f: f, out: out, err: errOut, repo: filepath.Join(f.WorkDir, "repo"), src: filepath.Join(f.WorkDir, "finance")}
	repository.TestRepositoryAt(t, local.New(fx.repo))
	writeTree(t, fx.src, map[string]string{"ledger.csv": "date,amount\n2025-01-02,10\n", "2024/q4.txt": "closed\n", "empty": ""})
	return fx
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// run runs steward with args and returns its exit code; the output is in
// fx.out and fx.err, reset first.
func (fx *backupFixture) run(args ...string) int {
	fx.out.Reset()
	fx.err.Reset()
	return Run(fx.f, args)
}

func (fx *backupFixture) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	if code := fx.run(args...); code != ExitOK {
		t.Fatalf("steward %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, fx.out, fx.err)
	}
	return fx.out.String()
}

func (fx *backupFixture) snapshots(t *testing.T, repo ...string) []ui.SnapshotRow {
	t.Helper()
	loc := fx.repo
	if len(repo) > 0 {
		loc = repo[0]
	}
	var doc ui.BackupSnapshotsJSON
	if err := json.Unmarshal([]byte(fx.mustRun(t, "backup", "snapshots", "--repo", loc, "-json")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != ui.BackupJSONFormatVersion {
		t.Errorf("format_version = %q", doc.FormatVersion)
	}
	return doc.Snapshots
}

// TestBackupRunListRestoreRoundTrip: an ad-hoc backup, a second one after
// a change, the snapshot list, ls and diff, and a restore that gives back
// the files byte for byte.
func TestBackupRunListRestoreRoundTrip(t *testing.T) {
	fx := newBackupFixture(t)
	out := fx.mustRun(t, "backup", "run", "--path", fx.src, "--repo", fx.repo, "--tag", "manual")
	if !strings.Contains(out, "Files: 3 new, 0 changed, 0 unmodified") {
		t.Errorf("first run:\n%s", out)
	}
	writeTree(t, fx.src, map[string]string{"ledger.csv": "date,amount\n2025-01-02,10\n2025-01-03,12\n", "new.txt": "n\n"})
	out = fx.mustRun(t, "-chdir="+fx.f.WorkDir, "backup", "run", "--path", "finance", "--repo", "repo")
	if !strings.Contains(out, "Files: 1 new, 1 changed, 2 unmodified") {
		t.Errorf("second run (relative paths, parent found):\n%s", out)
	}

	snaps := fx.snapshots(t)
	if len(snaps) != 2 || snaps[0].Tags[0] != "manual" || snaps[1].Paths[0] != fx.src || snaps[1].Files != 4 || snaps[1].Parent != snaps[0].ID {
		t.Fatalf("snapshots -json: %+v", snaps)
	}
	table := fx.mustRun(t, "backup", "snapshots", "--repo", fx.repo)
	for _, want := range []string{"ID", "Policy", snaps[0].ShortID, "manual", fx.src, "2 snapshots"} {
		if !strings.Contains(table, want) {
			t.Errorf("snapshots table lacks %q:\n%s", want, table)
		}
	}

	ls := fx.mustRun(t, "backup", "ls", "latest", fx.src+"/2024", "--repo", fx.repo)
	if !strings.Contains(ls, "/finance/2024/q4.txt") || strings.Contains(ls, "ledger") || !strings.HasPrefix(ls, "drwx") {
		t.Errorf("ls latest %s/2024:\n%s", fx.src, ls)
	}
	if code := fx.run("backup", "ls", "latest", "/nowhere", "--repo", fx.repo); code != ExitError || !strings.Contains(fx.err.String(), "has no /nowhere") {
		t.Errorf("ls of a missing path: exit %d, %s", code, fx.err)
	}

	diff := fx.mustRun(t, "backup", "diff", snaps[0].ShortID, "latest", "--repo", fx.repo)
	for _, want := range []string{"+ /finance/new.txt", "M /finance/ledger.csv (content, size", "1 added, 0 removed, 2 modified."} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}

	target := filepath.Join(fx.f.WorkDir, "restored")
	out = fx.mustRun(t, "backup", "restore", "latest", "--target", target, "--repo", fx.repo)
	if !strings.Contains(out, "4 files") {
		t.Errorf("restore:\n%s", out)
	}
	sameTree(t, fx.src, filepath.Join(target, "finance"))

	only := filepath.Join(fx.f.WorkDir, "only")
	fx.mustRun(t, "backup", "restore", snaps[0].ID, "--target", only, "--include", fx.src+"/2024", "--repo", fx.repo)
	if _, err := os.Stat(filepath.Join(only, "finance", "ledger.csv")); !os.IsNotExist(err) {
		t.Errorf("--include restored more than asked: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(only, "finance", "2024", "q4.txt")); err != nil || string(b) != "closed\n" {
		t.Errorf("--include: %q, %v", b, err)
	}
}

func sameTree(t *testing.T, want, got string) {
	t.Helper()
	err := filepath.Walk(want, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		gi, err := os.Lstat(filepath.Join(got, rel))
		if err != nil {
			t.Errorf("%s not restored: %v", rel, err)
			return nil
		}
		if gi.Mode() != fi.Mode() || (!fi.IsDir() && !gi.ModTime().Equal(fi.ModTime())) {
			t.Errorf("%s: mode %v mtime %v, want %v %v", rel, gi.Mode(), gi.ModTime(), fi.Mode(), fi.ModTime())
		}
		if fi.Mode().IsRegular() {
			a, _ := os.ReadFile(p)
			b, _ := os.ReadFile(filepath.Join(got, rel))
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs after restore", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBackupPasswords: from a file, from the environment, a wrong one
// (exit 12, the password never shown), and none at all.
func TestBackupPasswords(t *testing.T) {
	fx := newBackupFixture(t)
	pwFile := filepath.Join(fx.f.WorkDir, "pw")
	if err := os.WriteFile(pwFile, []byte(backupPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fx.f.Environ = nil
	fx.mustRun(t, "backup", "snapshots", "--repo", fx.repo, "--password-file", pwFile)

	if code := fx.run("backup", "snapshots", "--repo", fx.repo); code != ExitError || !strings.Contains(fx.err.String(), "no repository password: give --password-file FILE, set STEWARD_BACKUP_PASSWORD") {
		t.Errorf("no password: exit %d\n%s", code, fx.err)
	}

	fx.f.Environ = []string{backupPasswordEnv + "=hunter2-wrong"}
	if code := fx.run("backup", "snapshots", "--repo", fx.repo); code != ExitWrongPassword || !strings.Contains(fx.err.String(), "wrong password") {
		t.Errorf("wrong password: exit %d\n%s", code, fx.err)
	}
	if strings.Contains(fx.out.String()+fx.err.String(), "hunter2-wrong") {
		t.Error("the wrong password is shown")
	}

	fx.f.Environ = []string{backupPasswordEnv + "=" + backupPassword}
	if code := fx.run("backup", "snapshots", "--repo", filepath.Join(fx.f.WorkDir, "nothing-here")); code != ExitNoRepository || !strings.Contains(fx.err.String(), "there is no backup repository at") {
		t.Errorf("missing repository: exit %d\n%s", code, fx.err)
	}

	// On a terminal the password is asked for.
	fx.f.Environ = nil
	fx.f.IO.SetTTY(true, false, false)
	fx.f.IO.In.(*bytes.Buffer).WriteString(backupPassword + "\n")
	fx.mustRun(t, "backup", "snapshots", "--repo", fx.repo)
	if !strings.Contains(fx.err.String(), "Password of the repository at") {
		t.Errorf("no prompt on the terminal: %q", fx.err)
	}
}

// TestBackupInit creates a repository with the real password hashing
// and refuses to create one over it.
func TestBackupInit(t *testing.T) {
	f, _, out, errOut := testFactory(t)
	f.Environ = []string{backupPasswordEnv + "=first-password"}
	repo := filepath.Join(f.WorkDir, "new-repo")
	if code := Run(f, []string{"backup", "init", "--repo", repo, "--compression", "max", "-json"}); code != ExitOK {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	var doc ui.BackupInitJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.ID) != 64 || doc.Location != repo {
		t.Fatalf("init -json: %s (%v)", out, err)
	}
	if info, err := repository.Probe(context.Background(), local.New(repo)); err != nil || info.ID != doc.ID {
		t.Fatalf("probe after init: %+v, %v", info, err)
	}
	if code := Run(f, []string{"backup", "init", "--repo", repo}); code != ExitError || !strings.Contains(errOut.String(), "already a repository") {
		t.Errorf("init over a repository: exit %d: %s", code, errOut)
	}
}

// TestBackupKeys adds a second password, lists the keys, refuses to remove
// the one in use and removes the first with the second.
func TestBackupKeys(t *testing.T) {
	fx := newBackupFixture(t)
	second := filepath.Join(fx.f.WorkDir, "second")
	if err := os.WriteFile(second, []byte("second-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fx.mustRun(t, "backup", "key", "add", "--repo", fx.repo, "--new-password-file", second)
	var keys ui.BackupKeysJSON
	if err := json.Unmarshal([]byte(fx.mustRun(t, "backup", "key", "list", "--repo", fx.repo, "-json")), &keys); err != nil || len(keys.Keys) != 2 || !keys.Keys[0].Current {
		t.Fatalf("key list -json: %s", fx.out)
	}
	if code := fx.run("backup", "key", "remove", keys.Keys[0].ID, "--repo", fx.repo); code != ExitError || !strings.Contains(fx.err.String(), "opened the repository with") {
		t.Errorf("removing the key in use: exit %d: %s", code, fx.err)
	}
	fx.f.Environ = []string{backupPasswordEnv + "=second-password"}
	fx.mustRun(t, "backup", "key", "remove", keys.Keys[0].ID[:10], "--repo", fx.repo)
	fx.f.Environ = []string{backupPasswordEnv + "=" + backupPassword}
	if code := fx.run("backup", "snapshots", "--repo", fx.repo); code != ExitWrongPassword {
		t.Errorf("the removed password still opens the repository: exit %d", code)
	}
}

// TestBackupPolicyRunAndForget: policies stored in the repository run by
// name or all at once; forget --policy applies the stored keep rules to
// that policy's snapshots only.
func TestBackupPolicyRunAndForget(t *testing.T) {
	fx := newBackupFixture(t)
	ctx := context.Background()
	r := repository.TestReopen(t, local.New(fx.repo))
	other := filepath.Join(fx.f.WorkDir, "sales")
	writeTree(t, other, map[string]string{"leads.txt": "x\n"})
	for _, pol := range []backup.Policy{
		{Name: "finance", Sources: []string{fx.src}, Tags: []string{"fin"}, Keep: backup.Keep{Last: 1}},
		{Name: "sales", Sources: []string{other}, Keep: backup.Keep{Last: 5}},
	} {
		if err := backup.SavePolicy(ctx, r, pol); err != nil {
			t.Fatal(err)
		}
	}
	out := fx.mustRun(t, "backup", "run", "--repo", fx.repo)
	if !strings.Contains(out, `policy "finance"`) || !strings.Contains(out, `policy "sales"`) {
		t.Fatalf("run of all policies:\n%s", out)
	}
	fx.mustRun(t, "backup", "run", "finance", "--repo", fx.repo)
	if code := fx.run("backup", "run", "payroll", "--repo", fx.repo); code != ExitError || !strings.Contains(fx.err.String(), `no policy "payroll"`) {
		t.Errorf("unknown policy: exit %d, %s", code, fx.err)
	}
	snaps := fx.snapshots(t)
	if len(snaps) != 3 || snaps[2].Policy != "finance" || snaps[2].Tags[0] != "fin" {
		t.Fatalf("snapshots after the runs: %+v", snaps)
	}

	out = fx.mustRun(t, "backup", "forget", "--policy", "finance", "--repo", fx.repo, "--dry-run")
	if !strings.Contains(out, "would remove  "+snaps[0].ShortID) && !strings.Contains(out, "would remove") {
		t.Errorf("forget --dry-run:\n%s", out)
	}
	if len(fx.snapshots(t)) != 3 {
		t.Fatal("--dry-run forgot snapshots")
	}
	var doc ui.BackupForgetJSON
	if err := json.Unmarshal([]byte(fx.mustRun(t, "backup", "forget", "--policy", "finance", "--repo", fx.repo, "-json")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Kept) != 1 || doc.Kept[0].Snapshot.ID != snaps[2].ID || len(doc.Removed) != 1 || doc.Removed[0].Snapshot.ID != snaps[0].ID {
		t.Fatalf("forget --policy finance: %+v", doc)
	}
	if doc.Kept[0].Reasons[0] != "last snapshot" {
		t.Errorf("reasons: %v", doc.Kept[0].Reasons)
	}
	left := fx.snapshots(t)
	if len(left) != 2 || left[0].Policy != "sales" {
		t.Errorf("the sales snapshot must stay: %+v", left)
	}
	if code := fx.run("backup", "forget", "--repo", fx.repo); code != ExitError || !strings.Contains(fx.err.String(), "no keep rule") {
		t.Errorf("forget without rules: exit %d, %s", code, fx.err)
	}

	// A policy with prune = true forgets by its rules after each run.
	if err := backup.SavePolicy(ctx, r, backup.Policy{Name: "scratch", Sources: []string{other}, Prune: true, Keep: backup.Keep{Last: 1}}); err != nil {
		t.Fatal(err)
	}
	fx.mustRun(t, "backup", "run", "scratch", "--repo", fx.repo)
	out = fx.mustRun(t, "backup", "run", "scratch", "--repo", fx.repo)
	if !strings.Contains(out, "Keep rules forgot 1 snapshot") || !strings.Contains(out, "Pruned") {
		t.Errorf("second run of a pruning policy:\n%s", out)
	}
	if n := len(repository.FilterSnapshots(mustSnapshots(t, r), repository.SnapshotFilter{Policy: "scratch"})); n != 1 {
		t.Errorf("%d scratch snapshots after two runs with keep last 1", n)
	}
}

func mustSnapshots(t *testing.T, r *repository.Repository) []*repository.Snapshot {
	t.Helper()
	sns, err := r.Snapshots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sns
}

// TestBackupCheckDamaged: check passes on a healthy repository and, with
// --read-data, exits 1 with a report once a pack's bytes are changed.
func TestBackupCheckDamaged(t *testing.T) {
	fx := newBackupFixture(t)
	fx.mustRun(t, "backup", "run", "--path", fx.src, "--repo", fx.repo)
	out := fx.mustRun(t, "backup", "check", "--read-data", "--repo", fx.repo)
	if !strings.Contains(out, "No errors: the backups are whole.") {
		t.Fatalf("healthy check:\n%s", out)
	}
	var packs []string
	_ = filepath.Walk(filepath.Join(fx.repo, "data"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			packs = append(packs, p)
		}
		return nil
	})
	if len(packs) == 0 {
		t.Fatal("no pack files")
	}
	for _, p := range packs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/3] ^= 0xff
		_ = os.Chmod(p, 0o600)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code := fx.run("backup", "check", "--read-data", "--repo", fx.repo)
	if code != ExitError || !strings.Contains(fx.out.String(), "The repository is damaged") || !strings.Contains(fx.out.String(), "error: ") {
		t.Fatalf("check of a damaged repository: exit %d\n%s%s", code, fx.out, fx.err)
	}
	var doc ui.BackupCheckJSON
	fx.run("backup", "check", "--read-data", "--repo", fx.repo, "-json")
	if err := json.Unmarshal(fx.out.Bytes(), &doc); err != nil || doc.OK || len(doc.Problems) == 0 {
		t.Fatalf("check -json: %s (%v)", fx.out, err)
	}
}

// TestBackupHelp: every backup command explains itself.
func TestBackupHelp(t *testing.T) {
	for _, args := range [][]string{
		{"backup"}, {"backup", "init"}, {"backup", "run"}, {"backup", "snapshots"}, {"backup", "ls"}, {"backup", "diff"},
		{"backup", "restore"}, {"backup", "forget"}, {"backup", "prune"}, {"backup", "check"}, {"backup", "repair-index"},
		{"backup", "key"}, {"backup", "key", "add"}, {"backup", "key", "list"}, {"backup", "key", "remove"},
	} {
		f, _, out, errOut := testFactory(t)
		if code := Run(f, append(args, "--help")); code != ExitOK {
			t.Fatalf("%v --help: exit %d: %s", args, code, errOut)
		}
		want := "--repo"
		if len(args) == 1 || (len(args) == 2 && args[1] == "key") {
			want = "Available Commands"
		}
		if !strings.Contains(out.String(), "Usage:") || !strings.Contains(out.String(), want) {
			t.Errorf("%v --help lacks %q:\n%s", args, want, out)
		}
	}
}

// TestBackupBinary drives the built binary the way scripts (and
// internal/bench/compare-restic.sh) do: password in the environment,
// run, restore latest, check --read-data, and snapshots -json.
func TestBackupBinary(t *testing.T) {
	dir := t.TempDir()
	repo, src, target := filepath.Join(dir, "repo"), filepath.Join(dir, "src"), filepath.Join(dir, "target")
	repository.TestRepositoryAt(t, local.New(repo))
	writeTree(t, src, map[string]string{"a.txt": "alpha\n", "d/b.txt": strings.Repeat("b", 100000)})
	run := func(args ...string) result {
		t.Helper()
		cmd := exec.Command(stewardBin, args...)
		cmd.Dir = dir
		cmd.Env = testEnv(backupPasswordEnv + "=" + backupPassword)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		r := result{stdout: out.String(), stderr: errOut.String(), commandLine: "steward " + strings.Join(args, " ")}
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return r
	}
	expectCode(t, run("backup", "run", "--path", src, "--repo", repo), ExitOK)
	r := run("backup", "restore", "latest", "--target", target, "--repo", repo)
	expectCode(t, r, ExitOK)
	if r.stderr != "" {
		t.Errorf("progress or noise on a non-terminal stderr: %q", r.stderr)
	}
	sameTree(t, src, filepath.Join(target, "src"))
	expectContains(t, run("backup", "check", "--read-data", "--repo", repo), "No errors")
	r = run("backup", "snapshots", "-json", "--repo", repo)
	expectCode(t, r, ExitOK)
	if !strings.HasPrefix(r.stdout, `{"format_version":"1.0"`) {
		t.Errorf("snapshots -json: %s", r.stdout)
	}
	r = run("backup", "snapshots", "--repo", repo, "--password-file", filepath.Join(dir, "missing"))
	expectCode(t, r, ExitError)
	expectContains(t, r, "reading the password file")
}

// TestBackupProgressOnTerminal: on a terminal, backup and restore draw a
// progress line on standard error; with -json they do not.
func TestBackupProgressOnTerminal(t *testing.T) {
	fx := newBackupFixture(t)
	fx.f.IO.SetTTY(false, false, true)
	fx.mustRun(t, "backup", "run", "--path", fx.src, "--repo", fx.repo)
	if !strings.Contains(fx.err.String(), "] backing up ") || !strings.Contains(fx.err.String(), " file") {
		t.Errorf("no progress line on a terminal: %q", fx.err)
	}
	fx.mustRun(t, "backup", "restore", "latest", "--target", filepath.Join(fx.f.WorkDir, "r"), "--repo", fx.repo)
	if !strings.Contains(fx.err.String(), "] restoring ") {
		t.Errorf("no progress line while restoring: %q", fx.err)
	}
	fx.mustRun(t, "backup", "run", "--path", fx.src, "--repo", fx.repo, "-json")
	if fx.err.Len() != 0 {
		t.Errorf("progress drawn with -json: %q", fx.err)
	}
}

// TestBackupLocked: a backup refused because prune holds the lock exits
// with ExitRepositoryLocked and names the holder.
func TestBackupLocked(t *testing.T) {
	fx := newBackupFixture(t)
	r := repository.TestReopen(t, local.New(fx.repo))
	unlock, err := r.Lock(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if code := fx.run("backup", "run", "--path", fx.src, "--repo", fx.repo); code != ExitRepositoryLocked || !strings.Contains(fx.err.String(), "exclusive lock is held by PID") {
		t.Fatalf("backup beside an exclusive lock: exit %d\n%s", code, fx.err)
	}
}

// TestBackupKilled kills a running backup with SIGKILL once it has written
// data: the repository stays whole (no snapshot of the interrupted run,
// check finds no error), the dead process's lock does not block the next
// backup, and that backup restores byte for byte.
func TestBackupKilled(t *testing.T) {
	dir := t.TempDir()
	repo, src := filepath.Join(dir, "repo"), filepath.Join(dir, "src")
	repository.TestRepositoryAt(t, local.New(repo))
	rnd := rand.New(rand.NewPCG(1, 2))
	files := map[string]string{}
	for i := 0; i < 16; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 8 {
			binary.LittleEndian.PutUint64(b[j:], rnd.Uint64())
		}
		files[fmt.Sprintf("d%d/f%d.bin", i%4, i)] = string(b)
	}
	writeTree(t, src, files)
	env := testEnv(backupPasswordEnv + "=" + backupPassword)

	cmd := exec.Command(stewardBin, "backup", "run", "--path", src, "--repo", repo)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Kill once a pack is stored: the run is then between its first write
	// and its snapshot.
	for killed := false; !killed; {
		select {
		case err := <-exited:
			t.Fatalf("the backup finished (%v) before it could be killed; make the tree bigger\n%s", err, out.String())
		default:
		}
		n := 0
		_ = filepath.Walk(filepath.Join(repo, "data"), func(_ string, fi os.FileInfo, err error) error {
			if err == nil && fi.Mode().IsRegular() {
				n++
			}
			return nil
		})
		if n > 0 {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			killed = true
		}
	}
	<-exited

	run := func(args ...string) result {
		t.Helper()
		c := exec.Command(stewardBin, args...)
		c.Env = env
		var o, e bytes.Buffer
		c.Stdout, c.Stderr = &o, &e
		err := c.Run()
		r := result{stdout: o.String(), stderr: e.String(), commandLine: "steward " + strings.Join(args, " ")}
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		}
		return r
	}
	r := run("backup", "snapshots", "--repo", repo)
	expectCode(t, r, ExitOK)
	expectContains(t, r, "No snapshots.")
	expectCode(t, run("backup", "check", "--repo", repo), ExitOK)
	expectCode(t, run("backup", "run", "--path", src, "--repo", repo), ExitOK)
	expectContains(t, run("backup", "check", "--read-data", "--repo", repo), "No errors")
	expectCode(t, run("backup", "restore", "latest", "--target", filepath.Join(dir, "out"), "--repo", repo), ExitOK)
	sameTree(t, src, filepath.Join(dir, "out", "src"))
}

// TestBackupRepairIndex: with its index files deleted, check names the
// unindexed data and the command that recovers it; repair-index brings the
// snapshot back whole, and it restores identical.
func TestBackupRepairIndex(t *testing.T) {
	fx := newBackupFixture(t)
	fx.mustRun(t, "backup", "run", "--path", fx.src, "--repo", fx.repo)
	indexes, err := filepath.Glob(filepath.Join(fx.repo, "index", "*"))
	if err != nil || len(indexes) == 0 {
		t.Fatalf("no index files: %v", err)
	}
	for _, p := range indexes {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if code := fx.run("backup", "check", "--repo", fx.repo); code != ExitError || !strings.Contains(fx.out.String(), "run `steward backup repair-index` to recover it") {
		t.Fatalf("check without an index: exit %d\n%s%s", code, fx.out, fx.err)
	}
	out := fx.mustRun(t, "backup", "repair-index", "--repo", fx.repo)
	if !strings.Contains(out, "Indexed 2 pack files (5 blobs)") { // one pack of data blobs, one of trees
		t.Errorf("repair-index:\n%s", out)
	}
	out = fx.mustRun(t, "backup", "check", "--read-data", "--repo", fx.repo)
	if !strings.Contains(out, "No errors: the backups are whole.") {
		t.Fatalf("check after the repair:\n%s", out)
	}
	target := filepath.Join(fx.f.WorkDir, "restored")
	fx.mustRun(t, "backup", "restore", "latest", "--target", target, "--repo", fx.repo)
	sameTree(t, fx.src, filepath.Join(target, "finance"))
	if out := fx.mustRun(t, "backup", "repair-index", "--repo", fx.repo); !strings.Contains(out, "nothing to repair") {
		t.Errorf("a second repair-index:\n%s", out)
	}
}
