package directory

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/testenv/slapd"
	"github.com/stewardhq/steward/providers"
)

// countingRegistry hands out directory providers and remembers them, so a
// test can read how many searches they made.
type countingRegistry struct {
	mu   sync.Mutex
	made []*Provider
}

func (c *countingRegistry) registry() *providers.Registry {
	return providers.NewRegistry(map[string]providers.Factory{Name: func() (providers.Provider, error) {
		p, err := New()
		c.mu.Lock()
		c.made = append(c.made, p.(*Provider))
		c.mu.Unlock()
		return p, err
	}})
}

func (c *countingRegistry) searches() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for _, p := range c.made {
		if p.c != nil {
			n += p.c.searches.Load()
		}
	}
	return n
}

// fleetHCL declares users spread evenly over groups; users must be a
// multiple of groups (range() stops at 1,024 values, as in Terraform).
func fleetHCL(users, groups int) string {
	return fmt.Sprintf(`
locals {
  users = { for pair in setproduct(range(%d), range(%d)) : "u${pair[0] * %d + pair[1]}" => "g${pair[1]}" }
}
resource "directory_group" "g" {
  for_each = toset([for i in range(%d) : "g${i}"])
  name     = each.key
}
resource "directory_user" "u" {
  for_each  = local.users
  uid       = each.key
  full_name = "User ${each.key}"
  groups    = [directory_group.g[each.value].name]
}
`, users/groups, groups, groups, groups)
}

func benchProvider(s *slapd.Server) string {
	return fmt.Sprintf(`
variable "bind_password" {
  type      = string
  sensitive = true
}
provider "directory" {
  url       = %q
  start_tls = true
  bind_dn   = %q
  password  = var.bind_password
  base_dn   = %q
  ca_file   = %q
}
`, s.URL, s.BindDN, s.BaseDN, s.CAFile)
}

// TestSearchesPerPlanDoNotGrow: a plan searches the same number of times
// for 20 users as for 400.
func TestSearchesPerPlanDoNotGrow(t *testing.T) {
	s := slapd.Start(t)
	var perPlan []int64
	for _, n := range []int{20, 400} {
		cr := &countingRegistry{}
		h := enginetest.New(t, cr.registry(), map[string]string{"provider.st.hcl": benchProvider(s), "main.st.hcl": fleetHCL(n, 10)})
		h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
		h.MustApply(h.MustPlan(plan.NormalMode))
		before := cr.searches()
		if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
			t.Fatalf("%d users: no-change plan has changes: %v", n, enginetest.Pending(p))
		}
		perPlan = append(perPlan, cr.searches()-before)
		h.MustApply(h.MustPlan(plan.DestroyMode))
	}
	if perPlan[0] != perPlan[1] || perPlan[0] > 4 {
		t.Fatalf("searches per plan: %v for 20 and 400 users, want the same small number", perPlan)
	}
}

// BenchmarkSlapd10kUsers plans, against a real slapd, 10,000 users in 100
// groups that are already in place, and reports the searches per plan.
//
//	go test -run xxx -bench Slapd10kUsers -benchtime 3x ./providers/directory/
func BenchmarkSlapd10kUsers(b *testing.B) {
	s := slapd.Start(b)
	cr := &countingRegistry{}
	h := enginetest.New(b, cr.registry(), map[string]string{"provider.st.hcl": benchProvider(s), "main.st.hcl": fleetHCL(10000, 100)})
	h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
	start := time.Now()
	h.MustApply(h.MustPlan(plan.NormalMode))
	b.Logf("initial apply of 10,100 entries: %s", time.Since(start))
	before := cr.searches()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
			b.Fatalf("no-change plan has changes: %v", enginetest.Pending(p)[:3])
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cr.searches()-before)/float64(b.N), "searches/plan")
}
