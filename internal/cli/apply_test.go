package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/builtin"
)

// failingProvider is the built-in provider, except that creating an object
// whose input is "boom" fails.
type failingProvider struct {
	providers.Provider
}

func (p failingProvider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	resp := p.Provider.ApplyChanges(ctx, req)
	for i, it := range req.Items {
		if it.Action != providers.Create {
			continue
		}
		if in := it.Config.GetAttr("input"); in.Type() == cty.String && in.AsString() == "boom" {
			resp.Results[i] = providers.ApplyResult{
				New:         cty.NullVal(it.Planned.Type()),
				Diagnostics: providers.Diagnostics{{Severity: providers.Error, Summary: "Device rejected the change", Detail: "boom"}},
			}
		}
	}
	return resp
}

func TestApplyFailureRecordsWhatWasDone(t *testing.T) {
	f, _, out, errOut := testFactory(t)
	f.Registry = func() *providers.Registry {
		return providers.NewRegistry(map[string]providers.Factory{
			builtin.Name: func() (providers.Provider, error) {
				p, err := builtin.New()
				return failingProvider{p}, err
			},
		})
	}
	cfg := `
resource "steward_data" "ok" {
  input = "fine"
}

resource "steward_data" "bad" {
  input = "boom"
}

resource "steward_data" "after" {
  input = steward_data.bad.id
}
`
	if err := os.WriteFile(filepath.Join(f.WorkDir, "main.st.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	code := Run(f, []string{"apply", "-auto-approve"})
	if code != ExitError {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"Device rejected the change",
		"Apply failed. Done before stopping: 1 added, 0 changed, 0 destroyed.",
		"Failed: steward_data.bad.",
		"Not attempted: 1 of the 3 planned changes.",
		"The state records exactly what was done",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out.String(), "steward_data.bad: Creation failed after 0s") {
		t.Errorf("stdout lacks the failure progress line:\n%s", out)
	}

	out.Reset()
	if code := Run(f, []string{"state", "list"}); code != ExitOK || out.String() != "steward_data.ok\n" {
		t.Errorf("state after the failed apply: exit %d\n%s", code, out)
	}
}

func TestApplyAsksForApproval(t *testing.T) {
	f, in, out, errOut := testFactory(t)
	f.IO.SetTTY(true, false, false)
	if err := os.WriteFile(filepath.Join(f.WorkDir, "main.st.hcl"), []byte(`resource "steward_data" "a" { input = 1 }`), 0o644); err != nil {
		t.Fatal(err)
	}

	in.WriteString("no\n")
	if code := Run(f, []string{"apply"}); code != ExitError {
		t.Fatalf("exit %d after answering no", code)
	}
	if !strings.Contains(out.String(), "Do you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ") {
		t.Errorf("no approval question:\n%s", out)
	}
	if !strings.Contains(errOut.String(), "apply cancelled") {
		t.Errorf("stderr = %q", errOut)
	}
	if _, err := os.Stat(filepath.Join(f.WorkDir, StateFile)); err == nil {
		t.Error("a refused apply wrote a state")
	}

	in.WriteString("yes\n")
	out.Reset()
	if code := Run(f, []string{"apply"}); code != ExitOK {
		t.Fatalf("exit %d after answering yes\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out.String(), "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.") {
		t.Errorf("stdout:\n%s", out)
	}
}
