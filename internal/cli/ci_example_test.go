package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/stewardhq/steward/internal/lab"
)

const ciExampleDir = "../../examples/ci"

// ciSteps are the steward commands both CI files run, in this order.
var ciSteps = []string{
	"steward fmt -check",
	"steward validate",
	"steward plan -out=plan.bin -detailed-exitcode",
	"steward show -format=markdown plan.bin > comment.md",
	"steward show -json plan.bin > plan.json",
	"conftest test --policy policy/ --data ticket.json plan.json",
	"steward apply plan.bin",
}

// TestCIExampleAgainstTheLab runs the CI pipeline's commands against the
// lab through the real binary, with the credentials passed as CI passes
// them: STEWARD_VAR_* environment variables, not a vars file.
func TestCIExampleAgainstTheLab(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(ciExampleDir, "main.st.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	writeConfig := func(s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "main.st.hcl"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig(string(src))

	killLabAtCleanup(t, dir)
	const password = "ci-example-pass-42"
	run := func(args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, stewardBin, args...)
		cmd.Dir = dir
		cmd.Env = testEnv("NO_COLOR=1", labPasswordEnv+"="+password,
			"STEWARD_VAR_"+lab.UsernameVar+"=admin", "STEWARD_VAR_"+lab.PasswordVar+"="+password)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		r := result{stdout: out.String(), stderr: errOut.String(), commandLine: "steward " + strings.Join(args, " ")}
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("running %s: %v", r.commandLine, err)
		}
		if strings.Contains(r.stdout+r.stderr, password) {
			t.Fatalf("the password appears in the output\n%s", r)
		}
		return r
	}

	expectCode(t, run("lab", "up", "--dir", ".", "--latency", "1ms", "--directory=false"), ExitOK)
	t.Cleanup(func() {
		if r := run("lab", "down", "--dir", "."); r.code != ExitOK {
			t.Errorf("lab down:\n%s", r)
		}
	})
	// CI has no vars file: the credentials come from the environment.
	if err := os.Remove(filepath.Join(dir, lab.VarsFile)); err != nil {
		t.Fatal(err)
	}

	expectCode(t, run("fmt", "-check"), ExitOK)
	expectCode(t, run("validate"), ExitOK)

	plan := run("plan", "-out=plan.bin", "-detailed-exitcode")
	expectCode(t, plan, ExitChanges)
	expectContains(t, plan, "Plan: 2 to add, 0 to change, 0 to destroy.")
	if _, err := os.Stat(filepath.Join(dir, "plan.bin")); err != nil {
		t.Fatalf("plan -out wrote no plan file: %v", err)
	}

	showJSON := run("show", "-json", "plan.bin")
	expectCode(t, showJSON, ExitOK)
	expectContains(t, showJSON, `"resource_changes"`)
	show := run("show", "-format=markdown", "plan.bin")
	expectCode(t, show, ExitOK)
	expectContains(t, show, "**Plan: 2 to add")
	expectContains(t, show, "network_vlan.core")

	apply := run("apply", "plan.bin")
	expectCode(t, apply, ExitOK)
	expectContains(t, apply, "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.")

	again := run("plan", "-detailed-exitcode")
	expectCode(t, again, ExitOK)
	expectContains(t, again, "No changes")

	// A stale plan: a pull request plans VLAN 130, but another change (VLAN
	// 140) is applied before it merges. Its plan must then be refused.
	withVLAN := func(name string, id int) string {
		s := strings.Replace(string(src), "    voice   = 120\n", "    voice   = 120\n    "+name+" = "+strconv.Itoa(id)+"\n", 1)
		if s == string(src) {
			t.Fatal("the example's VLAN map changed; update the test")
		}
		return s
	}
	writeConfig(withVLAN("printers", 130))
	old := run("plan", "-out=old.bin", "-detailed-exitcode")
	expectCode(t, old, ExitChanges)
	expectContains(t, old, "Plan: 1 to add")

	writeConfig(withVLAN("cameras", 140))
	expectCode(t, run("apply", "-auto-approve"), ExitOK)

	writeConfig(withVLAN("printers", 130))
	stale := run("apply", "old.bin")
	expectCode(t, stale, ExitError)
	expectContains(t, stale, "Saved plan is stale")
	if strings.Contains(stale.stdout, "Apply complete") {
		t.Fatalf("the stale plan was applied\n%s", stale)
	}
}

// TestCIExampleFiles checks that both CI files are valid YAML, run the
// steward commands in the pipeline's order, post the comment, and take
// the credentials from CI secrets rather than literals.
func TestCIExampleFiles(t *testing.T) {
	for _, tc := range []struct{ file, comment, secretRef string }{
		{"github-actions.yml", "gh pr comment", "${{ secrets."},
		{"gitlab-ci.yml", "/merge_requests/$CI_MERGE_REQUEST_IID/notes", "$"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(ciExampleDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			// The scalars in document order, and every STEWARD_VAR_ setting.
			var text strings.Builder
			vars := map[string]string{}
			var walk func(n *yaml.Node)
			walk = func(n *yaml.Node) {
				if n.Kind == yaml.ScalarNode {
					text.WriteString(n.Value + "\n")
				}
				for i, c := range n.Content {
					if n.Kind == yaml.MappingNode && i%2 == 0 && strings.HasPrefix(c.Value, "STEWARD_VAR_") {
						vars[c.Value] = n.Content[i+1].Value
					}
					walk(c)
				}
			}
			walk(&doc)
			all := text.String()

			pos := 0
			for _, step := range ciSteps {
				i := strings.Index(all[pos:], step)
				if i < 0 {
					t.Fatalf("%s: %q missing or out of order (after offset %d)", tc.file, step, pos)
				}
				pos += i + len(step)
			}
			for _, want := range []string{tc.comment, "comment.md", "plan.bin"} {
				if !strings.Contains(all, want) {
					t.Errorf("%s lacks %q", tc.file, want)
				}
			}
			for _, v := range []string{lab.UsernameVar, lab.PasswordVar} {
				ref, ok := vars["STEWARD_VAR_"+v]
				if !ok || !strings.HasPrefix(ref, tc.secretRef) {
					t.Errorf("%s: STEWARD_VAR_%s = %q, want a reference to a CI secret", tc.file, v, ref)
				}
			}
		})
	}
}

// TestCIExampleConfig checks the example parses as HCL.
func TestCIExampleConfig(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(ciExampleDir, "main.st.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if _, diags := hclsyntax.ParseConfig(src, "main.st.hcl", hcl.InitialPos); diags.HasErrors() {
		t.Fatal(diags)
	}
}
