package cli

import (
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/builtin"
	"github.com/stewardhq/steward/providers/directory"
	"github.com/stewardhq/steward/providers/network"
)

// StateFile is the name of the local state file in the working directory.
const StateFile = "steward.state.json"

// Factory carries what commands need from the outside world. Main fills it
// with the real process's; tests fill it with buffers, a fixed environment,
// their own providers and a fake clock.
type Factory struct {
	IO *IOStreams
	// Environ is the environment, as os.Environ returns it.
	Environ []string
	// Registry returns the providers steward can use.
	Registry func() *providers.Registry
	// Now is the clock.
	Now func() time.Time
	// Version is steward's version.
	Version string

	// WorkDir is the working directory (-chdir), "." by default. Relative
	// paths the user gives are relative to it.
	WorkDir string
	// NoColor is set by -no-color.
	NoColor bool
	// Workspace is set by -workspace; empty means the selected one.
	Workspace string

	// Interrupts delivers interrupt requests (Ctrl-C, SIGTERM) until stop is
	// called.
	Interrupts func() (signals <-chan os.Signal, stop func())
	// Exit ends the process at once; used on a second interrupt.
	Exit func(code int)

	// BackupKDF sets the password hashing costs of the repositories and
	// keys `steward backup` creates; nil means the defaults. Tests make it
	// cheap.
	BackupKDF *crypto.KDFParams
	// Executable returns steward's own binary, which serves built-in
	// providers out of process; nil means os.Executable.
	Executable func() (string, error)
}

// DefaultRegistry is the one place that lists the providers built into
// steward; add new providers here.
func DefaultRegistry() *providers.Registry {
	return providers.NewRegistry(map[string]providers.Factory{
		builtin.Name:   builtin.New,
		network.Name:   network.New,
		directory.Name: directory.New,
		backup.Name:    backup.New,
	})
}

// NewFactory returns a Factory for the real process.
func NewFactory(io *IOStreams, environ []string) *Factory {
	return &Factory{
		IO:       io,
		Environ:  environ,
		Registry: DefaultRegistry,
		Now:      time.Now,
		Version:  Version(),
		WorkDir:  ".",
		Interrupts: func() (<-chan os.Signal, func()) {
			ch := make(chan os.Signal, 2)
			signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
			return ch, func() { signal.Stop(ch) }
		},
		Exit: os.Exit,
	}
}

// Path resolves a path the user gave against the working directory.
func (f *Factory) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.WorkDir, p)
}

// StatePath is the path of the local state file.
func (f *Factory) StatePath() string { return f.Path(StateFile) }

// Color reports whether to colour what goes to standard output: only on a
// terminal, and never with -no-color or NO_COLOR set.
func (f *Factory) Color() bool {
	return f.IO.IsOutputTTY() && !f.NoColor && lookupEnv(f.Environ, "NO_COLOR") == ""
}

// ErrColor is Color for standard error.
func (f *Factory) ErrColor() bool {
	return f.IO.IsErrorTTY() && !f.NoColor && lookupEnv(f.Environ, "NO_COLOR") == ""
}

// Width is the width to render for.
func (f *Factory) Width() int { return f.IO.Width(f.Environ) }
