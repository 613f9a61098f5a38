package ocapi

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/o2ckit/o2c/sfcc"
)

func (c *Client) inventoryRel(list, sku string) string {
	return "inventory_lists/" + seg(list) + "/product_inventory_records/" + seg(sku)
}

func (c *Client) inventoryPath(list, sku string) string {
	return c.dataPath + "/" + c.inventoryRel(list, sku)
}

func checkInventoryKey(list, sku, op string) error {
	switch {
	case list == "":
		return &sfcc.InventoryError{List: list, SKU: sku, Op: op, Err: fmt.Errorf("%w: empty inventory list id", sfcc.ErrInvalidArgument)}
	case sku == "":
		return &sfcc.InventoryError{List: list, SKU: sku, Op: op, Err: fmt.Errorf("%w: empty product id", sfcc.ErrInvalidArgument)}
	}
	return nil
}

// GetInventory reads one product inventory record. An absent record is a
// 404 *Error matching ErrNotFound.
func (c *Client) GetInventory(ctx context.Context, list, sku string) (sfcc.InventoryRecord, error) {
	if err := checkInventoryKey(list, sku, "get"); err != nil {
		return sfcc.InventoryRecord{}, err
	}
	var rec sfcc.InventoryRecord
	err := c.call(ctx, request{method: http.MethodGet, path: c.inventoryPath(list, sku), idempotent: true}, &rec)
	return rec, err
}

// PutInventory creates or replaces the record rec.ProductID of list and
// returns the record as SFCC stored it. Computed fields of rec are ignored.
func (c *Client) PutInventory(ctx context.Context, list string, rec sfcc.InventoryRecord) (sfcc.InventoryRecord, error) {
	if err := checkInventoryKey(list, rec.ProductID, "put"); err != nil {
		return sfcc.InventoryRecord{}, err
	}
	body, err := rec.PutDocument()
	if err != nil {
		return sfcc.InventoryRecord{}, &sfcc.InventoryError{List: list, SKU: rec.ProductID, Op: "put", Err: err}
	}
	var out sfcc.InventoryRecord
	err = c.call(ctx, request{method: http.MethodPut, path: c.inventoryPath(list, rec.ProductID), body: body, idempotent: true}, &out)
	return out, err
}

// PatchInventory changes the fields u sets on an existing record and returns
// the record as SFCC stored it; an absent record is a 404 *Error.
func (c *Client) PatchInventory(ctx context.Context, list string, u sfcc.InventoryUpdate) (sfcc.InventoryRecord, error) {
	if err := checkInventoryKey(list, u.ProductID, "patch"); err != nil {
		return sfcc.InventoryRecord{}, err
	}
	body, err := u.PatchDocument()
	if err != nil {
		return sfcc.InventoryRecord{}, &sfcc.InventoryError{List: list, SKU: u.ProductID, Op: "patch", Err: err}
	}
	var out sfcc.InventoryRecord
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
	Count int                    `json:"count"`
	Start int                    `json:"start"`
	Total int                    `json:"total"`
	Data  []sfcc.InventoryRecord `json:"data"`
}

// InventoryRecords yields every record of list, paging with start/count
// (200 per page) until done. It stops at the first error, which it yields
// with a zero record.
func (c *Client) InventoryRecords(ctx context.Context, list string) iter.Seq2[sfcc.InventoryRecord, error] {
	return func(yield func(sfcc.InventoryRecord, error) bool) {
		if list == "" {
			yield(sfcc.InventoryRecord{}, &sfcc.InventoryError{List: list, Op: "list", Err: fmt.Errorf("%w: empty inventory list id", sfcc.ErrInvalidArgument)})
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
				yield(sfcc.InventoryRecord{}, err)
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
