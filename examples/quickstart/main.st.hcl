# The quickstart: a small configuration that needs no hardware and no
# servers. steward_data objects live only in state, so plan and apply can be
# tried anywhere. The network, directory and backup providers follow the same
# shape (see the other examples).

variable "site" {
  type        = string
  default     = "hq"
  description = "Short name of the site, used in every object's name."
}

locals {
  departments = {
    finance = { vlan = 20 }
    sales   = { vlan = 30 }
  }
}

resource "steward_data" "site" {
  input = { name = var.site }
}

resource "steward_data" "department" {
  for_each = local.departments
  input = {
    site = steward_data.site.output.name
    name = each.key
    vlan = each.value.vlan
  }
}

output "vlans" {
  value = { for name, d in steward_data.department : name => d.output.vlan }
}
