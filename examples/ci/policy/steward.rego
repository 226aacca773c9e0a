# Policies for steward plans, checked in CI with Open Policy Agent's conftest
# before anyone reviews the plan:
#
#   steward show -json plan.bin > plan.json
#   conftest test --policy policy/ --data ticket.json plan.json
#
# ticket.json carries the change ticket the pipeline found in the pull
# request's title, e.g. {"ticket": "OPS-1234"} (or {"ticket": ""}).
# The input is steward's JSON plan (format in internal/ui/plan.schema.json):
# resource_changes[*] has address, type and change.{actions, before, after}.
package main

import rego.v1

# VLAN 1 is every switch's default VLAN, where unconfigured ports land: a
# desk port put into it joins whatever else is still there, and a trunk
# that stops carrying it can cut off switches managed through it. steward
# already refuses to manage VLAN 1 itself; these rules cover its use.
deny contains msg if {
	some rc in input.resource_changes
	rc.type == "network_interface"
	changes(rc)
	rc.change.after.mode == "access"
	in_default_vlan(rc.change.after)
	msg := sprintf("%s: access ports are not put into VLAN 1, the default VLAN", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "network_interface"
	changes(rc)
	1 in object.get(rc.change.before, "trunk_vlans", [])
	not 1 in trunk_vlans_after(rc.change)
	msg := sprintf("%s: the trunk would stop carrying VLAN 1", [rc.address])
}

# Administrators are added only against a change ticket.
deny contains msg if {
	some rc in input.resource_changes
	rc.type == "directory_user"
	changes(rc)
	"admins" in groups(rc.change.after)
	not "admins" in groups(rc.change.before)
	not has_ticket
	msg := sprintf("%s: joining the admins group needs a change ticket (e.g. OPS-1234) in the pull request's title", [rc.address])
}

# A plan that destroys directory accounts (rather than disabling them) gets
# a warning: leavers are normally disabled, which keeps their data.
warn contains msg if {
	some rc in input.resource_changes
	rc.type == "directory_user"
	"delete" in rc.change.actions
	msg := sprintf("%s: the account would be deleted, not disabled", [rc.address])
}

changes(rc) if {
	some action in rc.change.actions
	action in {"create", "update", "delete"}
}

# An access port without an access VLAN is in VLAN 1 (the providers
# normalise an explicit 1 to null, as the switches print no line for it).
in_default_vlan(port) if port.access_vlan == null

in_default_vlan(port) if port.access_vlan == 1

trunk_vlans_after(change) := [] if change.after == null

trunk_vlans_after(change) := object.get(change.after, "trunk_vlans", []) if change.after != null

groups(obj) := [] if obj == null

groups(obj) := object.get(obj, "groups", []) if obj != null

has_ticket if regex.match(`^[A-Z][A-Z0-9]+-[0-9]+$`, data.ticket)
