package reconcilesql_test

import (
	"testing"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcilesql"
	"github.com/o2ckit/o2c/reconcile/reconciletest"
)

func TestStore_PassesTheStoreConformanceSuite(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsns := map[reconcile.Store]string{}
		f := reconciletest.StoreFeatures{Reopen: func(t *testing.T, s reconcile.Store) reconcile.Store {
			return reconcilesql.New(sqlstoretest.Open(t, dsns[s]))
		}}
		reconciletest.RunStore(t, f, func(t *testing.T) reconcile.Store {
			dsn := b.DSN(t)
			s := reconcilesql.New(sqlstoretest.Open(t, dsn))
			dsns[s] = dsn
			return s
		})
	})
}

func TestExceptionStore_PassesTheExceptionStoreConformanceSuite(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsns := map[reconcile.ExceptionStore]string{}
		f := reconciletest.ExceptionStoreFeatures{Reopen: func(t *testing.T, s reconcile.ExceptionStore) reconcile.ExceptionStore {
			return reconcilesql.NewExceptionStore(sqlstoretest.Open(t, dsns[s]))
		}}
		reconciletest.RunExceptionStore(t, f, func(t *testing.T) reconcile.ExceptionStore {
			dsn := b.DSN(t)
			s := reconcilesql.NewExceptionStore(sqlstoretest.Open(t, dsn))
			dsns[s] = dsn
			return s
		})
	})
}
