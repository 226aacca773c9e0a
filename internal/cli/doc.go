// Package cli is the steward command line: it parses arguments, calls the
// engine and hands results to internal/ui.
//
// Each command lives in its own file (plan.go, apply.go, state_mv.go, ...)
// with an Options struct, a NewCmdX(f, runF) constructor and a short run
// function: RunE only turns flags into Options, so tests can check flag
// handling by capturing the Options through runF without running anything.
// A Factory carries everything from outside the process (streams,
// environment, providers, clock, signals); Main builds the real one.
//
// Flags are accepted with one dash or two: normalizeArgs rewrites
// Terraform-style single-dash long flags before cobra parses them. The exit
// codes are the table in exitcode.go.
package cli
