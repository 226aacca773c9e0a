package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRenderRoundTrip(t *testing.T) {
	src := `# written by hand
host printer-1 { hardware ethernet 00:11:22:AA:BB:CC; fixed-address 192.168.1.50; }
host ap-2 {
  hardware ethernet 00:11:22:33:44:66;  # the lobby
  fixed-address 192.168.1.51;
}
`
	f, err := parseHosts([]byte(src), "hosts.conf")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.hosts) != 2 || f.hosts[0] != (host{"printer-1", "00:11:22:aa:bb:cc", "192.168.1.50"}) || f.hosts[1].Name != "ap-2" {
		t.Fatalf("parsed %+v", f.hosts)
	}
	again, err := parseHosts(f.render(), "rendered")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.hosts) != 2 || again.hosts[0] != f.hosts[0] || again.hosts[1] != f.hosts[1] {
		t.Fatalf("round trip: %+v", again.hosts)
	}
}

func TestParseErrorsSayWhere(t *testing.T) {
	for src, want := range map[string]string{
		"host a {\n  hardware ethernet 00:11:22:33:44:55\n}\n":                     "statement without ;",
		"subnet 10.0.0.0 netmask 255.0.0.0 { }\n":                                  "hosts.conf:1: expected `host NAME {`",
		"host a {\n  option host-name \"a\";\n}\n":                                 "hosts.conf:2: host a: unsupported statement",
		"host a { fixed-address 10.0.0.1; }\nhost a { fixed-address 10.0.0.2; }\n": "declared twice",
		"host a {\n": "not closed",
	} {
		if _, err := parseHosts([]byte(src), "hosts.conf"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

func TestWriteIsAtomicAndLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hosts.conf")
	f := &hostsFile{hosts: []host{{"a", "00:11:22:33:44:55", "10.0.0.1"}}}
	if err := f.write(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after the write", len(entries))
	}
	back, err := readHosts(path)
	if err != nil || len(back.hosts) != 1 || back.hosts[0] != f.hosts[0] {
		t.Fatalf("read back %+v, %v", back, err)
	}
}
