package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"

	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stewardhq/steward/engine/state"
)

// Store is the state of one workspace of a Backend.
type Store struct {
	b         *Backend
	workspace string

	mu   sync.Mutex
	held *lock // the lock this Store took, if any
}

var (
	_ state.Store          = (*Store)(nil)
	_ state.VersionedStore = (*Store)(nil)
	_ state.ForceUnlocker  = (*Store)(nil)
	_ state.KeyStore       = (*Store)(nil)
)

// Workspace returns the workspace's name.
func (s *Store) Workspace() string { return s.workspace }

// String describes the store for messages, without the password.
func (s *Store) String() string { return s.b.describe(s.workspace) }

// Read returns the latest state of the workspace, or (nil, nil) if it has
// none.
func (s *Store) Read(ctx context.Context) (*state.State, error) {
	db, err := s.b.db(ctx)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = db.QueryRow(ctx, "SELECT data FROM "+s.b.schema+".states WHERE workspace = $1 ORDER BY serial DESC LIMIT 1", s.workspace).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.b.wrap(err, "reading state from "+s.String())
	}
	st, err := state.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("the latest state of %s cannot be read: %w (earlier versions: steward state history)", s.String(), err)
	}
	return st, nil
}

// Write stores st as a new version (see state.Store for when it refuses).
// The check and the insert are one transaction that first locks the
// workspace's row, so two writers based on the same version can never both
// succeed, with or without the run lock. When this Store holds the run
// lock, the transaction also checks that the lock is still held: if its
// connection died (the server restarted, or someone ran force-unlock),
// another run may be working on the state and this write is refused.
func (s *Store) Write(ctx context.Context, st *state.State) error {
	if st == nil {
		return fmt.Errorf("writing state to %s: state is nil", s.String())
	}
	if !ValidName(s.workspace) {
		return fmt.Errorf("%q is not a valid workspace name", s.workspace)
	}
	norm, data, err := s.marshal(st)
	if err != nil {
		return err
	}
	schema := s.b.schema
	err = s.inWorkspaceTx(ctx, func(tx pgx.Tx) error {
		var prevData []byte
		err := tx.QueryRow(ctx, "SELECT data FROM "+schema+".states WHERE workspace = $1 ORDER BY serial DESC LIMIT 1", s.workspace).Scan(&prevData)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		default:
			prev, err := state.Unmarshal(prevData)
			if err != nil {
				return fmt.Errorf("refusing to write over a stored state that cannot be read: %w", err)
			}
			if prev.Lineage != norm.Lineage {
				return &state.LineageError{Path: s.String(), Stored: prev.Lineage, Given: norm.Lineage}
			}
			if norm.Serial <= prev.Serial {
				if norm.Equal(prev) {
					return errUnchanged
				}
				return &state.StaleSerialError{Path: s.String(), Stored: prev.Serial, Given: norm.Serial}
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+schema+".states (workspace, serial, lineage, data, created_by) VALUES ($1, $2, $3, $4, $5)",
			s.workspace, int64(norm.Serial), norm.Lineage, data, s.b.cfg.Who); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23505" {
				// Unreachable while the row lock above holds; kept so a
				// change there cannot turn into a lost update.
				return &state.StaleSerialError{Path: s.String(), Stored: norm.Serial, Given: norm.Serial}
			}
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM `+schema+`.states WHERE workspace = $1 AND serial NOT IN (
			SELECT serial FROM `+schema+`.states WHERE workspace = $1 ORDER BY serial DESC LIMIT $2)`, s.workspace, s.b.cfg.KeepVersions)
		return err
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return s.b.wrap(err, "writing state to "+s.String())
}

// marshal is st as stored: sorted, in the local state file's JSON.
func (s *Store) marshal(st *state.State) (*state.State, []byte, error) {
	norm := st.DeepCopy()
	norm.Sort()
	data, err := state.Marshal(norm)
	if err != nil {
		return nil, nil, fmt.Errorf("writing state to %s: %w", s.String(), err)
	}
	return norm, data, nil
}

// inWorkspaceTx runs fn in a transaction holding the workspace's row lock
// (created if new), after checking that the run lock this Store took, if
// any, is still held: every write of a version goes through it, so two
// writers are serialised and none writes after losing its lock.
func (s *Store) inWorkspaceTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	db, err := s.b.db(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	held := s.held
	s.mu.Unlock()
	schema := s.b.schema
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO "+schema+".workspaces (name) VALUES ($1) ON CONFLICT DO NOTHING", s.workspace); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM "+schema+".workspaces WHERE name = $1 FOR UPDATE", s.workspace); err != nil {
			return err
		}
		if held != nil {
			if err := held.stillHeld(ctx, tx); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

// errUnchanged ends a write transaction that has nothing to do.
var errUnchanged = errors.New("state unchanged")

// History lists the kept versions, newest first.
func (s *Store) History(ctx context.Context) ([]state.Version, error) {
	db, err := s.b.db(ctx)
	if err != nil {
		return nil, err
	}
	rows, _ := db.Query(ctx, "SELECT serial, lineage, created_at, created_by, length(data) FROM "+s.b.schema+".states WHERE workspace = $1 ORDER BY serial DESC", s.workspace)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (state.Version, error) {
		var v state.Version
		var serial int64
		err := r.Scan(&serial, &v.Lineage, &v.Created, &v.CreatedBy, &v.Size)
		v.Serial = uint64(serial)
		v.Created = v.Created.UTC()
		return v, err
	})
	return out, s.b.wrap(err, "reading the history of "+s.String())
}

// ReadVersion returns one kept version's document.
func (s *Store) ReadVersion(ctx context.Context, serial uint64) ([]byte, error) {
	db, err := s.b.db(ctx)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = db.QueryRow(ctx, "SELECT data FROM "+s.b.schema+".states WHERE workspace = $1 AND serial = $2", s.workspace, int64(serial)).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		hist, herr := s.History(ctx)
		if herr != nil {
			return nil, herr
		}
		kept := make([]string, len(hist))
		for i, v := range hist {
			kept[i] = fmt.Sprint(v.Serial)
		}
		if len(kept) == 0 {
			return nil, fmt.Errorf("%s has no state", s.String())
		}
		return nil, fmt.Errorf("%s keeps no version with serial %d; kept: %s", s.String(), serial, strings.Join(kept, ", "))
	}
	if err != nil {
		return nil, s.b.wrap(err, "reading a version of "+s.String())
	}
	return data, nil
}

// LoadOrCreateKey is the Backend's key.
func (s *Store) LoadOrCreateKey(ctx context.Context) ([]byte, error) {
	return s.b.LoadOrCreateKey(ctx)
}

// Lock backoff bounds, as for the local store.
const (
	minLockRetry = 50 * time.Millisecond
	maxLockRetry = time.Second
)

// Lock takes the workspace's advisory lock on a new connection of its own
// and keeps that connection open until Unlock. The server releases the lock
// when the connection ends, which it notices at once when the holder's
// process dies (its socket closes), so a crashed run never leaves the state
// locked. The holder's LockInfo goes to the locks table for waiters to
// report; a row whose backend no longer holds the lock is stale and is
// ignored, then replaced by the next holder.
func (s *Store) Lock(ctx context.Context, info state.LockInfo, timeout time.Duration) (state.Unlocker, error) {
	info = info.WithDefaults()
	if _, err := s.b.db(ctx); err != nil {
		return nil, err
	}
	cc := s.b.poolCfg.ConnConfig.Copy()
	// A holder whose machine vanishes without closing its socket (a laptop
	// lid shut, a network gone) would otherwise keep the lock for the
	// kernel's default two hours; with these the server gives up on it in
	// about a minute.
	cc.RuntimeParams["tcp_keepalives_idle"] = "30"
	cc.RuntimeParams["tcp_keepalives_interval"] = "10"
	cc.RuntimeParams["tcp_keepalives_count"] = "3"
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, s.b.wrap(err, "connecting to PostgreSQL for the state lock")
	}
	k1, k2 := s.b.lockKey(s.workspace)
	deadline := time.Now().Add(max(timeout, 0))
	delay := minLockRetry
	for {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", k1, k2).Scan(&ok); err != nil {
			conn.Close(context.Background())
			if ctx.Err() != nil {
				return nil, &state.LockedError{Path: s.String(), Info: s.holder(context.Background()), Err: ctx.Err()}
			}
			return nil, s.b.wrap(err, "taking the state lock of "+s.String())
		}
		if ok {
			break
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			conn.Close(context.Background())
			return nil, &state.LockedError{Path: s.String(), Info: s.holder(ctx)}
		}
		timer := time.NewTimer(min(delay/2+mrand.N(delay/2+1), remaining))
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			conn.Close(context.Background())
			return nil, &state.LockedError{Path: s.String(), Info: s.holder(context.Background()), Err: ctx.Err()}
		}
		delay = min(delay*2, maxLockRetry)
	}
	l := &lock{store: s, conn: conn, id: info.ID, k1: k1, k2: k2, pid: conn.PgConn().PID()}
	raw, _ := json.Marshal(info)
	if _, err := conn.Exec(ctx, `INSERT INTO `+s.b.schema+`.locks (workspace, id, info, backend_pid) VALUES ($1, $2, $3, pg_backend_pid())
		ON CONFLICT (workspace) DO UPDATE SET id = EXCLUDED.id, info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid`,
		s.workspace, info.ID, raw); err != nil {
		_ = l.Unlock()
		return nil, s.b.wrap(err, "recording the state lock's holder")
	}
	s.mu.Lock()
	s.held = l
	s.mu.Unlock()
	return l, nil
}

// holderQuery finds the recorded holder whose backend really holds the
// workspace's advisory lock in this database.
const holderQuery = `SELECT l.info FROM %s.locks l WHERE l.workspace = $1 AND EXISTS (
	SELECT 1 FROM pg_locks p WHERE p.locktype = 'advisory' AND p.granted
	AND p.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND p.classid::bigint = $2 AND p.objid::bigint = $3 AND p.objsubid = 2 AND p.pid = l.backend_pid)`

// holder returns the current holder's LockInfo, or nil if unknown.
func (s *Store) holder(ctx context.Context) *state.LockInfo {
	info, _ := s.LockHolder(ctx)
	return info
}

// LockHolder returns the holder of the workspace's lock, or nil when no
// live holder is recorded.
func (s *Store) LockHolder(ctx context.Context) (*state.LockInfo, error) {
	db, err := s.b.db(ctx)
	if err != nil {
		return nil, err
	}
	k1, k2 := s.b.lockKey(s.workspace)
	var raw []byte
	err = db.QueryRow(ctx, fmt.Sprintf(holderQuery, s.b.schema), s.workspace, int64(k1), int64(k2)).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.b.wrap(err, "reading the state lock's holder")
	}
	var info state.LockInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("the recorded lock holder of %s is not readable: %w", s.String(), err)
	}
	return &info, nil
}

// ForceUnlock ends the session that holds the workspace's lock, if the
// lock's ID is id. Ending the session is the only way to take an advisory
// lock from its holder; the holder's next statement then fails, and its
// final write is refused because it no longer holds the lock.
func (s *Store) ForceUnlock(ctx context.Context, id string) (*state.LockInfo, error) {
	db, err := s.b.db(ctx)
	if err != nil {
		return nil, err
	}
	k1, k2 := s.b.lockKey(s.workspace)
	info, err := s.LockHolder(ctx)
	if err != nil {
		return nil, err
	}
	if info == nil {
		var pids []int32
		rows, _ := db.Query(ctx, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 2`, int64(k1), int64(k2))
		pids, err = pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return nil, s.b.wrap(err, "looking up the state lock")
		}
		if len(pids) == 0 {
			_, _ = db.Exec(ctx, "DELETE FROM "+s.b.schema+".locks WHERE workspace = $1", s.workspace)
			return nil, fmt.Errorf("%s is not locked; nothing to unlock", s.String())
		}
		return nil, fmt.Errorf("%s is locked by a run that has not recorded itself yet, so its ID cannot be checked; try again in a moment", s.String())
	}
	if info.ID != id {
		return nil, fmt.Errorf("lock ID %q does not match the lock on %s, which is %q, held by %s", id, s.String(), info.ID, info)
	}
	var pid int32
	err = db.QueryRow(ctx, "SELECT backend_pid FROM "+s.b.schema+".locks WHERE workspace = $1 AND id = $2", s.workspace, id).Scan(&pid)
	if err != nil {
		return nil, s.b.wrap(err, "looking up the state lock")
	}
	var ended bool
	if err := db.QueryRow(ctx, "SELECT pg_terminate_backend($1, 5000)", pid).Scan(&ended); err != nil {
		return nil, s.b.wrap(err, "ending the session that holds the state lock (this needs the pg_signal_backend role or the same database user)")
	}
	if !ended {
		return nil, fmt.Errorf("the session holding the lock on %s (backend pid %d) did not end within 5s", s.String(), pid)
	}
	if _, err := db.Exec(ctx, "DELETE FROM "+s.b.schema+".locks WHERE workspace = $1 AND id = $2", s.workspace, id); err != nil {
		return nil, s.b.wrap(err, "removing the lock record")
	}
	return info, nil
}

// lock is a held workspace lock.
type lock struct {
	store  *Store
	conn   *pgx.Conn
	id     string
	k1, k2 int32
	pid    uint32

	once sync.Once
	err  error
}

// stillHeld checks, inside a write's transaction, that this lock's session
// still holds the advisory lock.
func (l *lock) stillHeld(ctx context.Context, tx pgx.Tx) error {
	var held bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 2 AND pid = $3)`, int64(l.k1), int64(l.k2), int64(l.pid)).Scan(&held)
	if err != nil {
		return err
	}
	if !held {
		return ErrLockLost
	}
	return nil
}

// ErrLockLost is returned by Write when the run's lock was lost: its
// connection ended (the server restarted, or force-unlock ended it), so
// another run may have changed the state meanwhile.
var ErrLockLost = errors.New("the state lock was lost (its connection to PostgreSQL ended, by a server restart or force-unlock), so another run may have taken it; refusing to write without it")

// Unlock removes the holder record and releases the lock by closing its
// connection. If the connection is already gone, so is the lock.
func (l *lock) Unlock() error {
	l.once.Do(func() {
		s := l.store
		s.mu.Lock()
		if s.held == l {
			s.held = nil
		}
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if !l.conn.IsClosed() {
			_, err := l.conn.Exec(ctx, "DELETE FROM "+s.b.schema+".locks WHERE workspace = $1 AND id = $2", s.workspace, l.id)
			if err == nil {
				_, err = l.conn.Exec(ctx, "SELECT pg_advisory_unlock($1, $2)", l.k1, l.k2)
			}
			if err != nil && !pgconn.SafeToRetry(err) {
				l.err = s.b.wrap(err, "releasing the state lock (it is released anyway when the connection closes)")
			}
		}
		_ = l.conn.Close(ctx)
	})
	return l.err
}

// Replace makes st the workspace's state whatever its lineage and serial,
// deleting the versions kept so far: it is for `state migrate -force`,
// when someone decided the stored history is the wrong one. The run lock,
// if held by this Store, must still be held.
func (s *Store) Replace(ctx context.Context, st *state.State) error {
	norm, data, err := s.marshal(st)
	if err != nil {
		return err
	}
	schema := s.b.schema
	err = s.inWorkspaceTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM "+schema+".states WHERE workspace = $1", s.workspace); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO "+schema+".states (workspace, serial, lineage, data, created_by) VALUES ($1, $2, $3, $4, $5)",
			s.workspace, int64(norm.Serial), norm.Lineage, data, s.b.cfg.Who)
		return err
	})
	return s.b.wrap(err, "replacing the state of "+s.String())
}

// StoreKey is the Backend's StoreKey.
func (s *Store) StoreKey(ctx context.Context, key []byte, replace bool) ([]byte, error) {
	return s.b.StoreKey(ctx, key, replace)
}
