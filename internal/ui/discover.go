package ui

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// DiscoveredResource is an existing object that `steward discover` found,
// to be written as configuration that adopts it.
type DiscoveredResource struct {
	// Type is the resource type (network_vlan).
	Type string
	// Name is the resource name: a valid identifier, unique within Type.
	Name string
	// ID is what the provider's Import accepts for the object.
	ID string
	// Config is the configuration that describes the object as it is:
	// conforming to Schema, with computed-only attributes null.
	Config cty.Value
	Schema *schema.Resource
	// Order lists attribute names to write first, in that order, at every
	// level of nesting (a name applies in whichever block has it): the
	// provider's declaration order, which schemas, being maps, do not keep.
	// Attributes it leaves out follow, as configAttributeNames orders them.
	Order []string
}

// SkippedObject is an object that discovery found but does not offer for
// adoption, and why.
type SkippedObject struct {
	Type   string
	ID     string
	Reason string
}

// Discovery is what `steward discover` renders: where the objects come
// from, the objects to adopt in order, and those left out.
type Discovery struct {
	// Source says where the objects were read, for the header comment
	// ("device core-1 (cisco_iosxe)").
	Source    string
	Resources []DiscoveredResource
	Skipped   []SkippedObject
}

// RenderDiscoveryHCL writes the resources as configuration ready to paste:
// for each one an import block that adopts the existing object, then its
// resource block. Attributes come in the resource's Order, the others after
// them (device first, then the other required attributes, then the
// optional ones, each alphabetically), nested blocks last; null attributes and optional
// ones equal to their schema default are left out, since leaving them out
// means the same. Sensitive values are never written: an attribute that has
// one is replaced by a comment asking for it. Skipped objects are listed in
// comments at the top, with their reasons.
func RenderDiscoveryHCL(w io.Writer, d *Discovery) error {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	header := fmt.Sprintf("Discovered by steward discover from %s: %d %s to adopt.", d.Source, len(d.Resources), plural(len(d.Resources), "object", "objects"))
	appendComment(body, header)
	if len(d.Skipped) > 0 {
		appendComment(body, fmt.Sprintf("Not adopted (%d), because the configuration would not describe %s exactly:", len(d.Skipped), plural(len(d.Skipped), "it", "them")))
		for _, s := range d.Skipped {
			appendComment(body, fmt.Sprintf("  %s %s: %s", s.Type, s.ID, s.Reason))
		}
	}
	for _, r := range d.Resources {
		if !hclsyntax.ValidIdentifier(r.Name) {
			return fmt.Errorf("internal error: %q is not a valid resource name", r.Name)
		}
		body.AppendNewline()
		imp := body.AppendNewBlock("import", nil).Body()
		imp.SetAttributeTraversal("to", hcl.Traversal{hcl.TraverseRoot{Name: r.Type}, hcl.TraverseAttr{Name: r.Name}})
		imp.SetAttributeValue("id", cty.StringVal(r.ID))
		body.AppendNewline()
		res := body.AppendNewBlock("resource", []string{r.Type, r.Name}).Body()
		writeConfigBody(res, r.Config, &r.Schema.Block, r.Order)
	}
	_, err := w.Write(hclwrite.Format(f.Bytes()))
	return err
}

// appendComment writes text as a one-line comment; line breaks in it (a
// provider's multi-line message) become spaces so that the comment cannot
// end early.
func appendComment(body *hclwrite.Body, text string) {
	text = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(text)
	body.AppendUnstructuredTokens(hclwrite.Tokens{
		{Type: hclsyntax.TokenComment, Bytes: []byte("# " + strings.TrimRight(text, " ") + "\n")},
	})
}

// configAttributeNames lists the attributes a configuration can set, in
// the order discover writes them: those of order that blk has, in that
// order; then device, the other required attributes and the optional ones,
// each group alphabetically. Schemas are maps, so without order this is the
// one order that is the same for every provider and does not change when
// an attribute is added.
func configAttributeNames(blk *schema.Block, order []string) []string {
	settable := func(n string) bool {
		a, ok := blk.Attributes[n]
		return ok && (a.Required || a.Optional)
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range append(slices.Clone(order), "device") {
		if settable(n) && !seen[n] {
			out = append(out, n)
			seen[n] = true
		}
	}
	var req, opt []string
	for _, n := range blk.AttributeNames() {
		switch a := blk.Attributes[n]; {
		case seen[n]:
		case a.Required:
			req = append(req, n)
		case a.Optional:
			opt = append(opt, n)
		}
	}
	return append(append(out, req...), opt...)
}

// writeConfigBody writes the set attributes of v, then its nested blocks.
func writeConfigBody(body *hclwrite.Body, v cty.Value, blk *schema.Block, order []string) {
	v = bare(v)
	if v.IsNull() || !v.IsKnown() {
		return
	}
	for _, n := range configAttributeNames(blk, order) {
		a := blk.Attributes[n]
		av := v.GetAttr(n)
		if isSensitive(av) || a.Sensitive || a.WriteOnly {
			if !isNull(av) {
				appendComment(body, n+" is sensitive and not shown: set it, for example from a variable.")
			}
			continue
		}
		if isNull(av) || (a.Optional && a.Default != cty.NilVal && bare(av).RawEquals(a.Default)) {
			continue
		}
		body.SetAttributeRaw(n, valueTokens(bare(av)))
	}
	for _, n := range blk.BlockTypeNames() {
		nb := blk.BlockTypes[n]
		bv := v.GetAttr(n)
		if isSensitive(bv) {
			appendComment(body, n+" blocks are sensitive and not shown.")
			continue
		}
		u := bare(bv)
		if u.IsNull() || !u.IsKnown() {
			continue
		}
		switch nb.Nesting {
		case schema.NestingSingle:
			writeConfigBody(body.AppendNewBlock(n, nil).Body(), u, &nb.Block, order)
		case schema.NestingMap:
			keys, m := keysOf(u)
			for _, k := range keys {
				writeConfigBody(body.AppendNewBlock(n, []string{k}).Body(), m[k], &nb.Block, order)
			}
		default:
			for _, e := range elemsOf(u) {
				writeConfigBody(body.AppendNewBlock(n, nil).Body(), e, &nb.Block, order)
			}
		}
	}
}

// wrapAfter is the number of elements above which a list is written one
// line per wrapAfter elements instead of on one line: a trunk can carry
// hundreds of VLANs.
const wrapAfter = 16

// valueTokens is hclwrite.TokensForValue, except that long lists and sets
// of plain values are wrapped over several lines.
func valueTokens(v cty.Value) hclwrite.Tokens {
	t := v.Type()
	if !(isSeqLike(t) || t.IsSetType()) || v.LengthInt() <= wrapAfter {
		return hclwrite.TokensForValue(v)
	}
	elems := elemsOf(v)
	for _, e := range elems {
		if isContainer(e.Type()) {
			return hclwrite.TokensForValue(v)
		}
	}
	toks := hclwrite.Tokens{
		{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")},
		{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")},
	}
	for chunk := range slices.Chunk(elems, wrapAfter) {
		for _, e := range chunk {
			toks = append(toks, hclwrite.TokensForValue(e)...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
		}
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")})
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
}

// The JSON form of a discovery; see RenderDiscoveryJSON.
type jsonDiscovery struct {
	Resources []jsonDiscovered `json:"resources"`
	Skipped   []jsonSkipped    `json:"skipped"`
}

type jsonDiscovered struct {
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes"`
}

type jsonSkipped struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// RenderDiscoveryJSON writes the discovery as
//
//	{"resources": [{"type", "name", "id", "attributes": {...}}], "skipped": [{"type", "id", "reason"}]}
//
// attributes holds every attribute the configuration sets, defaults
// included, and nested blocks as lists of objects (or maps of them, for
// labelled blocks). Sensitive values are null. Computed-only attributes
// such as id are not configuration and are left out; the object's import id
// is the top-level id.
func RenderDiscoveryJSON(w io.Writer, d *Discovery) error {
	out := jsonDiscovery{Resources: []jsonDiscovered{}, Skipped: []jsonSkipped{}}
	for _, r := range d.Resources {
		out.Resources = append(out.Resources, jsonDiscovered{Type: r.Type, Name: r.Name, ID: r.ID, Attributes: jsonConfig(r.Config, &r.Schema.Block, r.Order)})
	}
	for _, s := range d.Skipped {
		out.Skipped = append(out.Skipped, jsonSkipped(s))
	}
	return RenderJSON(w, out)
}

// jsonConfig is the JSON form of a block's non-null configurable contents.
func jsonConfig(v cty.Value, blk *schema.Block, order []string) map[string]any {
	out := map[string]any{}
	if isSensitive(v) {
		return out
	}
	v = bare(v)
	if v.IsNull() || !v.IsKnown() {
		return out
	}
	for _, n := range configAttributeNames(blk, order) {
		av := v.GetAttr(n)
		if isNull(av) && !isSensitive(av) {
			continue
		}
		if blk.Attributes[n].Sensitive {
			out[n] = nil
			continue
		}
		out[n] = jsonValue(av)
	}
	for _, n := range blk.BlockTypeNames() {
		nb := blk.BlockTypes[n]
		bv := v.GetAttr(n)
		u := bare(bv)
		if isSensitive(bv) {
			out[n] = nil
			continue
		}
		if u.IsNull() || !u.IsKnown() {
			continue
		}
		switch nb.Nesting {
		case schema.NestingSingle:
			out[n] = jsonConfig(u, &nb.Block, order)
		case schema.NestingMap:
			m := map[string]any{}
			keys, elems := keysOf(u)
			for _, k := range keys {
				m[k] = jsonConfig(elems[k], &nb.Block, order)
			}
			out[n] = m
		default:
			list := []any{}
			for _, e := range elemsOf(u) {
				list = append(list, jsonConfig(e, &nb.Block, order))
			}
			out[n] = list
		}
	}
	return out
}
