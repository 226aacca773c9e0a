package lab

import (
	"bytes"
	"io"
	"regexp"
	"strings"
)

type modeKind int

const (
	modeUser   modeKind = iota // hostname>
	modePriv                   // hostname#
	modeConfig                 // hostname(config)#
	modeIf
	modeVLAN
	modeACL
	modeVRF // NX-OS vrf context
)

// mode is where in the CLI a session is, with what the sub-mode edits.
type mode struct {
	kind   modeKind
	iface  ifName // interface mode
	vlans  []int  // vlan mode
	vlanID string // the VLAN list as typed, for the EOS prompt
	acl    string // access-list mode
	aclStd bool
	vrf    string
}

// session is one CLI session: an interactive SSH shell, a single SSH exec
// command, or the out-of-band console tests use to change a device behind
// the provider's back.
type session struct {
	dev  *Device
	user string
	w    io.Writer
	// hangup drops the connection (DropAfter, exit).
	hangup func()
	// console sessions are not counted and not subject to faults.
	console bool
	// crlf: output lines end in \r\n as on a terminal.
	crlf bool
	// noPrompt: an exec request prints the output only.
	noPrompt bool

	mode      mode
	termLen   int
	termWidth int
	// cfgSession is the EOS configuration session being edited, "" when
	// editing the running-config.
	cfgSession string

	line     []byte
	skipLF   bool
	esc      int
	pending  func(answer string) // an interactive question waiting for its answer
	question string
	hidden   bool     // the answer is a password: not echoed
	more     []string // output held back behind --More--
	closed   bool
	out      bytes.Buffer
}

func newSession(d *Device, user string, w io.Writer) *session {
	s := &session{dev: d, user: user, w: w, crlf: true, termLen: 24, termWidth: 80}
	s.mode.kind = modePriv
	if d.spec.EnableSecret != "" {
		s.mode.kind = modeUser
	}
	return s
}

// feed processes bytes typed by the user, like the device's line editor.
func (s *session) feed(b []byte) {
	for _, ch := range b {
		if s.closed {
			return
		}
		if len(s.more) > 0 {
			s.moreKey(ch)
			continue
		}
		if s.esc > 0 {
			// Swallow ANSI escape sequences (arrow keys): ESC [ ... letter.
			if s.esc == 1 && ch == '[' {
				s.esc = 2
			} else if s.esc == 1 || ch >= 0x40 && ch <= 0x7e {
				s.esc = 0
			}
			continue
		}
		switch ch {
		case '\r':
			s.skipLF = true
			s.enter()
			continue
		case '\n':
			if !s.skipLF {
				s.enter()
			}
			s.skipLF = false
			continue
		}
		s.skipLF = false
		switch ch {
		case 0x7f, 0x08:
			if len(s.line) > 0 {
				s.line = s.line[:len(s.line)-1]
				if !s.hidden {
					s.put("\b \b")
				}
			}
		case 0x15: // Ctrl-U: erase the line
			if !s.hidden {
				s.put(strings.Repeat("\b \b", len(s.line)))
			}
			s.line = s.line[:0]
		case 0x03: // Ctrl-C: abandon the line; in configuration, leave it
			s.put("^C\n")
			s.line = s.line[:0]
			if s.pending != nil {
				s.pending, s.hidden = nil, false
			} else if s.mode.kind >= modeConfig && s.dev.plat.name == PlatformIOSXE {
				s.mode, s.cfgSession = mode{kind: modePriv}, ""
			}
			s.put(s.prompt())
		case 0x1a: // Ctrl-Z: end
			s.put("^Z\n")
			s.line = s.line[:0]
			if s.mode.kind >= modeConfig {
				s.mode, s.cfgSession = mode{kind: modePriv}, "" // an EOS session stays pending
			}
			s.put(s.prompt())
		case 0x1b:
			s.esc = 1
		case '?':
			if s.hidden || s.pending != nil {
				s.line = append(s.line, ch)
				continue
			}
			s.help()
		case '\t':
			// No completion; real devices would complete the word.
		default:
			if ch < 0x20 {
				continue
			}
			s.line = append(s.line, ch)
			if !s.hidden {
				s.out.WriteByte(ch)
			}
		}
	}
	s.flush()
}

// put queues output, turning \n into the terminal's line ending.
func (s *session) put(text string) {
	if s.crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	s.out.WriteString(text)
}

func (s *session) flush() {
	if s.out.Len() == 0 {
		return
	}
	_, _ = s.w.Write(s.out.Bytes())
	s.out.Reset()
}

func (s *session) enter() {
	line := string(s.line)
	s.line = s.line[:0]
	s.put("\n")
	if s.pending != nil {
		answer := s.pending
		s.pending, s.hidden, s.question = nil, false, ""
		s.dev.mu.Lock()
		answer(line)
		s.dev.syncHostname()
		s.dev.mu.Unlock()
		return
	}
	s.execute(line)
}

// ask makes the device print a question after the command's output,
// instead of the prompt, and makes the next line its answer.
func (s *session) ask(question string, hidden bool, answer func(string)) {
	s.question, s.pending, s.hidden = question, answer, hidden
}

// respond prints a command's output and the prompt, paging like the device
// does until `terminal length 0`.
func (s *session) respond(output string) {
	lines := splitLines(output)
	if s.pending != nil {
		// The command asked a question; the answer continues it.
		if len(lines) > 0 {
			s.put(strings.Join(lines, "\n") + "\n")
		}
		s.put(s.question)
		return
	}
	if s.termLen > 1 && len(lines) > s.termLen-1 {
		s.put(strings.Join(lines[:s.termLen-1], "\n") + "\n")
		s.more = lines[s.termLen-1:]
		s.put(" --More-- ")
		return
	}
	if len(lines) > 0 {
		s.put(strings.Join(lines, "\n") + "\n")
	}
	s.showPrompt()
}

func (s *session) showPrompt() {
	if !s.noPrompt && !s.closed {
		s.put(s.prompt())
	}
}

// moreKey handles a key pressed at --More--: space shows a page, return a
// line, anything else stops the output.
func (s *session) moreKey(ch byte) {
	if ch == '\n' && s.skipLF {
		s.skipLF = false
		return
	}
	s.skipLF = ch == '\r'
	s.put("\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b")
	n := 0
	switch ch {
	case ' ':
		n = s.termLen - 1
	case '\r', '\n':
		n = 1
	default:
		s.more = nil
		s.showPrompt()
		return
	}
	if n > len(s.more) {
		n = len(s.more)
	}
	s.put(strings.Join(s.more[:n], "\n") + "\n")
	s.more = s.more[n:]
	if len(s.more) > 0 {
		s.put(" --More-- ")
		return
	}
	s.showPrompt()
}

func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// prompt is the prompt for the current mode.
func (s *session) prompt() string {
	host := s.dev.hostname()
	var p string
	switch s.mode.kind {
	case modeUser:
		p = host + ">"
	case modePriv:
		p = host + "#"
	default:
		p = host + "(" + s.modeTag() + ")#"
	}
	if s.dev.plat.promptSpace {
		p += " "
	}
	return p
}

// modeTag is the part of the prompt in parentheses.
func (s *session) modeTag() string {
	m := s.mode
	switch s.dev.plat.name {
	case PlatformEOS:
		tag := "config"
		if s.cfgSession != "" {
			// EOS shows only the first six characters of the session name.
			name := s.cfgSession
			if len(name) > 6 {
				name = name[:6]
			}
			tag = "config-s-" + name
		}
		switch m.kind {
		case modeIf:
			tag += "-if-" + promptIfName(m.iface)
		case modeVLAN:
			tag += "-vlan-" + m.vlanID
		case modeACL:
			if m.aclStd {
				tag += "-std-acl-" + m.acl
			} else {
				tag += "-acl-" + m.acl
			}
		}
		return tag
	case PlatformNXOS:
		switch m.kind {
		case modeIf:
			return "config-if"
		case modeVLAN:
			return "config-vlan"
		case modeACL:
			return "config-acl"
		case modeVRF:
			return "config-vrf"
		}
		return "config"
	default:
		switch m.kind {
		case modeIf:
			return "config-if"
		case modeVLAN:
			return "config-vlan"
		case modeACL:
			if m.aclStd {
				return "config-std-nacl"
			}
			return "config-ext-nacl"
		}
		return "config"
	}
}

// target is the configuration commands change: the running-config, or the
// EOS configuration session being edited.
func (s *session) target() *config {
	if s.cfgSession != "" {
		if cs := s.dev.sessions[s.cfgSession]; cs != nil {
			return cs.cfg
		}
	}
	return s.dev.running
}

// execute runs one command line and prints its output and the next prompt.
func (s *session) execute(line string) {
	toks := tokenize(line)
	if len(toks) == 0 {
		s.showPrompt()
		return
	}
	d := s.dev
	if !s.console {
		d.commands.Add(1)
		if d.takeDrop() {
			s.closed = true
			s.flush()
			s.hangup()
			return
		}
		d.sleepLatency()
	}

	d.mu.Lock()
	defer d.mu.Unlock()

	if !s.console {
		for _, sub := range d.rejects {
			if i := strings.Index(line, sub); i >= 0 {
				s.respond(s.errorText(&parseError{kind: errInvalid, tok: tokenAt(toks, i), pos: i}, line, toks))
				return
			}
		}
	}

	// Show commands may end in a filter: | include REGEX.
	cmdLine, filter := line, ""
	if s.isShow(toks) {
		if i := strings.Index(line, "|"); i >= 0 {
			cmdLine, filter = line[:i], strings.TrimSpace(line[i+1:])
			toks = tokenize(cmdLine)
		}
	}

	c, run, perr := s.dispatch(cmdLine, toks)
	if perr != nil {
		s.respond(s.errorText(perr, line, tokenize(line)))
		return
	}
	run(c)
	if c.err != nil {
		s.respond(s.errorText(c.err, line, toks))
		return
	}
	out := c.out.String()
	if filter != "" {
		var ferr *parseError
		out, ferr = applyFilter(out, filter, len(cmdLine)+strings.Index(line[len(cmdLine):], filter))
		if ferr != nil {
			s.respond(s.errorText(ferr, line, tokenize(line)))
			return
		}
	}
	if c.changed {
		d.noteChange(s.user, s.cfgSession != "")
	}
	d.syncHostname()
	s.respond(out)
}

// isShow reports whether the line is a show command (possibly after do),
// the only commands a pipe applies to.
func (s *session) isShow(toks []token) bool {
	i := 0
	if len(toks) > 1 && strings.EqualFold(toks[0].text, "do") {
		i = 1
	}
	w := strings.ToLower(toks[i].text)
	return len(w) >= 2 && strings.HasPrefix("show", w)
}

// dispatch parses the line in the current mode. As on the real devices, a
// command that does not exist in a configuration sub-mode is tried in
// global configuration mode, and leaves the sub-mode if it is accepted
// there; `do` runs an exec command from configuration mode.
func (s *session) dispatch(line string, toks []token) (*call, runFunc, *parseError) {
	tr := s.dev.trees
	if s.mode.kind >= modeConfig && len(toks) > 1 && strings.EqualFold(toks[0].text, "do") {
		return s.parse(tr.priv, line, toks[1:])
	}
	if s.mode.kind >= modeConfig && len(toks) == 1 && strings.EqualFold(toks[0].text, "do") {
		return nil, nil, &parseError{kind: errIncomplete, tok: 1, pos: len(line)}
	}
	t := tr.forMode(s.mode.kind, s.mode.aclStd)
	c, run, perr := s.parse(t, line, toks)
	if perr == nil || s.mode.kind <= modeConfig {
		if perr != nil && s.mode.kind <= modePriv && s.dev.plat.name == PlatformIOSXE && perr.kind == errInvalid && perr.tok == 0 && len(toks) == 1 {
			// IOS takes a lone unknown word in exec mode for a host name
			// to telnet to.
			return nil, nil, &parseError{kind: errUnknownHost}
		}
		return c, run, perr
	}
	c2, run2, perr2 := s.parse(tr.config, line, toks)
	if perr2 != nil {
		if perr2.tok > perr.tok {
			return nil, nil, perr2
		}
		return nil, nil, perr
	}
	return c2, func(c *call) {
		s.mode = mode{kind: modeConfig}
		run2(c)
	}, nil
}

// errUnknownHost is IOS's answer to a lone unknown word in exec mode.
const errUnknownHost errKind = 100

// errorText is the device's message for a line it did not accept.
func (s *session) errorText(e *parseError, line string, toks []token) string {
	caret := strings.Repeat(" ", len(s.prompt())+e.pos) + "^"
	switch s.dev.plat.name {
	case PlatformEOS:
		switch e.kind {
		case errIncomplete:
			return "% Incomplete command"
		case errAmbiguous:
			return "% Ambiguous command"
		}
		if e.tok > 0 && e.tok < len(toks) {
			return "% Invalid input (at token " + itoa(e.tok) + ": '" + toks[e.tok].text + "')"
		}
		return "% Invalid input"
	case PlatformNXOS:
		switch e.kind {
		case errIncomplete:
			return caret + "\n% Incomplete command at '^' marker."
		case errAmbiguous:
			return caret + "\n% Ambiguous command at '^' marker."
		}
		return caret + "\n% Invalid command at '^' marker."
	default:
		switch e.kind {
		case errIncomplete:
			return "% Incomplete command.\n\n"
		case errAmbiguous:
			return "% Ambiguous command:  \"" + strings.TrimSpace(line) + "\""
		case errUnknownHost:
			return "Translating \"" + strings.TrimSpace(line) + "\"\n% Unknown command or computer name, or unable to find computer address"
		}
		return caret + "\n% Invalid input detected at '^' marker.\n\n"
	}
}

// tokenAt is the index of the word containing byte offset pos.
func tokenAt(toks []token, pos int) int {
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].pos <= pos {
			return i
		}
	}
	return 0
}

// help answers `?`: the words that may come next.
func (s *session) help() {
	t := s.dev.trees.forMode(s.mode.kind, s.mode.aclStd)
	s.put("?\n")
	words := t.completions(string(s.line))
	if words == nil {
		s.put("% Unrecognized command\n")
	}
	for _, w := range words {
		s.put("  " + w + "\n")
	}
	s.put(s.prompt())
	s.out.Write(s.line)
}

// applyFilter applies a show command's output filter: include, exclude,
// begin or section, each followed by a regular expression.
func applyFilter(out, filter string, pos int) (string, *parseError) {
	verb, expr, _ := strings.Cut(filter, " ")
	expr = strings.TrimSpace(expr)
	verbs := []string{"begin", "exclude", "include", "section"}
	var v string
	for _, cand := range verbs {
		if verb != "" && strings.HasPrefix(cand, strings.ToLower(verb)) {
			if v != "" {
				return "", &parseError{kind: errAmbiguous, pos: pos}
			}
			v = cand
		}
	}
	if v == "" {
		return "", &parseError{kind: errInvalid, pos: pos}
	}
	if expr == "" {
		return "", &parseError{kind: errIncomplete, pos: pos + len(filter)}
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return "", &parseError{kind: errInvalid, pos: pos + len(verb) + 1}
	}
	var b strings.Builder
	lines := splitLines(out)
	switch v {
	case "include", "exclude":
		for _, l := range lines {
			if re.MatchString(l) == (v == "include") {
				b.WriteString(l + "\n")
			}
		}
	case "begin":
		for i, l := range lines {
			if re.MatchString(l) {
				b.WriteString(strings.Join(lines[i:], "\n") + "\n")
				break
			}
		}
	case "section":
		in := false
		for _, l := range lines {
			top := l != "" && l[0] != ' '
			if top {
				in = re.MatchString(l)
			} else if !in && re.MatchString(l) {
				b.WriteString(l + "\n")
				continue
			}
			if in && l != "" {
				b.WriteString(l + "\n")
			}
		}
	}
	return b.String(), nil
}
