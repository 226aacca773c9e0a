package plugin

import (
	"bytes"
	"strings"
	"sync"
)

// tailLines keeps the last lines a plugin wrote to its standard error, so
// that a crash can be explained with the plugin's own last words.
// Structured log lines (hclog's JSON) are left out: they go to the log
// sink, and they are not what a user needs to see. A Go panic is kept from
// its first line, the message and the top of the stack, since the end of
// a long goroutine dump explains nothing.
type tailLines struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial []byte
	inPanic bool
}

// panicLines is how much of a panic is kept: the message and where it
// happened (the panicking function and its file and line); the rest of
// the stack is in the log when STEWARD_LOG asks for it.
const panicLines = 3

func newTailLines(max int) *tailLines { return &tailLines{max: max} }

// Write receives the plugin's raw standard error.
func (t *tailLines) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial = append(t.partial, p...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(t.partial[:i]), "\r")
		t.partial = t.partial[i+1:]
		if line == "" || strings.HasPrefix(line, `{"@`) {
			continue
		}
		if !t.inPanic && (strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ")) {
			t.inPanic = true
			t.lines = t.lines[:0]
		}
		if t.inPanic {
			if len(t.lines) < panicLines && !strings.HasPrefix(line, "goroutine ") {
				t.lines = append(t.lines, strings.TrimSpace(line))
			}
			continue
		}
		t.lines = append(t.lines, line)
		if len(t.lines) > t.max {
			t.lines = t.lines[len(t.lines)-t.max:]
		}
	}
	return len(p), nil
}

// String returns the kept lines.
func (t *tailLines) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
