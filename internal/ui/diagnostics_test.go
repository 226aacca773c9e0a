package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

const diagSecret = "vlan-secret-value"

// diagFixture returns real diagnostics from HCL: a syntax error, an
// evaluation error whose operands include a sensitive variable, a warning
// without a location, and one whose file is not loaded.
func diagFixture(t *testing.T) (hcl.Diagnostics, map[string]*hcl.File) {
	t.Helper()
	files := map[string]*hcl.File{}

	bad := []byte("resource \"network_vlan\" \"dept\" {\n  vlan_id = 20\n  name    = \"finance\n}\n")
	f1, diags := hclsyntax.ParseConfig(bad, "broken.st.hcl", hcl.InitialPos)
	files["broken.st.hcl"] = f1

	good := []byte("resource \"network_vlan\" \"dept\" {\n  vlan_id = var.vlan + var.offset\n}\n")
	f2, d := hclsyntax.ParseConfig(good, "site.st.hcl", hcl.InitialPos)
	if d.HasErrors() {
		t.Fatal(d)
	}
	files["site.st.hcl"] = f2
	expr := f2.Body.(*hclsyntax.Body).Blocks[0].Body.Attributes["vlan_id"].Expr
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{
			"vlan":   cty.StringVal(diagSecret).Mark(schema.Sensitive),
			"offset": cty.StringVal("ten"),
		}),
	}}
	_, d = expr.Value(ctx)
	if !d.HasErrors() {
		t.Fatal("expected an evaluation error")
	}
	diags = append(diags, d...)

	diags = append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Deprecated provider setting",
		Detail:   "The \"insecure\" setting of provider \"network\" is deprecated; use known_hosts = \"insecure\" instead. It will be removed in a later release of steward, after which this configuration will be rejected.",
	}, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Module not installed",
		Detail:   "The module \"site\" is not in .steward/modules.",
		Subject:  &hcl.Range{Filename: "modules/site/main.st.hcl", Start: hcl.Pos{Line: 3, Column: 1, Byte: 20}, End: hcl.Pos{Line: 3, Column: 7, Byte: 26}},
	}, nil)
	return diags, files
}

func TestRenderDiagnostics(t *testing.T) {
	diags, files := diagFixture(t)
	var buf bytes.Buffer
	if err := RenderDiagnostics(&buf, diags, files, 78, false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, diagSecret) {
		t.Errorf("diagnostic text leaks a sensitive value:\n%s", out)
	}
	for _, want := range []string{"on broken.st.hcl line 3, column 21", "on site.st.hcl line 2, column 13, in resource \"network_vlan\" \"dept\":", "   2:   vlan_id = var.vlan + var.offset\n" + strings.Repeat(" ", 18) + "^^^^^^^^\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	golden(t, "diagnostics.txt", buf.Bytes())

	buf.Reset()
	if err := RenderDiagnostics(&buf, diags, files, 78, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\x1b[31mError") {
		t.Error("colour requested but not used")
	}
}

func TestRenderDiagnosticsJSON(t *testing.T) {
	diags, files := diagFixture(t)
	var buf bytes.Buffer
	if err := RenderDiagnosticsJSON(&buf, diags, files); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(diagSecret)) {
		t.Errorf("diagnostic JSON leaks a sensitive value: %s", buf.Bytes())
	}
	var got struct {
		Valid        bool `json:"valid"`
		ErrorCount   int  `json:"error_count"`
		WarningCount int  `json:"warning_count"`
		Diagnostics  []struct {
			Severity string `json:"severity"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct{ Line, Column, Byte int }
			} `json:"range"`
			Snippet *struct {
				Context              *string `json:"context"`
				Code                 string  `json:"code"`
				StartLine            int     `json:"start_line"`
				HighlightStartOffset int     `json:"highlight_start_offset"`
				HighlightEndOffset   int     `json:"highlight_end_offset"`
				Values               []struct {
					Traversal string `json:"traversal"`
					Statement string `json:"statement"`
				} `json:"values"`
			} `json:"snippet"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Valid || got.ErrorCount != len(diags)-2 || got.WarningCount != 1 {
		t.Errorf("valid=%v errors=%d warnings=%d", got.Valid, got.ErrorCount, got.WarningCount)
	}
	var sawValues bool
	for _, d := range got.Diagnostics {
		if d.Snippet == nil {
			continue
		}
		s := d.Snippet
		if s.HighlightStartOffset > s.HighlightEndOffset || s.HighlightEndOffset > len(s.Code) {
			t.Errorf("highlight %d..%d outside code %q", s.HighlightStartOffset, s.HighlightEndOffset, s.Code)
		}
		for _, v := range s.Values {
			sawValues = true
			if v.Traversal == "var.vlan" && v.Statement != "has a sensitive value" {
				t.Errorf("var.vlan statement = %q", v.Statement)
			}
		}
	}
	if !sawValues {
		t.Error("no expression values reported")
	}

	var pretty bytes.Buffer
	if err := json.Indent(&pretty, buf.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "diagnostics.json", pretty.Bytes())

	// No diagnostics: valid, with an empty list rather than null.
	buf.Reset()
	if err := RenderDiagnosticsJSON(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	if want := `{"format_version":"1.0","valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}` + "\n"; buf.String() != want {
		t.Errorf("empty diagnostics = %s", buf.String())
	}
}

func TestColorAllowed(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	if !ColorAllowed(false) || ColorAllowed(true) {
		t.Error("without NO_COLOR, only -no-color should disable colour")
	}
	t.Setenv("NO_COLOR", "1")
	if ColorAllowed(false) {
		t.Error("NO_COLOR=1 should disable colour")
	}
}
