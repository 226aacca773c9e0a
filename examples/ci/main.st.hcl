# The configuration the CI example reviews and applies: two VLANs on the
# core switch. Change it in a pull request and the pipeline posts the plan.
#
# The provider block is not here: `steward lab up --dir examples/ci` writes
# providers.st.hcl (and lab.auto.vars.hcl) for the lab; in production it
# lives next to this file and reads its credentials from variables that CI
# sets from its secrets as STEWARD_VAR_lab_username / STEWARD_VAR_lab_password.

locals {
  vlans = {
    servers = 110
    voice   = 120
  }
}

resource "network_vlan" "core" {
  for_each = local.vlans
  device   = "core-1"
  vlan_id  = each.value
  name     = each.key
}
