package erpsql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpsql"
	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers"
)

// The export ledger in a SQLite file next to the host: pass it as
// erp.ExporterConfig.Records and "where did order X go" is answered after a
// restart, and by every process exporting from the same database.
func ExampleNewExportLedger() {
	dir, _ := os.MkdirTemp("", "o2c")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "o2c.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ledger := erpsql.NewExportLedger(db)
	ledger.PutExportRecord(ctx, erp.ExportRecord{OrderNo: "00001234", State: erp.ExportStateExported, DocumentNo: "SO000001", JournalEntryNo: "JE000001"})

	rec, ok, err := ledger.ExportRecord(ctx, "00001234")
	fmt.Println(ok, err, rec.State, rec.DocumentNo, rec.JournalEntryNo)
	// Output: true <nil> exported SO000001 JE000001
}
