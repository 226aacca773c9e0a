package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup/snapview"
)

// BackupDiffOptions are the inputs of `steward backup diff`.
type BackupDiffOptions struct {
	RepoFlags
	From, To string
	JSON     bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupDiff builds `steward backup diff`.
func NewCmdBackupDiff(f *Factory, runF func(*BackupDiffOptions) error) *cobra.Command {
	opts := &BackupDiffOptions{f: f}
	cmd := &cobra.Command{
		Use:   "diff SNAPSHOT_A SNAPSHOT_B",
		Short: "Show what changed between two snapshots",
		Long: `List the files added (+), removed (-) and modified (M) from SNAPSHOT_A to
SNAPSHOT_B, and count them.`,
		Args: exactArgs(2, "two snapshots"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.From, opts.To = cmd.Context(), args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return backupDiffRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

func backupDiffRun(opts *BackupDiffOptions) error {
	f, ctx := opts.f, opts.ctx
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	a, err := findSnapshot(ctx, r, opts.From)
	if err != nil {
		return err
	}
	b, err := findSnapshot(ctx, r, opts.To)
	if err != nil {
		return err
	}
	out := ui.BackupDiffJSON{From: a.ID.String(), To: b.ID.String(), Changes: []ui.DiffEntry{}}
	err = snapview.Diff(ctx, r, a.Tree, b.Tree, func(c snapview.Change) error {
		e := ui.DiffEntry{Path: "/" + c.Path, Kind: string(c.Kind), What: c.What}
		if e.What == nil {
			e.What = []string{}
		}
		out.Changes = append(out.Changes, e)
		switch c.Kind {
		case snapview.Added:
			out.Added++
		case snapview.Removed:
			out.Removed++
		default:
			out.Modified++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("comparing snapshots %s and %s: %w", a.ID.Short(), b.ID.Short(), err)
	}
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, &out)
	}
	return ui.RenderDiff(f.IO.Out, out)
}
