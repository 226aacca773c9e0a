package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
)

// version is set at build time with
// -ldflags "-X github.com/stewardhq/steward/internal/cli.version=1.2.3".
var version = ""

// Version returns steward's version: the one stamped at build time, else the
// module version Go recorded, else a development marker.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "0.0.0-dev"
}

// VersionOptions are the inputs of `steward version`.
type VersionOptions struct {
	IO      *IOStreams
	Version string
	JSON    bool
}

// NewCmdVersion builds `steward version`.
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show the steward version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = f.Version
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the version as JSON")
	return cmd
}

func versionRun(opts *VersionOptions) error {
	platform := runtime.GOOS + "_" + runtime.GOARCH
	if opts.JSON {
		return ui.RenderJSON(opts.IO.Out, map[string]string{
			"steward_version": opts.Version,
			"platform":        platform,
			"go_version":      runtime.Version(),
		})
	}
	_, err := fmt.Fprintf(opts.IO.Out, "steward v%s\non %s\n", opts.Version, platform)
	return err
}
