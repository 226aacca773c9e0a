// Package directory is steward's LDAP provider: organisational units,
// user accounts (inetOrgPerson, posixAccount, shadowAccount), groups
// (groupOfNames, posixGroup when given a gid) and their memberships, on
// OpenLDAP and compatible servers, with github.com/go-ldap/ldap/v3.
//
// Discovery is one paged subtree search per managed OU, asking only for the
// attributes steward manages. Changes are minimal LDAP operations: adds,
// modifies of only the changed attributes (membership as single-value adds
// and deletes), modrdn for renames and moves, deletes. Offboarding
// (enabled = false) locks the account, removes it from every managed group
// and moves it to the disabled OU, keeping the entry.
package directory
