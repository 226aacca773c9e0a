package cli

import (
	"context"

	"github.com/spf13/cobra"
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
