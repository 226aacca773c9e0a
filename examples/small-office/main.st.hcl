# A small office: two switches, three departments with a VLAN and a group
# each, twenty people with their desk ports and accounts, and one leaver.
#
#   steward lab up --dir examples/small-office
#   steward -chdir=examples/small-office apply

locals {
  departments = {
    finance = { vlan = 20, gid = 5020, keep_daily = 30, keep_monthly = 84 } # 7 years, for the auditors
    sales   = { vlan = 30, gid = 5030, keep_daily = 14, keep_monthly = 12 }
    it      = { vlan = 40, gid = 5040, keep_daily = 7, keep_monthly = 6 }
  }

  names = ["ada", "ben", "cleo", "dan", "eve", "finn", "gus", "hana", "ivan", "jo",
  "kai", "lea", "max", "nia", "otto", "pia", "quinn", "rui", "sam", "tess"]
  people = { for i, n in local.names : n => {
    department = keys(local.departments)[i % 3]
    port       = i + 1
  } }

  leavers = toset(["tess"])
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

module "desks" {
  source      = "./modules/access-ports"
  device      = "access-1"
  port_prefix = "Et"
  desks = { for n, p in local.people : n => {
    port = p.port
    vlan = network_vlan.access[p.department].vlan_id
  } if !contains(local.leavers, n) }
}

resource "directory_group" "department" {
  for_each   = local.departments
  name       = each.key
  gid_number = each.value.gid
}

resource "directory_user" "staff" {
  for_each   = local.people
  uid        = each.key
  full_name  = "${title(each.key)} Example"
  email      = "${each.key}@example.org"
  department = each.value.department
  groups     = [directory_group.department[each.value.department].name]
  enabled    = !contains(local.leavers, each.key)

  lifecycle {
    prevent_destroy = true
  }
}

# Backups: each department's share, nightly, into the office repository,
# kept as long as the department needs. The repository's password comes
# from STEWARD_BACKUP_PASSWORD; "steward backup run" runs every policy.
variable "shares" {
  description = "Directory holding one share per department; relative paths are resolved against this directory."
  type        = string
  default     = "shares"
}

resource "backup_repository" "office" {
  path = abspath(".backups")
}

resource "backup_policy" "department" {
  for_each   = local.departments
  repository = backup_repository.office.path
  name       = each.key
  sources    = [abspath("${var.shares}/${each.key}")]
  exclude    = ["*.tmp", "~$*", ".Trash-*"]
  schedule   = "0 1 * * *"
  tags       = [each.key]
  prune      = true

  keep {
    daily   = each.value.keep_daily
    weekly  = 4
    monthly = each.value.keep_monthly
  }
}

output "desk_ports" {
  value = module.desks.ports
}
