// Package lockfile reads and writes steward.lock.hcl, which records, for
// every provider plugin a configuration uses, where it came from and the
// SHA-256 checksum of the binary that was accepted. Steward refuses to run
// a plugin whose binary no longer has that checksum, so that a swapped or
// tampered binary never runs with the user's credentials.
//
// The file is HCL written with hclwrite, one provider block per plugin,
// sorted by name, so that it diffs well and is the same bytes for the same
// content:
//
//	provider "acme" {
//	  source = "./plugins/steward-provider-acme"
//	  hash   = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//	}
package lockfile
