package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/internal/ui"
)

// StateShowOptions are the inputs of `steward state show`.
type StateShowOptions struct {
	Addr string

	f   *Factory
	ctx context.Context
}

// NewCmdStateShow builds `steward state show`.
func NewCmdStateShow(f *Factory, runF func(*StateShowOptions) error) *cobra.Command {
	opts := &StateShowOptions{f: f}
	return &cobra.Command{
		Use:   "show ADDR",
		Short: "Show one object in the state",
		Long:  `Show the attributes of one resource instance as the state records them. Sensitive values are not shown.`,
		Args:  exactArgs(1, "the address of one resource instance, e.g. steward_data.a[0]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Addr = cmd.Context(), args[0]
			if _, err := addrs.ParseAbsResourceInstance(opts.Addr); err != nil {
				return &FlagError{Err: err}
			}
			if runF != nil {
				return runF(opts)
			}
			return stateShowRun(opts)
		},
	}
}

func stateShowRun(opts *StateShowOptions) error {
	want, _ := addrs.ParseAbsResourceInstance(opts.Addr)
	st, err := readState(opts.ctx, opts.f)
	if err != nil {
		return err
	}
	if st == nil {
		return errNoState
	}
	objs, err := stateObjects(st)
	if err != nil {
		return err
	}
	var siblings []string
	for _, o := range objs {
		if o.Addr == want {
			d, err := newSchemas(opts.f.schemaRegistry()).decodeObject(o)
			if err != nil {
				return err
			}
			return ui.RenderStateObjectText(opts.f.IO.Out, d)
		}
		if o.Addr.ContainingResource() == want.ContainingResource() {
			siblings = append(siblings, o.Addr.String())
		}
	}
	if len(siblings) > 0 {
		return fmt.Errorf("no object %s in the state; %s has these instances: %s", want, want.ContainingResource(), strings.Join(siblings, ", "))
	}
	return fmt.Errorf("no object %s in the state (\"steward state list\" lists them)", want)
}
