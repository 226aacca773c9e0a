package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// Decode evaluates body against b in ctx: unknown arguments and blocks,
// missing required arguments and wrong types become diagnostics pointing at
// the offending source. Defaults are applied, sensitive attributes are
// marked, and each known value is checked by its attribute's Validate.
// A partial value may be returned alongside errors.
func (b *Block) Decode(body hcl.Body, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	val, diags := hcldec.Decode(body, b.DecoderSpec(), ctx)
	if diags.HasErrors() {
		return val, diags
	}
	val = b.ApplyDefaults(val)
	diags = append(diags, b.validateValues(body, val)...)
	return b.MarkSensitive(val), diags
}

func (b *Block) validateValues(body hcl.Body, val cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	b.TransformAttributes(val, func(path cty.Path, a *Attribute, v cty.Value) cty.Value {
		if a.Validate == nil || v.IsNull() || !v.IsWhollyKnown() {
			return v
		}
		uv, _ := v.UnmarkDeep()
		if err := a.Validate(uv); err != nil {
			rng := SourceRange(body, b, path)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value",
				Detail:   fmt.Sprintf("The value of %s is not valid: %s.", FormatPath(path), err),
				Subject:  rng.Ptr(),
			})
		}
		return v
	})
	return diags
}

// SourceRange finds the source of the attribute at path within body, falling
// back to the closest enclosing block when the exact place is not known.
func SourceRange(body hcl.Body, b *Block, path cty.Path) hcl.Range {
	if len(path) == 1 {
		if ga, ok := path[0].(cty.GetAttrStep); ok {
			if _, ok := b.Attributes[ga.Name]; ok {
				return hcldec.SourceRange(body, &hcldec.AttrSpec{Name: ga.Name, Type: cty.DynamicPseudoType})
			}
		}
	}
	if len(path) > 0 {
		if ga, ok := path[0].(cty.GetAttrStep); ok {
			if _, ok := b.BlockTypes[ga.Name]; ok {
				content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: ga.Name}}})
				if content != nil && len(content.Blocks) > 0 {
					return content.Blocks[0].DefRange
				}
			}
		}
	}
	return body.MissingItemRange()
}

// FormatPath renders a cty path the way users write it: `keep.daily`,
// `entries[2].action`.
func FormatPath(path cty.Path) string {
	s := ""
	for _, step := range path {
		switch st := step.(type) {
		case cty.GetAttrStep:
			if s != "" {
				s += "."
			}
			s += st.Name
		case cty.IndexStep:
			k := st.Key
			switch {
			case !k.IsKnown():
				s += "[?]"
			case k.Type() == cty.String:
				s += fmt.Sprintf("[%q]", k.AsString())
			case k.Type() == cty.Number:
				s += "[" + k.AsBigFloat().Text('f', -1) + "]"
			default:
				s += "[...]"
			}
		}
	}
	return s
}
