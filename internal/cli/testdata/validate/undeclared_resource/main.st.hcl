resource "steward_data" "a" {
  input = steward_data.missing.id
}
