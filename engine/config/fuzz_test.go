package config

import (
	"testing"
)

// FuzzLoadSource feeds arbitrary bytes to the configuration loader: it must
// return diagnostics, never panic.
func FuzzLoadSource(f *testing.F) {
	seeds := []string{
		`resource "steward_data" "a" { input = 1 }`,
		`variable "x" { type = list(string) default = ["a"] validation { condition = length(var.x) > 0 error_message = "no" } }`,
		`module "m" { source = "./m" count = 2 }`,
		`locals { a = 1 b = local.a }`,
		`resource "x" "y" { lifecycle { ignore_changes = all prevent_destroy = true } }`,
		`import { to = steward_data.a id = "x" }`,
		`moved { from = steward_data.a to = steward_data.b }`,
		`steward { max_destroy = 3 state "postgres" { conn = "x" } }`,
		`output "o" { value = 1 sensitive = true }`,
		"resource \"a\" {",
		"\x00\xff{{{",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		l := NewLoader()
		cfg, _ := l.LoadSource(dir, "fuzz.st.hcl", src)
		if cfg == nil || cfg.Root == nil {
			t.Fatal("LoadSource returned no configuration")
		}
	})
}
