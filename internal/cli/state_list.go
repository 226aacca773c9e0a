package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// errNoState is returned by commands that need a state when there is none.
var errNoState = errors.New("no state: nothing has been applied in this directory yet (no " + StateFile + ")")

// StateListOptions are the inputs of `steward state list`.
type StateListOptions struct {
	// Addrs filter the list to objects inside them.
	Addrs []string

	f   *Factory
	ctx context.Context
}

// NewCmdStateList builds `steward state list`.
func NewCmdStateList(f *Factory, runF func(*StateListOptions) error) *cobra.Command {
	opts := &StateListOptions{f: f}
	return &cobra.Command{
		Use:   "list [ADDR...]",
		Short: "List the objects in the state",
		Long: `List the address of every resource instance in the state, or only those
inside the given addresses (a module, a resource or one instance).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Addrs = cmd.Context(), args
			if runF != nil {
				return runF(opts)
			}
			return stateListRun(opts)
		},
	}
}

func stateListRun(opts *StateListOptions) error {
	st, err := readState(opts.ctx, opts.f)
	if err != nil {
		return err
	}
	objs, err := stateObjects(st)
	if err != nil {
		return err
	}
	objs, _, err = matchObjects(objs, opts.Addrs)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, o := range objs {
		b.WriteString(o.Addr.String() + "\n")
	}
	_, err = fmt.Fprint(opts.f.IO.Out, b.String())
	return err
}
