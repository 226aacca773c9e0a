package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup/repository"
	"github.com/stewardhq/steward/providers/backup/snapview"
	"github.com/stewardhq/steward/providers/backup/tree"
)

// BackupLsOptions are the inputs of `steward backup ls`.
type BackupLsOptions struct {
	RepoFlags
	Snapshot string
	// Path limits the listing to what is under it.
	Path string
	JSON bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupLs builds `steward backup ls`.
func NewCmdBackupLs(f *Factory, runF func(*BackupLsOptions) error) *cobra.Command {
	opts := &BackupLsOptions{f: f}
	cmd := &cobra.Command{
		Use:   "ls SNAPSHOT [PATH]",
		Short: "List the files in a snapshot",
		Long: `List every file and directory in SNAPSHOT (an id, a unique prefix of one, or
"latest"), or only those under PATH, with type, mode, owner, size and time.
Paths start with the last name of each backed-up path (/srv/shares/finance
is listed as /finance); PATH may be given either way.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return flagErrorf("%s needs SNAPSHOT and optionally PATH", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Snapshot = cmd.Context(), args[0]
			if len(args) == 2 {
				opts.Path = args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return backupLsRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON, one object per line")
	return cmd
}

func backupLsRun(opts *BackupLsOptions) error {
	f, ctx := opts.f, opts.ctx
	r, err := openRepository(ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	sn, err := findSnapshot(ctx, r, opts.Snapshot)
	if err != nil {
		return err
	}
	sub := snapshotSubpath(sn, opts.Path)
	var entries []ui.LsEntry
	err = snapview.Walk(ctx, r, sn.Tree, sub, func(p string, n *tree.Node) error {
		entries = append(entries, lsEntry(p, n))
		return nil
	})
	if errors.Is(err, snapview.ErrNotFound) {
		return fmt.Errorf("snapshot %s has no %s", sn.ID.Short(), opts.Path)
	}
	if err != nil {
		return fmt.Errorf("listing snapshot %s: %w", sn.ID.Short(), err)
	}
	if entries == nil {
		entries = []ui.LsEntry{}
	}
	if opts.JSON {
		return ui.WriteBackupJSON(f.IO.Out, &ui.BackupLsJSON{Snapshot: sn.ID.String(), Entries: entries})
	}
	return ui.RenderLs(f.IO.Out, entries)
}

// snapshotSubpath turns PATH as the user gives it into the walker's path
// relative to the snapshot root: a source path (/srv/data/etc becomes
// data/etc) or a path already relative to the root.
func snapshotSubpath(sn *repository.Snapshot, p string) string {
	if p == "" || p == "/" {
		return ""
	}
	for _, src := range sn.Paths {
		base := filepath.Base(src)
		if p == src {
			return base
		}
		if rest, ok := strings.CutPrefix(p, strings.TrimSuffix(src, "/")+"/"); ok {
			return base + "/" + rest
		}
	}
	return strings.Trim(p, "/")
}

func lsEntry(p string, n *tree.Node) ui.LsEntry {
	return ui.LsEntry{Path: "/" + p, Type: string(n.Type), Mode: n.Mode, Size: n.Size, User: n.User, Group: n.Group,
		ModTime: time.Unix(0, n.ModTime).UTC(), LinkTarget: n.LinkTarget}
}
