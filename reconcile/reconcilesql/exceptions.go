package reconcilesql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/reconcile"
)

// ExceptionStore is a reconcile.ExceptionStore on SQL: one row per (kind,
// key), upserted in a write transaction so concurrent sightings keep the
// first one's FirstSeen and the latest LastSeen.
type ExceptionStore struct {
	db *sqlstore.DB
}

var _ reconcile.ExceptionStore = (*ExceptionStore)(nil)

// NewExceptionStore returns an ExceptionStore on db.
func NewExceptionStore(db *sqlstore.DB) *ExceptionStore { return &ExceptionStore{db: db} }

const exceptionColumns = `kind, exception_key, owner, detail, first_seen_ns, last_seen_ns, resolved_by, resolved_ns, note`

type scanner interface{ Scan(...any) error }

func scanException(r scanner) (reconcile.ExceptionRecord, error) {
	var rec reconcile.ExceptionRecord
	var kind, owner string
	var first, last, resolved int64
	if err := r.Scan(&kind, &rec.Key, &owner, &rec.Detail, &first, &last, &rec.ResolvedBy, &resolved, &rec.Note); err != nil {
		return rec, err
	}
	rec.Kind, rec.Owner = reconcile.Kind(kind), reconcile.Owner(owner)
	rec.FirstSeen, rec.LastSeen, rec.ResolvedAt = sqlstore.Time(first), sqlstore.Time(last), sqlstore.Time(resolved)
	return rec, nil
}

// Record implements reconcile.ExceptionStore.
func (s *ExceptionStore) Record(ctx context.Context, at time.Time, xs ...reconcile.Exception) error {
	for _, x := range xs {
		if err := reconcile.CheckException(x); err != nil {
			return err
		}
	}
	if len(xs) == 0 {
		return ctx.Err()
	}
	err := s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
		for _, x := range xs {
			old, err := scanException(tx.QueryRow(ctx, `SELECT `+exceptionColumns+` FROM reconcile_exceptions
				WHERE kind = ? AND exception_key = ?`, string(x.Kind), x.Key))
			found := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			r := reconcile.MergeException(old, found, x, at)
			if _, err := tx.Exec(ctx, `INSERT INTO reconcile_exceptions (`+exceptionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (kind, exception_key) DO UPDATE SET owner = excluded.owner, detail = excluded.detail,
				first_seen_ns = excluded.first_seen_ns, last_seen_ns = excluded.last_seen_ns,
				resolved_by = excluded.resolved_by, resolved_ns = excluded.resolved_ns, note = excluded.note`,
				string(r.Kind), r.Key, string(r.Owner), r.Detail, sqlstore.Nanos(r.FirstSeen), sqlstore.Nanos(r.LastSeen),
				r.ResolvedBy, sqlstore.Nanos(r.ResolvedAt), r.Note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reconcilesql: record exceptions: %w", err)
	}
	return nil
}

// Resolve implements reconcile.ExceptionStore.
func (s *ExceptionStore) Resolve(ctx context.Context, id reconcile.ExceptionID, by, note string, at time.Time) error {
	if err := reconcile.CheckResolve(id, by, at); err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE reconcile_exceptions SET resolved_by = ?, resolved_ns = ?, note = ?
		WHERE kind = ? AND exception_key = ?`, by, sqlstore.Nanos(at.UTC()), note, string(id.Kind), id.Key)
	if err != nil {
		return fmt.Errorf("reconcilesql: resolve exception %s %s: %w", id.Kind, id.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("reconcilesql: resolve exception %s %s: %w", id.Kind, id.Key, err)
		}
		return fmt.Errorf("%w: %s %s", reconcile.ErrExceptionNotFound, id.Kind, id.Key)
	}
	return nil
}

// Get implements reconcile.ExceptionStore.
func (s *ExceptionStore) Get(ctx context.Context, id reconcile.ExceptionID) (reconcile.ExceptionRecord, error) {
	rec, err := scanException(s.db.QueryRow(ctx, `SELECT `+exceptionColumns+` FROM reconcile_exceptions
		WHERE kind = ? AND exception_key = ?`, string(id.Kind), id.Key))
	if errors.Is(err, sql.ErrNoRows) {
		return rec, fmt.Errorf("%w: %s %s", reconcile.ErrExceptionNotFound, id.Kind, id.Key)
	}
	if err != nil {
		return rec, fmt.Errorf("reconcilesql: exception %s %s: %w", id.Kind, id.Key, err)
	}
	return rec, nil
}

// List implements reconcile.ExceptionStore: keys compare byte by byte on
// both dialects, so pages follow one another the same way everywhere.
func (s *ExceptionStore) List(ctx context.Context, q reconcile.ExceptionQuery) (reconcile.ExceptionPage, error) {
	q, err := q.Normalize()
	if err != nil {
		return reconcile.ExceptionPage{}, err
	}
	collate := ""
	if s.db.Dialect() == sqlstore.Postgres {
		collate = ` COLLATE "C"`
	}
	var where []string
	var args []any
	if q.Owner != "" {
		where, args = append(where, "owner = ?"), append(args, string(q.Owner))
	}
	if q.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(q.Kind))
	}
	switch q.Status {
	case reconcile.StatusOpen:
		where = append(where, "resolved_ns = 0")
	case reconcile.StatusResolved:
		where = append(where, "resolved_ns <> 0")
	}
	if q.After != (reconcile.ExceptionID{}) {
		where = append(where, fmt.Sprintf("(kind%[1]s > ? OR (kind = ? AND exception_key%[1]s > ?))", collate))
		args = append(args, string(q.After.Kind), string(q.After.Kind), q.After.Key)
	}
	query := `SELECT ` + exceptionColumns + ` FROM reconcile_exceptions`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(" ORDER BY kind%[1]s, exception_key%[1]s LIMIT %d", collate, q.Limit+1)
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return reconcile.ExceptionPage{}, fmt.Errorf("reconcilesql: list exceptions: %w", err)
	}
	defer rows.Close()
	var p reconcile.ExceptionPage
	for rows.Next() {
		rec, err := scanException(rows)
		if err != nil {
			return reconcile.ExceptionPage{}, fmt.Errorf("reconcilesql: list exceptions: %w", err)
		}
		p.Records = append(p.Records, rec)
	}
	if err := rows.Err(); err != nil {
		return reconcile.ExceptionPage{}, fmt.Errorf("reconcilesql: list exceptions: %w", err)
	}
	if len(p.Records) > q.Limit {
		p.Records = p.Records[:q.Limit]
		p.Next = p.Records[q.Limit-1].ID()
	}
	return p, nil
}
