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

	store  *state.LocalStore
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
	if s := cfg.Root.Settings; s != nil && s.State != nil && s.State.Kind != "local" {
		return nil, fmt.Errorf("the state storage %q set in the steward block is not available in this build of steward; only the local file %s is", s.State.Kind, StateFile)
	}
	reg, err := f.registryFor(cfg)
	if err != nil {
		return nil, err
	}
	op.registry = reg
	key, err := state.LoadOrCreateKey(f.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("loading the state hash key: %w", err)
	}
	op.key = key
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

// openState locks (unless told not to) and reads the state. The caller must
// call op.close.
func (op *operation) openState(ctx context.Context, operation string, lo lockOptions) error {
	op.store = state.NewLocalStore(op.f.StatePath())
	if lo.Lock {
		u, err := op.store.Lock(ctx, state.LockInfo{Operation: operation, Version: op.f.Version, Created: op.f.Now().UTC().Truncate(time.Second)}, lo.LockTimeout)
		if err != nil {
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
	return nil
}

// close releases the state lock, if held. An unlock failure is worth
// telling the user about, since the next run may then find the lock taken,
// but it does not change whether this run succeeded.
func (op *operation) close() {
	if op.unlock == nil {
		return
	}
	if err := op.unlock.Unlock(); err != nil {
		fmt.Fprintf(op.f.IO.ErrOut, "Warning: releasing the state lock failed: %s\n", err)
	}
	op.unlock = nil
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
	return fmt.Errorf("acquiring the state lock: %s.\n%s. Another steward run is using this state; wait for it to finish, then try again", le.Error(), wait)
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
			return fmt.Errorf("saving the state failed: %w.\nThe new state, which records what was just done, was written to %s instead. Fix the problem, then move that file to %s", err, rescue, op.store.Path())
		}
	}
	return fmt.Errorf("saving the state failed, and so did saving a copy: %w. What this run did is not recorded; run `steward plan` to see where things stand", err)
}
