package eval

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/builtin"
	"github.com/stewardhq/steward/schema"
)

// echoSchema is the steward_echo data source the recording provider adds:
// it answers "echo:" + input in result.
var echoSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"input":  {Type: cty.String, Required: true},
	"result": {Type: cty.String, Computed: true},
}}}

// appliedItem is one ApplyChanges item as the provider received it.
type appliedItem struct {
	batch     int
	index     int
	action    providers.Action
	address   string
	dependsOn []int
}

func (a appliedItem) String() string { return a.action.String() + " " + a.address }

// recorder is shared by every instance of recordingProvider that a
// registry creates; the engine may call them from several goroutines.
type recorder struct {
	mu      sync.Mutex
	batches int
	applied []appliedItem
	reads   []string // inputs of steward_echo reads, in order
	events  []string // applies and reads, in order
	// discover, when set, changes what discovery finds: it receives the
	// object as the state recorded it and returns the real one.
	discover func(prior cty.Value) cty.Value
}

func (r *recorder) setDiscover(f func(cty.Value) cty.Value) {
	r.mu.Lock()
	r.discover = f
	r.mu.Unlock()
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.batches, r.applied, r.reads, r.events = 0, nil, nil, nil
	r.mu.Unlock()
}

// order returns the applied items as "action address" strings.
func (r *recorder) order() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.applied))
	for i, a := range r.applied {
		out[i] = a.String()
	}
	return out
}

func (r *recorder) find(s string) (appliedItem, int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, a := range r.applied {
		if a.String() == s {
			return a, i, true
		}
	}
	return appliedItem{}, -1, false
}

// assertBefore checks that first was applied before second and, when the
// two came in the same batch, that second declares it depends on first, as
// the provider may otherwise reorder them.
func (r *recorder) assertBefore(t *testing.T, first, second string) {
	t.Helper()
	a, ai, ok1 := r.find(first)
	b, bi, ok2 := r.find(second)
	if !ok1 || !ok2 {
		t.Fatalf("want %q and %q applied, got %v", first, second, r.order())
	}
	if ai >= bi {
		t.Fatalf("%q must come before %q: %v", first, second, r.order())
	}
	if a.batch == b.batch {
		found := false
		for _, d := range b.dependsOn {
			if d == a.index {
				found = true
			}
		}
		if !found {
			t.Fatalf("%q and %q share batch %d, but %q does not depend on item %d: DependsOn %v", first, second, a.batch, second, a.index, b.dependsOn)
		}
	}
}

// recordingProvider wraps steward_data, records what it applies and reads,
// lets a test simulate changes made outside steward, and adds the
// steward_echo data source.
type recordingProvider struct {
	providers.Provider
	rec    *recorder
	schema *schema.Provider
}

func (p *recordingProvider) Schema() *schema.Provider { return p.schema }

func (p *recordingProvider) Discover(ctx context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	resp := p.Provider.Discover(ctx, req)
	p.rec.mu.Lock()
	f := p.rec.discover
	p.rec.mu.Unlock()
	if f != nil {
		for i := range resp.Results {
			resp.Results[i].Current = f(resp.Results[i].Current)
		}
	}
	return resp
}

func (p *recordingProvider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	p.rec.mu.Lock()
	batch := p.rec.batches
	p.rec.batches++
	for i, it := range req.Items {
		ai := appliedItem{batch: batch, index: i, action: it.Action, address: it.Address, dependsOn: append([]int(nil), it.DependsOn...)}
		p.rec.applied = append(p.rec.applied, ai)
		p.rec.events = append(p.rec.events, ai.String())
	}
	p.rec.mu.Unlock()
	return p.Provider.ApplyChanges(ctx, req)
}

func (p *recordingProvider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	res := make([]providers.ReadDataResult, len(req.Items))
	for i, it := range req.Items {
		if it.Type != "steward_echo" {
			res[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Unknown data source", "%s", it.Type)}
			continue
		}
		in := it.Config.GetAttr("input")
		if !in.IsWhollyKnown() {
			res[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Unknown input", "read with an unknown input")}
			continue
		}
		p.rec.mu.Lock()
		p.rec.reads = append(p.rec.reads, in.AsString())
		p.rec.events = append(p.rec.events, "read "+in.AsString())
		p.rec.mu.Unlock()
		res[i].State = cty.ObjectVal(map[string]cty.Value{
			"input":  in,
			"result": cty.StringVal("echo:" + in.AsString()),
		})
	}
	return providers.ReadDataResponse{Results: res}
}

// useRecorder makes the harness's steward provider a recordingProvider.
func (h *harness) useRecorder() *recorder {
	rec := &recorder{}
	h.reg = providers.NewRegistry(map[string]providers.Factory{"steward": func() (providers.Provider, error) {
		b, err := builtin.New()
		if err != nil {
			return nil, err
		}
		bs := b.Schema()
		return &recordingProvider{Provider: b, rec: rec, schema: &schema.Provider{
			Config:      bs.Config,
			Resources:   bs.Resources,
			DataSources: map[string]*schema.Resource{"steward_echo": echoSchema},
		}}, nil
	}})
	return rec
}

func (h *harness) write(name, src string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, name), []byte(src), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// planWith plans without the harness's defaults: opts and po as given.
func (h *harness) planWith(po PlanOptions, edit func(*Options)) (*plan.Plan, hcl.Diagnostics) {
	h.t.Helper()
	opts, diags := h.options()
	if diags.HasErrors() {
		return nil, diags
	}
	if edit != nil {
		edit(&opts)
	}
	p, pd := Plan(context.Background(), opts, po)
	return p, append(diags, pd...)
}

func (h *harness) applyWith(p *plan.Plan, edit func(*Options)) hcl.Diagnostics {
	h.t.Helper()
	opts, diags := h.options()
	if diags.HasErrors() {
		return diags
	}
	if edit != nil {
		edit(&opts)
	}
	st, ad := Apply(context.Background(), opts, p)
	h.st = st
	return append(diags, ad...)
}

// change returns the plan's change for addr, failing if there is none.
func change(t *testing.T, p *plan.Plan, addr string) *plan.ResourceChange {
	t.Helper()
	for _, c := range p.Changes {
		if c.Addr.String() == addr {
			return c
		}
	}
	t.Fatalf("no change for %s in %v", addr, actions(p))
	return nil
}

// stateObject decodes a steward_data object from the harness's state; ok is
// false when there is none.
func stateObject(t *testing.T, st *state.State, name string) (cty.Value, bool) {
	t.Helper()
	if st == nil {
		return cty.NilVal, false
	}
	r := st.Resource("", state.ModeManaged, "steward_data", name)
	if r == nil || len(r.Instances) != 1 {
		return cty.NilVal, false
	}
	b, _ := builtin.New()
	ty := b.Schema().Resources["steward_data"].ImpliedType()
	v, err := state.DecodeValue(r.Instances[0].Attributes, ty, r.Instances[0].Sensitive)
	if err != nil {
		t.Fatalf("decoding %s from state: %v", name, err)
	}
	return v, true
}

func mustStateObject(t *testing.T, st *state.State, name string) cty.Value {
	t.Helper()
	v, ok := stateObject(t, st, name)
	if !ok {
		t.Fatalf("steward_data.%s is not in state", name)
	}
	return v
}

func str(v cty.Value) string {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return fmt.Sprintf("%#v", v)
	}
	return v.AsString()
}

func errorsContaining(diags hcl.Diagnostics, parts ...string) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		all := d.Summary + ": " + d.Detail
		ok := true
		for _, p := range parts {
			if !strings.Contains(all, p) {
				ok = false
			}
		}
		if ok {
			return d
		}
	}
	return nil
}

// editInput simulates an out-of-band edit of the object whose input is
// from: its input becomes to.
func editInput(from, to string) func(cty.Value) cty.Value {
	return func(v cty.Value) cty.Value {
		if v.IsNull() || !v.GetAttr("input").RawEquals(cty.StringVal(from)) {
			return v
		}
		m := v.AsValueMap()
		m["input"] = cty.StringVal(to)
		return cty.ObjectVal(m)
	}
}

const twoObjects = `
resource "steward_data" "a" {
  input = "a"
}
resource "steward_data" "b" {
  input = "b"
}
`

func TestDriftIsReportedAndCorrected(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": twoObjects})
	rec := h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	idA := str(mustStateObject(t, h.st, "a").GetAttr("id"))

	rec.setDiscover(editInput("a", "edited"))
	p := h.mustPlan(PlanOptions{})
	if len(p.Drift) != 1 {
		t.Fatalf("want one drifted object, got %d", len(p.Drift))
	}
	d := p.Drift[0]
	if d.Addr.String() != "steward_data.a" || d.Action != plan.Update {
		t.Fatalf("drift: %s %s", d.Action, d.Addr)
	}
	if got := str(d.Before.GetAttr("input")); got != "a" {
		t.Errorf("drift Before.input = %s, want the recorded a", got)
	}
	if got := str(d.After.GetAttr("input")); got != "edited" {
		t.Errorf("drift After.input = %s, want the discovered edited", got)
	}
	c := change(t, p, "steward_data.a")
	if c.Action != plan.Update {
		t.Fatalf("the change back to configuration should be an update, got %s", c.Action)
	}
	if str(c.Before.GetAttr("input")) != "edited" || str(c.After.GetAttr("input")) != "a" {
		t.Errorf("change a: input %s -> %s, want edited -> a", str(c.Before.GetAttr("input")), str(c.After.GetAttr("input")))
	}
	if got := actions(p)["steward_data.b"]; got != plan.NoOp {
		t.Errorf("b did not drift, want no-op, got %s", got)
	}
	if s := p.Summary(); s.Drift != 1 || s.Change != 1 {
		t.Errorf("summary %+v", s)
	}

	rec.reset()
	h.mustApply(p)
	if got := rec.order(); strings.Join(got, ";") != "update steward_data.a" {
		t.Errorf("applied %v, want only the update of a", got)
	}
	a := mustStateObject(t, h.st, "a")
	if str(a.GetAttr("input")) != "a" || str(a.GetAttr("id")) != idA {
		t.Errorf("after apply a = %#v, want input a and the same id %s", a, idA)
	}
	rec.setDiscover(nil)
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() || len(p.Drift) != 0 {
		t.Fatalf("not converged: %v, drift %d", actions(p), len(p.Drift))
	}
}

func TestNoRefreshSeesNoDrift(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": twoObjects})
	rec := h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	rec.setDiscover(editInput("a", "edited"))

	p, diags := h.planWith(PlanOptions{Mode: plan.NormalMode, Refresh: false}, nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(p.Drift) != 0 || p.HasChanges() {
		t.Fatalf("without refresh nothing is discovered: drift %d, changes %v", len(p.Drift), actions(p))
	}
	// The same provider does report it when refreshing, so the test above
	// is not vacuous.
	if p := h.mustPlan(PlanOptions{}); len(p.Drift) != 1 {
		t.Fatalf("with refresh want one drift, got %d", len(p.Drift))
	}
}

func TestDriftDeletedObjectIsRecreated(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": twoObjects})
	rec := h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	oldID := str(mustStateObject(t, h.st, "a").GetAttr("id"))

	rec.setDiscover(func(v cty.Value) cty.Value {
		if !v.IsNull() && v.GetAttr("input").RawEquals(cty.StringVal("a")) {
			return cty.NullVal(v.Type())
		}
		return v
	})
	p := h.mustPlan(PlanOptions{})
	if len(p.Drift) != 1 || p.Drift[0].Addr.String() != "steward_data.a" || p.Drift[0].Action != plan.Delete || !p.Drift[0].After.IsNull() {
		t.Fatalf("want a drift delete of steward_data.a, got %d drifts: %+v", len(p.Drift), p.Drift)
	}
	if got := actions(p); got["steward_data.a"] != plan.Create || got["steward_data.b"] != plan.NoOp {
		t.Fatalf("want a re-created and b untouched, got %v", got)
	}

	rec.setDiscover(nil)
	rec.reset()
	if diags := h.apply(p); diags.HasErrors() {
		t.Fatalf("regression: engine/eval/api.go Apply (the loop over p.Changes) keeps the state's object as the prior of a change whose Before is null, so a create planned because discovery found the object gone is re-planned against the stale state object and refused: %s", diags.Error())
	}
	if got := rec.order(); strings.Join(got, ";") != "create steward_data.a" {
		t.Errorf("applied %v, want the create of a", got)
	}
	a := mustStateObject(t, h.st, "a")
	if id := str(a.GetAttr("id")); id == oldID || str(a.GetAttr("input")) != "a" {
		t.Errorf("a should be a new object with input a: %#v (old id %s)", a, oldID)
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

func TestRefreshOnlyUpdatesState(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": twoObjects})
	rec := h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	idA := str(mustStateObject(t, h.st, "a").GetAttr("id"))
	bBefore := h.st.Resource("", state.ModeManaged, "steward_data", "b").DeepCopy()

	rec.setDiscover(editInput("a", "edited"))
	p := h.mustPlan(PlanOptions{Mode: plan.RefreshOnlyMode})
	if len(p.Changes) != 0 {
		t.Fatalf("a refresh-only plan has no changes, got %v", actions(p))
	}
	if len(p.Drift) != 1 || p.Drift[0].Addr.String() != "steward_data.a" {
		t.Fatalf("want a's drift, got %+v", p.Drift)
	}
	if !p.HasChanges() {
		t.Errorf("a refresh-only plan with drift changes the state")
	}
	rec.reset()
	h.mustApply(p)
	if got := rec.order(); len(got) != 0 {
		t.Errorf("a refresh-only apply must not change objects: %v", got)
	}
	r := h.st.Resource("", state.ModeManaged, "steward_data", "a")
	if r == nil || len(r.Instances) != 1 {
		t.Fatalf("a is gone from state")
	}
	b, _ := builtin.New()
	if _, err := state.DecodeValue(r.Instances[0].Attributes, b.Schema().Resources["steward_data"].ImpliedType(), r.Instances[0].Sensitive); err != nil {
		_, pdiags := h.plan(PlanOptions{})
		t.Fatalf("regression: engine/eval/api.go applyRefreshOnly encodes the discovered object with state.EncodeValue(d.After, d.After.Type(), ...) instead of the resource type's implied type (d.Schema.ImpliedType()), so dynamic attributes (steward_data.input) are written without their type and the state can no longer be read: attributes %s; decoding: %v; next plan: %v", r.Instances[0].Attributes, err, pdiags)
	}
	a := mustStateObject(t, h.st, "a")
	if str(a.GetAttr("input")) != "edited" || str(a.GetAttr("id")) != idA {
		t.Errorf("state of a = %#v, want the discovered input and id %s", a, idA)
	}
	if !h.st.Resource("", state.ModeManaged, "steward_data", "b").Equal(bBefore) {
		t.Errorf("b changed in state")
	}
	// The real object now matches the state: no drift, and a normal plan
	// wants to put the configuration back.
	rec.setDiscover(nil)
	p2 := h.mustPlan(PlanOptions{})
	if len(p2.Drift) != 0 {
		t.Errorf("drift after refresh-only apply: %+v", p2.Drift)
	}
	if c := change(t, p2, "steward_data.a"); c.Action != plan.Update || str(c.Before.GetAttr("input")) != "edited" {
		t.Errorf("want an update of a from edited, got %s from %s", c.Action, str(c.Before.GetAttr("input")))
	}
}

func TestTargetPlansDependencyOnly(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {
  input = "a"
}
resource "steward_data" "b" {
  input = "b"
}
resource "steward_data" "c" {
  input = steward_data.a.id
}
`})
	rec := h.useRecorder()
	tgt, err := addrs.ParseTarget("steward_data.c")
	if err != nil {
		t.Fatal(err)
	}
	p := h.mustPlan(PlanOptions{Targets: []addrs.Target{tgt}})
	want := map[string]plan.Action{"steward_data.a": plan.Create, "steward_data.c": plan.Create}
	if got := actions(p); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("targeted plan: got %v, want %v", got, want)
	}
	h.mustApply(p)
	got := rec.order()
	sort.Strings(got)
	if strings.Join(got, ";") != "create steward_data.a;create steward_data.c" {
		t.Errorf("applied %v", got)
	}
	if _, ok := stateObject(t, h.st, "b"); ok {
		t.Errorf("the untargeted b was created")
	}
	c := mustStateObject(t, h.st, "c")
	if str(c.GetAttr("input")) != str(mustStateObject(t, h.st, "a").GetAttr("id")) {
		t.Errorf("c.input should be a's id")
	}

	p2 := h.mustPlan(PlanOptions{})
	want = map[string]plan.Action{"steward_data.a": plan.NoOp, "steward_data.b": plan.Create, "steward_data.c": plan.NoOp}
	if got := actions(p2); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("full plan after targeted apply: got %v, want %v", got, want)
	}
}

func TestTargetLeavesOthersUntouchedOnUpdate(t *testing.T) {
	files := map[string]string{"main.st.hcl": `
variable "v" { default = "1" }
resource "steward_data" "a" {
  input = "a${var.v}"
}
resource "steward_data" "b" {
  input = "b${var.v}"
}
`}
	h := newHarness(t, files)
	h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	bBefore := h.st.Resource("", state.ModeManaged, "steward_data", "b").DeepCopy()
	h.vars = []config.VarArg{{Assignment: "v=2"}}
	tgt, _ := addrs.ParseTarget("steward_data.a")
	p := h.mustPlan(PlanOptions{Targets: []addrs.Target{tgt}})
	if got := actions(p); len(got) != 1 || got["steward_data.a"] != plan.Update {
		t.Fatalf("targeted plan: %v", got)
	}
	h.mustApply(p)
	if got := str(mustStateObject(t, h.st, "a").GetAttr("input")); got != "a2" {
		t.Errorf("a.input = %s", got)
	}
	if !h.st.Resource("", state.ModeManaged, "steward_data", "b").Equal(bBefore) {
		t.Errorf("untargeted b changed in state")
	}
	if got := actions(h.mustPlan(PlanOptions{})); got["steward_data.b"] != plan.Update || got["steward_data.a"] != plan.NoOp {
		t.Errorf("follow-up plan: %v", got)
	}
}

func TestVariableValidation(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
variable "x" {
  type = string
  validation {
    condition     = length(var.x) > 2
    error_message = "The name must be longer than two characters."
  }
}
resource "steward_data" "a" {
  input = var.x
}
`})
	h.vars = []config.VarArg{{Assignment: "x=ab"}}
	_, diags := h.plan(PlanOptions{})
	d := errorsContaining(diags, "The name must be longer than two characters.")
	if d == nil {
		t.Fatalf("want the error_message in an error, got %v", diags)
	}
	if d.Subject == nil || d.Subject.Start.Line != 5 {
		t.Errorf("the diagnostic should point at the condition on line 5: %v", d.Subject)
	}

	h.vars = []config.VarArg{{Assignment: "x=abc"}}
	p := h.mustPlan(PlanOptions{})
	if c := change(t, p, "steward_data.a"); c.Action != plan.Create || str(c.After.GetAttr("input")) != "abc" {
		t.Errorf("valid value: %s with input %s", c.Action, str(c.After.GetAttr("input")))
	}
}

func TestUnknownExpansionIsAnError(t *testing.T) {
	cases := []struct {
		name, meta string
		want       []string
	}{
		{"for_each set of ids", `for_each = toset([steward_data.src.id])`, []string{"Invalid for_each argument", "not known until apply"}},
		{"for_each map with unknown keys", `for_each = { (steward_data.src.id) = "x" }`, []string{"Invalid for_each argument", "not known until apply"}},
		{"count", `count = length(steward_data.src.id) > 3 ? 2 : 1`, []string{"Invalid count argument", "not known until apply"}},
		{"for_each list", `for_each = ["a", "b"]`, []string{"Invalid for_each argument", "toset"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "src" {}
resource "steward_data" "many" {
  ` + c.meta + `
}
`})
			_, diags := h.plan(PlanOptions{})
			d := errorsContaining(diags, c.want...)
			if d == nil {
				t.Fatalf("want an error containing %q, got %v", c.want, diags)
			}
			if d.Subject == nil || d.Subject.Start.Line != 4 {
				t.Errorf("the error should point at line 4: %v", d.Subject)
			}
		})
	}

	// Known keys with unknown values are fine.
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "src" {}
resource "steward_data" "many" {
  for_each = { x = steward_data.src.id, y = "y" }
  input    = each.value
}
`})
	p := h.mustPlan(PlanOptions{})
	if got := actions(p); got[`steward_data.many["x"]`] != plan.Create || got[`steward_data.many["y"]`] != plan.Create {
		t.Fatalf("known keys: %v", got)
	}
	h.mustApply(p)
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

func TestDataSourceReadAtPlan(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
data "steward_echo" "e" {
  input = "hello"
}
resource "steward_data" "r" {
  input = data.steward_echo.e.result
}
`})
	rec := h.useRecorder()
	p := h.mustPlan(PlanOptions{})
	if strings.Join(rec.reads, ";") != "hello" {
		t.Fatalf("the data source should be read once while planning, reads: %v", rec.reads)
	}
	for _, c := range p.Changes {
		if c.Action == plan.Read {
			t.Errorf("a data source with known configuration is not deferred: %s", c.Addr)
		}
	}
	c := change(t, p, "steward_data.r")
	if in := c.After.GetAttr("input"); !in.IsKnown() || str(in) != "echo:hello" {
		t.Fatalf("r.input should be known at plan time as echo:hello, got %#v", in)
	}
	h.mustApply(p)
	if got := str(mustStateObject(t, h.st, "r").GetAttr("input")); got != "echo:hello" {
		t.Errorf("r.input in state = %s", got)
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

func TestDataSourceDeferredToApply(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "src" {
  input = "x"
}
data "steward_echo" "d" {
  input = steward_data.src.id
}
resource "steward_data" "use" {
  input = data.steward_echo.d.result
}
`})
	rec := h.useRecorder()
	p := h.mustPlan(PlanOptions{})
	if len(rec.reads) != 0 {
		t.Fatalf("the data source depends on an object being created and must not be read at plan: %v", rec.reads)
	}
	d := change(t, p, "data.steward_echo.d")
	if d.Action != plan.Read {
		t.Fatalf("data.steward_echo.d: want read, got %s", d.Action)
	}
	if d.After.GetAttr("result").IsKnown() {
		t.Errorf("the data source result cannot be known at plan")
	}
	if u := change(t, p, "steward_data.use"); u.After.GetAttr("input").IsKnown() {
		t.Errorf("use.input depends on the read and cannot be known at plan")
	}
	if s := p.Summary(); s.Read != 1 || s.Add != 2 {
		t.Errorf("summary %+v", s)
	}

	h.mustApply(p)
	srcID := str(mustStateObject(t, h.st, "src").GetAttr("id"))
	rec.mu.Lock()
	events := append([]string(nil), rec.events...)
	rec.mu.Unlock()
	want := []string{"create steward_data.src", "read " + srcID, "create steward_data.use"}
	if strings.Join(events, ";") != strings.Join(want, ";") {
		t.Fatalf("apply order:\n got %v\nwant %v", events, want)
	}
	if got := str(mustStateObject(t, h.st, "use").GetAttr("input")); got != "echo:"+srcID {
		t.Errorf("use.input = %s, want echo:%s", got, srcID)
	}
	rec.reset()
	p2 := h.mustPlan(PlanOptions{})
	if p2.HasChanges() {
		t.Fatalf("not converged: %v", actions(p2))
	}
	if strings.Join(rec.reads, ";") != srcID {
		t.Errorf("once src exists, the data source is read at plan: %v", rec.reads)
	}
}

func TestCheckFailureIsAWarning(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {
  input = "x"
}
check "a_is_y" {
  assert {
    condition     = steward_data.a.input == "y"
    error_message = "a should hold y."
  }
}
check "a_is_x" {
  assert {
    condition     = steward_data.a.input == "x"
    error_message = "a should hold x."
  }
}
`})
	p, diags := h.plan(PlanOptions{})
	if diags.HasErrors() {
		t.Fatalf("a failing check must not be an error: %v", diags)
	}
	var warns []*hcl.Diagnostic
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			warns = append(warns, d)
		}
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Detail, "a should hold y.") || warns[0].Subject == nil || warns[0].Subject.Start.Line != 7 {
		t.Fatalf("want one warning about the failing assertion on line 7, got %v", diags)
	}
	if c := change(t, p, "steward_data.a"); c.Action != plan.Create {
		t.Errorf("the plan goes on: %s", c.Action)
	}
	if diags := h.apply(p); diags.HasErrors() {
		t.Fatalf("apply: %v", diags)
	}
	if _, ok := stateObject(t, h.st, "a"); !ok {
		t.Fatalf("a not applied")
	}
}

// ignoreListPanics describes a bug that crashes the whole test binary, so
// the tests that reach it run in a child process.
const ignoreListPanics = "engine/eval/resource.go:403 (decide) calls RootName() on the traversals of ignore_changes, which engine/config/decode.go builds with hcl.RelTraversalForExpr: they are relative, and hcl panics (\"can't use RootName on a relative traversal\") in a walk goroutine, killing the process. Input: lifecycle { ignore_changes = [input] } on a resource with a prior object; expected a plan, got a panic"

func TestIgnoreChanges(t *testing.T) {
	for _, c := range []struct{ name, ignore string }{{"list", "[input]"}, {"all", "all"}} {
		ignore := c.ignore
		t.Run(c.name, func(t *testing.T) {
			if !isolated(t, ignoreListPanics) {
				return
			}
			h := newHarness(t, map[string]string{"main.st.hcl": `
variable "v" { default = "1" }
resource "steward_data" "a" {
  input = var.v
  lifecycle {
    ignore_changes = ` + ignore + `
  }
}
`})
			rec := h.useRecorder()
			h.mustApply(h.mustPlan(PlanOptions{}))
			before := h.st.DeepCopy()
			h.vars = []config.VarArg{{Assignment: "v=2"}}
			p := h.mustPlan(PlanOptions{})
			if c := change(t, p, "steward_data.a"); c.Action != plan.NoOp {
				var detail string
				if c.Action == plan.Update {
					detail = fmt.Sprintf(" (before %s, after %s)", c.Before.GoString(), c.After.GoString())
				}
				t.Fatalf("regression: engine/eval/resource.go decide applies ignore_changes to the provider's planned value (keepAttrs) instead of to the configuration before PlanChanges, so computed attributes the provider derives from an ignored argument (steward_data.output from input) still change: ignore_changes = %s, input changed 1 -> 2, want no-op, got %s%s", ignore, c.Action, detail)
			}
			rec.reset()
			h.mustApply(p)
			if len(rec.order()) != 0 {
				t.Errorf("nothing should be applied: %v", rec.order())
			}
			if !h.st.Equal(before) {
				t.Errorf("state changed")
			}
		})
	}
}

func TestIgnoreChangesKeepsOtherAttributes(t *testing.T) {
	if !isolated(t, ignoreListPanics) {
		return
	}
	h := newHarness(t, map[string]string{"main.st.hcl": `
variable "v" { default = "1" }
resource "steward_data" "a" {
  input            = "fixed"
  triggers_replace = var.v
  lifecycle {
    ignore_changes = [input]
  }
}
`})
	h.mustApply(h.mustPlan(PlanOptions{}))
	h.vars = []config.VarArg{{Assignment: "v=2"}}
	if got := actions(h.mustPlan(PlanOptions{}))["steward_data.a"]; got != plan.DeleteThenCreate {
		t.Errorf("a change to an attribute not ignored still counts: got %s", got)
	}
}

func TestDependsOnOrdersApply(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "second" {
  input      = "2"
  depends_on = [steward_data.first]
}
resource "steward_data" "first" {
  input = "1"
}
resource "steward_data" "third" {
  input      = "3"
  depends_on = [steward_data.second]
}
`})
	rec := h.useRecorder()
	p := h.mustPlan(PlanOptions{})
	h.mustApply(p)
	rec.assertBefore(t, "create steward_data.first", "create steward_data.second")
	rec.assertBefore(t, "create steward_data.second", "create steward_data.third")
	// The plan and the state record the resources each one depends on
	// directly (or through non-resource blocks), depends_on included.
	for name, want := range map[string]string{"first": "", "second": "steward_data.first", "third": "steward_data.second"} {
		var names []string
		for _, d := range change(t, p, "steward_data."+name).Dependencies {
			names = append(names, d.String())
		}
		if got := strings.Join(names, ","); got != want {
			t.Errorf("%s's dependencies in the plan: %q, want %q", name, got, want)
		}
		r := h.st.Resource("", state.ModeManaged, "steward_data", name)
		if got := strings.Join(r.Instances[0].Dependencies, ","); got != want {
			t.Errorf("%s's dependencies in state: %q, want %q", name, got, want)
		}
	}
}

func TestParallelismGivesSameState(t *testing.T) {
	src := `
locals {
  names = toset([for i in range(12) : "n${i}"])
}
resource "steward_data" "each" {
  for_each = local.names
  input    = "v-${each.key}"
}
resource "steward_data" "counted" {
  count = 12
  input = count.index
}
resource "steward_data" "chain" {
  count = 4
  input = "${steward_data.counted[count.index].id}/${steward_data.each["n${count.index}"].output}"
}
resource "steward_data" "top" {
  input = [for c in steward_data.chain : c.id]
}
output "top" {
  value = steward_data.top.output
}
`
	normalized := func(par int) map[string]string {
		h := newHarness(t, map[string]string{"main.st.hcl": src})
		set := func(o *Options) { o.Parallelism = par }
		p, diags := h.planWith(PlanOptions{Mode: plan.NormalMode, Refresh: true}, set)
		if diags.HasErrors() {
			t.Fatalf("parallelism %d: plan: %v", par, diags)
		}
		if n := p.Summary().Add; n != 29 {
			t.Fatalf("parallelism %d: want 29 adds, got %d", par, n)
		}
		if diags := h.applyWith(p, set); diags.HasErrors() {
			t.Fatalf("parallelism %d: apply: %v", par, diags)
		}
		// Ids are random: replace each by the address of its object.
		ids := map[string]string{}
		for _, r := range h.st.Resources {
			for _, inst := range r.Instances {
				ids[inst.ID] = r.InstanceAddr(inst.Key)
			}
		}
		out := map[string]string{}
		for _, r := range h.st.Resources {
			for _, inst := range r.Instances {
				s := string(inst.Attributes)
				for id, a := range ids {
					s = strings.ReplaceAll(s, id, "<"+a+">")
				}
				out[r.InstanceAddr(inst.Key)] = s + fmt.Sprintf(" deps=%v", inst.Dependencies)
			}
		}
		ov, err := h.st.Outputs["top"].Decode()
		if err != nil {
			t.Fatal(err)
		}
		top := ov.GoString()
		for id, a := range ids {
			top = strings.ReplaceAll(top, id, "<"+a+">")
		}
		out["output.top"] = top
		p2, diags := h.planWith(PlanOptions{Mode: plan.NormalMode, Refresh: true}, set)
		if diags.HasErrors() || p2.HasChanges() {
			t.Fatalf("parallelism %d: not converged: %v %v", par, diags, actions(p2))
		}
		return out
	}
	one, eight := normalized(1), normalized(8)
	if len(one) != 30 {
		t.Fatalf("want 29 objects and an output, got %d", len(one))
	}
	keys := make([]string, 0, len(one))
	for k := range one {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if one[k] != eight[k] {
			t.Errorf("%s differs:\n  parallelism 1: %s\n  parallelism 8: %s", k, one[k], eight[k])
		}
	}
	if len(eight) != len(one) {
		t.Errorf("object counts differ: %d vs %d", len(one), len(eight))
	}
	if !strings.Contains(one["steward_data.chain[2]"], "<steward_data.counted[2]>/v-n2") {
		t.Errorf("chain[2] does not hold counted[2]'s id: %s", one["steward_data.chain[2]"])
	}
}

func TestOutputOfSensitiveValue(t *testing.T) {
	files := func(sensitive string) map[string]string {
		return map[string]string{"main.st.hcl": `
variable "secret" {
  default   = "hunter2-long"
  sensitive = true
}
resource "steward_data" "s" {
  input = var.secret
}
output "leak" {
  value = "prefix-${steward_data.s.output}"
  ` + sensitive + `
}
`}
	}
	h := newHarness(t, files(""))
	_, diags := h.plan(PlanOptions{})
	d := errorsContaining(diags, "Output refers to sensitive values", `"leak"`)
	if d == nil {
		t.Fatalf("want an error naming the output leak, got %v", diags)
	}
	if d.Subject == nil || d.Subject.Start.Line != 10 {
		t.Errorf("the error should point at the value on line 10: %v", d.Subject)
	}
	if strings.Contains(diags.Error(), "hunter2") {
		t.Errorf("the diagnostic shows the secret: %v", diags)
	}

	h = newHarness(t, files("sensitive = true"))
	p := h.mustPlan(PlanOptions{})
	var oc *plan.OutputChange
	for _, o := range p.Outputs {
		if o.Name == "leak" {
			oc = o
		}
	}
	if oc == nil || !oc.Sensitive || oc.Action != plan.Create {
		t.Fatalf("output change: %+v", oc)
	}
	h.mustApply(p)
	ov := h.st.Outputs["leak"]
	if ov == nil {
		t.Fatal("output leak not in state")
	}
	if !ov.Sensitive || ov.Hash == "" || string(ov.Value) != "null" {
		t.Errorf("a sensitive output keeps only a hash: %+v", ov)
	}
	want, err := state.HashValue(testKey, cty.StringVal("prefix-hunter2-long"))
	if err != nil || ov.Hash != want {
		t.Errorf("hash %q, want the keyed hash of the value %q (%v)", ov.Hash, want, err)
	}
	raw, _ := state.Marshal(h.st)
	if strings.Contains(string(raw), "hunter2") {
		t.Fatalf("the secret reached the state:\n%s", raw)
	}
	p2 := h.mustPlan(PlanOptions{})
	if p2.HasChanges() {
		t.Fatalf("not converged: %v %+v", actions(p2), p2.Outputs)
	}
}

func TestDestroyOrder(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "b" {
  input = steward_data.a.id
}
resource "steward_data" "a" {
  input = "a"
}
resource "steward_data" "c" {
  input = steward_data.b.output
}
`})
	rec := h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	rec.reset()
	p := h.mustPlan(PlanOptions{Mode: plan.DestroyMode})
	if s := p.Summary(); s.Destroy != 3 || s.Add != 0 {
		t.Fatalf("destroy plan %+v: %v", s, actions(p))
	}
	h.mustApply(p)
	rec.assertBefore(t, "delete steward_data.c", "delete steward_data.b")
	rec.assertBefore(t, "delete steward_data.b", "delete steward_data.a")
	if len(h.st.Resources) != 0 {
		t.Errorf("state not empty")
	}
}

func TestOrphanIsDeleted(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": twoObjects})
	rec := h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	h.write("main.st.hcl", `
resource "steward_data" "a" {
  input = "a"
}
`)
	rec.reset()
	p := h.mustPlan(PlanOptions{})
	c := change(t, p, "steward_data.b")
	if c.Action != plan.Delete || !strings.Contains(c.Reason, "no longer in the configuration") {
		t.Fatalf("orphan b: %s (%q)", c.Action, c.Reason)
	}
	if got := actions(p)["steward_data.a"]; got != plan.NoOp {
		t.Errorf("a: %s", got)
	}
	h.mustApply(p)
	if got := strings.Join(rec.order(), ";"); got != "delete steward_data.b" {
		t.Errorf("applied %s", got)
	}
	if _, ok := stateObject(t, h.st, "b"); ok {
		t.Errorf("b still in state")
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

func TestOrphanDeletedBeforeDependencyReplaced(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {
  triggers_replace = "1"
}
resource "steward_data" "b" {
  input = steward_data.a.id
}
`})
	rec := h.useRecorder()
	h.mustApply(h.mustPlan(PlanOptions{}))
	oldA := str(mustStateObject(t, h.st, "a").GetAttr("id"))
	h.write("main.st.hcl", `
resource "steward_data" "a" {
  triggers_replace = "2"
}
`)
	rec.reset()
	p := h.mustPlan(PlanOptions{})
	if got := actions(p); got["steward_data.a"] != plan.DeleteThenCreate || got["steward_data.b"] != plan.Delete {
		t.Fatalf("want a replaced and b deleted, got %v", got)
	}
	h.mustApply(p)
	rec.assertBefore(t, "delete steward_data.b", "delete steward_data.a")
	rec.assertBefore(t, "delete steward_data.a", "create steward_data.a")
	if _, ok := stateObject(t, h.st, "b"); ok {
		t.Errorf("b still in state")
	}
	if id := str(mustStateObject(t, h.st, "a").GetAttr("id")); id == oldA {
		t.Errorf("a was not replaced")
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

const isolateEnv = "STEWARD_EVAL_ISOLATED_TEST"

// isolated runs the calling test again in a child process, so that a panic
// in one of the engine's goroutines ends only the child. It returns true in
// the child, which runs the test's body; in the parent it reports the
// child's outcome (a panic as the known bug, skipped) and returns false.
func isolated(t *testing.T, bug string) bool {
	t.Helper()
	if os.Getenv(isolateEnv) == t.Name() {
		return true
	}
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), isolateEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	text := string(out)
	switch {
	case strings.Contains(text, "panic:"):
		i := strings.Index(text, "panic:")
		t.Fatalf("regression: %s.\nchild process: %s", bug, firstLines(text[i:], 3))
	case err != nil:
		t.Fatalf("child process failed: %v\n%s", err, text)
	case strings.Contains(text, "--- SKIP: "+t.Name()):
		t.Skipf("child process skipped:\n%s", text)
	case !strings.Contains(text, "--- PASS: "+t.Name()):
		t.Fatalf("child process did not run %s:\n%s", t.Name(), text)
	}
	return false
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
