// Package reconcilesql implements reconcile.Store and
// reconcile.ExceptionStore on an internal/sqlstore database (SQLite or
// PostgreSQL), so open items, closed keys, seen settlement files and
// exceptions survive restarts and can be shared by several processes. It
// registers no driver.
package reconcilesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/reconcile"
)

// Store is a reconcile.Store on SQL: one row per open item (with its
// version), per closed key, per seen file and per batch. Apply runs in one
// write transaction whose every statement checks what the run read (the
// item's version, the key or digest not yet there), so a run that lost a
// race to another process stores nothing and gets a *reconcile.ConflictError.
type Store struct {
	db *sqlstore.DB
}

var _ reconcile.Store = (*Store)(nil)

// New returns a Store on db.
func New(db *sqlstore.DB) *Store { return &Store{db: db} }

// chunk bounds the placeholders of one IN list.
const chunk = 500

// OpenItems implements reconcile.Store. A row whose content cannot be read
// or whose amounts are beyond reconcile.MaxAmount is an error naming its key.
func (s *Store) OpenItems(ctx context.Context) ([]reconcile.StoredItem, error) {
	rows, err := s.db.Query(ctx, `SELECT item_key, expected, settled, first_seen_ns, version FROM reconcile_open`)
	if err != nil {
		return nil, fmt.Errorf("reconcilesql: open items: %w", err)
	}
	defer rows.Close()
	var out []reconcile.StoredItem
	for rows.Next() {
		var key, exp, settled string
		var first, version int64
		if err := rows.Scan(&key, &exp, &settled, &first, &version); err != nil {
			return nil, fmt.Errorf("reconcilesql: open items: %w", err)
		}
		var it reconcile.StoredItem
		if err := json.Unmarshal([]byte(exp), &it.Expected); err != nil {
			return nil, fmt.Errorf("reconcilesql: open item %s: %w", key, err)
		}
		if it.Settled, err = decimal.Parse(settled); err != nil {
			return nil, fmt.Errorf("reconcilesql: open item %s: settled %q: %w", key, settled, err)
		}
		if got := it.Expected.Key(); got != key {
			return nil, fmt.Errorf("reconcilesql: open item %s: its content has key %s", key, got)
		}
		if err := reconcile.CheckStoredItem(it.OpenItem); err != nil {
			return nil, fmt.Errorf("reconcilesql: %w", err)
		}
		it.FirstSeen, it.Version = sqlstore.Time(first), version
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reconcilesql: open items: %w", err)
	}
	slices.SortFunc(out, func(a, b reconcile.StoredItem) int { return strings.Compare(a.Expected.Key(), b.Expected.Key()) })
	return out, nil
}

// inList runs query (with one "%s" for the placeholders) for keys, chunk
// by chunk, calling scan per row.
func (s *Store) inList(ctx context.Context, query string, keys []string, scan func(*sql.Rows) error) error {
	for len(keys) > 0 {
		n := min(len(keys), chunk)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		rows, err := s.db.Query(ctx, fmt.Sprintf(query, strings.TrimSuffix(strings.Repeat("?,", n), ",")), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// ClosedKeys implements reconcile.Store.
func (s *Store) ClosedKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.inList(ctx, `SELECT item_key FROM reconcile_closed WHERE item_key IN (%s)`, keys, func(rows *sql.Rows) error {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		out[k] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reconcilesql: closed keys: %w", err)
	}
	return out, nil
}

// SeenFiles implements reconcile.Store.
func (s *Store) SeenFiles(ctx context.Context, digests, batches []string) ([]reconcile.SeenFile, error) {
	want := map[string]bool{}
	for _, d := range digests {
		want[d] = true
	}
	err := s.inList(ctx, `SELECT digest FROM reconcile_batches WHERE batch IN (%s)`, batches, func(rows *sql.Rows) error {
		var d string
		if err := rows.Scan(&d); err != nil {
			return err
		}
		want[d] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reconcilesql: seen files: %w", err)
	}
	all := make([]string, 0, len(want))
	for d := range want {
		all = append(all, d)
	}
	slices.Sort(all)
	files := map[string]*reconcile.SeenFile{}
	err = s.inList(ctx, `SELECT digest, name, provider, first_seen_ns FROM reconcile_files WHERE digest IN (%s)`, all, func(rows *sql.Rows) error {
		var f reconcile.SeenFile
		var first int64
		if err := rows.Scan(&f.Digest, &f.Name, &f.Provider, &first); err != nil {
			return err
		}
		f.FirstSeen = sqlstore.Time(first)
		files[f.Digest] = &f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reconcilesql: seen files: %w", err)
	}
	found := make([]string, 0, len(files))
	for d := range files {
		found = append(found, d)
	}
	err = s.inList(ctx, `SELECT digest, batch FROM reconcile_batches WHERE digest IN (%s)`, found, func(rows *sql.Rows) error {
		var d, b string
		if err := rows.Scan(&d, &b); err != nil {
			return err
		}
		files[d].Batches = append(files[d].Batches, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reconcilesql: seen files: %w", err)
	}
	out := make([]reconcile.SeenFile, 0, len(files))
	for _, f := range files {
		slices.Sort(f.Batches)
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b reconcile.SeenFile) int { return strings.Compare(a.Digest, b.Digest) })
	return out, nil
}

// rowsPerStatement bounds the rows of one multi-row statement.
const rowsPerStatement = 100

// Apply implements reconcile.Store in one write transaction. Items are
// added, closed and checked a hundred per statement, so a run's round trips
// grow with its items divided by a hundred.
func (s *Store) Apply(ctx context.Context, c reconcile.Changes) error {
	if c.Empty() {
		return ctx.Err()
	}
	// Encode before the transaction: nothing of it runs twice on a retry.
	added := make([]string, len(c.Add))
	for i, a := range c.Add {
		b, err := json.Marshal(a.Expected)
		if err != nil {
			return fmt.Errorf("reconcilesql: open item %s: %w", a.Expected.Key(), err)
		}
		added[i] = string(b)
	}
	var closedNew, closedOpen []reconcile.Closure
	for _, cl := range c.Close {
		if cl.Version > 0 {
			closedOpen = append(closedOpen, cl)
		} else {
			closedNew = append(closedNew, cl)
		}
	}
	addKeys := make([]string, len(c.Add))
	for i, a := range c.Add {
		addKeys[i] = a.Expected.Key()
	}
	closeKeys := make([]string, len(c.Close))
	for i, cl := range c.Close {
		closeKeys[i] = cl.Key
	}
	newKeys := make([]string, len(closedNew))
	for i, cl := range closedNew {
		newKeys[i] = cl.Key
	}
	err := s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
		// What must not be there: added or newly closed keys already open,
		// added or closed keys already closed.
		if k, err := firstIn(ctx, tx, `SELECT item_key FROM reconcile_closed WHERE item_key IN (%s)`, slices.Concat(addKeys, closeKeys)); err != nil || k != "" {
			return cmpErr(err, &reconcile.ConflictError{What: "closed key", Key: k, Reason: "closed already"})
		}
		if k, err := firstIn(ctx, tx, `SELECT item_key FROM reconcile_open WHERE item_key IN (%s)`, slices.Concat(addKeys, newKeys)); err != nil || k != "" {
			return cmpErr(err, &reconcile.ConflictError{What: "open item", Key: k, Reason: "added already"})
		}
		for from := 0; from < len(c.Add); from += rowsPerStatement {
			part := c.Add[from:min(from+rowsPerStatement, len(c.Add))]
			var args []any
			for i, a := range part {
				args = append(args, addKeys[from+i], added[from+i], a.Settled.String(), sqlstore.Nanos(a.FirstSeen))
			}
			res, err := tx.Exec(ctx, `INSERT INTO reconcile_open (item_key, expected, settled, first_seen_ns, version) VALUES `+
				rows("(?, ?, ?, ?, 1)", len(part))+` ON CONFLICT (item_key) DO NOTHING`, args...)
			if err := affected(res, err, len(part), &reconcile.ConflictError{What: "open item", Key: part[0].Expected.Key(),
				Reason: fmt.Sprintf("one of %d added by another run", len(part))}); err != nil {
				return err
			}
		}
		for _, st := range c.Settle {
			res, err := tx.Exec(ctx, `UPDATE reconcile_open SET settled = ?, version = version + 1 WHERE item_key = ? AND version = ?`,
				st.Settled.String(), st.Key, st.Version)
			if err := affected(res, err, 1, &reconcile.ConflictError{What: "open item", Key: st.Key,
				Reason: fmt.Sprintf("not open at version %d", st.Version)}); err != nil {
				return err
			}
		}
		for part := range slices.Chunk(closedOpen, rowsPerStatement) {
			var args []any
			for _, cl := range part {
				args = append(args, cl.Key, cl.Version)
			}
			if err := staleClosure(ctx, tx, part); err != nil {
				return err
			}
			res, err := tx.Exec(ctx, `DELETE FROM reconcile_open WHERE `+strings.TrimSuffix(strings.Repeat("(item_key = ? AND version = ?) OR ", len(part)), " OR "), args...)
			if err := affected(res, err, len(part), &reconcile.ConflictError{What: "open item", Key: part[0].Key,
				Reason: fmt.Sprintf("one of %d no longer open at the version read", len(part))}); err != nil {
				return err
			}
		}
		for part := range slices.Chunk(c.Close, rowsPerStatement) {
			var args []any
			for _, cl := range part {
				args = append(args, cl.Key, sqlstore.Nanos(cl.At))
			}
			res, err := tx.Exec(ctx, `INSERT INTO reconcile_closed (item_key, closed_ns) VALUES `+rows("(?, ?)", len(part))+
				` ON CONFLICT (item_key) DO NOTHING`, args...)
			if err := affected(res, err, len(part), &reconcile.ConflictError{What: "closed key", Key: part[0].Key,
				Reason: fmt.Sprintf("one of %d closed by another run", len(part))}); err != nil {
				return err
			}
		}
		for _, f := range c.Files {
			res, err := tx.Exec(ctx, `INSERT INTO reconcile_files (digest, name, provider, first_seen_ns) VALUES (?, ?, ?, ?)
				ON CONFLICT (digest) DO NOTHING`, f.Digest, f.Name, f.Provider, sqlstore.Nanos(f.FirstSeen))
			if err := affected(res, err, 1, &reconcile.ConflictError{What: "seen file", Key: f.Digest, Reason: "reconciled already"}); err != nil {
				return err
			}
			for _, b := range f.Batches {
				res, err := tx.Exec(ctx, `INSERT INTO reconcile_batches (batch, digest) VALUES (?, ?) ON CONFLICT (batch) DO NOTHING`, b, f.Digest)
				if err := affected(res, err, 1, &reconcile.ConflictError{What: "batch", Key: b, Reason: "reconciled already"}); err != nil {
					return err
				}
			}
		}
		if !c.PurgeClosedBefore.IsZero() {
			if _, err := tx.Exec(ctx, `DELETE FROM reconcile_closed WHERE closed_ns < ?`, sqlstore.Nanos(c.PurgeClosedBefore)); err != nil {
				return err
			}
		}
		return nil
	})
	var ce *reconcile.ConflictError
	if err != nil && !errors.As(err, &ce) {
		return fmt.Errorf("reconcilesql: apply: %w", err)
	}
	return err
}

// staleClosure names the first closure of part whose item is not open at
// the version the run read.
func staleClosure(ctx context.Context, tx *sqlstore.Tx, part []reconcile.Closure) error {
	want := make(map[string]int64, len(part))
	args := make([]any, len(part))
	for i, cl := range part {
		want[cl.Key], args[i] = cl.Version, cl.Key
	}
	res, err := tx.Query(ctx, `SELECT item_key, version FROM reconcile_open WHERE item_key IN (`+rows("?", len(part))+`)`, args...)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		var k string
		var v int64
		if err := res.Scan(&k, &v); err != nil {
			return err
		}
		if v == want[k] {
			delete(want, k)
		}
	}
	if err := res.Err(); err != nil {
		return err
	}
	for _, cl := range part {
		if _, stale := want[cl.Key]; stale {
			return &reconcile.ConflictError{What: "open item", Key: cl.Key, Reason: fmt.Sprintf("not open at version %d", cl.Version)}
		}
	}
	return nil
}

// rows repeats one VALUES tuple n times.
func rows(tuple string, n int) string {
	return strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
}

// firstIn returns the first of keys query (with one "%s" for the
// placeholders) finds in the transaction, or "".
func firstIn(ctx context.Context, tx *sqlstore.Tx, query string, keys []string) (string, error) {
	for part := range slices.Chunk(keys, chunk) {
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		var k string
		err := tx.QueryRow(ctx, fmt.Sprintf(query, strings.TrimSuffix(strings.Repeat("?,", len(part)), ","))+" LIMIT 1", args...).Scan(&k)
		if err == nil {
			return k, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	return "", nil
}

// cmpErr is err when there is one, else conflict.
func cmpErr(err error, conflict error) error {
	if err != nil {
		return err
	}
	return conflict
}

// affected checks that a statement changed exactly n rows; otherwise
// conflict.
func affected(res sql.Result, err error, n int, conflict error) error {
	if err != nil {
		return err
	}
	got, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if got != int64(n) {
		return conflict
	}
	return nil
}
