package sfcc

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/govalues/decimal"
)

// PreOrderBackOrderHandling says whether a product can be sold beyond its
// allocation, as pre-order or back-order.
type PreOrderBackOrderHandling string

// Pre-order/back-order handling values, spelt as the Data API spells them.
const (
	HandlingNone      PreOrderBackOrderHandling = "none"
	HandlingPreorder  PreOrderBackOrderHandling = "preorder"
	HandlingBackorder PreOrderBackOrderHandling = "backorder"
)

// InventoryRecord is a product inventory record of an inventory list (Data
// API product_inventory_record). Allocation is what o2c writes; ATS,
// StockLevel, Turnover and OnOrder are computed by SFCC and read-only.
//
// Its JSON form is the Data API's wire form: amounts are JSON numbers written
// from the exact decimal, never through a float.
type InventoryRecord struct {
	ProductID       string
	InventoryListID string
	// Allocation is the allocated quantity.
	Allocation decimal.Decimal
	// AllocationResetDate is when the allocation was (re)set; zero if unknown.
	AllocationResetDate time.Time
	// Perpetual marks a product that is always in stock.
	Perpetual                   bool
	PreOrderBackOrderHandling   PreOrderBackOrderHandling
	PreOrderBackOrderAllocation decimal.Decimal
	// InStockDate is when a sold-out product is expected back; zero if none.
	InStockDate time.Time
	// ATS (available to sell), StockLevel, Turnover and OnOrder are computed
	// by SFCC; they are ignored on writes.
	ATS        decimal.Decimal
	StockLevel decimal.Decimal
	Turnover   decimal.Decimal
	OnOrder    decimal.Decimal
}

type wireAllocation struct {
	Amount    *json.Number `json:"amount,omitempty"`
	ResetDate string       `json:"reset_date,omitempty"`
}

type wireInventoryRecord struct {
	ProductID                   string          `json:"product_id,omitempty"`
	InventoryListID             string          `json:"inventory_list_id,omitempty"`
	Allocation                  *wireAllocation `json:"allocation,omitempty"`
	PerpetualFlag               *bool           `json:"perpetual_flag,omitempty"`
	PreOrderBackOrderHandling   string          `json:"pre_order_back_order_handling,omitempty"`
	PreOrderBackOrderAllocation *json.Number    `json:"pre_order_back_order_allocation,omitempty"`
	InStockDate                 string          `json:"in_stock_date,omitempty"`
	ATS                         *json.Number    `json:"ats,omitempty"`
	StockLevel                  *json.Number    `json:"stock_level,omitempty"`
	Turnover                    *json.Number    `json:"inventory_turnover,omitempty"`
	OnOrder                     *json.Number    `json:"quantity_on_order,omitempty"`
}

func num(d decimal.Decimal) *json.Number {
	n := json.Number(d.String())
	return &n
}

// parseAPITime reads an RFC 3339 timestamp of the APIs, in UTC. A time whose
// UTC year is outside 0000-9999 (a year-0 date with a positive offset, a
// year-9999 one with a negative offset) is refused: RFC 3339 cannot write
// it, so a record holding it could never be sent or read back.
func parseAPITime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return time.Time{}, fmt.Errorf("time %q is year %d in UTC, outside 0000-9999", s, y)
	}
	return t, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// MarshalJSON writes the record in the Data API's wire form, amounts as
// exact JSON numbers.
func (r InventoryRecord) MarshalJSON() ([]byte, error) {
	perpetual := r.Perpetual
	w := wireInventoryRecord{
		ProductID:                   r.ProductID,
		InventoryListID:             r.InventoryListID,
		Allocation:                  &wireAllocation{Amount: num(r.Allocation), ResetDate: formatTime(r.AllocationResetDate)},
		PerpetualFlag:               &perpetual,
		PreOrderBackOrderHandling:   string(r.PreOrderBackOrderHandling),
		PreOrderBackOrderAllocation: num(r.PreOrderBackOrderAllocation),
		InStockDate:                 formatTime(r.InStockDate),
		ATS:                         num(r.ATS),
		StockLevel:                  num(r.StockLevel),
		Turnover:                    num(r.Turnover),
		OnOrder:                     num(r.OnOrder),
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the Data API's wire form without going through a float.
func (r *InventoryRecord) UnmarshalJSON(data []byte) error {
	var w wireInventoryRecord
	if err := json.Unmarshal(data, &w); err != nil {
		// Name the product whenever the document has one, also for a
		// value encoding/json itself refuses (a string where a number goes).
		var probe struct {
			ProductID string `json:"product_id"`
		}
		if json.Unmarshal(data, &probe) != nil || probe.ProductID == "" {
			probe.ProductID = w.ProductID
		}
		return fmt.Errorf("sfcc: inventory record %q: %w", probe.ProductID, err)
	}
	out := InventoryRecord{
		ProductID:                 w.ProductID,
		InventoryListID:           w.InventoryListID,
		PreOrderBackOrderHandling: PreOrderBackOrderHandling(w.PreOrderBackOrderHandling),
	}
	if w.PerpetualFlag != nil {
		out.Perpetual = *w.PerpetualFlag
	}
	var err error
	parse := func(field string, n *json.Number, dst *decimal.Decimal) {
		if err != nil || n == nil {
			return
		}
		d, perr := decimal.Parse(n.String())
		if perr != nil {
			err = fmt.Errorf("sfcc: inventory record %q: %s: %w", w.ProductID, field, perr)
			return
		}
		*dst = d
	}
	parseTime := func(field, s string, dst *time.Time) {
		if err != nil || s == "" {
			return
		}
		t, perr := parseAPITime(s)
		if perr != nil {
			err = fmt.Errorf("sfcc: inventory record %q: %s: %w", w.ProductID, field, perr)
			return
		}
		// SFCC keeps inventory dates to the millisecond and so does the
		// wire form this record writes: a finer time would not survive a
		// write and read back.
		*dst = t.Truncate(time.Millisecond)
	}
	if w.Allocation != nil {
		parse("allocation.amount", w.Allocation.Amount, &out.Allocation)
		parseTime("allocation.reset_date", w.Allocation.ResetDate, &out.AllocationResetDate)
	}
	parse("pre_order_back_order_allocation", w.PreOrderBackOrderAllocation, &out.PreOrderBackOrderAllocation)
	parseTime("in_stock_date", w.InStockDate, &out.InStockDate)
	parse("ats", w.ATS, &out.ATS)
	parse("stock_level", w.StockLevel, &out.StockLevel)
	parse("inventory_turnover", w.Turnover, &out.Turnover)
	parse("quantity_on_order", w.OnOrder, &out.OnOrder)
	if err != nil {
		return err
	}
	*r = out
	return nil
}

// InventoryUpdate is a PATCH of one record: nil/zero-valued optional fields
// are left unchanged.
type InventoryUpdate struct {
	ProductID string
	// Allocation sets the allocated quantity.
	Allocation *decimal.Decimal
	// AllocationResetDate is sent with the allocation; zero = not sent.
	AllocationResetDate time.Time
	Perpetual           *bool
	// PreOrderBackOrderHandling: "" = not sent.
	PreOrderBackOrderHandling   PreOrderBackOrderHandling
	PreOrderBackOrderAllocation *decimal.Decimal
	// InStockDate sets the expected in-stock date; a pointer to the zero
	// time clears it.
	InStockDate *time.Time
}

// InventoryResult is the outcome of one update of UpdateInventory.
type InventoryResult struct {
	ProductID string
	Record    InventoryRecord // the record as SFCC stored it, when Err is nil
	Err       error
}

// wireInventoryWrite is the writable part of a product inventory record;
// computed fields (ats, stock level, turnover, on order) are never sent.
type wireInventoryWrite struct {
	ProductID                   string          `json:"product_id,omitempty"`
	Allocation                  *wireAllocation `json:"allocation,omitempty"`
	PerpetualFlag               *bool           `json:"perpetual_flag,omitempty"`
	PreOrderBackOrderHandling   string          `json:"pre_order_back_order_handling,omitempty"`
	PreOrderBackOrderAllocation *json.Number    `json:"pre_order_back_order_allocation,omitempty"`
	InStockDate                 *string         `json:"in_stock_date,omitempty"`
}

// PatchDocument is u as an OCAPI product inventory record PATCH body: only the
// fields u sets. An update that changes nothing is an error matching
// ErrInvalidArgument.
func (u InventoryUpdate) PatchDocument() ([]byte, error) {
	doc := map[string]any{}
	if u.Allocation != nil || !u.AllocationResetDate.IsZero() {
		alloc := map[string]any{}
		if u.Allocation != nil {
			alloc["amount"] = json.Number(u.Allocation.String())
		}
		if !u.AllocationResetDate.IsZero() {
			alloc["reset_date"] = formatTime(u.AllocationResetDate)
		}
		doc["allocation"] = alloc
	}
	if u.Perpetual != nil {
		doc["perpetual_flag"] = *u.Perpetual
	}
	if u.PreOrderBackOrderHandling != "" {
		doc["pre_order_back_order_handling"] = string(u.PreOrderBackOrderHandling)
	}
	if u.PreOrderBackOrderAllocation != nil {
		doc["pre_order_back_order_allocation"] = json.Number(u.PreOrderBackOrderAllocation.String())
	}
	if u.InStockDate != nil {
		if u.InStockDate.IsZero() {
			doc["in_stock_date"] = nil // JSON null clears the date
		} else {
			doc["in_stock_date"] = formatTime(*u.InStockDate)
		}
	}
	if len(doc) == 0 {
		return nil, fmt.Errorf("%w: update changes nothing", ErrInvalidArgument)
	}
	return json.Marshal(doc)
}

// PutDocument is rec as an OCAPI product inventory record PUT body: the
// writable fields only (computed ones such as ATS are never sent).
func (rec InventoryRecord) PutDocument() ([]byte, error) {
	perpetual := rec.Perpetual
	w := wireInventoryWrite{
		ProductID:                 rec.ProductID,
		Allocation:                &wireAllocation{Amount: num(rec.Allocation), ResetDate: formatTime(rec.AllocationResetDate)},
		PerpetualFlag:             &perpetual,
		PreOrderBackOrderHandling: string(rec.PreOrderBackOrderHandling),
	}
	if !rec.PreOrderBackOrderAllocation.IsZero() || rec.PreOrderBackOrderHandling != "" {
		w.PreOrderBackOrderAllocation = num(rec.PreOrderBackOrderAllocation)
	}
	if s := formatTime(rec.InStockDate); s != "" {
		w.InStockDate = &s
	}
	return json.Marshal(w)
}
