// Package backup is steward's backup provider: backup_repository creates
// (initialises) encrypted, deduplicated repositories, and backup_policy
// stores backup policies in them, so that `steward backup run` and a
// restore on another machine need nothing but the repository and its
// password. The repository format and the machinery that backs up,
// restores, checks and prunes live in the subpackages; this package is the
// provider and the policy document.
//
// # Passwords
//
// A repository's password is found, for every operation, in this order:
//
//  1. the backup_repository resource's own password, while it is being
//     created or updated, and for the rest of that apply for the policies
//     stored in it;
//  2. the provider block's password;
//  3. STEWARD_BACKUP_PASSWORD in the environment.
//
// Discovery only has the state, which keeps a keyed hash of a resource's
// password and never the password: reading the policies of a repository
// during a plan therefore needs 2 or 3. Without them the plan warns that the
// policies were not compared with the repository (changes made there
// outside steward go unseen) and changing a policy fails, saying why. A
// repository whose resource sets a different password than the provider's
// needs that password in the provider block (or a provider alias) too.
// Passwords are never logged and never put in diagnostics.
//
// # What is never deleted
//
// Destroying a backup_repository forgets it from the state and warns: the
// repository and its backups stay where they are. Changing its location
// replaces it the same way, so the old repository is kept too. Applying a
// backup_policy, or destroying one, never deletes snapshots: only `steward
// backup forget` forgets snapshots (and `steward backup run` for a policy
// with prune = true), and only prune deletes data.
//
// # Batching
//
// Discover probes each repository once and reads each repository's policies
// once, whatever the number of resources; Apply opens each repository once
// per batch.
package backup
