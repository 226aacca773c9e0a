package eval

import (
	"context"
	"fmt"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
)

// benchConfig has n steward_data instances in two counted resources, each
// instance of the second referring to one of the first: the shape that
// makes Terraform-family engines grow quadratically.
func benchConfig(n int) map[string]string {
	return map[string]string{"main.st.hcl": fmt.Sprintf(`
resource "steward_data" "a" {
  count = %d
  input = "a-${count.index}"
}
resource "steward_data" "b" {
  count = %d
  input = { from = steward_data.a[count.index].output, n = count.index }
}
`, n/2, n/2)}
}

func benchPlans(b *testing.B, n int) {
	h := newHarness(&testing.T{}, benchConfig(n))
	h.t = nil
	opts, diags := h.options()
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	p, diags := Plan(context.Background(), opts, PlanOptions{Mode: plan.NormalMode, Refresh: true})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	st, diags := Apply(context.Background(), opts, p)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	opts.State = st
	b.Run("plan-no-changes", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, diags := Plan(context.Background(), opts, PlanOptions{Mode: plan.NormalMode, Refresh: true})
			if diags.HasErrors() || p.HasChanges() {
				b.Fatalf("unexpected plan: %v", diags)
			}
		}
	})
}

func benchApply(b *testing.B, n int) {
	h := newHarness(&testing.T{}, benchConfig(n))
	opts, diags := h.options()
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		opts.State = nil
		p, diags := Plan(context.Background(), opts, PlanOptions{Mode: plan.NormalMode, Refresh: true})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if _, diags := Apply(context.Background(), opts, p); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

func BenchmarkPlan1k(b *testing.B)   { benchPlans(b, 1000) }
func BenchmarkPlan10k(b *testing.B)  { benchPlans(b, 10000) }
func BenchmarkPlan100k(b *testing.B) { benchPlans(b, 100000) }

func BenchmarkApplyCreate1k(b *testing.B)  { benchApply(b, 1000) }
func BenchmarkApplyCreate10k(b *testing.B) { benchApply(b, 10000) }
