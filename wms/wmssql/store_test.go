package wmssql_test

import (
	"testing"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmssql"
	"github.com/o2ckit/o2c/wms/wmstest"
)

func TestLevelStore_PassesTheLevelStoreConformanceSuite(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsns := map[wms.LevelStore]string{}
		f := wmstest.LevelStoreFeatures{Reopen: func(t *testing.T, s wms.LevelStore) wms.LevelStore {
			// A new pool on the same database: what a restarted process opens.
			return wmssql.NewLevelStore(sqlstoretest.Open(t, dsns[s]))
		}}
		wmstest.RunLevelStore(t, f, func(t *testing.T) wms.LevelStore {
			dsn := b.DSN(t)
			s := wmssql.NewLevelStore(sqlstoretest.Open(t, dsn))
			dsns[s] = dsn
			return s
		})
	})
}

func TestEventStore_PassesTheEventStoreConformanceSuite(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		wmstest.RunEventStore(t, func(t *testing.T) wms.EventStore {
			return wmssql.NewEventStore(sqlstoretest.Open(t, b.DSN(t)))
		})
	})
}
