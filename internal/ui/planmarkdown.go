package ui

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/plan"
)

// MaxMarkdownChars is the size a markdown plan is kept under: GitHub rejects
// comments longer than 65,536 characters, and a CI step may add a line or two.
const MaxMarkdownChars = 65000

// RenderPlanMarkdown writes p as a pull-request comment: a headline, the
// destructive changes (never left out), the providers' sentences, a table per
// provider, and each change's diff in a collapsible block. The diffs are the
// text renderer's, without colour, so sensitive values are redacted exactly
// as there. A comment that would exceed MaxMarkdownChars first loses the
// diffs of non-destructive changes, then table rows and sentences of creates
// and updates, then the diffs of destructive changes; what was left out is
// said. Nothing is written if rendering fails.
func RenderPlanMarkdown(w io.Writer, p *plan.Plan) (err error) {
	if p == nil {
		return errors.New("ui: no plan to render")
	}
	m := &planMarkdown{p: p}
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("ui: rendering the plan as markdown failed at %s: %v", m.current, rec)
		}
	}()
	m.prepare()
	_, err = io.WriteString(w, m.fit())
	return err
}

// mdChange is one change with everything the comment needs, computed once.
type mdChange struct {
	c           *plan.ResourceChange
	addr        string
	destructive bool
	drift       bool
	label       string // the action in words
	diff        string // the text renderer's entry, colourless
}

type planMarkdown struct {
	p        *plan.Plan
	changes  []*mdChange // actions, destructive first
	drift    []*mdChange
	actions  bool
	current  string
	nDestroy int // destructive changes
}

// mdLimits says how much of the optional content a rendering includes.
type mdLimits struct {
	details      int // diffs of non-destructive changes and drift kept
	rows         int // table rows and sentences of non-destructive changes kept
	destrDetails int // diffs of destructive changes kept
}

func isDestructive(a plan.Action) bool {
	return a == plan.Delete || a == plan.DeleteThenCreate || a == plan.CreateThenDelete
}

// actionRank orders a table: destructive first, then updates, creates, and
// whatever only touches the state.
func actionRank(a plan.Action) int {
	switch a {
	case plan.Delete:
		return 0
	case plan.DeleteThenCreate, plan.CreateThenDelete:
		return 1
	case plan.Update:
		return 2
	case plan.Create:
		return 3
	}
	return 4
}

func actionLabel(c *plan.ResourceChange) string {
	switch c.Action {
	case plan.Create:
		return "create"
	case plan.Update:
		return "update"
	case plan.Delete:
		return "destroy"
	case plan.DeleteThenCreate:
		return "replace (destroy, then create)"
	case plan.CreateThenDelete:
		return "replace (create, then destroy)"
	case plan.Read:
		return "read"
	case plan.Forget:
		return "forget"
	}
	switch {
	case c.PrevAddr != nil:
		return "move"
	case c.ImportID != "":
		return "import"
	}
	return "no-op"
}

// changeDiff is the text rendering of one change (or drift), without colour.
func changeDiff(c *plan.ResourceChange, drift bool) string {
	r := &planText{width: defaultWidth}
	r.resource(c, drift)
	return strings.TrimRight(r.sb.String(), "\n")
}

func (m *planMarkdown) prepare() {
	p := m.p
	m.actions = p.Mode != plan.RefreshOnlyMode
	if m.actions {
		for _, c := range p.Changes {
			if !shownChange(c) {
				continue
			}
			m.current = c.Addr.String()
			mc := &mdChange{c: c, addr: m.current, destructive: isDestructive(c.Action), label: actionLabel(c), diff: changeDiff(c, false)}
			if mc.destructive {
				m.nDestroy++
			}
			m.changes = append(m.changes, mc)
		}
	}
	sort.SliceStable(m.changes, func(i, j int) bool {
		a, b := m.changes[i], m.changes[j]
		if ra, rb := actionRank(a.c.Action), actionRank(b.c.Action); ra != rb {
			return ra < rb
		}
		return a.addr < b.addr
	})
	m.actions = len(m.changes) > 0
	for _, d := range p.Drift {
		if d == nil {
			continue
		}
		m.current = "drift of " + d.Addr.String()
		label := "changed outside steward"
		if isNull(d.After) {
			label = "deleted outside steward"
		}
		m.drift = append(m.drift, &mdChange{c: d, addr: d.Addr.String(), drift: true, label: label, diff: changeDiff(d, true)})
	}
	m.current = "the comment"
}

// fit renders with as much optional content as fits in MaxMarkdownChars.
func (m *planMarkdown) fit() string {
	nonDestr := len(m.changes) - m.nDestroy
	full := mdLimits{details: nonDestr + len(m.drift), rows: nonDestr + len(m.drift), destrDetails: m.nDestroy}
	if s := m.render(full); fits(s) {
		return s
	}
	// Keep as many non-destructive diffs as fit.
	lim := full
	lim.details = largest(full.details, func(n int) bool { l := lim; l.details = n; return fits(m.render(l)) })
	if s := m.render(lim); fits(s) {
		return s
	}
	lim.details = 0
	lim.rows = largest(full.rows, func(n int) bool { l := lim; l.rows = n; return fits(m.render(l)) })
	if s := m.render(lim); fits(s) {
		return s
	}
	// Destructive changes stay listed in their own section and the tables
	// whatever happens; only their diffs can go, and then rows come back
	// into the room left.
	lim.rows = 0
	lim.destrDetails = largest(full.destrDetails, func(n int) bool { l := lim; l.destrDetails = n; return fits(m.render(l)) })
	lim.rows = largest(full.rows, func(n int) bool { l := lim; l.rows = n; return fits(m.render(l)) })
	return m.render(lim)
}

func fits(s string) bool { return utf8.RuneCountInString(s) < MaxMarkdownChars }

// largest is the largest n in [0, max] for which ok holds, assuming ok is
// monotone (true up to some n, false after); 0 when none is.
func largest(max int, ok func(int) bool) int {
	lo, hi := 0, max
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

func (m *planMarkdown) render(lim mdLimits) string {
	var b strings.Builder
	p := m.p
	s := p.Summary()
	drift := ""
	if len(m.drift) > 0 {
		drift = fmt.Sprintf("; drift found in %d %s", len(m.drift), plural(len(m.drift), "object", "objects"))
	}
	switch {
	case !p.Complete:
		b.WriteString("**Planning failed.** The plan below is incomplete and cannot be applied." + drift + "\n\n")
	case m.actions:
		// Replacements are counted once, as replacements, so that the
		// numbers add up to the objects touched.
		fmt.Fprintf(&b, "**Plan: %d to add, %d to change, %d to replace, %d to destroy%s**\n\n",
			s.Add-s.Replace, s.Change, s.Replace, s.Destroy-s.Replace, drift)
	case len(m.drift) > 0:
		fmt.Fprintf(&b, "**No changes.** Drift found in %d %s.\n\n", len(m.drift), plural(len(m.drift), "object", "objects"))
	default:
		b.WriteString("**No changes.** Your infrastructure matches the configuration.\n\n")
	}

	if m.nDestroy > 0 {
		b.WriteString("### ⚠️ Destructive changes\n\n")
		for _, mc := range m.changes {
			if !mc.destructive {
				continue
			}
			fmt.Fprintf(&b, "- %s (%s) will be **%s**", code(mc.addr), code(mc.c.Provider), mc.label)
			if r := reasonText(mc.c.Reason); r != "" {
				b.WriteString(" " + mdText(r))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}

	// rowsLeft counts down the non-destructive rows and sentences allowed.
	omittedRows := 0
	keep := func(mc *mdChange, budget *int) bool {
		if mc.destructive {
			return true
		}
		if *budget > 0 {
			*budget--
			return true
		}
		omittedRows++
		return false
	}

	var sentences []*mdChange
	for _, mc := range m.changes {
		if strings.TrimSpace(mc.c.Summary) != "" {
			sentences = append(sentences, mc)
		}
	}
	if len(sentences) > 0 {
		budget := lim.rows
		b.WriteString("### Summary\n\n")
		left := 0
		for _, mc := range sentences {
			if !keep(mc, &budget) {
				left++
				continue
			}
			fmt.Fprintf(&b, "- %s: %s\n", code(mc.addr), mdText(mc.c.Summary))
		}
		if left > 0 {
			fmt.Fprintf(&b, "- … and %d more\n", left)
		}
		b.WriteString("\n")
	}

	if m.actions {
		var providers []string
		byProvider := map[string][]*mdChange{}
		for _, mc := range m.changes {
			if _, ok := byProvider[mc.c.Provider]; !ok {
				providers = append(providers, mc.c.Provider)
			}
			byProvider[mc.c.Provider] = append(byProvider[mc.c.Provider], mc)
		}
		sort.Strings(providers)
		budget := lim.rows
		for _, prov := range providers {
			fmt.Fprintf(&b, "#### %s\n\n| Action | Resource | Target |\n| --- | --- | --- |\n", code(prov))
			left := 0
			for _, mc := range byProvider[prov] {
				if !keep(mc, &budget) {
					left++
					continue
				}
				act := mc.label
				if mc.destructive {
					act = "⚠️ **" + act + "**"
				}
				fmt.Fprintf(&b, "| %s | %s | %s |\n", act, cell(code(mc.addr)), cell(target(mc.c)))
			}
			if left > 0 {
				fmt.Fprintf(&b, "| … | %d more creates and updates | |\n", left)
			}
			b.WriteString("\n")
		}
	}

	if len(m.drift) > 0 {
		budget := lim.rows
		b.WriteString("### Changes outside steward\n\n")
		left := 0
		for _, mc := range m.drift {
			if !keep(mc, &budget) {
				left++
				continue
			}
			fmt.Fprintf(&b, "- %s was %s\n", code(mc.addr), mc.label)
		}
		if left > 0 {
			fmt.Fprintf(&b, "- … and %d more\n", left)
		}
		b.WriteString("\n")
	}

	omittedDiffs := 0
	details := func(mc *mdChange) {
		fence := fenceFor(mc.diff)
		fmt.Fprintf(&b, "<details><summary>%s — %s</summary>\n\n%sdiff\n%s\n%s\n\n</details>\n\n",
			htmlText.Replace(mc.addr), htmlText.Replace(mc.label), fence, diffMarkers(mc.diff), fence)
	}
	budget, destrBudget := lim.details, lim.destrDetails
	for _, list := range [][]*mdChange{m.changes, m.drift} {
		for _, mc := range list {
			switch {
			case mc.destructive && destrBudget > 0:
				destrBudget--
				details(mc)
			case mc.destructive:
				omittedDiffs++
			case budget > 0:
				budget--
				details(mc)
			default:
				omittedDiffs++
			}
		}
	}
	if omittedDiffs > 0 || omittedRows > 0 {
		var parts []string
		if omittedDiffs > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", omittedDiffs, plural(omittedDiffs, "diff", "diffs")))
		}
		if omittedRows > 0 {
			parts = append(parts, fmt.Sprintf("%d %s of creates and updates", omittedRows, plural(omittedRows, "line", "lines")))
		}
		fmt.Fprintf(&b, "_%s left out to fit a GitHub comment; run `steward show PLANFILE` for all._\n", strings.Join(parts, " and "))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// target is the system a change acts on, for grouping a reviewer can scan:
// the device of a network object, the OU holding a directory entry, the
// repository of a backup policy (or a repository's own location).
func target(c *plan.ResourceChange) string {
	for _, v := range []cty.Value{c.After, c.Before} {
		if s, ok := plainAttr(v, "device"); ok {
			return code(s)
		}
		if s, ok := plainAttr(v, "dn"); ok {
			return code(parentDN(s))
		}
		for _, name := range []string{"repository", "path", "url"} {
			if s, ok := plainAttr(v, name); ok {
				return code(s)
			}
		}
	}
	return ""
}

// parentDN drops the first RDN of dn ("uid=a,ou=people,dc=x" is in
// "ou=people,dc=x"), minding escaped commas.
func parentDN(dn string) string {
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',':
			return dn[i+1:]
		}
	}
	return dn
}

// plainAttr is a known, non-sensitive, non-empty string attribute of v.
func plainAttr(v cty.Value, name string) (string, bool) {
	if v == cty.NilVal || v.IsMarked() || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	t := v.Type()
	if !t.IsObjectType() || !t.HasAttribute(name) {
		return "", false
	}
	a := v.GetAttr(name)
	if a.IsMarked() || !a.IsKnown() || a.IsNull() || a.Type() != cty.String || a.AsString() == "" {
		return "", false
	}
	return a.AsString(), true
}

// code is s as an inline code span, whatever backticks it holds.
func code(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// cell makes s safe inside a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// htmlText escapes what would start HTML markup in text (not attribute
// values). Quotes are left alone so that a reader of the raw comment sees
// "finance", not &#34;finance&#34;.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mdText makes free text from a provider or the engine one safe line of
// markdown: no HTML, no line breaks.
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return htmlText.Replace(s)
}

// fenceFor is a code fence longer than any run of backticks in s.
func fenceFor(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			if run > longest {
				longest = run
			}
		} else {
			run = 0
		}
	}
	if longest < 3 {
		return "```"
	}
	return strings.Repeat("`", longest+1)
}

// diffMarkers moves each line's +, - or ~ marker to the first column, where
// GitHub's diff highlighting looks for it; ~ becomes !, highlighted as a
// change.
func diffMarkers(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		indent := len(l) - len(t)
		if indent == 0 || t == "" {
			continue
		}
		switch t[0] {
		case '+', '-', '~':
			mark := t[0]
			if mark == '~' {
				mark = '!'
			}
			lines[i] = string(mark) + l[:indent-1] + " " + t[1:]
			if len(t) > 1 && t[1] != ' ' && t[1] != '/' {
				lines[i] = l // not a marker: a value such as -1
			}
		}
	}
	return strings.Join(lines, "\n")
}
