package pluginsource

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stewardhq/steward/engine/config"
)

// BuiltinPrefix marks a source naming a built-in provider to run out of
// process.
const BuiltinPrefix = "steward:"

// DefaultPluginDir is where plugins are looked for in the working
// directory when required_providers gives no source.
const DefaultPluginDir = ".steward/plugins"

// BinaryName is the file name a plugin directory holds for a provider.
func BinaryName(provider string) string { return "steward-provider-" + provider }

// Plugin is how to run a provider out of process.
type Plugin struct {
	Name string
	// Source is the required_providers source, as written.
	Source string
	// Path is the binary to run.
	Path string
	// Args are its arguments.
	Args []string
	// Builtin is set for steward's own providers run out of process. They
	// are part of steward's executable, so the lock file does not list them.
	Builtin bool
}

// Resolver finds plugins.
type Resolver struct {
	// WorkDir is the working directory that relative sources start from.
	WorkDir string
	// PluginDirs is STEWARD_PLUGIN_DIR, split.
	PluginDirs []string
	// Executable returns steward's own executable.
	Executable func() (string, error)
	// IsBuiltin reports whether steward builds in a provider of that name.
	IsBuiltin func(name string) bool
}

// Resolve finds the plugin for rp. It returns nil, nil when rp names a
// built-in provider to run in process, as usual.
func (r Resolver) Resolve(rp *config.RequiredProvider) (*Plugin, error) {
	switch {
	case strings.HasPrefix(rp.Source, BuiltinPrefix):
		name := strings.TrimPrefix(rp.Source, BuiltinPrefix)
		if !r.IsBuiltin(name) {
			return nil, fmt.Errorf("provider %q: source %q names no built-in provider", rp.Name, rp.Source)
		}
		if name != rp.Name {
			return nil, fmt.Errorf("provider %q: source %q serves the provider %q; a built-in provider keeps its name", rp.Name, rp.Source, name)
		}
		exe, err := r.Executable()
		if err != nil {
			return nil, fmt.Errorf("provider %q: finding steward's own executable to run it out of process: %w", rp.Name, err)
		}
		return &Plugin{Name: rp.Name, Source: rp.Source, Path: exe, Args: []string{"provider", "serve", name}, Builtin: true}, nil
	case rp.Source != "":
		p := rp.Source
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.WorkDir, p)
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("provider %q: source %q: %w", rp.Name, rp.Source, unwrapPathError(err))
		}
		if fi.IsDir() {
			p = filepath.Join(p, BinaryName(rp.Name))
			if err := checkBinary(p); err != nil {
				return nil, fmt.Errorf("provider %q: the plugin directory %q has no usable %s: %w", rp.Name, rp.Source, BinaryName(rp.Name), err)
			}
		} else if err := checkBinary(p); err != nil {
			return nil, fmt.Errorf("provider %q: source %q: %w", rp.Name, rp.Source, err)
		}
		return &Plugin{Name: rp.Name, Source: rp.Source, Path: p}, nil
	case r.IsBuiltin(rp.Name):
		return nil, nil
	}
	dirs := append(append([]string(nil), r.PluginDirs...), filepath.Join(r.WorkDir, DefaultPluginDir))
	for _, d := range dirs {
		p := filepath.Join(d, BinaryName(rp.Name))
		if checkBinary(p) == nil {
			return &Plugin{Name: rp.Name, Path: p}, nil
		}
	}
	return nil, fmt.Errorf("provider %q is not built into steward and no %s was found in %s; set its source in required_providers, or put the plugin in one of those directories",
		rp.Name, BinaryName(rp.Name), strings.Join(dirs, ", "))
}

// checkBinary reports why p cannot be run as a plugin.
func checkBinary(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return unwrapPathError(err)
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory", p)
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable", p)
	}
	return nil
}

// unwrapPathError drops the path an fs.PathError repeats, since messages
// here name the source already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// SplitDirs splits STEWARD_PLUGIN_DIR.
func SplitDirs(v string) []string {
	var out []string
	for _, d := range filepath.SplitList(v) {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}
