package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// DefaultParallelism is the number of nodes Walk runs at once when the
// caller passes a non-positive parallelism.
const DefaultParallelism = 10

// Status is the outcome of one node in a [Graph.Walk].
type Status int

const (
	// NotRun means the node was never started: the walk was cancelled
	// before its turn, or the graph had a cycle so nothing ran. It is the
	// zero value so that any node Walk did not get to reads as not run.
	NotRun Status = iota
	// Succeeded means the callback returned nil.
	Succeeded
	// Failed means the callback returned an error.
	Failed
	// Skipped means the node was not run because one of its transitive
	// dependencies failed.
	Skipped
)

func (s Status) String() string {
	switch s {
	case NotRun:
		return "not run"
	case Succeeded:
		return "succeeded"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// NodeResult is the outcome of one node in a [Graph.Walk].
type NodeResult[K comparable] struct {
	Status Status
	// Err is the callback's error when Status is Failed.
	Err error
	// Cause is the failed transitive dependency that prevented this node
	// from running when Status is Skipped. If several dependencies failed,
	// it is the first failure Walk observed.
	Cause K
}

// WalkResult is the outcome of a [Graph.Walk].
type WalkResult[K comparable] struct {
	// Nodes has an entry for every node in the graph.
	Nodes map[K]NodeResult[K]
	// Err is nil if every node succeeded. Otherwise it joins a *NodeError
	// per failed node (in insertion order), the context's cause if
	// cancellation left nodes unrun, or a *CycleError if the walk could
	// not start.
	Err error
}

// NodeError attributes a callback error to the node it came from.
type NodeError[K comparable] struct {
	Node K
	Err  error
}

func (e *NodeError[K]) Error() string { return fmt.Sprintf("%v: %v", e.Node, e.Err) }

func (e *NodeError[K]) Unwrap() error { return e.Err }

// Walk calls fn for every node, starting a node only after all of its
// dependencies have succeeded, with at most parallelism calls in flight
// (DefaultParallelism if parallelism <= 0).
//
// When fn fails for a node, every node that transitively depends on it is
// marked Skipped and never run, while unrelated nodes carry on; a failure
// in one part of the configuration should not hide the results of the rest.
// When ctx is done no further node starts, and Walk returns once the calls
// already in flight have finished, leaving the remaining nodes NotRun. fn
// receives ctx so that long-running calls can observe cancellation too.
//
// If the graph has a cycle, no node runs and the result's Err is a
// *[CycleError]; without this check the nodes on the cycle would wait for
// each other forever.
//
// fn is called from a fixed pool of goroutines and must be safe for
// concurrent use. Panics in fn are not recovered. The graph must not be
// modified during the walk.
func (g *Graph[K]) Walk(ctx context.Context, parallelism int, fn func(ctx context.Context, k K) error) *WalkResult[K] {
	if parallelism <= 0 {
		parallelism = DefaultParallelism
	}
	n := len(g.keys)
	w := &walker[K]{
		g:       g,
		results: make([]NodeResult[K], n),
		pending: make([]int32, n),
		ready:   make([]int32, 0, n),
	}

	comps := g.tarjan()
	if err := g.cycleError(&comps); err != nil {
		return w.result(ctx, err)
	}

	for v := range int32(n) {
		w.pending[v] = int32(len(g.deps[v]))
		if w.pending[v] == 0 {
			w.ready = append(w.ready, v)
		}
	}
	w.run(ctx, min(parallelism, n), fn)
	return w.result(ctx, nil)
}

// walker is the state of one Walk. It is owned by the coordinating
// goroutine only; workers see nothing but node indices and the callback,
// which is what keeps the walk free of locks.
type walker[K comparable] struct {
	g       *Graph[K]
	results []NodeResult[K]
	pending []int32 // unfinished dependencies per node
	ready   []int32 // FIFO of runnable nodes; each node is appended at most once
	head    int
}

type completion struct {
	v      int32
	err    error
	notRun bool
}

func (w *walker[K]) run(ctx context.Context, workers int, fn func(context.Context, K) error) {
	if workers == 0 {
		return
	}
	keys := w.g.keys
	work := make(chan int32)
	// Buffered to the pool size so a worker never blocks reporting back,
	// which means an idle worker is always about to receive from work.
	done := make(chan completion, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for v := range work {
				// Re-check here because the coordinator's send can
				// race with cancellation; this keeps the promise that
				// fn is never started after ctx is done.
				if ctx.Err() != nil {
					done <- completion{v: v, notRun: true}
					continue
				}
				done <- completion{v: v, err: fn(ctx, keys[v])}
			}
		})
	}
	defer func() {
		close(work)
		wg.Wait()
	}()

	running := 0
	stopped := false
	for {
		if !stopped && ctx.Err() != nil {
			stopped = true
		}
		if !stopped && w.head < len(w.ready) && running < workers {
			select {
			case work <- w.ready[w.head]:
				w.head++
				running++
			case c := <-done:
				running--
				w.complete(c)
			case <-ctx.Done():
				stopped = true
			}
			continue
		}
		if running == 0 {
			return
		}
		c := <-done
		running--
		w.complete(c)
	}
}

func (w *walker[K]) complete(c completion) {
	switch {
	case c.notRun:
		// Leave it NotRun; its dependents can never become ready.
	case c.err == nil:
		w.results[c.v].Status = Succeeded
		for _, d := range w.g.dependents[c.v] {
			w.pending[d]--
			if w.pending[d] == 0 {
				w.ready = append(w.ready, d)
			}
		}
	default:
		w.results[c.v] = NodeResult[K]{Status: Failed, Err: c.err}
		w.skipDependents(c.v)
	}
}

// skipDependents marks everything downstream of a failed node as Skipped.
// None of those nodes can have started, since they were all waiting on the
// node that just failed. The search stops at nodes already skipped because
// their own dependents were marked at the same time, so each node is
// visited once per walk, keeping the total work linear even with many
// failures.
func (w *walker[K]) skipDependents(failed int32) {
	cause := w.g.keys[failed]
	queue := []int32{failed}
	for head := 0; head < len(queue); head++ {
		for _, d := range w.g.dependents[queue[head]] {
			if w.results[d].Status != NotRun {
				continue
			}
			w.results[d] = NodeResult[K]{Status: Skipped, Cause: cause}
			queue = append(queue, d)
		}
	}
}

func (w *walker[K]) result(ctx context.Context, err error) *WalkResult[K] {
	res := &WalkResult[K]{Nodes: make(map[K]NodeResult[K], len(w.results))}
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	unrun := false
	for v, r := range w.results {
		k := w.g.keys[v]
		res.Nodes[k] = r
		switch r.Status {
		case Failed:
			errs = append(errs, &NodeError[K]{Node: k, Err: r.Err})
		case NotRun:
			unrun = true
		}
	}
	if err == nil && unrun {
		if cause := context.Cause(ctx); cause != nil {
			errs = append(errs, cause)
		}
	}
	if len(errs) == 1 {
		// Unwrapped so callers can type-assert the common single-error
		// case (notably *CycleError) without going through errors.As.
		res.Err = errs[0]
	} else {
		res.Err = errors.Join(errs...)
	}
	return res
}
