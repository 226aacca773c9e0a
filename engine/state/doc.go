// Package state holds steward's record of the infrastructure it manages and
// stores that record on local disk.
//
// The package knows nothing about provider schemas: attribute values are kept
// as cty JSON (github.com/zclconf/go-cty/cty/json) produced from a cty.Value
// and a cty.Type that the caller supplies, and are only turned back into
// values by a caller that knows the type again. Parts of a value marked
// schema.Sensitive are never written in clear; see EncodeValue.
//
// The on-disk format, its write ordering and its locking protocol are
// described in FORMAT.md next to this file.
package state
