package layout_test

import (
	"slices"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/layout"
)

func TestPath(t *testing.T) {
	for h, want := range map[backend.Handle]string{
		{Type: backend.ConfigFile}:                   "config",
		{Type: backend.PackFile, Name: "ab12cd"}:     "data/ab/ab12cd",
		{Type: backend.SnapshotFile, Name: "ff0011"}: "snapshots/ff0011",
		{Type: backend.KeyFile, Name: "k1"}:          "keys/k1",
		{Type: backend.PolicyFile, Name: "web"}:      "policies/web",
	} {
		if err := layout.Check(h); err != nil {
			t.Errorf("Check(%v): %v", h, err)
		}
		if got := layout.Path(h); got != want {
			t.Errorf("Path(%v) = %q, want %q", h, got, want)
		}
	}
}

func TestDirs(t *testing.T) {
	dirs := layout.Dirs()
	if len(dirs) != 6+256 {
		t.Errorf("%d directories, want 6 types and 256 pack shards", len(dirs))
	}
	for _, d := range []string{"keys", "data", "data/00", "data/ff", "index", "snapshots", "locks", "policies"} {
		if !slices.Contains(dirs, d) {
			t.Errorf("%s missing", d)
		}
	}
	if slices.Index(dirs, "data") > slices.Index(dirs, "data/00") {
		t.Error("data/00 comes before its parent")
	}
}
