// Package eval evaluates a configuration against the state and the
// providers: it builds the dependency graph of the configuration's blocks,
// walks it in parallel, and either produces a Plan (Planner) or carries one
// out (Applier).
//
// Both walks share one graph builder and one evaluator, so that what plan
// predicts and what apply does can never diverge by construction. Nodes are
// configuration blocks, not instances: a resource with count = 10000 is one
// node whose instances are evaluated together and handed to the provider in
// one batch, which keeps the cost of a plan linear in the number of
// instances.
package eval
