package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// The renderings here show values from the state (outputs, `state show`),
// which have no before/after and so do not go through the plan renderer.

// formatValue renders v as HCL for a person. Values marked sensitive are
// replaced by redacted, at whatever depth the mark sits.
func formatValue(v cty.Value, indent, redacted string) string {
	var b strings.Builder
	writeValue(&b, v, indent, redacted)
	return b.String()
}

func writeValue(b *strings.Builder, v cty.Value, indent, redacted string) {
	if v.HasMark(schema.Sensitive) {
		b.WriteString(redacted)
		return
	}
	v, _ = v.Unmark()
	switch {
	case !v.IsKnown():
		b.WriteString("(known after apply)")
		return
	case v.IsNull():
		b.WriteString("null")
		return
	}
	t := v.Type()
	switch {
	case t == cty.String:
		writeString(b, v.AsString(), indent)
	case t == cty.Number:
		b.WriteString(v.AsBigFloat().Text('f', -1))
	case t == cty.Bool:
		fmt.Fprint(b, v.True())
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		if v.LengthInt() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			b.WriteString(indent + "  ")
			writeValue(b, ev, indent+"  ", redacted)
			b.WriteString(",\n")
		}
		b.WriteString(indent + "]")
	case t.IsMapType() || t.IsObjectType():
		if v.LengthInt() == 0 {
			b.WriteString("{}")
			return
		}
		keys, vals := entries(v)
		width := 0
		for _, k := range keys {
			width = max(width, len(attrKey(k)))
		}
		b.WriteString("{\n")
		for _, k := range keys {
			ak := attrKey(k)
			b.WriteString(indent + "  " + ak + strings.Repeat(" ", width-len(ak)) + " = ")
			writeValue(b, vals[k], indent+"  ", redacted)
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	default:
		b.WriteString(t.FriendlyName())
	}
}

// writeString quotes s as an HCL string literal, or as a heredoc when it
// spans lines, which is how a person would write it.
func writeString(b *strings.Builder, s, indent string) {
	if strings.Contains(strings.TrimSuffix(s, "\n"), "\n") {
		delim := "EOT"
		for strings.Contains(s, delim) {
			delim += "_"
		}
		b.WriteString("<<-" + delim + "\n")
		for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			b.WriteString(indent + "  " + line + "\n")
		}
		b.WriteString(indent + delim)
		return
	}
	b.WriteString(quoteHCL(s))
}

// quoteHCL quotes s so that HCL reads it back as the same string:
// template sequences are escaped as well as the usual characters.
func quoteHCL(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// attrKey writes a map key or attribute name bare when HCL allows it.
func attrKey(k string) string {
	if hclsyntax.ValidIdentifier(k) {
		return k
	}
	return quoteHCL(k)
}

// entries returns the keys of a map or object value in sorted order.
func entries(v cty.Value) ([]string, map[string]cty.Value) {
	vals := map[string]cty.Value{}
	var keys []string
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		ks := k.AsString()
		keys = append(keys, ks)
		vals[ks] = ev
	}
	sort.Strings(keys)
	return keys, vals
}

// jsonValue converts v to plain JSON data: null where v is sensitive,
// unknown or null. Numbers keep their full precision.
func jsonValue(v cty.Value) any {
	if v.HasMark(schema.Sensitive) {
		return nil
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Number:
		return json.Number(v.AsBigFloat().Text('f', -1))
	case t == cty.Bool:
		return v.True()
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			out = append(out, jsonValue(ev))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			out[k.AsString()] = jsonValue(ev)
		}
		return out
	}
	return nil
}

// sensitiveShape mirrors v with true where a part is sensitive, in the
// shape of Terraform's sensitive_values: objects and lists hold only their
// sensitive parts, false means nothing is sensitive.
func sensitiveShape(v cty.Value) any {
	if v.HasMark(schema.Sensitive) {
		return true
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() || !v.ContainsMarked() {
		t := v.Type()
		if t.IsObjectType() || t.IsMapType() {
			return map[string]any{}
		}
		if t.IsListType() || t.IsSetType() || t.IsTupleType() {
			return []any{}
		}
		return false
	}
	t := v.Type()
	switch {
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			out = append(out, sensitiveShape(ev))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			if s := sensitiveShape(ev); s != false {
				out[k.AsString()] = s
			}
		}
		return out
	}
	return false
}
