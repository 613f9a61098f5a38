package main

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/internal/sqlstore"
)

// sqlIdempotency keeps the connector API's Idempotency-Key answers in the
// shared database, so a repeat that reaches another worker of the group is
// answered from the first one's answer. A claim (a request in progress) and
// an answer both expire after ttl, so a worker that died mid-request does
// not hold its key for ever.
type sqlIdempotency struct {
	db  *sqlstore.DB
	ttl time.Duration
	now func() time.Time
}

var _ httpapi.IdempotencyStore = (*sqlIdempotency)(nil)

// Begin claims key; see httpapi.IdempotencyStore.
func (s *sqlIdempotency) Begin(ctx context.Context, key string) (*httpapi.Saved, error) {
	var saved *httpapi.Saved
	err := s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
		saved = nil
		now := s.now()
		var (
			expires          int64
			status           sql.NullInt64
			ctype, body, fpr sql.NullString
		)
		err := tx.QueryRow(ctx, `SELECT expires_at, status, content_type, body, fingerprint FROM o2cd_idempotency WHERE ikey = ?`, key).
			Scan(&expires, &status, &ctype, &body, &fpr)
		switch {
		case err == nil && sqlstore.Time(expires).After(now):
			if !status.Valid {
				return httpapi.ErrInProgress
			}
			b, derr := base64.StdEncoding.DecodeString(body.String)
			f, ferr := hex.DecodeString(fpr.String)
			if derr != nil || ferr != nil || len(f) != 32 {
				return errors.New("o2cd: stored idempotent answer is unreadable")
			}
			saved = &httpapi.Saved{Status: int(status.Int64), ContentType: ctype.String, Body: b}
			copy(saved.Fingerprint[:], f)
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO o2cd_idempotency (ikey, expires_at, status, content_type, body, fingerprint) VALUES (?, ?, NULL, NULL, NULL, NULL)
			ON CONFLICT (ikey) DO UPDATE SET expires_at = excluded.expires_at, status = NULL, content_type = NULL, body = NULL, fingerprint = NULL`,
			key, sqlstore.Nanos(now.Add(s.ttl)))
		return err
	})
	return saved, err
}

// Finish saves the answer; see httpapi.IdempotencyStore.
func (s *sqlIdempotency) Finish(ctx context.Context, key string, a httpapi.Saved) error {
	_, err := s.db.Exec(ctx, `UPDATE o2cd_idempotency SET expires_at = ?, status = ?, content_type = ?, body = ?, fingerprint = ? WHERE ikey = ?`,
		sqlstore.Nanos(s.now().Add(s.ttl)), a.Status, a.ContentType, base64.StdEncoding.EncodeToString(a.Body), hex.EncodeToString(a.Fingerprint[:]), key)
	return err
}

// Abandon releases the key; see httpapi.IdempotencyStore.
func (s *sqlIdempotency) Abandon(ctx context.Context, key string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM o2cd_idempotency WHERE ikey = ? AND status IS NULL`, key)
	return err
}

// purge drops expired entries.
func (s *sqlIdempotency) purge(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `DELETE FROM o2cd_idempotency WHERE expires_at < ?`, sqlstore.Nanos(s.now()))
	return err
}
