package graph

import "slices"

// Graph is a directed graph of comparable node keys. An edge from A to B
// means "A depends on B": B must be processed before A.
//
// The zero value is not usable; create graphs with [New].
type Graph[K comparable] struct {
	// Nodes are stored densely by insertion index so the algorithms can
	// use slices instead of maps on their hot paths, and so that insertion
	// order is available for deterministic output.
	index map[K]int32
	keys  []K

	// deps[i] and dependents[i] hold neighbour indices in the order the
	// edges were added, which is what makes traversals deterministic.
	deps       [][]int32
	dependents [][]int32

	// edges indexes the out-edges of nodes with more than scanLimit
	// dependencies, so that Connect stays O(1) for very wide nodes where
	// scanning the adjacency list would make building quadratic.
	edges map[uint64]struct{}
}

// scanLimit is the out-degree up to which duplicate edges are found by
// scanning the adjacency list. A short contiguous scan is several times
// faster than probing a map with hundreds of thousands of entries, which
// is dominated by cache misses, and most nodes have only a few
// dependencies.
const scanLimit = 32

// New returns an empty graph.
func New[K comparable]() *Graph[K] {
	return &Graph[K]{
		index: make(map[K]int32),
		edges: make(map[uint64]struct{}),
	}
}

func edgeKey(from, to int32) uint64 {
	return uint64(uint32(from))<<32 | uint64(uint32(to))
}

// Add adds k to the graph. Adding a node that is already present does
// nothing and does not change its position in the insertion order.
func (g *Graph[K]) Add(k K) {
	g.add(k)
}

func (g *Graph[K]) add(k K) int32 {
	if i, ok := g.index[k]; ok {
		return i
	}
	i := int32(len(g.keys))
	g.index[k] = i
	g.keys = append(g.keys, k)
	g.deps = append(g.deps, nil)
	g.dependents = append(g.dependents, nil)
	return i
}

// Connect records that dependent depends on dependency, adding either node
// if it is missing. Connecting the same pair again does nothing. A node
// connected to itself forms a cycle and will be reported as such rather than
// rejected here, so that all problems surface together in one diagnostic.
func (g *Graph[K]) Connect(dependent, dependency K) {
	from := g.add(dependent)
	to := g.add(dependency)
	if g.hasEdge(from, to) {
		return
	}
	g.deps[from] = append(g.deps[from], to)
	g.dependents[to] = append(g.dependents[to], from)
	g.indexEdges(from)
}

func (g *Graph[K]) hasEdge(from, to int32) bool {
	if deps := g.deps[from]; len(deps) <= scanLimit {
		return slices.Contains(deps, to)
	}
	_, ok := g.edges[edgeKey(from, to)]
	return ok
}

// indexEdges keeps g.edges in step after an edge was appended to
// deps[from]: the node's whole list is indexed when it first outgrows
// scanLimit, and only the new edge after that.
func (g *Graph[K]) indexEdges(from int32) {
	deps := g.deps[from]
	switch {
	case len(deps) <= scanLimit:
	case len(deps) == scanLimit+1:
		for _, to := range deps {
			g.edges[edgeKey(from, to)] = struct{}{}
		}
	default:
		g.edges[edgeKey(from, deps[len(deps)-1])] = struct{}{}
	}
}

// Has reports whether k is a node of the graph.
func (g *Graph[K]) Has(k K) bool {
	_, ok := g.index[k]
	return ok
}

// Len returns the number of nodes.
func (g *Graph[K]) Len() int {
	return len(g.keys)
}

// Nodes returns every node in insertion order. The slice is a copy.
func (g *Graph[K]) Nodes() []K {
	return append([]K(nil), g.keys...)
}

// DependenciesOf returns the direct dependencies of k in the order the edges
// were added, or nil if k is not in the graph.
func (g *Graph[K]) DependenciesOf(k K) []K {
	i, ok := g.index[k]
	if !ok {
		return nil
	}
	return g.keysOf(g.deps[i])
}

// DependentsOf returns the nodes that directly depend on k in the order the
// edges were added, or nil if k is not in the graph.
func (g *Graph[K]) DependentsOf(k K) []K {
	i, ok := g.index[k]
	if !ok {
		return nil
	}
	return g.keysOf(g.dependents[i])
}

func (g *Graph[K]) keysOf(idx []int32) []K {
	if len(idx) == 0 {
		return nil
	}
	out := make([]K, len(idx))
	for j, i := range idx {
		out[j] = g.keys[i]
	}
	return out
}

// Reverse returns a new graph with the same nodes, in the same insertion
// order, and every edge flipped. Destroy must tear down a dependent before
// the things it depends on, which is exactly the walk order of the reversed
// graph.
func (g *Graph[K]) Reverse() *Graph[K] {
	r := &Graph[K]{
		index:      make(map[K]int32, len(g.keys)),
		keys:       append([]K(nil), g.keys...),
		deps:       cloneAdjacency(g.dependents),
		dependents: cloneAdjacency(g.deps),
		edges:      make(map[uint64]struct{}),
	}
	for k, i := range g.index {
		r.index[k] = i
	}
	// Out-degrees change under reversal, so the index of wide nodes is
	// rebuilt rather than flipped.
	for from, deps := range r.deps {
		if len(deps) > scanLimit {
			for _, to := range deps {
				r.edges[edgeKey(int32(from), to)] = struct{}{}
			}
		}
	}
	return r
}

// cloneAdjacency deep-copies adjacency lists into one backing array, so the
// copy shares nothing with the original (later Connects on either graph
// must not leak into the other) while costing a single large allocation.
func cloneAdjacency(adj [][]int32) [][]int32 {
	total := 0
	for _, a := range adj {
		total += len(a)
	}
	backing := make([]int32, 0, total)
	out := make([][]int32, len(adj))
	for i, a := range adj {
		if len(a) == 0 {
			continue
		}
		start := len(backing)
		backing = append(backing, a...)
		// Full slice expression: appending to out[i] must reallocate
		// instead of overwriting the neighbour list stored after it.
		out[i] = backing[start:len(backing):len(backing)]
	}
	return out
}

// TransitiveDependencies returns roots together with everything they
// depend on, directly or indirectly. This is the set of nodes that must be
// processed when only roots were requested (for example with -target).
// Roots that are not in the graph are ignored.
func (g *Graph[K]) TransitiveDependencies(roots ...K) map[K]struct{} {
	return g.reach(g.deps, roots)
}

// TransitiveDependents returns roots together with everything that depends
// on them, directly or indirectly: the nodes affected by a change to roots.
// Roots that are not in the graph are ignored.
func (g *Graph[K]) TransitiveDependents(roots ...K) map[K]struct{} {
	return g.reach(g.dependents, roots)
}

func (g *Graph[K]) reach(adj [][]int32, roots []K) map[K]struct{} {
	seen := make([]bool, len(g.keys))
	queue := make([]int32, 0, len(roots))
	for _, k := range roots {
		if i, ok := g.index[k]; ok && !seen[i] {
			seen[i] = true
			queue = append(queue, i)
		}
	}
	for head := 0; head < len(queue); head++ {
		for _, w := range adj[queue[head]] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	out := make(map[K]struct{}, len(queue))
	for _, i := range queue {
		out[g.keys[i]] = struct{}{}
	}
	return out
}
