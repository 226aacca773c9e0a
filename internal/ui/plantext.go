package ui

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/schema"
)

// PlanTextOptions controls the human rendering of a plan.
type PlanTextOptions struct {
	// Color adds ANSI colours. The CLI decides (terminal, -no-color,
	// NO_COLOR via ColorAllowed); this package never guesses.
	Color bool
	// Width is the terminal width used to wrap explanatory paragraphs and
	// draw separators; 0 or less means 80. Attribute lines are never wrapped,
	// since a wrapped value would be misread.
	Width int
}

const defaultWidth = 80

// RenderPlanText writes p the way a reviewer reads it: changes made outside
// steward first, then the planned actions in address order, output changes,
// and a final summary line. Nothing is written if rendering fails.
func RenderPlanText(w io.Writer, p *plan.Plan, opts PlanTextOptions) (err error) {
	if p == nil {
		return errors.New("ui: no plan to render")
	}
	width := opts.Width
	if width <= 0 {
		width = defaultWidth
	}
	r := &planText{textWriter: textWriter{pal: palette{on: opts.Color}}, width: width, p: p}
	defer func() {
		// A value shape nobody anticipated must not take down an apply
		// that only wanted to show its plan; report it instead.
		if rec := recover(); rec != nil {
			err = fmt.Errorf("ui: rendering the plan failed at %s: %v", r.current, rec)
		}
	}()
	r.render()
	_, err = io.WriteString(w, r.sb.String())
	return err
}

type planText struct {
	textWriter
	width int
	p     *plan.Plan
	// current names what is being rendered, for the error a panic becomes.
	current string
}

// para writes a paragraph wrapped to the width, followed by a blank line.
func (r *planText) para(text string) {
	r.str(wrap(text, r.width))
	r.str("\n\n")
}

// shownChange reports whether a resource change gets its own entry in the
// actions section: anything but a no-op, and no-ops that still do something
// to the state (an import, a move).
func shownChange(c *plan.ResourceChange) bool {
	if c == nil {
		return false
	}
	return (c.Action != plan.NoOp && c.Action != "") || c.ImportID != "" || c.PrevAddr != nil
}

func (r *planText) render() {
	p := r.p
	var changes []*plan.ResourceChange
	for _, c := range p.Changes {
		if shownChange(c) {
			changes = append(changes, c)
		}
	}
	var outputs []*plan.OutputChange
	for _, o := range p.Outputs {
		if o != nil && o.Action != plan.NoOp && o.Action != "" {
			outputs = append(outputs, o)
		}
	}
	var drift []*plan.ResourceChange
	for _, d := range p.Drift {
		if d != nil {
			drift = append(drift, d)
		}
	}
	refreshOnly := p.Mode == plan.RefreshOnlyMode
	hasActions := len(changes) > 0 && !refreshOnly

	if !p.Complete {
		r.str(r.pal.red(r.pal.bold("Planning failed.")) + " steward encountered an error while generating this plan.\n\n")
		if hasActions || len(drift) > 0 || len(outputs) > 0 {
			r.para("Anything shown below is what steward had planned before it stopped. The plan is incomplete and cannot be applied.")
		}
	}
	r.warnings()

	if len(drift) > 0 {
		r.str(r.pal.bold("Note: Objects have changed outside of steward") + "\n\n")
		r.para(`steward detected the following changes made outside of steward since the last "steward apply" which may have affected this plan:`)
		for _, d := range drift {
			r.resource(d, true)
		}
		switch {
		case refreshOnly:
			r.str("\n")
			r.para("This is a refresh-only plan, so steward will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the steward state without changing any remote objects.")
		case hasActions:
			r.str("\n")
			r.para("Unless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan may include actions to undo or respond to these changes.")
		}
		r.str(strings.Repeat("─", r.width) + "\n\n")
	}

	if hasActions {
		r.legend(changes)
		r.str("steward will perform the following actions:\n\n")
		for _, c := range changes {
			r.resource(c, false)
		}
	}

	if len(outputs) > 0 {
		r.outputs(outputs)
	}

	switch {
	case hasActions:
		s := p.Summary()
		line := fmt.Sprintf("%s %d to add, %d to change, %d to destroy", r.pal.bold("Plan:"), s.Add, s.Change, s.Destroy)
		if s.Import > 0 {
			line += fmt.Sprintf(", %d to import", s.Import)
		}
		r.str(line + ".\n")
	case !p.Complete:
		// The failure was already announced at the top; "No changes" here
		// would be read as "nothing to worry about".
		r.trimBlank()
	case refreshOnly && len(drift) > 0:
		r.str(fmt.Sprintf("%s %d %s changed outside of steward to record in the state.\n",
			r.pal.bold("Refresh-only plan:"), len(drift), plural(len(drift), "object", "objects")))
	case refreshOnly && len(outputs) > 0:
		r.str(r.pal.bold("Refresh-only plan:") + " only output values to record in the state.\n")
	case refreshOnly:
		r.str(r.pal.bold("No changes.") + " Your infrastructure still matches the configuration.\n\n")
		r.para("steward has checked that the real remote objects still match the result of your most recent changes, and found no differences.")
		r.trimBlank()
	case len(outputs) > 0:
		r.para("You can apply this plan to save these new output values to the steward state, without changing any real infrastructure.")
		r.trimBlank()
	case p.Mode == plan.DestroyMode:
		r.str(r.pal.bold("No changes.") + " No objects need to be destroyed.\n\n")
		r.para("Either you have not created any objects yet or the existing objects were already deleted outside of steward.")
		r.trimBlank()
	case len(drift) > 0:
		r.str(r.pal.bold("No changes.") + " Your infrastructure matches the configuration.\n\n")
		r.str(wrap("Your configuration already matches the changes detected above. If you'd like to update the steward state to match, create and apply a refresh-only plan:", r.width) + "\n")
		r.str("  steward apply -refresh-only\n")
	default:
		r.str(r.pal.bold("No changes.") + " Your infrastructure matches the configuration.\n\n")
		r.para("steward has compared your real infrastructure against your configuration and found no differences, so no changes are needed.")
		r.trimBlank()
	}
}

// trimBlank drops the blank line a closing paragraph leaves, so the output
// ends with exactly one newline.
func (r *planText) trimBlank() {
	s := r.sb.String()
	if strings.HasSuffix(s, "\n\n") {
		r.sb.Reset()
		r.sb.WriteString(s[:len(s)-1])
	}
}

// warnings puts the plan's warnings first: they are about how the plan was
// made (a provider skipping host key checks, say) and a reviewer should read
// them before trusting what follows.
func (r *planText) warnings() {
	for _, wn := range r.p.Warnings {
		r.str(r.pal.yellow("Warning:") + " " + r.pal.bold(wn.Summary) + "\n\n")
		if wn.Subject != nil {
			r.str(fmt.Sprintf("  on %s line %d:\n\n", wn.Subject.Filename, wn.Subject.Start.Line))
		}
		if wn.Detail != "" {
			r.para(wn.Detail)
		}
	}
}

// legend explains only the markers this plan uses, as Terraform does, and
// nothing at all for a plan that only imports or moves objects.
func (r *planText) legend(changes []*plan.ResourceChange) {
	used := map[plan.Action]bool{}
	for _, c := range changes {
		used[c.Action] = true
	}
	var lines []string
	for _, l := range []struct {
		a    plan.Action
		text string
	}{
		{plan.Create, "create"},
		{plan.Update, "update in-place"},
		{plan.Delete, "destroy"},
		{plan.DeleteThenCreate, "destroy and then create replacement"},
		{plan.CreateThenDelete, "create replacement and then destroy"},
		{plan.Read, "read (data resources)"},
		{plan.Forget, "remove from the state only"},
	} {
		if used[l.a] {
			lines = append(lines, r.actionSymbol(l.a)+" "+l.text+"\n")
		}
	}
	if len(lines) == 0 {
		return
	}
	r.str(wrap("steward used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:", r.width) + "\n")
	r.str(strings.Join(lines, "") + "\n")
}

// actionSymbol is the three-column, right-aligned marker of a resource.
func (r *planText) actionSymbol(a plan.Action) string {
	var s string
	switch a {
	case plan.Create:
		s = "  " + r.pal.green("+")
	case plan.Update:
		s = "  " + r.pal.yellow("~")
	case plan.Delete:
		s = "  " + r.pal.red("-")
	case plan.DeleteThenCreate:
		s = r.pal.red("-") + "/" + r.pal.green("+")
	case plan.CreateThenDelete:
		s = r.pal.green("+") + "/" + r.pal.red("-")
	case plan.Read:
		s = " " + r.pal.cyan("<=")
	case plan.Forget:
		s = "  " + r.pal.red(".")
	default:
		s = "   "
	}
	return s
}

// reasonText phrases a ResourceChange.Reason as a "because" clause whether or
// not the engine already wrote the word.
func reasonText(reason string) string {
	reason = strings.TrimSuffix(strings.TrimSpace(reason), ".")
	if reason == "" {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(reason), "because ") {
		return reason
	}
	return "because " + reason
}

func (r *planText) headerComment(text string) {
	r.str("  " + r.pal.bold("# "+text) + "\n")
}

// resource writes one resource change (or drift) entry.
func (r *planText) resource(c *plan.ResourceChange, drift bool) {
	addr := c.Addr.String()
	r.current = addr
	action := c.Action
	before, after := norm(c.Before), norm(c.After)
	reason := reasonText(c.Reason)

	if drift {
		// Drift is reported as what happened, whatever the engine filled
		// in as Action: an object found gone, or one found different.
		if isNull(after) {
			action = plan.Delete
			r.headerComment(addr + " has been deleted")
		} else {
			action = plan.Update
			r.headerComment(addr + " has changed")
		}
		if reason != "" {
			r.headerComment("(" + reason + ")")
		}
	} else {
		var extra []string
		if c.Summary != "" {
			r.headerComment(c.Summary)
		}
		switch action {
		case plan.Create:
			r.headerComment(addr + " will be created")
		case plan.Update:
			r.headerComment(addr + " will be updated in-place")
		case plan.DeleteThenCreate, plan.CreateThenDelete:
			line := addr + " must be replaced"
			if reason != "" {
				line += " (" + reason + ")"
				reason = ""
			}
			r.headerComment(line)
		case plan.Delete:
			r.headerComment(addr + " will be destroyed")
		case plan.Read:
			r.headerComment(addr + " will be read during apply")
		case plan.Forget:
			r.headerComment(addr + " will be removed from the state but not destroyed")
		default:
			switch {
			case c.PrevAddr != nil:
				r.headerComment(c.PrevAddr.String() + " has moved to " + addr)
			case c.ImportID != "":
				r.headerComment(addr + " will be imported")
			default:
				r.headerComment(addr + " is unchanged")
			}
		}
		if reason != "" {
			extra = append(extra, "("+reason+")")
		}
		isNoOp := action == plan.NoOp || action == ""
		if c.PrevAddr != nil && !isNoOp {
			extra = append(extra, "(moved from "+c.PrevAddr.String()+")")
		}
		if c.ImportID != "" && !(isNoOp && c.PrevAddr == nil) {
			extra = append(extra, "(imported from "+quote(c.ImportID)+")")
		}
		for _, e := range extra {
			r.headerComment(e)
		}
	}

	r.str(r.actionSymbol(action) + " " + resourceHeader(c.Addr) + " {\n")

	r.replace = nil
	if !drift {
		r.replace = c.RequiresReplace
	}
	switch action {
	case plan.Delete, plan.Forget:
		if action == plan.Forget {
			after = before
		} else {
			after = cty.NullVal(cty.DynamicPseudoType)
		}
	case plan.Create:
		before = cty.NullVal(cty.DynamicPseudoType)
	}
	var blk *schema.Block
	if c.Schema != nil {
		blk = &c.Schema.Block
	}
	r.writeBody(before, after, blk, 4, nil, true)
	r.str("    }\n\n")
	r.replace = nil
}

func (r *planText) outputs(outputs []*plan.OutputChange) {
	r.str("Changes to Outputs:\n")
	keys := make([]string, len(outputs))
	for i, o := range outputs {
		keys[i] = attrKey(o.Name)
	}
	width := keyWidth(keys)
	for i, o := range outputs {
		r.current = "output." + o.Name
		b, a := norm(o.Before), norm(o.After)
		if o.Sensitive {
			// The output's own flag covers values the engine did not mark.
			b, a = b.Mark(schema.Sensitive), a.Mark(schema.Sensitive)
		}
		c := classify(b, a)
		sym := c
		if c == same {
			// Listed because the engine says it changes (its sensitivity,
			// say) even though the value reads the same.
			sym = upd
		}
		r.entry(4, sym, keys[i], width)
		r.writeEntryChange(b, a, c, 4, nil, "")
		r.str("\n")
	}
	r.str("\n")
}

// wrap breaks text into lines of at most width columns at spaces; words
// longer than a line stay whole rather than being cut.
func wrap(text string, width int) string {
	var out strings.Builder
	for pi, para := range strings.Split(text, "\n") {
		if pi > 0 {
			out.WriteString("\n")
		}
		col := 0
		for i, word := range strings.Fields(para) {
			n := utf8.RuneCountInString(word)
			if i > 0 {
				if col+1+n > width {
					out.WriteString("\n")
					col = 0
				} else {
					out.WriteString(" ")
					col++
				}
			}
			out.WriteString(word)
			col += n
		}
	}
	return out.String()
}
