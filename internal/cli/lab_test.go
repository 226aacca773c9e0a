package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/stewardhq/steward/internal/lab"
)

// killLabAtCleanup makes sure no lab server outlives the test, whatever
// happened to `lab down`.
func killLabAtCleanup(t *testing.T, dir string) {
	t.Cleanup(func() {
		if st, err := lab.ReadState(dir); err == nil && lab.ProcessAlive(st.PID) && lab.IsLabServer(st.PID) {
			_ = lab.Terminate(st.PID, true)
		}
	})
}

func TestLabUpStatusDown(t *testing.T) {
	f, _, out, _ := testFactory(t)
	f.Environ = []string{"PATH=" + os.Getenv("PATH")}
	dir := f.WorkDir
	killLabAtCleanup(t, dir)

	// The lab server is the steward binary TestMain built: this test
	// binary, the default, would not know `lab serve`.
	up := NewCmdLabUp(f, func(o *LabUpOptions) error {
		o.Executable = stewardBin
		return labUpRun(context.Background(), o)
	})
	if err := runCmd(t, f, up, "--dir", ".", "--latency", "1ms", "--directory=false"); err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	for _, want := range []string{"core-1", "cisco_iosxe", "access-1", "arista_eos", lab.ProviderFile} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lab up output lacks %q:\n%s", want, out)
		}
	}
	st, err := lab.ReadState(dir)
	if err != nil {
		t.Fatal(err)
	}

	// providers.st.hcl pins each device's host key; the credentials in
	// lab.auto.vars.hcl log in.
	src, err := os.ReadFile(filepath.Join(dir, lab.ProviderFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, diags := hclsyntax.ParseConfig(src, lab.ProviderFile, hcl.InitialPos); diags.HasErrors() {
		t.Fatalf("%s: %s", lab.ProviderFile, diags)
	}
	vars, err := os.ReadFile(filepath.Join(dir, lab.VarsFile))
	if err != nil {
		t.Fatal(err)
	}
	vf, diags := hclsyntax.ParseConfig(vars, lab.VarsFile, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	attrs, _ := vf.Body.JustAttributes()
	pw, _ := attrs[lab.PasswordVar].Expr.Value(nil)
	for _, s := range st.Services {
		if !strings.Contains(string(src), s.HostKey) {
			t.Errorf("%s does not pin %s's host key", lab.ProviderFile, s.Name)
		}
		if err := sshLogin(s, "admin", pw.AsString()); err != nil {
			t.Errorf("logging in to %s with the written credentials: %v", s.Name, err)
		}
	}

	out.Reset()
	if err := runCmd(t, f, NewCmdLabStatus(f, nil), "--dir", dir); err != nil {
		t.Fatalf("lab status: %v", err)
	}
	if got := out.String(); strings.Count(got, " up\n") != 2 {
		t.Errorf("lab status:\n%s", got)
	}
	out.Reset()
	if err := runCmd(t, f, NewCmdLabStatus(f, nil), "--dir", dir, "-json"); err != nil {
		t.Fatalf("lab status -json: %v", err)
	}
	var js labStatusJSON
	if err := json.Unmarshal(out.Bytes(), &js); err != nil || !js.Running || len(js.Services) != 2 || !js.Services[0].Up {
		t.Errorf("lab status -json: %v\n%s", err, out)
	}

	again := NewCmdLabUp(f, func(o *LabUpOptions) error {
		o.Executable = stewardBin
		return labUpRun(context.Background(), o)
	})
	if err := runCmd(t, f, again, "--dir", dir); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second lab up: %v", err)
	}

	out.Reset()
	if err := runCmd(t, f, NewCmdLabDown(f, nil), "--dir", dir); err != nil {
		t.Fatalf("lab down: %v", err)
	}
	if lab.ProcessAlive(st.PID) {
		t.Error("the lab server still runs after lab down")
	}
	if _, err := lab.ReadState(dir); err != lab.ErrNoLab {
		t.Errorf("state left after lab down: %v", err)
	}
	if err := runCmd(t, f, NewCmdLabStatus(f, nil), "--dir", dir); err == nil || !strings.Contains(err.Error(), "no lab is running") {
		t.Errorf("status after down: %v", err)
	}
	// down is idempotent.
	if err := runCmd(t, f, NewCmdLabDown(f, nil), "--dir", dir); err != nil {
		t.Errorf("second lab down: %v", err)
	}
}

// TestLabThroughTheBinary runs the commands as a user would, with the
// Terraform-style flags and a three-platform lab.
func TestLabThroughTheBinary(t *testing.T) {
	dir := t.TempDir()
	killLabAtCleanup(t, dir)
	run := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, stewardBin, args...)
		cmd.Env = append(os.Environ(), "NO_COLOR=1", labPasswordEnv+"=fixed-pass-123")
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		err := cmd.Run()
		return b.String(), err
	}
	out, err := run("-chdir="+dir, "lab", "up", "-devices=3", "-platforms=cisco_iosxe,arista_eos,cisco_nxos", "-directory=false")
	if err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	if !strings.Contains(out, "leaf-1") || !strings.Contains(out, "cisco_nxos") {
		t.Errorf("lab up output:\n%s", out)
	}
	vars, _ := os.ReadFile(filepath.Join(dir, lab.VarsFile))
	if !strings.Contains(string(vars), `"fixed-pass-123"`) {
		t.Errorf("STEWARD_LAB_PASSWORD not used:\n%s", vars)
	}
	if fi, err := os.Stat(filepath.Join(dir, lab.VarsFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s mode: %v %v", lab.VarsFile, fi, err)
	}
	out, err = run("lab", "status", "--dir", dir)
	if err != nil || strings.Count(out, " up\n") != 3 {
		t.Errorf("lab status: %v\n%s", err, out)
	}
	out, err = run("lab", "down", "--dir", dir)
	if err != nil || !strings.Contains(out, "stopped") {
		t.Errorf("lab down: %v\n%s", err, out)
	}
	if _, err := run("lab", "status", "--dir", dir); err == nil {
		t.Error("lab status succeeded with no lab")
	}
}

func TestLabUpOptions(t *testing.T) {
	f, _, _, _ := testFactory(t)
	var got *LabUpOptions
	cmd := NewCmdLabUp(f, func(o *LabUpOptions) error { got = o; return nil })
	if err := runCmd(t, f, cmd, "-dir=lab", "-devices", "4", "-latency=20ms", "--port", "2200"); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "lab" || got.Devices != 4 || got.Latency != 20*time.Millisecond || got.Port != 2200 || got.Username != "admin" ||
		strings.Join(got.Platforms, ",") != "cisco_iosxe,arista_eos" {
		t.Errorf("options: %+v", got)
	}
	if err := labUpRun(context.Background(), &LabUpOptions{f: f, Dir: ".", Devices: 2, Platforms: []string{"junos"}}); err == nil || !strings.Contains(err.Error(), "unknown platform") {
		t.Errorf("unknown platform: %v", err)
	}
}
