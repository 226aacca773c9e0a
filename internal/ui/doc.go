// Package ui renders plans, states, outputs and diagnostics for the people
// who review them and for the programs that consume them, and the unified
// diffs of `fmt -diff`. The CLI decides what to render; everything it prints
// about the infrastructure is laid out here.
//
// Text output follows Terraform's plan layout closely on purpose: reviewers
// who already read Terraform plans every day should not have to learn a new
// notation. JSON output is a documented, versioned contract (PLAN-JSON.md and
// plan.schema.json beside this file) shaped like `terraform show -json`.
// A state (stateview.go) is shown as the HCL a person could have written,
// with the plan's quoting, numbers and heredocs, and in JSON with the plan's
// value encoding.
//
// Every renderer here treats values marked schema.Sensitive as unprintable:
// they are replaced by "(sensitive value)" in text ("<sensitive>" for a
// sensitive output) and by null (with a parallel *_sensitive flag) in JSON,
// at whatever depth the mark sits.
//
// Whether to use colour is the caller's decision (the CLI knows whether it
// writes to a terminal); this package only honours what it is told, plus the
// NO_COLOR convention through ColorAllowed.
package ui
