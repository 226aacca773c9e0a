package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/engine/state/backend"
	"github.com/stewardhq/steward/engine/state/pgstore"
)

// StateMigrateOptions are the inputs of `steward state migrate`.
type StateMigrateOptions struct {
	// To is "postgres" or "local"; empty means the configured storage.
	To string
	// FromFile is a state file to store instead of the local state.
	FromFile string
	Force    bool
	lockOptions

	f   *Factory
	ctx context.Context
}

// NewCmdStateMigrate builds `steward state migrate`.
func NewCmdStateMigrate(f *Factory, runF func(*StateMigrateOptions) error) *cobra.Command {
	opts := &StateMigrateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Move the state between the local file and PostgreSQL",
		Long: `Copy the current workspace's state from the local file into the PostgreSQL
storage named in the steward block (the default, -to=postgres), or back
into the local file (-to=local). Lineage and serial are kept. Both sides are
locked during the move. A destination that already has a state is only
overwritten by a newer state of the same lineage; -force replaces a state
of another lineage (its PostgreSQL history is deleted; a local file is kept
as .backup).

The hash key goes along when the destination has none (unless
STEWARD_STATE_KEY is set, which then serves both sides); a destination's
own key is never replaced, since its other workspaces depend on it. -from-file=PATH
stores a state file, such as the steward.state.errored.json a failed save
leaves behind, in the configured storage.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if opts.To != "" && opts.To != "postgres" && opts.To != "local" {
				return flagErrorf("-to must be postgres or local, not %q", opts.To)
			}
			if opts.FromFile != "" && opts.To == "local" {
				return flagErrorf("-from-file stores a file in the configured storage; it cannot be used with -to=local")
			}
			if runF != nil {
				return runF(opts)
			}
			return stateMigrateRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "Where to move the state: postgres (from the local file) or local (from PostgreSQL)")
	cmd.Flags().StringVar(&opts.FromFile, "from-file", "", "Store this state file instead of the local state")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Replace a destination state of another lineage")
	addLockFlags(cmd.Flags(), &opts.Lock, &opts.LockTimeout)
	return cmd
}

func stateMigrateRun(opts *StateMigrateOptions) error {
	f, ctx := opts.f, opts.ctx
	t, err := f.openStateTarget(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer t.close()
	local := backend.NewLocal(f.WorkDir)
	localStore := local.Store(t.workspace)
	if opts.FromFile != "" {
		localStore = state.NewLocalStore(f.Path(opts.FromFile))
	}

	to := opts.To
	if to == "" {
		to = t.backend.Kind()
	}
	var src, dst state.Store
	switch {
	case to == "postgres" && t.backend.Kind() == "postgres":
		src, dst = localStore, t.store
	case to == "local" && t.backend.Kind() == "postgres":
		src, dst = t.store, localStore
	case opts.FromFile != "":
		src, dst = localStore, t.store
	default:
		return fmt.Errorf("state migrate moves state between the local file and the PostgreSQL storage named in the steward block, but this configuration keeps its state in %s; add a state \"postgres\" block to the steward block first", t.backend)
	}
	srcName, dstName := describeStore(src), describeStore(dst)

	info := state.LockInfo{Operation: "state migrate", Version: f.Version, Created: f.Now().UTC().Truncate(time.Second)}
	if opts.Lock {
		for _, s := range []state.Store{src, dst} {
			u, err := s.Lock(ctx, info, opts.LockTimeout)
			if err != nil {
				return lockError(err, opts.LockTimeout)
			}
			defer func() {
				if err := u.Unlock(); err != nil {
					fmt.Fprintf(f.IO.ErrOut, "Warning: releasing the state lock failed: %s\n", err)
				}
			}()
		}
	}
	st, err := src.Read(ctx)
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("%s has no state; nothing to migrate", srcName)
	}
	prev, err := dst.Read(ctx)
	if err != nil {
		return err
	}
	switch {
	case prev != nil && prev.Lineage != st.Lineage && !opts.Force:
		return fmt.Errorf("refusing to migrate: %s already holds a state of another lineage (%s, serial %d) than %s (%s, serial %d), so they belong to different projects or histories; -force replaces it", dstName, prev.Lineage, prev.Serial, srcName, st.Lineage, st.Serial)
	case prev != nil && prev.Lineage != st.Lineage:
		err = replaceState(ctx, dst, st)
	case prev != nil && prev.Serial > st.Serial:
		return fmt.Errorf("refusing to migrate: %s already holds a newer state of the same lineage (serial %d, here %d); nothing was changed", dstName, prev.Serial, st.Serial)
	default:
		err = dst.Write(ctx, st)
	}
	if err != nil {
		var stale *state.StaleSerialError
		if errors.As(err, &stale) {
			return fmt.Errorf("refusing to migrate: %s already holds serial %d of this lineage with other content; compare them (steward state pull) before choosing", dstName, prev.Serial)
		}
		return err
	}
	if err := migrateKey(ctx, f, src, dst); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Migrated the state of workspace %q (lineage %s, serial %d) from %s to %s.\n", t.workspace, st.Lineage, st.Serial, srcName, dstName)
	if dst == t.store {
		fmt.Fprintf(f.IO.Out, "%s is no longer used by this configuration; delete it once you are satisfied.\n", srcName)
	} else {
		fmt.Fprintf(f.IO.Out, "To use it, remove the state block from the steward block.\n")
	}
	return nil
}

// replaceState overwrites a state of another lineage: PostgreSQL history
// is replaced, a local file is kept as its .backup first.
func replaceState(ctx context.Context, dst state.Store, st *state.State) error {
	switch d := dst.(type) {
	case *pgstore.Store:
		return d.Replace(ctx, st)
	case *state.LocalStore:
		if err := os.Rename(d.Path(), d.BackupPath()); err != nil {
			return fmt.Errorf("keeping the replaced state as %s: %w", d.BackupPath(), err)
		}
		return d.Write(ctx, st)
	}
	return fmt.Errorf("cannot replace the state in %s", describeStore(dst))
}

// migrateKey carries the hash key along with the state, so the hashes of
// sensitive values still match after the move. With STEWARD_STATE_KEY set
// there is nothing to carry: it is used on both sides.
func migrateKey(ctx context.Context, f *Factory, src, dst state.Store) error {
	if _, set := os.LookupEnv(state.KeyEnv); set {
		return nil
	}
	switch d := dst.(type) {
	case *pgstore.Store:
		key, err := state.ReadLocalKey(f.WorkDir)
		if err != nil || key == nil {
			return err
		}
		got, err := d.StoreKey(ctx, key, false)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, key) {
			fmt.Fprintln(f.IO.ErrOut, "Warning: the PostgreSQL schema already has another hash key, which was kept; sensitive values will show as changed in the next plan.")
		}
	case *state.LocalStore:
		s, ok := src.(*pgstore.Store)
		if !ok {
			return nil
		}
		key, err := s.LoadOrCreateKey(ctx)
		if err != nil {
			return err
		}
		have, err := state.ReadLocalKey(f.WorkDir)
		if err != nil {
			return err
		}
		if have == nil {
			return state.WriteLocalKey(f.WorkDir, key)
		}
		if !bytes.Equal(have, key) {
			fmt.Fprintln(f.IO.ErrOut, "Warning: this directory already has another hash key (.steward/state.key), which was kept; sensitive values will show as changed in the next plan.")
		}
	}
	return nil
}

func describeStore(s state.Store) string {
	if ls, ok := s.(*state.LocalStore); ok {
		return ls.Path()
	}
	return fmt.Sprint(s)
}
