variable "secret" {
  type      = string
  sensitive = true
}

variable "n" {
  type    = number
  default = 2
}

locals {
  names = toset(["x", "y"])
}

resource "steward_data" "a" {
  input = "hello"
}

resource "steward_data" "counted" {
  count = var.n
  input = "${steward_data.a.output}-${count.index}"
}

resource "steward_data" "each" {
  for_each = local.names
  input    = { name = each.key, from = steward_data.a.id }
}

resource "steward_data" "secret" {
  input = var.secret
}

output "greeting" {
  value = steward_data.a.output
}

output "ids" {
  value = [for c in steward_data.counted : c.id]
}

output "secret" {
  value     = var.secret
  sensitive = true
}
