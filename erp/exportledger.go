package erp

import (
	"context"
	"sync"
	"time"
)

// ExportState is how far the export of one order has got.
type ExportState string

// Export states, in the order an export reaches them.
const (
	// ExportStateDocumentCreated: the ERP holds the sales order.
	ExportStateDocumentCreated ExportState = "document-created"
	// ExportStateJournalPosted: the ledger holds the order's journal too.
	ExportStateJournalPosted ExportState = "journal-posted"
	// ExportStateExported: SFCC shows the order EXPORTED.
	ExportStateExported ExportState = "exported"
	// ExportStateFailed: SFCC shows the order FAILED; Reason says why.
	ExportStateFailed ExportState = "failed"
)

// ExportRecord is what the export ledger remembers of one order.
type ExportRecord struct {
	// OrderNo is the SFCC order number, the record's key.
	OrderNo string
	State   ExportState
	// DocumentNo is the ERP sales order's number, once created.
	DocumentNo string
	// JournalEntryNo is the posted journal's number, once posted.
	JournalEntryNo string
	// Reason is why the order failed (ExportStateFailed only).
	Reason string
	// Updated is when the record last changed (UTC).
	Updated time.Time
}

// ExportLedger remembers, per SFCC order number, which ERP document and
// journal an export made and how far it got, so a host can answer "where
// did order X go" and a durable implementation (erp/erpsql) can be
// plugged into the Exporter. The Exporter never relies on it for
// correctness: every ERP write is idempotent on the order number, so a lost
// or empty ledger only costs repeated calls.
//
// The Exporter writes exported or failed just before it tells SFCC, and
// puts the previous record back when SFCC refuses: a process that dies in
// between leaves the ledger one step ahead of SFCC, never behind, and the
// next run, which finds the order still READY, brings the two together.
// (The other way round, an order SFCC shows EXPORTED is never exported
// again, and its record would stay behind for good.)
//
// Implementations must be safe for concurrent use; concurrent writers of
// different orders never lose an update, and a record is never torn (its
// fields all come from one PutExportRecord). A call whose context has
// ended returns an error and changes nothing. erptest.RunExportLedger checks
// the contract.
type ExportLedger interface {
	// ExportRecord returns the record of the order and whether there is one.
	// Errors: the store's own (the Exporter then goes on without it).
	ExportRecord(ctx context.Context, orderNo string) (ExportRecord, bool, error)
	// PutExportRecord stores rec under rec.OrderNo, replacing any record.
	PutExportRecord(ctx context.Context, rec ExportRecord) error
}

// MemoryExportLedger is the in-memory ExportLedger, the Exporter's default.
// The zero value is ready to use.
type MemoryExportLedger struct {
	mu   sync.Mutex
	recs map[string]ExportRecord
}

var _ ExportLedger = (*MemoryExportLedger)(nil)

// ExportRecord implements ExportLedger.
func (m *MemoryExportLedger) ExportRecord(ctx context.Context, orderNo string) (ExportRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return ExportRecord{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[orderNo]
	return r, ok, nil
}

// PutExportRecord implements ExportLedger.
func (m *MemoryExportLedger) PutExportRecord(ctx context.Context, rec ExportRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.recs == nil {
		m.recs = map[string]ExportRecord{}
	}
	m.recs[rec.OrderNo] = rec
	return nil
}
