package cli

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/plan"
)

// progress prints a line as each change starts and finishes, and counts what
// was actually done, which is what the closing summary reports: after a
// failed apply the plan's numbers would claim more than happened.
type progress struct {
	eval.NilHooks

	mu      sync.Mutex
	w       io.Writer
	running map[string]bool
	done    doneCounts
	// completed and failed are instance addresses.
	completed, failed []string
	wrote             bool
}

// doneCounts are changes carried out, in Terraform's terms.
type doneCounts struct {
	Added, Changed, Destroyed int
}

var _ eval.Hooks = (*progress)(nil)

func newProgress(w io.Writer) *progress {
	return &progress{w: w, running: map[string]bool{}}
}

type actionWords struct{ start, done, failed string }

var progressWords = map[plan.Action]actionWords{
	plan.Create:           {"Creating...", "Creation complete", "Creation failed"},
	plan.Update:           {"Modifying...", "Modifications complete", "Modification failed"},
	plan.Delete:           {"Destroying...", "Destruction complete", "Destruction failed"},
	plan.DeleteThenCreate: {"Replacing...", "Replacement complete", "Replacement failed"},
	plan.CreateThenDelete: {"Replacing...", "Replacement complete", "Replacement failed"},
	plan.Read:             {"Reading...", "Read complete", "Read failed"},
}

func wordsFor(a plan.Action) actionWords {
	if w, ok := progressWords[a]; ok {
		return w
	}
	return actionWords{"Applying...", "Apply complete", "Apply failed"}
}

// PreRefresh implements eval.Hooks.
func (p *progress) PreRefresh(provider string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wrote = true
	fmt.Fprintf(p.w, "%s: Discovering the real state of %d %s...\n", provider, n, plural(n, "object", "objects"))
}

// PreApply implements eval.Hooks.
func (p *progress) PreApply(addr addrs.AbsResourceInstance, action plan.Action) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := addr.String()
	// A replacement reaches the provider as two items, and the engine
	// announces each; the user asked for one change.
	if p.running[a] {
		return
	}
	p.running[a] = true
	p.wrote = true
	fmt.Fprintf(p.w, "%s: %s\n", a, wordsFor(action).start)
}

// PostApply implements eval.Hooks.
func (p *progress) PostApply(addr addrs.AbsResourceInstance, action plan.Action, err error, elapsed time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := addr.String()
	if !p.running[a] {
		return // already reported finished (e.g. both halves of a replace)
	}
	delete(p.running, a)
	w := wordsFor(action)
	if err != nil {
		p.failed = append(p.failed, a)
		fmt.Fprintf(p.w, "%s: %s after %s\n", a, w.failed, roundDuration(elapsed))
		return
	}
	p.completed = append(p.completed, a)
	switch {
	case action == plan.Create:
		p.done.Added++
	case action == plan.Update:
		p.done.Changed++
	case action == plan.Delete:
		p.done.Destroyed++
	case action.IsReplace():
		p.done.Added++
		p.done.Destroyed++
	}
	fmt.Fprintf(p.w, "%s: %s after %s\n", a, w.done, roundDuration(elapsed))
}

// result returns the counts, and the addresses of the changes that
// completed and that failed, sorted.
func (p *progress) result() (done doneCounts, completed, failed []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	completed = append([]string(nil), p.completed...)
	failed = append([]string(nil), p.failed...)
	sort.Strings(completed)
	sort.Strings(failed)
	return p.done, completed, failed
}

// separate writes a blank line after progress lines, if there were any, so
// that what follows stands apart.
func (p *progress) separate() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.wrote {
		fmt.Fprintln(p.w)
		p.wrote = false
	}
}

// roundDuration shows whole seconds, as a person reads progress.
func roundDuration(d time.Duration) string {
	return d.Round(time.Second).String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
