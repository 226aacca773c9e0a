# Discovered by steward discover from directory dc=example,dc=org at ldap://127.0.0.1:389: 13 objects to adopt.
# Not adopted (1), because the configuration would not describe it exactly:
#   directory_user dave: planning its configuration would change login_shell

import {
  to = directory_ou.devices
  id = "ou=devices,dc=example,dc=org"
}

resource "directory_ou" "devices" {
  name = "devices"
}

import {
  to = directory_ou.policies
  id = "ou=policies,dc=example,dc=org"
}

resource "directory_ou" "policies" {
  name = "policies"
}

import {
  to = directory_ou.sites
  id = "ou=Sites,dc=example,dc=org"
}

resource "directory_ou" "sites" {
  name        = "Sites"
  description = "Branch offices"
}

import {
  to = directory_ou.berlin
  id = "ou=Berlin,ou=Sites,dc=example,dc=org"
}

resource "directory_ou" "berlin" {
  name   = "Berlin"
  parent = "ou=Sites,dc=example,dc=org"
}

import {
  to = directory_ou.berlin_devices
  id = "ou=devices,ou=Berlin,ou=Sites,dc=example,dc=org"
}

resource "directory_ou" "berlin_devices" {
  name   = "devices"
  parent = "ou=Berlin,ou=Sites,dc=example,dc=org"
}

import {
  to = directory_user.user_3po
  id = "3po"
}

resource "directory_user" "user_3po" {
  uid        = "3po"
  full_name  = "C-3PO"
  email      = "3po@example.org"
  uid_number = 10004
}

import {
  to = directory_user.alice
  id = "alice"
}

resource "directory_user" "alice" {
  uid        = "alice"
  full_name  = "Alice Liddell"
  given_name = "Alice"
  email      = "alice@example.org"
  title      = "Controller"
  department = "finance"
  uid_number = 10001
}

import {
  to = directory_user.bob
  id = "bob"
}

resource "directory_user" "bob" {
  uid             = "bob"
  full_name       = "Robert Tables"
  given_name      = "Robert"
  surname         = "Tables-Smith"
  employee_number = "E-0042"
  phone           = "+49 30 1234567"
  uid_number      = 10002
  gid_number      = 5000
  home_directory  = "/srv/home/bob"
  login_shell     = "/bin/zsh"
}

import {
  to = directory_user.carol
  id = "carol"
}

resource "directory_user" "carol" {
  uid        = "carol"
  full_name  = "Carol Leaver"
  given_name = "Carol"
  email      = "carol@example.org"
  uid_number = 10006
  enabled    = false
}

import {
  to = directory_user.j_doe
  id = "j.doe"
}

resource "directory_user" "j_doe" {
  uid        = "j.doe"
  full_name  = "Jane Doe"
  given_name = "Jane"
  email      = "j.doe@example.org"
  uid_number = 10003
}

import {
  to = directory_group.domain_users
  id = "Domain Users"
}

resource "directory_group" "domain_users" {
  name       = "Domain Users"
  members    = ["3po", "alice", "bob", "carol", "j.doe"]
  gid_number = 5000
}

import {
  to = directory_group.finance
  id = "finance"
}

resource "directory_group" "finance" {
  name        = "finance"
  description = "Finance department"
  members     = ["alice", "bob"]
}

import {
  to = directory_group.nobody_yet
  id = "nobody-yet"
}

resource "directory_group" "nobody_yet" {
  name    = "nobody-yet"
  members = []
}
