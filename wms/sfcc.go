package wms

import (
	"context"

	"github.com/o2ckit/o2c/sfcc"
)

// OrderReader reads an SFCC order. *ocapi.Client satisfies it.
type OrderReader interface {
	// GetOrder returns the order; an unknown order is an error matching
	// sfcc.ErrNotFound.
	GetOrder(ctx context.Context, orderNo string) (sfcc.Order, error)
}

// OrderUpdater is what the shipment sequencer needs from SFCC.
// *ocapi.Client satisfies it.
type OrderUpdater interface {
	OrderReader
	// PatchOrderCustom sets order custom attributes (ids without "c_";
	// values string, bool, int, decimal.Decimal or []string).
	PatchOrderCustom(ctx context.Context, orderNo string, attrs map[string]any) error
	// SetShippingStatus sets the order's shipping status.
	SetShippingStatus(ctx context.Context, orderNo string, s sfcc.ShippingStatus) error
}
