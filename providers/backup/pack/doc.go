// Package pack encodes and decodes pack files: the files that hold a
// repository's blobs. A pack is the sealed blobs one after another, then the
// sealed header listing them, then the header's length:
//
//	blob_1 || ... || blob_n || seal(entry_1 || ... || entry_n) || uint32le(len(sealed header))
//
// Each entry is 41 bytes: type (1), stored length (uint32le), uncompressed
// length (uint32le, 0 when the blob is stored uncompressed) and the blob id
// (32). Offsets are implicit: each blob starts where the previous one ends.
// FORMAT.md has the full description.
package pack
