package erp

import (
	"context"

	"github.com/o2ckit/o2c/dedupe"
)

// Customers is the ERP's customer master. It is a dedupe.Directory, so the
// dedupe Resolver can run lookup-or-create against any ERP adapter.
//
// Implementations must be safe for concurrent use.
type Customers interface {
	// FindCustomersByEmail returns every customer whose email equals email
	// ignoring case (none: an empty slice and nil). Errors: ErrUnavailable
	// (transient), the context's error.
	//
	// CreateCustomer creates c and returns it with ID and Created set.
	// Errors: ErrDuplicateCustomer (== dedupe.ErrDuplicateEmail) when a
	// customer with the same email ignoring case exists; ErrInvalid for a
	// record without an email; ErrUnavailable; the context's error.
	dedupe.Directory
	// GetCustomer returns the customer with the ERP id. Errors: ErrNotFound,
	// ErrUnavailable, the context's error.
	GetCustomer(ctx context.Context, id string) (Customer, error)
}

// SalesOrders is the ERP's sales order book.
//
// Implementations must be safe for concurrent use.
type SalesOrders interface {
	// CreateSalesOrder creates so and returns it with DocumentNo and Created
	// set. It is idempotent on so.ExternalRef: when a document with that
	// reference exists and has the same content it returns that document and
	// a nil error, however many callers race, so a retry after a timeout is
	// always safe. Errors: ErrConflict when the existing document differs;
	// ErrInvalid for an empty ExternalRef or a document whose lines do not
	// add up to its totals; ErrUnavailable (the document may or may not
	// exist: retry with the same ExternalRef); the context's error.
	CreateSalesOrder(ctx context.Context, so SalesOrder) (SalesOrder, error)
	// GetSalesOrder returns the document with the external reference (the
	// SFCC order number). Errors: ErrNotFound, ErrUnavailable, the context's error.
	GetSalesOrder(ctx context.Context, externalRef string) (SalesOrder, error)
}

// Ledger is the ERP's general ledger.
//
// Implementations must be safe for concurrent use.
type Ledger interface {
	// PostJournal posts j and returns it with EntryNo set. It is idempotent
	// on j.Reference: posting the same journal again returns the first
	// posting and a nil error. Errors: ErrUnbalanced (an
	// *UnbalancedJournalError) when debits and credits differ; ErrInvalid
	// for an empty reference or a negative or two-sided line; ErrConflict
	// when a different journal has the reference; ErrUnavailable; the
	// context's error.
	PostJournal(ctx context.Context, j JournalEntry) (JournalEntry, error)
	// GetJournal returns the posted journal with the reference. Errors:
	// ErrNotFound, ErrUnavailable, the context's error.
	GetJournal(ctx context.Context, reference string) (JournalEntry, error)
}
