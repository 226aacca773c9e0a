resource "steward_data" "a" {
  input = "one"
}

resource "steward_data" "b" {
  input = [steward_data.a.id, "two"]
}

output "b" {
  value = steward_data.b.output
}
