package ui

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// change is what happened to one value inside a resource: the per-line
// marker of the text rendering.
type change int

const (
	same change = iota
	add
	del
	upd
)

// classify compares a value before and after. Nulls of different types (a
// dynamic attribute that stayed unset) count as unchanged; RawEquals also
// compares marks, so a value that became sensitive counts as changed.
func classify(b, a cty.Value) change {
	b, a = norm(b), norm(a)
	bn, an := b.IsNull(), a.IsNull()
	switch {
	case bn && an:
		return same
	case bn:
		return add
	case an:
		return del
	case b.RawEquals(a):
		return same
	}
	return upd
}

const (
	sensitiveText = "(sensitive value)"
	unknownText   = "(known after apply)"
	forcesNote    = " # forces replacement"
)

// textWriter accumulates the text rendering. Columns follow Terraform's
// layout: an entry's name starts at some column c, its marker sits at c-2,
// nested entries start at c+4 and the closing bracket sits at c.
type textWriter struct {
	sb  strings.Builder
	pal palette
	// replace holds the RequiresReplace paths of the resource being written.
	replace []cty.Path
}

func (w *textWriter) str(s string) { w.sb.WriteString(s) }

func (w *textWriter) spaces(n int) {
	if n > 0 {
		w.sb.WriteString(strings.Repeat(" ", n))
	}
}

func (w *textWriter) sym(c change) string {
	switch c {
	case add:
		return w.pal.green("+")
	case del:
		return w.pal.red("-")
	case upd:
		return w.pal.yellow("~")
	}
	return " "
}

// prefix starts a line whose entry name begins at col.
func (w *textWriter) prefix(col int, c change) {
	w.spaces(col - 2)
	w.str(w.sym(c))
	w.str(" ")
}

// entry starts the line of an entry whose name, key, begins at col and
// whose "=" comes after width columns, as every entry of one structure
// aligns its "=".
func (w *textWriter) entry(col int, c change, key string, width int) {
	w.prefix(col, c)
	w.str(padKey(key, width) + " = ")
}

// comment writes a "# ..." line at col, the column of the entries it
// describes.
func (w *textWriter) comment(col int, text string) {
	w.spaces(col)
	w.str("# ")
	w.str(text)
	w.str("\n")
}

func (w *textWriter) hidden(col, n int, what, whats string) {
	if n > 0 {
		w.comment(col, fmt.Sprintf("(%d unchanged %s hidden)", n, plural(n, what, whats)))
	}
}

// note returns the forces-replacement annotation when p is one of the paths
// the provider said force replacement.
func (w *textWriter) note(p cty.Path) string {
	for _, rp := range w.replace {
		if rp.Equals(p) {
			return forcesNote
		}
	}
	return ""
}

// primitive renders a known, non-null, unmarked primitive.
func primitive(v cty.Value) string {
	switch v.Type() {
	case cty.String:
		return quote(v.AsString())
	case cty.Number:
		return formatNumber(v)
	case cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	}
	return "(" + v.Type().FriendlyName() + ")"
}

// singleLine reports whether writeValue renders v on one line.
func singleLine(v cty.Value) bool {
	if isSensitive(v) {
		return true
	}
	v = bare(v)
	if !v.IsKnown() || v.IsNull() {
		return true
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return !isMultiline(v.AsString())
	case t.IsObjectType():
		_, m := keysOf(v)
		for _, e := range m {
			if !isNull(e) {
				return false
			}
		}
		return true
	case isContainer(t):
		return v.LengthInt() == 0
	}
	return true
}

// writeValue writes v whole, as created (add), destroyed (del) or as
// unchanged context (same), starting mid-line at an entry whose name is at
// col. note goes at the end of the first line, tail after the value's last
// character (after the closing bracket of a structure).
func (w *textWriter) writeValue(v cty.Value, c change, col int, path cty.Path, note, tail string) {
	if isSensitive(v) {
		w.str(sensitiveText + tail + note)
		return
	}
	v = bare(v)
	switch {
	case !v.IsKnown():
		w.str(unknownText + tail + note)
		return
	case v.IsNull():
		w.str("null" + tail + note)
		return
	}
	t := v.Type()
	switch {
	case t == cty.String && isMultiline(v.AsString()):
		w.heredoc(v.AsString(), col, note, tail)
	case t.IsPrimitiveType():
		w.str(primitive(v) + tail + note)
	case isSeqLike(t) || t.IsSetType():
		elems := elemsOf(v)
		if len(elems) == 0 {
			w.str("[]" + tail + note)
			return
		}
		w.str("[" + note + "\n")
		for i, e := range elems {
			p := elemPath(path, t, i, e)
			w.prefix(col+4, c)
			w.writeValue(e, c, col+4, p, w.note(p), ",")
			w.str("\n")
		}
		w.spaces(col)
		w.str("]" + tail)
	case isObjectLike(t):
		keys, m := keysOf(v)
		var shown []string
		for _, k := range keys {
			// Unset attributes of an object are noise; a map's null
			// element is data and is shown.
			if t.IsObjectType() && isNull(m[k]) {
				continue
			}
			shown = append(shown, k)
		}
		if len(shown) == 0 {
			w.str("{}" + tail + note)
			return
		}
		w.str("{" + note + "\n")
		labels := make([]string, len(shown))
		for i, k := range shown {
			labels[i] = entryKey(t, k)
		}
		width := keyWidth(labels)
		for i, k := range shown {
			p := keyPath(path, t, k)
			w.entry(col+4, c, labels[i], width)
			w.writeValue(m[k], c, col+4, p, w.note(p), "")
			w.str("\n")
		}
		w.spaces(col)
		w.str("}" + tail)
	default:
		w.str("(" + t.FriendlyName() + ")" + tail + note)
	}
}

// entryKey renders the name of an element of an object-like value: bare for
// object attributes, quoted for map keys, as Terraform does.
func entryKey(t cty.Type, k string) string {
	if t.IsMapType() {
		return quote(k)
	}
	return attrKey(k)
}

func keyPath(p cty.Path, t cty.Type, k string) cty.Path {
	if t.IsMapType() {
		return p.Copy().IndexString(k)
	}
	return p.Copy().GetAttr(k)
}

func elemPath(p cty.Path, t cty.Type, i int, e cty.Value) cty.Path {
	if t.IsSetType() {
		k, _ := e.UnmarkDeep()
		return p.Copy().Index(k)
	}
	return p.Copy().IndexInt(i)
}

// heredocDelimiter picks a delimiter that no line of the text could end.
func heredocDelimiter(lines ...[]string) string {
	d := "EOT"
	for {
		clash := false
		for _, ls := range lines {
			for _, l := range ls {
				if strings.TrimSpace(l) == d {
					clash = true
				}
			}
		}
		if !clash {
			return d
		}
		d += "_"
	}
}

func heredocLines(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		// Keep the rendering valid HCL should someone paste it back.
		l = strings.ReplaceAll(l, "${", "$${")
		lines[i] = strings.ReplaceAll(l, "%{", "%%{")
	}
	return lines
}

func (w *textWriter) heredoc(s string, col int, note, tail string) {
	lines := heredocLines(s)
	d := heredocDelimiter(lines)
	w.str("<<-" + d + note + "\n")
	for _, l := range lines {
		w.spaces(col + 4)
		w.str(l + "\n")
	}
	w.spaces(col)
	w.str(d + tail)
}

// heredocContext is how many unchanged lines are kept around a changed line
// of a multi-line string: enough to locate the change in a long device
// configuration or banner without reprinting all of it.
const heredocContext = 3

func (w *textWriter) heredocDiff(b, a string, col int, note, tail string) {
	bl, al := heredocLines(b), heredocLines(a)
	d := heredocDelimiter(bl, al)
	ops := diffSeq(len(bl), len(al), func(i, j int) bool { return bl[i] == al[j] })
	show := make([]bool, len(ops))
	for i, op := range ops {
		if op.kind == opKeep {
			continue
		}
		for j := max(0, i-heredocContext); j <= min(len(ops)-1, i+heredocContext); j++ {
			show[j] = true
		}
	}
	w.str("<<-" + d + note + "\n")
	skipped := 0
	for i, op := range ops {
		if !show[i] {
			skipped++
			continue
		}
		w.hidden(col+4, skipped, "line", "lines")
		skipped = 0
		switch op.kind {
		case opKeep:
			w.prefix(col+4, same)
			w.str(al[op.ai])
		case opDel:
			w.prefix(col+4, del)
			w.str(bl[op.bi])
		case opIns:
			w.prefix(col+4, add)
			w.str(al[op.ai])
		}
		w.str("\n")
	}
	w.hidden(col+4, skipped, "line", "lines")
	w.spaces(col)
	w.str(d + tail)
}

// writeDiff writes the change of a value that exists on both sides and
// differs, starting mid-line at an entry whose name is at col.
func (w *textWriter) writeDiff(b, a cty.Value, col int, path cty.Path, note, tail string) {
	if isSensitive(b) || isSensitive(a) {
		// Both sides are hidden: showing the old value next to a
		// "(sensitive value)" would tell which value is now secret.
		w.str(sensitiveText + tail + note)
		return
	}
	b, a = bare(b), bare(a)
	switch {
	case !a.IsKnown():
		if singleLine(b) {
			w.writeValue(b, same, col, path, "", "")
			w.str(" -> " + unknownText + tail + note)
		} else {
			w.writeValue(b, del, col, path, note, " -> "+unknownText+tail)
		}
		return
	case !b.IsKnown():
		w.str(unknownText + " -> ")
		w.writeValue(a, add, col, path, note, tail)
		return
	}
	bt, at := b.Type(), a.Type()
	switch {
	case bt == cty.String && at == cty.String && (isMultiline(b.AsString()) || isMultiline(a.AsString())):
		w.heredocDiff(b.AsString(), a.AsString(), col, note, tail)
	case bt.IsPrimitiveType() && at.IsPrimitiveType():
		w.str(primitive(b) + " -> " + primitive(a) + tail + note)
	case isObjectLike(bt) && isObjectLike(at):
		w.objectDiff(b, a, col, path, note, tail)
	case isSeqLike(bt) && isSeqLike(at):
		w.listDiff(b, a, col, path, note, tail)
	case bt.IsSetType() && at.IsSetType():
		w.setDiff(b, a, col, path, note, tail)
	default:
		// The type itself changed (a dynamic attribute): old value out,
		// new value in.
		if singleLine(b) {
			w.writeValue(b, same, col, path, "", "")
			w.str(" -> ")
			w.writeValue(a, add, col, path, note, tail)
		} else {
			w.writeValue(b, del, col, path, note, " -> ")
			w.writeValue(a, add, col, path, "", tail)
		}
	}
}

// writeEntryChange writes the value part of an entry whose change is c.
// Removed entries end in "-> null" as in Terraform, except inside a
// structure that is itself being removed, where that would be noise.
func (w *textWriter) writeEntryChange(b, a cty.Value, c change, col int, path cty.Path, tail string) {
	note := w.note(path)
	switch c {
	case add:
		w.writeValue(a, add, col, path, note, tail)
	case del:
		w.writeValue(b, del, col, path, note, " -> null"+tail)
	case upd:
		w.writeDiff(b, a, col, path, note, tail)
	default:
		w.writeValue(a, same, col, path, note, tail)
	}
}

// entryChange is one changed entry of a structure: its label as written
// (an attribute name or a map key), its path, and its values.
type entryChange struct {
	label string
	path  cty.Path
	c     change
	b, a  cty.Value
}

// entryChanges writes entries whose names begin at col, one a line, with
// their "=" aligned.
func (w *textWriter) entryChanges(col int, es []entryChange) {
	labels := make([]string, len(es))
	for i, e := range es {
		labels[i] = e.label
	}
	width := keyWidth(labels)
	for _, e := range es {
		w.entry(col, e.c, e.label, width)
		w.writeEntryChange(e.b, e.a, e.c, col, e.path, "")
		w.str("\n")
	}
}

func (w *textWriter) objectDiff(b, a cty.Value, col int, path cty.Path, note, tail string) {
	t := a.Type()
	bkeys, bm := keysOf(b)
	akeys, am := keysOf(a)
	keys := unionSorted(bkeys, akeys)

	var shown []entryChange
	hidden := 0
	for _, k := range keys {
		cb, ok := bm[k]
		if !ok {
			cb = cty.NullVal(cty.DynamicPseudoType)
		}
		ca, ok := am[k]
		if !ok {
			ca = cty.NullVal(cty.DynamicPseudoType)
		}
		c := classify(cb, ca)
		if c == same {
			if !isNull(cb) {
				hidden++
			}
			continue
		}
		shown = append(shown, entryChange{entryKey(t, k), keyPath(path, t, k), c, cb, ca})
	}
	w.str("{" + note + "\n")
	w.entryChanges(col+4, shown)
	if t.IsMapType() {
		w.hidden(col+4, hidden, "element", "elements")
	} else {
		w.hidden(col+4, hidden, "attribute", "attributes")
	}
	w.spaces(col)
	w.str("}" + tail)
}

func unionSorted(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// pairable reports whether two list elements that changed at the same
// position are better shown as one element updated in place (objects and
// maps, where a field-level diff helps) than as a removal and an addition.
func pairable(b, a cty.Value) bool {
	if isSensitive(b) || isSensitive(a) {
		return false
	}
	b, a = bare(b), bare(a)
	return b.IsKnown() && a.IsKnown() && !b.IsNull() && !a.IsNull() &&
		isObjectLike(b.Type()) && isObjectLike(a.Type())
}

func (w *textWriter) listDiff(b, a cty.Value, col int, path cty.Path, note, tail string) {
	bs, as := elemsOf(b), elemsOf(a)
	bt, at := b.Type(), a.Type()
	ops := diffSeq(len(bs), len(as), func(i, j int) bool { return bs[i].RawEquals(as[j]) })
	w.str("[" + note + "\n")
	for _, h := range hunks(ops) {
		if h.keep > 0 {
			w.hidden(col+4, h.keep, "element", "elements")
			continue
		}
		n := 0
		for n < len(h.dels) && n < len(h.ins) && pairable(bs[h.dels[n]], as[h.ins[n]]) {
			p := elemPath(path, at, h.ins[n], as[h.ins[n]])
			w.prefix(col+4, upd)
			w.writeDiff(bs[h.dels[n]], as[h.ins[n]], col+4, p, w.note(p), ",")
			w.str("\n")
			n++
		}
		for _, i := range h.dels[n:] {
			p := elemPath(path, bt, i, bs[i])
			w.prefix(col+4, del)
			w.writeValue(bs[i], del, col+4, p, w.note(p), ",")
			w.str("\n")
		}
		for _, j := range h.ins[n:] {
			p := elemPath(path, at, j, as[j])
			w.prefix(col+4, add)
			w.writeValue(as[j], add, col+4, p, w.note(p), ",")
			w.str("\n")
		}
	}
	w.spaces(col)
	w.str("]" + tail)
}

// setMatch splits two sets' elements into removed, added and a count of
// elements present in both.
func setMatch(bs, as []cty.Value) (removed, added []cty.Value, kept int) {
	used := make([]bool, len(as))
	for _, e := range bs {
		found := false
		for j, f := range as {
			if !used[j] && e.RawEquals(f) {
				used[j] = true
				found = true
				break
			}
		}
		if found {
			kept++
		} else {
			removed = append(removed, e)
		}
	}
	for j, f := range as {
		if !used[j] {
			added = append(added, f)
		}
	}
	return removed, added, kept
}

func (w *textWriter) setDiff(b, a cty.Value, col int, path cty.Path, note, tail string) {
	removed, added, kept := setMatch(elemsOf(b), elemsOf(a))
	t := a.Type()
	w.str("[" + note + "\n")
	for _, e := range removed {
		p := elemPath(path, t, 0, e)
		w.prefix(col+4, del)
		w.writeValue(e, del, col+4, p, w.note(p), ",")
		w.str("\n")
	}
	for _, e := range added {
		p := elemPath(path, t, 0, e)
		w.prefix(col+4, add)
		w.writeValue(e, add, col+4, p, w.note(p), ",")
		w.str("\n")
	}
	w.hidden(col+4, kept, "element", "elements")
	w.spaces(col)
	w.str("]" + tail)
}

// identifying attributes are shown even when unchanged, as Terraform does, so
// that a reviewer can tell which object an in-place update touches.
var identifying = map[string]bool{"id": true, "name": true}

const sensitiveBlock1 = "At least one attribute in this block is (or was) sensitive,"
const sensitiveBlock2 = "so its contents will not be displayed."

// writeBody writes the contents of a resource or nested block whose header
// name sits at col: attributes aligned on "=", then nested blocks. blk may be
// nil (plans loaded from a file carry no schema); every attribute is then
// rendered as an attribute, which is still correct, just less block-like.
func (w *textWriter) writeBody(b, a cty.Value, blk *schema.Block, col int, path cty.Path, top bool) {
	if isSensitive(b) || isSensitive(a) {
		w.comment(col+4, sensitiveBlock1)
		w.comment(col+4, sensitiveBlock2)
		return
	}
	b, a = bare(b), bare(a)

	names := attrNames(b, a)
	blockNames := map[string]bool{}
	if blk != nil {
		for n := range blk.Attributes {
			names[n] = true
		}
		for n := range blk.BlockTypes {
			blockNames[n] = true
			delete(names, n)
		}
	}
	sorted := slices.Sorted(maps.Keys(names))

	var shown []entryChange
	hidden := 0
	for _, n := range sorted {
		cb, ca := child(b, n), child(a, n)
		c := classify(cb, ca)
		if c == same {
			if isNull(cb) {
				continue
			}
			if !(top && identifying[n] && singleLine(ca)) {
				hidden++
				continue
			}
		}
		shown = append(shown, entryChange{attrKey(n), path.Copy().GetAttr(n), c, cb, ca})
	}
	w.entryChanges(col+4, shown)
	wrote := len(shown) > 0
	if hidden > 0 {
		w.hidden(col+4, hidden, "attribute", "attributes")
		wrote = true
	}

	if blk == nil {
		return
	}
	hiddenBlocks := 0
	for _, n := range blk.BlockTypeNames() {
		nb := blk.BlockTypes[n]
		hiddenBlocks += w.writeBlocks(n, nb, child(b, n), child(a, n), col+4, path.Copy().GetAttr(n), &wrote)
	}
	if hiddenBlocks > 0 {
		if wrote {
			w.str("\n")
		}
		w.hidden(col+4, hiddenBlocks, "block", "blocks")
	}
}

// blockOpen writes a nested block's header line, preceded by a blank line
// when something came before it in the same body, as Terraform lays it out.
func (w *textWriter) blockOpen(c change, col int, name, label, note string, wrote *bool) {
	if *wrote {
		w.str("\n")
	}
	*wrote = true
	w.prefix(col, c)
	w.str(name + label + " {" + note + "\n")
}

func (w *textWriter) block(c change, col int, name, label string, b, a cty.Value, nb *schema.NestedBlock, path cty.Path, note string, wrote *bool) {
	w.blockOpen(c, col, name, label, note, wrote)
	w.writeBody(b, a, &nb.Block, col, path, false)
	w.spaces(col)
	w.str("}\n")
}

// writeBlocks writes the changed blocks of one nested block type and returns
// how many unchanged blocks it left out.
func (w *textWriter) writeBlocks(name string, nb *schema.NestedBlock, b, a cty.Value, col int, path cty.Path, wrote *bool) int {
	null := cty.NullVal(cty.DynamicPseudoType)
	collNote := w.note(path)
	if nb.Nesting == schema.NestingSingle {
		c := classify(b, a)
		if c == same {
			if isNull(b) {
				return 0
			}
			return 1
		}
		w.block(c, col, name, "", b, a, nb, path, collNote, wrote)
		return 0
	}

	c := classify(b, a)
	if c == same {
		return countBlocks(b)
	}
	if isSensitive(b) || isSensitive(a) {
		w.blockOpen(c, col, name, "", collNote, wrote)
		w.comment(col+4, sensitiveBlock1)
		w.comment(col+4, sensitiveBlock2)
		w.spaces(col)
		w.str("}\n")
		return 0
	}
	bu, au := bare(b), bare(a)
	if !bu.IsKnown() || !au.IsKnown() {
		if *wrote {
			w.str("\n")
		}
		*wrote = true
		if countBlocks(b) == 0 {
			c = add
		}
		w.prefix(col, c)
		w.str(name + " " + unknownText + collNote + "\n")
		return 0
	}

	hidden := 0
	switch nb.Nesting {
	case schema.NestingMap:
		bkeys, bm := keysOf(bu)
		akeys, am := keysOf(au)
		for _, k := range unionSorted(bkeys, akeys) {
			cb, ok := bm[k]
			if !ok {
				cb = null
			}
			ca, ok := am[k]
			if !ok {
				ca = null
			}
			ec := classify(cb, ca)
			if ec == same {
				hidden++
				continue
			}
			p := path.Copy().IndexString(k)
			w.block(ec, col, name, " "+quote(k), cb, ca, nb, p, firstNote(w.note(p), collNote), wrote)
		}
	case schema.NestingSet:
		removed, added, kept := setMatch(elemsOf(bu), elemsOf(au))
		hidden = kept
		t := au.Type()
		for _, e := range removed {
			p := elemPath(path, t, 0, e)
			w.block(del, col, name, "", e, null, nb, p, firstNote(w.note(p), collNote), wrote)
		}
		for _, e := range added {
			p := elemPath(path, t, 0, e)
			w.block(add, col, name, "", null, e, nb, p, firstNote(w.note(p), collNote), wrote)
		}
	default: // NestingList, and anything newer treated as an ordered list
		bs, as := elemsOf(bu), elemsOf(au)
		ops := diffSeq(len(bs), len(as), func(i, j int) bool { return bs[i].RawEquals(as[j]) })
		for _, h := range hunks(ops) {
			if h.keep > 0 {
				hidden += h.keep
				continue
			}
			n := min(len(h.dels), len(h.ins))
			for k := 0; k < n; k++ {
				p := path.Copy().IndexInt(h.ins[k])
				w.block(upd, col, name, "", bs[h.dels[k]], as[h.ins[k]], nb, p, firstNote(w.note(p), collNote), wrote)
			}
			for _, i := range h.dels[n:] {
				p := path.Copy().IndexInt(i)
				w.block(del, col, name, "", bs[i], null, nb, p, firstNote(w.note(p), collNote), wrote)
			}
			for _, j := range h.ins[n:] {
				p := path.Copy().IndexInt(j)
				w.block(add, col, name, "", null, as[j], nb, p, firstNote(w.note(p), collNote), wrote)
			}
		}
	}
	return hidden
}

func firstNote(notes ...string) string {
	for _, n := range notes {
		if n != "" {
			return n
		}
	}
	return ""
}

// countBlocks counts the blocks in a known collection of blocks.
func countBlocks(v cty.Value) int {
	if isSensitive(v) {
		return 1
	}
	v = bare(v)
	if !v.IsKnown() || v.IsNull() {
		return 0
	}
	if t := v.Type(); isContainer(t) && !t.IsObjectType() {
		return v.LengthInt()
	}
	return 1
}
