package sfcc

import (
	"context"
	"iter"
)

// The interfaces below are what o2c's flows need from an SFCC client. Both
// *ocapi.Client and *scapi.Client satisfy them, so a flow runs against
// either API, and a host may substitute its own implementation (a cache, a
// recorder, a fake) for one of them.

// OrderReader reads one order. An unknown order is an error matching
// ErrNotFound.
type OrderReader interface {
	GetOrder(ctx context.Context, orderNo string) (Order, error)
}

// OrderSearcher lists the orders a query selects, page by page, as they are
// read. A page that cannot be read ends the sequence with its error after the
// orders already yielded.
type OrderSearcher interface {
	SearchOrders(ctx context.Context, q OrderQuery) iter.Seq2[Order, error]
}

// OrderStatusWriter sets the statuses o2c's flows own: the export status
// (the export flow) and the shipping status (fulfilment). A transition SFCC
// refuses is an error matching ErrConflict.
type OrderStatusWriter interface {
	SetExportStatus(ctx context.Context, orderNo string, s ExportStatus) error
	SetShippingStatus(ctx context.Context, orderNo string, s ShippingStatus) error
}

// OrderAttributeWriter sets order custom attributes: ids without the "c_"
// prefix; values string, bool, int, decimal.Decimal or []string.
type OrderAttributeWriter interface {
	PatchOrderCustom(ctx context.Context, orderNo string, attrs map[string]any) error
}

// InventoryUpdater applies many stock updates to one inventory list and
// reports each update's outcome in update order; one refused update fails
// alone.
type InventoryUpdater interface {
	UpdateInventory(ctx context.Context, list string, updates []InventoryUpdate) ([]InventoryResult, error)
}
