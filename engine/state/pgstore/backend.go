package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stewardhq/steward/engine/state"
)

// Defaults for Config.
const (
	DefaultSchema       = "steward"
	DefaultWorkspace    = "default"
	DefaultKeepVersions = 20
)

// Config says where the state lives.
type Config struct {
	// ConnString is a PostgreSQL URL or keyword/value string. Whatever it
	// leaves out comes from the libpq environment variables (PGHOST,
	// PGUSER, PGPASSWORD, PGDATABASE, ...) and then libpq's defaults.
	ConnString string
	// Schema holds steward's tables; DefaultSchema if empty. It is created
	// on first use.
	Schema string
	// KeepVersions is how many versions of each workspace's state are
	// kept; DefaultKeepVersions if 0.
	KeepVersions int
	// Who is recorded as the writer of each version ("user@host"); the
	// current user and host if empty.
	Who string
}

// Backend is a connection pool to one schema of one database. It is safe
// for concurrent use; Close it when done.
type Backend struct {
	cfg      Config
	poolCfg  *pgxpool.Config
	pool     *pgxpool.Pool
	schema   string // quoted identifier
	password string
	desc     string

	setupMu sync.Mutex
	setUp   bool
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// ValidName reports whether name can be a workspace name: letters, digits,
// '-', '_' and '.', starting with a letter or digit, at most 64 long. Names
// end up in paths and messages, so nothing else is allowed.
func ValidName(name string) bool {
	return workspaceRE.MatchString(name)
}

var workspaceRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// Open parses cfg and prepares a pool. It does not connect: the first
// operation does, so that a command that needs no state never touches the
// database.
func Open(cfg Config) (*Backend, error) {
	if cfg.Schema == "" {
		cfg.Schema = DefaultSchema
	}
	if !identRE.MatchString(cfg.Schema) {
		return nil, fmt.Errorf("schema %q is not a valid name: use letters, digits and underscores, starting with a letter", cfg.Schema)
	}
	if cfg.KeepVersions == 0 {
		cfg.KeepVersions = DefaultKeepVersions
	}
	if cfg.KeepVersions < 1 {
		return nil, fmt.Errorf("keep_versions must be at least 1, not %d", cfg.KeepVersions)
	}
	if cfg.Who == "" {
		i := state.LockInfo{}.WithDefaults()
		cfg.Who = i.Who + "@" + i.Host
	}
	pc, err := pgxpool.ParseConfig(cfg.ConnString)
	if err != nil {
		// pgx redacts passwords in its parse errors only on a best-effort
		// basis, so none of the string is repeated here.
		return nil, errors.New("the PostgreSQL connection string cannot be parsed (it is not shown, since it may hold a password); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE or host=... user=... dbname=")
	}
	pc.MaxConns = 4
	// Not the run's lock connection: that one is opened apart (see Lock).
	pc.ConnConfig.RuntimeParams["application_name"] = "steward"
	cc := pc.ConnConfig
	b := &Backend{
		cfg:      cfg,
		poolCfg:  pc,
		schema:   pgx.Identifier{cfg.Schema}.Sanitize(),
		password: cc.Password,
		desc:     fmt.Sprintf("postgres://%s@%s:%d/%s (schema %s)", cc.User, cc.Host, cc.Port, cc.Database, cfg.Schema),
	}
	return b, nil
}

// String describes the backend for messages, without the password.
func (b *Backend) String() string { return b.desc }

// Close closes the pool's connections. Stores' locks have their own
// connections and are released by Unlock.
func (b *Backend) Close() {
	b.setupMu.Lock()
	defer b.setupMu.Unlock()
	if b.pool != nil {
		b.pool.Close()
		b.pool = nil
	}
}

// db returns the pool, creating it and the tables on first use.
func (b *Backend) db(ctx context.Context) (*pgxpool.Pool, error) {
	b.setupMu.Lock()
	defer b.setupMu.Unlock()
	if b.pool == nil {
		p, err := pgxpool.NewWithConfig(ctx, b.poolCfg)
		if err != nil {
			return nil, b.wrap(err, "connecting to PostgreSQL")
		}
		b.pool = p
	}
	if !b.setUp {
		if err := b.createTables(ctx, b.pool); err != nil {
			return nil, err
		}
		b.setUp = true
	}
	return b.pool, nil
}

// createTables creates the schema and tables if missing. Concurrent
// CREATE ... IF NOT EXISTS can still collide in the catalogue, so the
// statements run under a transaction-scoped advisory lock.
func (b *Backend) createTables(ctx context.Context, pool *pgxpool.Pool) error {
	s := b.schema
	ddl := `
CREATE SCHEMA IF NOT EXISTS ` + s + `;
CREATE TABLE IF NOT EXISTS ` + s + `.workspaces (
	name       text PRIMARY KEY,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ` + s + `.states (
	workspace  text NOT NULL REFERENCES ` + s + `.workspaces (name) ON DELETE CASCADE,
	serial     bigint NOT NULL CHECK (serial >= 0),
	lineage    text NOT NULL,
	data       bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	created_by text NOT NULL,
	PRIMARY KEY (workspace, serial)
);
CREATE TABLE IF NOT EXISTS ` + s + `.locks (
	workspace   text PRIMARY KEY,
	id          text NOT NULL,
	info        jsonb NOT NULL,
	backend_pid integer NOT NULL
);
CREATE TABLE IF NOT EXISTS ` + s + `.keys (
	name       text PRIMARY KEY,
	key        bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ` + s + `.workspaces (name) VALUES ('default') ON CONFLICT DO NOTHING;`
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		k1, k2 := b.lockKey("\x00setup")
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", k1, k2); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, ddl)
		return err
	})
	return b.wrap(err, "creating steward's tables in "+b.desc)
}

// lockKey derives the advisory lock key of a workspace. Advisory locks are
// per database, so the schema is part of the key; the two-int form keeps
// both halves positive so pg_locks' oid columns compare plainly.
func (b *Backend) lockKey(workspace string) (int32, int32) {
	h := fnv.New64a()
	h.Write([]byte("steward-state\x00" + b.cfg.Schema + "\x00" + workspace))
	sum := h.Sum64()
	return int32(sum >> 32 & 0x7fffffff), int32(sum & 0x7fffffff)
}

// Store returns the store of one workspace. It does not check that the
// workspace exists: writing its first state creates it.
func (b *Backend) Store(workspace string) *Store {
	return &Store{b: b, workspace: workspace}
}

// Workspaces lists the workspaces, sorted; "default" is always there.
func (b *Backend) Workspaces(ctx context.Context) ([]string, error) {
	db, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	rows, _ := db.Query(ctx, "SELECT name FROM "+b.schema+".workspaces ORDER BY name")
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return names, b.wrap(err, "listing workspaces in "+b.desc)
}

// CreateWorkspace adds an empty workspace; it fails if one of that name
// exists.
func (b *Backend) CreateWorkspace(ctx context.Context, name string) error {
	if !ValidName(name) {
		return fmt.Errorf("%q is not a valid workspace name: use letters, digits, '-', '_' and '.'", name)
	}
	db, err := b.db(ctx)
	if err != nil {
		return err
	}
	tag, err := db.Exec(ctx, "INSERT INTO "+b.schema+".workspaces (name) VALUES ($1) ON CONFLICT DO NOTHING", name)
	if err != nil {
		return b.wrap(err, "creating workspace "+name)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("workspace %q already exists in %s", name, b.desc)
	}
	return nil
}

// DeleteWorkspace removes a workspace and every version of its state. It
// refuses while a run holds the workspace's lock. Whether the state is
// empty is the caller's concern.
func (b *Backend) DeleteWorkspace(ctx context.Context, name string) error {
	db, err := b.db(ctx)
	if err != nil {
		return err
	}
	k1, k2 := b.lockKey(name)
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var free bool
		if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock($1, $2)", k1, k2).Scan(&free); err != nil {
			return err
		}
		if !free {
			return &state.LockedError{Path: b.describe(name), Info: b.Store(name).holder(ctx)}
		}
		tag, err := tx.Exec(ctx, "DELETE FROM "+b.schema+".workspaces WHERE name = $1", name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("workspace %q does not exist in %s", name, b.desc)
		}
		_, err = tx.Exec(ctx, "DELETE FROM "+b.schema+".locks WHERE workspace = $1", name)
		return err
	})
	return b.wrap(err, "deleting workspace "+name)
}

// LoadOrCreateKey returns the hash key kept in the schema, creating a
// random one on first use. Every workspace of the schema shares it, as the
// workspaces of one local directory share .steward/state.key.
func (b *Backend) LoadOrCreateKey(ctx context.Context) ([]byte, error) {
	db, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	fresh, err := state.NewKey()
	if err != nil {
		return nil, err
	}
	// Insert-then-read: whoever inserts first wins, and everyone reads the
	// winner's key.
	if _, err := db.Exec(ctx, "INSERT INTO "+b.schema+".keys (name, key) VALUES ('hash', $1) ON CONFLICT DO NOTHING", fresh); err != nil {
		return nil, b.wrap(err, "storing the state hash key")
	}
	var key []byte
	if err := db.QueryRow(ctx, "SELECT key FROM "+b.schema+".keys WHERE name = 'hash'").Scan(&key); err != nil {
		return nil, b.wrap(err, "reading the state hash key")
	}
	return key, nil
}

func (b *Backend) describe(workspace string) string {
	return fmt.Sprintf("workspace %q in %s", workspace, b.desc)
}

// wrap adds context to err and makes sure the password never appears in
// its text (a server or driver message may quote the connection string).
func (b *Backend) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var le *state.LockedError
	var lin *state.LineageError
	var stale *state.StaleSerialError
	if errors.As(err, &le) || errors.As(err, &lin) || errors.As(err, &stale) {
		return err
	}
	return &redactedError{msg: what + ": " + b.redact(describePgError(err)), err: err}
}

func (b *Backend) redact(s string) string {
	if b.password == "" {
		return s
	}
	return strings.ReplaceAll(s, b.password, "xxxxx")
}

// describePgError says in words what the usual failures mean.
func describePgError(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "57P01" {
		return "the PostgreSQL server shut down or ended the session (" + err.Error() + ")"
	}
	if pgconn.SafeToRetry(err) || errors.As(err, new(*pgconn.ConnectError)) {
		return "cannot reach PostgreSQL: " + err.Error()
	}
	return err.Error()
}

// redactedError carries a message with the password removed while keeping
// the original error for errors.Is and errors.As (context.Canceled, ...).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// StoreKey makes key the schema's hash key if it has none yet, and returns
// the key the schema has afterwards: key, or the one already there.
func (b *Backend) StoreKey(ctx context.Context, key []byte, replace bool) ([]byte, error) {
	db, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	q := "INSERT INTO " + b.schema + ".keys (name, key) VALUES ('hash', $1) ON CONFLICT DO NOTHING"
	if replace {
		q = "INSERT INTO " + b.schema + ".keys (name, key) VALUES ('hash', $1) ON CONFLICT (name) DO UPDATE SET key = EXCLUDED.key, created_at = now()"
	}
	if _, err := db.Exec(ctx, q, key); err != nil {
		return nil, b.wrap(err, "storing the state hash key")
	}
	var got []byte
	err = db.QueryRow(ctx, "SELECT key FROM "+b.schema+".keys WHERE name = 'hash'").Scan(&got)
	return got, b.wrap(err, "reading the state hash key")
}
