package cli

import (
	"errors"
	"fmt"
)

// Exit codes are part of the contract with scripts and CI systems: they never
// change meaning. ExitCodes lists them for `steward --help`.
const (
	// ExitOK means the command did what was asked.
	ExitOK = 0
	// ExitError means the command failed; the reason was printed.
	ExitError = 1
	// ExitChanges is returned by `plan -detailed-exitcode` when planning
	// succeeded and the plan has changes.
	ExitChanges = 2
	// ExitNoRepository is returned by `steward backup` commands when there
	// is no repository at the location given (restic uses the same code).
	ExitNoRepository = 10
	// ExitRepositoryLocked is returned by `steward backup` commands when
	// another process holds a conflicting lock on the repository.
	ExitRepositoryLocked = 11
	// ExitWrongPassword is returned by `steward backup` commands when the
	// password opens none of the repository's keys.
	ExitWrongPassword = 12
)

// ExitCodes documents each exit code, in order.
var ExitCodes = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "success (with plan -detailed-exitcode: success, no changes)"},
	{ExitError, "error; the reason is printed on standard error"},
	{ExitChanges, "plan -detailed-exitcode only: success, and the plan has changes"},
	{ExitNoRepository, "backup commands: there is no repository at the location given"},
	{ExitRepositoryLocked, "backup commands: the repository is locked by another process"},
	{ExitWrongPassword, "backup commands: the password does not open the repository"},
}

// FlagError is a problem with the command line. Main prints it with a pointer
// to the command's --help.
type FlagError struct{ Err error }

// Error returns the problem's description.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

// flagErrorf builds a FlagError.
func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// SilentError ends the run with Code after the command has already told the
// user everything (rendered diagnostics, or a plan with changes under
// -detailed-exitcode); Main prints nothing more.
type SilentError struct{ Code int }

// Error names the exit status; Main never prints it.
func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// errSilent is a SilentError for a failure already reported.
var errSilent = &SilentError{Code: ExitError}

// exitCode maps the error a command returned to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *SilentError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ce *CodedError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ExitError
}

// CodedError is a failure that is printed like any other and ends the run
// with Code instead of ExitError.
type CodedError struct {
	Code int
	Err  error
}

// Error returns the underlying error's message.
func (e *CodedError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *CodedError) Unwrap() error { return e.Err }
