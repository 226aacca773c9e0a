package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/state"
)

// ForceUnlockOptions are the inputs of `steward force-unlock`.
type ForceUnlockOptions struct {
	ID    string
	Force bool

	f   *Factory
	ctx context.Context
}

// NewCmdForceUnlock builds `steward force-unlock`.
func NewCmdForceUnlock(f *Factory, runF func(*ForceUnlockOptions) error) *cobra.Command {
	opts := &ForceUnlockOptions{f: f}
	cmd := &cobra.Command{
		Use:   "force-unlock LOCK_ID",
		Short: "Break the state lock of a stuck run",
		Long: `Break the lock on the current workspace's state, if its ID is LOCK_ID (the
ID a waiting run prints). A run that ends, even killed, releases its lock by
itself: use this only for a run that is stuck, and make sure it is not
still applying. With PostgreSQL state this ends the stuck run's database
session, so its final write is refused instead of overwriting whatever runs
next. A local state's lock is held by a live process and cannot be broken;
stop that process instead.`,
		Args: exactArgs(1, "the lock ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx, opts.ID = cmd.Context(), args[0]
			if runF != nil {
				return runF(opts)
			}
			return forceUnlockRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Do not ask for confirmation")
	return cmd
}

func forceUnlockRun(opts *ForceUnlockOptions) error {
	f := opts.f
	t, err := f.openStateTarget(opts.ctx, nil, nil)
	if err != nil {
		return err
	}
	defer t.close()
	fu, ok := t.store.(state.ForceUnlocker)
	if !ok {
		return fmt.Errorf("the lock on %s is an operating-system lock: it is released the moment the process holding it ends and cannot be broken from outside; if a run is stuck, stop that process instead", t.describe())
	}
	holder, err := fu.LockHolder(opts.ctx)
	if err != nil {
		return err
	}
	if holder == nil {
		return fmt.Errorf("%s is not locked; nothing to unlock", t.describe())
	}
	if holder.ID != opts.ID {
		return fmt.Errorf("lock ID %q does not match the lock on %s, which is %q (held by %s); nothing was unlocked", opts.ID, t.describe(), holder.ID, holder)
	}
	if !opts.Force {
		if !f.IO.IsInputTTY() {
			return errors.New("force-unlock needs confirmation, but standard input is not a terminal; run again with -force if you are sure the run is stuck")
		}
		fmt.Fprintf(f.IO.Out, "The state %s is locked by %s.\nBreaking the lock of a run that is still applying can corrupt the state.\n  Only 'yes' will be accepted to confirm.\n\n  Enter a value: ", t.describe(), holder)
		line, err := bufio.NewReader(f.IO.In).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if strings.TrimSpace(line) != "yes" {
			return errors.New("force-unlock cancelled; the lock is still held")
		}
	}
	broken, err := fu.ForceUnlock(opts.ctx, opts.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Unlocked %s (the lock of %s).\n", t.describe(), broken)
	return nil
}
