// Package plan holds the Plan: the reviewed list of changes that apply
// carries out, with the drift discovered on the way, and the plan file
// format that carries a plan from `steward plan -out` to `steward apply`.
//
// A Plan is data. Producing one is the planner's job (engine/eval); carrying
// it out is engine/apply's; rendering it for a person is internal/ui's.
package plan
