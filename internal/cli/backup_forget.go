package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// BackupForgetOptions are the inputs of `steward backup forget`.
type BackupForgetOptions struct {
	RepoFlags
	// Keep are the rules given by --keep-* flags.
	Keep backup.Keep
	// Policy takes the keep rules of a stored policy, and limits the
	// snapshots considered to that policy's.
	Policy string
	// Tags limit the snapshots considered to those with all these tags.
	Tags   []string
	DryRun bool
	// Prune deletes the data only forgotten snapshots used, afterwards.
	Prune bool
	JSON  bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupForget builds `steward backup forget`.
func NewCmdBackupForget(f *Factory, runF func(*BackupForgetOptions) error) *cobra.Command {
	opts := &BackupForgetOptions{f: f}
	cmd := &cobra.Command{
		Use:   "forget [--keep-daily N ...] [--policy NAME] [--dry-run] [--prune]",
		Short: "Forget snapshots that the keep rules do not keep",
		Long: `Remove from the repository the snapshots that no keep rule keeps, and print
what is kept and removed with the reasons. A snapshot is kept if any rule
keeps it. Snapshots are grouped by host, policy and paths, and the rules
apply within each group.

--policy NAME uses the keep rules stored with that policy (and only its
snapshots). Forgetting deletes no data: --prune (or "steward backup prune"
afterwards) deletes the data that only forgotten snapshots used.

Without any rule, forget refuses to run rather than forget everything.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if opts.Keep.Within != "" {
				if _, err := backup.ParseWithin(opts.Keep.Within); err != nil {
					return flagErrorf("--keep-within: %v", err)
				}
			}
			if opts.Policy != "" && !opts.Keep.IsZero() {
				return flagErrorf("give --policy or --keep-* rules, not both")
			}
			if opts.Policy == "" && opts.Keep.IsZero() {
				return flagErrorf("no keep rule: give --keep-last, --keep-daily ... or --policy NAME (forget refuses to remove every snapshot)")
			}
			if runF != nil {
				return runF(opts)
			}
			return backupForgetRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	fl := cmd.Flags()
	fl.IntVar(&opts.Keep.Last, "keep-last", 0, "Keep the newest N snapshots")
	fl.IntVar(&opts.Keep.Hourly, "keep-hourly", 0, "Keep the newest snapshot of each of the last N hours")
	fl.IntVar(&opts.Keep.Daily, "keep-daily", 0, "Keep the newest snapshot of each of the last N days")
	fl.IntVar(&opts.Keep.Weekly, "keep-weekly", 0, "Keep the newest snapshot of each of the last N weeks")
	fl.IntVar(&opts.Keep.Monthly, "keep-monthly", 0, "Keep the newest snapshot of each of the last N months")
	fl.IntVar(&opts.Keep.Yearly, "keep-yearly", 0, "Keep the newest snapshot of each of the last N years")
	fl.StringVar(&opts.Keep.Within, "keep-within", "", "Keep every snapshot within this span of the newest: 30d, 2y5m, 12h")
	fl.StringVar(&opts.Policy, "policy", "", "Use the keep rules of this stored policy, on its snapshots")
	fl.StringArrayVar(&opts.Tags, "tag", nil, "Only consider snapshots with this tag (repeatable)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Only print what would be kept and removed")
	fl.BoolVar(&opts.Prune, "prune", false, "Delete the data only forgotten snapshots used, afterwards")
	fl.BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

func backupForgetRun(opts *BackupForgetOptions) error {
	return errors.New("forget: waiting for retention")
}

func backupPruneRun(opts *BackupPruneOptions) error { return errors.New("prune: waiting for pruner") }

func forgetAndPrune(ctx context.Context, f *Factory, r *repository.Repository, keep backup.Keep, filter repository.SnapshotFilter, prune bool) ([]string, error) {
	return nil, errors.New("waiting")
}
