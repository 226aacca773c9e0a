package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/internal/testenv/gobuild"
)

const (
	pluginExampleDir = "../../examples/plugin"
	dhcpPluginPkg    = "github.com/stewardhq/steward/examples/plugin/steward-provider-dhcp"
	faultyPluginPkg  = "github.com/stewardhq/steward/providers/plugin/testdata/steward-provider-faulty"
)

// expectSaid is expectContains for messages the renderer may have wrapped:
// runs of white space count as one space.
func expectSaid(t *testing.T, r result, text string) {
	t.Helper()
	flat := strings.Join(strings.Fields(r.stdout+r.stderr), " ")
	if !strings.Contains(flat, strings.Join(strings.Fields(text), " ")) {
		t.Fatalf("want output saying %q\n%s", text, r)
	}
}

// stewardIn returns a function running the steward binary in dir.
func stewardIn(t *testing.T, dir string, env ...string) func(args ...string) result {
	return func(args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, stewardBin, args...)
		cmd.Dir = dir
		cmd.Env = testEnv(append([]string{"NO_COLOR=1"}, env...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		r := result{stdout: out.String(), stderr: errOut.String(), commandLine: "steward " + strings.Join(args, " ")}
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("running %s: %v", r.commandLine, err)
		}
		return r
	}
}

// TestPluginExample builds examples/plugin's DHCP provider and drives it
// through the steward binary: the lock file, plan, apply, no changes, drift
// from a hand edit, validation in the plugin, and a swapped binary refused.
func TestPluginExample(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(pluginExampleDir, "main.st.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.st.hcl"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	bin, err := gobuild.Build(filepath.Join(dir, "plugins"), dhcpPluginPkg)
	if err != nil {
		t.Fatal(err)
	}
	run := stewardIn(t, dir)

	// Nothing runs before the lock file records the binary.
	r := run("plan")
	expectCode(t, r, ExitError)
	expectSaid(t, r, `provider "dhcp" (`)
	expectSaid(t, r, `is not in steward.lock.hcl yet; run "steward init"`)

	r = run("init")
	expectCode(t, r, ExitOK)
	expectContains(t, r, "- dhcp: ./plugins/steward-provider-dhcp sha256:")
	expectContains(t, r, "(recorded)")
	expectContains(t, r, "steward.lock.hcl written.")
	lock, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil || !strings.Contains(string(lock), `provider "dhcp"`) || !strings.Contains(string(lock), `source = "./plugins/steward-provider-dhcp"`) {
		t.Fatalf("lock file: %v\n%s", err, lock)
	}
	expectContains(t, run("init"), "steward.lock.hcl is up to date.")
	expectContains(t, run("providers", "schema", "-json"), `"dhcp_reservation": {`)

	expectCode(t, run("validate"), ExitOK)
	r = run("plan", "-detailed-exitcode")
	expectCode(t, r, ExitChanges)
	expectContains(t, r, `# dhcp_reservation.host["printer-1"] will be created`)
	expectContains(t, r, "Plan: 3 to add, 0 to change, 0 to destroy.")

	r = run("apply", "-auto-approve")
	expectCode(t, r, ExitOK)
	expectContains(t, r, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.")
	hostsPath := filepath.Join(dir, "dhcpd.hosts.conf")
	hosts, err := os.ReadFile(hostsPath)
	if err != nil || !strings.Contains(string(hosts), "host nas {\n  hardware ethernet 00:11:22:33:44:77;\n  fixed-address 192.168.1.52;\n}") {
		t.Fatalf("hosts file after apply: %v\n%s", err, hosts)
	}

	r = run("plan", "-detailed-exitcode")
	expectCode(t, r, ExitOK)
	expectContains(t, r, "No changes")

	// A hand edit is drift that the next plan puts right.
	edited := strings.Replace(string(hosts), "fixed-address 192.168.1.52;", "fixed-address 192.168.1.99;", 1)
	if err := os.WriteFile(hostsPath, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run("plan", "-detailed-exitcode")
	expectCode(t, r, ExitChanges)
	expectContains(t, r, `# dhcp_reservation.host["nas"] will be updated in-place`)
	expectContains(t, r, `# dhcp_reservation.host["nas"] has changed`)
	expectContains(t, r, `~ ip   = "192.168.1.99" -> "192.168.1.52"`)
	expectContains(t, r, "Plan: 0 to add, 1 to change, 0 to destroy.")

	// Validators cannot cross the wire; the plugin runs them in plan.
	bad := "resource \"dhcp_reservation\" \"bad\" {\n  name = \"bad\"\n  mac  = \"not-a-mac\"\n  ip   = \"192.168.1.60\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.st.hcl"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run("plan")
	expectCode(t, r, ExitError)
	expectSaid(t, r, `"not-a-mac" is not an Ethernet address`)
	expectContains(t, r, "on bad.st.hcl line 3")
	expectSaid(t, r, "(in mac)")
	os.Remove(filepath.Join(dir, "bad.st.hcl"))

	// A swapped binary is refused with both checksums and the way out.
	oldHash := lockHash(t, dir)
	f, err := os.OpenFile(bin, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("tampered"))
	f.Close()
	r = run("plan")
	expectCode(t, r, ExitError)
	expectSaid(t, r, "recorded "+oldHash)
	expectSaid(t, r, `run "steward init -upgrade"`)
	expectSaid(t, run("init"), "Steward will not run a binary that changed without notice")
	r = run("init", "-upgrade")
	expectCode(t, r, ExitOK)
	expectContains(t, r, "(upgraded from "+oldHash+")")
	if lockHash(t, dir) == oldHash {
		t.Fatal("init -upgrade did not record the new checksum")
	}
	r = run("apply", "-auto-approve")
	expectCode(t, r, ExitOK)
	expectContains(t, r, "Resources: 0 added, 1 changed, 0 destroyed.")
}

func lockHash(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "sha256:")
	if i < 0 {
		t.Fatalf("no hash in the lock file:\n%s", b)
	}
	return string(b[i : i+len("sha256:")+64])
}

// TestPluginCrashAndHang runs a plugin that panics in the middle of an
// apply, and one that hangs in plan: both end with an error naming the
// provider, and the state stays what was really done.
func TestPluginCrashAndHang(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := gobuild.Build(filepath.Join(dir, "plugins"), faultyPluginPkg); err != nil {
		t.Fatal(err)
	}
	writeConfig := func(names []string, settings string) {
		t.Helper()
		var b strings.Builder
		b.WriteString("steward {\n  required_providers {\n    faulty = { source = \"./plugins\" }\n  }\n}\n\n")
		b.WriteString("provider \"faulty\" {\n  path = \"records.json\"\n" + settings + "}\n")
		for _, n := range names {
			b.WriteString("\nresource \"faulty_record\" \"" + n + "\" {\n  name  = \"" + n + "\"\n  value = \"v-" + n + "\"\n}\n")
		}
		if err := os.WriteFile(filepath.Join(dir, "main.st.hcl"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := stewardIn(t, dir)
	writeConfig([]string{"a", "b"}, "")
	expectCode(t, run("init"), ExitOK)
	expectContains(t, run("apply", "-auto-approve"), "Resources: 2 added")

	// The plugin writes c, then panics on d.
	writeConfig([]string{"a", "b", "c", "d"}, "  crash_on = \"d\"\n")
	r := run("apply", "-auto-approve")
	expectCode(t, r, ExitError)
	expectSaid(t, r, `provider "faulty" (./plugins/steward-provider-faulty) exited unexpectedly during ApplyChanges`)
	expectSaid(t, r, "panic: faulty: crashing as asked while applying d")

	st, err := state.NewLocalStore(filepath.Join(dir, StateFile)).Read(context.Background())
	if err != nil {
		t.Fatalf("the state is unreadable after the crash: %v", err)
	}
	var addrs []string
	for _, r := range st.Resources {
		addrs = append(addrs, r.Addr())
	}
	if got := strings.Join(addrs, " "); got != "faulty_record.a faulty_record.b" {
		t.Errorf("state after the crash holds %q, want what the earlier apply did", got)
	}

	// The next run works: c already exists (the plugin wrote it before it
	// died) and is taken over as it stands, d is created.
	writeConfig([]string{"a", "b", "c", "d"}, "")
	r = run("plan", "-detailed-exitcode")
	expectCode(t, r, ExitChanges)
	expectContains(t, r, "Plan: 2 to add, 0 to change, 0 to destroy.")
	expectContains(t, run("apply", "-auto-approve"), "Resources: 2 added")
	expectContains(t, run("plan"), "No changes")

	// A plugin that hangs is stopped after STEWARD_PLUGIN_TIMEOUT.
	writeConfig([]string{"a", "b", "c", "d", "h"}, "  hang_on = \"h\"\n")
	r = stewardIn(t, dir, "STEWARD_PLUGIN_TIMEOUT=5s")("plan")
	expectCode(t, r, ExitError)
	expectSaid(t, r, `provider "faulty" (./plugins/steward-provider-faulty) did not answer PlanChanges within 5s`)
}
