package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/schema"
)

// The renderings here show what a state records (`show`, `state show`,
// `output`, and the outputs after an apply). State values have no before and
// after, so they are written as HCL a person could have written, not as a
// diff; they share the plan renderers' quoting, number formatting, heredocs
// and JSON values.

// StateObject is one resource instance recorded in a state, with its
// attributes decoded. Decoding needs the provider's schema, which the CLI
// looks up; this package only renders.
type StateObject struct {
	Addr addrs.AbsResourceInstance
	// Provider is the provider configuration address the state records,
	// such as provider["network"].
	Provider      string
	SchemaVersion int
	Tainted       bool
	// Value holds the attributes, with sensitive parts marked
	// schema.Sensitive.
	Value cty.Value
	// Schema lays the attributes out as blocks and attributes. When nil,
	// every attribute of Value is written as an attribute.
	Schema *schema.Resource
}

const (
	// outputSensitiveText stands for a sensitive output, whose value the
	// state keeps only as a hash. Inside objects, values show as
	// sensitiveText, as in a plan.
	outputSensitiveText = "<sensitive>"
	sensitiveBlockText  = "# (sensitive block)"
)

// RenderStateText writes a state as `steward show` prints it: every object
// in the order given as an HCL block, then the root module's outputs. st may
// be nil (nothing applied yet). Nothing is written if an output cannot be
// decoded.
func RenderStateText(w io.Writer, st *state.State, objs []StateObject) error {
	var outs map[string]*state.OutputValue
	if st != nil {
		outs = st.Outputs
	}
	if len(objs) == 0 && len(outs) == 0 {
		_, err := io.WriteString(w, "No state: nothing has been applied in this directory yet.\n")
		return err
	}
	var b strings.Builder
	for i, o := range objs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeStateObject(&b, o)
	}
	if len(outs) > 0 {
		if len(objs) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("Outputs:\n\n")
		if err := writeOutputs(&b, outs); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RenderStateObjectText writes one object as `steward state show` prints it.
func RenderStateObjectText(w io.Writer, o StateObject) error {
	var b strings.Builder
	writeStateObject(&b, o)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeStateObject writes o as an HCL block, the way a person would have
// written it; sensitive values show as (sensitive value).
func writeStateObject(b *strings.Builder, o StateObject) {
	b.WriteString("# " + o.Addr.String() + ":")
	if o.Tainted {
		b.WriteString(" (tainted)")
	}
	b.WriteString("\n" + resourceHeader(o.Addr) + " ")
	var blk *schema.Block
	if o.Schema != nil {
		blk = &o.Schema.Block
	}
	writeBlockBody(b, o.Value, blk, "")
	b.WriteString("\n")
}

// writeBlockBody writes the braces and contents of a block whose header
// line is at indent: attributes aligned on "=", then nested blocks, each
// level four spaces in. blk may be nil; every attribute is then written as
// an attribute.
func writeBlockBody(b *strings.Builder, v cty.Value, blk *schema.Block, indent string) {
	b.WriteString("{\n")
	inner := indent + "    "
	if isSensitive(v) {
		b.WriteString(inner + sensitiveBlockText + "\n" + indent + "}")
		return
	}
	v = bare(v)
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		b.WriteString(indent + "}")
		return
	}
	var names []string
	if blk != nil {
		names = blk.AttributeNames()
	} else {
		names, _ = keysOf(v)
	}
	var shown []string
	for _, n := range names {
		if !v.Type().HasAttribute(n) {
			continue
		}
		// A null attribute was not set; a sensitive one is listed even
		// when null, so that whether it is set gives nothing away.
		if av := v.GetAttr(n); !isNull(av) || isSensitive(av) {
			shown = append(shown, n)
		}
	}
	width := keyWidth(shown)
	for _, n := range shown {
		b.WriteString(inner + padKey(n, width) + " = ")
		writeHCL(b, v.GetAttr(n), inner, sensitiveText)
		b.WriteString("\n")
	}
	if blk == nil {
		b.WriteString(indent + "}")
		return
	}
	for _, n := range blk.BlockTypeNames() {
		nb := blk.BlockTypes[n]
		if !v.Type().HasAttribute(n) {
			continue
		}
		bv := v.GetAttr(n)
		u := bare(bv)
		if u.IsNull() || !u.IsKnown() {
			continue
		}
		open := "\n" + inner + n + " "
		switch {
		case nb.Nesting == schema.NestingSingle || isSensitive(bv):
			// A sensitive collection of blocks is one redacted block: how
			// many there are is part of the secret.
			b.WriteString(open)
			writeBlockBody(b, bv, &nb.Block, inner)
			b.WriteString("\n")
		case nb.Nesting == schema.NestingMap:
			keys, m := keysOf(u)
			for _, k := range keys {
				b.WriteString(open + quote(k) + " ")
				writeBlockBody(b, m[k], &nb.Block, inner)
				b.WriteString("\n")
			}
		default:
			for _, e := range elemsOf(u) {
				b.WriteString(open)
				writeBlockBody(b, e, &nb.Block, inner)
				b.WriteString("\n")
			}
		}
	}
	b.WriteString(indent + "}")
}

// writeHCL writes v as HCL for a person, starting mid-line on a line that
// begins at indent: nested entries go two spaces further in, object keys are
// bare where HCL allows, and null attributes are written out. redacted
// stands for values marked sensitive, at whatever depth the mark sits.
func writeHCL(b *strings.Builder, v cty.Value, indent, redacted string) {
	if isSensitive(v) {
		b.WriteString(redacted)
		return
	}
	v = bare(v)
	switch {
	case !v.IsKnown():
		b.WriteString(unknownText)
		return
	case v.IsNull():
		b.WriteString("null")
		return
	}
	inner := indent + "  "
	t := v.Type()
	switch {
	case t == cty.String && isMultiline(v.AsString()):
		lines := heredocLines(v.AsString())
		d := heredocDelimiter(lines)
		b.WriteString("<<-" + d + "\n")
		for _, l := range lines {
			b.WriteString(inner + l + "\n")
		}
		b.WriteString(indent + d)
	case t.IsPrimitiveType():
		b.WriteString(primitive(v))
	case isSeqLike(t) || t.IsSetType():
		elems := elemsOf(v)
		if len(elems) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for _, e := range elems {
			b.WriteString(inner)
			writeHCL(b, e, inner, redacted)
			b.WriteString(",\n")
		}
		b.WriteString(indent + "]")
	case isObjectLike(t):
		keys, m := keysOf(v)
		if len(keys) == 0 {
			b.WriteString("{}")
			return
		}
		akeys := make([]string, len(keys))
		for i, k := range keys {
			akeys[i] = attrKey(k)
		}
		width := keyWidth(akeys)
		b.WriteString("{\n")
		for i, k := range keys {
			b.WriteString(inner + padKey(akeys[i], width) + " = ")
			writeHCL(b, m[k], inner, redacted)
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	default:
		b.WriteString("(" + t.FriendlyName() + ")")
	}
}

// RenderOutputsText writes outputs as `name = value` lines in name order, as
// `steward output` prints them; a sensitive output shows as <sensitive>.
// Nothing is written if an output cannot be decoded.
func RenderOutputsText(w io.Writer, outs map[string]*state.OutputValue) error {
	var b strings.Builder
	if err := writeOutputs(&b, outs); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeOutputs(b *strings.Builder, outs map[string]*state.OutputValue) error {
	for _, n := range slices.Sorted(maps.Keys(outs)) {
		v, err := decodeOutput(n, outs[n])
		if err != nil {
			return err
		}
		b.WriteString(n + " = ")
		writeHCL(b, v, "", outputSensitiveText)
		b.WriteString("\n")
	}
	return nil
}

// RenderOutputText writes the value of one output, as `steward output NAME`
// prints it.
func RenderOutputText(w io.Writer, name string, o *state.OutputValue) error {
	v, err := decodeOutput(name, o)
	if err != nil {
		return err
	}
	var b strings.Builder
	writeHCL(&b, v, "", outputSensitiveText)
	b.WriteString("\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// RenderOutputRaw writes a string, number or bool output as it is, with no
// quotes or newline, for shell scripts. Anything else is an error, and so is
// a sensitive output: a placeholder would hand a script a wrong value.
func RenderOutputRaw(w io.Writer, name string, o *state.OutputValue) error {
	v, err := decodeOutput(name, o)
	if err != nil {
		return err
	}
	if o.Sensitive {
		return fmt.Errorf("output %q is sensitive: steward keeps only a hash of it, so there is no value to print", name)
	}
	if v.IsNull() {
		return fmt.Errorf("output %q is null", name)
	}
	switch v.Type() {
	case cty.String:
		_, err := io.WriteString(w, v.AsString())
		return err
	case cty.Number, cty.Bool:
		_, err := io.WriteString(w, primitive(v))
		return err
	}
	return fmt.Errorf("output %q is a %s; -raw prints only strings, numbers and bools. Use -json for other values", name, v.Type().FriendlyName())
}

func decodeOutput(name string, o *state.OutputValue) (cty.Value, error) {
	v, err := o.Decode()
	if err != nil {
		return cty.NilVal, fmt.Errorf("output %q: %w", name, err)
	}
	return v, nil
}

// stateJSONFormatVersion versions the `show -json` rendering of a state.
const stateJSONFormatVersion = "1.0"

// The `show -json` and `output -json` wire format, shaped like Terraform's
// so that existing tooling can read it.

type jsonState struct {
	FormatVersion  string          `json:"format_version"`
	StewardVersion string          `json:"steward_version,omitempty"`
	Lineage        string          `json:"lineage,omitempty"`
	Serial         uint64          `json:"serial"`
	Values         jsonStateValues `json:"values"`
}

type jsonStateValues struct {
	Outputs   map[string]jsonOutput `json:"outputs"`
	Resources []jsonStateResource   `json:"resources"`
}

type jsonStateResource struct {
	Address         string `json:"address"`
	ModuleAddress   string `json:"module_address,omitempty"`
	Mode            string `json:"mode"`
	Type            string `json:"type"`
	Name            string `json:"name"`
	Index           any    `json:"index,omitempty"`
	ProviderName    string `json:"provider_name"`
	SchemaVersion   int    `json:"schema_version"`
	Tainted         bool   `json:"tainted,omitempty"`
	Values          any    `json:"values"`
	SensitiveValues any    `json:"sensitive_values"`
}

type jsonOutput struct {
	Sensitive bool            `json:"sensitive"`
	Type      json.RawMessage `json:"type"`
	Value     any             `json:"value"`
}

// RenderStateJSON writes a state as `steward show -json` prints it: the
// objects in the order given and the root module's outputs. Sensitive
// values are null and flagged in sensitive_values. st may be nil.
func RenderStateJSON(w io.Writer, st *state.State, objs []StateObject) error {
	out := jsonState{
		FormatVersion: stateJSONFormatVersion,
		Values:        jsonStateValues{Outputs: map[string]jsonOutput{}, Resources: []jsonStateResource{}},
	}
	if st != nil {
		out.StewardVersion, out.Lineage, out.Serial = st.StewardVersion, st.Lineage, st.Serial
		outs, err := jsonOutputs(st.Outputs)
		if err != nil {
			return err
		}
		out.Values.Outputs = outs
	}
	for _, o := range objs {
		out.Values.Resources = append(out.Values.Resources, jsonStateResource{
			Address:         o.Addr.String(),
			ModuleAddress:   o.Addr.Module.String(),
			Mode:            o.Addr.Resource.Mode.String(),
			Type:            o.Addr.Resource.Type,
			Name:            o.Addr.Resource.Name,
			Index:           jsonIndex(o.Addr.Key),
			ProviderName:    o.Provider,
			SchemaVersion:   o.SchemaVersion,
			Tainted:         o.Tainted,
			Values:          jsonValue(o.Value),
			SensitiveValues: stateSensitiveValues(o.Value),
		})
	}
	return RenderJSON(w, out)
}

// RenderOutputsJSON writes outputs as `steward output -json` prints them: a
// sensitive output has a null value, since only its hash is stored.
func RenderOutputsJSON(w io.Writer, outs map[string]*state.OutputValue) error {
	doc, err := jsonOutputs(outs)
	if err != nil {
		return err
	}
	return RenderJSON(w, doc)
}

// RenderOutputJSON writes one output as `steward output -json NAME` prints it.
func RenderOutputJSON(w io.Writer, name string, o *state.OutputValue) error {
	doc, err := jsonOutputOf(name, o)
	if err != nil {
		return err
	}
	return RenderJSON(w, doc)
}

func jsonOutputs(outs map[string]*state.OutputValue) (map[string]jsonOutput, error) {
	res := map[string]jsonOutput{}
	for name, o := range outs {
		j, err := jsonOutputOf(name, o)
		if err != nil {
			return nil, err
		}
		res[name] = j
	}
	return res, nil
}

func jsonOutputOf(name string, o *state.OutputValue) (jsonOutput, error) {
	v, err := decodeOutput(name, o)
	if err != nil {
		return jsonOutput{}, err
	}
	return jsonOutput{Sensitive: o.Sensitive, Type: json.RawMessage(o.Type), Value: jsonValue(v)}, nil
}

// stateSensitiveValues builds a state object's sensitive_values: true where
// a part is sensitive; objects and maps keep only their sensitive parts, and
// sequences every position. Unlike sensitiveMask (the plan's), a part with
// no secret inside is an empty object or list when its type is one, not
// false or a list of falses.
func stateSensitiveValues(v cty.Value) any {
	return mask(v, isSensitive, func(v cty.Value) (any, bool) {
		u := bare(v)
		if u.IsKnown() && !u.IsNull() && u.ContainsMarked() {
			return nil, false
		}
		switch t := u.Type(); {
		case isObjectLike(t):
			return map[string]any{}, true
		case isSeqLike(t) || t.IsSetType():
			return []any{}, true
		}
		return false, true
	})
}

// RenderJSON writes v as indented JSON followed by a newline, the form of
// every -json output except the plan, which is one line.
func RenderJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Values such as "a && b" are data, not HTML.
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
