package backend

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/state"
)

func stateBlock(t *testing.T, src string) *config.StateSettings {
	t.Helper()
	cfg, diags := config.NewLoader().LoadSource(t.TempDir(), "main.st.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return cfg.Root.Settings.State
}

func TestDecode(t *testing.T) {
	s, diags := Decode(nil, Options{})
	if diags.HasErrors() || s.Kind != "local" {
		t.Fatalf("no block: %+v %v", s, diags)
	}
	s, diags = Decode(stateBlock(t, `steward {
  state "postgres" {
    schema        = "team"
    keep_versions = 3
    workspace     = "site-a"
  }
}`), Options{Environ: []string{PGConnEnv + "=postgres://u@h/db"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if s.Kind != "postgres" || s.Postgres.Schema != "team" || s.Postgres.KeepVersions != 3 || s.Workspace != "site-a" || s.Postgres.ConnString != "postgres://u@h/db" {
		t.Fatalf("decoded %+v", s)
	}
	s, _ = Decode(stateBlock(t, `steward {
  state "postgres" { conn = "host=x" }
}`), Options{Environ: []string{PGConnEnv + "=postgres://u@h/db"}})
	if s.Postgres.ConnString != "host=x" {
		t.Fatalf("conn attribute must win over %s: %q", PGConnEnv, s.Postgres.ConnString)
	}

	for src, want := range map[string]string{
		`state "s3" {}`:                            `Valid kinds: "local", "postgres"`,
		`state "postgres" { bogus = 1 }`:           `"bogus" is not expected`,
		`state "postgres" { keep_versions = 0 }`:   "keep_versions must be a whole number from 1",
		`state "postgres" { keep_versions = 1.5 }`: "keep_versions must be a whole number from 1",
		`state "postgres" { workspace = "../x" }`:  "A workspace name",
		`state "local" { conn = "x" }`:             `"conn" is not expected`,
	} {
		_, diags := Decode(stateBlock(t, "steward {\n  "+src+"\n}\n"), Options{})
		if !diags.HasErrors() {
			t.Errorf("%s: no error", src)
			continue
		}
		var text []string
		for _, d := range diags {
			text = append(text, d.Summary+": "+d.Detail)
			if d.Subject == nil || d.Subject.Start.Line != 2 {
				t.Errorf("%s: diagnostic not placed on line 2: %v", src, d.Subject)
			}
		}
		if !strings.Contains(strings.Join(text, "\n"), want) {
			t.Errorf("%s: want %q in %q", src, want, text)
		}
	}
}

func TestLocalWorkspaces(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := NewLocal(dir)
	if l.Path("default") != filepath.Join(dir, "steward.state.json") || l.Path("b") != filepath.Join(dir, "steward.state.d", "b", "steward.state.json") {
		t.Fatalf("paths: %s %s", l.Path("default"), l.Path("b"))
	}
	if err := l.CreateWorkspace(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"b", "default", "../x", ""} {
		if err := l.CreateWorkspace(ctx, bad); err == nil {
			t.Errorf("created %q", bad)
		}
	}
	st := state.New()
	st.Serial = 1
	if err := l.Store("b").Write(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Store("default").Read(ctx); got != nil {
		t.Fatal("b's state is visible in default")
	}
	names, err := l.Workspaces(ctx)
	if err != nil || strings.Join(names, ",") != "b,default" {
		t.Fatalf("workspaces: %v %v", names, err)
	}
	u, err := l.Store("b").Lock(ctx, state.LockInfo{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteWorkspace(ctx, "b"); err == nil {
		t.Fatal("deleted a locked workspace")
	}
	_ = u.Unlock()
	if err := l.DeleteWorkspace(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "steward.state.d", "b")); !os.IsNotExist(err) {
		t.Fatalf("workspace directory left: %v", err)
	}
	if err := l.DeleteWorkspace(ctx, "default"); err == nil {
		t.Fatal("deleted default")
	}
}
