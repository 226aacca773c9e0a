package funcs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The filesystem functions read files at evaluation time, so they only see
// files that exist before planning begins. Error messages say so because
// "file not found" for a file another resource will create is a common
// point of confusion.

// MakeFileFunc returns the file function, which reads a UTF-8 text file.
// Relative paths resolve against baseDir rather than the process working
// directory so a module behaves the same wherever it is invoked from.
func MakeFileFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads the contents of a file at the given path and returns them as a string. The file must contain valid UTF-8.",
		Params: []function.Parameter{
			// Marked paths are accepted so that errors can avoid echoing a
			// sensitive path; the marks are carried onto the result.
			{Name: "path", Type: cty.String, AllowMarked: true},
		},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			pathVal, marks := args[0].Unmark()
			src, err := readConfigFile(baseDir, pathVal.AsString(), marks)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.StringVal(string(src)).WithMarks(marks), nil
		},
	})
}

// MakeFileExistsFunc returns the fileexists function. A missing file yields
// false, but a path naming something other than a regular file is an error:
// answering false for a directory would hide what is almost certainly a
// mistake in the path.
func MakeFileExistsFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reports whether a regular file exists at the given path.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String, AllowMarked: true},
		},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			pathVal, marks := args[0].Unmark()
			given := pathVal.AsString()
			shown := redactIfMarked(fmt.Sprintf("%q", given), marks)

			info, err := os.Stat(resolvePath(baseDir, given))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return cty.False.WithMarks(marks), nil
			case err != nil:
				return cty.NilVal, function.NewArgErrorf(0, "failed to stat %s: %s", shown, describeFSError(err, marks))
			case !info.Mode().IsRegular():
				return cty.NilVal, function.NewArgErrorf(0, "%s is not a regular file, but %q", shown, info.Mode().Type().String())
			}
			return cty.True.WithMarks(marks), nil
		},
	})
}

// MakeAbsPathFunc returns the abspath function: a path made absolute and
// clean, a relative one resolved against the working directory as file
// resolves it. Providers that act on local paths (a backup repository, the
// sources of a backup policy) need absolute ones, since steward may run from
// any directory.
func MakeAbsPathFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the absolute form of a path; a relative path is resolved against the working directory.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String, AllowMarked: true},
		},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			pathVal, marks := args[0].Unmark()
			abs, err := filepath.Abs(resolvePath(baseDir, pathVal.AsString()))
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "cannot make the path absolute: %s", describeFSError(err, marks))
			}
			return cty.StringVal(abs).WithMarks(marks), nil
		},
	})
}

// MakeTemplateFileFunc returns the templatefile function. funcs is the table
// made available inside templates; the caller is responsible for making sure
// it does not contain a working templatefile, since a template that renders
// itself would never terminate.
func MakeTemplateFileFunc(baseDir string, funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Reads the file at the given path and renders it as a template using the given variables.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String, AllowMarked: true},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: func(args []cty.Value) (cty.Type, error) {
			ty := args[1].Type()
			if !(ty.IsObjectType() || ty.IsMapType() || ty == cty.DynamicPseudoType) {
				return cty.NilType, function.NewArgErrorf(1, "invalid vars value: must be a map or object, not %s", ty.FriendlyName())
			}
			// A template consisting of a single interpolation yields that
			// value unconverted, so the result type depends on the file
			// contents and is only known once rendered.
			return cty.DynamicPseudoType, nil
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			pathVal, marks := args[0].Unmark()
			given := pathVal.AsString()

			vars := make(map[string]cty.Value)
			for it := args[1].ElementIterator(); it.Next(); {
				k, v := it.Element()
				name := k.AsString()
				if !hclsyntax.ValidIdentifier(name) {
					return cty.NilVal, function.NewArgErrorf(1, "invalid template variable name %q: template variables must be valid identifiers so the template can refer to them", name)
				}
				vars[name] = v
			}

			src, err := readConfigFile(baseDir, given, marks)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			// Diagnostics name the file as the user wrote it, unless that
			// would disclose a sensitive path.
			filename := redactIfMarked(given, marks)
			expr, diags := hclsyntax.ParseTemplate(src, filename, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "failed to parse template: %s", diags.Error())
			}

			// Checking references up front gives a message naming the
			// missing key, rather than HCL's generic unknown-variable error.
			for _, traversal := range expr.Variables() {
				root := traversal.RootName()
				if _, ok := vars[root]; !ok {
					return cty.NilVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s", root, traversal[0].SourceRange())
				}
			}

			ctx := &hcl.EvalContext{
				Variables: vars,
				Functions: funcs,
			}
			val, diags := expr.Value(ctx)
			if diags.HasErrors() {
				return cty.NilVal, fmt.Errorf("failed to render template: %s", diags.Error())
			}
			return val.WithMarks(marks), nil
		},
	})
}

// recursiveTemplateFileFunc stands in for templatefile inside templates. It
// exists, rather than the name simply being absent, so that the error says
// why the call is refused instead of claiming there is no such function.
var recursiveTemplateFileFunc = function.New(&function.Spec{
	Description: "Not available inside templates.",
	Params: []function.Parameter{
		{Name: "path", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true},
		{Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		return cty.NilType, errors.New("cannot call templatefile from inside a template rendered by templatefile: recursive templates are not allowed")
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return cty.NilVal, errors.New("cannot call templatefile from inside a template rendered by templatefile: recursive templates are not allowed")
	},
})

func resolvePath(baseDir, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(baseDir, path)
}

// readConfigFile reads a file for file and templatefile. marks are those of
// the path argument and only affect how the path appears in errors.
func readConfigFile(baseDir, given string, marks cty.ValueMarks) ([]byte, error) {
	shown := redactIfMarked(fmt.Sprintf("%q", given), marks)
	src, err := os.ReadFile(resolvePath(baseDir, given))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		where := ""
		if !filepath.IsAbs(given) && len(marks) == 0 {
			where = fmt.Sprintf(" (relative paths are resolved against the working directory %q; use \"${path.module}/NAME\" for a file beside a module)", baseDir)
		}
		return nil, fmt.Errorf("no file exists at %s%s; this function reads files that exist before planning, so it cannot read a file that will be created during apply", shown, where)
	case err != nil:
		return nil, fmt.Errorf("failed to read %s: %s", shown, describeFSError(err, marks))
	}
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("contents of %s are not valid UTF-8", shown)
	}
	return src, nil
}

// describeFSError drops the path that os errors embed when the path is
// sensitive, keeping only the underlying cause.
func describeFSError(err error, marks cty.ValueMarks) string {
	var pathErr *fs.PathError
	if len(marks) > 0 && errors.As(err, &pathErr) {
		return pathErr.Err.Error()
	}
	return err.Error()
}
