// Package graph provides a generic, provider-agnostic directed acyclic graph
// used by the engine to order evaluation, planning and applying of resource
// nodes.
//
// Use it whenever work items have "must happen after" relationships and you
// need a deterministic serial order ([Graph.TopoOrder]), a bounded-parallel
// execution that respects those relationships and contains failures
// ([Graph.Walk]), the closure of a selection such as -target
// ([Graph.TransitiveDependencies], [Graph.TransitiveDependents]), the
// opposite ordering for destroy ([Graph.Reverse]), or a diagnostic when the
// configuration is circular ([Graph.Cycles], [CycleError]).
//
// Edges point from a dependent to its dependency: Connect(a, b) means "a
// depends on b", so b is ordered, and walked, before a. This matches how
// references read in configuration (a refers to b) and how they are
// rendered in DOT output.
//
// The package knows nothing about resources, providers or addresses; the
// node key type K only has to be comparable. Callers that need richer data
// keep it in their own maps keyed by K, which keeps this package free of
// engine imports and lets every engine phase share one implementation.
//
// All algorithms are iterative and linear in nodes plus edges, so graphs
// with hundreds of thousands of nodes and arbitrarily long dependency chains
// are handled without recursion depth limits. Results are deterministic:
// they depend only on the order in which nodes and edges were added, never
// on map iteration order, so plans and error messages are reproducible.
//
// A Graph is not safe for concurrent mutation. Read-only methods, including
// those called from inside a Walk callback, may run concurrently as long as
// nothing modifies the graph at the same time.
package graph
