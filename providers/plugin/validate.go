package plugin

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// validate runs the attribute validators of b over v. Validators are Go
// functions and cannot cross the wire, so a plugin runs them itself (in
// Configure and PlanChanges) and reports what they find as diagnostics
// with an attribute path, which steward turns into a pointer at the
// configuration.
func validate(b *schema.Block, v cty.Value) providers.Diagnostics {
	if b == nil || v == cty.NilVal {
		return nil
	}
	var diags providers.Diagnostics
	b.TransformAttributes(v, func(path cty.Path, a *schema.Attribute, av cty.Value) cty.Value {
		if a.Validate == nil || av.IsNull() || !av.IsWhollyKnown() {
			return av
		}
		uv, _ := av.UnmarkDeep()
		if err := a.Validate(uv); err != nil {
			detail := fmt.Sprintf("The value of %s is not valid: %s.", schema.FormatPath(path), err)
			if a.Sensitive || a.WriteOnly {
				// The validator's message may quote the value.
				detail = fmt.Sprintf("The value of %s is not valid. The reason is not shown because the value is sensitive.", schema.FormatPath(path))
			}
			diags = append(diags, providers.Diagnostic{Severity: providers.Error, Summary: "Invalid value", Detail: detail, Attribute: path})
		}
		return av
	})
	return diags
}
