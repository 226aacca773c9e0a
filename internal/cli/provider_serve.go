package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/providers/plugin"
)

// NewCmdProvider builds the hidden `steward provider` command, whose one
// subcommand serves a built-in provider out of process.
func NewCmdProvider(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "provider <subcommand>",
		Short:  "Serve a built-in provider as a plugin (used by steward itself)",
		Hidden: true,
		Args:   noArgs,
		RunE:   func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdProviderServe(f, nil))
	return cmd
}

// ProviderServeOptions are the inputs of `steward provider serve`.
type ProviderServeOptions struct {
	Name string

	f *Factory
}

// NewCmdProviderServe builds `steward provider serve NAME`.
func NewCmdProviderServe(f *Factory, runF func(*ProviderServeOptions) error) *cobra.Command {
	opts := &ProviderServeOptions{f: f}
	return &cobra.Command{
		Use:   "serve NAME",
		Short: "Serve a built-in provider over the plugin protocol",
		Long: `Serve the built-in provider NAME over steward's provider plugin protocol.
Steward runs this itself for a provider whose required_providers source is
"steward:NAME"; it is not meant to be run by hand.`,
		Args: exactArgs(1, "the name of a built-in provider"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return providerServeRun(opts)
		},
	}
}

func providerServeRun(opts *ProviderServeOptions) error {
	f := opts.f
	reg := f.Registry()
	if !reg.Has(opts.Name) {
		return flagErrorf("no built-in provider is named %q (built in: %v)", opts.Name, reg.Names())
	}
	if lookupEnv(f.Environ, plugin.Handshake.MagicCookieKey) != plugin.Handshake.MagicCookieValue {
		return fmt.Errorf("steward provider serve is run by steward itself, for a provider whose required_providers source is %q; it is not meant to be run by hand", "steward:"+opts.Name)
	}
	p, err := reg.New(opts.Name)
	if err != nil {
		return err
	}
	plugin.Serve(p)
	return nil
}
