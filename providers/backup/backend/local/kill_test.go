package local_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/local"
)

// killedSaverEnv makes the test binary, run as a child by
// TestKilledDuringSave, save a pack into the repository it names and hang
// halfway until it is killed.
const killedSaverEnv = "STEWARD_TEST_LOCAL_KILLED_SAVER"

var killedPack = backend.Handle{Type: backend.PackFile, Name: "9f" + strings.Repeat("e", 62)}

func TestMain(m *testing.M) {
	if dir := os.Getenv(killedSaverEnv); dir != "" {
		saveUntilKilled(dir)
		return
	}
	os.Exit(m.Run())
}

// hangingReader hands out size bytes, then says so by creating ready and
// blocks forever.
type hangingReader struct {
	size  int
	ready string
}

func (r *hangingReader) Read(p []byte) (int, error) {
	if r.size == 0 {
		_ = os.WriteFile(r.ready, nil, 0o600)
		// Sleep rather than block forever: with every goroutine blocked
		// the runtime would end the process itself ("all goroutines are
		// asleep"), racing the kill the test is about.
		for {
			time.Sleep(time.Hour)
		}
	}
	n := min(len(p), r.size)
	clear(p[:n])
	r.size -= n
	return n, nil
}

func saveUntilKilled(dir string) {
	be := local.New(dir)
	_ = be.Save(context.Background(), killedPack, &hangingReader{size: 8 << 20, ready: filepath.Join(dir, "..", "ready")})
	os.Exit(3) // never reached: the reader hangs until kill -9
}

// A process killed with kill -9 in the middle of a Save leaves nothing
// under the final name and nothing List shows; the name can be saved again.
func TestKilledDuringSave(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	dir := filepath.Join(parent, "repo")
	be := local.New(dir)
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killedSaverEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	ready := filepath.Join(parent, "ready")
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		select {
		case <-exited:
			t.Fatalf("the saver exited (%v) before it was killed", cmd.ProcessState)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	if _, err := be.Stat(ctx, killedPack); !errors.Is(err, backend.ErrNotExist) {
		t.Errorf("Stat of the pack being saved when the process was killed: %v; want backend.ErrNotExist", err)
	}
	err := be.List(ctx, backend.PackFile, func(fi backend.FileInfo) error {
		return errors.New("listed " + fi.Name)
	})
	if err != nil {
		t.Error(err)
	}
	// The temporary file is there (nobody removed it) but hidden.
	entries, _ := os.ReadDir(filepath.Join(dir, "data", "9f"))
	if len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), ".tmp-") {
		t.Errorf("data/9f holds %v, want one temporary file", entries)
	}
	if err := be.Save(ctx, killedPack, strings.NewReader("complete")); err != nil {
		t.Fatalf("Save after the killed one: %v", err)
	}
	err = be.Load(ctx, killedPack, 0, 0, func(rd io.Reader) error {
		b, err := io.ReadAll(rd)
		if err == nil && string(b) != "complete" {
			t.Errorf("loaded %q", b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
