package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/internal/ui"
)

// FmtOptions are the inputs of `steward fmt`.
type FmtOptions struct {
	// Paths are files and directories to format; the working directory
	// when empty. "-" formats standard input to standard output.
	Paths     []string
	Check     bool
	Diff      bool
	Recursive bool

	f *Factory
}

// NewCmdFmt builds `steward fmt`.
func NewCmdFmt(f *Factory, runF func(*FmtOptions) error) *cobra.Command {
	opts := &FmtOptions{f: f}
	cmd := &cobra.Command{
		Use:   "fmt [flags] [FILE|DIR...]",
		Short: "Rewrite configuration files in the canonical layout",
		Long: `Rewrite *.st.hcl and *.vars.hcl files in the canonical layout (indentation,
aligned equals signs, spacing). The working directory is formatted when no
path is given; "-" formats standard input to standard output. The names of
the files changed are printed.

With -check nothing is written: the files that need formatting are listed and
the exit code is 1 if there are any, for CI.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return fmtRun(opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.Check, "check", false, "Only check: list unformatted files and exit 1 if there are any")
	fs.BoolVar(&opts.Diff, "diff", false, "Print the changes as a unified diff")
	fs.BoolVar(&opts.Recursive, "recursive", false, "Also format the files in subdirectories")
	return cmd
}

// fmtSuffixes are the files fmt looks at in directories.
var fmtSuffixes = []string{config.FileSuffix, ".vars.hcl"}

func isFmtFile(name string) bool {
	for _, s := range fmtSuffixes {
		if strings.HasSuffix(name, s) && !strings.HasPrefix(filepath.Base(name), ".") {
			return true
		}
	}
	return false
}

func fmtRun(opts *FmtOptions) error {
	f := opts.f
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var files []string
	for _, p := range paths {
		if p == "-" {
			if len(paths) > 1 {
				return flagErrorf("\"-\" (standard input) cannot be combined with other paths")
			}
			return fmtStdin(opts)
		}
		found, err := fmtFiles(f.Path(p), opts.Recursive)
		if err != nil {
			return err
		}
		files = append(files, found...)
	}

	var diags hcl.Diagnostics
	parsed := map[string]*hcl.File{}
	unformatted := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		out, d := formatHCL(src, name)
		diags = append(diags, d...)
		if d.HasErrors() {
			if file, _ := hclsyntax.ParseConfig(src, name, hcl.InitialPos); file != nil {
				parsed[name] = file
			}
			continue
		}
		if bytes.Equal(src, out) {
			continue
		}
		unformatted++
		fmt.Fprintln(f.IO.Out, name)
		if opts.Diff {
			fmt.Fprint(f.IO.Out, ui.UnifiedDiff(filepath.ToSlash(name), src, out))
		}
		if !opts.Check {
			if err := writeFileKeepMode(name, out); err != nil {
				return err
			}
		}
	}
	if len(diags) > 0 {
		f.showDiags(diags, parsed)
	}
	if diags.HasErrors() || (opts.Check && unformatted > 0) {
		return errSilent
	}
	return nil
}

func fmtStdin(opts *FmtOptions) error {
	src, err := io.ReadAll(opts.f.IO.In)
	if err != nil {
		return err
	}
	out, diags := formatHCL(src, "<stdin>")
	if diags.HasErrors() {
		file, _ := hclsyntax.ParseConfig(src, "<stdin>", hcl.InitialPos)
		opts.f.showDiags(diags, map[string]*hcl.File{"<stdin>": file})
		return errSilent
	}
	switch {
	case opts.Check:
		if !bytes.Equal(src, out) {
			return errSilent
		}
		return nil
	case opts.Diff:
		_, err = fmt.Fprint(opts.f.IO.Out, ui.UnifiedDiff("<stdin>", src, out))
	default:
		_, err = opts.f.IO.Out.Write(out)
	}
	return err
}

// formatHCL checks the syntax first, because hclwrite formats whatever
// tokens it is given and would quietly "format" a broken file.
func formatHCL(src []byte, name string) ([]byte, hcl.Diagnostics) {
	if _, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	return hclwrite.Format(src), nil
}

// fmtFiles lists the files to format under p: p itself if it is a file,
// else the configuration and variable files in it.
func fmtFiles(p string, recursive bool) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if !isFmtFile(p) {
			return nil, fmt.Errorf("%s is not a configuration file: steward fmt formats files ending in %s", p, strings.Join(fmtSuffixes, " or "))
		}
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == p {
				return nil
			}
			// Hidden directories hold tool state (.git, .steward), not
			// configuration.
			if !recursive || strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && isFmtFile(d.Name()) {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// writeFileKeepMode replaces a file's contents through a temporary file and
// a rename, keeping its permissions, so that an interrupted fmt never leaves
// a half-written configuration file.
func writeFileKeepMode(name string, data []byte) error {
	st, err := os.Stat(name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".fmt-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), st.Mode().Perm())); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
