package ui

import "os"

// ColorAllowed reports whether coloured output may be used, given whether the
// user passed -no-color. NO_COLOR (https://no-color.org) disables colour when
// set to any non-empty value. Terminal detection is left to the CLI, which
// should AND this with its own check.
func ColorAllowed(noColorFlag bool) bool {
	return !noColorFlag && os.Getenv("NO_COLOR") == ""
}

// ANSI SGR sequences. Only the basic eight colours are used so the output
// reads well on both light and dark terminal themes.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// palette wraps text in colour codes, or leaves it alone when colour is off,
// so that rendering code never has to branch on the option itself.
type palette struct{ on bool }

func (p palette) wrap(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (p palette) bold(s string) string   { return p.wrap(ansiBold, s) }
func (p palette) red(s string) string    { return p.wrap(ansiRed, s) }
func (p palette) green(s string) string  { return p.wrap(ansiGreen, s) }
func (p palette) yellow(s string) string { return p.wrap(ansiYellow, s) }
func (p palette) cyan(s string) string   { return p.wrap(ansiCyan, s) }
