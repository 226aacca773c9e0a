# Discovered by steward discover from cat9300-access.cfg (cisco_iosxe, device acc-sw-01): 34 objects to adopt.
# Not adopted (2), because the configuration would not describe them exactly:
#   network_acl acc-sw-01:acl:MGMT: entry[0].action cannot be written as configuration: "remark" is not one of "permit" or "deny"
#   network_interface acc-sw-01:interface:GigabitEthernet0/0: the provider does not accept its settings as configuration: Invalid interface settings: an address needs a routed port: set mode = "routed" on GigabitEthernet0/0

import {
  to = network_vlan.vlan_2
  id = "acc-sw-01:vlan:2"
}

resource "network_vlan" "vlan_2" {
  device  = "acc-sw-01"
  vlan_id = 2
}

import {
  to = network_vlan.vlan_3
  id = "acc-sw-01:vlan:3"
}

resource "network_vlan" "vlan_3" {
  device  = "acc-sw-01"
  vlan_id = 3
}

import {
  to = network_vlan.vlan_4
  id = "acc-sw-01:vlan:4"
}

resource "network_vlan" "vlan_4" {
  device  = "acc-sw-01"
  vlan_id = 4
}

import {
  to = network_vlan.vlan_10_voice
  id = "acc-sw-01:vlan:10"
}

resource "network_vlan" "vlan_10_voice" {
  device  = "acc-sw-01"
  vlan_id = 10
  name    = "voice"
}

import {
  to = network_vlan.vlan_20_finance
  id = "acc-sw-01:vlan:20"
}

resource "network_vlan" "vlan_20_finance" {
  device  = "acc-sw-01"
  vlan_id = 20
  name    = "finance"
}

import {
  to = network_vlan.vlan_30
  id = "acc-sw-01:vlan:30"
}

resource "network_vlan" "vlan_30" {
  device  = "acc-sw-01"
  vlan_id = 30
}

import {
  to = network_vlan.vlan_40_guest
  id = "acc-sw-01:vlan:40"
}

resource "network_vlan" "vlan_40_guest" {
  device  = "acc-sw-01"
  vlan_id = 40
  name    = "guest"
  state   = "suspend"
}

import {
  to = network_vlan.vlan_50
  id = "acc-sw-01:vlan:50"
}

resource "network_vlan" "vlan_50" {
  device  = "acc-sw-01"
  vlan_id = 50
}

import {
  to = network_vlan.vlan_99_native
  id = "acc-sw-01:vlan:99"
}

resource "network_vlan" "vlan_99_native" {
  device  = "acc-sw-01"
  vlan_id = 99
  name    = "native"
}

import {
  to = network_vlan.vlan_100
  id = "acc-sw-01:vlan:100"
}

resource "network_vlan" "vlan_100" {
  device  = "acc-sw-01"
  vlan_id = 100
}

import {
  to = network_vlan.vlan_101
  id = "acc-sw-01:vlan:101"
}

resource "network_vlan" "vlan_101" {
  device  = "acc-sw-01"
  vlan_id = 101
}

import {
  to = network_vlan.vlan_102
  id = "acc-sw-01:vlan:102"
}

resource "network_vlan" "vlan_102" {
  device  = "acc-sw-01"
  vlan_id = 102
}

import {
  to = network_vlan.vlan_103
  id = "acc-sw-01:vlan:103"
}

resource "network_vlan" "vlan_103" {
  device  = "acc-sw-01"
  vlan_id = 103
}

import {
  to = network_interface.gigabitethernet1_0_1
  id = "acc-sw-01:interface:GigabitEthernet1/0/1"
}

resource "network_interface" "gigabitethernet1_0_1" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/1"
  description = "Finance desk 1"
  mode        = "access"
  access_vlan = 20
}

import {
  to = network_interface.gigabitethernet1_0_2
  id = "acc-sw-01:interface:GigabitEthernet1/0/2"
}

resource "network_interface" "gigabitethernet1_0_2" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/2"
  description = "Finance desk 2"
  mode        = "access"
  access_vlan = 20
}

import {
  to = network_interface.gigabitethernet1_0_3
  id = "acc-sw-01:interface:GigabitEthernet1/0/3"
}

resource "network_interface" "gigabitethernet1_0_3" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/3"
  description = "AP floor 2 | east"
  mode        = "trunk"
  trunk_vlans = [
    2, 3, 4, 10, 20, 30, 40, 99, 100, 101, 102, 103, 200, 202, 204, 206,
    208, 210, 212, 214, 216, 218, 220, 300, 301, 302, 303, 304, 305, 306, 307, 308,
    309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320,
  ]
  native_vlan = 99
}

import {
  to = network_interface.gigabitethernet1_0_4
  id = "acc-sw-01:interface:GigabitEthernet1/0/4"
}

resource "network_interface" "gigabitethernet1_0_4" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/4"
  mode        = "trunk"
  trunk_vlans = []
}

import {
  to = network_interface.gigabitethernet1_0_5
  id = "acc-sw-01:interface:GigabitEthernet1/0/5"
}

resource "network_interface" "gigabitethernet1_0_5" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/5"
  description = "printer room 2.14"
  mode        = "access"
}

import {
  to = network_interface.gigabitethernet1_0_6
  id = "acc-sw-01:interface:GigabitEthernet1/0/6"
}

resource "network_interface" "gigabitethernet1_0_6" {
  device       = "acc-sw-01"
  name         = "GigabitEthernet1/0/6"
  description  = "p2p to core-01 Te1/1/1"
  mode         = "routed"
  ipv4_address = "10.255.0.1/30"
  mtu          = 9198
}

import {
  to = network_interface.gigabitethernet1_0_7
  id = "acc-sw-01:interface:GigabitEthernet1/0/7"
}

resource "network_interface" "gigabitethernet1_0_7" {
  device  = "acc-sw-01"
  name    = "GigabitEthernet1/0/7"
  enabled = false
}

import {
  to = network_interface.gigabitethernet1_0_8
  id = "acc-sw-01:interface:GigabitEthernet1/0/8"
}

resource "network_interface" "gigabitethernet1_0_8" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/8"
  access_vlan = 40
}

import {
  to = network_interface.gigabitethernet1_0_47
  id = "acc-sw-01:interface:GigabitEthernet1/0/47"
}

resource "network_interface" "gigabitethernet1_0_47" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/47"
  description = "spare - do not use"
  enabled     = false
}

import {
  to = network_interface.gigabitethernet1_0_48
  id = "acc-sw-01:interface:GigabitEthernet1/0/48"
}

resource "network_interface" "gigabitethernet1_0_48" {
  device      = "acc-sw-01"
  name        = "GigabitEthernet1/0/48"
  description = "uplink to dist-01 Gi1/0/1"
  mode        = "trunk"
  trunk_vlans = [10, 20, 30, 40, 99]
}

import {
  to = network_interface.loopback0
  id = "acc-sw-01:interface:Loopback0"
}

resource "network_interface" "loopback0" {
  device       = "acc-sw-01"
  name         = "Loopback0"
  mode         = "routed"
  ipv4_address = "10.255.255.11/32"
}

import {
  to = network_interface.port_channel1
  id = "acc-sw-01:interface:Port-channel1"
}

resource "network_interface" "port_channel1" {
  device      = "acc-sw-01"
  name        = "Port-channel1"
  description = "uplink to dist-01"
  mode        = "trunk"
  trunk_vlans = [10, 20, 30, 40, 99]
}

import {
  to = network_interface.vlan1
  id = "acc-sw-01:interface:Vlan1"
}

resource "network_interface" "vlan1" {
  device  = "acc-sw-01"
  name    = "Vlan1"
  enabled = false
  mode    = "routed"
}

import {
  to = network_interface.vlan20
  id = "acc-sw-01:interface:Vlan20"
}

resource "network_interface" "vlan20" {
  device       = "acc-sw-01"
  name         = "Vlan20"
  description  = "finance gateway"
  mode         = "routed"
  ipv4_address = "10.20.0.1/24"
}

import {
  to = network_static_route.route_mgmt_vrf_0_0_0_0_0
  id = "acc-sw-01:route:Mgmt-vrf|0.0.0.0/0|192.168.0.1"
}

resource "network_static_route" "route_mgmt_vrf_0_0_0_0_0" {
  device   = "acc-sw-01"
  prefix   = "0.0.0.0/0"
  next_hop = "192.168.0.1"
  vrf      = "Mgmt-vrf"
}

import {
  to = network_static_route.route_0_0_0_0_0
  id = "acc-sw-01:route:|0.0.0.0/0|10.255.0.2"
}

resource "network_static_route" "route_0_0_0_0_0" {
  device   = "acc-sw-01"
  prefix   = "0.0.0.0/0"
  next_hop = "10.255.0.2"
}

import {
  to = network_static_route.route_10_0_0_0_8_via_10_255_0_2
  id = "acc-sw-01:route:|10.0.0.0/8|10.255.0.2"
}

resource "network_static_route" "route_10_0_0_0_8_via_10_255_0_2" {
  device   = "acc-sw-01"
  prefix   = "10.0.0.0/8"
  next_hop = "10.255.0.2"
  distance = 5
  name     = "CORE"
}

import {
  to = network_static_route.route_10_0_0_0_8_via_10_255_0_6
  id = "acc-sw-01:route:|10.0.0.0/8|10.255.0.6"
}

resource "network_static_route" "route_10_0_0_0_8_via_10_255_0_6" {
  device   = "acc-sw-01"
  prefix   = "10.0.0.0/8"
  next_hop = "10.255.0.6"
  distance = 10
  name     = "CORE-BACKUP"
}

import {
  to = network_static_route.route_192_0_2_0_24
  id = "acc-sw-01:route:|192.0.2.0/24|Null0"
}

resource "network_static_route" "route_192_0_2_0_24" {
  device   = "acc-sw-01"
  prefix   = "192.0.2.0/24"
  next_hop = "Null0"
  distance = 250
}

import {
  to = network_acl.acl_10
  id = "acc-sw-01:acl:10"
}

resource "network_acl" "acl_10" {
  device = "acc-sw-01"
  name   = "10"
  entry {
    sequence = 10
    action   = "permit"
    source   = "10.0.0.0/24"
  }
  entry {
    sequence = 20
    action   = "permit"
    source   = "192.168.0.5/32"
  }
  entry {
    sequence = 30
    action   = "deny"
    source   = "any"
    log      = true
  }
}

import {
  to = network_acl.acl_voice_in
  id = "acc-sw-01:acl:VOICE-IN"
}

resource "network_acl" "acl_voice_in" {
  device = "acc-sw-01"
  name   = "VOICE-IN"
  entry {
    sequence = 10
    action   = "permit"
    protocol = "udp"
    source   = "10.10.0.0/16"
    ports    = "range 16384 32767"
  }
  entry {
    sequence    = 20
    action      = "permit"
    protocol    = "tcp"
    source      = "10.10.0.0/16"
    destination = "10.0.0.60/32"
    ports       = "eq 5060"
  }
  entry {
    sequence = 30
    action   = "permit"
    protocol = "udp"
    source   = "any"
    ports    = "eq 67"
  }
  entry {
    sequence = 40
    action   = "deny"
    source   = "any"
    log      = true
  }
}
