package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stewardhq/steward/engine/state"
)

// stewardBin is the steward binary built once by TestMain for the
// end-to-end tests, which run it as a user would.
var stewardBin string

// lockHelperEnv makes the test binary, started again as a child, hold the
// state lock of the given state file until its standard input closes.
const lockHelperEnv = "STEWARD_CLI_TEST_LOCK_HELPER"

func TestMain(m *testing.M) {
	if path := os.Getenv(lockHelperEnv); path != "" {
		os.Exit(holdLock(path))
	}
	dir, err := os.MkdirTemp("", "steward-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stewardBin = filepath.Join(dir, "steward")
	build := exec.Command("go", "build", "-o", stewardBin, "github.com/stewardhq/steward")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building steward for the end-to-end tests: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// holdLock takes the state lock like another steward run would, says so on
// standard output, and keeps it until standard input is closed.
func holdLock(path string) int {
	u, err := state.NewLocalStore(path).Lock(context.Background(), state.LockInfo{Operation: "apply", Who: "lock-helper"}, 5*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer u.Unlock()
	fmt.Println("locked")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}

// workdir copies testdata/name into a fresh directory.
func workdir(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

type result struct {
	code        int
	stdout      string
	stderr      string
	commandLine string
}

func (r result) String() string {
	return fmt.Sprintf("%s: exit %d\n--- stdout\n%s--- stderr\n%s", r.commandLine, r.code, r.stdout, r.stderr)
}

// testEnv is a clean environment: nothing from the developer's shell that
// steward reads (STEWARD_*, NO_COLOR) leaks in.
func testEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "STEWARD_") || strings.HasPrefix(kv, "NO_COLOR=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

const secretValue = "correct-horse-battery-staple"

// steward runs the binary in dir with the secret variable set.
func steward(t *testing.T, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, stewardBin, args...)
	cmd.Dir = dir
	cmd.Env = testEnv("STEWARD_VAR_secret=" + secretValue)
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

func expectCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d\n%s", code, r)
	}
}

func expectContains(t *testing.T, r result, text string) {
	t.Helper()
	if !strings.Contains(r.stdout+r.stderr, text) {
		t.Fatalf("want output containing %q\n%s", text, r)
	}
}

func expectNoSecret(t *testing.T, dir string, rs ...result) {
	t.Helper()
	for _, r := range rs {
		if strings.Contains(r.stdout+r.stderr, secretValue) {
			t.Fatalf("the secret appears in the output\n%s", r)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(secretValue)) {
		t.Fatalf("the secret appears in %s:\n%s", StateFile, data)
	}
}

func readStateFile(t *testing.T, dir string) *state.State {
	t.Helper()
	st, err := state.NewLocalStore(filepath.Join(dir, StateFile)).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st == nil {
		t.Fatal("no state file")
	}
	return st
}

func TestE2EPlanApplyNoChanges(t *testing.T) {
	dir := workdir(t, "basic")

	plan := steward(t, dir, "plan", "-detailed-exitcode")
	expectCode(t, plan, ExitChanges)
	expectContains(t, plan, `steward_data.counted[1] will be created`)
	expectContains(t, plan, `steward_data.each["y"] will be created`)
	expectContains(t, plan, "Plan: 6 to add, 0 to change, 0 to destroy.")

	apply := steward(t, dir, "apply", "-auto-approve")
	expectCode(t, apply, ExitOK)
	expectContains(t, apply, "steward_data.a: Creating...")
	expectContains(t, apply, "steward_data.a: Creation complete after 0s")
	expectContains(t, apply, "Apply complete! Resources: 6 added, 0 changed, 0 destroyed.")
	expectContains(t, apply, `greeting = "hello"`)
	expectContains(t, apply, "secret = <sensitive>")

	st := readStateFile(t, dir)
	if st.Serial != 1 {
		t.Errorf("first apply wrote serial %d, want 1", st.Serial)
	}

	again := steward(t, dir, "plan")
	expectCode(t, again, ExitOK)
	expectContains(t, again, "No changes.")
	detailed := steward(t, dir, "--detailed-exitcode", "plan")
	expectCode(t, detailed, ExitError) // a command flag before the command
	detailed = steward(t, dir, "plan", "--detailed-exitcode")
	expectCode(t, detailed, ExitOK)

	output := steward(t, dir, "output", "-json")
	expectCode(t, output, ExitOK)
	var outs map[string]struct {
		Sensitive bool `json:"sensitive"`
		Value     any  `json:"value"`
	}
	if err := json.Unmarshal([]byte(output.stdout), &outs); err != nil {
		t.Fatalf("output -json: %v\n%s", err, output)
	}
	if !outs["secret"].Sensitive || outs["secret"].Value != nil || outs["greeting"].Value != "hello" {
		t.Errorf("output -json = %+v", outs)
	}
	raw := steward(t, dir, "output", "-raw", "greeting")
	if raw.stdout != "hello" {
		t.Errorf("output -raw greeting = %q", raw.stdout)
	}
	expectCode(t, steward(t, dir, "output", "-raw", "secret"), ExitError)

	show := steward(t, dir, "show")
	expectCode(t, show, ExitOK)
	expectContains(t, show, `resource "steward_data" "secret"`)
	expectContains(t, show, "(sensitive value)")
	showJSON := steward(t, dir, "show", "-json")
	expectCode(t, showJSON, ExitOK)
	if !json.Valid([]byte(showJSON.stdout)) {
		t.Errorf("show -json is not JSON\n%s", showJSON)
	}
	list := steward(t, dir, "state", "list", "steward_data.counted")
	if list.stdout != "steward_data.counted[0]\nsteward_data.counted[1]\n" {
		t.Errorf("state list\n%s", list)
	}

	expectNoSecret(t, dir, plan, apply, again, output, show, showJSON)
}

func TestE2ENoopApplyKeepsState(t *testing.T) {
	dir := workdir(t, "simple")
	expectCode(t, steward(t, dir, "apply", "-auto-approve"), ExitOK)
	before := readStateFile(t, dir)
	noop := steward(t, dir, "apply", "--auto-approve")
	expectCode(t, noop, ExitOK)
	expectContains(t, noop, "No changes.")
	expectContains(t, noop, "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.")
	after := readStateFile(t, dir)
	if after.Serial != before.Serial || after.Lineage != before.Lineage {
		t.Errorf("an apply with nothing to do rewrote the state: serial %d -> %d", before.Serial, after.Serial)
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile+".backup")); err == nil {
		t.Error("an apply with nothing to do made a state backup")
	}
}

func TestE2ESavedPlan(t *testing.T) {
	dir := workdir(t, "basic")
	plan := steward(t, dir, "plan", "-out=first.plan")
	expectCode(t, plan, ExitOK)
	expectContains(t, plan, "steward apply first.plan")
	show := steward(t, dir, "show", "first.plan")
	expectContains(t, show, "Plan: 6 to add")
	if plan2 := steward(t, dir, "plan", "--out", "second.plan"); plan2.code != ExitOK {
		t.Fatal(plan2)
	}

	apply := steward(t, dir, "apply", "first.plan")
	expectCode(t, apply, ExitOK)
	expectContains(t, apply, "Apply complete! Resources: 6 added, 0 changed, 0 destroyed.")

	// second.plan was made against the state before that apply.
	stale := steward(t, dir, "apply", "second.plan")
	expectCode(t, stale, ExitError)
	expectContains(t, stale, "Saved plan is stale")

	// A configuration edit after plan -out makes the plan unusable.
	if r := steward(t, dir, "plan", "-out=third.plan", "-var=n=3"); r.code != ExitOK {
		t.Fatal(r)
	}
	cfg := filepath.Join(dir, "main.st.hcl")
	src, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, append(src, []byte("\n# edited after planning\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	edited := steward(t, dir, "apply", "-var=n=3", "third.plan")
	expectCode(t, edited, ExitError)
	expectContains(t, edited, "Saved plan does not match the configuration")

	// So do different variable values.
	if r := steward(t, dir, "plan", "-out=fourth.plan", "-var=n=3"); r.code != ExitOK {
		t.Fatal(r)
	}
	otherVars := steward(t, dir, "apply", "fourth.plan")
	expectCode(t, otherVars, ExitError)
	expectContains(t, otherVars, "configuration or the variable values changed")
	expectNoSecret(t, dir, plan, apply, stale, edited)
	for _, p := range []string{"first.plan", "second.plan"} {
		data, _ := os.ReadFile(filepath.Join(dir, p))
		if bytes.Contains(data, []byte(secretValue)) {
			t.Errorf("the secret is in %s", p)
		}
	}

	good := steward(t, dir, "apply", "-var=n=3", "fourth.plan")
	expectCode(t, good, ExitOK)
	expectContains(t, good, "1 added, 0 changed, 0 destroyed")
	if st := readStateFile(t, dir); st.Serial != 2 {
		t.Errorf("serial after two applies = %d, want 2", st.Serial)
	}
}

func TestE2ELockHeld(t *testing.T) {
	dir := workdir(t, "basic")
	helper := exec.Command(os.Args[0], "-test.run=^$")
	helper.Env = append(os.Environ(), lockHelperEnv+"="+filepath.Join(dir, StateFile))
	stdin, err := helper.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	helper.Stderr = os.Stderr
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		helper.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("lock helper said %q, %v", line, err)
	}

	start := time.Now()
	r := steward(t, dir, "plan", "-lock-timeout=1s")
	expectCode(t, r, ExitError)
	expectContains(t, r, "locked by lock-helper@")
	expectContains(t, r, fmt.Sprintf("pid %d, operation apply", helper.Process.Pid))
	expectContains(t, r, "waited 1s")
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("gave up after %s, before the lock timeout", waited)
	}
}

func TestE2EValidate(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"unknown_attribute", []string{"main.st.hcl line 2, column 3", "   2:   inptu = \"x\"", "        ^^^^^", `Did you mean "input"?`}},
		{"undeclared_resource", []string{"main.st.hcl line 2, column 11", "steward_data.missing.id", "^^^^^^^^^^^^^^^^^^^^^^^", "Reference to undeclared resource"}},
		{"cycle", []string{"Cycle in the configuration", "main.st.hcl line 1, column 1", "steward_data.a -> steward_data.b -> steward_data.a", "^^^^"}},
		{"module_variable", []string{"Missing required argument", "main.st.hcl line 1, column 1", `   1: module "child" {`, `variable "name"`}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := workdir(t, filepath.Join("validate", tt.dir))
			r := steward(t, dir, "validate")
			expectCode(t, r, ExitError)
			for _, w := range tt.want {
				expectContains(t, r, w)
			}
			js := steward(t, dir, "validate", "-json")
			expectCode(t, js, ExitError)
			var doc struct {
				Valid       bool `json:"valid"`
				Diagnostics []struct {
					Range *struct {
						Filename string `json:"filename"`
					} `json:"range"`
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal([]byte(js.stdout), &doc); err != nil || doc.Valid || len(doc.Diagnostics) == 0 || doc.Diagnostics[0].Range == nil {
				t.Errorf("validate -json: %v\n%s", err, js)
			}
		})
	}
	ok := steward(t, workdir(t, "basic"), "validate")
	expectCode(t, ok, ExitOK)
	expectContains(t, ok, "Success!")

	// validate needs no variable values; plan does, and says where the
	// variable is declared.
	dir := workdir(t, filepath.Join("validate", "missing_variable"))
	expectCode(t, steward(t, dir, "validate"), ExitOK)
	plan := steward(t, dir, "plan")
	expectCode(t, plan, ExitError)
	for _, w := range []string{"No value for required variable", "main.st.hcl line 1, column 1", `   1: variable "name" {`, "^^^^^^^^^^^^^^^", "STEWARD_VAR_name"} {
		expectContains(t, plan, w)
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); err == nil {
		t.Error("a failed plan wrote a state")
	}
}

func TestE2EGraph(t *testing.T) {
	r := steward(t, workdir(t, "simple"), "graph")
	expectCode(t, r, ExitOK)
	if !strings.HasPrefix(r.stdout, "digraph") || !strings.Contains(r.stdout, `[label="steward_data.b"]`) {
		t.Errorf("graph output\n%s", r)
	}
}

func TestE2EFmt(t *testing.T) {
	dir := workdir(t, "fmt")
	check := steward(t, dir, "fmt", "-check")
	expectCode(t, check, ExitError)
	if check.stdout != "main.st.hcl\n" {
		t.Errorf("fmt -check listed\n%s", check)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "main.st.hcl"))
	diff := steward(t, dir, "fmt", "-check", "-diff")
	expectContains(t, diff, "-input = \"x\"\n-  triggers_replace    = 1\n+  input            = \"x\"\n")
	after, _ := os.ReadFile(filepath.Join(dir, "main.st.hcl"))
	if !bytes.Equal(before, after) {
		t.Error("fmt -check changed the file")
	}
	write := steward(t, dir, "fmt")
	expectCode(t, write, ExitOK)
	if again := steward(t, dir, "--chdir", dir, "fmt", "--check"); again.code != ExitOK {
		t.Errorf("still unformatted after fmt\n%s", again)
	}
}

func TestE2EStateEditing(t *testing.T) {
	dir := workdir(t, "basic")
	expectCode(t, steward(t, dir, "apply", "-auto-approve"), ExitOK)

	mv := steward(t, dir, "state", "mv", "steward_data.a", "steward_data.renamed")
	expectCode(t, mv, ExitOK)
	expectContains(t, mv, "Moved steward_data.a to steward_data.renamed")
	rm := steward(t, dir, "state", "rm", "steward_data.each")
	expectCode(t, rm, ExitOK)
	expectContains(t, rm, "Successfully removed 2 resource instances.")
	if st := readStateFile(t, dir); st.Serial != 3 {
		t.Errorf("serial after mv and rm = %d, want 3", st.Serial)
	}
	list := steward(t, dir, "state", "list")
	if strings.Contains(list.stdout, "each") || !strings.Contains(list.stdout, "steward_data.renamed\n") {
		t.Errorf("state list after edits\n%s", list)
	}
	expectCode(t, steward(t, dir, "state", "rm", "steward_data.nothing"), ExitError)

	show := steward(t, dir, "state", "show", "steward_data.renamed")
	expectCode(t, show, ExitOK)
	expectContains(t, show, `input  = "hello"`)

	// Importing by ID adopts the object without changing it.
	imp := steward(t, dir, "import", `steward_data.each["x"]`, "abc123")
	expectCode(t, imp, ExitOK)
	shown := steward(t, dir, "state", "show", `steward_data.each["x"]`)
	expectContains(t, shown, `id = "abc123"`)
	again := steward(t, dir, "import", `steward_data.each["x"]`, "abc123")
	expectCode(t, again, ExitError)
	expectContains(t, again, "already in the state")

	destroy := steward(t, dir, "destroy", "-auto-approve")
	expectCode(t, destroy, ExitOK)
	expectContains(t, destroy, "Destroy complete!")
	if list := steward(t, dir, "state", "list"); list.stdout != "" {
		t.Errorf("objects left after destroy\n%s", list)
	}
}

func TestE2EProvidersSchema(t *testing.T) {
	r := steward(t, t.TempDir(), "providers", "schema", "-json")
	expectCode(t, r, ExitOK)
	var doc struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]struct {
				Block struct {
					Attributes map[string]struct {
						Type     any  `json:"type"`
						Computed bool `json:"computed"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	id := doc.ProviderSchemas["steward"].ResourceSchemas["steward_data"].Block.Attributes["id"]
	if id.Type != "string" || !id.Computed {
		t.Errorf("steward_data.id = %+v\n%s", id, r)
	}
}
