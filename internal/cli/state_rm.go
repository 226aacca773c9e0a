package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/state"
)

// StateRmOptions are the inputs of `steward state rm`.
type StateRmOptions struct {
	Addrs []string
	lockOptions

	f   *Factory
	ctx context.Context
}

// NewCmdStateRm builds `steward state rm`.
func NewCmdStateRm(f *Factory, runF func(*StateRmOptions) error) *cobra.Command {
	opts := &StateRmOptions{f: f}
	cmd := &cobra.Command{
		Use:   "rm ADDR...",
		Short: "Stop managing objects, without destroying them",
		Long: `Remove the objects inside the given addresses from the state. The real
objects are left alone; steward simply forgets them. If their configuration
remains, the next plan proposes to create them again (or to import them).`,
		Args: minArgs(1, "at least one address"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Addrs = cmd.Context(), args
			if _, _, err := matchObjects(nil, opts.Addrs); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return stateRmRun(opts)
		},
	}
	addLockFlags(cmd.Flags(), &opts.Lock, &opts.LockTimeout)
	return cmd
}

func stateRmRun(opts *StateRmOptions) error {
	var removed []string
	err := editState(opts.ctx, opts.f, "state rm", opts.lockOptions, func(st *state.State) error {
		objs, err := stateObjects(st)
		if err != nil {
			return err
		}
		objs, missed, err := matchObjects(objs, opts.Addrs)
		if err != nil {
			return err
		}
		if len(missed) > 0 {
			return fmt.Errorf("nothing in the state matches %s; nothing was removed", strings.Join(missed, ", "))
		}
		for _, o := range objs {
			r := o.Res
			r.RemoveInstance(o.Inst.Key)
			if len(r.Instances) == 0 {
				st.RemoveResource(r.Module, r.Mode, r.Type, r.Name)
			}
			removed = append(removed, o.Addr.String())
		}
		return nil
	})
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, a := range removed {
		fmt.Fprintf(&b, "Removed %s\n", a)
	}
	fmt.Fprintf(&b, "Successfully removed %d resource %s.\n", len(removed), plural(len(removed), "instance", "instances"))
	_, err = fmt.Fprint(opts.f.IO.Out, b.String())
	return err
}
