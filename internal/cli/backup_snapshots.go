package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// BackupSnapshotsOptions are the inputs of `steward backup snapshots`.
type BackupSnapshotsOptions struct {
	RepoFlags
	// Policy and Tags filter the list.
	Policy string
	Tags   []string
	JSON   bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupSnapshots builds `steward backup snapshots`.
func NewCmdBackupSnapshots(f *Factory, runF func(*BackupSnapshotsOptions) error) *cobra.Command {
	opts := &BackupSnapshotsOptions{f: f}
	cmd := &cobra.Command{
		Use:   "snapshots [--policy NAME] [--tag T] [-json]",
		Short: "List the snapshots in a repository",
		Long: `List the repository's snapshots, oldest first: id, time, host, policy, tags,
paths and size. -json prints them as a JSON array (see
internal/ui/BACKUP-JSON.md).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return backupSnapshotsRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().StringVar(&opts.Policy, "policy", "", "Only snapshots made by this policy")
	cmd.Flags().StringArrayVar(&opts.Tags, "tag", nil, "Only snapshots with this tag (repeatable: all must match)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

func backupSnapshotsRun(opts *BackupSnapshotsOptions) error {
	f, ctx := opts.f, opts.ctx
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	sns, err := r.Snapshots(ctx)
	if err != nil {
		return fmt.Errorf("listing snapshots: %w", err)
	}
	sns = repository.FilterSnapshots(sns, repository.SnapshotFilter{Policy: opts.Policy, Tags: opts.Tags})
	rows := make([]ui.SnapshotRow, 0, len(sns))
	for _, sn := range sns {
		rows = append(rows, snapshotRow(sn))
	}
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, &ui.BackupSnapshotsJSON{Location: r.Backend().Location(), Snapshots: rows})
	}
	return ui.RenderSnapshots(f.IO.Out, rows)
}

func snapshotRow(sn *repository.Snapshot) ui.SnapshotRow {
	row := ui.SnapshotRow{
		ID: sn.ID.String(), ShortID: sn.ID.Short(), Time: sn.Time, Host: sn.Hostname, Username: sn.Username,
		Policy: sn.Policy, Tags: sn.Tags, Paths: sn.Paths, Tree: sn.Tree.String(),
	}
	if row.Tags == nil {
		row.Tags = []string{}
	}
	if sn.Parent != nil {
		row.Parent = sn.Parent.String()
	}
	if sn.Summary != nil {
		row.Size, row.Files = sn.Summary.TotalBytesProcessed, sn.Summary.TotalFilesProcessed
	}
	return row
}

// findSnapshot resolves SNAPSHOT arguments ("latest", an id or a prefix)
// with messages that say what to do.
func findSnapshot(ctx context.Context, r *repository.Repository, ref string) (*repository.Snapshot, error) {
	sn, err := r.FindSnapshot(ctx, ref, repository.SnapshotFilter{})
	switch {
	case errors.Is(err, repository.ErrSnapshotNotFound) && ref == "latest":
		return nil, fmt.Errorf("the repository has no snapshots yet")
	case errors.Is(err, repository.ErrSnapshotNotFound):
		return nil, fmt.Errorf("no snapshot %q: see steward backup snapshots for the ids", ref)
	case errors.Is(err, repository.ErrAmbiguousRef):
		return nil, fmt.Errorf("%q matches several snapshots: give more of the id", ref)
	case err != nil:
		return nil, fmt.Errorf("finding snapshot %q: %w", ref, err)
	}
	return sn, nil
}
