package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/stewardhq/steward/providers/backup/backend/location"
)

// Environment variables of the backup commands.
const (
	// backupPasswordEnv holds a repository's password, for scripts and
	// schedulers; the provider block's password defaults to it too.
	backupPasswordEnv = "STEWARD_BACKUP_PASSWORD"
	// backupRepositoryEnv is the default of --repo.
	backupRepositoryEnv = "STEWARD_BACKUP_REPOSITORY"
)

// NewCmdBackup builds `steward backup` and its subcommands.
func NewCmdBackup(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup <subcommand>",
		Short: "Back up, list, restore and check snapshots in backup repositories",
		Long: `Work with the encrypted, deduplicated backup repositories that backup_repository
resources create (or that "steward backup init" creates by hand).

Every subcommand takes the repository with --repo PATH_OR_URL (default
$STEWARD_BACKUP_REPOSITORY); "steward backup run" without --repo, in a
directory where steward applied backup_repository resources, uses those.

The password comes from --password-file FILE, else $STEWARD_BACKUP_PASSWORD,
else it is asked for on the terminal without echo. "latest" names the newest
snapshot wherever a snapshot is expected.

Backups are never deleted by "steward destroy" or by applying a policy: only
"steward backup forget" (and "backup run" of a policy with prune = true)
forgets snapshots, and only "steward backup prune" deletes data.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		NewCmdBackupInit(f, nil),
		NewCmdBackupRun(f, nil),
		NewCmdBackupSnapshots(f, nil),
		NewCmdBackupLs(f, nil),
		NewCmdBackupDiff(f, nil),
		NewCmdBackupRestore(f, nil),
		NewCmdBackupForget(f, nil),
		NewCmdBackupPrune(f, nil),
		NewCmdBackupRepairIndex(f, nil),
		NewCmdBackupCheck(f, nil),
		NewCmdBackupKey(f),
	)
	return cmd
}

// RepoFlags are the flags every backup subcommand shares: where the
// repository is and how to get its password.
type RepoFlags struct {
	// Repo is the repository's location, PATH_OR_URL.
	Repo string
	// PasswordFile holds the password on its first line.
	PasswordFile string
	// SSHKeyFile and KnownHostsFile reach sftp:// repositories.
	SSHKeyFile, KnownHostsFile string
}

func (r *RepoFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&r.Repo, "repo", "", "Repository location: a directory or sftp://user@host/dir (default $"+backupRepositoryEnv+", else the only backup_repository in the working directory's state)")
	cmd.Flags().StringVar(&r.PasswordFile, "password-file", "", "Read the repository password from the first line of FILE (default $"+backupPasswordEnv+", else ask)")
	cmd.Flags().StringVar(&r.SSHKeyFile, "ssh-key", "", "Private key for sftp:// repositories (default ~/.ssh/id_ed25519, id_ecdsa or id_rsa; $"+location.PasswordEnv+" for a password login)")
	cmd.Flags().StringVar(&r.KnownHostsFile, "known-hosts", "", "known_hosts file with the SFTP server's host key (default ~/.ssh/known_hosts)")
}

// sshOptions are how to reach an sftp:// repository.
func (r *RepoFlags) sshOptions(f *Factory) location.Options {
	return location.Options{KeyFile: f.Path(r.SSHKeyFile), KnownHostsFile: f.Path(r.KnownHostsFile), Password: lookupEnv(f.Environ, location.PasswordEnv)}
}

// location returns the repository location from --repo or the environment.
func (r *RepoFlags) location(f *Factory) (string, error) {
	if r.Repo != "" {
		return r.Repo, nil
	}
	if env := lookupEnv(f.Environ, backupRepositoryEnv); env != "" {
		return env, nil
	}
	return "", flagErrorf("no repository: give --repo PATH_OR_URL or set %s", backupRepositoryEnv)
}

// errNoPassword says every way a password can be given.
var errNoPassword = errors.New("no repository password: give --password-file FILE, set " + backupPasswordEnv + ", or run on a terminal to be asked")

// password finds the repository password: --password-file, then the
// environment, then a prompt without echo when standard input is a
// terminal. It never appears in output.
func (r *RepoFlags) password(f *Factory, prompt string) (string, error) {
	if r.PasswordFile != "" {
		return readPasswordFile(f.Path(r.PasswordFile))
	}
	if env := lookupEnv(f.Environ, backupPasswordEnv); env != "" {
		return env, nil
	}
	return askPassword(f, prompt)
}

// readPasswordFile returns the first line of a password file, without its
// line ending, as restic and ssh tools read them.
func readPasswordFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the password file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("the password file %s is empty", path)
	}
	return line, nil
}

// askPassword prompts on standard error and reads a line from standard
// input with echo off (when it is a real terminal).
func askPassword(f *Factory, prompt string) (string, error) {
	if !f.IO.IsInputTTY() {
		return "", errNoPassword
	}
	fmt.Fprint(f.IO.ErrOut, prompt)
	defer fmt.Fprintln(f.IO.ErrOut)
	if in, ok := f.IO.In.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
		b, err := term.ReadPassword(int(in.Fd()))
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		if len(b) == 0 {
			return "", errNoPassword
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(f.IO.In).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return "", errNoPassword
	}
	return line, nil
}

// tuneGCForBulkData makes the garbage collector run more often in the
// commands that stream gigabytes through short-lived chunk and pack buffers
// (run, restore, check, prune): with Go's default GOGC=100 the heap grows to
// twice what is live, which measured as twice restic's peak memory, while
// GOGC=25 kept the same speed at well under it. A GOGC the user set wins.
// It changes a process-wide setting, which is right for a command-line run.
func tuneGCForBulkData(environ []string) {
	if lookupEnv(environ, "GOGC") == "" {
		debug.SetGCPercent(25)
	}
}
