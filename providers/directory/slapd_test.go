package directory_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/testenv/slapd"
	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/directory"
)

func registry() *providers.Registry {
	return providers.NewRegistry(map[string]providers.Factory{directory.Name: directory.New})
}

func providerHCL(s *slapd.Server, url string) string {
	return fmt.Sprintf(`
variable "bind_password" {
  type      = string
  sensitive = true
}
variable "alice_password" {
  type      = string
  sensitive = true
  default   = "Initial-Secret-1"
}
provider "directory" {
  url       = %q
  start_tls = %v
  bind_dn   = %q
  password  = var.bind_password
  base_dn   = %q
  ca_file   = %q
}
`, url, strings.HasPrefix(url, "ldap://"), s.BindDN, s.BaseDN, s.CAFile)
}

// office is 5 departments with 10 users each; alice (user0) has a password.
func office(dept3 string, user4Enabled bool, adminsName string) string {
	return fmt.Sprintf(`
locals {
  departments = ["finance", "sales", "ops", "hr", "it"]
  users = { for i in range(50) : "user${i}" => local.departments[i %% 5] }
  placed = merge(local.users, { user3 = %q })
}

resource "directory_group" "dept" {
  for_each    = toset(local.departments)
  name        = each.key
  description = "Department ${each.key}"
  gid_number  = 5000 + index(local.departments, each.key)
}

resource "directory_group" "admins" {
  name = %q
}

resource "directory_user" "staff" {
  for_each   = local.placed
  uid        = each.key
  full_name  = "User ${trimprefix(each.key, "user")} Example"
  email      = "${each.key}@example.org"
  department = each.value
  groups     = each.key == "user0" ? [directory_group.dept[each.value].name, directory_group.admins.name] : [directory_group.dept[each.value].name]
  enabled    = each.key == "user4" ? %v : true
  password   = each.key == "user0" ? var.alice_password : null
}
`, dept3, adminsName, user4Enabled)
}

func memberUIDs(t *testing.T, s *slapd.Server, group string) []string {
	e := s.Entry(t, "cn="+group+",ou=groups,"+s.BaseDN, "member")
	if e == nil {
		t.Fatalf("group %s does not exist", group)
	}
	var out []string
	for _, m := range e.GetAttributeValues("member") {
		if strings.HasPrefix(m, "uid=") {
			out = append(out, strings.TrimPrefix(strings.SplitN(m, ",", 2)[0], "uid="))
		}
	}
	return out
}

func noChanges(t *testing.T, h *enginetest.Harness) {
	t.Helper()
	if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
		var b bytes.Buffer
		_ = ui.RenderPlanText(&b, p, ui.PlanTextOptions{})
		out := b.String()
		if len(out) > 3000 {
			out = out[:3000]
		}
		t.Fatalf("plan after apply is not empty: %v\n%s", enginetest.Pending(p), out)
	}
}

func TestSlapdLifecycle(t *testing.T) {
	s := slapd.Start(t)
	h := enginetest.New(t, registry(), map[string]string{
		"provider.st.hcl": providerHCL(s, s.URL),
		"main.st.hcl":     office("ops", true, "admins"),
	})
	h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
	p := h.MustPlan(plan.NormalMode)
	if got := p.Summary().Add; got != 56 {
		t.Fatalf("want 56 objects to add, got %d", got)
	}
	var text bytes.Buffer
	_ = ui.RenderPlanText(&text, p, ui.PlanTextOptions{})
	h.MustApply(p)
	noChanges(t, h)
	if got := memberUIDs(t, s, "finance"); len(got) != 10 {
		t.Fatalf("finance has %d members, want 10", len(got))
	}

	// Moving user3 from ops to finance changes two memberships only.
	h.WriteFile("main.st.hcl", office("finance", true, "admins"))
	p = h.MustPlan(plan.NormalMode)
	if got := enginetest.Pending(p); strings.Join(got, ",") != `update directory_user.staff["user3"]` {
		t.Fatalf("moving a user: %v", got)
	}
	wantInPlan(t, p, "user3 moves from ops to finance: leaves ops, joins finance")
	h.MustApply(p)
	noChanges(t, h)
	if !containsStr(memberUIDs(t, s, "finance"), "user3") || containsStr(memberUIDs(t, s, "ops"), "user3") {
		t.Fatal("user3 did not move from ops to finance")
	}

	// The leaver: locked, out of every group, moved to ou=disabled, kept.
	h.WriteFile("main.st.hcl", office("finance", false, "admins"))
	p = h.MustPlan(plan.NormalMode)
	wantInPlan(t, p, "user4 will be disabled: locked, removed from 1 group, moved to ou=disabled")
	h.MustApply(p)
	noChanges(t, h)
	e := s.Entry(t, "uid=user4,ou=disabled,"+s.BaseDN, "pwdAccountLockedTime", "shadowExpire", "mail")
	if e == nil || e.GetAttributeValue("mail") != "user4@example.org" {
		t.Fatalf("user4 was not moved to ou=disabled with its data: %v", e)
	}
	if e.GetAttributeValue("pwdAccountLockedTime") == "" && e.GetAttributeValue("shadowExpire") == "" {
		t.Fatal("user4 is not locked")
	}
	if containsStr(memberUIDs(t, s, "it"), "user4") {
		t.Fatal("user4 is still in it")
	}

	// Re-enabling reverses it.
	h.WriteFile("main.st.hcl", office("finance", true, "admins"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	noChanges(t, h)
	if s.Entry(t, "uid=user4,ou=people,"+s.BaseDN) == nil || !containsStr(memberUIDs(t, s, "it"), "user4") {
		t.Fatal("user4 was not re-enabled into ou=people and it")
	}

	// Renaming a group moves the entry and keeps its members.
	h.WriteFile("main.st.hcl", office("finance", true, "administrators"))
	h.MustApply(h.MustPlan(plan.NormalMode))
	noChanges(t, h)
	if got := memberUIDs(t, s, "administrators"); !containsStr(got, "user0") {
		t.Fatalf("administrators lacks user0: %v", got)
	}

	// A password change is verified by binding with the new password.
	h.Vars = append(h.Vars, config.VarArg{Assignment: "alice_password=Changed-Secret-2"})
	p = h.MustPlan(plan.NormalMode)
	if got := enginetest.Pending(p); strings.Join(got, ",") != `update directory_user.staff["user0"]` {
		t.Fatalf("password change: %v", got)
	}
	h.MustApply(p)
	conn, err := ldap.DialURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Bind("uid=user0,ou=people,"+s.BaseDN, "Changed-Secret-2"); err != nil {
		t.Fatalf("binding with the new password: %v", err)
	}
	noChanges(t, h)

	// No password, clear or hashed, in plan output or state.
	raw, _ := state.Marshal(h.State)
	for _, secret := range []string{"Initial-Secret-1", "Changed-Secret-2", s.Password, "{SSHA}"} {
		if strings.Contains(string(raw), secret) || strings.Contains(text.String(), secret) {
			t.Fatalf("%q leaked into the state or the plan output", secret)
		}
	}

	// Destroy removes every entry.
	h.MustApply(h.MustPlan(plan.DestroyMode))
	if s.Entry(t, "uid=user1,ou=people,"+s.BaseDN) != nil || s.Entry(t, "cn=finance,ou=groups,"+s.BaseDN) != nil {
		t.Fatal("destroy left entries behind")
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSlapdFaults(t *testing.T) {
	s := slapd.Start(t)
	small := `
resource "directory_group" "g" {
  name = "g"
}
resource "directory_user" "u" {
  uid       = "bob"
  full_name = "Bob Builder"
  groups    = [directory_group.g.name]
}
`
	t.Run("wrong bind password", func(t *testing.T) {
		h := enginetest.New(t, registry(), map[string]string{"provider.st.hcl": providerHCL(s, s.URL), "main.st.hcl": small})
		h.Vars = []config.VarArg{{Assignment: "bind_password=wrong"}}
		diags := h.Apply(h.MustPlan(plan.NormalMode))
		if msg := enginetest.Describe(diags); !strings.Contains(msg, "wrong bind_dn or password") || strings.Contains(msg, s.Password) {
			t.Fatalf("want a clear bind error, got %s", msg)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		h := enginetest.New(t, registry(), map[string]string{"provider.st.hcl": providerHCL(s, "ldap://127.0.0.1:1"), "main.st.hcl": small})
		h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
		diags := h.Apply(h.MustPlan(plan.NormalMode))
		if msg := enginetest.Describe(diags); !strings.Contains(msg, "cannot reach the directory") {
			t.Fatalf("want an unreachable error, got %s", msg)
		}
	})
	t.Run("declared on both sides", func(t *testing.T) {
		h := enginetest.New(t, registry(), map[string]string{"provider.st.hcl": providerHCL(s, s.URL), "main.st.hcl": small + `
resource "directory_group" "both" {
  name    = "both"
  members = ["bob"]
}
resource "directory_user" "carol" {
  uid       = "carol"
  full_name = "Carol C"
  groups    = [directory_group.both.name]
}
`})
		h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
		_, diags := h.Plan(plan.NormalMode)
		if msg := enginetest.Describe(diags); !strings.Contains(msg, "declared both") || !strings.Contains(msg, "directory_group.both") || !strings.Contains(msg, "directory_user.carol") {
			t.Fatalf("want a plan error naming both places, got %s", msg)
		}
	})
	t.Run("schema violation", func(t *testing.T) {
		h := enginetest.New(t, registry(), map[string]string{"provider.st.hcl": providerHCL(s, s.URL), "main.st.hcl": `
resource "directory_user" "bad" {
  uid        = "bad"
  full_name  = "Bad Number"
  email      = "jürgen@example.org"
}
`})
		h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
		diags := h.Apply(h.MustPlan(plan.NormalMode))
		msg := enginetest.Describe(diags)
		if !diags.HasErrors() || !strings.Contains(msg, "uid=bad") {
			t.Fatalf("want the server's error naming the entry, got %s", msg)
		}
		if len(h.State.Resources) != 0 {
			t.Fatal("a refused entry must not be recorded")
		}
	})
}

// TestSlapdStopsMidApply: the server goes away while an apply runs. The
// apply fails with a clear error, and the state records exactly what was
// done: after the server is back, the next plan creates only what is
// missing and sees no drift.
func TestSlapdStopsMidApply(t *testing.T) {
	s := slapd.Start(t)
	h := enginetest.New(t, registry(), map[string]string{
		"provider.st.hcl": providerHCL(s, s.URL),
		"main.st.hcl": `
resource "directory_user" "u" {
  for_each  = toset([for i in range(400) : "u${i}"])
  uid       = each.key
  full_name = "User ${each.key}"
}
`})
	h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
	p := h.MustPlan(plan.NormalMode)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		// Stop once some users exist.
		for i := 0; i < 400; i++ {
			if e := s.Entry(t, "uid=u5,ou=people,"+s.BaseDN); e != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		s.Stop()
	}()
	diags := h.Apply(p)
	<-stopped
	if !diags.HasErrors() {
		t.Skip("the apply finished before the server stopped; nothing to check")
	}
	type rec struct{ tainted bool }
	recorded := map[string]rec{}
	for _, r := range h.State.Resources {
		for _, inst := range r.Instances {
			k, _ := inst.Key.Str()
			recorded[k] = rec{inst.Tainted}
		}
	}
	s.Restart(t)
	conn := s.Conn(t)
	res, err := conn.Search(ldap.NewSearchRequest("ou=people,"+s.BaseDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, "(uid=*)", []string{"uid"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	exists := map[string]bool{}
	for _, e := range res.Entries {
		uid := e.GetAttributeValue("uid")
		exists[uid] = true
		if _, ok := recorded[uid]; !ok {
			t.Errorf("%s exists but the state forgot it", uid)
		}
	}
	for uid, r := range recorded {
		// An add whose answer was lost with the connection may or may not
		// have happened: the state keeps it as tainted, to be replaced.
		if !exists[uid] && !r.tainted {
			t.Errorf("the state records %s, which does not exist, as a good object", uid)
		}
	}
	p = h.MustPlan(plan.NormalMode)
	for _, d := range p.Drift {
		// Only the maybe-created objects that were not created may show
		// as gone; everything else recorded is exactly as recorded.
		if !recorded[d.Addr.Key.Str()].tainted || !d.After.IsNull() {
			t.Fatalf("unexpected drift on %s", d.Addr)
		}
	}
	for _, c := range p.Changes {
		if c.Action != plan.NoOp && c.Action != plan.Create && c.Action != plan.DeleteThenCreate {
			t.Fatalf("unexpected %s for %s", c.Action, c.Addr)
		}
	}
	h.MustApply(p)
	noChanges(t, h)
}

// wantInPlan checks the text rendering of a plan for a sentence.
func wantInPlan(t *testing.T, p *plan.Plan, sentence string) {
	t.Helper()
	var b bytes.Buffer
	if err := ui.RenderPlanText(&b, p, ui.PlanTextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), sentence) {
		t.Fatalf("the plan does not say %q:\n%s", sentence, b.String())
	}
}

// TestSlapdLDAPSOUsAndLookups: LDAPS with the generated CA, an OU, and the
// data sources that look up existing users and groups; the plan file holds
// no password either.
func TestSlapdLDAPSOUsAndLookups(t *testing.T) {
	s := slapd.Start(t)
	h := enginetest.New(t, registry(), map[string]string{
		"provider.st.hcl": providerHCL(s, s.LDAPSURL),
		"main.st.hcl": `
resource "directory_ou" "contractors" {
  name        = "contractors"
  description = "External staff"
}
resource "directory_group" "ops" {
  name = "ops"
}
resource "directory_user" "erin" {
  uid        = "erin"
  full_name  = "Erin Example"
  department = "ops"
  ssh_public_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3g1ZPCj2LzR0BNBgyPXK+Dn6bMPD7l9ASHkXUZz+y2 erin@laptop"]
  groups     = [directory_group.ops.name]
  password   = var.alice_password
}
`,
	})
	h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
	p := h.MustPlan(plan.NormalMode)
	planFile := filepath.Join(t.TempDir(), "plan.bin")
	if err := plan.WriteFile(planFile, p); err != nil {
		t.Fatal(err)
	}
	h.MustApply(p)
	noChanges(t, h)
	if e := s.Entry(t, "uid=erin,ou=people,"+s.BaseDN, "sshPublicKey"); e == nil || !strings.HasSuffix(e.GetAttributeValue("sshPublicKey"), "erin@laptop") {
		t.Fatalf("erin's SSH key: %v", e)
	}
	if e := s.Entry(t, "ou=contractors,"+s.BaseDN, "description"); e == nil || e.GetAttributeValue("description") != "External staff" {
		t.Fatalf("ou=contractors: %v", e)
	}
	raw, _ := os.ReadFile(planFile)
	if strings.Contains(string(raw), "Initial-Secret-1") || strings.Contains(string(raw), s.Password) {
		t.Fatal("a password reached the plan file")
	}

	h.WriteFile("lookups.st.hcl", `
data "directory_user" "erin" {
  uid = "erin"
}
data "directory_group" "ops" {
  name = "ops"
}
output "erin" {
  value = [data.directory_user.erin.dn, data.directory_user.erin.department, tostring(data.directory_user.erin.enabled), join(",", data.directory_group.ops.members)]
}
`)
	h.MustApply(h.MustPlan(plan.NormalMode))
	out, err := h.State.Outputs["erin"].Decode()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range out.AsValueSlice() {
		got = append(got, v.AsString())
	}
	want := "uid=erin,ou=people," + s.BaseDN + "|ops|true|erin"
	if strings.Join(got, "|") != want {
		t.Fatalf("lookups = %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestSlapdServerSpellingIsNotDrift: a base DN written in another case
// than the server's, and membership values in any order, plan no changes.
func TestSlapdServerSpellingIsNotDrift(t *testing.T) {
	s := slapd.Start(t)
	hcl := strings.Replace(providerHCL(s, s.URL), fmt.Sprintf("base_dn   = %q", s.BaseDN), fmt.Sprintf("base_dn   = %q", strings.ToUpper(s.BaseDN)), 1)
	if hcl == providerHCL(s, s.URL) {
		t.Fatal("test set-up: base_dn not rewritten")
	}
	h := enginetest.New(t, registry(), map[string]string{"provider.st.hcl": hcl, "main.st.hcl": office("ops", true, "admins")})
	h.Vars = []config.VarArg{{Assignment: "bind_password=" + s.Password}}
	h.MustApply(h.MustPlan(plan.NormalMode))
	noChanges(t, h)
}
