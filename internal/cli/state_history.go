package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/internal/ui"
)

// StateHistoryOptions are the inputs of `steward state history`.
type StateHistoryOptions struct {
	JSON bool

	f   *Factory
	ctx context.Context
}

// NewCmdStateHistory builds `steward state history`.
func NewCmdStateHistory(f *Factory, runF func(*StateHistoryOptions) error) *cobra.Command {
	opts := &StateHistoryOptions{f: f}
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List the kept versions of the state",
		Long: `List the versions of the current workspace's state that are kept, newest
first: serial, when and by whom each was written. PostgreSQL keeps the last
keep_versions (20 by default); a local state keeps the current file and its
.backup. "steward state pull -version=N" prints one of them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return stateHistoryRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON")
	return cmd
}

func stateHistoryRun(opts *StateHistoryOptions) error {
	t, err := opts.f.openStateTarget(opts.ctx, nil, nil)
	if err != nil {
		return err
	}
	defer t.close()
	versions, err := history(opts.ctx, t.store)
	if err != nil {
		return err
	}
	if opts.JSON {
		return ui.RenderStateHistoryJSON(opts.f.IO.Out, versions)
	}
	return ui.RenderStateHistoryText(opts.f.IO.Out, versions)
}

// history lists a store's versions; a local store's are the file and its
// backup.
func history(ctx context.Context, store state.Store) ([]state.Version, error) {
	if vs, ok := store.(state.VersionedStore); ok {
		return vs.History(ctx)
	}
	ls, ok := store.(*state.LocalStore)
	if !ok {
		return nil, fmt.Errorf("%v keeps no history", store)
	}
	var out []state.Version
	for _, p := range []string{ls.Path(), ls.BackupPath()} {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		st, err := state.Unmarshal(data)
		if err != nil {
			return nil, fmt.Errorf("state file %s cannot be read: %w", p, err)
		}
		v := state.Version{Serial: st.Serial, Lineage: st.Lineage, Size: len(data)}
		if fi, err := os.Stat(p); err == nil {
			v.Created = fi.ModTime().UTC()
		}
		out = append(out, v)
	}
	return out, nil
}

// readVersion returns the document of one kept version.
func readVersion(ctx context.Context, store state.Store, serial uint64) ([]byte, error) {
	if vs, ok := store.(state.VersionedStore); ok {
		return vs.ReadVersion(ctx, serial)
	}
	ls, ok := store.(*state.LocalStore)
	if !ok {
		return nil, fmt.Errorf("%v keeps no history", store)
	}
	var kept []uint64
	for _, p := range []string{ls.Path(), ls.BackupPath()} {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if st, err := state.Unmarshal(data); err == nil {
			if st.Serial == serial {
				return data, nil
			}
			kept = append(kept, st.Serial)
		}
	}
	return nil, fmt.Errorf("the local state keeps only the current file and its backup (serials %v), not serial %d; PostgreSQL state keeps more", kept, serial)
}

// StatePullOptions are the inputs of `steward state pull`.
type StatePullOptions struct {
	// Version is the serial to print; 0 means the latest.
	Version uint64

	f   *Factory
	ctx context.Context
}

// NewCmdStatePull builds `steward state pull`.
func NewCmdStatePull(f *Factory, runF func(*StatePullOptions) error) *cobra.Command {
	opts := &StatePullOptions{f: f}
	cmd := &cobra.Command{
		Use:   "pull",
		Short: "Print the state document",
		Long: `Print the current workspace's state document (the JSON of the state file
format) on standard output, or with -version=N the kept version with serial
N (see "steward state history"). Sensitive values are only hashes there.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return statePullRun(opts)
		},
	}
	cmd.Flags().Uint64Var(&opts.Version, "version", 0, "Print the kept version with this serial instead of the latest")
	return cmd
}

func statePullRun(opts *StatePullOptions) error {
	t, err := opts.f.openStateTarget(opts.ctx, nil, nil)
	if err != nil {
		return err
	}
	defer t.close()
	var data []byte
	if opts.Version > 0 {
		data, err = readVersion(opts.ctx, t.store, opts.Version)
	} else {
		var st *state.State
		st, err = t.store.Read(opts.ctx)
		if err == nil && st == nil {
			return errNoState
		}
		if err == nil {
			data, err = state.Marshal(st)
		}
	}
	if err != nil {
		return err
	}
	_, err = opts.f.IO.Out.Write(data)
	return err
}
