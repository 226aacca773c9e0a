// Package examples holds no code: its tests plan and apply every example
// configuration in this directory against the built-in lab, the way a user
// following the example's README would, and check that a second plan has
// no changes.
package examples
