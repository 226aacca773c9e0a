// Package restorer writes a snapshot, or chosen subtrees of it, back to a
// directory.
//
// Every blob is verified by the repository as it is loaded, so a byte that
// does not hash back to its id is never written. A file with a damaged or
// missing data blob is deleted rather than left looking complete (so is a
// file whose restore fails for any other reason, before Restore returns
// that error); the rest
// of the snapshot is still restored, and Restore then returns a
// *DamagedError listing every file (or directory, when its tree blob is
// damaged) that could not be restored.
//
// Metadata is restored like tar --preserve: permission bits including
// setuid, setgid and sticky; owner and group when running as root; mtime
// and atime; user.* extended attributes; symlinks (dangling or absolute
// targets as stored); hard links as hard links (names of one inode in the
// snapshot become links to the first one restored); FIFOs; block and
// character devices when root. Directory metadata is applied after all
// their contents, deepest first, so read-only directories and directory
// mtimes come out right. Sockets are not recreated.
//
// Files are written in parallel. All-zero chunks are skipped rather than
// written and the file is then truncated to its size, so sparse files stay
// sparse (and runs of zeros in ordinary files become holes, which read the
// same).
package restorer
