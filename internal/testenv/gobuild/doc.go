// Package gobuild builds Go commands of this module for tests that need a
// real binary: provider plugins, which steward runs as separate processes.
package gobuild
