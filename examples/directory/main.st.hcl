# Departments, their groups and their staff. Access rights follow the
# department: moving someone is a one-line change of `department`, and the
# plan shows exactly the memberships that change. A leaver is one line too:
# `enabled = false` locks the account, removes it from its groups and moves
# it to ou=disabled, keeping its data.
#
# Run it against the lab's directory:
#   steward lab up --dir examples/directory
#   steward -chdir=examples/directory apply

locals {
  departments = {
    finance = { gid = 5001, description = "Finance and accounting" }
    sales   = { gid = 5002, description = "Sales" }
    it      = { gid = 5003, description = "IT operations" }
  }

  staff = {
    alice = { name = "Alice Smith", department = "finance", title = "Controller" }
    bob   = { name = "Bob Jones", department = "sales", title = "Account manager" }
    carol = { name = "Carol White", department = "it", title = "Network engineer" }
    dave  = { name = "Dave Brown", department = "finance", title = "Accountant" }
  }

  leavers = toset([]) # e.g. toset(["dave"]) on dave's last day
}

resource "directory_group" "department" {
  for_each    = local.departments
  name        = each.key
  description = each.value.description
  gid_number  = each.value.gid
}

resource "directory_user" "staff" {
  for_each   = local.staff
  uid        = each.key
  full_name  = each.value.name
  title      = each.value.title
  email      = "${each.key}@example.org"
  department = each.value.department
  groups     = [directory_group.department[each.value.department].name]
  enabled    = !contains(local.leavers, each.key)

  lifecycle {
    prevent_destroy = true # leavers are disabled, never deleted by accident
  }
}

output "members" {
  value = { for d, _ in local.departments : d => sort([for u, s in local.staff : u if s.department == d]) }
}
