package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/internal/lockfile"
	"github.com/stewardhq/steward/internal/pluginsource"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/plugin"
)

// LockFile is the name of the provider lock file in the working directory.
const LockFile = lockfile.FileName

// executable is steward's own binary, which serves built-in providers out
// of process.
func (f *Factory) executable() (string, error) {
	if f.Executable != nil {
		return f.Executable()
	}
	return os.Executable()
}

func (f *Factory) pluginResolver() pluginsource.Resolver {
	base := f.Registry()
	return pluginsource.Resolver{
		WorkDir:    f.WorkDir,
		PluginDirs: pluginsource.SplitDirs(lookupEnv(f.Environ, "STEWARD_PLUGIN_DIR")),
		Executable: f.executable,
		IsBuiltin:  base.Has,
	}
}

// requiredPlugins resolves the configuration's required_providers entries
// that run out of process, sorted by name.
func (f *Factory) requiredPlugins(cfg *config.Config) ([]*pluginsource.Plugin, error) {
	s := cfg.Root.Settings
	if s == nil || len(s.RequiredProviders) == 0 {
		return nil, nil
	}
	r := f.pluginResolver()
	names := make([]string, 0, len(s.RequiredProviders))
	for n := range s.RequiredProviders {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*pluginsource.Plugin
	for _, n := range names {
		p, err := r.Resolve(s.RequiredProviders[n])
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// pluginOptions are the settings every plugin runs with: where its log
// lines go (STEWARD_LOG) and how long a call may take
// (STEWARD_PLUGIN_TIMEOUT).
func (f *Factory) pluginOptions() (plugin.Options, error) {
	var opts plugin.Options
	if v := lookupEnv(f.Environ, "STEWARD_PLUGIN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return opts, fmt.Errorf("STEWARD_PLUGIN_TIMEOUT=%q is not a duration such as 90s or 10m", v)
		}
		opts.CallTimeout = d
	}
	opts.Logger = f.pluginLogger()
	// Relative paths in a plugin's provider block mean the same as in the
	// configuration around it, whatever -chdir said.
	opts.Dir = f.WorkDir
	return opts, nil
}

// pluginLogger sends go-plugin's and the plugins' log lines to standard
// error at the level STEWARD_LOG names (trace, debug, info, warn, error),
// or to the file STEWARD_LOG_PATH. Unset, they are discarded: a user
// running plan wants the plan, not the plumbing.
func (f *Factory) pluginLogger() hclog.Logger {
	level := hclog.LevelFromString(lookupEnv(f.Environ, "STEWARD_LOG"))
	if level == hclog.NoLevel || level == hclog.Off {
		return hclog.NewNullLogger()
	}
	var out io.Writer = f.IO.ErrOut
	if p := lookupEnv(f.Environ, "STEWARD_LOG_PATH"); p != "" {
		if lf, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
			out = lf
		}
	}
	return hclog.New(&hclog.LoggerOptions{Name: "steward", Level: level, Output: out})
}

// registryFor is the registry of built-in providers plus the plugins the
// configuration requires. A plugin binary must match the checksum the lock
// file recorded for it.
func (f *Factory) registryFor(cfg *config.Config) (*providers.Registry, error) {
	base := f.Registry()
	plugins, err := f.requiredPlugins(cfg)
	if err != nil || len(plugins) == 0 {
		return base, err
	}
	opts, err := f.pluginOptions()
	if err != nil {
		return nil, err
	}
	lock, diags := lockfile.Read(f.Path(LockFile))
	if diags.HasErrors() {
		return nil, fmt.Errorf("reading %s: %s", LockFile, diags.Error())
	}
	factories := make(map[string]providers.Factory, len(plugins))
	for _, p := range plugins {
		popts := opts
		popts.Args = p.Args
		if !p.Builtin {
			sum, err := checkLocked(lock, p)
			if err != nil {
				return nil, err
			}
			popts.SHA256 = sum
		}
		popts.Display = displayPath(f.WorkDir, p)
		factories[p.Name] = plugin.NewClient(p.Name, p.Path, popts)
	}
	return base.With(factories), nil
}

// displayPath names the plugin's binary in messages the way the user
// thinks of it: relative to the working directory when it is inside it,
// and with its arguments for a built-in provider run out of process.
func displayPath(workDir string, p *pluginsource.Plugin) string {
	shown := p.Path
	if rel, err := filepath.Rel(workDir, p.Path); err == nil && !strings.HasPrefix(rel, "..") {
		shown = "./" + filepath.ToSlash(rel)
	}
	if p.Builtin {
		return p.Path + " " + strings.Join(p.Args, " ")
	}
	return shown
}

// checkLocked compares a plugin binary with the lock file and returns its
// checksum.
func checkLocked(lock *lockfile.File, p *pluginsource.Plugin) ([]byte, error) {
	got, err := lockfile.HashFile(p.Path)
	if err != nil {
		return nil, fmt.Errorf("provider %q: %w", p.Name, err)
	}
	entry, ok := lock.Providers[p.Name]
	if !ok {
		return nil, fmt.Errorf("provider %q (%s) is not in %s yet; run \"steward init\" to record its checksum", p.Name, p.Path, LockFile)
	}
	if entry.Source != p.Source {
		return nil, fmt.Errorf("provider %q: %s recorded it from source %q, but the configuration now says %q; run \"steward init -upgrade\" to accept the new source", p.Name, LockFile, entry.Source, p.Source)
	}
	if entry.Hash != got {
		return nil, fmt.Errorf("provider %q: the plugin binary %s has the checksum %s, but %s recorded %s. Steward will not run a binary that changed without notice. If you rebuilt or upgraded the plugin on purpose, run \"steward init -upgrade\" (or \"steward providers lock -upgrade\") to accept the new binary",
			p.Name, p.Path, got, LockFile, entry.Hash)
	}
	return lockfile.ParseHash(got)
}

// schemaRegistry is the registry for commands that only need schemas to
// render what is recorded (show, state show): the working directory's
// plugins when its configuration loads and they pass the lock file's
// checks, the built-in providers otherwise. Those commands must work
// without a valid configuration, so problems here are not errors; objects
// of a provider that is not available are shown without a schema.
func (f *Factory) schemaRegistry() *providers.Registry {
	cfg, diags := config.NewLoader().Load(f.WorkDir)
	if diags.HasErrors() {
		return f.Registry()
	}
	reg, err := f.registryFor(cfg)
	if err != nil {
		return f.Registry()
	}
	return reg
}
