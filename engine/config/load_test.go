package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func load(t *testing.T, src string) (*Config, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.st.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := NewLoader().Load(dir)
	if diags.HasErrors() {
		return cfg, diags.Error()
	}
	return cfg, ""
}

func TestLoadDiagnostics(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"unknown block", "resorce \"steward_data\" \"a\" {}\n", []string{"main.st.hcl:1,1", "Did you mean \"resource\"?"}},
		{"duplicate resource", "resource \"steward_data\" \"a\" {}\nresource \"steward_data\" \"a\" {}\n", []string{"Duplicate resource", "main.st.hcl:2,1", "already declared at"}},
		{"count and for_each", "resource \"steward_data\" \"a\" {\n  count = 1\n  for_each = {}\n}\n", []string{"count or for_each, not both", "main.st.hcl:3,3"}},
		{"bad variable default", "variable \"n\" {\n  type = number\n  default = \"x\"\n}\n", []string{"Invalid default value", "main.st.hcl:3,13"}},
		{"remote module", "module \"m\" {\n  source = \"git::https://x\"\n}\n", []string{"not a local path"}},
		{"bad lifecycle", "resource \"steward_data\" \"a\" {\n  lifecycle {\n    prevent_destroy = var.x\n  }\n}\n", []string{"must be true or false written literally", "main.st.hcl:3,23"}},
		{"bad name", "variable \"1x\" {}\n", []string{"Invalid name"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, msg := load(t, tc.src)
			if msg == "" {
				t.Fatal("expected an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("diagnostics lack %q:\n%s", w, msg)
				}
			}
		})
	}
}

func TestVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.st.hcl", `
variable "a" { type = string }
variable "b" { type = number }
variable "c" { default = "dflt" }
variable "d" { type = list(string) }
variable "e" {
  type     = string
  nullable = false
}
`)
	write("steward.vars.hcl", "a = \"file\"\nb = 1\n")
	write("x.auto.vars.hcl", "b = 2\n")
	write("extra.hcl", "b = 3\n")
	l := NewLoader()
	cfg, diags := l.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	vals, diags := l.ResolveVariables(cfg.Root, VariableInputs{
		Dir:     dir,
		Args:    []VarArg{{File: "extra.hcl"}, {Assignment: `d=["x","y"]`}},
		Environ: []string{"STEWARD_VAR_a=env", "STEWARD_VAR_e=from-env"},
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := vals["a"].AsString(); got != "file" {
		t.Errorf("a = %q; files must win over the environment", got)
	}
	if got, _ := vals["b"].AsBigFloat().Int64(); got != 3 {
		t.Errorf("b = %d; -var-file must win over auto files", got)
	}
	if got := vals["c"].AsString(); got != "dflt" {
		t.Errorf("c = %q", got)
	}
	if !vals["d"].Type().Equals(cty.List(cty.String)) || vals["d"].LengthInt() != 2 {
		t.Errorf("d = %#v", vals["d"])
	}

	// Missing required and undeclared values are errors naming the variable.
	_, diags = l.ResolveVariables(cfg.Root, VariableInputs{Dir: t.TempDir(), Args: []VarArg{{Assignment: "zz=1"}}})
	var msg string
	for _, d := range diags {
		msg += d.Summary + ": " + d.Detail + "\n"
	}
	for _, w := range []string{`"a" has no default`, `declares no such variable`} {
		if !strings.Contains(msg, w) {
			t.Errorf("diagnostics lack %q: %s", w, msg)
		}
	}
}
