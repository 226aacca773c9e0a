package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stewardhq/steward/schema"
)

// VarsFile is the variable file loaded automatically from the working directory.
const VarsFile = "steward.vars.hcl"

// AutoVarsSuffix marks further variable files loaded automatically.
const AutoVarsSuffix = ".auto.vars.hcl"

// EnvPrefix is the prefix of environment variables that set variables.
const EnvPrefix = "STEWARD_VAR_"

// VarArg is one -var or -var-file argument, in command-line order.
type VarArg struct {
	// File is set for -var-file.
	File string
	// Assignment is set for -var, as NAME=VALUE.
	Assignment string
}

// VariableInputs are the places variable values come from.
type VariableInputs struct {
	// Dir is the working directory holding the automatic variable files.
	Dir string
	// Args are -var and -var-file in command-line order (later ones win).
	Args []VarArg
	// Environ is the process environment, as os.Environ returns it.
	Environ []string
}

type rawValue struct {
	expr   hcl.Expression // from a file
	str    string         // from -var or the environment
	source string
	rng    *hcl.Range
}

// ResolveVariables gathers the values of the root module's variables from
// the environment, the automatic variable files, -var-file and -var (in that
// order of precedence, later winning), applies defaults and type
// conversions, and marks sensitive values. A missing required variable, a
// value of the wrong type or a value for an undeclared variable is a
// diagnostic naming where the value came from.
func (l *Loader) ResolveVariables(mod *Module, in VariableInputs) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	raw := map[string]rawValue{}

	for _, kv := range in.Environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		vname := strings.TrimPrefix(name, EnvPrefix)
		if _, declared := mod.Variables[vname]; declared {
			raw[vname] = rawValue{str: val, source: "the environment variable " + name}
		}
	}

	var files []string
	if p := filepath.Join(in.Dir, VarsFile); fileExists(p) {
		files = append(files, p)
	}
	if entries, err := os.ReadDir(in.Dir); err == nil {
		var autos []string
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), AutoVarsSuffix) {
				autos = append(autos, filepath.Join(in.Dir, e.Name()))
			}
		}
		sort.Strings(autos)
		files = append(files, autos...)
	}
	for _, f := range files {
		diags = append(diags, l.readVarsFile(mod, f, raw, false)...)
	}
	for _, a := range in.Args {
		if a.File != "" {
			p := a.File
			if !filepath.IsAbs(p) {
				p = filepath.Join(in.Dir, p)
			}
			if !fileExists(p) {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Variable file not found",
					Detail:   fmt.Sprintf("The file %s given with -var-file does not exist.", a.File),
				})
				continue
			}
			diags = append(diags, l.readVarsFile(mod, p, raw, true)...)
			continue
		}
		name, val, ok := strings.Cut(a.Assignment, "=")
		if !ok || name == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid -var option",
				Detail:   fmt.Sprintf("The option -var %q is not of the form NAME=VALUE.", a.Assignment),
			})
			continue
		}
		if _, declared := mod.Variables[name]; !declared {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("-var sets %q, but the configuration declares no such variable.%s", name, didYouMean(name, sortedKeys(mod.Variables))),
			})
			continue
		}
		raw[name] = rawValue{str: val, source: "-var " + name}
	}

	vals := make(map[string]cty.Value, len(mod.Variables))
	for _, name := range sortedKeys(mod.Variables) {
		v := mod.Variables[name]
		rv, given := raw[name]
		if !given {
			if v.Required() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "No value for required variable",
					Detail:   fmt.Sprintf("The variable %q has no default, so it needs a value: set it with -var %s=..., in %s or a -var-file, or in the environment as %s%s.", name, name, VarsFile, EnvPrefix, name),
					Subject:  v.DeclRange.Ptr(),
				})
				continue
			}
			vals[name] = markVariable(v, v.Default)
			continue
		}
		val, vdiags := parseRawValue(v, rv)
		diags = append(diags, vdiags...)
		if vdiags.HasErrors() {
			continue
		}
		conv, cdiags := ConvertVariable(v, val, rv.source, rv.rng)
		diags = append(diags, cdiags...)
		if !cdiags.HasErrors() {
			vals[name] = conv
		}
	}
	return vals, diags
}

// ConvertVariable checks a value given for v against its type constraint
// and nullability, applies defaults, and marks it sensitive if v is.
// Module calls use it for the arguments that set a child's variables.
func ConvertVariable(v *Variable, val cty.Value, source string, rng *hcl.Range) (cty.Value, hcl.Diagnostics) {
	if rng == nil {
		rng = v.DeclRange.Ptr()
	}
	if v.TypeDefaults != nil && val.IsWhollyKnown() {
		val = v.TypeDefaults.Apply(val)
	}
	conv, err := convert.Convert(val, v.Type)
	if err != nil {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("The value for variable %q from %s is not a valid %s: %s.", v.Name, source, typeexpr.TypeString(v.Type), err),
			Subject:  rng,
		}}
	}
	if conv.IsNull() {
		if v.Default != cty.NilVal && v.Nullable == false {
			conv = v.Default
		} else if !v.Nullable {
			return cty.DynamicVal, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail:   fmt.Sprintf("The variable %q is not nullable, but %s sets it to null.", v.Name, source),
				Subject:  rng,
			}}
		}
	}
	return markVariable(v, conv), nil
}

func markVariable(v *Variable, val cty.Value) cty.Value {
	if v.Sensitive {
		return val.Mark(schema.Sensitive)
	}
	return val
}

func parseRawValue(v *Variable, rv rawValue) (cty.Value, hcl.Diagnostics) {
	if rv.expr != nil {
		val, diags := rv.expr.Value(nil)
		return val, diags
	}
	if v.Type == cty.String || v.Type == cty.DynamicPseudoType {
		// A string variable takes the text as it is, so that values such as
		// passwords need no HCL quoting on the command line.
		return cty.StringVal(rv.str), nil
	}
	expr, diags := hclsyntax.ParseExpression([]byte(rv.str), rv.source, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("The value for variable %q from %s is not a valid HCL expression for a %s: %s.", v.Name, rv.source, typeexpr.TypeString(v.Type), diags[0].Detail),
		}}
	}
	val, vdiags := expr.Value(nil)
	return val, vdiags
}

func (l *Loader) readVarsFile(mod *Module, path string, raw map[string]rawValue, explicit bool) hcl.Diagnostics {
	f, diags := l.parser.ParseHCLFile(path)
	if diags.HasErrors() {
		return diags
	}
	attrs, adiags := f.Body.JustAttributes()
	diags = append(diags, adiags...)
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		if _, declared := mod.Variables[name]; !declared {
			sev := hcl.DiagWarning
			if explicit {
				sev = hcl.DiagError
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: sev,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The file sets %q, but the configuration declares no such variable.%s", name, didYouMean(name, sortedKeys(mod.Variables))),
				Subject:  a.NameRange.Ptr(),
			})
			continue
		}
		raw[name] = rawValue{expr: a.Expr, source: filepath.Base(path), rng: a.Expr.Range().Ptr()}
	}
	return diags
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
