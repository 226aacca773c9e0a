// Package engine is the root of steward's core. It holds no code; this
// comment follows one `steward apply` through the packages below it, so
// that a newcomer can find any piece from its name.
//
//  1. internal/cli parses the command line and builds a Factory with the
//     provider registry. Nothing below it prints or reads the terminal.
//
//  2. engine/config loads every *.st.hcl file of the working directory and
//     of the local modules it calls into typed blocks (resources,
//     variables, locals, outputs, module calls, providers, import, moved and
//     check blocks). Expressions stay unevaluated. It also resolves variable
//     values from the variable files, -var, -var-file and STEWARD_VAR_*.
//
//  3. engine/state reads steward.state.json under a lock: lineage, serial,
//     and every object with secrets kept only as keyed hashes.
//
//  4. engine/eval builds the dependency graph of the configuration's blocks
//     (engine/graph, a generic DAG with cycle reports and a parallel walk)
//     and walks it. A provider node configures its provider and discovers
//     all of that provider's objects in one Discover call; a resource node
//     expands count and for_each, evaluates every instance's body against
//     the provider's schema (schema/), and asks the provider to plan all of
//     them in one PlanChanges call. The result is an engine/plan.Plan:
//     typed actions with before and after values, reasons for
//     replacements, and the drift discovery found.
//
//  5. internal/ui renders the plan for people (text, like Terraform's) and
//     machines (versioned JSON); engine/plan writes plan files, which
//     never contain a secret.
//
//  6. Apply (engine/eval again) walks the same graph. Each resource node
//     evaluates its instances with the values now known, checks that every
//     change matches the reviewed plan (a stale plan is refused), and hands
//     its changes to the provider. Changes whose values were all known at
//     plan time are staged, so a provider receives one batch for as much of
//     the apply as dependencies allow; a failure stops only what depends on
//     it. Everything done is recorded in the new state, which the CLI
//     writes atomically, keeping the previous one as a backup.
//
// providers/ defines the Provider interface the engine talks to, and
// providers/builtin the steward_data resource that needs no external
// system.
package engine
