package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/config"
)

// testFactory returns a Factory writing to buffers, with no interrupt
// handling and an empty environment.
func testFactory(t *testing.T) (*Factory, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	io, in, out, errOut := TestIO()
	f := &Factory{
		IO:       io,
		Registry: DefaultRegistry,
		Now:      func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) },
		Version:  "1.2.3-test",
		WorkDir:  t.TempDir(),
		Exit:     func(code int) { t.Fatalf("unexpected exit %d", code) },
	}
	return f, in, out, errOut
}

// runCmd parses args for cmd the way Run does and executes it.
func runCmd(t *testing.T, f *Factory, cmd *cobra.Command, args ...string) error {
	t.Helper()
	vf := valueFlags(cmd)
	cmd.SetArgs(normalizeArgs(args, func(n string) bool { return vf[n] }))
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
	return cmd.ExecuteContext(context.Background())
}

func TestNewCmdPlanOptions(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(t *testing.T, o *PlanOptions)
		wantErr string
	}{
		{
			name: "defaults",
			check: func(t *testing.T, o *PlanOptions) {
				if !o.Refresh || !o.Lock || o.Parallelism != 10 || o.Out != "" || o.JSON || o.DetailedExitCode || o.LockTimeout != 0 || o.maxDestroy() != nil {
					t.Errorf("unexpected defaults: %+v", o)
				}
			},
		},
		{
			name: "terraform style",
			args: []string{"-out=p.bin", "-json", "-detailed-exitcode", "-target=steward_data.a", "-target", "module.m", "-refresh=false", "-parallelism=3", "-lock-timeout=1s", "-var", "a=1", "-var-file=x.vars.hcl", "-var=b=2", "-input=false", "--max-destroy", "0"},
			check: func(t *testing.T, o *PlanOptions) {
				if o.Out != "p.bin" || !o.JSON || !o.DetailedExitCode || o.Refresh || o.Parallelism != 3 || o.LockTimeout != time.Second || o.maxDestroy() == nil || *o.maxDestroy() != 0 {
					t.Errorf("flags not parsed: %+v", o)
				}
				if want := []string{"steward_data.a", "module.m"}; !reflect.DeepEqual(o.Targets, want) {
					t.Errorf("targets = %q, want %q", o.Targets, want)
				}
				want := []config.VarArg{{Assignment: "a=1"}, {File: "x.vars.hcl"}, {Assignment: "b=2"}}
				if !reflect.DeepEqual(o.Vars, want) {
					t.Errorf("vars = %+v, want %+v (order matters)", o.Vars, want)
				}
			},
		},
		{
			name: "double dash style",
			args: []string{"--out", "p.bin", "--var", "x=[1, 2]", "--destroy"},
			check: func(t *testing.T, o *PlanOptions) {
				if o.Out != "p.bin" || !o.Destroy || len(o.Vars) != 1 || o.Vars[0].Assignment != "x=[1, 2]" {
					t.Errorf("flags not parsed: %+v", o)
				}
			},
		},
		{name: "destroy and refresh-only", args: []string{"-destroy", "-refresh-only"}, wantErr: "cannot be used together"},
		{name: "bad target", args: []string{"-target=not an address"}, wantErr: "-target"},
		{name: "bad var", args: []string{"-var=novalue"}, wantErr: "NAME=VALUE"},
		{name: "bad parallelism", args: []string{"-parallelism=0"}, wantErr: "at least 1"},
		{name: "positional", args: []string{"extra"}, wantErr: "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _, _ := testFactory(t)
			var got *PlanOptions
			cmd := NewCmdPlan(f, func(o *PlanOptions) error { got = o; return nil })
			err := runCmd(t, f, cmd, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				var fe *FlagError
				if !errors.As(err, &fe) {
					t.Errorf("error %v is not a FlagError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func TestNewCmdApplyOptions(t *testing.T) {
	tests := []struct {
		name    string
		destroy bool
		args    []string
		check   func(t *testing.T, o *ApplyOptions)
		wantErr string
	}{
		{
			name: "plan file and auto-approve",
			args: []string{"-auto-approve", "saved.plan"},
			check: func(t *testing.T, o *ApplyOptions) {
				if !o.AutoApprove || o.PlanFile != "saved.plan" || o.Destroy {
					t.Errorf("unexpected options: %+v", o)
				}
			},
		},
		{
			name: "planning flags",
			args: []string{"--auto-approve", "-target=steward_data.a", "-var=x=1", "-lock=false", "-parallelism", "2"},
			check: func(t *testing.T, o *ApplyOptions) {
				if !o.AutoApprove || o.Lock || o.Parallelism != 2 || len(o.Targets) != 1 || len(o.Vars) != 1 {
					t.Errorf("unexpected options: %+v", o)
				}
			},
		},
		{name: "plan file with target", args: []string{"p.bin", "-target=steward_data.a"}, wantErr: "saved plan"},
		{name: "plan file with destroy", args: []string{"-destroy", "p.bin"}, wantErr: "saved plan"},
		{name: "two plan files", args: []string{"a", "b"}, wantErr: "at most 1"},
		{
			name:    "destroy command",
			destroy: true,
			args:    []string{"-auto-approve", "-var-file=v.vars.hcl"},
			check: func(t *testing.T, o *ApplyOptions) {
				if !o.Destroy || !o.AutoApprove || len(o.Vars) != 1 || o.Vars[0].File != "v.vars.hcl" {
					t.Errorf("unexpected options: %+v", o)
				}
			},
		},
		{name: "destroy has no -destroy", destroy: true, args: []string{"-destroy"}, wantErr: "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _, _ := testFactory(t)
			var got *ApplyOptions
			runF := func(o *ApplyOptions) error { got = o; return nil }
			cmd := NewCmdApply(f, runF)
			if tt.destroy {
				cmd = NewCmdDestroy(f, runF)
			}
			err := runCmd(t, f, cmd, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func TestApplyRefusesWithoutTerminal(t *testing.T) {
	f, _, _, _ := testFactory(t)
	err := runCmd(t, f, NewCmdApply(f, nil))
	if err == nil || !strings.Contains(err.Error(), "not a terminal") {
		t.Fatalf("error = %v, want a refusal to wait for approval", err)
	}
}

func TestRunExitCodes(t *testing.T) {
	f, _, out, errOut := testFactory(t)
	if code := Run(f, []string{"version"}); code != ExitOK || !strings.Contains(out.String(), "steward v1.2.3-test") {
		t.Errorf("version: code %d, output %q", code, out.String())
	}
	if code := Run(f, []string{"nosuchcommand"}); code != ExitError || !strings.Contains(errOut.String(), "unknown command") {
		t.Errorf("unknown command: code %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := Run(f, []string{"plan", "-no-such-flag"}); code != ExitError || !strings.Contains(errOut.String(), "--help") {
		t.Errorf("unknown flag: code %d, stderr %q", code, errOut.String())
	}
	if got := exitCode(&SilentError{Code: ExitChanges}); got != ExitChanges {
		t.Errorf("exitCode(SilentError{2}) = %d", got)
	}
}

func TestInterrupts(t *testing.T) {
	f, _, _, errOut := testFactory(t)
	sigs := make(chan os.Signal, 2)
	exited := make(chan int, 1)
	f.Interrupts = func() (<-chan os.Signal, func()) { return sigs, func() {} }
	f.Exit = func(code int) { exited <- code }
	ctx, cancel := context.WithCancel(context.Background())
	stop := watchInterrupts(f, cancel)
	defer stop()

	sigs <- os.Interrupt
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the first interrupt did not cancel the run")
	}
	select {
	case code := <-exited:
		t.Fatalf("exited with %d after one interrupt", code)
	case <-time.After(50 * time.Millisecond):
	}
	sigs <- os.Interrupt
	select {
	case code := <-exited:
		if code != ExitError {
			t.Errorf("exit code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second interrupt did not exit")
	}
	if !strings.Contains(errOut.String(), "Interrupt received") {
		t.Errorf("stderr = %q", errOut.String())
	}
}
