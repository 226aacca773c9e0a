// Package mem is an in-memory backend.Backend for tests: fast, isolated,
// and easy to corrupt on purpose through Get, Put and Clone. It passes the
// backendtest conformance suite.
package mem
