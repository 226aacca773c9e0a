// Package index maps blobs to the packs that hold them. An Index is the
// in-memory map a repository consults for every SaveBlob (dedup) and LoadBlob
// (location); a File is one index file as stored, before encryption: a binary
// listing packs and their blobs, as documented in FORMAT.md.
package index
