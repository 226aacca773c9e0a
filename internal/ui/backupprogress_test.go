package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	got := ProgressLine("backing up", 10*time.Second, 120, 300, 100<<20, 300<<20)
	want := "[0:10] backing up 120 / 300 files, 100.0 MiB / 300.0 MiB, 10.0 MiB/s, ETA 0:20"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	got = ProgressLine("restoring", 0, 1, 0, 10, 0)
	if want := "[0:00] restoring 1 file, 10 B"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 3 << 30: "3.0 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestBackupProgressThrottles drives the line with a fake clock: callbacks
// arriving faster than five a second redraw it only when 200 ms have passed.
func TestBackupProgressThrottles(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewBackupProgress(&out, "backing up", func() time.Time { return now })
	for i := 0; i < 100; i++ { // 100 callbacks over one second
		p.Add(1, 1000)
		now = now.Add(10 * time.Millisecond)
	}
	if n := strings.Count(out.String(), "\r"); n != 5 {
		t.Errorf("redrew %d times in one second, want 5:\n%q", n, out.String())
	}
	p.Done()
	if !strings.HasSuffix(out.String(), "\r") {
		t.Errorf("Done did not return to the start of an erased line: %q", out.String())
	}
	var nilP *BackupProgress
	nilP.Add(1, 1) // a nil progress is silent
	nilP.Done()
}
