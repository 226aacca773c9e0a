package providers

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
)

// Severity says whether a diagnostic stops the operation.
type Severity byte

const (
	// Error stops the operation for the object concerned.
	Error Severity = 'E'
	// Warning is shown to the user and the operation continues.
	Warning Severity = 'W'
)

// Diagnostic is a provider's message about an object or the whole request.
// Attribute, when set, points into the object so that the engine can show
// the configuration source it came from.
type Diagnostic struct {
	Severity  Severity
	Summary   string
	Detail    string
	Attribute cty.Path
}

// Diagnostics is a list of diagnostics.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Err returns the diagnostics' errors as one error, or nil.
func (ds Diagnostics) Err() error {
	var msg string
	n := 0
	for _, d := range ds {
		if d.Severity != Error {
			continue
		}
		if n > 0 {
			msg += "; "
		}
		msg += d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		n++
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%s", msg)
}

// Errorf builds an error diagnostic about the attribute at path (nil for the
// whole object).
func Errorf(path cty.Path, summary, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Error, Summary: summary, Detail: fmt.Sprintf(format, args...), Attribute: path}
}

// Warnf builds a warning diagnostic.
func Warnf(path cty.Path, summary, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Warning, Summary: summary, Detail: fmt.Sprintf(format, args...), Attribute: path}
}

// FromError turns an error into a diagnostic.
func FromError(summary string, err error) Diagnostic {
	return Diagnostic{Severity: Error, Summary: summary, Detail: err.Error()}
}
