// Package snapview reads snapshots' trees for people: Walk lists a
// snapshot (or a subdirectory of it) for `steward backup ls`, and Diff
// compares two snapshots for `steward backup diff`. Both stream in path
// order (a directory before its contents, names in byte order) and load one
// tree blob at a time, so they work on snapshots of any size. Diff skips
// every subtree whose tree blob id is the same on both sides without
// loading it.
package snapview
