package erpsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/sqlstore"
)

// ExportLedger is an erp.ExportLedger on SQL: one row per order number,
// written with a single upsert, so processes sharing the database never
// lose each other's records and a record is never half written.
type ExportLedger struct {
	db *sqlstore.DB
}

var _ erp.ExportLedger = (*ExportLedger)(nil)

// NewExportLedger returns an ExportLedger on db.
func NewExportLedger(db *sqlstore.DB) *ExportLedger { return &ExportLedger{db: db} }

// ExportRecord implements erp.ExportLedger.
func (l *ExportLedger) ExportRecord(ctx context.Context, orderNo string) (erp.ExportRecord, bool, error) {
	rec := erp.ExportRecord{OrderNo: orderNo}
	var state string
	var updated int64
	err := l.db.QueryRow(ctx, `SELECT state, document_no, journal_entry_no, reason, updated_ns
		FROM erp_export_ledger WHERE order_no = ?`, orderNo).
		Scan(&state, &rec.DocumentNo, &rec.JournalEntryNo, &rec.Reason, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return erp.ExportRecord{}, false, nil
	}
	if err != nil {
		return erp.ExportRecord{}, false, fmt.Errorf("erpsql: export record of order %s: %w", orderNo, err)
	}
	rec.State, rec.Updated = erp.ExportState(state), sqlstore.Time(updated)
	return rec, true, nil
}

// PutExportRecord implements erp.ExportLedger.
func (l *ExportLedger) PutExportRecord(ctx context.Context, rec erp.ExportRecord) error {
	_, err := l.db.Exec(ctx, `INSERT INTO erp_export_ledger
		(order_no, state, document_no, journal_entry_no, reason, updated_ns) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (order_no) DO UPDATE SET state = excluded.state, document_no = excluded.document_no,
			journal_entry_no = excluded.journal_entry_no, reason = excluded.reason, updated_ns = excluded.updated_ns`,
		rec.OrderNo, string(rec.State), rec.DocumentNo, rec.JournalEntryNo, rec.Reason, sqlstore.Nanos(rec.Updated))
	if err != nil {
		return fmt.Errorf("erpsql: record export of order %s (%s): %w", rec.OrderNo, rec.State, err)
	}
	return nil
}
