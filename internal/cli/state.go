package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/state"
)

// NewCmdState builds `steward state` and its subcommands.
func NewCmdState(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state <subcommand>",
		Short: "Inspect and edit the state directly",
		Long: `Inspect the objects steward records, or edit the record without touching the
real objects: stop managing one (rm), or tell steward an object's address
changed (mv). Editing commands lock the state and keep a backup of the
previous state beside it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		NewCmdStateList(f, nil),
		NewCmdStateShow(f, nil),
		NewCmdStateRm(f, nil),
		NewCmdStateMv(f, nil),
		NewCmdStateHistory(f, nil),
		NewCmdStatePull(f, nil),
		NewCmdStateMigrate(f, nil),
	)
	return cmd
}

// readState reads the state without locking it, for commands that only
// look: a reader needs no lock, since writes replace the file atomically.
func readState(ctx context.Context, f *Factory) (*state.State, error) {
	return f.readCurrentState(ctx)
}

// editState locks the state, lets edit change a copy of it, and writes the
// result with the next serial. edit returning an error leaves the state as
// it was.
func editState(ctx context.Context, f *Factory, opName string, lo lockOptions, edit func(st *state.State) error) error {
	op := &operation{f: f}
	if err := op.openState(ctx, opName, lo); err != nil {
		return err
	}
	defer op.close()
	if op.prior == nil {
		return errNoState
	}
	next := op.prior.DeepCopy()
	if err := edit(next); err != nil {
		return err
	}
	next.Sort()
	return op.persist(context.WithoutCancel(ctx), next)
}
