// Package docgen renders a provider's schema as markdown reference
// documentation, so that the reference in each provider's README.md is
// generated from the code and cannot drift from it.
//
// The generated text goes between BeginMarker and EndMarker in the README;
// everything outside the markers is written by hand. The test in this
// package fails when a README is out of date; `go test ./internal/docgen
// -update` rewrites them.
package docgen

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// The markers that delimit the generated section of a README.
const (
	BeginMarker = "<!-- BEGIN GENERATED REFERENCE -->"
	EndMarker   = "<!-- END GENERATED REFERENCE -->"
)

// ProviderReference renders the reference documentation of the provider
// called name: its configuration, then each resource type and data source,
// in name order.
func ProviderReference(name string, s *schema.Provider) string {
	var w strings.Builder
	fmt.Fprintf(&w, "## Provider configuration\n\n")
	fmt.Fprintf(&w, "Arguments of the `provider %q` block.\n\n", name)
	cfg := s.Config
	if cfg == nil {
		cfg = &schema.Block{}
	}
	writeBlock(&w, cfg, "", 3)

	section := func(title, kind string, rs map[string]*schema.Resource) {
		fmt.Fprintf(&w, "## %s\n\n", title)
		if len(rs) == 0 {
			fmt.Fprintf(&w, "This provider has no %s.\n\n", strings.ToLower(title))
			return
		}
		names := make([]string, 0, len(rs))
		for n := range rs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&w, "### %s `%s`\n\n", kind, n)
			writeBlock(&w, &rs[n].Block, "", 4)
		}
	}
	section("Resources", "Resource", s.Resources)
	section("Data sources", "Data source", s.DataSources)
	return strings.TrimRight(w.String(), "\n") + "\n"
}

// writeBlock writes b's description, its attribute table and then each
// nested block type under a heading of the given level.
func writeBlock(w *strings.Builder, b *schema.Block, path string, level int) {
	if d := oneLine(b.Description); d != "" {
		fmt.Fprintf(w, "%s\n\n", d)
	}
	if len(b.Attributes) == 0 {
		w.WriteString("No attributes.\n\n")
	} else {
		w.WriteString("| Attribute | Type | Required/Optional/Computed | Notes | Description |\n")
		w.WriteString("|---|---|---|---|---|\n")
		for _, n := range b.AttributeNames() {
			a := b.Attributes[n]
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n",
				n, cell(TypeName(a.Type)), presence(a), cell(notes(a)), cell(oneLine(a.Description)))
		}
		w.WriteString("\n")
	}
	if level > 6 {
		level = 6
	}
	for _, n := range b.BlockTypeNames() {
		nb := b.BlockTypes[n]
		p := n
		if path != "" {
			p = path + "." + n
		}
		fmt.Fprintf(w, "%s Block `%s`\n\n", strings.Repeat("#", level), p)
		fmt.Fprintf(w, "%s.\n\n", nesting(nb))
		writeBlock(w, &nb.Block, p, level+1)
	}
}

// TypeName names a cty type the way Terraform's documentation does:
// string, number, bool, list of string, set of number, map of object, any.
func TypeName(t cty.Type) string {
	switch {
	case t == cty.DynamicPseudoType:
		return "any"
	case t.IsPrimitiveType():
		return t.FriendlyName()
	case t.IsListType():
		return "list of " + TypeName(t.ElementType())
	case t.IsSetType():
		return "set of " + TypeName(t.ElementType())
	case t.IsMapType():
		return "map of " + TypeName(t.ElementType())
	case t.IsObjectType():
		return "object"
	case t.IsTupleType():
		return "tuple"
	case t.IsCapsuleType():
		return t.FriendlyName()
	}
	return t.FriendlyName()
}

func presence(a *schema.Attribute) string {
	switch {
	case a.Required:
		return "Required"
	case a.Optional && a.Computed:
		return "Optional, Computed"
	case a.Optional:
		return "Optional"
	case a.Computed:
		return "Computed"
	}
	return ""
}

func notes(a *schema.Attribute) string {
	var ns []string
	if a.Sensitive {
		ns = append(ns, "sensitive")
	}
	if a.WriteOnly {
		ns = append(ns, "write-only")
	}
	if a.ForceNew {
		ns = append(ns, "forces replacement")
	}
	if a.Default != cty.NilVal && !a.Default.IsNull() {
		ns = append(ns, "default `"+literal(a.Default)+"`")
	}
	return strings.Join(ns, "; ")
}

func nesting(nb *schema.NestedBlock) string {
	var s string
	switch nb.Nesting {
	case schema.NestingSingle:
		s = "At most one block"
		if nb.MinItems > 0 {
			s = "Exactly one block"
		}
	case schema.NestingList, schema.NestingSet:
		kind := "list"
		if nb.Nesting == schema.NestingSet {
			kind = "set"
		}
		s = "Any number of blocks, in a " + kind
		switch {
		case nb.MinItems > 0 && nb.MaxItems > 0:
			s = fmt.Sprintf("%d to %d blocks, in a %s", nb.MinItems, nb.MaxItems, kind)
		case nb.MinItems > 0:
			s = fmt.Sprintf("At least %d blocks, in a %s", nb.MinItems, kind)
		case nb.MaxItems > 0:
			s = fmt.Sprintf("At most %d blocks, in a %s", nb.MaxItems, kind)
		}
	case schema.NestingMap:
		s = "Any number of blocks, each with a label, in a map keyed by label"
	}
	if nb.ForceNew {
		s += "; any change inside forces replacement"
	}
	return s
}

// literal renders v as it would be written in configuration.
func literal(v cty.Value) string {
	return strings.TrimSpace(string(hclwrite.TokensForValue(v).Bytes()))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cell escapes text for a markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// Splice returns readme with the text between BeginMarker and EndMarker
// replaced by generated.
func Splice(readme, generated string) (string, error) {
	i := strings.Index(readme, BeginMarker)
	j := strings.Index(readme, EndMarker)
	if i < 0 || j < 0 {
		return "", errors.New("README lacks the " + BeginMarker + " and " + EndMarker + " markers")
	}
	if j < i {
		return "", errors.New(EndMarker + " comes before " + BeginMarker)
	}
	head := readme[:i+len(BeginMarker)]
	return head + "\n\n" + strings.TrimRight(generated, "\n") + "\n\n" + readme[j:], nil
}
