package pluginsource

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/engine/config"
)

func TestResolveLookupOrder(t *testing.T) {
	work := t.TempDir()
	envDir := t.TempDir()
	mk := func(p string, mode os.FileMode) string {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	explicit := mk(filepath.Join(work, "plugins", "steward-provider-acme"), 0o755)
	inEnv := mk(filepath.Join(envDir, "steward-provider-dhcp"), 0o755)
	mk(filepath.Join(work, DefaultPluginDir, "steward-provider-dhcp"), 0o755)
	local := mk(filepath.Join(work, DefaultPluginDir, "steward-provider-local"), 0o755)
	mk(filepath.Join(work, "plugins", "not-exec"), 0o644)

	r := Resolver{
		WorkDir:    work,
		PluginDirs: []string{envDir},
		Executable: func() (string, error) { return "/usr/bin/steward", nil },
		IsBuiltin:  func(n string) bool { return n == "network" },
	}
	cases := []struct {
		rp      config.RequiredProvider
		path    string
		args    string
		builtin bool
		err     string
		inProc  bool
	}{
		{rp: config.RequiredProvider{Name: "acme", Source: "./plugins/steward-provider-acme"}, path: explicit},
		{rp: config.RequiredProvider{Name: "acme", Source: "./plugins"}, path: explicit},
		{rp: config.RequiredProvider{Name: "acme", Source: explicit}, path: explicit},
		{rp: config.RequiredProvider{Name: "dhcp"}, path: inEnv},
		{rp: config.RequiredProvider{Name: "local"}, path: local},
		{rp: config.RequiredProvider{Name: "network"}, inProc: true},
		{rp: config.RequiredProvider{Name: "network", Source: "steward:network"}, path: "/usr/bin/steward", args: "provider serve network", builtin: true},
		{rp: config.RequiredProvider{Name: "net", Source: "steward:network"}, err: "keeps its name"},
		{rp: config.RequiredProvider{Name: "x", Source: "steward:x"}, err: "names no built-in provider"},
		{rp: config.RequiredProvider{Name: "x", Source: "./plugins/not-exec"}, err: "is not executable"},
		{rp: config.RequiredProvider{Name: "x", Source: "./nowhere"}, err: `source "./nowhere": no such file`},
		{rp: config.RequiredProvider{Name: "ghost"}, err: "no steward-provider-ghost was found in " + envDir + ", " + filepath.Join(work, DefaultPluginDir)},
	}
	for _, c := range cases {
		p, err := r.Resolve(&c.rp)
		name := c.rp.Name + "<" + c.rp.Source + ">"
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", name, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case c.inProc:
			if p != nil {
				t.Errorf("%s: want in process, got %+v", name, p)
			}
		case p == nil || p.Path != c.path || strings.Join(p.Args, " ") != c.args || p.Builtin != c.builtin:
			t.Errorf("%s: got %+v, want path %s args %q", name, p, c.path, c.args)
		}
	}
}
