// Package pruner removes data no snapshot needs any more. It finds the
// blobs every snapshot's trees reach, drops packs holding none of them,
// repacks packs holding some, and removes packs no index names (leftovers
// of interrupted backups).
//
// The order makes a crash at any point harmless: new packs are written
// first, then one new index file covering every blob kept, then the old
// index files are removed, and only then the packs that are no longer
// needed. Until the new index exists the old one still describes every
// pack; after it exists, nothing needed lives in a pack about to go.
package pruner
