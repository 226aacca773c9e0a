// Package builtin is the "steward" provider that ships inside the engine.
// Its one resource type, steward_data, has the semantics of Terraform's
// terraform_data: it stores a value (input, echoed as output) and is
// replaced when triggers_replace changes. It touches no external system, so
// the engine can be used, tested and benchmarked on its own.
package builtin
