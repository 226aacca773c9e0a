// Package backuptest builds snapshots from in-memory files for the
// repository, checker and pruner tests, without the archiver: contents are
// chunked with the repository's polynomial, stored with SaveBlob, and
// described by trees in the tree package's format.
package backuptest
