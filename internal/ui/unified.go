package ui

import (
	"fmt"
	"strings"
)

// UnifiedDiff returns a unified diff (3 lines of context) turning a into b,
// or "" when they are equal. It serves `fmt -diff`, where the changes are
// small and local. The lines are aligned by the same edit script as the
// heredocs of a plan, so a very large differing middle is compared line by
// line rather than spending quadratic time on it.
func UnifiedDiff(name string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	ops := diffLines(splitLines(string(a)), splitLines(string(b)))
	var out strings.Builder
	fmt.Fprintf(&out, "--- old/%s\n+++ new/%s\n", name, name)
	const ctx = 3
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk runs from ctx lines before the first change to ctx lines
		// after the last change that is within 2*ctx of the next.
		start := max(i-ctx, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		aStart, bStart, aLen, bLen := -1, -1, 0, 0
		for _, op := range ops[start:end] {
			if op.kind != '+' {
				if aStart < 0 {
					aStart = op.a
				}
				aLen++
			}
			if op.kind != '-' {
				if bStart < 0 {
					bStart = op.b
				}
				bLen++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen, ops[start].a), hunkRange(bStart, bLen, ops[start].b))
		for _, op := range ops[start:end] {
			line := op.text
			out.WriteString(string(op.kind) + line)
			if !strings.HasSuffix(line, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}

func hunkRange(start, n, fallback int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", fallback)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

type lineOp struct {
	kind byte // ' ', '-' or '+'
	text string
	// a and b are the 0-based line numbers in each file (for '+', a is the
	// position in a before which the line is inserted, and vice versa).
	a, b int
}

// splitLines splits s after each newline, keeping the newlines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffLines turns diffSeq's edit script from a to b into lines numbered in
// both files. diffSeq calls the old sequence b(efore) and the new one
// a(fter): its bi indexes a here and its ai indexes b.
func diffLines(a, b []string) []lineOp {
	seq := diffSeq(len(a), len(b), func(i, j int) bool { return a[i] == b[j] })
	ops := make([]lineOp, 0, len(seq))
	ai, bi := 0, 0
	for _, op := range seq {
		switch op.kind {
		case opKeep:
			ops = append(ops, lineOp{' ', a[op.bi], ai, bi})
			ai++
			bi++
		case opDel:
			ops = append(ops, lineOp{'-', a[op.bi], ai, bi})
			ai++
		case opIns:
			ops = append(ops, lineOp{'+', b[op.ai], ai, bi})
			bi++
		}
	}
	return ops
}
