resource "steward_data" "a" {
input = "x"
  triggers_replace    = 1
}
