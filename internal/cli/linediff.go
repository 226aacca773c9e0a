package cli

import (
	"fmt"
	"strings"
)

// unifiedDiff returns a unified diff (3 lines of context) turning a into b,
// or "" when they are equal. It serves `fmt -diff`, where the changes are
// small and local; above a size limit the differing middle of the files is
// shown as one replaced block rather than spending quadratic time on it.
func unifiedDiff(name string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	al, bl := splitLines(string(a)), splitLines(string(b))
	ops := diffLines(al, bl)
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

// maxDiffCells bounds the LCS table.
const maxDiffCells = 4 << 20

// diffLines aligns a and b by a longest common subsequence of lines.
func diffLines(a, b []string) []lineOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []lineOp
	for i := 0; i < pre; i++ {
		ops = append(ops, lineOp{' ', a[i], i, i})
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(am), len(bm)
	if (n+1)*(m+1) > maxDiffCells {
		for i, l := range am {
			ops = append(ops, lineOp{'-', l, pre + i, pre})
		}
		for j, l := range bm {
			ops = append(ops, lineOp{'+', l, pre + n, pre + j})
		}
	} else {
		// lcs[i][j] is the LCS length of am[i:] and bm[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if am[i] == bm[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && am[i] == bm[j]:
				ops = append(ops, lineOp{' ', am[i], pre + i, pre + j})
				i++
				j++
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, lineOp{'-', am[i], pre + i, pre + j})
				i++
			default:
				ops = append(ops, lineOp{'+', bm[j], pre + i, pre + j})
				j++
			}
		}
	}
	for k := 0; k < suf; k++ {
		ai, bi := len(a)-suf+k, len(b)-suf+k
		ops = append(ops, lineOp{' ', a[ai], ai, bi})
	}
	return ops
}
