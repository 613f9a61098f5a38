package dedupesql_test

import (
	"testing"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupesql"
	"github.com/o2ckit/o2c/dedupe/dedupetest"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
)

func TestClaimStore_PassesTheClaimStoreConformanceSuite(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsns := map[dedupe.ClaimStore]string{}
		f := dedupetest.ClaimStoreFeatures{Reopen: func(t *testing.T, s dedupe.ClaimStore) dedupe.ClaimStore {
			return dedupesql.NewClaimStore(sqlstoretest.Open(t, dsns[s]))
		}}
		dedupetest.RunClaimStore(t, f, func(t *testing.T) dedupe.ClaimStore {
			dsn := b.DSN(t)
			s := dedupesql.NewClaimStore(sqlstoretest.Open(t, dsn))
			dsns[s] = dsn
			return s
		})
	})
}
