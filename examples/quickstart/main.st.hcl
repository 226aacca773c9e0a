# The quickstart: the departments of a small office, each with its VLAN on
# the core and access switches, a trunk between the two and a desk port.
#
# `steward lab up --dir examples/quickstart` starts two simulated switches
# (a Cisco IOS-XE core and an Arista EOS access switch, reached over real
# SSH on 127.0.0.1) and writes providers.st.hcl and lab.auto.vars.hcl next
# to this file, so the configuration needs nothing else.

locals {
  departments = {
    finance = 20
    sales   = 30
  }
}

resource "network_vlan" "core" {
  for_each = local.departments
  device   = "core-1"
  vlan_id  = each.value
  name     = each.key
}

resource "network_vlan" "access" {
  for_each = local.departments
  device   = "access-1"
  vlan_id  = each.value
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

data "network_device" "core" {
  device = "core-1"
}

output "core_switch" {
  value = "${data.network_device.core.model} running ${data.network_device.core.os_version}"
}
