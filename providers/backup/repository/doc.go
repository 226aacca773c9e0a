// Package repository is a backup repository: the encrypted, deduplicating
// store that snapshots are written to. It sits on a backend.Backend (which
// stores opaque files) and provides:
//
//   - Init and Open (password -> master key via key files), Probe (what is
//     there, without a password), key management;
//   - the blob store: SaveBlob deduplicates by keyed hash, compresses,
//     encrypts and packs blobs in the background; Flush writes the last packs
//     and an index file; LoadBlob fetches and verifies a blob;
//   - snapshots (save, list, find, forget), locks, and encrypted policy
//     documents.
//
// Checking and pruning live in the checker and pruner packages, which use
// the lower-level methods (Backend, Key, index files) exported here.
//
// Write order: packs, then the index file naming them, then the snapshot
// naming a root tree. A crash at any point leaves only packs no index names
// (which check reports and prune removes), never a snapshot that refers to
// missing data. FORMAT.md beside this package documents every file.
package repository
