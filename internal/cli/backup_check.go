package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup/checker"
)

// BackupCheckOptions are the inputs of `steward backup check`.
type BackupCheckOptions struct {
	RepoFlags
	// ReadData reads and verifies every pack, not only the structure.
	ReadData bool
	JSON     bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupCheck builds `steward backup check`.
func NewCmdBackupCheck(f *Factory, runF func(*BackupCheckOptions) error) *cobra.Command {
	opts := &BackupCheckOptions{f: f}
	cmd := &cobra.Command{
		Use:   "check [--read-data]",
		Short: "Verify that a repository is whole",
		Long: `Check the repository's structure: that every snapshot's trees and data are
in the index and every indexed pack exists with the size the index says.
--read-data also reads every pack and verifies each blob's hash, which finds
damaged data but reads the whole repository.

Exits 1 with a report of each problem when the repository is damaged.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return backupCheckRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().BoolVar(&opts.ReadData, "read-data", false, "Read and verify all data")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the report as JSON")
	return cmd
}

func backupCheckRun(opts *BackupCheckOptions) error {
	f, ctx := opts.f, opts.ctx
	tuneGCForBulkData(f.Environ)
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	unlock, err := r.Lock(ctx, false)
	if err != nil {
		return repoError(r.Backend().Location(), err)
	}
	defer unlock()
	copts := checker.Options{ReadData: opts.ReadData}
	if f.IO.IsErrorTTY() && !opts.JSON {
		copts.Progress = func(p checker.Progress) {
			fmt.Fprintf(f.IO.ErrOut, "\rchecking %s: %d / %d\x1b[K", p.Stage, p.Done, p.Total)
		}
	}
	rep, err := checker.Check(ctx, r, copts)
	if copts.Progress != nil {
		fmt.Fprint(f.IO.ErrOut, "\r\x1b[K")
	}
	if err != nil {
		return fmt.Errorf("checking %s: %w", r.Backend().Location(), err)
	}
	out := ui.BackupCheckJSON{Location: r.Backend().Location(), ReadData: opts.ReadData, OK: rep.OK(),
		Packs: rep.Packs, Blobs: rep.Blobs, Snapshots: rep.Snapshots, BytesRead: rep.BytesRead, Problems: []ui.CheckProblem{}}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, ui.CheckProblem{Severity: p.Severity.String(), Kind: string(p.Kind), Message: p.Message,
			Pack: p.Pack, Blob: p.Blob, Snapshot: p.Snapshot, Path: p.Path})
	}
	if opts.JSON {
		err = ui.WriteBackupJSON(f.IO.Out, &out)
	} else {
		err = ui.RenderCheck(f.IO.Out, out)
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		return errSilent
	}
	return nil
}
