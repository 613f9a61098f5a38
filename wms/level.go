package wms

import (
	"context"
	"iter"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// StockLevel is an absolute stock level from the ERP or WMS: how much of a
// SKU is available at a location at a point in the source's history.
type StockLevel struct {
	SKU string `json:"sku"`
	// Location is the warehouse or stock location; "" is the default one.
	Location string `json:"location,omitempty"`
	// Available is the quantity available to sell (may be negative when
	// the source is oversold; the pushed allocation never is).
	Available decimal.Decimal `json:"available"`
	// Sequence is the source's sequence number for this SKU and location
	// (any increasing number); 0 when the source has none.
	Sequence int64 `json:"sequence,omitempty"`
	// At is the source timestamp of the level, UTC.
	At time.Time `json:"at,omitzero"`
}

// Supersedes reports whether l replaces prev for the same SKU and
// location: by Sequence when both carry one, else by At. A level equal to
// prev (same sequence, or same time) is not newer, so a re-delivery changes
// nothing. Levels with neither sequence nor time supersede in arrival order.
func (l StockLevel) Supersedes(prev StockLevel) bool {
	if l.Sequence != 0 && prev.Sequence != 0 {
		return l.Sequence > prev.Sequence
	}
	if l.At.IsZero() && prev.At.IsZero() {
		return true
	}
	return l.At.After(prev.At)
}

func (l StockLevel) validate() string {
	switch {
	case strings.TrimSpace(l.SKU) == "":
		return "SKU is empty"
	case strings.TrimSpace(l.SKU) != l.SKU:
		return "SKU has leading or trailing white space"
	case len(l.SKU) > 100:
		return "SKU is longer than 100 characters"
	case l.Sequence < 0:
		return "sequence is negative"
	}
	return ""
}

// InventoryWriter pushes allocations to SFCC inventory lists in batches.
// *ocapi.Client satisfies it.
type InventoryWriter interface {
	// UpdateInventory patches records of list (in OCAPI batches of at most
	// 50) and reports each update's outcome in update order.
	UpdateInventory(ctx context.Context, list string, updates []sfcc.InventoryUpdate) ([]sfcc.InventoryResult, error)
}

// InventoryCreator creates or replaces one inventory record. When the
// Pusher's writer also implements it (as *ocapi.Client does), a SKU that has
// no record in the list yet (PATCH answers not found) is created with PUT.
type InventoryCreator interface {
	PutInventory(ctx context.Context, list string, rec sfcc.InventoryRecord) (sfcc.InventoryRecord, error)
}

// InventoryLister pages through an inventory list's records.
// *ocapi.Client satisfies it.
type InventoryLister interface {
	InventoryRecords(ctx context.Context, list string) iter.Seq2[sfcc.InventoryRecord, error]
}

// Ticker delivers ticks for Pusher.Run; tests inject a manual one.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type timeTicker struct{ t *time.Ticker }

func (t timeTicker) C() <-chan time.Time { return t.t.C }
func (t timeTicker) Stop()               { t.t.Stop() }

// NewTimeTicker is the default Ticker factory, backed by time.Ticker.
func NewTimeTicker(d time.Duration) Ticker { return timeTicker{time.NewTicker(d)} }
