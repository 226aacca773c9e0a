package graph

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// build creates a string graph from "dependent->dependency" specs; a spec
// without an arrow just adds the node.
func build(specs ...string) *Graph[string] {
	g := New[string]()
	for _, s := range specs {
		from, to, ok := strings.Cut(s, "->")
		if !ok {
			g.Add(s)
			continue
		}
		g.Connect(from, to)
	}
	return g
}

// randomDAG returns a DAG with n nodes inserted in shuffled order and edges
// only from higher to lower numbers, which guarantees acyclicity.
func randomDAG(seed uint64, n, edges int) *Graph[int] {
	r := rand.New(rand.NewPCG(seed, seed))
	g := New[int]()
	for _, v := range r.Perm(n) {
		g.Add(v)
	}
	for range edges {
		a, b := r.IntN(n), r.IntN(n)
		if a == b {
			continue
		}
		g.Connect(max(a, b), min(a, b))
	}
	return g
}

func setOf(ks ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(ks))
	for _, k := range ks {
		m[k] = struct{}{}
	}
	return m
}

func assertTopological[K comparable](t *testing.T, g *Graph[K], order []K) {
	t.Helper()
	if len(order) != g.Len() {
		t.Fatalf("order has %d nodes, graph has %d", len(order), g.Len())
	}
	pos := make(map[K]int, len(order))
	for i, k := range order {
		if _, dup := pos[k]; dup {
			t.Fatalf("node %v appears twice", k)
		}
		pos[k] = i
	}
	for _, k := range g.Nodes() {
		for _, d := range g.DependenciesOf(k) {
			if pos[d] >= pos[k] {
				t.Fatalf("%v ordered before its dependency %v", k, d)
			}
		}
	}
}

func TestBasics(t *testing.T) {
	g := New[string]()
	g.Add("a")
	g.Add("b")
	g.Add("a")
	g.Connect("c", "a")
	g.Connect("c", "a")
	g.Connect("c", "b")
	g.Connect("b", "a")

	if got, want := g.Nodes(), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("Nodes = %v, want %v", got, want)
	}
	if g.Len() != 3 {
		t.Errorf("Len = %d, want 3", g.Len())
	}
	if got, want := g.DependenciesOf("c"), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("DependenciesOf(c) = %v, want %v", got, want)
	}
	if got, want := g.DependentsOf("a"), []string{"c", "b"}; !slices.Equal(got, want) {
		t.Errorf("DependentsOf(a) = %v, want %v", got, want)
	}
	if g.DependenciesOf("a") != nil || g.DependenciesOf("missing") != nil || g.DependentsOf("missing") != nil {
		t.Error("expected nil neighbours for leaf and unknown nodes")
	}
	if !g.Has("b") || g.Has("missing") {
		t.Error("Has gave the wrong answer")
	}

	// Wide nodes switch duplicate detection from scanning to an index;
	// both paths, and Reverse's rebuild of the index, must de-duplicate.
	w := New[int]()
	for range 2 {
		for i := range 3 * scanLimit {
			w.Connect(-1, i)
			w.Connect(i, -2)
		}
	}
	if n := len(w.DependenciesOf(-1)); n != 3*scanLimit {
		t.Errorf("wide node has %d dependencies, want %d", n, 3*scanLimit)
	}
	w.Connect(-1, -1)
	w.Connect(-1, -1)
	if n := len(w.DependenciesOf(-1)); n != 3*scanLimit+1 {
		t.Errorf("self edge not de-duplicated on wide node: %d", n)
	}
	if c := w.Cycles(); !reflect.DeepEqual(c, [][]int{{-1, -1}}) {
		t.Errorf("Cycles = %v", c)
	}
	r := w.Reverse()
	for i := range 3 * scanLimit {
		r.Connect(-2, i)
		r.Connect(i, -1)
	}
	if a, b := len(r.DependenciesOf(-2)), len(r.DependentsOf(-1)); a != 3*scanLimit || b != 3*scanLimit+1 {
		t.Errorf("reversed wide nodes gained duplicates: %d, %d", a, b)
	}

	// Mutating a returned slice must not corrupt the graph.
	g.Nodes()[0] = "x"
	g.DependenciesOf("c")[0] = "x"
	if g.Nodes()[0] != "a" || g.DependenciesOf("c")[0] != "a" {
		t.Error("returned slices alias internal state")
	}
}

func TestTopoOrder(t *testing.T) {
	t.Run("no edges keeps insertion order", func(t *testing.T) {
		g := build("z", "y", "x", "w")
		got, err := g.TopoOrder()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"z", "y", "x", "w"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})

	t.Run("dependencies pulled just before first dependent", func(t *testing.T) {
		// Declaration order a, b, c, d, e; a needs d and c; c needs e.
		g := build("a", "b", "c", "d", "e", "a->d", "a->c", "c->e")
		got, err := g.TopoOrder()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"d", "e", "c", "a", "b"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})

	t.Run("deterministic across runs and rebuilds", func(t *testing.T) {
		first, err := randomDAG(1, 2000, 6000).TopoOrder()
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			g := randomDAG(1, 2000, 6000)
			got, err := g.TopoOrder()
			if err != nil {
				t.Fatal(err)
			}
			assertTopological(t, g, got)
			if !slices.Equal(got, first) {
				t.Fatalf("run %d produced a different order", i)
			}
		}
	})

	t.Run("deep chain does not recurse", func(t *testing.T) {
		const n = 300_000
		g := New[int]()
		for i := 1; i < n; i++ {
			g.Connect(i-1, i) // 0 depends on 1 depends on 2 ...
		}
		got, err := g.TopoOrder()
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != n-1 || got[n-1] != 0 {
			t.Errorf("chain order wrong: first %d last %d", got[0], got[n-1])
		}
	})

	t.Run("cycle", func(t *testing.T) {
		g := build("a->b", "b->a", "c")
		order, err := g.TopoOrder()
		if order != nil {
			t.Errorf("expected no order, got %v", order)
		}
		var ce *CycleError[string]
		if !errors.As(err, &ce) {
			t.Fatalf("expected *CycleError, got %T %v", err, err)
		}
		if want := [][]string{{"a", "b", "a"}}; !reflect.DeepEqual(ce.Cycles, want) {
			t.Errorf("cycles = %v, want %v", ce.Cycles, want)
		}
	})
}

func TestCycles(t *testing.T) {
	tests := []struct {
		name  string
		specs []string
		want  [][]string
	}{
		{"acyclic", []string{"a->b", "b->c", "a->c"}, nil},
		{"self edge", []string{"x", "a->a"}, [][]string{{"a", "a"}}},
		{"two nodes", []string{"a->b", "b->a"}, [][]string{{"a", "b", "a"}}},
		{
			"three nodes",
			[]string{"a->b", "b->c", "c->a"},
			[][]string{{"a", "b", "c", "a"}},
		},
		{
			// Path starts at the earliest-inserted member, whatever
			// order the edges were added in.
			"three nodes rotated",
			[]string{"a", "b", "c", "c->a", "b->c", "a->b"},
			[][]string{{"a", "b", "c", "a"}},
		},
		{
			"two separate cycles",
			[]string{"p", "x->y", "y->z", "z->x", "a->b", "b->a", "p->a", "x->p"},
			[][]string{{"x", "y", "z", "x"}, {"a", "b", "a"}},
		},
		{
			// The chord c->a makes a->b->c->a one of two cycles
			// through a; the shorter a->c->a must be chosen.
			"shortest cycle through root",
			[]string{"a->b", "b->c", "c->d", "d->a", "a->c", "c->a"},
			[][]string{{"a", "c", "a"}},
		},
		{
			"self edge inside larger cycle",
			[]string{"a->b", "b->a", "b->b"},
			[][]string{{"a", "b", "a"}, {"b", "b"}},
		},
		{
			"self edge on root sorts first",
			[]string{"a->a", "a->b", "b->a"},
			[][]string{{"a", "a"}, {"a", "b", "a"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(tt.specs...)
			got := g.Cycles()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Cycles = %v, want %v", got, tt.want)
			}
			_, err := g.TopoOrder()
			if tt.want == nil {
				if err != nil {
					t.Errorf("TopoOrder error on acyclic graph: %v", err)
				}
				return
			}
			var ce *CycleError[string]
			if !errors.As(err, &ce) || !reflect.DeepEqual(ce.Cycles, tt.want) {
				t.Errorf("TopoOrder error = %v, want cycles %v", err, tt.want)
			}
		})
	}
}

func TestCycleErrorMessage(t *testing.T) {
	one := &CycleError[string]{Cycles: [][]string{{"a", "b", "a"}}}
	if got, want := one.Error(), "dependency cycle: a -> b -> a"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	two := &CycleError[int]{Cycles: [][]int{{1, 1}, {2, 3, 2}}}
	if got, want := two.Error(), "2 dependency cycles: 1 -> 1; 2 -> 3 -> 2"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCyclesLargeRing(t *testing.T) {
	const n = 200_000
	g := New[int]()
	for i := range n {
		g.Connect(i, (i+1)%n)
	}
	cycles := g.Cycles()
	if len(cycles) != 1 || len(cycles[0]) != n+1 {
		t.Fatalf("expected one cycle of %d nodes, got %d cycles", n+1, len(cycles))
	}
	for i, k := range cycles[0] {
		if k != i%n {
			t.Fatalf("cycle[%d] = %d, want %d", i, k, i%n)
		}
	}
}

// event records when a node's callback started and finished, using one
// global atomic sequence so comparisons are exact rather than relying on
// clock resolution.
type event struct{ start, end int64 }

func TestWalkRespectsDependencies(t *testing.T) {
	g := randomDAG(7, 600, 2000)
	var seq atomic.Int64
	var mu sync.Mutex
	events := make(map[int]event)
	calls := make(map[int]int)

	res := g.Walk(context.Background(), 8, func(ctx context.Context, k int) error {
		start := seq.Add(1)
		time.Sleep(time.Duration(k%3) * 50 * time.Microsecond)
		end := seq.Add(1)
		mu.Lock()
		events[k] = event{start, end}
		calls[k]++
		mu.Unlock()
		return nil
	})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, k := range g.Nodes() {
		if calls[k] != 1 {
			t.Fatalf("node %d ran %d times", k, calls[k])
		}
		if res.Nodes[k].Status != Succeeded {
			t.Fatalf("node %d status %v", k, res.Nodes[k].Status)
		}
		for _, d := range g.DependenciesOf(k) {
			if events[d].end >= events[k].start {
				t.Fatalf("node %d started (seq %d) before dependency %d finished (seq %d)",
					k, events[k].start, d, events[d].end)
			}
		}
	}
}

func TestWalkParallelismBound(t *testing.T) {
	for _, tc := range []struct{ parallelism, want int }{{1, 1}, {4, 4}, {0, DefaultParallelism}, {-3, DefaultParallelism}} {
		t.Run(fmt.Sprint(tc.parallelism), func(t *testing.T) {
			g := New[int]()
			for i := range 60 {
				g.Add(i)
			}
			// A shared dependent makes sure the pool is also used
			// correctly across a join point.
			for i := range 30 {
				g.Connect(100, i)
			}
			var cur, peak atomic.Int64
			res := g.Walk(context.Background(), tc.parallelism, func(ctx context.Context, k int) error {
				n := cur.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(3 * time.Millisecond)
				cur.Add(-1)
				return nil
			})
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			if got := int(peak.Load()); got > tc.want {
				t.Errorf("peak concurrency %d exceeds %d", got, tc.want)
			} else if got < tc.want {
				// Not a correctness failure, but would indicate the
				// pool is not being kept busy.
				t.Errorf("peak concurrency %d, expected the pool of %d to fill", got, tc.want)
			}
		})
	}
}

func TestWalkFailureSkipsDependents(t *testing.T) {
	// b and c sit downstream of failing a; e needs both a and healthy d;
	// f is fully independent; g depends only on d.
	g := build("b->a", "c->b", "e->d", "e->a", "f", "g->d")
	boom := errors.New("boom")
	var mu sync.Mutex
	ran := map[string]bool{}
	res := g.Walk(context.Background(), 3, func(ctx context.Context, k string) error {
		mu.Lock()
		ran[k] = true
		mu.Unlock()
		if k == "a" {
			return boom
		}
		return nil
	})

	want := map[string]NodeResult[string]{
		"a": {Status: Failed, Err: boom},
		"b": {Status: Skipped, Cause: "a"},
		"c": {Status: Skipped, Cause: "a"},
		"e": {Status: Skipped, Cause: "a"},
		"d": {Status: Succeeded},
		"f": {Status: Succeeded},
		"g": {Status: Succeeded},
	}
	if !reflect.DeepEqual(res.Nodes, want) {
		t.Errorf("results = %+v\nwant %+v", res.Nodes, want)
	}
	for _, k := range []string{"b", "c", "e"} {
		if ran[k] {
			t.Errorf("skipped node %s was run", k)
		}
	}
	if !errors.Is(res.Err, boom) {
		t.Errorf("Err = %v, want it to wrap boom", res.Err)
	}
	var ne *NodeError[string]
	if !errors.As(res.Err, &ne) || ne.Node != "a" {
		t.Errorf("Err = %v, want *NodeError for a", res.Err)
	}
}

func TestWalkMultipleFailures(t *testing.T) {
	// Both roots fail; the shared dependent is skipped once, attributed to
	// whichever failure was seen first, and both errors are reported in
	// insertion order.
	g := build("x", "y", "z->x", "z->y")
	res := g.Walk(context.Background(), 1, func(ctx context.Context, k string) error {
		if k == "z" {
			t.Error("z must not run")
		}
		return fmt.Errorf("%s failed", k)
	})
	if got := res.Nodes["z"]; got.Status != Skipped || (got.Cause != "x" && got.Cause != "y") {
		t.Errorf("z = %+v", got)
	}
	if got, want := res.Err.Error(), "x: x failed\ny: y failed"; got != want {
		t.Errorf("Err = %q, want %q", got, want)
	}
}

func TestWalkContextCancel(t *testing.T) {
	t.Run("cancel mid-walk", func(t *testing.T) {
		const parallelism = 4
		g := New[int]()
		for i := range 40 {
			g.Add(i)
		}
		for i := range 40 {
			g.Connect(100+i, i) // second wave depends on the first
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()

		// The first `parallelism` calls rendezvous and the last to arrive
		// cancels, so cancellation happens while every worker is inside
		// fn. Any call that starts afterwards is then unambiguously a
		// violation rather than a race with the cancel.
		var calls, afterCancel, finished atomic.Int64
		var cancelled atomic.Bool
		release := make(chan struct{})
		res := g.Walk(ctx, parallelism, func(ctx context.Context, k int) error {
			if cancelled.Load() {
				afterCancel.Add(1)
				return nil
			}
			if calls.Add(1) == parallelism {
				cancel()
				cancelled.Store(true)
				close(release)
			}
			<-release
			// In-flight nodes are allowed to finish normally.
			time.Sleep(2 * time.Millisecond)
			finished.Add(1)
			return nil
		})

		if afterCancel.Load() != 0 {
			t.Errorf("%d nodes started after cancellation", afterCancel.Load())
		}
		if c := calls.Load(); c != parallelism {
			t.Errorf("%d calls, want %d", c, parallelism)
		}
		if finished.Load() != calls.Load() {
			t.Errorf("Walk returned before in-flight nodes finished")
		}
		var succeeded, notRun int
		for _, r := range res.Nodes {
			switch r.Status {
			case Succeeded:
				succeeded++
			case NotRun:
				notRun++
			default:
				t.Errorf("unexpected status %v", r.Status)
			}
		}
		if succeeded != parallelism || succeeded+notRun != g.Len() {
			t.Errorf("succeeded %d notRun %d", succeeded, notRun)
		}
		if !errors.Is(res.Err, context.Canceled) {
			t.Errorf("Err = %v, want context.Canceled", res.Err)
		}
	})

	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		g := randomDAG(3, 100, 200)
		res := g.Walk(ctx, 4, func(ctx context.Context, k int) error {
			t.Errorf("node %d ran on a cancelled context", k)
			return nil
		})
		if len(res.Nodes) != 100 {
			t.Fatalf("%d results, want 100", len(res.Nodes))
		}
		for k, r := range res.Nodes {
			if r.Status != NotRun {
				t.Errorf("node %d: %v", k, r.Status)
			}
		}
		if !errors.Is(res.Err, context.Canceled) {
			t.Errorf("Err = %v", res.Err)
		}
	})
}

func TestWalkCycle(t *testing.T) {
	g := build("ok", "a->b", "b->c", "c->a", "d->a")
	done := make(chan *WalkResult[string])
	go func() {
		done <- g.Walk(context.Background(), 2, func(ctx context.Context, k string) error {
			t.Errorf("node %s ran despite a cycle", k)
			return nil
		})
	}()
	var res *WalkResult[string]
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Walk deadlocked on a cyclic graph")
	}
	ce, ok := res.Err.(*CycleError[string])
	if !ok {
		t.Fatalf("Err = %T %v, want *CycleError", res.Err, res.Err)
	}
	if want := [][]string{{"a", "b", "c", "a"}}; !reflect.DeepEqual(ce.Cycles, want) {
		t.Errorf("cycles = %v, want %v", ce.Cycles, want)
	}
	if len(res.Nodes) != 5 || res.Nodes["ok"].Status != NotRun {
		t.Errorf("nodes = %+v", res.Nodes)
	}
}

func TestWalkEmpty(t *testing.T) {
	res := New[string]().Walk(context.Background(), 0, func(context.Context, string) error { return nil })
	if res.Err != nil || len(res.Nodes) != 0 {
		t.Errorf("got %+v", res)
	}
}

func TestReverse(t *testing.T) {
	g := build("d", "c->b", "b->a", "c->a")
	r := g.Reverse()

	if !slices.Equal(r.Nodes(), g.Nodes()) {
		t.Errorf("Reverse changed node order: %v", r.Nodes())
	}
	for _, k := range g.Nodes() {
		if !slices.Equal(r.DependenciesOf(k), g.DependentsOf(k)) ||
			!slices.Equal(r.DependentsOf(k), g.DependenciesOf(k)) {
			t.Errorf("edges of %s not flipped", k)
		}
	}
	order, err := r.TopoOrder()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"d", "c", "b", "a"}; !slices.Equal(order, want) {
		t.Errorf("reverse topo order = %v, want %v", order, want)
	}

	// The copies must be independent, including edge de-duplication.
	r.Connect("a", "d")
	r.Connect("a", "c") // already present after the flip
	if g.Has("x") || len(g.DependenciesOf("a")) != 0 || len(g.DependentsOf("d")) != 0 {
		t.Error("mutating the reversed graph changed the original")
	}
	if got := r.DependenciesOf("a"); !slices.Equal(got, []string{"b", "c", "d"}) {
		t.Errorf("reversed a deps = %v", got)
	}
	g.Connect("c", "d")
	if slices.Contains(r.DependenciesOf("c"), "d") {
		t.Error("mutating the original changed the reversed graph")
	}
	if cycles := g.Reverse().Reverse().Cycles(); cycles != nil {
		t.Errorf("double reverse introduced cycles %v", cycles)
	}
}

func TestTransitive(t *testing.T) {
	// app -> db -> net, app -> cache -> net, worker -> db, lone
	g := build("app->db", "db->net", "app->cache", "cache->net", "worker->db", "lone")

	tests := []struct {
		name string
		got  map[string]struct{}
		want map[string]struct{}
	}{
		{"deps of app", g.TransitiveDependencies("app"), setOf("app", "db", "cache", "net")},
		{"deps of worker", g.TransitiveDependencies("worker"), setOf("worker", "db", "net")},
		{"deps of leaf", g.TransitiveDependencies("net"), setOf("net")},
		{"deps of several", g.TransitiveDependencies("cache", "lone", "missing"), setOf("cache", "net", "lone")},
		{"dependents of net", g.TransitiveDependents("net"), setOf("net", "db", "cache", "app", "worker")},
		{"dependents of db", g.TransitiveDependents("db"), setOf("db", "app", "worker")},
		{"dependents of nothing", g.TransitiveDependents(), setOf()},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	// Transitive sets must terminate on cycles too.
	c := build("a->b", "b->a", "b->c")
	if got := c.TransitiveDependencies("a"); !reflect.DeepEqual(got, setOf("a", "b", "c")) {
		t.Errorf("cyclic deps = %v", got)
	}
}

func TestDOT(t *testing.T) {
	g := build("web->db", `db->"quoted"`, "web->cache", "solo")
	var b strings.Builder
	if err := g.DOT(&b, "plan", nil); err != nil {
		t.Fatal(err)
	}
	want := `digraph "plan" {
	n0 [label="web"];
	n1 [label="db"];
	n2 [label="\"quoted\""];
	n3 [label="cache"];
	n4 [label="solo"];
	n0 -> n1;
	n0 -> n3;
	n1 -> n2;
}
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}

	b.Reset()
	label := func(k string) string { return "res." + k + `\path` + "\nline2" }
	if err := build("x").DOT(&b, `my "g"`, label); err != nil {
		t.Fatal(err)
	}
	want = `digraph "my \"g\"" {
	n0 [label="res.x\\path\nline2"];
}
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}

	if err := g.DOT(failWriter{}, "g", nil); err == nil {
		t.Error("expected write error to be returned")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestLargeGraph exercises the sizes the engine must handle and logs the
// timings; it asserts only correctness because wall-clock limits are
// unreliable under the race detector and on shared CI machines.
func TestLargeGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("large graph")
	}
	const n, e = 100_000, 400_000
	start := time.Now()
	g := randomDAG(42, n, e)
	built := time.Since(start)

	start = time.Now()
	order, err := g.TopoOrder()
	if err != nil {
		t.Fatal(err)
	}
	topo := time.Since(start)
	assertTopological(t, g, order)

	start = time.Now()
	if c := g.Cycles(); c != nil {
		t.Fatalf("unexpected cycles %v", c[0])
	}
	cycles := time.Since(start)

	var count atomic.Int64
	start = time.Now()
	res := g.Walk(context.Background(), 16, func(context.Context, int) error {
		count.Add(1)
		return nil
	})
	walk := time.Since(start)
	if res.Err != nil || count.Load() != n {
		t.Fatalf("walk: err %v, %d calls", res.Err, count.Load())
	}
	t.Logf("build %v, topo %v, cycles %v, walk %v", built, topo, cycles, walk)
}

func chain(n int) *Graph[int] {
	g := New[int]()
	for i := 1; i < n; i++ {
		g.Connect(i, i-1)
	}
	return g
}

// fanOut is one root that everything else depends on, plus a single sink
// depending on everything: the widest possible ready queue and join.
func fanOut(n int) *Graph[int] {
	g := New[int]()
	g.Add(0)
	for i := 1; i < n-1; i++ {
		g.Connect(i, 0)
		g.Connect(n-1, i)
	}
	return g
}

var shapes = []struct {
	name  string
	build func(int) *Graph[int]
}{
	{"chain", chain},
	{"fanout", fanOut},
	{"random", func(n int) *Graph[int] { return randomDAG(9, n, 4*n) }},
}

func BenchmarkWalk10k(b *testing.B) {
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			g := s.build(10_000)
			fn := func(context.Context, int) error { return nil }
			b.ReportAllocs()
			for b.Loop() {
				if res := g.Walk(context.Background(), 10, fn); res.Err != nil {
					b.Fatal(res.Err)
				}
			}
		})
	}
}

func BenchmarkTopo100k(b *testing.B) {
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			g := s.build(100_000)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.TopoOrder(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBuild100k(b *testing.B) {
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.build(100_000)
			}
		})
	}
}
