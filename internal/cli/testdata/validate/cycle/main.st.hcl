resource "steward_data" "a" {
  input = steward_data.b.id
}

resource "steward_data" "b" {
  input = steward_data.a.id
}
