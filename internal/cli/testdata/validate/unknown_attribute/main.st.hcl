resource "steward_data" "a" {
  inptu = "x"
}
