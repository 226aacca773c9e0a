# Discovered by steward discover from device sw1 (cisco_iosxe): 2 objects to adopt.
# Not adopted (2), because the configuration would not describe them exactly:
#   network_acl sw1:acl:MGMT: entry[0].action cannot be written as configuration: "remark" is not one of "permit" or "deny"
#   network_vlan sw1:vlan:40: a message over two lines

import {
  to = network_vlan.vlan_20_finance
  id = "sw1:vlan:20"
}

resource "network_vlan" "vlan_20_finance" {
  vlan_id = 20
  name    = "finance $${x} %%{y}"
  device  = "sw1"
  members = [
    100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
    116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131,
    132, 133, 134, 135, 136, 137, 138, 139,
  ]
  note = "line one\nline \"two\""
  # secret is sensitive and not shown: set it, for example from a variable.
  entry {
    sequence = 10
    action   = "permit"
  }
  entry {
    sequence = 20
    action   = "deny"
    log      = true
  }
  label "a" {
    value = "1"
  }
  label "b" {
    value = "2"
  }
}

import {
  to = network_vlan.vlan_30
  id = "sw1:vlan:30"
}

resource "network_vlan" "vlan_30" {
  device  = "sw1"
  vlan_id = 30
  members = [1, 2]
  state   = "suspend"
}
