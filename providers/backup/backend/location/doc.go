// Package location turns a repository location as users write it (the
// --repo flag, a backup_repository's path) into a backend:
//
//	/srv/backup/main                 a local directory (relative paths too)
//	file:///srv/backup/main          the same
//	sftp://backup@nas:2222/srv/main  a directory on an SSH server, over SFTP
//	sftp://backup@nas/~/main         relative to the user's login directory
//
// SFTP needs a way to log in and a host key to trust: Options gives them,
// and defaults to the user's ~/.ssh/known_hosts and first private key, like
// ssh. A password comes from Options (the CLI reads PasswordEnv), never from
// the URL: one written there is refused, and neither it nor anything else
// secret appears in a Location's String or in errors.
package location
