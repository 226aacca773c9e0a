package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// NewCmdBackupKey builds `steward backup key` and its subcommands.
func NewCmdBackupKey(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key <add|list|remove>",
		Short: "Manage the passwords that open a repository",
		Long: `A repository can be opened by several passwords, each stored as a key file
that wraps the repository's master key. Add one for a colleague or a second
machine, list them, and remove one that leaked (not the one in use).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdBackupKeyAdd(f, nil), NewCmdBackupKeyList(f, nil), NewCmdBackupKeyRemove(f, nil))
	return cmd
}

// BackupKeyOptions are the inputs of `steward backup key add|list|remove`.
type BackupKeyOptions struct {
	RepoFlags
	// NewPasswordFile holds the password to add (key add).
	NewPasswordFile string
	// ID is the key to remove (key remove).
	ID   string
	JSON bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupKeyAdd builds `steward backup key add`.
func NewCmdBackupKeyAdd(f *Factory, runF func(*BackupKeyOptions) error) *cobra.Command {
	opts := &BackupKeyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "add --new-password-file FILE",
		Short: "Add a password that opens the repository",
		Long: `Add the password on the first line of --new-password-file as a new key. The
current password (--password-file, $STEWARD_BACKUP_PASSWORD or asked) opens
the repository to do it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if opts.NewPasswordFile == "" {
				return flagErrorf("--new-password-file FILE is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return backupKeyAddRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().StringVar(&opts.NewPasswordFile, "new-password-file", "", "File whose first line is the password to add")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the new key as JSON")
	return cmd
}

// NewCmdBackupKeyList builds `steward backup key list`.
func NewCmdBackupKeyList(f *Factory, runF func(*BackupKeyOptions) error) *cobra.Command {
	opts := &BackupKeyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the repository's keys",
		Long:  `List the keys (passwords) of the repository: id, user, host and creation time; the one in use is marked with *.`,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return backupKeyListRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

// NewCmdBackupKeyRemove builds `steward backup key remove`.
func NewCmdBackupKeyRemove(f *Factory, runF func(*BackupKeyOptions) error) *cobra.Command {
	opts := &BackupKeyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "remove ID",
		Short: "Remove a key from the repository",
		Long:  `Remove the key ID (or a unique prefix of it). The key in use cannot be removed, so a repository always keeps one that opens it.`,
		Args:  exactArgs(1, "the ID of the key to remove"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.ID = cmd.Context(), args[0]
			if runF != nil {
				return runF(opts)
			}
			return backupKeyRemoveRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	return cmd
}

func backupKeyAddRun(opts *BackupKeyOptions) error {
	f, ctx := opts.f, opts.ctx
	newPW, err := readPasswordFile(f.Path(opts.NewPasswordFile))
	if err != nil {
		return err
	}
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	k, err := r.AddKey(ctx, []byte(newPW))
	if err != nil {
		return fmt.Errorf("adding the key: %w", err)
	}
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, &ui.BackupKeysJSON{Keys: []ui.KeyRow{keyRow(k)}})
	}
	_, err = fmt.Fprintf(f.IO.Out, "Added key %s: the new password opens the repository too.\n", k.ID[:min(8, len(k.ID))])
	return err
}

func keyRow(k repository.KeyInfo) ui.KeyRow {
	return ui.KeyRow{ID: k.ID, Current: k.Current, Username: k.Username, Host: k.Hostname, Created: k.Created}
}

func backupKeyListRun(opts *BackupKeyOptions) error {
	f, ctx := opts.f, opts.ctx
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	keys, err := r.Keys(ctx)
	if err != nil {
		return fmt.Errorf("listing keys: %w", err)
	}
	rows := make([]ui.KeyRow, len(keys))
	for i, k := range keys {
		rows[i] = keyRow(k)
	}
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, &ui.BackupKeysJSON{Keys: rows})
	}
	return ui.RenderKeys(f.IO.Out, rows)
}

func backupKeyRemoveRun(opts *BackupKeyOptions) error {
	f, ctx := opts.f, opts.ctx
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	switch err := r.RemoveKey(ctx, opts.ID); {
	case errors.Is(err, repository.ErrKeyInUse):
		return fmt.Errorf("key %s is the one your password opened the repository with: remove it with another password", opts.ID)
	case errors.Is(err, repository.ErrLastKey):
		return fmt.Errorf("key %s is the repository's last key: without it nobody could open the repository", opts.ID)
	case errors.Is(err, repository.ErrKeyNotFound):
		return fmt.Errorf("no key %q: see steward backup key list", opts.ID)
	case err != nil:
		return fmt.Errorf("removing key %s: %w", opts.ID, err)
	}
	_, err = fmt.Fprintf(f.IO.Out, "Removed key %s.\n", opts.ID)
	return err
}
