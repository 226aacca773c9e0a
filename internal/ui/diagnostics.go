package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// RenderDiagnostics writes diagnostics for a person: severity and summary,
// "on FILE line N, column C, in BLOCK:", the source lines with the offending
// range marked, the values of the variables involved, and the detail wrapped
// to width (0 disables wrapping). files maps file names, as they appear in
// diagnostic ranges, to the parsed files that hold their source.
//
// HCL's own writer does the work so that steward's messages look like every
// other HCL tool's; it already leaves marked (sensitive) values out of the
// variable listing. Two things are added because steward promises them:
// the column, and, without colour (where HCL's underline is invisible), a
// line of carets under the offending range.
func RenderDiagnostics(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File, width uint, color bool) error {
	for _, d := range diags {
		if d == nil {
			continue
		}
		var buf bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&buf, files, width, color).WriteDiagnostic(d); err != nil {
			return err
		}
		text := buf.String()
		if d.Subject != nil {
			text = annotateDiagnostic(text, d, files[d.Subject.Filename], color)
		}
		if _, err := io.WriteString(w, text); err != nil {
			return err
		}
	}
	return nil
}

// annotateDiagnostic adds the column to HCL's "on FILE line N" and, when
// there is no colour, carets under the subject on its first source line.
func annotateDiagnostic(text string, d *hcl.Diagnostic, file *hcl.File, color bool) string {
	subj := *d.Subject
	header := fmt.Sprintf("  on %s line %d", subj.Filename, subj.Start.Line)
	if i := strings.Index(text, header); i >= 0 {
		j := i + len(header)
		text = text[:j] + fmt.Sprintf(", column %d", subj.Start.Column) + text[j:]
	}
	if color || file == nil || file.Bytes == nil {
		return text
	}
	src := file.Bytes
	start := max(0, min(len(src), subj.Start.Byte))
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	lineEnd := len(src)
	if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
		lineEnd = start + i
	}
	end := max(start, min(lineEnd, subj.End.Byte))

	// Tabs before the range are kept so the carets line up under them.
	var caret strings.Builder
	for _, r := range string(src[lineStart:start]) {
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
	}
	caret.WriteString(strings.Repeat("^", max(1, utf8.RuneCount(src[start:end]))))

	srcLine := fmt.Sprintf("%4d: ", subj.Start.Line)
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, srcLine) {
			insert := strings.Repeat(" ", len(srcLine)) + strings.TrimRight(caret.String(), " ") + "\n"
			lines = append(lines[:i+1], append([]string{insert}, lines[i+1:]...)...)
			break
		}
	}
	return strings.Join(lines, "")
}

// DiagnosticsJSONFormatVersion versions the `validate -json` format.
const DiagnosticsJSONFormatVersion = "1.0"

type jsonDiagnostics struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

type jsonDiagnostic struct {
	Severity string       `json:"severity"`
	Summary  string       `json:"summary"`
	Detail   string       `json:"detail"`
	Range    *jsonRange   `json:"range,omitempty"`
	Snippet  *jsonSnippet `json:"snippet,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

type jsonSnippet struct {
	// Context names the enclosing block, e.g. `resource "a" "b"`.
	Context *string `json:"context"`
	// Code holds the whole source lines that the range touches.
	Code      string `json:"code"`
	StartLine int    `json:"start_line"`
	// The highlight offsets are byte offsets into Code.
	HighlightStartOffset int                   `json:"highlight_start_offset"`
	HighlightEndOffset   int                   `json:"highlight_end_offset"`
	Values               []jsonExpressionValue `json:"values"`
}

type jsonExpressionValue struct {
	Traversal string `json:"traversal"`
	Statement string `json:"statement"`
}

func jsonRangeOf(r hcl.Range) jsonRange {
	return jsonRange{
		Filename: r.Filename,
		Start:    jsonPos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
		End:      jsonPos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
	}
}

// RenderDiagnosticsJSON writes diagnostics in the `validate -json` format,
// shaped like Terraform's so that editor integrations and CI annotations
// written for it work unchanged.
func RenderDiagnosticsJSON(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File) error {
	out := jsonDiagnostics{
		FormatVersion: DiagnosticsJSONFormatVersion,
		Diagnostics:   []jsonDiagnostic{},
	}
	for _, d := range diags {
		if d == nil {
			continue
		}
		jd := jsonDiagnostic{Summary: d.Summary, Detail: d.Detail}
		switch d.Severity {
		case hcl.DiagError:
			jd.Severity = "error"
			out.ErrorCount++
		case hcl.DiagWarning:
			jd.Severity = "warning"
			out.WarningCount++
		default:
			jd.Severity = "unknown"
		}
		if d.Subject != nil {
			rng := jsonRangeOf(*d.Subject)
			jd.Range = &rng
			jd.Snippet = snippet(d, files[d.Subject.Filename])
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	out.Valid = out.ErrorCount == 0
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// snippet extracts the source lines of a diagnostic's subject (widened to its
// context, if any) or returns nil when the source is not at hand.
func snippet(d *hcl.Diagnostic, file *hcl.File) *jsonSnippet {
	if file == nil || file.Bytes == nil {
		return nil
	}
	src := file.Bytes
	subj := *d.Subject
	rng := subj
	if d.Context != nil {
		rng = hcl.RangeOver(rng, *d.Context)
	}
	clamp := func(b int) int { return max(0, min(len(src), b)) }
	start, end := clamp(rng.Start.Byte), clamp(rng.End.Byte)
	if end < start {
		end = start
	}
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	lineEnd := len(src)
	if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
		lineEnd = end + i
	}
	// A range ending just after a newline covers nothing of the next line.
	if end > lineStart && end > 0 && src[end-1] == '\n' {
		lineEnd = end - 1
	}
	code := src[lineStart:max(lineStart, lineEnd)]
	code = bytes.TrimSuffix(code, []byte("\r"))

	s := &jsonSnippet{
		Code:                 string(code),
		StartLine:            rng.Start.Line,
		HighlightStartOffset: min(len(code), max(0, clamp(subj.Start.Byte)-lineStart)),
		HighlightEndOffset:   min(len(code), max(0, clamp(subj.End.Byte)-lineStart)),
		Values:               expressionValues(d),
	}
	if cs, ok := file.Nav.(interface{ ContextString(int) string }); ok {
		if c := cs.ContextString(subj.Start.Byte); c != "" {
			s.Context = &c
		}
	}
	return s
}

// expressionValues describes the variables an erroring expression refers to,
// as Terraform's "values" does. Sensitive values are only said to be
// sensitive; collections are described by size, never by content.
func expressionValues(d *hcl.Diagnostic) []jsonExpressionValue {
	out := []jsonExpressionValue{}
	if d.Expression == nil || d.EvalContext == nil {
		return out
	}
	seen := map[string]bool{}
	for _, trav := range d.Expression.Variables() {
		v, diags := trav.TraverseAbs(d.EvalContext)
		if diags.HasErrors() {
			continue
		}
		name := traversalString(trav)
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, jsonExpressionValue{Traversal: name, Statement: valueStatement(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Traversal < out[j].Traversal })
	return out
}

func traversalString(t hcl.Traversal) string {
	var b bytes.Buffer
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			k, _ := s.Key.UnmarkDeep()
			switch {
			case k.IsKnown() && !k.IsNull() && k.Type() == cty.String:
				b.WriteString("[" + quote(k.AsString()) + "]")
			case k.IsKnown() && !k.IsNull() && k.Type() == cty.Number:
				b.WriteString("[" + formatNumber(k) + "]")
			default:
				b.WriteString("[...]")
			}
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

func valueStatement(v cty.Value) string {
	if v.HasMark(schema.Sensitive) {
		return "has a sensitive value"
	}
	v, _ = v.Unmark()
	t := v.Type()
	switch {
	case !v.IsKnown():
		return fmt.Sprintf("is a %s, known only after apply", t.FriendlyName())
	case v.IsNull():
		return "is null"
	case t.IsPrimitiveType():
		if v.ContainsMarked() {
			return "has a sensitive value"
		}
		return "is " + primitive(v)
	case t.IsObjectType():
		n := len(t.AttributeTypes())
		if n == 0 {
			return "is object with no attributes"
		}
		return fmt.Sprintf("is object with %d %s", n, plural(n, "attribute", "attributes"))
	case isContainer(t):
		n := v.LengthInt()
		if n == 0 {
			return "is empty " + t.FriendlyName()
		}
		return fmt.Sprintf("is %s with %d %s", t.FriendlyName(), n, plural(n, "element", "elements"))
	}
	return "is a " + t.FriendlyName()
}
