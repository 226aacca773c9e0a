package lab

import (
	"net/netip"
	"strconv"
	"strings"
)

// The command parser works like the platforms' own: every mode has a tree of
// keywords and arguments, each word of a line walks one step down the tree,
// keywords may be abbreviated as long as the abbreviation is unique, and a
// line is accepted only if it ends on a node that completes a command. The
// point where the walk fails decides the error the device prints (invalid
// input with a caret under the word, incomplete or ambiguous command).

type token struct {
	text string
	pos  int // byte offset in the line
}

func tokenize(line string) []token {
	var toks []token
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		start := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		toks = append(toks, token{text: line[start:i], pos: start})
	}
	return toks
}

type nodeKind int

const (
	kwNode    nodeKind = iota
	argWord            // any one word
	argNum             // an integer in [lo, hi]
	argLine            // the rest of the line, as typed
	argIPv4            // A.B.C.D
	argPrefix          // A.B.C.D/len
	argIface           // an interface name, in one word or two
	argVLANs           // a VLAN list: 10,20-30
	argRest            // the rest of the line, checked by a function
)

// restFunc checks the words an argRest node consumes. It returns the value,
// or the index of the first bad word, or that words are missing.
type restFunc func(s *session, toks []token) (val any, bad int, incomplete bool)

type runFunc func(c *call)

type node struct {
	kind     nodeKind
	kw       string
	name     string
	lo, hi   int
	rest     restFunc
	children []*node
	run      runFunc
}

// call is one parsed command being executed.
type call struct {
	s    *session
	line string
	toks []token
	kws  map[string]bool
	args map[string]any
	out  strings.Builder
	// err is set by a command that turns out to be invalid in the current
	// state (a switchport command on a VLAN interface, commit outside a
	// session): the device prints its invalid-input error.
	err *parseError
	// changed is set by a command that changed the configuration.
	changed bool
}

// invalid rejects the command at word tok.
func (c *call) invalid(tok int) {
	if tok >= len(c.toks) {
		c.err = &parseError{kind: errIncomplete, tok: len(c.toks), pos: len(c.line)}
		return
	}
	c.err = &parseError{kind: errInvalid, tok: tok, pos: c.toks[tok].pos}
}

func (c *call) has(kw string) bool { return c.kws[kw] }

func (c *call) num(name string) int { return c.args[name].(int) }

func (c *call) str(name string) string {
	v, _ := c.args[name].(string)
	return v
}

// block appends text that already ends in a newline (a rendered
// configuration or table), adding one only if it is missing.
func (c *call) block(text string) {
	c.out.WriteString(text)
	if text != "" && !strings.HasSuffix(text, "\n") {
		c.out.WriteString("\n")
	}
}

// println appends lines of output.
func (c *call) println(lines ...string) {
	for _, l := range lines {
		c.out.WriteString(l)
		c.out.WriteString("\n")
	}
}

// tree builds a mode's command tree from specs such as
// "switchport trunk allowed vlan add {vlans:vlans}".
type tree struct {
	root  *node
	rests map[string]restFunc
}

func newTree(rests map[string]restFunc) *tree {
	return &tree{root: &node{}, rests: rests}
}

// add registers a command. Words in braces are arguments: {name:kind} with
// kind one of word, line, ipv4, prefix, iface, vlans, LO-HI (a number) or
// rest:FUNC.
func (t *tree) add(spec string, run runFunc) {
	n := t.root
	for _, w := range strings.Fields(spec) {
		child := t.parseSpecWord(w)
		var found *node
		for _, ch := range n.children {
			if ch.kind == child.kind && ch.kw == child.kw && ch.name == child.name && ch.lo == child.lo && ch.hi == child.hi {
				found = ch
				break
			}
		}
		if found == nil {
			n.children = append(n.children, child)
			found = child
		}
		n = found
	}
	n.run = run
}

func (t *tree) parseSpecWord(w string) *node {
	if !strings.HasPrefix(w, "{") {
		return &node{kind: kwNode, kw: w}
	}
	name, kind, _ := strings.Cut(strings.Trim(w, "{}"), ":")
	n := &node{name: name}
	switch {
	case kind == "word":
		n.kind = argWord
	case kind == "line":
		n.kind = argLine
	case kind == "ipv4":
		n.kind = argIPv4
	case kind == "prefix":
		n.kind = argPrefix
	case kind == "iface":
		n.kind = argIface
	case kind == "vlans":
		n.kind = argVLANs
	case strings.HasPrefix(kind, "rest:"):
		n.kind = argRest
		n.rest = t.rests[strings.TrimPrefix(kind, "rest:")]
		if n.rest == nil {
			panic("lab: unknown rest function in " + w)
		}
	default:
		lo, hi, ok := strings.Cut(kind, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil {
			panic("lab: bad spec word " + w)
		}
		n.kind, n.lo, n.hi = argNum, a, b
	}
	return n
}

type errKind int

const (
	errInvalid errKind = iota
	errIncomplete
	errAmbiguous
)

// parseError says why a line was not accepted: tok is the index of the
// offending word and pos the column for the caret.
type parseError struct {
	kind errKind
	tok  int
	pos  int
}

// parse walks the tree with the words of the line.
func (s *session) parse(t *tree, line string, toks []token) (*call, runFunc, *parseError) {
	c := &call{s: s, line: line, toks: toks, kws: map[string]bool{}, args: map[string]any{}}
	n := t.root
	for i := 0; i < len(toks); {
		tk := toks[i]
		word := strings.ToLower(tk.text)
		var exact, hit *node
		hits := 0
		for _, ch := range n.children {
			if ch.kind != kwNode {
				continue
			}
			if ch.kw == word {
				exact = ch
				break
			}
			if strings.HasPrefix(ch.kw, word) {
				hit = ch
				hits++
			}
		}
		if exact == nil && hits == 1 {
			exact = hit
		}
		if exact != nil {
			c.kws[exact.kw] = true
			n = exact
			i++
			continue
		}
		if hits > 1 {
			return nil, nil, &parseError{kind: errAmbiguous, tok: i, pos: tk.pos}
		}
		var next *node
		var perr *parseError
		for _, ch := range n.children {
			if ch.kind == kwNode {
				continue
			}
			used, val, e := s.matchArg(ch, line, toks, i)
			if e != nil {
				if perr == nil || e.tok > perr.tok || e.kind == errIncomplete && perr.kind != errIncomplete {
					perr = e
				}
				continue
			}
			c.args[ch.name] = val
			next = ch
			i += used
			break
		}
		if next == nil {
			if perr == nil {
				perr = &parseError{kind: errInvalid, tok: i, pos: tk.pos}
			}
			return nil, nil, perr
		}
		n = next
	}
	if n.run == nil {
		return nil, nil, &parseError{kind: errIncomplete, tok: len(toks), pos: len(line)}
	}
	return c, n.run, nil
}

// matchArg tries argument node n on the words from toks[i]. It returns how
// many words it used and the value.
func (s *session) matchArg(n *node, line string, toks []token, i int) (int, any, *parseError) {
	tk := toks[i]
	bad := func(off int) (int, any, *parseError) {
		return 0, nil, &parseError{kind: errInvalid, tok: i, pos: tk.pos + off}
	}
	switch n.kind {
	case argWord:
		return 1, tk.text, nil
	case argLine:
		return len(toks) - i, strings.TrimRight(line[tk.pos:], " \t"), nil
	case argNum:
		v, err := strconv.Atoi(tk.text)
		if err != nil || v < n.lo || v > n.hi || tk.text[0] == '+' {
			return bad(0)
		}
		return 1, v, nil
	case argIPv4:
		ip, err := netip.ParseAddr(tk.text)
		if err != nil || !ip.Is4() {
			return bad(0)
		}
		return 1, ip, nil
	case argPrefix:
		pfx, err := netip.ParsePrefix(tk.text)
		if err != nil || !pfx.Addr().Is4() {
			if ip, err := netip.ParseAddr(tk.text); err == nil && ip.Is4() {
				// The address is fine; the length is missing.
				return bad(len(tk.text))
			}
			return bad(0)
		}
		return 1, pfx, nil
	case argVLANs:
		set, off := parseVLANList(tk.text, 1, 4094)
		if off >= 0 {
			return bad(off)
		}
		return 1, set, nil
	case argIface:
		typ, nums := splitIfName(tk.text)
		used := 1
		if nums == "" && i+1 < len(toks) {
			// "GigabitEthernet 1/0/1": the type and the numbers as two words.
			if t2, n2 := splitIfName(toks[i+1].text); t2 == "" && n2 != "" {
				nums, used = n2, 2
			}
		}
		name, err := s.dev.plat.parseIfName(typ, nums)
		if err != nil {
			pe := err.(*ifParseError)
			if pe.incomplete && used == 1 && i+1 >= len(toks) {
				return 0, nil, &parseError{kind: errIncomplete, tok: len(toks), pos: len(line)}
			}
			if used == 2 && pe.off > 0 {
				return 0, nil, &parseError{kind: errInvalid, tok: i + 1, pos: toks[i+1].pos}
			}
			return bad(pe.off)
		}
		return used, name, nil
	case argRest:
		val, badTok, incomplete := n.rest(s, toks[i:])
		if incomplete {
			return 0, nil, &parseError{kind: errIncomplete, tok: len(toks), pos: len(line)}
		}
		if badTok >= 0 {
			return 0, nil, &parseError{kind: errInvalid, tok: i + badTok, pos: toks[i+badTok].pos}
		}
		return len(toks) - i, val, nil
	}
	return bad(0)
}

// completions lists the keywords that could follow the words of line, for
// the `?` help.
func (t *tree) completions(line string) []string {
	toks := tokenize(line)
	partial := ""
	if len(line) > 0 && line[len(line)-1] != ' ' && len(toks) > 0 {
		partial = strings.ToLower(toks[len(toks)-1].text)
		toks = toks[:len(toks)-1]
	}
	n := t.root
	for _, tk := range toks {
		word := strings.ToLower(tk.text)
		var next *node
		for _, ch := range n.children {
			if ch.kind == kwNode && strings.HasPrefix(ch.kw, word) {
				next = ch
				if ch.kw == word {
					break
				}
			}
		}
		if next == nil {
			for _, ch := range n.children {
				if ch.kind != kwNode {
					next = ch
					break
				}
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	var out []string
	for _, ch := range n.children {
		switch {
		case ch.kind == kwNode && strings.HasPrefix(ch.kw, partial):
			out = append(out, ch.kw)
		case ch.kind == argNum && partial == "":
			out = append(out, "<"+strconv.Itoa(ch.lo)+"-"+strconv.Itoa(ch.hi)+">")
		case ch.kind != kwNode && partial == "":
			out = append(out, strings.ToUpper(ch.name))
		}
	}
	if n.run != nil && partial == "" {
		out = append(out, "<cr>")
	}
	return out
}
