package graph

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// DOT writes the graph in Graphviz DOT format. Nodes are emitted in
// insertion order and edges in the order they were added, so the output is
// stable enough to diff. Edges point from dependent to dependency, as in the
// graph itself. label renders each node; if it is nil, fmt.Sprint is used.
//
// Nodes get synthetic identifiers and carry their text only as a label,
// because labels need not be unique or valid DOT identifiers.
func (g *Graph[K]) DOT(w io.Writer, name string, label func(K) string) error {
	if label == nil {
		label = func(k K) string { return fmt.Sprint(k) }
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("digraph ")
	bw.WriteString(dotQuote(name))
	bw.WriteString(" {\n")
	for i, k := range g.keys {
		fmt.Fprintf(bw, "\tn%d [label=%s];\n", i, dotQuote(label(k)))
	}
	for i, deps := range g.deps {
		for _, d := range deps {
			fmt.Fprintf(bw, "\tn%d -> n%d;\n", i, d)
		}
	}
	bw.WriteString("}\n")
	// bufio.Writer remembers the first write error, so checking Flush
	// covers every write above.
	return bw.Flush()
}

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")

// dotQuote produces a DOT quoted string. Backslashes are doubled because
// Graphviz gives sequences like \n and \l special meaning in labels, and a
// resource address or expression should render literally.
func dotQuote(s string) string {
	return `"` + dotEscaper.Replace(s) + `"`
}
