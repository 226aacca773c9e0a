// Package sftp stores a backup repository's files on an SSH server, over
// SFTP (github.com/pkg/sftp on golang.org/x/crypto/ssh), with the same
// layout as the local backend (package layout).
//
// The server's host key is checked against a known_hosts file unless the
// caller explicitly asks for no check. Authentication is by private key file
// or password (also answered to keyboard-interactive prompts). One SSH
// connection carries every request; pkg/sftp pipelines concurrent requests
// over it, so the backend is safe for concurrent use.
//
// Create makes the directory of each file type; the 256 pack subdirectories
// are made on demand by the first Save of a pack that needs one.
//
// Files are written to a temporary name in their final directory, synced
// when the server supports fsync@openssh.com, and renamed into place: with
// the plain SFTP rename (which fails when the target exists, so two writers
// cannot both win) for content-addressed files, and with
// posix-rename@openssh.com (which replaces) for lock files. A dropped
// connection is not re-established: every later call fails with an error
// matching ErrConnectionLost that says so.
package sftp
