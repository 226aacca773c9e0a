package cli

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// IOStreams are the standard streams of one steward run, with what is known
// about them. It is the only place that asks whether a stream is a
// terminal, so tests can drive every command with buffers (see TestIO).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	// width is the terminal width of Out, 0 when unknown.
	width int
}

// SystemIO wraps the given process streams, detecting terminals.
func SystemIO(in io.Reader, out, errOut io.Writer) *IOStreams {
	s := &IOStreams{In: in, Out: out, ErrOut: errOut}
	s.inTTY = isTerminal(in)
	s.outTTY = isTerminal(out)
	s.errTTY = isTerminal(errOut)
	if f, ok := out.(*os.File); ok && s.outTTY {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			s.width = w
		}
	}
	return s
}

// TestIO returns streams backed by buffers: the input, and what was written
// to standard output and standard error. None of them is a terminal.
func TestIO() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetTTY overrides terminal detection, for tests of interactive behaviour.
func (s *IOStreams) SetTTY(in, out, errOut bool) {
	s.inTTY, s.outTTY, s.errTTY = in, out, errOut
}

// IsInputTTY reports whether standard input is a terminal a person can type
// an answer into.
func (s *IOStreams) IsInputTTY() bool { return s.inTTY }

// IsOutputTTY reports whether standard output is a terminal.
func (s *IOStreams) IsOutputTTY() bool { return s.outTTY }

// IsErrorTTY reports whether standard error is a terminal.
func (s *IOStreams) IsErrorTTY() bool { return s.errTTY }

// Width is the width to render for: the terminal's, else $COLUMNS, else 80.
func (s *IOStreams) Width(environ []string) int {
	if s.width > 0 {
		return s.width
	}
	if n, err := strconv.Atoi(lookupEnv(environ, "COLUMNS")); err == nil && n > 20 {
		return n
	}
	return 80
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// lookupEnv finds name in an environment list as os.Environ returns it; the
// last entry wins, as with the process environment itself.
func lookupEnv(environ []string, name string) string {
	val := ""
	for _, kv := range environ {
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			val = kv[len(name)+1:]
		}
	}
	return val
}
