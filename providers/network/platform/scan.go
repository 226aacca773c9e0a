package platform

import (
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// parsed is a Config being read, with the indexes that keep parsing linear
// in the size of the configuration (ACLs of thousands of entries exist).
type parsed struct {
	c       *netconfig.Config
	acls    aclIndex
	routes  map[string]bool
	lastSeq map[string]int // IOS numbered ACLs: their entries have no numbers
}

func newParsed() *parsed {
	return &parsed{c: netconfig.New(), acls: aclIndex{}, routes: map[string]bool{}, lastSeq: map[string]int{}}
}

// addRoute keeps the first of two routes with one key; a device cannot
// print both.
func (p *parsed) addRoute(r *netconfig.StaticRoute) {
	if !p.routes[r.RouteKey()] {
		p.routes[r.RouteKey()] = true
		p.c.Routes = append(p.c.Routes, r)
	}
}

func (p *parsed) acl(name string) *netconfig.ACL {
	a := p.c.ACLs[name]
	if a == nil {
		a = &netconfig.ACL{Name: name}
		p.c.ACLs[name] = a
		p.acls[a] = map[int]int{}
	}
	return a
}

func (p *parsed) done() *netconfig.Config {
	p.acls.sortAll()
	p.c.SortRoutes()
	return p.c
}

// cfgLine is one meaningful line of a running configuration.
type cfgLine struct {
	n      int // 1-based, for error messages
	indent int
	text   string // without indentation or trailing blanks
}

// block is a top-level command and the sub-commands directly under it.
// Deeper lines (a `service instance` or `address-family` inside it) are
// dropped: their `description` or `ip address` is not the interface's.
type block struct {
	head cfgLine
	body []cfgLine
}

// splitConfig cuts a configuration into lines, dropping blank lines, `!`
// comments and the text of multi-line banners and macros, which may hold
// anything at column 0 (an "interface ..." in a MOTD must not be parsed).
// iosBanners enables the IOS family's banner forms; FRR's banners are
// always one line.
func splitConfig(text string, iosBanners bool) []cfgLine {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var out []cfgLine
	var delim string // inside a delimited banner
	inEOF, inMacro := false, false
	for n, raw := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(raw)
		switch {
		case delim != "":
			if strings.Contains(raw, delim) {
				delim = ""
			}
			continue
		case inEOF:
			if trimmed == "EOF" {
				inEOF = false
			}
			continue
		case inMacro:
			if trimmed == "@" {
				inMacro = false
			}
			continue
		}
		if trimmed == "" || trimmed[0] == '!' {
			continue
		}
		indent := len(raw) - len(strings.TrimLeft(raw, " \t"))
		if indent == 0 && iosBanners {
			if strings.HasPrefix(trimmed, "banner ") {
				delim, inEOF = bannerStart(trimmed)
				continue
			}
			if strings.HasPrefix(trimmed, "macro name ") {
				inMacro = true
				continue
			}
		}
		out = append(out, cfgLine{n: n + 1, indent: indent, text: trimmed})
	}
	return out
}

// bannerStart reads `banner motd ^C...`: IOS and NX-OS close the banner at
// the next occurrence of the delimiter (IOS prints a control character as
// ^C), EOS at a line holding only EOF.
func bannerStart(line string) (delim string, eof bool) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return "", false
	}
	rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(line, "banner"), " "))
	rest = strings.TrimSpace(rest[len(f[1]):])
	if rest == "" {
		return "", true
	}
	delim = rest[:1]
	if rest[0] == '^' && len(rest) >= 2 {
		delim = rest[:2]
	}
	if strings.Contains(rest[len(delim):], delim) {
		return "", false // the banner opened and closed on this line
	}
	return delim, false
}

// blocks groups lines under their top-level command.
func blocks(lines []cfgLine) []block {
	var out []block
	level := 0
	for _, l := range lines {
		if l.indent == 0 {
			out = append(out, block{head: l})
			level = 0
			continue
		}
		if len(out) == 0 {
			continue
		}
		b := &out[len(out)-1]
		if level == 0 {
			level = l.indent
		}
		if l.indent <= level {
			b.body = append(b.body, l)
		}
	}
	return out
}

// after returns the text after the first n words of s, with its own
// spacing kept (descriptions and remarks are free text).
func after(s string, n int) string {
	for i := 0; i < n; i++ {
		s = strings.TrimLeft(s, " \t")
		j := strings.IndexAny(s, " \t")
		if j < 0 {
			return ""
		}
		s = s[j:]
	}
	return strings.TrimSpace(s)
}
