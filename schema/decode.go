package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// Decode evaluates body against b in ctx: unknown arguments and blocks,
// missing required arguments and wrong types become diagnostics pointing at
// the offending source. Defaults are applied, sensitive attributes are
// marked, and each known value is checked by its attribute's Validate.
// A partial value may be returned alongside errors.
func (b *Block) Decode(body hcl.Body, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	// dynamic "x" { for_each = ... content { ... } } blocks are expanded
	// here, where the evaluation context is known, so every resource and
	// provider body gets them as Terraform users expect.
	val, diags := hcldec.Decode(dynblock.Expand(body, ctx), b.DecoderSpec(), ctx)
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
		uv, marks := v.UnmarkDeep()
		err := a.Validate(uv)
		if err == nil {
			return v
		}
		detail := fmt.Sprintf("The value of %s is not valid: %s.", FormatPath(path), err)
		if _, secret := marks[Sensitive]; secret || a.Sensitive || a.WriteOnly {
			// The validator's message may quote the value.
			detail = fmt.Sprintf("The value of %s is not valid. The reason is not shown because the value is sensitive.", FormatPath(path))
		}
		rng := SourceRange(body, b, path)
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value",
			Detail:   detail,
			Subject:  rng.Ptr(),
		})
		return v
	})
	return diags
}

// SourceRange finds the source of the attribute at path within body,
// following nested blocks by their index or label, and falling back to the
// closest enclosing block when the exact place is not known.
func SourceRange(body hcl.Body, b *Block, path cty.Path) hcl.Range {
	if len(path) == 0 {
		return body.MissingItemRange()
	}
	ga, ok := path[0].(cty.GetAttrStep)
	if !ok {
		return body.MissingItemRange()
	}
	if _, ok := b.Attributes[ga.Name]; ok {
		return hcldec.SourceRange(body, &hcldec.AttrSpec{Name: ga.Name, Type: cty.DynamicPseudoType})
	}
	nb, ok := b.BlockTypes[ga.Name]
	if !ok {
		return body.MissingItemRange()
	}
	hdr := hcl.BlockHeaderSchema{Type: ga.Name}
	if nb.Nesting == NestingMap {
		hdr.LabelNames = []string{"key"}
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{hdr}})
	if content == nil || len(content.Blocks) == 0 {
		return body.MissingItemRange()
	}
	blk := content.Blocks[0]
	rest := path[1:]
	if nb.Nesting != NestingSingle && len(rest) > 0 {
		if idx, ok := rest[0].(cty.IndexStep); ok {
			switch {
			case nb.Nesting == NestingList && idx.Key.Type() == cty.Number:
				i, _ := idx.Key.AsBigFloat().Int64()
				if i >= 0 && int(i) < len(content.Blocks) {
					blk = content.Blocks[i]
				}
			case nb.Nesting == NestingMap && idx.Key.Type() == cty.String:
				for _, cb := range content.Blocks {
					if len(cb.Labels) > 0 && cb.Labels[0] == idx.Key.AsString() {
						blk = cb
					}
				}
			}
		}
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return blk.DefRange
	}
	return SourceRange(blk.Body, &nb.Block, rest)
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
