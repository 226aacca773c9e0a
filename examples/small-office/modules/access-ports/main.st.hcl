# The desk ports of one access switch: one port per person, in the VLAN of
# the person's department.

variable "device" {
  type        = string
  description = "The access switch."
}

variable "port_prefix" {
  type        = string
  description = "Port name prefix on this platform, e.g. \"Et\" or \"Gi1/0/\"."
}

variable "desks" {
  type        = map(object({ port = number, vlan = number }))
  description = "Desk ports by person."
}

resource "network_interface" "desk" {
  for_each    = var.desks
  device      = var.device
  name        = "${var.port_prefix}${each.value.port}"
  description = "desk of ${each.key}"
  mode        = "access"
  access_vlan = each.value.vlan
}

output "ports" {
  value = { for person, p in network_interface.desk : person => p.name }
}
