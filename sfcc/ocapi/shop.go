package ocapi

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
)

// GetOrder reads one order through the Shop API (GET /orders/{no}). An
// unknown order is a 404 *Error matching ErrNotFound.
func (c *Client) GetOrder(ctx context.Context, orderNo string) (sfcc.Order, error) {
	if err := checkOrderNo(orderNo, "get"); err != nil {
		return sfcc.Order{}, err
	}
	var raw json.RawMessage
	err := c.call(ctx, request{method: http.MethodGet, path: c.shopPath + "/orders/" + seg(orderNo), idempotent: true}, &raw)
	if err != nil {
		return sfcc.Order{}, err
	}
	o, err := sfcc.UnmarshalShopOrder(raw)
	if err != nil {
		return sfcc.Order{}, &sfcc.OrderError{OrderNo: orderNo, Op: "decode", Err: err}
	}
	return o, nil
}

// MaxSearchPageSize is the largest page order_search serves.
const MaxSearchPageSize = sfcc.MaxSearchPageSize

type termQuery struct {
	Fields   []string `json:"fields"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

func queryDocument(q sfcc.OrderQuery) (map[string]any, error) {
	size := q.PageSize
	if size == 0 {
		size = MaxSearchPageSize
	}
	if size < 1 || size > MaxSearchPageSize {
		return nil, fmt.Errorf("%w: page size %d not in 1..%d", sfcc.ErrInvalidArgument, q.PageSize, MaxSearchPageSize)
	}
	sortBy := q.SortBy
	if sortBy == "" {
		sortBy = "order_no"
	}
	if sortBy != "order_no" && sortBy != "creation_date" {
		return nil, fmt.Errorf("%w: sort field %q", sfcc.ErrInvalidArgument, q.SortBy)
	}
	var terms []map[string]any
	if q.ExportStatus != "" {
		terms = append(terms, map[string]any{"term_query": termQuery{Fields: []string{"export_status"}, Operator: "is", Values: []string{strings.ToLower(string(q.ExportStatus))}}})
	}
	if q.Status != "" {
		terms = append(terms, map[string]any{"term_query": termQuery{Fields: []string{"status"}, Operator: "is", Values: []string{strings.ToLower(string(q.Status))}}})
	}
	if len(q.ShippingStatuses) > 0 {
		values := make([]string, len(q.ShippingStatuses))
		for i, st := range q.ShippingStatuses {
			values[i] = strings.ToLower(string(st))
		}
		terms = append(terms, map[string]any{"term_query": termQuery{Fields: []string{"shipping_status"}, Operator: "one_of", Values: values}})
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

// MaxPageFailures is how often in a row SearchOrders asks again for a page
// that failed, when its consumer keeps iterating after the error, before
// the sequence ends.
const MaxPageFailures = 3

// SearchOrders runs order_search and yields every matching order, fetching
// pages of q.PageSize with start/count until the result is exhausted.
//
// order_search is a POST but changes nothing, so it is retried like any read
// (the client's retries, with Retry-After honoured). A page that still fails
// yields its error with a zero Order; a consumer that keeps iterating gets
// the same page asked for again — the pass resumes where it failed instead
// of starting over — until the page has failed MaxPageFailures times in a
// row. A hit that cannot be decoded yields an *sfcc.OrderError naming the
// order (when its number can be read) and the other hits still follow.
//
// Paging is by offset: changing the matched set while iterating (marking
// READY orders EXPORTED, say) shifts later pages, so collect first, or
// search again until nothing matches.
func (c *Client) SearchOrders(ctx context.Context, q sfcc.OrderQuery) iter.Seq2[sfcc.Order, error] {
	return func(yield func(sfcc.Order, error) bool) {
		doc, err := queryDocument(q)
		if err != nil {
			yield(sfcc.Order{}, fmt.Errorf("sfcc: order search: %w", err))
			return
		}
		start, failures := 0, 0
		for {
			doc["start"] = start
			body, err := jsonBody(doc)
			if err != nil {
				yield(sfcc.Order{}, fmt.Errorf("sfcc: order search: %w", err))
				return
			}
			var res searchResult
			err = c.call(ctx, request{method: http.MethodPost, path: c.shopPath + "/order_search", body: body, idempotent: true}, &res)
			if err != nil {
				failures++
				if !yield(sfcc.Order{}, fmt.Errorf("sfcc: order search page at %d: %w", start, err)) ||
					failures >= MaxPageFailures || ctx.Err() != nil {
					return
				}
				continue
			}
			failures = 0
			for i, h := range res.Hits {
				o, err := sfcc.UnmarshalShopOrder(h.Data)
				if err != nil {
					o, err = sfcc.Order{}, &sfcc.OrderError{OrderNo: hitOrderNo(h.Data), Op: "decode search hit", Err: fmt.Errorf("hit %d: %w", start+i, err)}
				}
				if !yield(o, err) {
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

// hitOrderNo reads the order number of a hit that did not decode as a
// whole, so the error names the order; "" when even that is unreadable.
func hitOrderNo(data json.RawMessage) string {
	var head struct {
		OrderNo string `json:"order_no"`
	}
	_ = json.Unmarshal(data, &head)
	return head.OrderNo
}
