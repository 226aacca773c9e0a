package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// normalizeArgs turns single-dash long flags (`-auto-approve`,
// `-var=x=1`), which Terraform users type, into the double-dash form pflag
// parses. takesValue reports whether a flag name expects a value, so that the
// word after `-var-file` or `-out` is left alone even if it starts with a
// dash. Single-letter flags (`-h`), a lone `-` (standard input), negative
// numbers and everything after `--` are kept as they are.
func normalizeArgs(args []string, takesValue func(name string) bool) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if !strings.HasPrefix(a, "-") || len(a) < 2 {
			out = append(out, a)
			continue
		}
		body := strings.TrimPrefix(a, "-")
		if !strings.HasPrefix(body, "-") {
			if len(body) < 2 || !isLetter(body[0]) || body[1] == '=' {
				out = append(out, a) // a short flag, or not a flag at all
				continue
			}
			a = "-" + a
		}
		out = append(out, a)
		name, _, hasValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !hasValue && takesValue(name) && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// valueFlags collects, over the whole command tree, the names of flags that
// take a value. A name means the same thing in every command that has it, so
// one set serves normalizeArgs for any command line.
func valueFlags(root *cobra.Command) map[string]bool {
	names := map[string]bool{}
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		add := func(f *pflag.Flag) {
			if f.NoOptDefVal == "" {
				names[f.Name] = true
			}
		}
		c.LocalFlags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)
	return names
}

// globalOptions are the flags given before the command.
type globalOptions struct {
	chdir   string
	noColor bool
}

// splitGlobal takes the global flags (-chdir, -no-color) off the front of
// the command line, in either dash form. They must come before the command,
// as in Terraform, because -chdir changes where everything after it is
// looked for.
func splitGlobal(args []string) (globalOptions, []string, error) {
	var g globalOptions
	for len(args) > 0 {
		a := args[0]
		if !strings.HasPrefix(a, "-") {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "chdir":
			if !hasVal {
				if len(args) < 2 {
					return g, nil, flagErrorf("-chdir needs a directory: -chdir=DIR")
				}
				val = args[1]
				args = args[1:]
			}
			if val == "" {
				return g, nil, flagErrorf("-chdir needs a directory: -chdir=DIR")
			}
			g.chdir = val
		case "no-color":
			if hasVal && val != "true" {
				return g, nil, flagErrorf("-no-color takes no value")
			}
			g.noColor = true
		default:
			return g, args, nil
		}
		args = args[1:]
	}
	return g, args, nil
}
