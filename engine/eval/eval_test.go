package eval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/builtin"
	"github.com/stewardhq/steward/schema"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

type harness struct {
	t    *testing.T
	dir  string
	st   *state.State
	reg  *providers.Registry
	vars []config.VarArg
}

func newHarness(t *testing.T, files map[string]string) *harness {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &harness{t: t, dir: dir, reg: providers.NewRegistry(map[string]providers.Factory{"steward": builtin.New})}
}

func (h *harness) options() (Options, hcl.Diagnostics) {
	l := config.NewLoader()
	cfg, diags := l.Load(h.dir)
	if diags.HasErrors() {
		return Options{}, diags
	}
	vars, vdiags := l.ResolveVariables(cfg.Root, config.VariableInputs{Dir: h.dir, Args: h.vars})
	diags = append(diags, vdiags...)
	return Options{Config: cfg, Registry: h.reg, State: h.st, Variables: vars, HashKey: testKey, Parallelism: 4}, diags
}

func (h *harness) plan(po PlanOptions) (*plan.Plan, hcl.Diagnostics) {
	opts, diags := h.options()
	if diags.HasErrors() {
		return nil, diags
	}
	if po.Mode == "" {
		po.Mode = plan.NormalMode
	}
	po.Refresh = true
	p, pdiags := Plan(context.Background(), opts, po)
	return p, append(diags, pdiags...)
}

func (h *harness) mustPlan(po PlanOptions) *plan.Plan {
	h.t.Helper()
	p, diags := h.plan(po)
	if diags.HasErrors() {
		h.t.Fatalf("plan: %s", diags.Error())
	}
	return p
}

func (h *harness) apply(p *plan.Plan) hcl.Diagnostics {
	opts, diags := h.options()
	if diags.HasErrors() {
		return diags
	}
	st, adiags := Apply(context.Background(), opts, p)
	if h.st != nil {
		st.Serial = h.st.Serial + 1
	}
	h.st = st
	return append(diags, adiags...)
}

func (h *harness) mustApply(p *plan.Plan) {
	h.t.Helper()
	if diags := h.apply(p); diags.HasErrors() {
		h.t.Fatalf("apply: %s", diags.Error())
	}
}

func actions(p *plan.Plan) map[string]plan.Action {
	out := map[string]plan.Action{}
	for _, c := range p.Changes {
		out[c.Addr.String()] = c.Action
	}
	return out
}

func TestPlanApplyNoChanges(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
variable "n" {
  type    = number
  default = 3
}
variable "secret" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
locals {
  names = toset(["a", "b"])
}
resource "steward_data" "base" {
  input = "base"
}
resource "steward_data" "counted" {
  count = var.n
  input = "${steward_data.base.id}-${count.index}"
}
resource "steward_data" "each" {
  for_each = local.names
  input    = { name = each.key, first = steward_data.counted[0].output }
}
resource "steward_data" "secret" {
  input = var.secret
}
output "first" {
  value = steward_data.counted[0].output
}
output "secret" {
  value     = steward_data.secret.output
  sensitive = true
}
`})
	p := h.mustPlan(PlanOptions{})
	s := p.Summary()
	if s.Add != 7 {
		t.Fatalf("want 7 to add, got %+v: %v", s, actions(p))
	}
	var counted *plan.ResourceChange
	for _, c := range p.Changes {
		if c.Addr.String() == "steward_data.counted[1]" {
			counted = c
		}
	}
	if counted == nil || counted.After.GetAttr("input").IsKnown() {
		t.Fatalf("counted[1].input should be unknown until apply: %#v", counted)
	}
	h.mustApply(p)
	raw, err := state.Marshal(h.st)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "hunter2") {
		t.Fatalf("the secret reached the state:\n%s", raw)
	}
	p2 := h.mustPlan(PlanOptions{})
	if p2.HasChanges() {
		t.Fatalf("second plan should have no changes: %v", actions(p2))
	}

	// Changing the secret is noticed through its hash.
	h.vars = []config.VarArg{{Assignment: "secret=swordfish"}}
	p3 := h.mustPlan(PlanOptions{})
	if got := actions(p3)["steward_data.secret"]; got != plan.Update {
		t.Fatalf("changed secret: want update, got %s", got)
	}
	h.vars = nil

	// Reducing count destroys the extra instance.
	h.vars = []config.VarArg{{Assignment: "n=2"}}
	p4 := h.mustPlan(PlanOptions{})
	if got := actions(p4)["steward_data.counted[2]"]; got != plan.Delete {
		t.Fatalf("count reduced: want delete, got %s (%v)", got, actions(p4))
	}
	h.mustApply(p4)
	if p5 := h.mustPlan(PlanOptions{}); p5.HasChanges() {
		t.Fatalf("plan after count reduction should be empty: %v", actions(p5))
	}

	// Destroy removes everything.
	pd := h.mustPlan(PlanOptions{Mode: plan.DestroyMode})
	if pd.Summary().Destroy != 6 {
		t.Fatalf("destroy: want 6, got %+v", pd.Summary())
	}
	h.mustApply(pd)
	if len(h.st.Resources) != 0 {
		t.Fatalf("state not empty after destroy: %d resources", len(h.st.Resources))
	}
}

func TestReplaceOnTrigger(t *testing.T) {
	files := map[string]string{"main.st.hcl": `
variable "v" { default = "1" }
resource "steward_data" "a" {
  input            = "x"
  triggers_replace = var.v
}
resource "steward_data" "b" {
  input = steward_data.a.id
}
`}
	h := newHarness(t, files)
	h.mustApply(h.mustPlan(PlanOptions{}))
	h.vars = []config.VarArg{{Assignment: "v=2"}}
	p := h.mustPlan(PlanOptions{})
	a := actions(p)
	if a["steward_data.a"] != plan.DeleteThenCreate || a["steward_data.b"] != plan.Update {
		t.Fatalf("unexpected actions %v", a)
	}
	for _, c := range p.Changes {
		if c.Addr.String() == "steward_data.a" && c.Reason != "triggers_replace changed" {
			t.Fatalf("reason = %q", c.Reason)
		}
	}
	h.mustApply(p)
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

func TestCycleReported(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {
  input = steward_data.b.output
}
resource "steward_data" "b" {
  input = local.x
}
locals {
  x = steward_data.a.output
}
`})
	_, diags := h.plan(PlanOptions{})
	if !diags.HasErrors() {
		t.Fatal("expected a cycle error")
	}
	msg := diags.Error()
	for _, want := range []string{"Cycle", "steward_data.a", "steward_data.b", "local.x", "main.st.hcl:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("cycle diagnostic lacks %q: %s", want, msg)
		}
	}
}

func TestUndeclaredReference(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {
  input = steward_data.bb.output
}
resource "steward_data" "b" {}
`})
	_, diags := h.plan(PlanOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "undeclared resource") || diags[0].Subject == nil || diags[0].Subject.Start.Line != 3 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
}

func TestModules(t *testing.T) {
	h := newHarness(t, map[string]string{
		"main.st.hcl": `
module "site" {
  for_each = toset(["north", "south"])
  source   = "./site"
  name     = each.key
}
output "ids" {
  value = { for k, m in module.site : k => m.label }
}
`,
		"site/site.st.hcl": `
variable "name" { type = string }
resource "steward_data" "vlan" {
  count = 2
  input = "${var.name}-${count.index}"
}
output "label" {
  value = steward_data.vlan[1].output
}
`})
	p := h.mustPlan(PlanOptions{})
	if p.Summary().Add != 4 {
		t.Fatalf("want 4 adds: %v", actions(p))
	}
	if _, ok := actions(p)[`module.site["north"].steward_data.vlan[1]`]; !ok {
		t.Fatalf("missing module instance address: %v", actions(p))
	}
	h.mustApply(p)
	ov := h.st.Outputs["ids"]
	if ov == nil {
		t.Fatal("output ids not recorded")
	}
	v, err := ov.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if got := v.GetAttr("south").AsString(); got != "south-1" {
		t.Fatalf("ids.south = %q", got)
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
	_ = cty.NilVal
}

func TestValidateAndGraph(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {
  inptu = 1
}
`})
	cfg, diags := config.NewLoader().Load(h.dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	diags = Validate(cfg, h.reg)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `Did you mean "input"?`) || diags[0].Subject.Start.Line != 3 {
		t.Fatalf("want an unsupported argument error with a suggestion on line 3, got %v", diags)
	}

	h2 := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {}
resource "steward_data" "b" {
  input = steward_data.a.id
}
`})
	cfg, _ = config.NewLoader().Load(h2.dir)
	var buf strings.Builder
	if diags := WriteGraphDOT(&buf, cfg, h2.reg); diags.HasErrors() {
		t.Fatal(diags)
	}
	dot := buf.String()
	if !strings.Contains(dot, `n2 [label="steward_data.b"]`) || !strings.Contains(dot, `n1 [label="steward_data.a"]`) || !strings.Contains(dot, "n2 -> n1;") {
		t.Fatalf("graph lacks the b -> a edge:\n%s", buf.String())
	}
}

func TestSensitiveFunctions(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "a" {
  input = sensitive("s3cret-community")
}
output "len" {
  value = nonsensitive(length(steward_data.a.input))
}
`})
	p := h.mustPlan(PlanOptions{})
	for _, c := range p.Changes {
		if !c.After.GetAttr("input").HasMark(schema.Sensitive) {
			t.Fatalf("input should be sensitive")
		}
	}
	h.mustApply(p)
	raw, _ := state.Marshal(h.st)
	if strings.Contains(string(raw), "s3cret-community") {
		t.Fatal("secret in state")
	}
	v, err := h.st.Outputs["len"].Decode()
	if err != nil || v.AsBigFloat().String() != "16" {
		t.Fatalf("len output = %#v, %v", v, err)
	}
}

func TestMovedAndImport(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "old" {
  input = "x"
}
`})
	h.mustApply(h.mustPlan(PlanOptions{}))
	if err := os.WriteFile(filepath.Join(h.dir, "main.st.hcl"), []byte(`
resource "steward_data" "new" {
  input = "x"
}
moved {
  from = steward_data.old
  to   = steward_data.new
}
resource "steward_data" "adopted" {}
import {
  to = steward_data.adopted
  id = "abc123"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	p := h.mustPlan(PlanOptions{})
	var moved, imported *plan.ResourceChange
	for _, c := range p.Changes {
		switch c.Addr.String() {
		case "steward_data.new":
			moved = c
		case "steward_data.adopted":
			imported = c
		}
	}
	if moved == nil || moved.Action != plan.NoOp || moved.PrevAddr == nil || moved.PrevAddr.String() != "steward_data.old" {
		t.Fatalf("moved change: %#v", moved)
	}
	if imported == nil || imported.ImportID != "abc123" || imported.Action != plan.NoOp {
		t.Fatalf("import change: %#v", imported)
	}
	if s := p.Summary(); s.Destroy != 0 || s.Add != 0 || s.Import != 1 {
		t.Fatalf("summary %+v", s)
	}
	h.mustApply(p)
	if h.st.Resource("", state.ModeManaged, "steward_data", "old") != nil {
		t.Fatal("old address still in state")
	}
	inst := h.st.Resource("", state.ModeManaged, "steward_data", "adopted")
	if inst == nil || inst.Instances[0].ID != "abc123" {
		t.Fatalf("adopted object not in state: %#v", inst)
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

func TestSecretInputKeepsIDVisible(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
variable "secret" {
  default   = "hunter2-long"
  sensitive = true
}
resource "steward_data" "s" {
  input = var.secret
}
output "id" {
  value = steward_data.s.id
}
`})
	p := h.mustPlan(PlanOptions{})
	h.mustApply(p)
	inst := h.st.Resource("", state.ModeManaged, "steward_data", "s").Instances[0]
	if inst.ID == "" || !strings.Contains(string(inst.Attributes), inst.ID) {
		t.Fatalf("the id must be stored in clear: %s", inst.Attributes)
	}
	if strings.Contains(string(inst.Attributes), "hunter2") {
		t.Fatal("secret in state")
	}
	before := h.st.DeepCopy()
	p2 := h.mustPlan(PlanOptions{})
	if p2.HasChanges() {
		t.Fatalf("not converged: %v", actions(p2))
	}
	h.mustApply(p2)
	after := h.st.Resource("", state.ModeManaged, "steward_data", "s").Instances[0]
	if after.ID != inst.ID || !h.st.Equal(before) {
		t.Fatalf("a no-change apply changed the state: id %q -> %q", inst.ID, after.ID)
	}
}

func TestMaxDestroy(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
steward {
  max_destroy = 1
}
variable "n" { default = 3 }
resource "steward_data" "a" {
  count = var.n
  input = count.index
}
`})
	h.mustApply(h.mustPlan(PlanOptions{}))
	h.vars = []config.VarArg{{Assignment: "n=0"}}
	_, diags := h.plan(PlanOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "destroys too many objects") || !strings.Contains(diags[len(diags)-1].Detail, "-max-destroy=3") {
		t.Fatalf("want the max_destroy refusal, got %v", diags)
	}
	three := 3
	p, diags := h.plan(PlanOptions{MaxDestroy: &three})
	if diags.HasErrors() || p.Summary().Destroy != 3 {
		t.Fatalf("raising the limit explicitly must allow the plan: %v", diags)
	}
	h.vars = []config.VarArg{{Assignment: "n=2"}}
	if _, diags := h.plan(PlanOptions{}); diags.HasErrors() {
		t.Fatalf("one destroy is within the limit: %v", diags)
	}
}

// TestModulePaths: relative paths are relative to the working directory
// from every module, and path.module locates a module's own files, as in
// Terraform; the process's current directory plays no part (-chdir).
func TestModulePaths(t *testing.T) {
	h := newHarness(t, map[string]string{
		"main.st.hcl": `
module "site" {
  source = "./modules/site"
}
resource "steward_data" "root" {
  input = {
    module = path.module
    root   = path.root
    own    = file("${path.module}/motd.txt")
    plain  = file("motd.txt")
    abs    = abspath("backups") == "${path.cwd}/backups"
  }
}
output "site" {
  value = module.site.read
}
`,
		"motd.txt": "root motd",
		"modules/site/site.st.hcl": `
output "read" {
  value = {
    module = path.module
    own    = file("${path.module}/banner.txt")
    shared = file("motd.txt")
  }
}
`,
		"modules/site/banner.txt": "site banner",
	})
	t.Chdir(t.TempDir())
	p := h.mustPlan(PlanOptions{})
	h.mustApply(p)
	got := h.st.Outputs["site"]
	if got == nil {
		t.Fatal("output site not recorded")
	}
	v, err := got.Decode()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"module": "modules/site", "own": "site banner", "shared": "root motd"}
	for k, w := range want {
		if s := v.GetAttr(k).AsString(); s != w {
			t.Errorf("module output %s = %q, want %q", k, s, w)
		}
	}
	var root cty.Value
	for _, c := range p.Changes {
		if c.Addr.String() == "steward_data.root" {
			root = c.After.GetAttr("input")
		}
	}
	if root == cty.NilVal {
		t.Fatal("no change for steward_data.root")
	}
	for k, w := range map[string]cty.Value{"module": cty.StringVal("."), "root": cty.StringVal("."), "own": cty.StringVal("root motd"), "plain": cty.StringVal("root motd"), "abs": cty.True} {
		if g := root.GetAttr(k); !g.RawEquals(w) {
			t.Errorf("root input %s = %#v, want %#v", k, g, w)
		}
	}
}
