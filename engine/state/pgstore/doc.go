// Package pgstore keeps steward state in PostgreSQL, for teams whose runs
// (CI and several laptops) must share one state without ever corrupting it.
//
// A Backend is one database schema; it holds any number of workspaces, each
// with its own Store. Every write is a new row (a version) committed only if
// the state it was based on is still the latest, and the last N versions are
// kept. A run's lock is a PostgreSQL advisory lock held on a connection of
// its own, so a run that dies for any reason, kill -9 included, releases it
// when the server notices the connection is gone. README.md beside this file
// describes the tables, the locking protocol and the hash key.
package pgstore
