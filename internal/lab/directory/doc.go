// Package directory is the lab's LDAP directory server: an in-memory
// directory that behaves like an OpenLDAP slapd (back-mdb) with the core,
// cosine, inetorgperson, nis and openssh-lpk schemas, and the memberof and
// ppolicy overlays, so that steward's directory provider, written against
// slapd, works against it unchanged. It shares no code with the provider.
//
// It speaks LDAPv3 itself, on top of github.com/go-asn1-ber/asn1-ber (the
// BER library of go-ldap). github.com/jimlambrt/gldap was the intended
// protocol library, but its latest release (v0.1.14) cannot decode modify
// DN, compare or abandon requests (it drops the connection) and does not
// hand extended requests their value, so it cannot serve offboarding
// (modrdn to ou=disabled) or password modify.
//
// In a test:
//
//	srv, err := directory.Start(directory.Config{RootPassword: "secret"})
//	defer srv.Close()
//	conn, err := ldap.DialURL(srv.URL(), ldap.DialWithTLSConfig(srv.ClientTLSConfig())) // LDAPS
//	conn.Bind(srv.RootDN(), "secret")                          // cn=admin,dc=example,dc=org
//	srv.Entry("uid=alice,ou=people,dc=example,dc=org")         // attributes, or nil
//	srv.FailNext("modify", 51)                                 // the next modify answers busy
//	srv.FailNext("search", directory.DropConnection)           // the next search drops the connection
//	srv.Stop(); srv.Start()                                    // the server goes away and comes back, same ports and data
//
// # What it implements
//
// The behaviour below was checked operation by operation against slapd
// 2.5 configured as internal/testenv/slapd does (slapd_diff_test.go runs
// the comparison wherever slapd is installed).
//
// Naming context dc=example,dc=org (Config.Suffix) with ou=people,
// ou=groups, ou=disabled and ou=policies created at start, and ppolicy's
// default policy cn=default,ou=policies, as in the test slapd. Plain LDAP
// with StartTLS (Port) and LDAPS (TLSPort), with a generated CA and a
// server certificate for 127.0.0.1, ::1 and localhost (CAPEM).
//
// Simple bind: the rootdn (cn=admin,<suffix>) with Config.RootPassword,
// users with the userPassword of their entry, anonymous with an empty DN
// and password. Every refusal is invalidCredentials (49) without a
// message; a DN with an empty password is unwillingToPerform (53)
// "unauthenticated bind (DN with no password) disallowed". An entry with
// pwdAccountLockedTime at or before now ("000001010000Z": until removed)
// cannot bind; nor, unlike slapd, can one whose shadowExpire (days since
// 1970) is today or earlier. With the password policy request control a
// user's bind gets the response control, empty as from a ppolicy without
// ppolicy_use_lockout: it never says accountLocked. SASL binds get
// authMethodNotSupported (7).
//
// Search: scopes base, one, sub and children; filters and, or, not,
// equality, substrings, >=, <=, present, approx (equality here; slapd's is
// phonetic), extensible match (a type with the common equality rules, and
// :dn:), absolute true (&) and false (|); three-valued evaluation with the
// attributes' matching rules: case-insensitive cn, uid, mail; case-exact
// memberUid, homeDirectory, loginShell; INTEGER uidNumber (no leading
// zeros); DN-valued member, memberOf, manager compared as normalised DNs;
// objectClass matching subclasses ((objectClass=person) finds
// inetOrgPerson entries). An unknown attribute, or one without the needed
// rule (substrings on member), makes an assertion Undefined: no entry, no
// error. Attributes: none or "*" (user attributes), "+" (operational),
// names, "1.1", typesOnly; names come back as the schema spells them
// (memberOf, objectClass), whatever the request said. Entries come in
// creation order (slapd's order depends on its indexes: rely on neither).
// The paged results control (RFC 2696) pages any search; as in slapd a
// connection has one paged search at a time (a new one replaces it, and a
// stale cookie is protocolError (2) "paged results cookie is invalid"),
// pages see changes made between them, and a page size of 0 abandons the
// search. Config.SizeLimit (500 by default, slapd's default; the lab sets
// none, like the test slapd) stops unpaged searches by anyone but the
// rootdn with sizeLimitExceeded (4). The root DSE (namingContexts,
// supportedControl, supportedExtension: ask for them or "+") and
// cn=Subschema (attributeTypes, objectClasses) can be read.
//
// Add, modify (add, delete, replace, increment; deleting values or whole
// attributes), modify DN (new RDN, deleteoldrdn, new superior; the
// subtree moves with the entry), delete (leaves only: notAllowedOnNonLeaf
// (66) "subordinate objects must be deleted first"), compare
// (compareTrue 6 / compareFalse 5; noSuchAttribute 16, an assertion of the
// wrong syntax 21). Each operation is atomic. The permissive modify
// control makes adding an existing value and deleting a missing one
// no-ops. An add without the naming value gets it, as slapd does.
//
// Errors carry slapd's codes and messages:
//   - 65 objectClassViolation: "no objectClass attribute", "no structural
//     object class provided", "invalid structural object class chain
//     (groupOfNames/posixGroup)" (posixGroup is structural in nis.schema;
//     Config.RFC2307bis makes it auxiliary), "object class
//     'inetOrgPerson' requires attribute 'sn'" (groupOfNames needs a
//     member, posixAccount uidNumber, gidNumber and homeDirectory),
//     "attribute 'uidNumber' not allowed";
//   - 69 objectClassModsProhibited: "structural object class modification
//     from 'inetOrgPerson' to 'account' not allowed";
//   - 17 undefinedAttributeType: "shoeSize: attribute type undefined";
//   - 21 invalidAttributeSyntax: "uidNumber: value #0 invalid per syntax"
//     (also an unknown objectClass value, a malformed DN or UUID);
//   - 19 constraintViolation: "displayName: multiple values provided" (add),
//     "attribute 'uidNumber' cannot have multiple values" (modify),
//     "memberOf: no user modification allowed" (memberOf, entryUUID and the
//     other NO-USER-MODIFICATION attributes);
//   - 20 attributeOrValueExists: "description: value #0 provided more than
//     once", "modify/add: mail: value #0 already exists";
//   - 16 noSuchAttribute: "modify/delete: mail: no such value",
//     "modify/delete: description: no such attribute";
//   - 64 namingViolation: "value of naming attribute 'uid' is not present
//     in entry" (a modify that removes it);
//   - 68 entryAlreadyExists (no message), 32 noSuchObject with the matched
//     DN (and "new superior not found" for modify DN), 34 "invalid DN",
//     53 "no global superior knowledge" (outside the suffix) and "cannot
//     place an entry below itself".
//
// Operational attributes, returned with "+" or by name:
// structuralObjectClass, entryUUID, entryDN, entryCSN, creatorsName,
// createTimestamp, modifiersName, modifyTimestamp, hasSubordinates,
// subschemaSubentry, memberOf, and ppolicy's pwdAccountLockedTime (which
// the rootdn sets and deletes). memberOf follows groupOfNames membership
// like the memberof overlay: members added, removed or replaced, a group
// renamed or deleted update the member entries that exist (and their
// modifyTimestamp); an entry added after a group names it gets no
// memberOf; dangling members are accepted. A rename acts on the renamed
// entry only: groups and members below it keep their old DNs in member and
// memberOf. Renaming or deleting a member does not rewrite its groups'
// member values unless Config.MemberOfRefInt (memberof-refint TRUE: the
// old value is deleted and the new one appended; a group keeps its last
// member); the lab turns it on, like the test slapd.
//
// Passwords: clear-text userPassword values are stored as {SSHA}; values
// already naming a scheme are stored as given. Binds check {SSHA}, {SHA},
// {SSHA256}, {SSHA512}, {SMD5}, {MD5}, {CLEARTEXT} and clear text; {CRYPT}
// never matches. The password modify extended operation (RFC 3062) sets a
// password (generating one when none is given, checking the old one when
// given: "unwilling to verify old password"); Who Am I (RFC 4532) answers.
//
// Access, as the test slapd's ACLs: the rootdn may do anything; other
// users and anonymous clients read and search everything except
// userPassword and shadowLastChange, which only the entry itself (and the
// rootdn, userPassword hashed) reads and changes. Other changes are
// insufficientAccessRights (50) for users ("no write access to parent"
// for add, delete and rename) and strongerAuthRequired (8)
// "modifications require authentication" for anonymous clients.
//
// Names: attribute names and DNs are case-insensitive and compared in
// normalised form (spaces around separators, escapes, case). DNs are
// stored as slapd's pretty form: the schema's attribute names, values as
// given, no spaces ("UID=Bob, OU=People,dc=example,dc=org" is added as
// uid=Bob,ou=people,dc=example,dc=org under an existing ou=people).
//
// Not implemented: SASL, referrals, aliases, server-side sorting, virtual
// list view, the assertion, proxied authorization and subtree delete
// controls (a critical unknown control is unavailableCriticalExtension
// (12) "critical extension is not recognized"), time limits, attribute
// options (";binary" and language tags are ignored), ACLs other than the
// above, the password policy beyond the lock (failure counting, expiry,
// quality), and persistence: the data lives as long as the process.
package directory
