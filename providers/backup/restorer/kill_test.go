package restorer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stewardhq/steward/providers/backup/archiver"
	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/checker"
	"github.com/stewardhq/steward/providers/backup/restorer"
)

const (
	helperRepoEnv = "STEWARD_TEST_BACKUP_HELPER_REPO"
	helperSrcEnv  = "STEWARD_TEST_BACKUP_HELPER_SRC"
)

// TestHelperBackupProcess is not a test: TestBackupSurvivesKill9 runs the
// test binary as a child with this test selected, to back up a directory in
// a separate process it can kill -9.
func TestHelperBackupProcess(t *testing.T) {
	repoDir, src := os.Getenv(helperRepoEnv), os.Getenv(helperSrcEnv)
	if repoDir == "" {
		t.Skip("helper process for TestBackupSurvivesKill9")
	}
	ctx := context.Background()
	repo := archivertest.OpenLocalRepo(t, repoDir)
	unlock, err := repo.Lock(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, _, err := archiver.New(repo, archiver.Options{Host: "test"}).Backup(ctx, []string{src}); err != nil {
		t.Fatal(err)
	}
}

func runHelper(t *testing.T, repoDir, src string, killAfter time.Duration) (finished bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBackupProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperRepoEnv+"="+repoDir, helperSrcEnv+"="+src)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if killAfter <= 0 {
		if err := <-done; err != nil {
			t.Fatalf("helper backup failed: %v\n%s", err, out.String())
		}
		return true
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("helper backup failed: %v\n%s", err, out.String())
		}
		return true
	case <-time.After(killAfter):
	}
	// kill -9: no deferred function, no unlock, no flush.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done
	return false
}

// TestBackupSurvivesKill9 kills a backup process at spread-out points of
// its run, several times into the same repository; then the repository
// must check clean (unreferenced packs are warnings), a new backup must
// complete and restore identical to the source.
func TestBackupSurvivesKill9(t *testing.T) {
	if os.Getenv(helperRepoEnv) != "" {
		t.Skip("inside the helper process")
	}
	ctx := context.Background()
	base := t.TempDir()
	src := filepath.Join(base, "src")
	for i := 0; i < 60; i++ {
		dir := filepath.Join(src, fmt.Sprintf("dir%d", i%6))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		size := 300_000 + i*9_000
		if i%20 == 0 {
			size = 6 << 20
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", i)), archivertest.RandomBytes(uint64(i), size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := archivertest.Manifest(t, src)

	// How long a whole backup takes in a child, to spread the kills over it.
	scratch := filepath.Join(base, "scratch")
	archivertest.NewLocalRepo(t, scratch)
	start := time.Now()
	runHelper(t, scratch, src, 0)
	full := time.Since(start)
	t.Logf("an uninterrupted backup process takes %v", full)

	repoDir := filepath.Join(base, "repo")
	archivertest.NewLocalRepo(t, repoDir)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	const kills = 5
	for i := 0; i < kills; i++ {
		// Slot i of the run, at a random point inside it.
		delay := time.Duration((float64(i) + rng.Float64()) / kills * float64(full))
		finished := runHelper(t, repoDir, src, delay)
		t.Logf("kill %d after %v (finished first: %v)", i, delay, finished)
	}

	repo := archivertest.OpenLocalRepo(t, repoDir)
	rep, err := checker.Check(ctx, repo, checker.Options{ReadData: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("check after kills: %v", rep.Errors())
	}
	t.Logf("check after kills: %d packs, %d warnings", rep.Packs, len(rep.Warnings()))

	unlock, err := repo.Lock(ctx, false)
	if err != nil {
		t.Fatalf("lock after kills (stale locks must be removed): %v", err)
	}
	snap, _, err := archiver.New(repo, archiver.Options{Host: "test"}).Backup(ctx, []string{src})
	unlock()
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(base, "restore")
	if _, err := restorer.New(repo, snap, restorer.Options{}).Restore(ctx, dst); err != nil {
		t.Fatal(err)
	}
	archivertest.CompareManifests(t, want, archivertest.Manifest(t, filepath.Join(dst, "src")))
	rep, err = checker.Check(ctx, repo, checker.Options{ReadData: true})
	if err != nil || !rep.OK() {
		t.Fatalf("check after the completing backup: %v %v", err, rep.Errors())
	}
}
