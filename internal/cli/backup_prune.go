package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup/pruner"
)

// BackupPruneOptions are the inputs of `steward backup prune`.
type BackupPruneOptions struct {
	RepoFlags
	DryRun bool
	JSON   bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupPrune builds `steward backup prune`.
func NewCmdBackupPrune(f *Factory, runF func(*BackupPruneOptions) error) *cobra.Command {
	opts := &BackupPruneOptions{f: f}
	cmd := &cobra.Command{
		Use:   "prune [--dry-run]",
		Short: "Delete the data no snapshot uses any more",
		Long: `Delete from the repository the data that no remaining snapshot refers to,
repacking pack files that are partly used. This is the only command that
deletes backup data; it takes the repository's exclusive lock.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return backupPruneRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Only print what would be deleted")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

func backupPruneRun(opts *BackupPruneOptions) error {
	f, ctx := opts.f, opts.ctx
	tuneGCForBulkData(f.Environ)
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	sum, err := pruner.Prune(ctx, r, pruner.Options{DryRun: opts.DryRun})
	if err != nil {
		return repoError(r.Backend().Location(), fmt.Errorf("pruning: %w", err))
	}
	out := ui.BackupPruneJSON{Location: r.Backend().Location(), DryRun: opts.DryRun, PruneSummary: *pruneView(sum)}
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, &out)
	}
	return ui.RenderPrune(f.IO.Out, out)
}
