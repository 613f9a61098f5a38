// Package dedupesql implements dedupe.ClaimStore on an internal/sqlstore
// database, so Resolvers in several processes sharing one SQLite file or
// PostgreSQL database never resolve the same email at the same time. It
// registers no driver.
package dedupesql

import (
	"context"
	"fmt"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/internal/sqlstore"
)

// ClaimStore is a dedupe.ClaimStore on SQL: one row per claimed key, taken
// with a single upsert that succeeds only when the row is free, expired or
// already the caller's, which both dialects run atomically.
type ClaimStore struct {
	db *sqlstore.DB
}

var _ dedupe.ClaimStore = (*ClaimStore)(nil)

// NewClaimStore returns a ClaimStore on db.
func NewClaimStore(db *sqlstore.DB) *ClaimStore { return &ClaimStore{db: db} }

// TryClaim implements dedupe.ClaimStore.
func (s *ClaimStore) TryClaim(ctx context.Context, key, owner string, now, expires time.Time) (bool, error) {
	res, err := s.db.Exec(ctx, `INSERT INTO dedupe_claims (email_key, owner, expires_ns) VALUES (?, ?, ?)
		ON CONFLICT (email_key) DO UPDATE SET owner = excluded.owner, expires_ns = excluded.expires_ns
		WHERE dedupe_claims.owner = excluded.owner OR dedupe_claims.expires_ns <= ?`,
		key, owner, sqlstore.Nanos(expires), sqlstore.Nanos(now))
	if err != nil {
		return false, fmt.Errorf("dedupesql: claim: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("dedupesql: claim: %w", err)
	}
	return n > 0, nil
}

// Release implements dedupe.ClaimStore.
func (s *ClaimStore) Release(ctx context.Context, key, owner string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM dedupe_claims WHERE email_key = ? AND owner = ?`, key, owner); err != nil {
		return fmt.Errorf("dedupesql: release claim: %w", err)
	}
	return nil
}
