package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
)

// Dialect is the SQL flavour behind a DB.
type Dialect int

// Dialects.
const (
	// SQLite is modernc.org/sqlite (driver name "sqlite").
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through pgx's stdlib driver (driver name "pgx").
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// DefaultBusyTimeout is how long a SQLite connection waits for another
// writer (in this or another process) before giving up.
const DefaultBusyTimeout = 10 * time.Second

// DefaultTxAttempts bounds how often WriteTx runs a transaction that failed
// on a serialization conflict or a busy database.
const DefaultTxAttempts = 10

// DB is an opened, migrated store database. It is safe for concurrent use.
type DB struct {
	sql     *sql.DB
	dialect Dialect
}

// DSNError reports a data source name Open cannot use. It never repeats the
// DSN, which may hold a password.
type DSNError struct {
	Reason string
}

func (e *DSNError) Error() string { return "sqlstore: data source: " + e.Reason }

// Open opens the database named by dsn and applies the embedded migrations:
//   - "postgres://..." or "postgresql://...": PostgreSQL (driver "pgx");
//   - "sqlite:PATH", "file:PATH" or a plain file path: SQLite (driver
//     "sqlite"), created when missing, in WAL mode with a busy timeout.
//
// The driver must be registered (import internal/sqlstore/drivers).
func Open(ctx context.Context, dsn string) (*DB, error) {
	driver, source, dialect, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", dialect, err)
	}
	if dialect == Postgres {
		db.SetMaxOpenConns(16)
	}
	d := &DB{sql: db, dialect: dialect}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

func parseDSN(dsn string) (driver, source string, d Dialect, err error) {
	switch {
	case dsn == "":
		return "", "", 0, &DSNError{Reason: "empty"}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return "pgx", dsn, Postgres, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" || strings.Contains(path, "://") {
		return "", "", 0, &DSNError{Reason: "want sqlite:PATH, a file path or a postgres:// URL"}
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultBusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	// Every transaction takes the write lock up front: WriteTx is the only
	// caller of BeginTx, and a deferred transaction that reads and then
	// writes fails with SQLITE_BUSY instead of waiting.
	q.Set("_txlock", "immediate")
	return "sqlite", "file:" + path + "?" + q.Encode(), SQLite, nil
}

// OpenUnmigrated opens dsn like Open but applies no migrations: for
// administration (creating a schema or database) before Open.
func OpenUnmigrated(ctx context.Context, dsn string) (*DB, error) {
	driver, source, dialect, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", dialect, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", dialect, err)
	}
	return &DB{sql: db, dialect: dialect}, nil
}

// FromSQL wraps an already opened *sql.DB (its driver decides nothing here:
// the caller names the dialect) and applies the migrations.
func FromSQL(ctx context.Context, db *sql.DB, d Dialect) (*DB, error) {
	if d != SQLite && d != Postgres {
		return nil, fmt.Errorf("sqlstore: unknown dialect %v", d)
	}
	s := &DB{sql: db, dialect: d}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Dialect reports the database's SQL flavour.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the underlying pool, for statements this package does not wrap.
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the pool.
func (db *DB) Close() error { return db.sql.Close() }

// Rebind turns "?" placeholders into the dialect's ($1, $2, ... on
// PostgreSQL). Question marks inside single-quoted literals are kept.
func (db *DB) Rebind(query string) string { return rebind(db.dialect, query) }

func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n, quoted := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Exec runs one statement outside a transaction (one statement is atomic).
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.sql.ExecContext(ctx, db.Rebind(query), args...)
}

// Query runs a query outside a transaction.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.sql.QueryContext(ctx, db.Rebind(query), args...)
}

// QueryRow runs a query that returns at most one row.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.sql.QueryRowContext(ctx, db.Rebind(query), args...)
}

// Tx is a write transaction opened by WriteTx.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, rebind(tx.dialect, query), args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, rebind(tx.dialect, query), args...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, rebind(tx.dialect, query), args...)
}

// Dialect reports the transaction's SQL flavour.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// SQL returns the underlying transaction, so work of another library on the
// same database (a job queue enqueuing the jobs a state change causes)
// commits or rolls back with it. It must not be committed or rolled back
// directly: WriteTx does that.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// WriteTx runs fn in a write transaction and commits it; if fn returns an
// error the transaction is rolled back and the error returned. fn may run
// more than once: a transaction that loses a conflict (PostgreSQL
// serialization failure or deadlock, SQLite busy) is retried up to
// DefaultTxAttempts times, so fn must not have effects outside tx.
// Between attempts it waits a random, growing time (full jitter, up to
// MaxTxBackoff), so transactions that collided do not collide again in
// lock step.
func (db *DB) WriteTx(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelSerializable
	}
	var err error
	for attempt := range DefaultTxAttempts {
		if attempt > 0 {
			if werr := backoff(ctx, attempt); werr != nil {
				return werr
			}
		}
		if err = ctx.Err(); err != nil {
			return err
		}
		err = db.tryTx(ctx, opts, fn)
		if err == nil || !Retryable(err) {
			return err
		}
	}
	return fmt.Errorf("sqlstore: transaction still conflicting after %d attempts: %w", DefaultTxAttempts, err)
}

// MaxTxBackoff caps the wait between two attempts of a conflicting
// transaction.
const MaxTxBackoff = 250 * time.Millisecond

// backoff waits a random time in [0, min(2ms·2^attempt, MaxTxBackoff)) or
// until ctx ends.
func backoff(ctx context.Context, attempt int) error {
	ceiling := min(2*time.Millisecond<<min(attempt, 16), MaxTxBackoff)
	return ctxwait.Sleep(ctx, rand.N(ceiling))
}

func (db *DB) tryTx(ctx context.Context, opts *sql.TxOptions, fn func(*Tx) error) error {
	sqlTx, err := db.sql.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(&Tx{tx: sqlTx, dialect: db.dialect}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return sqlTx.Commit()
}

// Retryable reports whether err is a transient conflict that running the
// transaction again resolves: PostgreSQL serialization failure (40001) or
// deadlock (40P01), SQLite busy (5) or locked (6).
func Retryable(err error) bool {
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		switch pg.SQLState() {
		case "40001", "40P01":
			return true
		}
		return false
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case 5, 6:
			return true
		}
	}
	return false
}

// Nanos is how stores keep a time: Unix nanoseconds, 0 for the zero time.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Time turns Nanos back into a UTC time (the zero time for 0).
func Time(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
