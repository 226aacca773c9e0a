package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/pruner"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/retention"
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
	f, ctx := opts.f, opts.ctx
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	keep := opts.Keep
	filter := repository.SnapshotFilter{Tags: opts.Tags}
	if opts.Policy != "" {
		pols, err := backup.LoadPolicies(ctx, r)
		if err != nil {
			return fmt.Errorf("reading the stored policies: %w", err)
		}
		pol, ok := pols[opts.Policy]
		if !ok {
			return fmt.Errorf("no policy %q is stored in %s", opts.Policy, r.Backend().Location())
		}
		if pol.Keep.IsZero() {
			return fmt.Errorf("policy %q has no keep rules: nothing to forget by", opts.Policy)
		}
		keep, filter.Policy = pol.Keep, pol.Name
	}
	res, err := forget(ctx, r, keep, filter, opts.DryRun)
	if err != nil {
		return err
	}
	if opts.Prune && !opts.DryRun && len(res.Removed) > 0 {
		sum, err := pruner.Prune(ctx, r, pruner.Options{})
		if err != nil {
			return repoError(r.Backend().Location(), fmt.Errorf("pruning after forget: %w", err))
		}
		res.Prune = pruneView(sum)
	}
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, res)
	}
	return ui.RenderForget(f.IO.Out, res)
}

// forget applies keep to the snapshots passing filter, grouped by host,
// paths and policy, and removes the others unless dryRun.
func forget(ctx context.Context, r *repository.Repository, keep backup.Keep, filter repository.SnapshotFilter, dryRun bool) (*ui.BackupForgetJSON, error) {
	pol, err := keep.RetentionPolicy()
	if err != nil {
		return nil, err
	}
	loc := r.Backend().Location()
	unlock := func() {}
	if !dryRun {
		if unlock, err = r.Lock(ctx, true); err != nil {
			return nil, repoError(loc, err)
		}
	}
	defer unlock()
	all, err := r.Snapshots(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing snapshots: %w", err)
	}
	byID := map[string]*repository.Snapshot{}
	var snaps []retention.Snapshot
	for _, sn := range repository.FilterSnapshots(all, filter) {
		byID[sn.ID.String()] = sn
		snaps = append(snaps, retention.Snapshot{ID: sn.ID.String(), Time: sn.Time, Host: sn.Hostname, Paths: sn.Paths, Tags: sn.Tags, Policy: sn.Policy})
	}
	kept, removed := retention.ApplyWith(snaps, pol, retention.Options{GroupBy: retention.DefaultGroupBy | retention.GroupByPolicy})
	res := &ui.BackupForgetJSON{Location: loc, DryRun: dryRun, Rules: pol.String(), Kept: []ui.ForgetEntry{}, Removed: []ui.ForgetEntry{}}
	var ids []blob.ID
	for _, d := range kept {
		res.Kept = append(res.Kept, ui.ForgetEntry{Snapshot: snapshotRow(byID[d.Snapshot.ID]), Group: d.Group.String(), Reasons: d.Reasons})
	}
	for _, d := range removed {
		sn := byID[d.Snapshot.ID]
		res.Removed = append(res.Removed, ui.ForgetEntry{Snapshot: snapshotRow(sn), Group: d.Group.String(), Reasons: []string{}})
		ids = append(ids, sn.ID)
	}
	if !dryRun && len(ids) > 0 {
		if err := r.Forget(ctx, ids); err != nil {
			return nil, fmt.Errorf("forgetting snapshots: %w", err)
		}
	}
	return res, nil
}

// forgetAndPrune applies a policy's keep rules after its run and prunes;
// it returns the ids of the snapshots forgotten.
func forgetAndPrune(ctx context.Context, r *repository.Repository, keep backup.Keep, filter repository.SnapshotFilter) ([]string, error) {
	res, err := forget(ctx, r, keep, filter, false)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range res.Removed {
		ids = append(ids, e.Snapshot.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if _, err := pruner.Prune(ctx, r, pruner.Options{}); err != nil {
		return ids, repoError(r.Backend().Location(), fmt.Errorf("pruning: %w", err))
	}
	return ids, nil
}

func pruneView(s *pruner.Summary) *ui.PruneSummary {
	return &ui.PruneSummary{Snapshots: s.Snapshots, UsedBlobs: s.UsedBlobs, UnusedBlobs: s.UnusedBlobs,
		PacksKept: s.PacksKept, PacksRepacked: s.PacksRepacked, PacksRemoved: s.PacksRemoved, PacksWritten: s.PacksWritten,
		BytesFreed: s.BytesFreed, BytesRepacked: s.BytesRepacked}
}
