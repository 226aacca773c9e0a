package repository

import (
	"errors"
	"fmt"
	"time"

	"github.com/stewardhq/steward/providers/backup/blob"
)

// Sentinel errors callers map to messages and exit codes (match with errors.Is).
var (
	// ErrWrongPassword: no key file opens with the given password.
	ErrWrongPassword = errors.New("wrong password or no key found for it")
	// ErrNoRepository: the location has no repository config.
	ErrNoRepository = errors.New("no repository at this location")
	// ErrRepositoryExists: Init found a repository already there.
	ErrRepositoryExists = errors.New("a repository already exists at this location")
	// ErrLastKey: RemoveKey would leave the repository without any key.
	ErrLastKey = errors.New("refusing to remove the repository's last key")
	// ErrKeyInUse: RemoveKey was asked to remove the key that opened the repository.
	ErrKeyInUse = errors.New("refusing to remove the key this repository was opened with")
	// ErrKeyNotFound: no key file matches the given id or prefix.
	ErrKeyNotFound = errors.New("key not found")
	// ErrSnapshotNotFound: no snapshot matches the reference and filter.
	ErrSnapshotNotFound = errors.New("snapshot not found")
	// ErrAmbiguousRef: an id prefix matches several snapshots or keys.
	ErrAmbiguousRef = errors.New("id prefix is ambiguous")
	// ErrPolicyNotFound: no policy document has the name.
	ErrPolicyNotFound = errors.New("policy not found")
	// ErrBlobNotFound: the index has no entry for the blob.
	ErrBlobNotFound = errors.New("blob not in index")
	// ErrDamaged is matched by every DamagedBlobError.
	ErrDamaged = errors.New("damaged data")
	// ErrLocked is matched by every LockedError.
	ErrLocked = errors.New("repository is locked")
)

// DamagedBlobError reports a blob whose stored bytes do not decrypt,
// decompress or hash back to its id, or whose pack is missing or short.
// Restoring code reports the affected file and continues with the others.
type DamagedBlobError struct {
	Blob blob.Handle
	Pack blob.ID
	Err  error
}

// Error names the blob, its pack and the cause.
func (e *DamagedBlobError) Error() string {
	return fmt.Sprintf("%s blob %s in pack %s is damaged: %v", e.Blob.Type, e.Blob.ID, e.Pack, e.Err)
}

// Unwrap lets errors.Is match ErrDamaged and the cause.
func (e *DamagedBlobError) Unwrap() []error { return []error{ErrDamaged, e.Err} }

// LockedError says who holds the lock that conflicts with the one requested.
type LockedError struct {
	Holder LockInfo
}

// Error names the lock holder and when it last refreshed the lock.
func (e *LockedError) Error() string {
	kind := "a shared"
	if e.Holder.Exclusive {
		kind = "an exclusive"
	}
	return fmt.Sprintf("repository is locked: %s lock is held by PID %d on %s (user %s), taken %s, refreshed %s ago (lock %s)",
		kind, e.Holder.PID, e.Holder.Hostname, e.Holder.Username,
		e.Holder.Created.UTC().Format(time.RFC3339), time.Since(e.Holder.Time).Round(time.Second), e.Holder.ID)
}

// Unwrap lets errors.Is match ErrLocked.
func (e *LockedError) Unwrap() error { return ErrLocked }
