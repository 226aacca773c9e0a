package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/state"
)

// StateMvOptions are the inputs of `steward state mv`.
type StateMvOptions struct {
	Source, Destination string
	lockOptions

	f   *Factory
	ctx context.Context
}

// NewCmdStateMv builds `steward state mv`.
func NewCmdStateMv(f *Factory, runF func(*StateMvOptions) error) *cobra.Command {
	opts := &StateMvOptions{f: f}
	cmd := &cobra.Command{
		Use:   "mv SOURCE DESTINATION",
		Short: "Record that an object's address changed",
		Long: `Move objects to another address in the state: one instance, a whole
resource, or a whole module instance. Use it after renaming a block so that
steward does not destroy the object and create it again; a moved block in the
configuration does the same, reviewed in a plan.`,
		Args: exactArgs(2, "a source and a destination address"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.Source, opts.Destination = cmd.Context(), args[0], args[1]
			if _, _, err := parseMove(opts.Source, opts.Destination); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return stateMvRun(opts)
		},
	}
	addLockFlags(cmd.Flags(), &opts.Lock, &opts.LockTimeout)
	return cmd
}

func parseMove(src, dst string) (addrs.Target, addrs.Target, error) {
	s, err := addrs.ParseTarget(src)
	if err != nil {
		return s, s, flagErrorf("source: %s", err)
	}
	d, err := addrs.ParseTarget(dst)
	if err != nil {
		return s, d, flagErrorf("destination: %s", err)
	}
	switch {
	case (s.Resource == nil) != (d.Resource == nil):
		return s, d, flagErrorf("cannot move %s to %s: a module moves to a module, a resource to a resource", src, dst)
	case s.Resource != nil && (s.Resource.Type != d.Resource.Type || s.Resource.Mode != d.Resource.Mode):
		return s, d, flagErrorf("cannot move %s to %s: the resource types differ, and an object keeps its type", src, dst)
	case s.Resource == nil && (s.Module.IsRoot() || d.Module.IsRoot()):
		return s, d, flagErrorf("cannot move the root module")
	}
	return s, d, nil
}

func stateMvRun(opts *StateMvOptions) error {
	src, dst, err := parseMove(opts.Source, opts.Destination)
	if err != nil {
		return err
	}
	var moved [][2]string
	err = editState(opts.ctx, opts.f, "state mv", opts.lockOptions, func(st *state.State) error {
		var err error
		if src.Resource == nil {
			moved, err = moveModule(st, src.Module, dst.Module)
		} else {
			moved, err = moveResource(st, src, dst)
		}
		return err
	})
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, m := range moved {
		fmt.Fprintf(&b, "Moved %s to %s\n", m[0], m[1])
	}
	fmt.Fprintf(&b, "Successfully moved %d %s.\n", len(moved), plural(len(moved), "object", "objects"))
	_, err = fmt.Fprint(opts.f.IO.Out, b.String())
	return err
}

// moveModule renames every resource under the module instance src.
func moveModule(st *state.State, src, dst addrs.ModuleInstance) ([][2]string, error) {
	s, d := src.String(), dst.String()
	var moved [][2]string
	var rs []*state.Resource
	for _, r := range st.Resources {
		if r.Module == s || strings.HasPrefix(r.Module, s+".") {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("nothing in the state is in %s; nothing was moved", s)
	}
	for _, r := range st.Resources {
		if r.Module == d || strings.HasPrefix(r.Module, d+".") {
			return nil, fmt.Errorf("cannot move %s to %s: the state already has objects in %s", s, d, d)
		}
	}
	for _, r := range rs {
		from := r.Addr()
		r.Module = d + strings.TrimPrefix(r.Module, s)
		if strings.HasPrefix(r.Provider, s+".") {
			r.Provider = d + strings.TrimPrefix(r.Provider, s)
		}
		moved = append(moved, [2]string{from, r.Addr()})
	}
	st.Sort()
	return moved, nil
}

// moveResource moves one instance, or every instance of a resource.
func moveResource(st *state.State, src, dst addrs.Target) ([][2]string, error) {
	sr := src.Resource
	mode := state.ModeManaged
	if sr.Mode == addrs.DataMode {
		mode = state.ModeData
	}
	from := st.Resource(src.Module.String(), mode, sr.Type, sr.Name)
	if from == nil || len(from.Instances) == 0 {
		return nil, fmt.Errorf("nothing in the state matches %s; nothing was moved", src)
	}
	to := st.Resource(dst.Module.String(), mode, dst.Resource.Type, dst.Resource.Name)

	// A whole resource moves with its keys, unless the destination names a
	// key: then the source must be a single object.
	if src.Key == nil && dst.Key == nil {
		if to != nil && len(to.Instances) > 0 {
			return nil, fmt.Errorf("cannot move %s to %s: the state already has objects at %s", src, dst, dst)
		}
		var moved [][2]string
		for _, inst := range from.Instances {
			moved = append(moved, [2]string{from.InstanceAddr(inst.Key), ""})
		}
		st.RemoveResource(from.Module, from.Mode, from.Type, from.Name)
		nr := st.EnsureResource(dst.Module.String(), mode, dst.Resource.Type, dst.Resource.Name, from.Provider)
		nr.Instances = from.Instances
		for i, inst := range nr.Instances {
			moved[i][1] = nr.InstanceAddr(inst.Key)
		}
		return moved, nil
	}

	var inst *state.Instance
	if src.Key != nil {
		inst = from.Instance(state.KeyFromAddr(*src.Key))
	} else if len(from.Instances) == 1 {
		inst = from.Instances[0]
	}
	if inst == nil {
		if src.Key == nil {
			return nil, fmt.Errorf("cannot move %s to %s: %s has %d instances; name one of them", src, dst, src, len(from.Instances))
		}
		return nil, fmt.Errorf("nothing in the state matches %s; nothing was moved", src)
	}
	dk := state.InstanceKey{}
	if dst.Key != nil {
		dk = state.KeyFromAddr(*dst.Key)
	}
	if to != nil && to.Instance(dk) != nil {
		return nil, fmt.Errorf("cannot move %s to %s: the state already has an object there", src, dst)
	}
	fromAddr := from.InstanceAddr(inst.Key)
	from.RemoveInstance(inst.Key)
	if len(from.Instances) == 0 {
		st.RemoveResource(from.Module, from.Mode, from.Type, from.Name)
	}
	nr := st.EnsureResource(dst.Module.String(), mode, dst.Resource.Type, dst.Resource.Name, from.Provider)
	ni := nr.EnsureInstance(dk)
	*ni = *inst
	ni.Key = dk
	return [][2]string{{fromAddr, nr.InstanceAddr(dk)}}, nil
}
