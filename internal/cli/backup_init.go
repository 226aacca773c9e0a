package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// BackupInitOptions are the inputs of `steward backup init`.
type BackupInitOptions struct {
	RepoFlags
	// Compression is auto, off or max.
	Compression string
	// PackSize is the target pack size in MiB.
	PackSize int
	JSON     bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupInit builds `steward backup init`.
func NewCmdBackupInit(f *Factory, runF func(*BackupInitOptions) error) *cobra.Command {
	opts := &BackupInitOptions{f: f}
	cmd := &cobra.Command{
		Use:   "init --repo PATH_OR_URL [--compression auto|off|max] [--pack-size MiB]",
		Short: "Create a new, empty backup repository",
		Long: `Create an encrypted backup repository at --repo, protected by the password
(--password-file, $STEWARD_BACKUP_PASSWORD, or asked twice on a terminal).
Losing every password of a repository loses its backups: keep one in a safe
place. A backup_repository resource does the same when it is applied.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			switch opts.Compression {
			case "auto", "off", "max":
			default:
				return flagErrorf("--compression must be auto, off or max, not %q", opts.Compression)
			}
			if opts.PackSize < 4 || opts.PackSize > 128 {
				return flagErrorf("--pack-size must be from 4 to 128 (MiB), not %d", opts.PackSize)
			}
			if runF != nil {
				return runF(opts)
			}
			return backupInitRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().StringVar(&opts.Compression, "compression", "auto", "Compression of new data: auto, off or max")
	cmd.Flags().IntVar(&opts.PackSize, "pack-size", 16, "Target size of pack files in MiB")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the new repository's id and location as JSON")
	return cmd
}

func backupInitRun(opts *BackupInitOptions) error {
	f := opts.f
	loc, err := opts.location(f)
	if err != nil {
		return err
	}
	pw, err := opts.newPassword(f)
	if err != nil {
		return err
	}
	be, err := backup.OpenBackend(opts.ctx, repoPath(f, loc), opts.sshOptions(f))
	if err != nil {
		return err
	}
	defer be.Close()
	r, err := repository.Init(opts.ctx, be, []byte(pw), repository.InitOptions{
		Compression: repository.Compression(opts.Compression), PackSize: opts.PackSize << 20, KDF: f.BackupKDF,
	})
	if err != nil {
		if errors.Is(err, repository.ErrRepositoryExists) {
			return fmt.Errorf("there is already a repository at %s: steward does not initialise over it", loc)
		}
		return fmt.Errorf("creating the repository at %s: %w", loc, err)
	}
	defer r.Close()
	cfg := r.Config()
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, &ui.BackupInitJSON{ID: cfg.ID, Location: loc, FormatVersion: cfg.Version})
	}
	_, err = fmt.Fprintf(f.IO.Out, "Created backup repository %s at %s.\nKeep its password safe: without it, the backups cannot be read by anyone.\n", cfg.ID[:8], loc)
	return err
}

// newPassword is the password of a new repository: like password, but
// asked twice on a terminal, since a typo would lock the backups away.
func (r *RepoFlags) newPassword(f *Factory) (string, error) {
	if r.PasswordFile != "" || lookupEnv(f.Environ, backupPasswordEnv) != "" {
		return r.password(f, "")
	}
	pw, err := askPassword(f, "Password for the new repository: ")
	if err != nil {
		return "", err
	}
	again, err := askPassword(f, "The same password again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", errors.New("the two passwords differ; nothing was created")
	}
	return pw, nil
}
