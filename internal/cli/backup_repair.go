package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

// BackupRepairIndexOptions are the inputs of `steward backup repair-index`.
type BackupRepairIndexOptions struct {
	RepoFlags
	JSON bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupRepairIndex builds `steward backup repair-index`.
func NewCmdBackupRepairIndex(f *Factory, runF func(*BackupRepairIndexOptions) error) *cobra.Command {
	opts := &BackupRepairIndexOptions{f: f}
	cmd := &cobra.Command{
		Use:   "repair-index",
		Short: "Index the pack files no index names, recovering a lost index",
		Long: `Read the header of every pack file that no index file names and write a new
index for them, then remove index files that cannot be read. This recovers
the data of a deleted or damaged index file, which "steward backup check"
suggests when an index is missing. It never
removes a pack file.

It takes the repository's exclusive lock: the packs of a backup that is
running are not indexed yet on purpose.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return backupRepairIndexRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

func backupRepairIndexRun(opts *BackupRepairIndexOptions) error {
	f, ctx := opts.f, opts.ctx
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	loc := r.Backend().Location()
	unlock, err := r.Lock(ctx, true)
	if err != nil {
		return repoError(loc, err)
	}
	defer unlock()
	sum, err := r.RepairIndex(ctx)
	if err != nil {
		return repoError(loc, fmt.Errorf("repairing the index: %w", err))
	}
	unreadable := make([]string, 0, len(sum.Unreadable))
	for _, e := range sum.Unreadable {
		unreadable = append(unreadable, e.Error())
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{
			"format_version":      "1.0",
			"location":            loc,
			"packs_added":         sum.PacksAdded,
			"blobs_added":         sum.BlobsAdded,
			"unreadable_packs":    unreadable,
			"index_files_removed": sum.IndexFilesRemoved,
		})
	}
	out := f.IO.Out
	if sum.PacksAdded == 0 && len(sum.IndexFilesRemoved) == 0 {
		fmt.Fprintf(out, "The index of %s already names every readable pack file; nothing to repair.\n", loc)
	} else {
		fmt.Fprintf(out, "Indexed %d pack %s (%d blobs) that no index named in %s.\n", sum.PacksAdded, plural(sum.PacksAdded, "file", "files"), sum.BlobsAdded, loc)
		for _, name := range sum.IndexFilesRemoved {
			fmt.Fprintf(out, "Removed the unreadable index file %s.\n", name)
		}
	}
	for _, u := range unreadable {
		fmt.Fprintf(out, "Not indexed (its header cannot be read; prune removes it): %s\n", u)
	}
	if sum.PacksAdded > 0 || len(sum.IndexFilesRemoved) > 0 {
		fmt.Fprintln(out, `Run "steward backup check" to confirm the snapshots are whole again.`)
	}
	return nil
}
