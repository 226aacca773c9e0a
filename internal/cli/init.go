package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/lockfile"
	"github.com/stewardhq/steward/providers/plugin"
)

// InitOptions are the inputs of `steward init` and `steward providers lock`.
type InitOptions struct {
	// Upgrade accepts plugin binaries whose checksum differs from the lock
	// file's.
	Upgrade bool

	f *Factory
}

const initLong = `Find the provider plugins the configuration's required_providers name, check
that each one starts and speaks steward's plugin protocol, and record its
source and the SHA-256 checksum of its binary in steward.lock.hcl. Commit
that file with the configuration: plan and apply refuse a plugin binary
whose checksum differs from the one recorded.

A binary that changed is refused here too, unless -upgrade says that the
change is intended.`

// NewCmdInit builds `steward init`.
func NewCmdInit(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{f: f}
	cmd := &cobra.Command{
		Use:   "init [-upgrade]",
		Short: "Check the provider plugins and record their checksums in steward.lock.hcl",
		Long:  initLong,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Upgrade, "upgrade", false, "Accept plugin binaries that changed since the lock file was written")
	return cmd
}

// NewCmdProvidersLock builds `steward providers lock`, the same as init
// for those who look for it among the providers commands.
func NewCmdProvidersLock(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	cmd := NewCmdInit(f, runF)
	cmd.Use = "lock [-upgrade]"
	cmd.Short = "Record the provider plugins' checksums in steward.lock.hcl (same as init)"
	return cmd
}

func initRun(opts *InitOptions) error {
	f := opts.f
	cfg, _, err := loadOnly(f)
	if err != nil {
		return err
	}
	plugins, err := f.requiredPlugins(cfg)
	if err != nil {
		return err
	}
	path := f.Path(LockFile)
	old, diags := lockfile.Read(path)
	if diags.HasErrors() {
		return fmt.Errorf("reading %s: %s", LockFile, diags.Error())
	}
	popts, err := f.pluginOptions()
	if err != nil {
		return err
	}
	next := &lockfile.File{Providers: map[string]*lockfile.Provider{}}
	for _, p := range plugins {
		shown := displayPath(f.WorkDir, p)
		if p.Builtin {
			fmt.Fprintf(f.IO.Out, "- %s: built into steward, served out of process (%s)\n", p.Name, shown)
			continue
		}
		hash, err := lockfile.HashFile(p.Path)
		if err != nil {
			return fmt.Errorf("provider %q: %w", p.Name, err)
		}
		status := "recorded"
		if prev, ok := old.Providers[p.Name]; ok {
			switch {
			case prev.Hash == hash && prev.Source == p.Source:
				status = "unchanged"
			case !opts.Upgrade:
				_, err := checkLocked(old, p)
				return err
			default:
				status = "upgraded from " + prev.Hash
			}
		}
		sum, err := lockfile.ParseHash(hash)
		if err != nil {
			return err
		}
		o := popts
		o.SHA256 = sum
		o.Display = shown
		pp, err := plugin.NewClient(p.Name, p.Path, o)()
		if err != nil {
			return err
		}
		if err := pp.Close(); err != nil {
			return err
		}
		next.Providers[p.Name] = &lockfile.Provider{Name: p.Name, Source: p.Source, Hash: hash}
		fmt.Fprintf(f.IO.Out, "- %s: %s %s (%s)\n", p.Name, shown, hash, status)
	}
	for name := range old.Providers {
		if _, ok := next.Providers[name]; !ok {
			fmt.Fprintf(f.IO.Out, "- %s: no longer required, removed from the lock file\n", name)
		}
	}
	prevBytes, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", LockFile, err)
	}
	if len(next.Providers) == 0 && prevBytes == nil {
		fmt.Fprintln(f.IO.Out, "No provider plugins to lock.")
		return nil
	}
	if bytes.Equal(prevBytes, next.Bytes()) {
		fmt.Fprintf(f.IO.Out, "%s is up to date.\n", LockFile)
		return nil
	}
	if err := lockfile.Write(path, next); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "%s written.\n", LockFile)
	return nil
}
