variable "name" {
  type = string
}

resource "steward_data" "a" {
  input = var.name
}
