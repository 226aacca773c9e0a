// Package sshd starts a real OpenSSH server (Debian's openssh-server) for one
// test, on 127.0.0.1 and a free port, serving SFTP with internal-sftp.
//
// Each Server has its own directory (t.TempDir()) holding a generated
// sshd_config, an ed25519 host key and a client key made with ssh-keygen, an
// authorized_keys file accepting that client key for the user running the
// test, and a known_hosts file holding the host key for [127.0.0.1]:PORT.
// The configuration turns off PAM and StrictModes (the temporary directory
// is not owned the way sshd wants), allows only the current user (root:
// keys only, "PermitRootLogin prohibit-password"), and logs to sshd.log in
// the directory, which is printed when the test fails.
//
// sshd runs in the foreground (-D) as a child of the test process. Kill sends
// SIGKILL to it and to every per-connection sshd it forked, so open
// connections drop as they would when a server dies; Freeze stops them with
// SIGSTOP instead, so that connections stay open but nothing answers; Stop
// kills them and is registered with t.Cleanup.
//
// Start skips the test with the reason when sshd or ssh-keygen is missing or
// sshd cannot start; set STEWARD_REQUIRE_SSHD=1 (.ci/run does) to turn those
// skips into failures.
package sshd
