package eval

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/builtin"
)

// failingProvider wraps steward_data and fails to create any object whose
// input is "boom", as a device rejecting a line would.
type failingProvider struct {
	providers.Provider
}

func (f failingProvider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	resp := f.Provider.ApplyChanges(ctx, req)
	for i, it := range req.Items {
		if it.Action == providers.Create && it.Planned.GetAttr("input").RawEquals(cty.StringVal("boom")) {
			resp.Results[i] = providers.ApplyResult{
				New:         cty.NullVal(it.Planned.Type()),
				Diagnostics: providers.Diagnostics{providers.Errorf(nil, "Device rejected the change", "%% Invalid input detected")},
			}
		}
	}
	return resp
}

func TestProviderErrorMidApply(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "ok" {
  input = "fine"
}
resource "steward_data" "bad" {
  input = "boom"
}
resource "steward_data" "after_bad" {
  input = steward_data.bad.id
}
resource "steward_data" "independent" {
  input = steward_data.ok.id
}
`})
	h.reg = providers.NewRegistry(map[string]providers.Factory{"steward": func() (providers.Provider, error) {
		p, err := builtin.New()
		return failingProvider{p}, err
	}})
	p := h.mustPlan(PlanOptions{})
	diags := h.apply(p)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Invalid input") {
		t.Fatalf("expected the provider's error, got %v", diags)
	}
	got := map[string]bool{}
	for _, r := range h.st.Resources {
		got[r.Type+"."+r.Name] = true
	}
	if !got["steward_data.ok"] || !got["steward_data.independent"] {
		t.Errorf("work independent of the failure must be applied and recorded: %v", got)
	}
	if got["steward_data.bad"] || got["steward_data.after_bad"] {
		t.Errorf("the failed object and its dependents must not be in state: %v", got)
	}
	// The next plan picks up exactly what is left.
	p2 := h.mustPlan(PlanOptions{})
	a := actions(p2)
	if a["steward_data.bad"] != plan.Create || a["steward_data.after_bad"] != plan.Create || a["steward_data.ok"] != plan.NoOp {
		t.Errorf("unexpected follow-up plan: %v", a)
	}
}

func TestStalePlanRefused(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
variable "v" { default = "1" }
resource "steward_data" "a" {
  input = var.v
}
`})
	h.mustApply(h.mustPlan(PlanOptions{}))
	p := h.mustPlan(PlanOptions{}) // no changes under v=1
	// Apply the saved plan after the configuration moved on.
	h.vars = []config.VarArg{{Assignment: "v=2"}}
	diags := h.apply(p)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "stale") {
		t.Fatalf("expected a stale plan error, got %v", diags)
	}
}

func TestPreventDestroy(t *testing.T) {
	h := newHarness(t, map[string]string{"main.st.hcl": `
resource "steward_data" "keep" {
  input = "x"
  lifecycle {
    prevent_destroy = true
  }
}
`})
	h.mustApply(h.mustPlan(PlanOptions{}))
	_, diags := h.plan(PlanOptions{Mode: plan.DestroyMode})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "prevent_destroy") {
		t.Fatalf("expected prevent_destroy to block the destroy, got %v", diags)
	}
}

// countingProvider counts ApplyChanges calls and their items.
type countingProvider struct {
	providers.Provider
	mu    *sync.Mutex
	calls *[]int
}

func (c countingProvider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	c.mu.Lock()
	*c.calls = append(*c.calls, len(req.Items))
	c.mu.Unlock()
	for i, it := range req.Items {
		for _, d := range it.DependsOn {
			if d >= i {
				panic("DependsOn must point at earlier items")
			}
		}
	}
	return c.Provider.ApplyChanges(ctx, req)
}

func TestSettledChangesShareOneBatch(t *testing.T) {
	files := map[string]string{"main.st.hcl": `
variable "v" { default = "1" }
resource "steward_data" "vlan" {
  count = 3
  input = "vlan-${var.v}-${count.index}"
}
locals {
  vlans = steward_data.vlan[*].output
}
resource "steward_data" "port" {
  input = join(",", local.vlans)
}
resource "steward_data" "route" {
  input = "route-${var.v}"
}
`}
	h := newHarness(t, files)
	var mu sync.Mutex
	var calls []int
	h.reg = providers.NewRegistry(map[string]providers.Factory{"steward": func() (providers.Provider, error) {
		p, err := builtin.New()
		return countingProvider{p, &mu, &calls}, err
	}})
	h.mustApply(h.mustPlan(PlanOptions{}))
	calls = nil
	h.vars = []config.VarArg{{Assignment: "v=2"}}
	p := h.mustPlan(PlanOptions{})
	if s := p.Summary(); s.Change != 5 {
		t.Fatalf("want 5 updates, got %+v", s)
	}
	h.mustApply(p)
	if len(calls) != 1 || calls[0] != 5 {
		t.Fatalf("want one ApplyChanges call with 5 items, got %v", calls)
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}

// orderProvider records the order of applied items.
type orderProvider struct {
	providers.Provider
	mu  *sync.Mutex
	log *[]string
}

func (o orderProvider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	o.mu.Lock()
	for _, it := range req.Items {
		*o.log = append(*o.log, it.Action.String()+" "+it.Address)
	}
	o.mu.Unlock()
	return o.Provider.ApplyChanges(ctx, req)
}

func TestCreateBeforeDestroyDeletesOldObjectLast(t *testing.T) {
	files := map[string]string{"main.st.hcl": `
variable "v" { default = "1" }
resource "steward_data" "a" {
  triggers_replace = var.v
  lifecycle {
    create_before_destroy = true
  }
}
resource "steward_data" "b" {
  input = steward_data.a.id
}
`}
	h := newHarness(t, files)
	var mu sync.Mutex
	var log []string
	h.reg = providers.NewRegistry(map[string]providers.Factory{"steward": func() (providers.Provider, error) {
		p, err := builtin.New()
		return orderProvider{p, &mu, &log}, err
	}})
	h.mustApply(h.mustPlan(PlanOptions{}))
	log = nil
	h.vars = []config.VarArg{{Assignment: "v=2"}}
	p := h.mustPlan(PlanOptions{})
	if a := actions(p); a["steward_data.a"] != plan.CreateThenDelete || a["steward_data.b"] != plan.Update {
		t.Fatalf("actions %v", a)
	}
	h.mustApply(p)
	want := []string{"create steward_data.a", "update steward_data.b", "delete steward_data.a (old object)"}
	if strings.Join(log, "; ") != strings.Join(want, "; ") {
		t.Fatalf("order:\n got %v\nwant %v", log, want)
	}
	if p := h.mustPlan(PlanOptions{}); p.HasChanges() {
		t.Fatalf("not converged: %v", actions(p))
	}
}
