package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/eval"
	"github.com/stewardhq/steward/engine/state"
	"github.com/stewardhq/steward/providers"
)

// operation is one run against the working directory: the loaded
// configuration and variables, the hash key and, for commands that change
// or depend on state, the locked state store.
type operation struct {
	f      *Factory
	loader *config.Loader
	cfg    *config.Config
	vars   map[string]cty.Value
	key    []byte
	// registry holds the built-in providers and the configuration's plugins.
	registry *providers.Registry

	target *stateTarget
	store  state.Store
	unlock state.Unlocker
	prior  *state.State

	// diags collects warnings to show once the command's main output is out.
	diags hcl.Diagnostics
}

// lockOptions are the flags that control state locking.
type lockOptions struct {
	Lock        bool
	LockTimeout time.Duration
}

// loadConfig loads the configuration and resolves the variables. Errors are
// rendered here and reported as errSilent.
func (f *Factory) loadConfig(vars []config.VarArg) (*operation, error) {
	op := &operation{f: f, loader: config.NewLoader()}
	cfg, diags := op.loader.Load(f.WorkDir)
	op.cfg = cfg
	op.diags = append(op.diags, diags...)
	if diags.HasErrors() {
		return nil, op.fail()
	}
	vals, vdiags := op.loader.ResolveVariables(cfg.Root, config.VariableInputs{Dir: f.WorkDir, Args: vars, Environ: f.Environ})
	op.vars = vals
	op.diags = append(op.diags, vdiags...)
	if vdiags.HasErrors() {
		return nil, op.fail()
	}
	reg, err := f.registryFor(cfg)
	if err != nil {
		return nil, err
	}
	op.registry = reg
	return op, nil
}

// fail shows the collected diagnostics and returns errSilent.
func (op *operation) fail() error {
	op.showDiags()
	return errSilent
}

// showDiags shows and forgets the collected diagnostics.
func (op *operation) showDiags() {
	op.f.showDiags(op.diags, op.files())
	op.diags = nil
}

func (op *operation) files() map[string]*hcl.File {
	if op.loader == nil {
		return nil
	}
	return op.loader.Files()
}

// openState finds the state the configuration names (see
// openStateTarget), locks it (unless told not to), reads it and loads the
// hash key. The caller must call op.close.
func (op *operation) openState(ctx context.Context, operation string, lo lockOptions) error {
	t, err := op.f.openStateTarget(ctx, op.cfg, op.files())
	if err != nil {
		return err
	}
	op.target, op.store = t, t.store
	if lo.Lock {
		u, err := op.store.Lock(ctx, state.LockInfo{Operation: operation, Version: op.f.Version, Created: op.f.Now().UTC().Truncate(time.Second)}, lo.LockTimeout)
		if err != nil {
			op.close()
			return lockError(err, lo.LockTimeout)
		}
		op.unlock = u
	}
	st, err := op.store.Read(ctx)
	if err != nil {
		op.close()
		return err
	}
	op.prior = st
	if op.cfg != nil {
		key, err := op.f.loadStateKey(ctx, op.store)
		if err != nil {
			op.close()
			return fmt.Errorf("loading the state hash key: %w", err)
		}
		op.key = key
	}
	return nil
}

// close releases the state lock, if held. An unlock failure is worth
// telling the user about, since the next run may then find the lock taken,
// but it does not change whether this run succeeded.
func (op *operation) close() {
	if op.unlock != nil {
		if err := op.unlock.Unlock(); err != nil {
			fmt.Fprintf(op.f.IO.ErrOut, "Warning: releasing the state lock failed: %s\n", err)
		}
		op.unlock = nil
	}
	op.target.close()
	op.target = nil
}

func lockError(err error, timeout time.Duration) error {
	var le *state.LockedError
	if !errors.As(err, &le) {
		return fmt.Errorf("acquiring the state lock: %w", err)
	}
	wait := "steward tried once (use -lock-timeout=DURATION to wait)"
	if timeout > 0 {
		wait = fmt.Sprintf("steward waited %s (-lock-timeout)", timeout)
	}
	id := ""
	if le.Info != nil && le.Info.ID != "" {
		id = fmt.Sprintf("\nLock ID: %s. Only if that run is dead or stuck (a run that ended releases its lock by itself): steward force-unlock %s", le.Info.ID, le.Info.ID)
	}
	return fmt.Errorf("acquiring the state lock: %s.\n%s. Another steward run is using this state; wait for it to finish, then try again%s", le.Error(), wait, id)
}

// evalOptions are the engine inputs of this operation.
func (op *operation) evalOptions(hooks eval.Hooks, parallelism int) eval.Options {
	return eval.Options{
		Config:      op.cfg,
		Registry:    op.registry,
		State:       op.prior,
		Variables:   op.vars,
		HashKey:     op.key,
		Parallelism: parallelism,
		Hooks:       hooks,
		Version:     op.f.Version,
	}
}

// persist writes the state an apply (or a state command) produced: same
// lineage, the serial one past the state it started from. A state whose
// content did not change is not rewritten, so the serial counts real
// changes. If the write fails, the state is saved beside the configuration
// instead, because it is the only record of what was just done.
func (op *operation) persist(ctx context.Context, next *state.State) error {
	if next == nil {
		return nil
	}
	if op.prior != nil {
		if next.Equal(op.prior) {
			return nil
		}
		next.Lineage = op.prior.Lineage
		next.Serial = op.prior.Serial + 1
	} else {
		if len(next.Resources) == 0 && len(next.Outputs) == 0 {
			return nil
		}
		next.Serial = 1
	}
	next.StewardVersion = op.f.Version
	err := op.store.Write(ctx, next)
	if err == nil {
		op.prior = next
		return nil
	}
	// The context may be cancelled by now (Ctrl-C during apply); the state
	// must still be saved.
	if errors.Is(err, context.Canceled) {
		if err = op.store.Write(context.Background(), next); err == nil {
			op.prior = next
			return nil
		}
	}
	rescue := op.f.Path("steward.state.errored.json")
	if data, merr := state.Marshal(next); merr == nil {
		if werr := os.WriteFile(rescue, data, 0o600); werr == nil {
			return fmt.Errorf("saving the state failed: %w.\nThe new state, which records what was just done, was written to %s instead. Fix the problem, then store it in %s (steward state migrate -from-file=%s)", err, rescue, op.target.describe(), rescue)
		}
	}
	return fmt.Errorf("saving the state failed, and so did saving a copy: %w. What this run did is not recorded; run `steward plan` to see where things stand", err)
}
