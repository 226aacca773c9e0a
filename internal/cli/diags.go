package cli

import (
	"io"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/stewardhq/steward/internal/ui"
)

// sortDiags orders diagnostics just before rendering: errors first, then by
// position, so that the first thing a user reads is the first thing to fix.
// The engine appends them in whatever order its parallel walk found them.
func sortDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, 0, len(diags))
	for _, d := range diags {
		if d != nil {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity == hcl.DiagError
		}
		switch {
		case a.Subject == nil || b.Subject == nil:
			return a.Subject != nil && b.Subject == nil
		case a.Subject.Filename != b.Subject.Filename:
			return a.Subject.Filename < b.Subject.Filename
		default:
			return a.Subject.Start.Byte < b.Subject.Start.Byte
		}
	})
	return dedupDiags(out)
}

// dedupDiags drops repeats: a module instantiated several times, or an
// expression evaluated for each instance, reports the same problem at the
// same place once per evaluation.
func dedupDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		sev             hcl.DiagnosticSeverity
		summary, detail string
		rng             hcl.Range
	}
	seen := map[key]bool{}
	out := diags[:0]
	for _, d := range diags {
		k := key{sev: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.rng = *d.Subject
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

// showDiags writes diagnostics for a person to standard error, with the
// source lines they point at.
func (f *Factory) showDiags(diags hcl.Diagnostics, files map[string]*hcl.File) {
	f.writeDiags(f.IO.ErrOut, diags, files)
}

func (f *Factory) writeDiags(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File) {
	diags = sortDiags(diags)
	if len(diags) == 0 {
		return
	}
	_ = ui.RenderDiagnostics(w, diags, files, uint(f.Width()), f.ErrColor())
}
