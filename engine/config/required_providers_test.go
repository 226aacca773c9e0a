package config

import (
	"strings"
	"testing"
)

func TestRequiredProviders(t *testing.T) {
	cfg, msg := load(t, `steward {
  required_providers {
    acme    = { source = "./plugins/steward-provider-acme", version = ">= 1.0" }
    network = { source = "steward:network" }
    dhcp    = {}
  }
}
`)
	if msg != "" {
		t.Fatal(msg)
	}
	rps := cfg.Root.Settings.RequiredProviders
	if len(rps) != 3 {
		t.Fatalf("got %d entries", len(rps))
	}
	if a := rps["acme"]; a.Source != "./plugins/steward-provider-acme" || a.Version != ">= 1.0" || a.SourceRange.Start.Line != 3 {
		t.Errorf("acme: %+v", a)
	}
	if rps["network"].Source != "steward:network" || rps["dhcp"].Source != "" {
		t.Errorf("entries: %+v %+v", rps["network"], rps["dhcp"])
	}
}

func TestRequiredProvidersDiagnostics(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"not an object", `acme = "./x"`, []string{"main.st.hcl:3,12", "must be an object"}},
		{"unknown key", `acme = { sorce = "./x" }`, []string{"main.st.hcl:3,14", "Unsupported argument", `Did you mean "source"?`}},
		{"not a constant", `acme = { source = var.x }`, []string{"main.st.hcl:3,23", "literal, non-empty string"}},
		{"empty source", `acme = { source = "" }`, []string{"main.st.hcl:3,23", "non-empty"}},
		{"quoted name", `"acme" = { source = "./x" }`, []string{"main.st.hcl:3,5", "must not be quoted"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, msg := load(t, "steward {\n  required_providers {\n    "+tc.src+"\n  }\n}\n")
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
