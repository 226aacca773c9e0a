package lockfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTripIsSortedAndStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	f := &File{Providers: map[string]*Provider{
		"zeta": {Name: "zeta", Source: "./z", Hash: "sha256:" + strings.Repeat("a", 64)},
		"acme": {Name: "acme", Source: "./plugins/steward-provider-acme", Hash: "sha256:" + strings.Repeat("b", 64)},
	}}
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	if strings.Index(string(first), `provider "acme"`) > strings.Index(string(first), `provider "zeta"`) {
		t.Errorf("providers not sorted:\n%s", first)
	}
	back, diags := Read(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(back.Providers) != 2 || *back.Providers["acme"] != *f.Providers["acme"] {
		t.Fatalf("read back %+v", back.Providers)
	}
	if err := Write(path, back); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path)
	if string(first) != string(second) {
		t.Errorf("rewriting changed the file:\n%s\n---\n%s", first, second)
	}
}

func TestReadMissingAndBroken(t *testing.T) {
	dir := t.TempDir()
	f, diags := Read(filepath.Join(dir, FileName))
	if diags.HasErrors() || len(f.Providers) != 0 {
		t.Fatalf("missing file: %v %v", f, diags)
	}
	bad := filepath.Join(dir, "bad.hcl")
	os.WriteFile(bad, []byte("provider \"x\" {\n  source = \"./x\"\n  hash = \"md5:00\"\n}\n"), 0o644)
	if _, diags := Read(bad); !diags.HasErrors() || !strings.Contains(diags.Error(), "steward init -upgrade") {
		t.Errorf("bad hash: %v", diags)
	}
	os.WriteFile(bad, []byte("provider \"x\" {\n"), 0o644)
	if _, diags := Read(bad); !diags.HasErrors() || !strings.Contains(diags.Error(), "bad.hcl:") {
		t.Errorf("syntax error: %v", diags)
	}
}

func TestHashFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bin")
	os.WriteFile(path, []byte("test"), 0o755)
	h, err := HashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// sha256("test"), a published test vector.
	if h != "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" {
		t.Errorf("hash %s", h)
	}
	if b, err := ParseHash(h); err != nil || len(b) != 32 {
		t.Errorf("ParseHash: %v %v", b, err)
	}
}
