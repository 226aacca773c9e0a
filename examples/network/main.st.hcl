# The network provider on its own: a core switch that routes to the
# internet and to a branch office, with an access list guarding its
# management plane, and an access switch with data and voice VLANs.
#
#   steward lab up --dir examples/network
#   steward -chdir=examples/network apply

locals {
  vlans = {
    data  = 10
    voice = 11
  }
  management_hosts = ["10.99.0.10", "10.99.0.11"]
}

# Core: a routed uplink, a default route and a route to the branch.
resource "network_interface" "wan" {
  device       = "core-1"
  name         = "Gi1/0/1"
  description  = "to the ISP router"
  mode         = "routed"
  ipv4_address = "192.0.2.2/30"
}

resource "network_static_route" "default" {
  device   = "core-1"
  prefix   = "0.0.0.0/0"
  next_hop = "192.0.2.1"
  name     = "internet"
}

resource "network_static_route" "branch" {
  device   = "core-1"
  prefix   = "10.20.0.0/16"
  next_hop = "192.0.2.1"
  distance = 10
  name     = "branch-office"
}

# Only the management hosts may open SSH sessions to the switches.
resource "network_acl" "management" {
  device = "core-1"
  name   = "MGMT-SSH"

  dynamic "entry" {
    for_each = local.management_hosts
    content {
      action   = "permit"
      protocol = "tcp"
      source   = entry.value
      ports    = "eq 22"
    }
  }

  entry {
    action = "deny"
    source = "any"
    log    = true
  }
}

# Access: data and voice VLANs and a phone-and-PC desk port.
resource "network_vlan" "access" {
  for_each = local.vlans
  device   = "access-1"
  vlan_id  = each.value
  name     = each.key
}

resource "network_interface" "desk" {
  for_each    = toset(["Et1", "Et2", "Et3"])
  device      = "access-1"
  name        = each.key
  description = "desk"
  mode        = "access"
  access_vlan = network_vlan.access["data"].vlan_id
}

resource "network_interface" "uplink" {
  device      = "access-1"
  name        = "Et48"
  description = "uplink to core-1"
  mode        = "trunk"
  trunk_vlans = [for v in network_vlan.access : v.vlan_id]
}
