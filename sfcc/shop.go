package sfcc

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strings"
)

// GetOrder reads one order through the Shop API (GET /orders/{no}). An
// unknown order is a 404 *Error matching ErrNotFound.
func (c *Client) GetOrder(ctx context.Context, orderNo string) (Order, error) {
	if orderNo == "" {
		return Order{}, &OrderError{OrderNo: orderNo, Op: "get", Err: fmt.Errorf("%w: empty order number", ErrInvalidArgument)}
	}
	var raw json.RawMessage
	err := c.call(ctx, request{method: http.MethodGet, path: c.shopPath + "/orders/" + seg(orderNo), idempotent: true}, &raw)
	if err != nil {
		return Order{}, err
	}
	o, err := UnmarshalShopOrder(raw)
	if err != nil {
		return Order{}, &OrderError{OrderNo: orderNo, Op: "decode", Err: err}
	}
	return o, nil
}

// OrderQuery selects orders for SearchOrders.
type OrderQuery struct {
	ExportStatus ExportStatus // "" = any
	Status       OrderStatus  // "" = any
	PageSize     int          // 1..200, default 200
	SortBy       string       // "order_no" (default) or "creation_date" (ties broken by order_no)
}

// MaxSearchPageSize is the largest page order_search serves.
const MaxSearchPageSize = 200

type termQuery struct {
	Fields   []string `json:"fields"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

func (q OrderQuery) document() (map[string]any, error) {
	size := q.PageSize
	if size == 0 {
		size = MaxSearchPageSize
	}
	if size < 1 || size > MaxSearchPageSize {
		return nil, fmt.Errorf("%w: page size %d not in 1..%d", ErrInvalidArgument, q.PageSize, MaxSearchPageSize)
	}
	sortBy := q.SortBy
	if sortBy == "" {
		sortBy = "order_no"
	}
	if sortBy != "order_no" && sortBy != "creation_date" {
		return nil, fmt.Errorf("%w: sort field %q", ErrInvalidArgument, q.SortBy)
	}
	var terms []map[string]any
	if q.ExportStatus != "" {
		terms = append(terms, map[string]any{"term_query": termQuery{Fields: []string{"export_status"}, Operator: "is", Values: []string{strings.ToLower(string(q.ExportStatus))}}})
	}
	if q.Status != "" {
		terms = append(terms, map[string]any{"term_query": termQuery{Fields: []string{"status"}, Operator: "is", Values: []string{strings.ToLower(string(q.Status))}}})
	}
	var query any
	switch len(terms) {
	case 0:
		query = map[string]any{"match_all_query": map[string]any{}}
	case 1:
		query = terms[0]
	default:
		query = map[string]any{"bool_query": map[string]any{"must": terms}}
	}
	sorts := []map[string]string{{"field": sortBy, "sort_order": "asc"}}
	if sortBy != "order_no" {
		// Orders placed in the same millisecond tie on creation_date; the
		// order number makes the order total, so offset paging neither
		// repeats nor skips one.
		sorts = append(sorts, map[string]string{"field": "order_no", "sort_order": "asc"})
	}
	return map[string]any{
		"query":  query,
		"select": "(**)",
		"sorts":  sorts,
		"count":  size,
	}, nil
}

type searchResult struct {
	Count int `json:"count"`
	Start int `json:"start"`
	Total int `json:"total"`
	Hits  []struct {
		Data json.RawMessage `json:"data"`
	} `json:"hits"`
	Next *struct {
		Start int `json:"start"`
	} `json:"next"`
}

// SearchOrders runs order_search and yields every matching order, fetching
// pages of q.PageSize with start/count until the result is exhausted. It
// stops at the first error, which it yields with a zero Order.
//
// Paging is by offset: changing the matched set while iterating (marking
// READY orders EXPORTED, say) shifts later pages, so collect first, or
// search again until nothing matches. A search is not idempotent as far as
// retries go, so it is never retried; run it again if it fails.
func (c *Client) SearchOrders(ctx context.Context, q OrderQuery) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		doc, err := q.document()
		if err != nil {
			yield(Order{}, fmt.Errorf("sfcc: order search: %w", err))
			return
		}
		start := 0
		for {
			doc["start"] = start
			body, err := jsonBody(doc)
			if err != nil {
				yield(Order{}, fmt.Errorf("sfcc: order search: %w", err))
				return
			}
			var res searchResult
			err = c.call(ctx, request{method: http.MethodPost, path: c.shopPath + "/order_search", body: body}, &res)
			if err != nil {
				yield(Order{}, err)
				return
			}
			for i, h := range res.Hits {
				o, err := UnmarshalShopOrder(h.Data)
				if err != nil {
					yield(Order{}, fmt.Errorf("sfcc: order search: decode hit at %d: %w", start+i, err))
					return
				}
				if !yield(o, nil) {
					return
				}
			}
			switch {
			case len(res.Hits) == 0:
				return
			case res.Next != nil && res.Next.Start > start:
				start = res.Next.Start
			case start+len(res.Hits) < res.Total:
				start += len(res.Hits)
			default:
				return
			}
		}
	}
}
