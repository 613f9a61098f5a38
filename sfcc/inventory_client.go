package sfcc

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/govalues/decimal"
)

// InventoryError is a client-side problem with one inventory record: an
// invalid argument or an answer that could not be decoded. API faults are
// *Error instead.
type InventoryError struct {
	List string
	SKU  string
	Op   string
	Err  error
}

// Error names the list, the SKU and the operation.
func (e *InventoryError) Error() string {
	return fmt.Sprintf("sfcc: inventory %s/%s: %s: %v", e.List, e.SKU, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *InventoryError) Unwrap() error { return e.Err }

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

func (c *Client) inventoryRel(list, sku string) string {
	return "inventory_lists/" + seg(list) + "/product_inventory_records/" + seg(sku)
}

func (c *Client) inventoryPath(list, sku string) string {
	return c.dataPath + "/" + c.inventoryRel(list, sku)
}

func checkInventoryKey(list, sku, op string) error {
	switch {
	case list == "":
		return &InventoryError{List: list, SKU: sku, Op: op, Err: fmt.Errorf("%w: empty inventory list id", ErrInvalidArgument)}
	case sku == "":
		return &InventoryError{List: list, SKU: sku, Op: op, Err: fmt.Errorf("%w: empty product id", ErrInvalidArgument)}
	}
	return nil
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

// patchDocument is the PATCH body of u: only the fields u sets.
func (u InventoryUpdate) patchDocument() ([]byte, error) {
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

func putDocument(rec InventoryRecord) ([]byte, error) {
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

// GetInventory reads one product inventory record. An absent record is a
// 404 *Error matching ErrNotFound.
func (c *Client) GetInventory(ctx context.Context, list, sku string) (InventoryRecord, error) {
	if err := checkInventoryKey(list, sku, "get"); err != nil {
		return InventoryRecord{}, err
	}
	var rec InventoryRecord
	err := c.call(ctx, request{method: http.MethodGet, path: c.inventoryPath(list, sku), idempotent: true}, &rec)
	return rec, err
}

// PutInventory creates or replaces the record rec.ProductID of list and
// returns the record as SFCC stored it. Computed fields of rec are ignored.
func (c *Client) PutInventory(ctx context.Context, list string, rec InventoryRecord) (InventoryRecord, error) {
	if err := checkInventoryKey(list, rec.ProductID, "put"); err != nil {
		return InventoryRecord{}, err
	}
	body, err := putDocument(rec)
	if err != nil {
		return InventoryRecord{}, &InventoryError{List: list, SKU: rec.ProductID, Op: "put", Err: err}
	}
	var out InventoryRecord
	err = c.call(ctx, request{method: http.MethodPut, path: c.inventoryPath(list, rec.ProductID), body: body, idempotent: true}, &out)
	return out, err
}

// PatchInventory changes the fields u sets on an existing record and returns
// the record as SFCC stored it; an absent record is a 404 *Error.
func (c *Client) PatchInventory(ctx context.Context, list string, u InventoryUpdate) (InventoryRecord, error) {
	if err := checkInventoryKey(list, u.ProductID, "patch"); err != nil {
		return InventoryRecord{}, err
	}
	body, err := u.patchDocument()
	if err != nil {
		return InventoryRecord{}, &InventoryError{List: list, SKU: u.ProductID, Op: "patch", Err: err}
	}
	var out InventoryRecord
	err = c.call(ctx, request{method: http.MethodPatch, path: c.inventoryPath(list, u.ProductID), body: body, idempotent: true}, &out)
	return out, err
}

// DeleteInventory removes a record.
func (c *Client) DeleteInventory(ctx context.Context, list, sku string) error {
	if err := checkInventoryKey(list, sku, "delete"); err != nil {
		return err
	}
	return c.call(ctx, request{method: http.MethodDelete, path: c.inventoryPath(list, sku), idempotent: true}, nil)
}

// inventoryPageSize is the Data API's largest page of inventory records.
const inventoryPageSize = 200

type inventoryPage struct {
	Count int               `json:"count"`
	Start int               `json:"start"`
	Total int               `json:"total"`
	Data  []InventoryRecord `json:"data"`
}

// InventoryRecords yields every record of list, paging with start/count
// (200 per page) until done. It stops at the first error, which it yields
// with a zero record.
func (c *Client) InventoryRecords(ctx context.Context, list string) iter.Seq2[InventoryRecord, error] {
	return func(yield func(InventoryRecord, error) bool) {
		if list == "" {
			yield(InventoryRecord{}, &InventoryError{List: list, Op: "list", Err: fmt.Errorf("%w: empty inventory list id", ErrInvalidArgument)})
			return
		}
		start := 0
		for {
			q := url.Values{"start": {strconv.Itoa(start)}, "count": {strconv.Itoa(inventoryPageSize)}}
			var page inventoryPage
			err := c.call(ctx, request{
				method:     http.MethodGet,
				path:       c.dataPath + "/inventory_lists/" + seg(list) + "/product_inventory_records",
				query:      q,
				idempotent: true,
			}, &page)
			if err != nil {
				yield(InventoryRecord{}, err)
				return
			}
			for _, r := range page.Data {
				if !yield(r, nil) {
					return
				}
			}
			if len(page.Data) == 0 || start+len(page.Data) >= page.Total {
				return
			}
			start += len(page.Data)
		}
	}
}
