package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// NewCmdRoot builds the steward command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "steward [global options] <command> [options]",
		Short: "Declarative infrastructure for networks, directories and backups",
		Long: `steward reads the configuration in the *.st.hcl files of the working
directory, discovers what really exists, shows the difference as a plan and
applies it through providers.

Flags take one dash or two: -auto-approve and --auto-approve are the same.

Global options (before the command):
  -chdir=DIR   Work in DIR instead of the current directory
  -no-color    Do not colour the output (NO_COLOR in the environment does the same)
  -workspace=NAME  Use this workspace's state (STEWARD_WORKSPACE does the same)

Exit codes:
` + exitCodeTable(),
		Version:       f.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetVersionTemplate("steward v{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
	// -no-color is also accepted after the command, where Terraform users
	// often put it.
	root.PersistentFlags().BoolVar(&f.NoColor, "no-color", f.NoColor, "Do not colour the output")
	root.PersistentFlags().StringVar(&f.Workspace, "workspace", f.Workspace, "Use this workspace's state instead of the selected one (also STEWARD_WORKSPACE)")

	root.AddCommand(
		NewCmdVersion(f, nil),
		NewCmdValidate(f, nil),
		NewCmdFmt(f, nil),
		NewCmdPlan(f, nil),
		NewCmdApply(f, nil),
		NewCmdDestroy(f, nil),
		NewCmdShow(f, nil),
		NewCmdOutput(f, nil),
		NewCmdState(f),
		NewCmdImport(f, nil),
		NewCmdGraph(f, nil),
		NewCmdProviders(f),
		NewCmdProvider(f),
		NewCmdInit(f, nil),
		NewCmdLab(f),
		NewCmdDiscover(f),
		NewCmdWorkspace(f, nil),
		NewCmdForceUnlock(f, nil),
		NewCmdBackup(f),
	)
	return root
}

func exitCodeTable() string {
	var b strings.Builder
	for _, e := range ExitCodes {
		fmt.Fprintf(&b, "  %d  %s\n", e.Code, e.Meaning)
	}
	return b.String()
}

// noArgs, maxArgs, exactArgs and rangeArgs check positional arguments and
// report problems as FlagErrors.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return flagErrorf("%s takes no arguments, but got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return flagErrorf("%s takes at most %d %s, but got %d", cmd.CommandPath(), n, plural(n, "argument", "arguments"), len(args))
		}
		return nil
	}
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return flagErrorf("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return flagErrorf("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}
