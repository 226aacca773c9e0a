// Package backend turns the configuration's `steward { state "KIND" {...} }`
// block into the place state is kept: a Backend holding one or more
// workspaces, each a state.Store. "local" (the default) keeps files in the
// working directory; "postgres" keeps them in PostgreSQL (engine/state/pgstore).
package backend
