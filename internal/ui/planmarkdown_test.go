package ui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/schema"
)

var accountSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"id":       computed(cty.String),
	"dn":       attr(cty.String),
	"uid":      attr(cty.String),
	"enabled":  attr(cty.Bool),
	"groups":   attr(cty.Set(cty.String)),
	"password": {Type: cty.String, Optional: true, Sensitive: true},
}}}

// mixedPlan has a create, an update with a summary, a replacement with its
// reason and a secret, a delete, a no-op, and drift.
func mixedPlan() *plan.Plan {
	vlan := rc(inst("network_vlan", "dept", addrs.StringKey("finance")), plan.Create, vlanSchema, cty.NilVal,
		objOf(&vlanSchema.Block, map[string]cty.Value{"id": cty.UnknownVal(cty.String), "device": str("core-1"), "vlan_id": num(20), "name": str("finance")}))

	ifBefore := objOf(&interfaceSchema.Block, map[string]cty.Value{
		"id": str("core-1/Gi1/0/48"), "device": str("core-1"), "name": str("GigabitEthernet1/0/48"),
		"mode": str("trunk"), "mtu": num(1500), "trunk_vlans": numSet(10, 20),
	})
	ifAfter := objOf(&interfaceSchema.Block, map[string]cty.Value{
		"id": str("core-1/Gi1/0/48"), "device": str("core-1"), "name": str("GigabitEthernet1/0/48"),
		"mode": str("trunk"), "mtu": num(1500), "trunk_vlans": numSet(10, 20, 30),
	})
	uplink := rc(inst("network_interface", "uplink", addrs.NoKey), plan.Update, interfaceSchema, ifBefore, ifAfter)
	uplink.Summary = "VLAN 30 will be added to the trunk on core-1 GigabitEthernet1/0/48"

	repo := rc(inst("backup_repository", "main", addrs.NoKey), plan.DeleteThenCreate, repoSchema,
		objOf(&repoSchema.Block, map[string]cty.Value{"id": str("repo-a1b2"), "path": str("/srv/backup/main"), "password": sens(str("old-password-0ld"))}),
		objOf(&repoSchema.Block, map[string]cty.Value{"id": cty.UnknownVal(cty.String), "path": str("/srv/backup/main2"), "password": sens(str("new-password-n3w"))}))
	repo.RequiresReplace = []cty.Path{cty.GetAttrPath("path")}
	repo.Reason = "path changed"

	alice := rc(inst("directory_user", "alice", addrs.NoKey), plan.Delete, accountSchema,
		objOf(&accountSchema.Block, map[string]cty.Value{
			"id": str("alice"), "dn": str("uid=alice,ou=people,dc=example,dc=org"), "uid": str("alice"),
			"enabled": cty.True, "groups": strSet("finance", "vpn", "wiki"), "password": sens(str("deleted-secret")),
		}), cty.NilVal)
	alice.Reason = "because the object is gone from configuration"
	alice.Summary = "alice will be deleted: removed from 3 groups, her account closed"

	same := objOf(&vlanSchema.Block, map[string]cty.Value{"id": str("core-1/10"), "device": str("core-1"), "vlan_id": num(10), "name": str("office")})
	noop := rc(inst("network_vlan", "office", addrs.NoKey), plan.NoOp, vlanSchema, same, same)

	p := newPlan(vlan, uplink, repo, alice, noop)
	p.Drift = []*plan.ResourceChange{
		rc(inst("network_interface", "uplink", addrs.NoKey), plan.Update, interfaceSchema,
			ifBefore, objOf(&interfaceSchema.Block, map[string]cty.Value{
				"id": str("core-1/Gi1/0/48"), "device": str("core-1"), "name": str("GigabitEthernet1/0/48"),
				"mode": str("trunk"), "mtu": num(9000), "trunk_vlans": numSet(10, 20),
			})),
		rc(inst("backup_repository", "main", addrs.NoKey), plan.Update, repoSchema,
			objOf(&repoSchema.Block, map[string]cty.Value{"id": str("repo-a1b2"), "path": str("/srv/backup/main"), "password": sens(str("drift-secret-before"))}),
			objOf(&repoSchema.Block, map[string]cty.Value{"id": str("repo-a1b2"), "path": str("/srv/backup/main"), "password": sens(str("drift-secret-after"))})),
	}
	return p
}

// bigPlan has 3,000 changes: creates and updates with summaries, and
// deletes and replacements that must all stay listed.
func bigPlan() *plan.Plan {
	var changes []*plan.ResourceChange
	for i := 0; i < 3000; i++ {
		key := addrs.StringKey(fmt.Sprintf("v%04d", i))
		dev := fmt.Sprintf("access-%02d", i%40)
		obj := func(name string) cty.Value {
			return objOf(&vlanSchema.Block, map[string]cty.Value{
				"id": str(fmt.Sprintf("%s/%d", dev, i)), "device": str(dev), "vlan_id": num(int64(100 + i)), "name": str(name),
				"tags": strMap("owner", "team-"+name, "token", "x"),
			})
		}
		var c *plan.ResourceChange
		switch {
		case i%30 == 0:
			c = rc(inst("network_vlan", "gone", key), plan.Delete, vlanSchema, obj("old"), cty.NilVal)
			c.Reason = "it is not in configuration"
		case i%30 == 1:
			c = rc(inst("network_vlan", "renamed", key), plan.DeleteThenCreate, vlanSchema, obj("old"), obj("new"))
			c.Reason = "vlan_id cannot change in place"
		case i%2 == 0:
			c = rc(inst("network_vlan", "new", key), plan.Create, vlanSchema, cty.NilVal, obj("new"))
		default:
			c = rc(inst("network_vlan", "edited", key), plan.Update, vlanSchema, obj("old"), obj("new"))
			c.Summary = fmt.Sprintf("VLAN %d on %s will be renamed from old to new", 100+i, dev)
		}
		changes = append(changes, c)
	}
	return newPlan(changes...)
}

func renderMD(t *testing.T, p *plan.Plan) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderPlanMarkdown(&buf, p); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, "markdown plan", buf.Bytes())
	if bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
		t.Error("colour codes in a markdown plan")
	}
	return buf.String()
}

func TestPlanMarkdownMixed(t *testing.T) {
	out := renderMD(t, mixedPlan())
	golden(t, "mixed.md", []byte(out))
	for _, want := range []string{
		"**Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy; drift found in 2 objects**",
		"### ⚠️ Destructive changes",
		"- `backup_repository.main` (`provider[\"steward/backup\"]`) will be **replace (destroy, then create)** because path changed",
		"- `network_interface.uplink`: VLAN 30 will be added to the trunk",
		"| ⚠️ **destroy** | `directory_user.alice` | `ou=people,dc=example,dc=org` |",
		"<details><summary>directory_user.alice — destroy</summary>",
		"(sensitive value)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown plan lacks %q", want)
		}
	}
	if strings.Index(out, "Destructive changes") > strings.Index(out, "### Summary") {
		t.Error("destructive changes are not first")
	}
	if strings.Contains(out, "network_vlan.office") {
		t.Error("a no-op is listed")
	}
}

func TestPlanMarkdownFixtures(t *testing.T) {
	// Every fixture renders, without secrets, and the empty ones say so.
	for _, fx := range fixtures() {
		out := renderMD(t, fx.plan)
		if strings.HasSuffix(fx.name, "nochanges") && !strings.Contains(out, "**No changes.**") {
			t.Errorf("%s: no \"No changes.\" headline:\n%s", fx.name, out)
		}
	}
	golden(t, "nochanges.md", []byte(renderMD(t, newPlan())))
}

func TestPlanMarkdownLarge(t *testing.T) {
	p := bigPlan()
	out := renderMD(t, p)
	if n := utf8.RuneCountInString(out); n >= MaxMarkdownChars {
		t.Fatalf("the comment has %d characters, not under %d", n, MaxMarkdownChars)
	}
	golden(t, "large.md", []byte(out))
	dest := out[strings.Index(out, "### ⚠️ Destructive changes"):strings.Index(out, "### Summary")]
	n := 0
	for _, c := range p.Changes {
		if isDestructive(c.Action) {
			n++
			if !strings.Contains(dest, "`"+c.Addr.String()+"`") {
				t.Errorf("destructive change %s left out", c.Addr)
			}
		}
	}
	if n != 200 {
		t.Fatalf("fixture has %d destructive changes, want 200", n)
	}
	if !strings.Contains(out, "left out to fit a GitHub comment; run `steward show PLANFILE` for all") {
		t.Error("the comment does not say what was left out")
	}
	if !strings.Contains(out, "**Plan: 1400 to add, 1400 to change, 100 to replace, 100 to destroy**") {
		t.Errorf("wrong headline: %s", out[:strings.Index(out, "\n")])
	}
}

// TestPlanMarkdownGolden renders every fixture the text renderer is tested
// with, so both renderings of the same plan are reviewed side by side.
func TestPlanMarkdownGolden(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			out := renderMD(t, fx.plan)
			assertNoSecrets(t, "markdown plan", []byte(out))
			golden(t, fx.name+".md", []byte(out))
		})
	}
}
