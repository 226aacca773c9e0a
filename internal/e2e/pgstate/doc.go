// Package pgstate holds end-to-end tests of team state in PostgreSQL: the
// steward binary, built once per test binary, run as separate processes
// against a real PostgreSQL started by the test harness
// (internal/testenv/postgres), with steward_data resources so that no other
// system is needed. The package has no code of its own.
package pgstate
