package ui

import (
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/schema"
)

// Secrets used in the fixtures. Tests assert that none of them appears in
// any rendering, whatever its format.
var secrets = []string{
	"hunter2-top-level",
	"s3cr3t-nested-token",
	"sekrit-list-element",
	"sekrit-map-value",
	"whole-map-secret",
	"old-password-0ld",
	"new-password-n3w",
	"output-secret-flagged",
	"output-secret-marked",
	"drift-secret-before",
	"drift-secret-after",
	"block-secret-attr",
	"heredoc-secret-line",
	"deleted-secret",
	"key-material-secret",
}

func sens(v cty.Value) cty.Value { return v.Mark(schema.Sensitive) }

func str(s string) cty.Value { return cty.StringVal(s) }
func num(n int64) cty.Value  { return cty.NumberIntVal(n) }

func strs(ss ...string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	var vs []cty.Value
	for _, s := range ss {
		vs = append(vs, str(s))
	}
	return cty.ListVal(vs)
}

func numSet(ns ...int64) cty.Value {
	if len(ns) == 0 {
		return cty.SetValEmpty(cty.Number)
	}
	var vs []cty.Value
	for _, n := range ns {
		vs = append(vs, num(n))
	}
	return cty.SetVal(vs)
}

func strSet(ss ...string) cty.Value {
	if len(ss) == 0 {
		return cty.SetValEmpty(cty.String)
	}
	var vs []cty.Value
	for _, s := range ss {
		vs = append(vs, str(s))
	}
	return cty.SetVal(vs)
}

func strMap(kv ...string) cty.Value {
	m := map[string]cty.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = str(kv[i+1])
	}
	if len(m) == 0 {
		return cty.MapValEmpty(cty.String)
	}
	return cty.MapVal(m)
}

// objOf builds a value conforming to blk: attributes not given are null, and
// nested blocks not given are empty (or null for single blocks), as the
// engine produces them.
func objOf(blk *schema.Block, attrs map[string]cty.Value) cty.Value {
	ty := blk.ImpliedType()
	out := map[string]cty.Value{}
	for name, aty := range ty.AttributeTypes() {
		if v, ok := attrs[name]; ok {
			out[name] = v
			continue
		}
		if nb, ok := blk.BlockTypes[name]; ok {
			switch nb.Nesting {
			case schema.NestingList:
				out[name] = cty.ListValEmpty(nb.Block.ImpliedType())
				continue
			case schema.NestingSet:
				out[name] = cty.SetValEmpty(nb.Block.ImpliedType())
				continue
			case schema.NestingMap:
				out[name] = cty.MapValEmpty(nb.Block.ImpliedType())
				continue
			}
		}
		out[name] = cty.NullVal(aty)
	}
	return cty.ObjectVal(out)
}

func attr(t cty.Type) *schema.Attribute { return &schema.Attribute{Type: t, Optional: true} }

func computed(t cty.Type) *schema.Attribute { return &schema.Attribute{Type: t, Computed: true} }

var vlanSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"id":       computed(cty.String),
	"device":   attr(cty.String),
	"vlan_id":  attr(cty.Number),
	"name":     attr(cty.String),
	"tags":     attr(cty.Map(cty.String)),
	"settings": attr(cty.DynamicPseudoType),
}}}

var interfaceSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"id":          computed(cty.String),
	"device":      attr(cty.String),
	"name":        attr(cty.String),
	"mode":        attr(cty.String),
	"description": attr(cty.String),
	"mtu":         attr(cty.Number),
	"enabled":     attr(cty.Bool),
	"trunk_vlans": attr(cty.Set(cty.Number)),
	"config":      computed(cty.String),
}}}

var policySchema = &schema.Resource{Block: schema.Block{
	Attributes: map[string]*schema.Attribute{
		"id":         computed(cty.String),
		"repository": attr(cty.String),
		"sources":    attr(cty.List(cty.String)),
		"schedule":   attr(cty.String),
		"notes":      attr(cty.String),
	},
	BlockTypes: map[string]*schema.NestedBlock{
		"keep": {Block: schema.Block{Attributes: map[string]*schema.Attribute{
			"daily":   attr(cty.Number),
			"weekly":  attr(cty.Number),
			"monthly": attr(cty.Number),
		}}, Nesting: schema.NestingSingle},
		"exclude": {Block: schema.Block{Attributes: map[string]*schema.Attribute{
			"pattern": attr(cty.String),
			"reason":  attr(cty.String),
		}}, Nesting: schema.NestingList},
		"hook": {Block: schema.Block{Attributes: map[string]*schema.Attribute{
			"command": attr(cty.String),
			"token":   {Type: cty.String, Optional: true, Sensitive: true},
		}}, Nesting: schema.NestingMap},
		"target": {Block: schema.Block{Attributes: map[string]*schema.Attribute{
			"host": attr(cty.String),
			"port": attr(cty.Number),
		}}, Nesting: schema.NestingSet},
	},
}}

// The nested block schemas, addressed in place because schema.Block must
// not be copied.
var (
	keepBlock    = &policySchema.BlockTypes["keep"].Block
	excludeBlock = &policySchema.BlockTypes["exclude"].Block
	hookBlock    = &policySchema.BlockTypes["hook"].Block
)

var credentialType = cty.Object(map[string]cty.Type{"kind": cty.String, "token": cty.String})

var userSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"id":         computed(cty.String),
	"uid":        attr(cty.String),
	"full_name":  attr(cty.String),
	"email":      attr(cty.String),
	"groups":     attr(cty.Set(cty.String)),
	"password":   {Type: cty.String, Optional: true, Sensitive: true},
	"ssh_keys":   attr(cty.List(cty.String)),
	"attributes": attr(cty.Map(cty.String)),
	"credential": attr(credentialType),
	"extra":      attr(cty.Map(cty.String)),
	"enabled":    attr(cty.Bool),
	"phones":     attr(cty.List(cty.Object(map[string]cty.Type{"kind": cty.String, "number": cty.String}))),
}}}

var repoSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"id":       computed(cty.String),
	"path":     {Type: cty.String, Required: true, ForceNew: true},
	"password": {Type: cty.String, Required: true, Sensitive: true, ForceNew: true},
}}}

var dataSchema = &schema.Resource{Block: schema.Block{Attributes: map[string]*schema.Attribute{
	"id":               computed(cty.String),
	"input":            attr(cty.DynamicPseudoType),
	"output":           computed(cty.DynamicPseudoType),
	"triggers_replace": attr(cty.DynamicPseudoType),
}}}

func inst(typ, name string, key addrs.InstanceKey) addrs.AbsResourceInstance {
	return addrs.AbsResourceInstance{Resource: addrs.Resource{Mode: addrs.ManagedMode, Type: typ, Name: name}, Key: key}
}

func dataInst(typ, name string) addrs.AbsResourceInstance {
	return addrs.AbsResourceInstance{Resource: addrs.Resource{Mode: addrs.DataMode, Type: typ, Name: name}}
}

func provider(typ string) string {
	switch typ[:3] {
	case "net":
		return `provider["steward/network"]`
	case "dir":
		return `provider["steward/directory"]`
	case "bac":
		return `provider["steward/backup"]`
	}
	return `provider["steward/steward"]`
}

func rc(addr addrs.AbsResourceInstance, action plan.Action, s *schema.Resource, before, after cty.Value) *plan.ResourceChange {
	if before == cty.NilVal {
		before = cty.NullVal(s.ImpliedType())
	}
	if after == cty.NilVal {
		after = cty.NullVal(s.ImpliedType())
	}
	return &plan.ResourceChange{
		Addr:     addr,
		Provider: provider(addr.Resource.Type),
		Action:   action,
		Before:   before,
		After:    after,
		Schema:   s,
	}
}

func newPlan(changes ...*plan.ResourceChange) *plan.Plan {
	p := &plan.Plan{
		Mode:     plan.NormalMode,
		Changes:  changes,
		Complete: true,
		Created:  time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC),
	}
	return p
}

const runningConfigOld = `interface GigabitEthernet1/0/48
 description uplink
 switchport mode trunk
 switchport trunk allowed vlan 10,20
 spanning-tree portfast trunk
 mtu 1500
 no shutdown
 ip dhcp snooping trust
 logging event link-status
`

const runningConfigNew = `interface GigabitEthernet1/0/48
 description uplink to core
 switchport mode trunk
 switchport trunk allowed vlan 10,20,30
 spanning-tree portfast trunk
 mtu 9000
 no shutdown
 ip dhcp snooping trust
 logging event link-status
`

// fixtures are the plans the golden tests render.
func fixtures() []struct {
	name string
	plan *plan.Plan
} {
	type fx = struct {
		name string
		plan *plan.Plan
	}
	var out []fx

	// --- creates, with nested objects, lists, blocks, heredocs, a data read
	// and a module instance.
	{
		vlan := rc(inst("network_vlan", "dept", addrs.StringKey("finance")), plan.Create, vlanSchema, cty.NilVal,
			objOf(&vlanSchema.Block, map[string]cty.Value{
				"id":      cty.UnknownVal(cty.String),
				"device":  str("core-1"),
				"vlan_id": num(20),
				"name":    str("finance"),
				"tags":    strMap("owner", "finance", "cost-center", "4711"),
				"settings": cty.ObjectVal(map[string]cty.Value{
					"stp":   cty.ObjectVal(map[string]cty.Value{"priority": num(4096), "mode": str("rstp")}),
					"ports": cty.TupleVal([]cty.Value{num(1), num(2), str("Gi1/0/3")}),
					"empty": cty.EmptyObjectVal,
					"none":  cty.ListValEmpty(cty.String),
					"ratio": cty.NumberFloatVal(0.25),
					"big":   cty.MustParseNumberVal("100000000000000000000000"),
				}),
			}))
		policy := rc(inst("backup_policy", "finance", addrs.NoKey), plan.Create, policySchema, cty.NilVal,
			objOf(&policySchema.Block, map[string]cty.Value{
				"id":         cty.UnknownVal(cty.String),
				"repository": str("/srv/backup/main"),
				"sources":    strs("/srv/shares/finance", "/srv/shares/common"),
				"schedule":   str("0 2 * * *"),
				"notes":      str("Finance keeps seven years of records.\nAsk ${team} before changing.\n"),
				"keep":       objOf(keepBlock, map[string]cty.Value{"daily": num(7), "weekly": num(4), "monthly": num(12)}),
				"exclude": cty.ListVal([]cty.Value{
					objOf(excludeBlock, map[string]cty.Value{"pattern": str("*.tmp")}),
					objOf(excludeBlock, map[string]cty.Value{"pattern": str("~$*"), "reason": str("office lock files")}),
				}),
			}))
		read := rc(dataInst("steward_data", "lookup"), plan.Read, dataSchema, cty.NilVal, cty.UnknownVal(dataSchema.ImpliedType()))
		mod := rc(addrs.AbsResourceInstance{
			Module:   addrs.RootModuleInstance.Child("site", addrs.StringKey("paris")),
			Resource: addrs.Resource{Mode: addrs.ManagedMode, Type: "network_vlan", Name: "mgmt"},
			Key:      addrs.IntKey(0),
		}, plan.Create, vlanSchema, cty.NilVal, objOf(&vlanSchema.Block, map[string]cty.Value{
			"id":      cty.UnknownVal(cty.String),
			"device":  str("paris-core"),
			"vlan_id": num(99),
			"name":    str("mgmt"),
			"tags":    cty.MapValEmpty(cty.String),
		}))
		p := newPlan(vlan, policy, mod, read)
		p.Outputs = []*plan.OutputChange{
			{Name: "finance_vlan", Action: plan.Create, Before: cty.NullVal(cty.DynamicPseudoType), After: num(20)},
			{Name: "vlan_ids", Action: plan.Create, Before: cty.NullVal(cty.DynamicPseudoType), After: cty.UnknownVal(cty.List(cty.Number))},
		}
		out = append(out, fx{"create", p})
	}

	// --- in-place updates: attributes, a set, a multi-line string, a
	// nested single block, a list of blocks, a map, a list of objects and a
	// dynamic attribute whose type changes.
	{
		ifBefore := objOf(&interfaceSchema.Block, map[string]cty.Value{
			"id": str("core-1/Gi1/0/48"), "device": str("core-1"), "name": str("GigabitEthernet1/0/48"),
			"mode": str("trunk"), "description": str("uplink"), "mtu": num(1500), "enabled": cty.True,
			"trunk_vlans": numSet(10, 20, 40), "config": str(runningConfigOld),
		})
		ifAfter := objOf(&interfaceSchema.Block, map[string]cty.Value{
			"id": str("core-1/Gi1/0/48"), "device": str("core-1"), "name": str("GigabitEthernet1/0/48"),
			"mode": str("trunk"), "description": str("uplink to core"), "mtu": num(9000), "enabled": cty.True,
			"trunk_vlans": numSet(10, 20, 30), "config": str(runningConfigNew),
		})
		iface := rc(inst("network_interface", "uplink", addrs.NoKey), plan.Update, interfaceSchema, ifBefore, ifAfter)

		excl := func(p, r string) cty.Value {
			m := map[string]cty.Value{"pattern": str(p)}
			if r != "" {
				m["reason"] = str(r)
			}
			return objOf(excludeBlock, m)
		}
		hook := func(cmd string) cty.Value {
			return objOf(hookBlock, map[string]cty.Value{"command": str(cmd)})
		}
		target := func(h string, port int64) cty.Value {
			return objOf(&policySchema.BlockTypes["target"].Block, map[string]cty.Value{"host": str(h), "port": num(port)})
		}
		polBefore := objOf(&policySchema.Block, map[string]cty.Value{
			"id": str("pol-1"), "repository": str("/srv/backup/main"),
			"sources":  strs("/srv/shares/finance", "/srv/shares/common"),
			"schedule": str("0 2 * * *"),
			"keep":     objOf(keepBlock, map[string]cty.Value{"daily": num(7), "weekly": num(4), "monthly": num(12)}),
			"exclude":  cty.ListVal([]cty.Value{excl("*.tmp", ""), excl("*.bak", "old copies"), excl("~$*", "")}),
			"hook":     cty.MapVal(map[string]cty.Value{"pre": hook("sync"), "post": hook("notify ops")}),
			"target":   cty.SetVal([]cty.Value{target("nas-1", 22), target("nas-2", 22)}),
		})
		polAfter := objOf(&policySchema.Block, map[string]cty.Value{
			"id": str("pol-1"), "repository": str("/srv/backup/main"),
			"sources":  strs("/srv/shares/finance", "/srv/shares/audit", "/srv/shares/common"),
			"schedule": str("0 2 * * *"),
			"keep":     objOf(keepBlock, map[string]cty.Value{"daily": num(14), "weekly": num(4), "monthly": num(12)}),
			"exclude":  cty.ListVal([]cty.Value{excl("*.tmp", ""), excl("*.bak", "old copies, kept elsewhere"), excl("~$*", "")}),
			"hook":     cty.MapVal(map[string]cty.Value{"pre": hook("sync"), "post": hook("notify backup-team")}),
			"target":   cty.SetVal([]cty.Value{target("nas-1", 22), target("nas-3", 2222)}),
		})
		pol := rc(inst("backup_policy", "finance", addrs.NoKey), plan.Update, policySchema, polBefore, polAfter)

		phone := func(k, n string) cty.Value {
			return cty.ObjectVal(map[string]cty.Value{"kind": str(k), "number": str(n)})
		}
		userBefore := objOf(&userSchema.Block, map[string]cty.Value{
			"id": str("uid=alice,ou=people,dc=example,dc=org"), "uid": str("alice"),
			"full_name": str("Alice Smith"), "email": str("alice@example.org"),
			"groups":     strSet("finance", "staff", "vpn"),
			"attributes": strMap("department", "finance", "room", "B-101", "title", "Accountant"),
			"phones":     cty.ListVal([]cty.Value{phone("office", "+33 1 23 45 67 89"), phone("mobile", "+33 6 00 00 00 01")}),
			"enabled":    cty.True,
		})
		userAfter := objOf(&userSchema.Block, map[string]cty.Value{
			"id": str("uid=alice,ou=people,dc=example,dc=org"), "uid": str("alice"),
			"full_name": str("Alice Smith"), "email": str("alice@example.org"),
			"groups":     strSet("finance", "staff", "auditors"),
			"attributes": strMap("department", "finance", "room", "C-204", "manager", "bob"),
			"phones":     cty.ListVal([]cty.Value{phone("office", "+33 1 23 45 67 00"), phone("mobile", "+33 6 00 00 00 01")}),
			"enabled":    cty.False,
		})
		user := rc(inst("directory_user", "alice", addrs.NoKey), plan.Update, userSchema, userBefore, userAfter)

		dynBefore := objOf(&dataSchema.Block, map[string]cty.Value{"id": str("x"), "input": str("plain"), "output": str("plain")})
		dynAfter := objOf(&dataSchema.Block, map[string]cty.Value{
			"id":     str("x"),
			"input":  cty.ObjectVal(map[string]cty.Value{"vlan": num(20), "names": cty.TupleVal([]cty.Value{str("a"), cty.True})}),
			"output": cty.UnknownVal(cty.DynamicPseudoType),
		})
		dyn := rc(inst("steward_data", "x", addrs.NoKey), plan.Update, dataSchema, dynBefore, dynAfter)

		p := newPlan(pol, user, iface, dyn)
		p.Outputs = []*plan.OutputChange{
			{Name: "uplink_mtu", Action: plan.Update, Before: num(1500), After: num(9000)},
			{Name: "unchanged", Action: plan.NoOp, Before: str("same"), After: str("same")},
		}
		out = append(out, fx{"update", p})

		// The same update of a policy without the schema, as a plan read
		// back from a file renders: blocks become attributes.
		noSchema := *pol
		noSchema.Schema = nil
		out = append(out, fx{"update_noschema", newPlan(&noSchema)})
	}

	// --- replacements: a forcing attribute, a dynamic trigger with create
	// before destroy, a nested forcing path, and a tainted object.
	{
		repo := rc(inst("backup_repository", "main", addrs.NoKey), plan.DeleteThenCreate, repoSchema,
			objOf(&repoSchema.Block, map[string]cty.Value{"id": str("repo-a1b2"), "path": str("/srv/backup/main"), "password": sens(str("old-password-0ld"))}),
			objOf(&repoSchema.Block, map[string]cty.Value{"id": cty.UnknownVal(cty.String), "path": str("/srv/backup/main2"), "password": sens(str("old-password-0ld"))}))
		repo.RequiresReplace = []cty.Path{cty.GetAttrPath("path")}
		repo.Reason = "path changed"

		trig := rc(inst("steward_data", "trigger", addrs.IntKey(0)), plan.CreateThenDelete, dataSchema,
			objOf(&dataSchema.Block, map[string]cty.Value{"id": str("t-1"), "triggers_replace": cty.ObjectVal(map[string]cty.Value{"version": num(1), "image": str("v1")})}),
			objOf(&dataSchema.Block, map[string]cty.Value{"id": cty.UnknownVal(cty.String), "triggers_replace": cty.ObjectVal(map[string]cty.Value{"version": num(2), "image": str("v1")})}))
		trig.RequiresReplace = []cty.Path{cty.GetAttrPath("triggers_replace")}
		trig.Reason = "because triggers_replace changed"
		trig.CreateBeforeDestroy = true

		keepBefore := objOf(&policySchema.Block, map[string]cty.Value{"id": str("pol-2"), "repository": str("/srv/backup/main"),
			"keep": objOf(keepBlock, map[string]cty.Value{"daily": num(7)})})
		keepAfter := objOf(&policySchema.Block, map[string]cty.Value{"id": cty.UnknownVal(cty.String), "repository": str("/srv/backup/main"),
			"keep": objOf(keepBlock, map[string]cty.Value{"daily": num(3)})})
		nested := rc(inst("backup_policy", "sales", addrs.NoKey), plan.DeleteThenCreate, policySchema, keepBefore, keepAfter)
		nested.RequiresReplace = []cty.Path{cty.GetAttrPath("keep").GetAttr("daily")}

		vlan := objOf(&vlanSchema.Block, map[string]cty.Value{"id": str("core-1/30"), "device": str("core-1"), "vlan_id": num(30), "name": str("sales")})
		tainted := rc(inst("network_vlan", "dept", addrs.StringKey("sales")), plan.DeleteThenCreate, vlanSchema, vlan, vlan)
		tainted.Reason = "a previous apply left it tainted"

		out = append(out, fx{"replace", newPlan(nested, repo, tainted, trig)})
	}

	// --- deletions, with reasons, including secrets, and a forget.
	{
		sales := rc(inst("network_vlan", "dept", addrs.StringKey("sales")), plan.Delete, vlanSchema,
			objOf(&vlanSchema.Block, map[string]cty.Value{
				"id": str("core-1/30"), "device": str("core-1"), "vlan_id": num(30), "name": str("sales"),
				"tags": strMap("owner", "sales"),
			}), cty.NilVal)
		sales.Reason = `network_vlan.dept["sales"] is not in configuration`
		bob := rc(inst("directory_user", "bob", addrs.NoKey), plan.Delete, userSchema,
			objOf(&userSchema.Block, map[string]cty.Value{
				"id": str("uid=bob,ou=people,dc=example,dc=org"), "uid": str("bob"), "full_name": str("Bob Jones"),
				"password":   sens(str("deleted-secret")),
				"credential": cty.ObjectVal(map[string]cty.Value{"kind": str("totp"), "token": sens(str("deleted-secret"))}),
				"groups":     strSet("sales"),
			}), cty.NilVal)
		bob.Reason = "because the object is gone from configuration"
		legacy := rc(inst("network_vlan", "legacy", addrs.NoKey), plan.Forget, vlanSchema,
			objOf(&vlanSchema.Block, map[string]cty.Value{"id": str("core-1/999"), "device": str("core-1"), "vlan_id": num(999), "name": str("legacy")}),
			cty.NilVal)
		p := newPlan(bob, legacy, sales)
		p.Outputs = []*plan.OutputChange{{Name: "sales_vlan", Action: plan.Delete, Before: num(30), After: cty.NullVal(cty.Number)}}
		out = append(out, fx{"delete", p})
	}

	// --- drift, followed by the change that undoes part of it.
	{
		ifRecorded := objOf(&interfaceSchema.Block, map[string]cty.Value{
			"id": str("core-1/Gi1/0/48"), "device": str("core-1"), "name": str("GigabitEthernet1/0/48"),
			"mode": str("trunk"), "description": str("uplink"), "mtu": num(1500), "trunk_vlans": numSet(10, 20),
		})
		ifFound := objOf(&interfaceSchema.Block, map[string]cty.Value{
			"id": str("core-1/Gi1/0/48"), "device": str("core-1"), "name": str("GigabitEthernet1/0/48"),
			"mode": str("trunk"), "description": str("temporary - see ticket 4711"), "mtu": num(1500), "trunk_vlans": numSet(10, 20, 99),
		})
		vlanRecorded := objOf(&vlanSchema.Block, map[string]cty.Value{"id": str("core-1/30"), "device": str("core-1"), "vlan_id": num(30), "name": str("sales")})
		repoRecorded := objOf(&repoSchema.Block, map[string]cty.Value{"id": str("repo-a1b2"), "path": str("/srv/backup/main"), "password": sens(str("drift-secret-before"))})
		repoFound := objOf(&repoSchema.Block, map[string]cty.Value{"id": str("repo-a1b2"), "path": str("/srv/backup/main"), "password": sens(str("drift-secret-after"))})

		p := newPlan(
			rc(inst("network_interface", "uplink", addrs.NoKey), plan.Update, interfaceSchema, ifFound, ifRecorded),
			rc(inst("network_vlan", "dept", addrs.StringKey("sales")), plan.Create, vlanSchema, cty.NilVal, vlanRecorded),
		)
		p.Drift = []*plan.ResourceChange{
			rc(inst("backup_repository", "main", addrs.NoKey), plan.Update, repoSchema, repoRecorded, repoFound),
			rc(inst("network_interface", "uplink", addrs.NoKey), plan.Update, interfaceSchema, ifRecorded, ifFound),
			rc(inst("network_vlan", "dept", addrs.StringKey("sales")), plan.Delete, vlanSchema, vlanRecorded, cty.NilVal),
		}
		out = append(out, fx{"drift", p})

		// Drift the configuration already agrees with: no changes.
		same := newPlan(rc(inst("network_interface", "uplink", addrs.NoKey), plan.NoOp, interfaceSchema, ifFound, ifFound))
		same.Drift = []*plan.ResourceChange{rc(inst("network_interface", "uplink", addrs.NoKey), plan.Update, interfaceSchema, ifRecorded, ifFound)}
		out = append(out, fx{"drift_nochanges", same})

		ro := newPlan()
		ro.Mode = plan.RefreshOnlyMode
		ro.Drift = p.Drift
		out = append(out, fx{"refresh_only", ro})
	}

	// --- sensitive values at every depth.
	{
		cred := func(tok string) cty.Value {
			return cty.ObjectVal(map[string]cty.Value{"kind": str("api"), "token": sens(str(tok))})
		}
		before := objOf(&userSchema.Block, map[string]cty.Value{
			"id": str("uid=carol"), "uid": str("carol"), "full_name": str("Carol White"),
			"password":   sens(str("old-password-0ld")),
			"credential": cred("s3cr3t-nested-token"),
			"ssh_keys":   cty.ListVal([]cty.Value{str("ssh-ed25519 AAAA carol@laptop"), sens(str("sekrit-list-element"))}),
			"attributes": cty.MapVal(map[string]cty.Value{"room": str("A-1"), "pin": sens(str("sekrit-map-value"))}),
			"extra":      sens(strMap("k", "whole-map-secret")),
		})
		after := objOf(&userSchema.Block, map[string]cty.Value{
			"id": str("uid=carol"), "uid": str("carol"), "full_name": str("Carol White-Smith"),
			"password":   sens(str("new-password-n3w")),
			"credential": cred("hunter2-top-level"),
			"ssh_keys":   cty.ListVal([]cty.Value{str("ssh-ed25519 AAAA carol@laptop"), sens(str("key-material-secret"))}),
			"attributes": cty.MapVal(map[string]cty.Value{"room": str("A-2"), "pin": sens(str("sekrit-map-value"))}),
			"extra":      sens(strMap("k", "whole-map-secret", "k2", "whole-map-secret")),
		})
		upd := rc(inst("directory_user", "carol", addrs.NoKey), plan.Update, userSchema, before, after)

		created := rc(inst("directory_user", "dave", addrs.NoKey), plan.Create, userSchema, cty.NilVal,
			objOf(&userSchema.Block, map[string]cty.Value{
				"id": cty.UnknownVal(cty.String), "uid": str("dave"),
				"password":   sens(str("hunter2-top-level")),
				"credential": cred("s3cr3t-nested-token"),
				"ssh_keys":   cty.ListVal([]cty.Value{sens(str("sekrit-list-element"))}),
				"attributes": cty.MapVal(map[string]cty.Value{"pin": sens(str("sekrit-map-value"))}),
				"extra":      sens(strMap("k", "whole-map-secret")),
			}))

		pol := rc(inst("backup_policy", "secret_hooks", addrs.NoKey), plan.Update, policySchema,
			objOf(&policySchema.Block, map[string]cty.Value{"id": str("pol-9"), "repository": str("/srv/r"),
				"notes": sens(str("line one\nheredoc-secret-line\n")),
				"hook":  cty.MapVal(map[string]cty.Value{"pre": objOf(hookBlock, map[string]cty.Value{"command": str("sync"), "token": sens(str("block-secret-attr"))})}),
			}),
			objOf(&policySchema.Block, map[string]cty.Value{"id": str("pol-9"), "repository": str("/srv/r"),
				"notes": sens(str("line one\nheredoc-secret-line\nline three\n")),
				"hook":  cty.MapVal(map[string]cty.Value{"pre": objOf(hookBlock, map[string]cty.Value{"command": str("sync"), "token": sens(str("old-password-0ld"))})}),
			}))

		// A whole object marked sensitive.
		whole := rc(inst("steward_data", "opaque", addrs.NoKey), plan.Update, dataSchema,
			sens(objOf(&dataSchema.Block, map[string]cty.Value{"id": str("o"), "input": str("whole-map-secret")})),
			sens(objOf(&dataSchema.Block, map[string]cty.Value{"id": str("o"), "input": str("key-material-secret")})))

		p := newPlan(pol, upd, created, whole)
		p.Outputs = []*plan.OutputChange{
			{Name: "admin_password", Action: plan.Update, Sensitive: true, Before: str("output-secret-flagged"), After: str("new-password-n3w")},
			{Name: "api_token", Action: plan.Create, Before: cty.NullVal(cty.String), After: sens(str("output-secret-marked"))},
			{Name: "token_map", Action: plan.Create, Before: cty.NullVal(cty.DynamicPseudoType),
				After: cty.ObjectVal(map[string]cty.Value{"user": str("carol"), "token": sens(str("output-secret-marked"))})},
		}
		p.Drift = []*plan.ResourceChange{
			rc(inst("directory_user", "carol", addrs.NoKey), plan.Update, userSchema,
				objOf(&userSchema.Block, map[string]cty.Value{"id": str("uid=carol"), "uid": str("carol"), "password": sens(str("drift-secret-before"))}),
				objOf(&userSchema.Block, map[string]cty.Value{"id": str("uid=carol"), "uid": str("carol"), "password": sens(str("drift-secret-after"))})),
		}
		out = append(out, fx{"sensitive", p})
	}

	// --- unknown values at every depth.
	{
		created := rc(inst("steward_data", "u", addrs.NoKey), plan.Create, dataSchema, cty.NilVal,
			objOf(&dataSchema.Block, map[string]cty.Value{
				"id": cty.UnknownVal(cty.String),
				"input": cty.ObjectVal(map[string]cty.Value{
					"list":    cty.ListVal([]cty.Value{str("known"), cty.UnknownVal(cty.String)}),
					"set":     cty.SetVal([]cty.Value{num(1), cty.UnknownVal(cty.Number)}),
					"map":     cty.UnknownVal(cty.Map(cty.String)),
					"nested":  cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.Bool), "b": str("x")}),
					"refined": cty.UnknownVal(cty.String).Refine().NotNull().StringPrefix("https://").NewValue(),
				}),
				"output": cty.DynamicVal,
			}))
		updated := rc(inst("network_interface", "uplink", addrs.NoKey), plan.Update, interfaceSchema,
			objOf(&interfaceSchema.Block, map[string]cty.Value{"id": str("i-1"), "name": str("Gi1"), "description": str("x"),
				"config": str(runningConfigOld), "trunk_vlans": numSet(10)}),
			objOf(&interfaceSchema.Block, map[string]cty.Value{"id": str("i-1"), "name": str("Gi1"), "description": cty.UnknownVal(cty.String),
				"config": cty.UnknownVal(cty.String), "trunk_vlans": cty.UnknownVal(cty.Set(cty.Number))}))
		blocks := rc(inst("backup_policy", "later", addrs.NoKey), plan.Create, policySchema, cty.NilVal,
			objOf(&policySchema.Block, map[string]cty.Value{
				"id":      cty.UnknownVal(cty.String),
				"exclude": cty.UnknownVal(cty.List(excludeBlock.ImpliedType())),
				"keep":    objOf(keepBlock, map[string]cty.Value{"daily": cty.UnknownVal(cty.Number), "weekly": num(4)}),
			}))
		out = append(out, fx{"unknown", newPlan(blocks, updated, created)})
	}

	// --- outputs alone.
	{
		p := newPlan()
		p.Outputs = []*plan.OutputChange{
			{Name: "added", Action: plan.Create, Before: cty.NullVal(cty.String), After: str("hello")},
			{Name: "changed_list", Action: plan.Update, Before: strs("a", "b"), After: strs("a", "c")},
			{Name: "removed", Action: plan.Delete, Before: cty.ObjectVal(map[string]cty.Value{"x": num(1)}), After: cty.NullVal(cty.DynamicPseudoType)},
			{Name: "same", Action: plan.NoOp, Before: num(1), After: num(1)},
			{Name: "secret", Action: plan.Update, Sensitive: true, Before: str("output-secret-flagged"), After: str("output-secret-flagged")},
		}
		out = append(out, fx{"outputs", p})
	}

	// --- imports and moves.
	{
		vlan := objOf(&vlanSchema.Block, map[string]cty.Value{"id": str("core-1/40"), "device": str("core-1"), "vlan_id": num(40), "name": str("voice")})
		vlan2 := objOf(&vlanSchema.Block, map[string]cty.Value{"id": str("core-1/40"), "device": str("core-1"), "vlan_id": num(40), "name": str("voip")})
		imp := rc(inst("network_vlan", "voice", addrs.NoKey), plan.NoOp, vlanSchema, vlan, vlan)
		imp.ImportID = "core-1/40"
		impUpd := rc(inst("network_vlan", "voip", addrs.NoKey), plan.Update, vlanSchema, vlan, vlan2)
		impUpd.ImportID = "core-1/41"
		prev := inst("network_vlan", "old_name", addrs.NoKey)
		mv := rc(inst("network_vlan", "new_name", addrs.NoKey), plan.NoOp, vlanSchema, vlan, vlan)
		mv.PrevAddr = &prev
		prev2 := inst("network_vlan", "older", addrs.IntKey(3))
		mvUpd := rc(inst("network_vlan", "renamed", addrs.NoKey), plan.Update, vlanSchema, vlan, vlan2)
		mvUpd.PrevAddr = &prev2
		p := newPlan(mv, mvUpd, imp, impUpd)
		p.Warnings = []plan.Warning{{
			Summary: "Host key verification disabled",
			Detail:  `The device "lab-1" has known_hosts = "insecure": steward will accept any host key it presents, so a machine in the middle could read the configuration sent to it.`,
		}}
		out = append(out, fx{"import_moved", p})
	}

	// --- nothing to do.
	{
		vlan := objOf(&vlanSchema.Block, map[string]cty.Value{"id": str("core-1/20"), "device": str("core-1"), "vlan_id": num(20), "name": str("finance")})
		out = append(out, fx{"nochanges", newPlan(rc(inst("network_vlan", "dept", addrs.StringKey("finance")), plan.NoOp, vlanSchema, vlan, vlan))})

		ro := newPlan()
		ro.Mode = plan.RefreshOnlyMode
		out = append(out, fx{"refresh_only_nochanges", ro})

		d := newPlan()
		d.Mode = plan.DestroyMode
		out = append(out, fx{"destroy_nochanges", d})

		inc := newPlan(rc(inst("network_vlan", "dept", addrs.StringKey("finance")), plan.Create, vlanSchema, cty.NilVal, vlan))
		inc.Complete = false
		out = append(out, fx{"errored", inc})
	}
	return out
}
