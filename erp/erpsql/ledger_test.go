package erpsql_test

import (
	"testing"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpsql"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
)

func TestExportLedger_PassesTheExportLedgerSuite(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsns := map[erp.ExportLedger]string{}
		f := erptest.ExportLedgerFeatures{Reopen: func(t *testing.T, l erp.ExportLedger) erp.ExportLedger {
			// A new pool on the same database: what a restarted process opens.
			return erpsql.NewExportLedger(sqlstoretest.Open(t, dsns[l]))
		}}
		erptest.RunExportLedger(t, f, func(t *testing.T) erp.ExportLedger {
			dsn := b.DSN(t)
			l := erpsql.NewExportLedger(sqlstoretest.Open(t, dsn))
			dsns[l] = dsn
			return l
		})
	})
}
