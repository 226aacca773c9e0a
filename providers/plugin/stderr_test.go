package plugin

import (
	"fmt"
	"strings"
	"testing"
)

func TestTailLinesKeepsWhatExplainsACrash(t *testing.T) {
	tl := newTailLines(3)
	for i := 0; i < 5; i++ {
		fmt.Fprintf(tl, "line %d\n", i)
	}
	fmt.Fprintln(tl, `{"@level":"debug","@message":"structured log"}`)
	if got := tl.String(); got != "line 2\nline 3\nline 4" {
		t.Errorf("tail: %q", got)
	}
	// Written in pieces, as a pipe delivers it.
	for _, piece := range []string{"panic: boom\n\ngorou", "tine 7 [running]:\nmain.f()\n\t/src/main.go:12 +0x1\nmain.main()\n\t/src/main.go:3\n"} {
		tl.Write([]byte(piece))
	}
	if got := tl.String(); got != "panic: boom\nmain.f()\n/src/main.go:12 +0x1" {
		t.Errorf("panic: %q", got)
	}
	fmt.Fprintln(tl, "exit status 2")
	if !strings.HasPrefix(tl.String(), "panic: boom") {
		t.Errorf("lines after the panic pushed it out: %q", tl.String())
	}
}
