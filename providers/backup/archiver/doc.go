// Package archiver backs up directories into a repository: it walks the
// sources, stores each file's content as content-defined chunks (data
// blobs) and each directory as a tree blob, and finally saves a snapshot
// pointing at the root tree.
//
// A backup reuses a parent snapshot (by default the latest one with the
// same host, paths and policy): a file whose size, mtime, ctime, inode and
// device are unchanged is not read again, its content ids are copied from
// the parent; a directory whose listing is unchanged encodes to the same
// tree blob, which the repository already has, so a backup of unchanged
// data reads no file and uploads nothing but the snapshot.
//
// Sources are walked concurrently; file contents are read, chunked and
// handed to the repository by a bounded pool of workers, so memory stays
// bounded whatever the size of the tree. Problems with individual files
// (vanished, unreadable, changed while being read) are warnings: they are
// counted in the Summary and reported through Progress, and the snapshot
// still completes. The root tree holds one entry per source, named by the
// source's base name.
//
// Exclude patterns are filepath.Match globs matched like restic's: against
// the full path, against the base name, and (for relative patterns with a
// slash) against every trailing run of path components. An excluded
// directory is skipped with everything below it. With OneFileSystem, a
// directory on another filesystem than its source (a mount point) is
// skipped.
package archiver
