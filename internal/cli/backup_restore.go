package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup/restorer"
)

// BackupRestoreOptions are the inputs of `steward backup restore`.
type BackupRestoreOptions struct {
	RepoFlags
	Snapshot string
	// Target is the directory restored into.
	Target string
	// Includes limit the restore to these paths of the snapshot.
	Includes []string
	JSON     bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupRestore builds `steward backup restore`.
func NewCmdBackupRestore(f *Factory, runF func(*BackupRestoreOptions) error) *cobra.Command {
	opts := &BackupRestoreOptions{f: f}
	cmd := &cobra.Command{
		Use:   "restore SNAPSHOT --target DIR [--include PATH]...",
		Short: "Restore a snapshot's files into a directory",
		Long: `Restore SNAPSHOT (an id, a unique prefix, or "latest") into --target, with
the files' contents, modes, owners (when run as root), times and extended
attributes. Each backed-up path is restored under the target by its last
name: /srv/shares/finance/x becomes DIR/finance/x (see "steward backup ls").
--include restores only what is under the given paths, written either as a
source path (/srv/shares/finance/2024) or as ls shows it (finance/2024).`,
		Args: exactArgs(1, "a SNAPSHOT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Snapshot = cmd.Context(), args[0]
			if opts.Target == "" {
				return flagErrorf("--target DIR is required: where to restore to")
			}
			if runF != nil {
				return runF(opts)
			}
			return backupRestoreRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().StringVar(&opts.Target, "target", "", "Directory to restore into (created if missing)")
	cmd.Flags().StringArrayVar(&opts.Includes, "include", nil, "Restore only this path of the snapshot (repeatable)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the outcome as JSON, and no progress")
	return cmd
}

func backupRestoreRun(opts *BackupRestoreOptions) error {
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
	sn, err := findSnapshot(ctx, r, opts.Snapshot)
	if err != nil {
		return err
	}
	var prog *ui.BackupProgress
	ropts := restorer.Options{Includes: opts.Includes}
	if f.IO.IsErrorTTY() && !opts.JSON {
		prog = ui.NewBackupProgress(f.IO.ErrOut, "restoring", f.Now)
		if sn.Summary != nil {
			prog.SetTotal(int64(sn.Summary.TotalFilesProcessed), int64(sn.Summary.TotalBytesProcessed))
		}
		ropts.Progress.CompleteFile = func(_ string, bytes uint64) { prog.Add(1, int64(bytes)) }
	}
	target := f.Path(opts.Target)
	sum, err := restorer.New(r, sn, ropts).Restore(ctx, target)
	prog.Done()
	var damaged *restorer.DamagedError
	if err != nil && !errors.As(err, &damaged) {
		return fmt.Errorf("restoring snapshot %s: %w", sn.ID.Short(), err)
	}
	out := ui.BackupRestoreJSON{Snapshot: sn.ID.String(), Target: target, Damaged: []string{}, Warnings: []string{}}
	if sum != nil {
		out.Files, out.Dirs, out.Bytes = sum.Files, sum.Dirs, sum.Bytes
		out.Warnings = append(out.Warnings, sum.Warnings...)
		out.Damaged = append(out.Damaged, sum.Damaged...)
	}
	if damaged != nil && len(out.Damaged) == 0 {
		out.Damaged = append(out.Damaged, damaged.Paths...)
	}
	if opts.JSON {
		err = ui.WriteBackupJSON(f.IO.Out, &out)
	} else {
		err = ui.RenderRestore(f.IO.Out, out)
	}
	if err != nil {
		return err
	}
	if damaged != nil {
		fmt.Fprintf(f.IO.ErrOut, "Error: %s\n", damaged)
		return errSilent
	}
	return nil
}
