package state

import (
	"context"
	"time"
)

// Version describes one stored version of a state, as a store that keeps
// several reports it.
type Version struct {
	Serial  uint64    `json:"serial"`
	Lineage string    `json:"lineage"`
	Created time.Time `json:"created"`
	// CreatedBy is who wrote it, as "user@host".
	CreatedBy string `json:"created_by"`
	// Size is the length of the stored document in bytes.
	Size int `json:"size"`
}

// VersionedStore is a Store that keeps earlier versions of the state.
type VersionedStore interface {
	Store
	// History lists the kept versions, newest first.
	History(ctx context.Context) ([]Version, error)
	// ReadVersion returns the stored document of one kept version exactly as
	// written (the format of Marshal), or an error naming the kept serials
	// when there is no such version.
	ReadVersion(ctx context.Context, serial uint64) ([]byte, error)
}

// ForceUnlocker is a Store whose lock can be broken by someone other than
// its holder, for a holder that is stuck rather than dead (a dead holder's
// lock is released by itself).
type ForceUnlocker interface {
	// ForceUnlock breaks the lock whose LockInfo.ID is id and returns the
	// holder it broke. It refuses when the current lock has another ID.
	ForceUnlock(ctx context.Context, id string) (*LockInfo, error)
	// LockHolder returns the current holder, or nil when the lock is free.
	LockHolder(ctx context.Context) (*LockInfo, error)
}

// KeyStore is a Store that keeps the hash key (see LoadOrCreateKey) beside
// the state, so that everyone sharing the state shares the key.
type KeyStore interface {
	// LoadOrCreateKey returns the stored key, creating it on first use.
	LoadOrCreateKey(ctx context.Context) ([]byte, error)
}
