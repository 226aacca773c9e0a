// Package pluginsource finds the binary behind a required_providers entry.
//
// Lookup, in order:
//
//  1. source = "steward:NAME": the built-in provider NAME, run out of
//     process as `steward provider serve NAME` (steward's own executable).
//  2. source = a path (relative to the working directory, or absolute):
//     that binary, or, when the path is a directory, the file
//     steward-provider-NAME inside it.
//  3. no source, and NAME is built in: the built-in provider, in process.
//  4. no source otherwise: steward-provider-NAME in each directory of
//     STEWARD_PLUGIN_DIR (a list like PATH), then in .steward/plugins of the
//     working directory.
package pluginsource
