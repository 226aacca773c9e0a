package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/archiver"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// BackupRunOptions are the inputs of `steward backup run`.
type BackupRunOptions struct {
	RepoFlags
	// Policies names the stored policies to run; none means all of them.
	Policies []string
	// Paths makes an ad-hoc backup of these paths instead of policies.
	Paths         []string
	Tags          []string
	Excludes      []string
	OneFileSystem bool
	// Host is recorded in the snapshots; default this machine's name.
	Host string
	JSON bool

	f   *Factory
	ctx context.Context
}

// NewCmdBackupRun builds `steward backup run`.
func NewCmdBackupRun(f *Factory, runF func(*BackupRunOptions) error) *cobra.Command {
	opts := &BackupRunOptions{f: f}
	cmd := &cobra.Command{
		Use:   "run [POLICY...] | run --path DIR [--path DIR2] --repo R [--tag T] [--exclude GLOB]",
		Short: "Back up now, by the stored policies or the paths given",
		Long: `Run the named backup policies, or all the policies stored in the repository,
and after each successful run apply its keep rules and prune when the policy
says prune = true.

Without --repo, in a working directory whose state has backup_repository
objects, the policies of each of those repositories run (the provider's
password, $STEWARD_BACKUP_PASSWORD or --password-file opens them).

With --path, make an ad-hoc snapshot of the given paths instead, with the
given tags and exclusions; no policy is involved and nothing is forgotten.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Policies = cmd.Context(), args
			if len(opts.Paths) > 0 && len(args) > 0 {
				return flagErrorf("give POLICY names or --path, not both")
			}
			if len(opts.Paths) == 0 && (len(opts.Tags) > 0 || len(opts.Excludes) > 0 || opts.OneFileSystem) {
				return flagErrorf("--tag, --exclude and --one-file-system go with --path; a policy's own settings apply to policy runs")
			}
			if runF != nil {
				return runF(opts)
			}
			return backupRunRun(opts)
		},
	}
	opts.RepoFlags.register(cmd)
	cmd.Flags().StringArrayVar(&opts.Paths, "path", nil, "Back up this path (repeat for more); makes an ad-hoc snapshot")
	cmd.Flags().StringArrayVar(&opts.Tags, "tag", nil, "Tag the ad-hoc snapshot (repeatable)")
	cmd.Flags().StringArrayVar(&opts.Excludes, "exclude", nil, "Leave out paths matching this glob (repeatable)")
	cmd.Flags().BoolVar(&opts.OneFileSystem, "one-file-system", false, "Do not cross into other file systems")
	cmd.Flags().StringVar(&opts.Host, "host", "", "Host name recorded in the snapshot (default this machine's)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the snapshots made as JSON, and no progress")
	return cmd
}

func backupRunRun(opts *BackupRunOptions) error {
	f := opts.f
	tuneGCForBulkData(f.Environ)
	if len(opts.Paths) > 0 {
		return backupAdHoc(opts)
	}
	locations, err := runLocations(opts.ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	var results []ui.BackupRunResult
	found := map[string]bool{}
	failed := false
	for _, loc := range locations {
		res, err := runPolicies(opts, loc, found)
		results = append(results, res...)
		if err != nil {
			if len(locations) == 1 {
				return err
			}
			failed = true
			fmt.Fprintf(f.IO.ErrOut, "Error: %s\n", err)
			continue
		}
	}
	for _, name := range opts.Policies {
		if !found[name] {
			failed = true
			fmt.Fprintf(f.IO.ErrOut, "Error: no policy %q is stored in %s\n", name, strings.Join(locations, " or "))
		}
	}
	if len(opts.Policies) == 0 && len(results) == 0 && !failed {
		return fmt.Errorf("no policies are stored in %s: apply backup_policy resources first, or back up paths with --path", strings.Join(locations, " or "))
	}
	for _, r := range results {
		failed = failed || r.Error != ""
	}
	if opts.JSON {
		if err := ui.WriteBackupJSON(f.IO.Out, &ui.BackupRunJSON{Runs: nonNilRuns(results)}); err != nil {
			return err
		}
	}
	if failed {
		return errSilent
	}
	return nil
}

func nonNilRuns(r []ui.BackupRunResult) []ui.BackupRunResult {
	if r == nil {
		return []ui.BackupRunResult{}
	}
	return r
}

// runLocations are the repositories whose policies run: --repo (or its
// environment variable), else the backup_repository objects in the
// working directory's state.
func runLocations(ctx context.Context, f *Factory, rf *RepoFlags) ([]string, error) {
	if loc, err := rf.location(f); err == nil {
		return []string{loc}, nil
	}
	locs, err := stateRepositoryLocations(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(locs) == 0 {
		return nil, errNoRepository
	}
	return locs, nil
}

// errNoRepository says every way a repository can be named.
var errNoRepository = flagErrorf("no repository: give --repo PATH_OR_URL (or set %s), or run in a steward working directory whose state has backup_repository resources", backupRepositoryEnv)

// stateRepositoryLocations lists the locations of the backup_repository
// objects in the working directory's state, in state order.
func stateRepositoryLocations(ctx context.Context, f *Factory) ([]string, error) {
	st, err := readState(ctx, f)
	if err != nil {
		return nil, err
	}
	var locs []string
	seen := map[string]bool{}
	if st == nil {
		return nil, nil
	}
	for _, r := range st.Resources {
		if r.Type != backup.RepositoryType || r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			var attrs struct {
				Path *string `json:"path"`
				URL  *string `json:"url"`
			}
			if err := json.Unmarshal(in.Attributes, &attrs); err != nil {
				return nil, fmt.Errorf("reading %s from the state: %w", r.InstanceAddr(in.Key), err)
			}
			loc := ""
			switch {
			case attrs.Path != nil:
				loc = *attrs.Path
			case attrs.URL != nil:
				loc = *attrs.URL
			}
			if loc != "" && !seen[loc] {
				seen[loc] = true
				locs = append(locs, loc)
			}
		}
	}
	return locs, nil
}

// runPolicies runs the selected policies stored at loc, each followed by
// its retention when it prunes. found records the names seen.
func runPolicies(opts *BackupRunOptions, loc string, found map[string]bool) ([]ui.BackupRunResult, error) {
	f, ctx := opts.f, opts.ctx
	r, err := openRepositoryAt(ctx, f, &opts.RepoFlags, loc)
	if err != nil {
		return nil, err
	}
	defer closeRepository(r)
	pols, err := backup.LoadPolicies(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", loc, err)
	}
	names := make([]string, 0, len(pols))
	for name := range pols {
		if len(opts.Policies) == 0 || slices.Contains(opts.Policies, name) {
			names = append(names, name)
			found[name] = true
		}
	}
	sort.Strings(names)
	var results []ui.BackupRunResult
	for _, name := range names {
		pol := pols[name]
		res, _ := backupOnce(opts, r, loc, pol.Sources, archiver.Options{
			Excludes: pol.Exclude, OneFileSystem: pol.OneFileSystem, Tags: pol.Tags, Host: opts.Host, Policy: pol.Name,
		})
		res.Policy = pol.Name
		if res.Error == "" && pol.Prune && !pol.Keep.IsZero() {
			forgotten, err := forgetAndPrune(ctx, r, pol.Keep, repository.SnapshotFilter{Policy: pol.Name})
			res.Forgotten = forgotten
			res.Pruned = err == nil
			if err != nil {
				res.Error = "backed up, but applying the keep rules failed: " + err.Error()
			}
		}
		if !opts.JSON {
			if err := ui.RenderBackupRun(f.IO.Out, res); err != nil {
				return results, err
			}
		}
		results = append(results, res)
		if ctx.Err() != nil {
			break
		}
	}
	return results, nil
}

// backupAdHoc backs up --path arguments.
func backupAdHoc(opts *BackupRunOptions) error {
	f := opts.f
	r, err := openRepository(opts.ctx, f, &opts.RepoFlags)
	if err != nil {
		return err
	}
	defer closeRepository(r)
	paths := make([]string, len(opts.Paths))
	for i, p := range opts.Paths {
		paths[i] = f.Path(p)
	}
	res, err := backupOnce(opts, r, r.Backend().Location(), paths, archiver.Options{
		Excludes: opts.Excludes, OneFileSystem: opts.OneFileSystem, Tags: opts.Tags, Host: opts.Host,
	})
	if err != nil {
		return err
	}
	if opts.JSON {
		if err := ui.WriteBackupJSON(f.IO.Out, &ui.BackupRunJSON{Runs: []ui.BackupRunResult{res}}); err != nil {
			return err
		}
	} else if err := ui.RenderBackupRun(f.IO.Out, res); err != nil {
		return err
	}
	if res.Error != "" {
		return errSilent
	}
	return nil
}

// backupOnce makes one snapshot under a shared lock, with a progress line
// on a terminal. A failure is both in the result's Error and returned.
func backupOnce(opts *BackupRunOptions, r *repository.Repository, loc string, paths []string, aopts archiver.Options) (ui.BackupRunResult, error) {
	f, ctx := opts.f, opts.ctx
	res := ui.BackupRunResult{Location: loc, Paths: paths, Warnings: []string{}}
	unlock, err := r.Lock(ctx, false)
	if err != nil {
		err = repoError(loc, err)
		res.Error = err.Error()
		return res, err
	}
	defer unlock()
	var prog *ui.BackupProgress
	if f.IO.IsErrorTTY() && !opts.JSON {
		prog = ui.NewBackupProgress(f.IO.ErrOut, "backing up", f.Now)
		aopts.Progress = archiver.Progress{
			Totals:       func(files, _, bytes uint64, _ bool) { prog.SetTotal(int64(files), int64(bytes)) },
			CompleteFile: func(_ string, bytes uint64, _ archiver.FileStatus) { prog.Add(1, int64(bytes)) },
		}
	}
	snap, sum, err := archiver.New(r, aopts).Backup(ctx, paths)
	prog.Done()
	if err != nil {
		res.Error = err.Error()
		return res, err
	}
	res.Snapshot = snap.ID.String()
	res.Paths = snap.Paths
	res.FilesNew, res.FilesChanged, res.FilesUnmodified = sum.FilesNew, sum.FilesChanged, sum.FilesUnmodified
	res.TotalFiles, res.TotalBytes = sum.TotalFiles, sum.TotalBytes
	res.DataAdded, res.DataStored, res.Duration = sum.DataAdded, sum.DataAddedStored, sum.Duration
	for _, w := range sum.Warnings {
		res.Warnings = append(res.Warnings, w.String())
	}
	if extra := int(sum.WarningCount) - len(sum.Warnings); extra > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("and %d more warnings", extra))
	}
	return res, nil
}
