# DHCP reservations managed through an external provider plugin.
#
# Build the plugin, record its checksum, then plan and apply as usual:
#
#   go build -o plugins/steward-provider-dhcp ./steward-provider-dhcp
#   steward init
#   steward plan

steward {
  required_providers {
    dhcp = { source = "./plugins/steward-provider-dhcp" }
  }
}

provider "dhcp" {
  file = "dhcpd.hosts.conf"
}

locals {
  reservations = {
    printer-1 = { mac = "00:11:22:33:44:55", ip = "192.168.1.50" }
    ap-lobby  = { mac = "00:11:22:33:44:66", ip = "192.168.1.51" }
    nas       = { mac = "00:11:22:33:44:77", ip = "192.168.1.52" }
  }
}

resource "dhcp_reservation" "host" {
  for_each = local.reservations
  name     = each.key
  mac      = each.value.mac
  ip       = each.value.ip
}
