package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewCmdWorkspaceOptions(t *testing.T) {
	tests := []struct {
		args    []string
		want    WorkspaceOptions
		wantErr string
	}{
		{args: []string{"list"}, want: WorkspaceOptions{Action: "list"}},
		{args: []string{"new", "-no-select", "site-b"}, want: WorkspaceOptions{Action: "new", Name: "site-b", NoSelect: true}},
		{args: []string{"delete", "--force", "site-b"}, want: WorkspaceOptions{Action: "delete", Name: "site-b", Force: true}},
		{args: []string{"select"}, wantErr: "needs the workspace's name"},
		{args: []string{"show", "x"}, wantErr: "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _, _ := testFactory(t)
			var got *WorkspaceOptions
			err := runCmd(t, f, NewCmdWorkspace(f, func(o *WorkspaceOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want error %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Action != tt.want.Action || got.Name != tt.want.Name || got.Force != tt.want.Force || got.NoSelect != tt.want.NoSelect {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestStateMigrateAndPullFlags(t *testing.T) {
	f, _, _, _ := testFactory(t)
	var mo *StateMigrateOptions
	if err := runCmd(t, f, NewCmdStateMigrate(f, func(o *StateMigrateOptions) error { mo = o; return nil }), "-to=local", "-force", "-lock-timeout=5s"); err != nil {
		t.Fatal(err)
	}
	if mo.To != "local" || !mo.Force || !mo.Lock || mo.LockTimeout.String() != "5s" {
		t.Errorf("migrate options: %+v", *mo)
	}
	for args, want := range map[string]string{
		"-to=s3":                       "-to must be postgres or local",
		"-to=local -from-file=x.json":  "cannot be used with -to=local",
		"-to=postgres -lock-timeout=x": "invalid argument",
	} {
		err := runCmd(t, f, NewCmdStateMigrate(f, func(*StateMigrateOptions) error { return nil }), strings.Fields(args)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", args, want, err)
		}
	}
	var po *StatePullOptions
	if err := runCmd(t, f, NewCmdStatePull(f, func(o *StatePullOptions) error { po = o; return nil }), "-version=3"); err != nil || po.Version != 3 {
		t.Fatalf("pull -version=3: %+v, %v", po, err)
	}
	var fo *ForceUnlockOptions
	if err := runCmd(t, f, NewCmdForceUnlock(f, func(o *ForceUnlockOptions) error { fo = o; return nil }), "-force", "abc"); err != nil || fo.ID != "abc" || !fo.Force {
		t.Fatalf("force-unlock: %+v, %v", fo, err)
	}
	if err := runCmd(t, f, NewCmdForceUnlock(f, nil)); err == nil || !strings.Contains(err.Error(), "lock ID") {
		t.Fatalf("force-unlock without an ID: %v", err)
	}
}

// TestWorkspaceSelection checks the order in which the workspace is
// chosen: -workspace, STEWARD_WORKSPACE, the recorded selection, the state
// block's attribute, default.
func TestWorkspaceSelection(t *testing.T) {
	f, _, out, _ := testFactory(t)
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(f.WorkDir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.st.hcl", "steward {\n  state \"local\" {\n    workspace = \"from-config\"\n  }\n}\n")
	show := func() string {
		out.Reset()
		if err := runCmd(t, f, NewCmdWorkspace(f, nil), "show"); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out.String())
	}
	if got := show(); got != "from-config" {
		t.Errorf("state block: %q", got)
	}
	if err := f.selectWorkspace("selected"); err != nil {
		t.Fatal(err)
	}
	if got := show(); got != "selected" {
		t.Errorf("selection: %q", got)
	}
	f.Environ = []string{WorkspaceEnv + "=from-env"}
	if got := show(); got != "from-env" {
		t.Errorf("environment: %q", got)
	}
	f.Workspace = "from-flag"
	if got := show(); got != "from-flag" {
		t.Errorf("flag: %q", got)
	}
	f.Workspace = "../x"
	if err := runCmd(t, f, NewCmdWorkspace(f, nil), "show"); err == nil {
		t.Error("accepted an invalid workspace name")
	}
}
