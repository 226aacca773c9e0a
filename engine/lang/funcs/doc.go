// Package funcs provides the function library available to expressions in
// configuration: the arithmetic, string, collection, encoding, conversion,
// hashing, network and filesystem helpers that configuration authors expect
// from a Terraform-style language.
//
// Wherever go-cty's function/stdlib already implements a function with the
// expected semantics, the table uses it unchanged so behaviour (including
// the propagation of value marks such as sensitivity) stays consistent with
// the rest of the cty ecosystem. The functions defined in this package fill
// the gaps or replace stdlib entries whose semantics differ from what
// configuration authors rely on (for example, length accepting strings,
// replace accepting "/regex/" patterns and coalesce skipping empty strings).
//
// Every function in the table is deterministic: given the same arguments and
// the same files on disk it returns the same result. Functions such as uuid
// and timestamp are deliberately absent because a result that changes on
// every evaluation would make every plan show spurious differences.
package funcs
