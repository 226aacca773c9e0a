package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/providers/plugin"
)

// Main runs steward with the given arguments (without the program name) and
// process streams and environment, and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	f := NewFactory(SystemIO(stdin, stdout, stderr), environ)
	return Run(f, args)
}

// Run is Main with the dependencies supplied by the caller.
func Run(f *Factory, args []string) int {
	g, rest, err := splitGlobal(args)
	if err != nil {
		printError(f, err, nil)
		return ExitError
	}
	if g.chdir != "" {
		f.WorkDir = g.chdir
	}
	f.NoColor = f.NoColor || g.noColor

	root := NewCmdRoot(f)
	vf := valueFlags(root)
	root.SetArgs(normalizeArgs(rest, func(name string) bool { return vf[name] }))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// No plugin process outlives steward, even one a failed command never
	// closed.
	defer plugin.CleanupClients()
	stop := watchInterrupts(f, cancel)
	defer stop()

	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		printError(f, err, cmd)
	}
	return exitCode(err)
}

// watchInterrupts cancels the run on the first interrupt, so that the engine
// stops starting new work but finishes (and records) what is in flight, and
// exits at once on the second, for when waiting is not an option.
func watchInterrupts(f *Factory, cancel context.CancelFunc) func() {
	if f.Interrupts == nil {
		return func() {}
	}
	sigs, stopSignals := f.Interrupts()
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		fmt.Fprintln(f.IO.ErrOut, "\nInterrupt received: steward will stop once the changes in progress finish, and the state will record them.\nPress Ctrl-C again to exit at once (changes in progress may then go unrecorded).")
		cancel()
		select {
		case <-sigs:
		case <-done:
			return
		}
		fmt.Fprintln(f.IO.ErrOut, "\nSecond interrupt received: exiting now. Changes that were in progress may not be recorded in the state; run `steward plan` to see where things stand.")
		// Plugins ignore interrupts (go-plugin leaves them to steward), and
		// exiting skips Run's deferred cleanup: stop them here.
		plugin.CleanupClients()
		f.Exit(ExitError)
	}()
	return func() {
		close(done)
		stopSignals()
	}
}

// printError tells the user why a command failed, unless it already did.
func printError(f *Factory, err error, cmd *cobra.Command) {
	var se *SilentError
	if errors.As(err, &se) {
		return
	}
	msg := err.Error()
	var fe *FlagError
	isFlag := errors.As(err, &fe) || isCobraUsageError(err)
	fmt.Fprintf(f.IO.ErrOut, "Error: %s\n", msg)
	if isFlag {
		name := "steward"
		if cmd != nil {
			name = cmd.CommandPath()
		}
		if strings.Contains(msg, "chdir") || strings.Contains(msg, "no-color") {
			fmt.Fprintln(f.IO.ErrOut, "Global options such as -chdir and -no-color go before the command: steward -chdir=DIR plan.")
		}
		fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", name)
	}
}

// isCobraUsageError recognises the plain errors cobra returns for unknown
// commands and bad arguments, which come back before any RunE runs.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires ", "invalid argument", "flag needs an argument", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
