package graph

import (
	"fmt"
	"slices"
	"strings"
)

// components holds the strongly connected components found by tarjan,
// flattened into one slice to avoid an allocation per node on large acyclic
// graphs, where every component is a single node.
type components struct {
	nodes  []int32 // members of all components, component by component
	starts []int32 // component c is nodes[starts[c]:starts[c+1]]
}

func (c *components) len() int { return len(c.starts) - 1 }

func (c *components) get(i int) []int32 { return c.nodes[c.starts[i]:c.starts[i+1]] }

// tarjan computes strongly connected components with an explicit call stack,
// because the engine must cope with dependency chains far longer than would
// be comfortable to recurse through.
//
// Roots are tried in insertion order and edges in the order they were added.
// Tarjan emits a component only after every component reachable from it, and
// edges point at dependencies, so on an acyclic graph the emission order is
// already a dependencies-first topological order; TopoOrder relies on that.
func (g *Graph[K]) tarjan() components {
	n := len(g.keys)
	// index[v] is 1-based so that the zero value means "unvisited".
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	stack := make([]int32, 0, 64)
	type frame struct {
		v    int32
		next int32 // next position in deps[v] to explore
	}
	calls := make([]frame, 0, 64)
	out := components{
		nodes:  make([]int32, 0, n),
		starts: make([]int32, 1, n+1),
	}
	var counter int32

	push := func(v int32) {
		counter++
		index[v] = counter
		low[v] = counter
		stack = append(stack, v)
		onStack[v] = true
		calls = append(calls, frame{v: v})
	}

	for root := range int32(n) {
		if index[root] != 0 {
			continue
		}
		push(root)
		for len(calls) > 0 {
			top := &calls[len(calls)-1]
			v := top.v
			if int(top.next) < len(g.deps[v]) {
				w := g.deps[v][top.next]
				top.next++
				switch {
				case index[w] == 0:
					push(w) // invalidates top; it is not used again this iteration
				case onStack[w]:
					low[v] = min(low[v], index[w])
				}
				continue
			}

			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				parent := calls[len(calls)-1].v
				low[parent] = min(low[parent], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				out.nodes = append(out.nodes, w)
				if w == v {
					break
				}
			}
			out.starts = append(out.starts, int32(len(out.nodes)))
		}
	}
	return out
}

func (g *Graph[K]) hasSelfEdge(v int32) bool {
	return g.hasEdge(v, v)
}

// cyclic reports whether component members form a cycle. Only singleton
// components need the self-edge check; a larger component is cyclic by
// definition.
func (g *Graph[K]) cyclic(members []int32) bool {
	return len(members) > 1 || g.hasSelfEdge(members[0])
}

// TopoOrder returns every node ordered so that each node comes after all of
// its dependencies.
//
// The order is deterministic and as close to insertion order as the edges
// allow: nodes appear in insertion order, except that a node's dependencies
// that have not appeared yet are placed immediately before it. A graph with
// no edges therefore yields exactly its insertion order.
//
// If the graph has a cycle, TopoOrder returns a *[CycleError] describing
// every cycle, as [Graph.Cycles] would.
func (g *Graph[K]) TopoOrder() ([]K, error) {
	comps := g.tarjan()
	if err := g.cycleError(&comps); err != nil {
		return nil, err
	}
	// Every component is a single node, so the flattened list is the order.
	return g.keysOf(comps.nodes), nil
}

// Cycles returns the cycles of the graph, each as a path K1, K2, ..., K1 in
// which every node depends on the next. It returns nil if the graph is
// acyclic.
//
// Enumerating every elementary cycle can take exponential time (a component
// of n mutually dependent nodes has up to (n-1)! of them), which is useless
// both for performance and for a human reading the diagnostic. Instead
// Cycles reports, for every strongly connected component that contains a
// cycle, the shortest cycle through the component's earliest-inserted node,
// plus every self-dependency as its own one-node cycle. So each independent
// problem is reported, and breaking every reported cycle is the least a
// user must do before the next run can find anything new.
//
// Cycles are ordered by the insertion index of their first node, and a
// self-dependency comes before a longer cycle starting at the same node.
func (g *Graph[K]) Cycles() [][]K {
	comps := g.tarjan()
	return g.cycles(&comps)
}

func (g *Graph[K]) cycleError(comps *components) error {
	cycles := g.cycles(comps)
	if cycles == nil {
		return nil
	}
	return &CycleError[K]{Cycles: cycles}
}

func (g *Graph[K]) cycles(comps *components) [][]K {
	type found struct {
		first int32
		path  []int32
	}
	var all []found
	// Lazily allocated: acyclic graphs, the common case, never pay for it.
	var bfs *cycleSearch

	for c := range comps.len() {
		members := comps.get(c)
		if !g.cyclic(members) {
			continue
		}
		for _, v := range members {
			if g.hasSelfEdge(v) {
				all = append(all, found{v, []int32{v, v}})
			}
		}
		if len(members) == 1 {
			continue
		}
		if bfs == nil {
			bfs = newCycleSearch(len(g.keys))
		}
		start := slices.Min(members)
		all = append(all, found{start, bfs.shortest(g.deps, c, members, start)})
	}
	if len(all) == 0 {
		return nil
	}
	slices.SortFunc(all, func(a, b found) int {
		if a.first != b.first {
			return int(a.first - b.first)
		}
		return len(a.path) - len(b.path)
	})
	out := make([][]K, len(all))
	for i, f := range all {
		out[i] = g.keysOf(f.path)
	}
	return out
}

// cycleSearch holds scratch space reused across components, so that finding
// cycles in many components stays linear overall instead of allocating
// graph-sized arrays per component.
type cycleSearch struct {
	comp   []int32 // component id + 1 of each node being searched, else 0
	parent []int32 // BFS tree; -1 for unvisited
	queue  []int32
}

func newCycleSearch(n int) *cycleSearch {
	s := &cycleSearch{
		comp:   make([]int32, n),
		parent: make([]int32, n),
	}
	for i := range s.parent {
		s.parent[i] = -1
	}
	return s
}

// shortest finds a shortest cycle through start that stays inside the
// component, ignoring self-edges (those are reported separately). One
// exists because every member of a non-trivial component can reach start.
func (s *cycleSearch) shortest(deps [][]int32, id int, members []int32, start int32) []int32 {
	tag := int32(id) + 1
	for _, v := range members {
		s.comp[v] = tag
	}
	defer func() {
		for _, v := range members {
			s.parent[v] = -1
		}
	}()

	s.queue = append(s.queue[:0], start)
	s.parent[start] = start
	for head := 0; head < len(s.queue); head++ {
		v := s.queue[head]
		for _, w := range deps[v] {
			if s.comp[w] != tag || w == v {
				continue
			}
			if w == start {
				// Walk the BFS tree back to start, then flip it so the
				// path reads in dependency direction.
				path := []int32{start}
				for u := v; u != start; u = s.parent[u] {
					path = append(path, u)
				}
				path = append(path, start)
				slices.Reverse(path)
				return path
			}
			if s.parent[w] == -1 {
				s.parent[w] = v
				s.queue = append(s.queue, w)
			}
		}
	}
	panic("graph: strongly connected component without a cycle through its root")
}

// CycleError reports that a graph could not be ordered because it contains
// dependency cycles. Cycles has the same content as [Graph.Cycles], so
// callers can map each node back to its source location when rendering
// diagnostics.
type CycleError[K comparable] struct {
	Cycles [][]K
}

func (e *CycleError[K]) Error() string {
	var b strings.Builder
	if len(e.Cycles) == 1 {
		b.WriteString("dependency cycle: ")
	} else {
		fmt.Fprintf(&b, "%d dependency cycles: ", len(e.Cycles))
	}
	for i, c := range e.Cycles {
		if i > 0 {
			b.WriteString("; ")
		}
		for j, k := range c {
			if j > 0 {
				b.WriteString(" -> ")
			}
			fmt.Fprint(&b, k)
		}
	}
	return b.String()
}
