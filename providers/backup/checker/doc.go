// Package checker verifies a backup repository. The structural check reads
// only index files, the pack listing, snapshots and trees: every indexed
// pack exists with the size its index implies, every snapshot's trees and
// file contents are indexed, and leftovers (packs no index names, blobs
// stored twice) are reported as warnings. With Options.ReadData it also
// reads every pack, checks its hash, its header against the index, and that
// every blob decrypts and hashes to its id; files that use a damaged or
// missing blob are then named in the report.
package checker
