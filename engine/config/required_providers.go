package config

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// RequiredProvider is one entry of `required_providers` in the steward
// block: where to find a provider that steward does not build in, or a
// request to run a built-in one out of process.
type RequiredProvider struct {
	// Name is the provider's name, the prefix of its resource types.
	Name string
	// Source says where the provider comes from, as written: a path to a
	// plugin binary, a directory holding steward-provider-NAME, or
	// "steward:NAME" for a built-in provider run out of process. Empty
	// means: look in the plugin directories.
	Source string
	// Version is a version constraint, as written. Steward records it but
	// does not check it: local plugins carry no version, and the lock
	// file's checksum is what pins a binary.
	Version string

	DeclRange   hcl.Range
	SourceRange hcl.Range
}

// requiredProviderKeys are the arguments of a required_providers entry.
var requiredProviderKeys = []string{"source", "version"}

// decodeRequiredProviders decodes `required_providers { NAME = { source =
// "...", version = "..." } }`.
func decodeRequiredProviders(b *hcl.Block) (map[string]*RequiredProvider, hcl.Diagnostics) {
	attrs, diags := b.Body.JustAttributes()
	out := make(map[string]*RequiredProvider, len(attrs))
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		a := attrs[name]
		diags = append(diags, checkName("provider", name, a.NameRange)...)
		rp := &RequiredProvider{Name: name, DeclRange: a.Range, SourceRange: a.Expr.Range()}
		pairs, pdiags := hcl.ExprMap(a.Expr)
		if pdiags.HasErrors() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid required_providers entry",
				Detail:   fmt.Sprintf("The entry for %q must be an object such as { source = \"./plugins/steward-provider-%s\" }.", name, name),
				Subject:  a.Expr.Range().Ptr(),
			})
			continue
		}
		for _, kv := range pairs {
			key := hcl.ExprAsKeyword(kv.Key)
			var dst *string
			switch key {
			case "source":
				dst = &rp.Source
				rp.SourceRange = kv.Value.Range()
			case "version":
				dst = &rp.Version
			default:
				detail := fmt.Sprintf("A required_providers entry takes only \"source\" and \"version\", not %q.", key) + didYouMean(key, requiredProviderKeys)
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported argument", Detail: detail, Subject: kv.Key.Range().Ptr()})
				continue
			}
			v, vdiags := kv.Value.Value(nil)
			if !vdiags.HasErrors() {
				v, err := convert.Convert(v, cty.String)
				if err == nil && v.IsKnown() && !v.IsNull() && v.AsString() != "" {
					*dst = v.AsString()
					continue
				}
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value must be a constant string",
				Detail:   fmt.Sprintf("%s of the provider %q must be a literal, non-empty string: it is read before any expression is evaluated.", key, name),
				Subject:  kv.Value.Range().Ptr(),
			})
		}
		out[name] = rp
	}
	return out, diags
}
