# Discovered by steward discover from arista-leaf.cfg (arista_eos, device leaf-07): 23 objects to adopt.
# Not adopted (1), because the configuration would not describe it exactly:
#   network_acl leaf-07:acl:SSH-ONLY: entry[0].action cannot be written as configuration: "remark" is not one of "permit" or "deny"

import {
  to = network_vlan.vlan_110_web
  id = "leaf-07:vlan:110"
}

resource "network_vlan" "vlan_110_web" {
  device  = "leaf-07"
  vlan_id = 110
  name    = "web"
}

import {
  to = network_vlan.vlan_120_db
  id = "leaf-07:vlan:120"
}

resource "network_vlan" "vlan_120_db" {
  device  = "leaf-07"
  vlan_id = 120
  name    = "db"
}

import {
  to = network_vlan.vlan_130
  id = "leaf-07:vlan:130"
}

resource "network_vlan" "vlan_130" {
  device  = "leaf-07"
  vlan_id = 130
}

import {
  to = network_vlan.vlan_131
  id = "leaf-07:vlan:131"
}

resource "network_vlan" "vlan_131" {
  device  = "leaf-07"
  vlan_id = 131
}

import {
  to = network_vlan.vlan_132
  id = "leaf-07:vlan:132"
}

resource "network_vlan" "vlan_132" {
  device  = "leaf-07"
  vlan_id = 132
}

import {
  to = network_vlan.vlan_4094_mlag_peer
  id = "leaf-07:vlan:4094"
}

resource "network_vlan" "vlan_4094_mlag_peer" {
  device  = "leaf-07"
  vlan_id = 4094
  name    = "mlag-peer"
}

import {
  to = network_interface.ethernet1
  id = "leaf-07:interface:Ethernet1"
}

resource "network_interface" "ethernet1" {
  device      = "leaf-07"
  name        = "Ethernet1"
  description = "web-01 eth0"
  mode        = "access"
  access_vlan = 110
}

import {
  to = network_interface.ethernet2
  id = "leaf-07:interface:Ethernet2"
}

resource "network_interface" "ethernet2" {
  device      = "leaf-07"
  name        = "Ethernet2"
  description = "db-01 eth0"
  mode        = "access"
  access_vlan = 120
}

import {
  to = network_interface.ethernet3
  id = "leaf-07:interface:Ethernet3"
}

resource "network_interface" "ethernet3" {
  device  = "leaf-07"
  name    = "Ethernet3"
  enabled = false
  mode    = "access"
}

import {
  to = network_interface.ethernet4
  id = "leaf-07:interface:Ethernet4"
}

resource "network_interface" "ethernet4" {
  device      = "leaf-07"
  name        = "Ethernet4"
  description = "esx-01 vmnic0"
  mode        = "access"
}

import {
  to = network_interface.ethernet5
  id = "leaf-07:interface:Ethernet5"
}

resource "network_interface" "ethernet5" {
  device      = "leaf-07"
  name        = "Ethernet5"
  description = "backup link"
  mode        = "trunk"
  trunk_vlans = [130, 131, 132]
  native_vlan = 130
}

import {
  to = network_interface.ethernet49_1
  id = "leaf-07:interface:Ethernet49/1"
}

resource "network_interface" "ethernet49_1" {
  device       = "leaf-07"
  name         = "Ethernet49/1"
  description  = "spine-01 Ethernet1"
  mode         = "routed"
  ipv4_address = "10.0.1.1/31"
  mtu          = 9214
}

import {
  to = network_interface.ethernet50_1
  id = "leaf-07:interface:Ethernet50/1"
}

resource "network_interface" "ethernet50_1" {
  device       = "leaf-07"
  name         = "Ethernet50/1"
  description  = "spine-02 Ethernet1"
  mode         = "routed"
  ipv4_address = "10.0.1.3/31"
  mtu          = 9214
}

import {
  to = network_interface.loopback0
  id = "leaf-07:interface:Loopback0"
}

resource "network_interface" "loopback0" {
  device       = "leaf-07"
  name         = "Loopback0"
  mode         = "routed"
  ipv4_address = "10.0.255.7/32"
}

import {
  to = network_interface.management1
  id = "leaf-07:interface:Management1"
}

resource "network_interface" "management1" {
  device       = "leaf-07"
  name         = "Management1"
  mode         = "routed"
  ipv4_address = "10.0.0.107/24"
}

import {
  to = network_interface.port_channel10
  id = "leaf-07:interface:Port-Channel10"
}

resource "network_interface" "port_channel10" {
  device      = "leaf-07"
  name        = "Port-Channel10"
  description = "esx-01 bond0"
  mode        = "trunk"
  trunk_vlans = [110, 120, 130, 131, 132]
}

import {
  to = network_interface.vlan110
  id = "leaf-07:interface:Vlan110"
}

resource "network_interface" "vlan110" {
  device       = "leaf-07"
  name         = "Vlan110"
  description  = "web gateway"
  mode         = "routed"
  ipv4_address = "10.110.0.1/24"
}

import {
  to = network_interface.vlan120
  id = "leaf-07:interface:Vlan120"
}

resource "network_interface" "vlan120" {
  device       = "leaf-07"
  name         = "Vlan120"
  description  = "db gateway"
  enabled      = false
  mode         = "routed"
  ipv4_address = "10.120.0.1/24"
}

import {
  to = network_static_route.route_mgmt_0_0_0_0_0
  id = "leaf-07:route:MGMT|0.0.0.0/0|10.0.0.1"
}

resource "network_static_route" "route_mgmt_0_0_0_0_0" {
  device   = "leaf-07"
  prefix   = "0.0.0.0/0"
  next_hop = "10.0.0.1"
  vrf      = "MGMT"
}

import {
  to = network_static_route.route_0_0_0_0_0_via_10_0_1_0
  id = "leaf-07:route:|0.0.0.0/0|10.0.1.0"
}

resource "network_static_route" "route_0_0_0_0_0_via_10_0_1_0" {
  device   = "leaf-07"
  prefix   = "0.0.0.0/0"
  next_hop = "10.0.1.0"
}

import {
  to = network_static_route.route_0_0_0_0_0_via_10_0_1_2
  id = "leaf-07:route:|0.0.0.0/0|10.0.1.2"
}

resource "network_static_route" "route_0_0_0_0_0_via_10_0_1_2" {
  device   = "leaf-07"
  prefix   = "0.0.0.0/0"
  next_hop = "10.0.1.2"
}

import {
  to = network_static_route.route_10_200_0_0_16
  id = "leaf-07:route:|10.200.0.0/16|Null0"
}

resource "network_static_route" "route_10_200_0_0_16" {
  device   = "leaf-07"
  prefix   = "10.200.0.0/16"
  next_hop = "Null0"
  distance = 250
  name     = "blackhole"
}

import {
  to = network_acl.acl_web_in
  id = "leaf-07:acl:WEB-IN"
}

resource "network_acl" "acl_web_in" {
  device = "leaf-07"
  name   = "WEB-IN"
  entry {
    sequence    = 10
    action      = "permit"
    protocol    = "tcp"
    source      = "any"
    destination = "10.110.0.10/32"
    ports       = "eq 80"
  }
  entry {
    sequence    = 20
    action      = "permit"
    protocol    = "tcp"
    source      = "any"
    destination = "10.110.0.10/32"
    ports       = "eq 443"
  }
  entry {
    sequence = 30
    action   = "permit"
    protocol = "icmp"
    source   = "any"
  }
  entry {
    sequence = 40
    action   = "deny"
    source   = "any"
    log      = true
  }
}
