# The quickstart: a small office's departments, each with its VLAN on the
# core and access switches, a trunk between the two and a desk port; in
# the directory a group per department and the dozen people who work
# there; and a nightly backup of the departments' shared files.
#
# `steward lab up --dir examples/quickstart` starts two simulated switches
# (a Cisco IOS-XE core and an Arista EOS access switch, reached over real
# SSH on 127.0.0.1) and an LDAP directory, and writes providers.st.hcl and
# lab.auto.vars.hcl next to this file, so the configuration needs nothing
# else. The backup repository's password comes from STEWARD_BACKUP_PASSWORD
# in the environment (run.sh makes one up).

locals {
  departments = {
    finance = { vlan = 20, gid = 5020 }
    sales   = { vlan = 30, gid = 5030 }
    it      = { vlan = 40, gid = 5040 }
  }

  # Access rights follow the department: moving someone is a one-line
  # change, and a leaver is one line in `leavers`.
  staff = {
    alice = "finance"
    bruno = "finance"
    chen  = "finance"
    dina  = "finance"
    emil  = "sales"
    fatma = "sales"
    gert  = "sales"
    hugo  = "sales"
    ines  = "it"
    jonas = "it"
    kemal = "it"
    lena  = "it"
  }
  leavers = toset([])
}

resource "network_vlan" "core" {
  for_each = local.departments
  device   = "core-1"
  vlan_id  = each.value.vlan
  name     = each.key
}

resource "network_vlan" "access" {
  for_each = local.departments
  device   = "access-1"
  vlan_id  = each.value.vlan
  name     = each.key
}

resource "network_interface" "core_uplink" {
  device      = "core-1"
  name        = "Gi1/0/48"
  description = "uplink to access-1"
  mode        = "trunk"
  trunk_vlans = [for v in network_vlan.core : v.vlan_id]
}

resource "network_interface" "access_uplink" {
  device      = "access-1"
  name        = "Et48"
  description = "uplink to core-1"
  mode        = "trunk"
  trunk_vlans = [for v in network_vlan.access : v.vlan_id]
}

resource "network_interface" "finance_desk" {
  device      = "access-1"
  name        = "Et1"
  description = "finance desk 1"
  mode        = "access"
  access_vlan = network_vlan.access["finance"].vlan_id
}

resource "directory_group" "department" {
  for_each   = local.departments
  name       = each.key
  gid_number = each.value.gid
}

resource "directory_user" "staff" {
  for_each   = local.staff
  uid        = each.key
  full_name  = "${title(each.key)} Example"
  email      = "${each.key}@example.org"
  department = each.value
  groups     = [directory_group.department[each.value].name]
  enabled    = !contains(local.leavers, each.key)

  lifecycle {
    prevent_destroy = true # leavers are disabled, never deleted by accident
  }
}

# Backups: the shared files, every night at 01:00, into a repository next
# to this file (a NAS or an SFTP server in real life: url = "sftp://...").
# "steward backup run" runs the policy; forget and prune apply its keep
# rules.
resource "backup_repository" "office" {
  path = abspath(".backups")
}

resource "backup_policy" "shares" {
  repository = backup_repository.office.path
  name       = "shares"
  sources    = [abspath("shared")]
  exclude    = ["*.tmp", "~$*"]
  schedule   = "0 1 * * *"

  keep {
    daily   = 7
    weekly  = 4
    monthly = 12
  }
}

data "network_device" "core" {
  device = "core-1"
}

output "core_switch" {
  value = "${data.network_device.core.model} running ${data.network_device.core.os_version}"
}

output "members" {
  value = { for d, _ in local.departments : d => sort([for u, dept in local.staff : u if dept == d]) }
}
