package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/plan"
)

// PlanFlags are the flags plan, apply and destroy share.
type PlanFlags struct {
	Targets     []string
	Refresh     bool
	RefreshOnly bool
	Destroy     bool
	Parallelism int
	// MaxDestroy is -max-destroy; negative means the configuration decides.
	MaxDestroy  int
	Lock        bool
	LockTimeout time.Duration
	// Vars are -var and -var-file in command-line order; later ones win.
	Vars []config.VarArg
	// Input is accepted for Terraform compatibility: steward never prompts
	// for variable values.
	Input bool
}

// varArgValue appends -var or -var-file arguments to one shared list, so
// that their relative order on the command line is kept.
type varArgValue struct {
	args *[]config.VarArg
	file bool
}

func (v *varArgValue) String() string { return "" }
func (v *varArgValue) Type() string {
	if v.file {
		return "FILE"
	}
	return "NAME=VALUE"
}

func (v *varArgValue) Set(s string) error {
	if v.file {
		*v.args = append(*v.args, config.VarArg{File: s})
		return nil
	}
	if !strings.Contains(s, "=") {
		return fmt.Errorf("%q is not of the form NAME=VALUE", s)
	}
	*v.args = append(*v.args, config.VarArg{Assignment: s})
	return nil
}

// addVarFlags registers -var and -var-file.
func addVarFlags(fs *pflag.FlagSet, vars *[]config.VarArg) {
	fs.Var(&varArgValue{args: vars}, "var", "Set a variable: -var NAME=VALUE (repeatable)")
	fs.Var(&varArgValue{args: vars, file: true}, "var-file", "Read variable values from an HCL file (repeatable)")
}

// addLockFlags registers -lock and -lock-timeout.
func addLockFlags(fs *pflag.FlagSet, lock *bool, timeout *time.Duration) {
	fs.BoolVar(lock, "lock", true, "Lock the state while running (-lock=false is dangerous if others share it)")
	fs.DurationVar(timeout, "lock-timeout", 0, "How long to wait for a state lock held by someone else, e.g. 30s")
}

// addPlanFlags registers the flags shared by plan, apply and destroy.
func addPlanFlags(fs *pflag.FlagSet, pf *PlanFlags, withDestroy bool) {
	fs.StringArrayVar(&pf.Targets, "target", nil, "Limit the plan to this resource and what it depends on (repeatable)")
	fs.BoolVar(&pf.Refresh, "refresh", true, "Discover the real state of managed objects first (-refresh=false skips it)")
	fs.BoolVar(&pf.RefreshOnly, "refresh-only", false, "Only update the state to match the real objects; change nothing")
	if withDestroy {
		fs.BoolVar(&pf.Destroy, "destroy", false, "Plan to destroy every object the state records")
	}
	fs.IntVar(&pf.Parallelism, "parallelism", 10, "How many operations to run at once")
	fs.IntVar(&pf.MaxDestroy, "max-destroy", -1, "Fail if the plan destroys more than this many objects (overrides max_destroy in the steward block)")
	fs.BoolVar(&pf.Input, "input", false, "Accepted for compatibility; steward never asks for variable values")
	addLockFlags(fs, &pf.Lock, &pf.LockTimeout)
	addVarFlags(fs, &pf.Vars)
}

// maxDestroy returns the -max-destroy override, or nil.
func (pf *PlanFlags) maxDestroy() *int {
	if pf.MaxDestroy < 0 {
		return nil
	}
	n := pf.MaxDestroy
	return &n
}

// validate checks flag combinations and parses targets.
func (pf *PlanFlags) validate() ([]addrs.Target, plan.Mode, error) {
	mode := plan.NormalMode
	switch {
	case pf.Destroy && pf.RefreshOnly:
		return nil, "", flagErrorf("-destroy and -refresh-only cannot be used together")
	case pf.Destroy:
		mode = plan.DestroyMode
	case pf.RefreshOnly:
		if !pf.Refresh {
			return nil, "", flagErrorf("-refresh-only and -refresh=false cannot be used together: a refresh-only plan is a refresh")
		}
		mode = plan.RefreshOnlyMode
	}
	if pf.Parallelism < 1 {
		return nil, "", flagErrorf("-parallelism must be at least 1, not %d", pf.Parallelism)
	}
	if pf.LockTimeout < 0 {
		return nil, "", flagErrorf("-lock-timeout cannot be negative")
	}
	targets, err := parseTargets(pf.Targets)
	return targets, mode, err
}

func parseTargets(in []string) ([]addrs.Target, error) {
	var out []addrs.Target
	for _, s := range in {
		t, err := addrs.ParseTarget(s)
		if err != nil {
			return nil, flagErrorf("-target: %s", err)
		}
		out = append(out, t)
	}
	return out, nil
}
