resource "steward_data" "b" {
  input = "y"
}
