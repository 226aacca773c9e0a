package ui

type opKind int

const (
	opKeep opKind = iota
	opDel
	opIns
)

// seqOp is one step of an edit script: keep b[bi] (== a[ai]), delete b[bi],
// or insert a[ai].
type seqOp struct {
	kind   opKind
	bi, ai int
}

// lcsCellLimit bounds the quadratic table so that a pathological list (tens
// of thousands of changed elements) degrades to a positional comparison
// instead of eating memory while a reviewer waits.
const lcsCellLimit = 4_000_000

// diffSeq computes an edit script turning a sequence of nb elements into one
// of na elements, keeping a longest common subsequence so that inserting one
// VLAN into a trunk list shows as one insertion, not a shifted list.
func diffSeq(nb, na int, eq func(bi, ai int) bool) []seqOp {
	var ops []seqOp
	// Common prefixes and suffixes are the usual case and cost nothing.
	pre := 0
	for pre < nb && pre < na && eq(pre, pre) {
		ops = append(ops, seqOp{opKeep, pre, pre})
		pre++
	}
	suf := 0
	for suf < nb-pre && suf < na-pre && eq(nb-1-suf, na-1-suf) {
		suf++
	}
	n, m := nb-pre-suf, na-pre-suf

	if n > 0 && m > 0 && n*m <= lcsCellLimit {
		// t[i][j] is the LCS length of b[pre+i:] and a[pre+j:] (middle part).
		t := make([][]int32, n+1)
		for i := range t {
			t[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				switch {
				case eq(pre+i, pre+j):
					t[i][j] = t[i+1][j+1] + 1
				case t[i+1][j] >= t[i][j+1]:
					t[i][j] = t[i+1][j]
				default:
					t[i][j] = t[i][j+1]
				}
			}
		}
		i, j := 0, 0
		for i < n && j < m {
			switch {
			case eq(pre+i, pre+j):
				ops = append(ops, seqOp{opKeep, pre + i, pre + j})
				i++
				j++
			case t[i+1][j] >= t[i][j+1]:
				ops = append(ops, seqOp{opDel, pre + i, -1})
				i++
			default:
				ops = append(ops, seqOp{opIns, -1, pre + j})
				j++
			}
		}
		for ; i < n; i++ {
			ops = append(ops, seqOp{opDel, pre + i, -1})
		}
		for ; j < m; j++ {
			ops = append(ops, seqOp{opIns, -1, pre + j})
		}
	} else {
		k := 0
		for ; k < n && k < m; k++ {
			if eq(pre+k, pre+k) {
				ops = append(ops, seqOp{opKeep, pre + k, pre + k})
			} else {
				ops = append(ops, seqOp{opDel, pre + k, -1}, seqOp{opIns, -1, pre + k})
			}
		}
		for i := k; i < n; i++ {
			ops = append(ops, seqOp{opDel, pre + i, -1})
		}
		for j := k; j < m; j++ {
			ops = append(ops, seqOp{opIns, -1, pre + j})
		}
	}

	for s := suf; s > 0; s-- {
		ops = append(ops, seqOp{opKeep, nb - s, na - s})
	}
	return ops
}

// hunk is a maximal run of edits between kept elements, with the deletions
// and insertions collected so that the renderer can pair them as updates.
type hunk struct {
	keep int // >0 for a run of kept elements, which has no edits
	dels []int
	ins  []int
}

// hunks groups an edit script into runs of kept elements and runs of edits.
func hunks(ops []seqOp) []hunk {
	var out []hunk
	for i := 0; i < len(ops); {
		if ops[i].kind == opKeep {
			n := 0
			for i < len(ops) && ops[i].kind == opKeep {
				n++
				i++
			}
			out = append(out, hunk{keep: n})
			continue
		}
		var h hunk
		for i < len(ops) && ops[i].kind != opKeep {
			if ops[i].kind == opDel {
				h.dels = append(h.dels, ops[i].bi)
			} else {
				h.ins = append(h.ins, ops[i].ai)
			}
			i++
		}
		out = append(out, h)
	}
	return out
}
