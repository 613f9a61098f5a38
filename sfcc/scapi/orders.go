package scapi

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// GetOrder reads one order (getOrder: GET /orders/{orderNo}). An unknown
// order is a 404 *sfcc.Error matching sfcc.ErrNotFound; a document that
// does not decode is an *sfcc.OrderError naming the order.
func (c *Client) GetOrder(ctx context.Context, orderNo string) (sfcc.Order, error) {
	if err := checkOrderNo(orderNo, "get"); err != nil {
		return sfcc.Order{}, err
	}
	var raw json.RawMessage
	err := c.call(ctx, wire.Request{Method: http.MethodGet, Path: c.orderPath(orderNo), Query: c.siteQuery(), Idempotent: true}, &raw)
	if err != nil {
		return sfcc.Order{}, err
	}
	o, err := sfcc.UnmarshalSCAPIOrder(raw)
	if err != nil {
		return sfcc.Order{}, &sfcc.OrderError{OrderNo: orderNo, Op: "decode", Err: err}
	}
	return o, nil
}

// MaxPageSize is the largest page getOrders serves (limit).
const MaxPageSize = 200

// MaxSearchWindow is how far getOrders pages: offset + limit ≤ 10000.
const MaxSearchWindow = 10000

// MaxPageFailures is how often in a row SearchOrders asks again for a page
// that failed, when its consumer keeps iterating after the error.
const MaxPageFailures = 3

// ErrSearchWindow is yielded when a search fills getOrders' whole window
// (offset + limit ≤ 10000): more orders may match than SCAPI pages through
// (SCAPI cannot say whether exactly 10000 match), so narrow the query (an
// export status, a creation date) or act on these and search again.
var ErrSearchWindow = fmt.Errorf("%w: more orders match than SCAPI pages through (offset+limit <= %d)", sfcc.ErrInvalidArgument, MaxSearchWindow)

func searchQuery(c *Client, q sfcc.OrderQuery) (url.Values, int, error) {
	size := q.PageSize
	if size == 0 {
		size = MaxPageSize
	}
	if size < 1 || size > MaxPageSize {
		return nil, 0, fmt.Errorf("%w: page size %d not in 1..%d", sfcc.ErrInvalidArgument, q.PageSize, MaxPageSize)
	}
	// getOrders sorts by creation or modification date only; oldest first
	// keeps a pass stable while new orders arrive at the end.
	switch q.SortBy {
	case "", "order_no", "creation_date":
	default:
		return nil, 0, fmt.Errorf("%w: sort field %q", sfcc.ErrInvalidArgument, q.SortBy)
	}
	v := c.siteQuery()
	v.Set("sortBy", "creation_date")
	v.Set("sortOrder", "asc")
	v.Set("limit", strconv.Itoa(size))
	if q.ExportStatus != "" {
		v.Set("exportStatus", strings.ToLower(string(q.ExportStatus)))
	}
	if q.Status != "" {
		v.Set("status", strings.ToLower(string(q.Status)))
	}
	if len(q.ShippingStatuses) > 0 {
		seen := map[sfcc.ShippingStatus]bool{}
		var ss []string
		for _, s := range q.ShippingStatuses {
			if s == "" || seen[s] {
				continue
			}
			seen[s] = true
			ss = append(ss, strings.ToLower(string(s)))
		}
		// The spec's shippingStatus is a comma-separated list (style form,
		// explode false) of at most three values.
		if len(ss) > 3 {
			return nil, 0, fmt.Errorf("%w: more than three shipping statuses", sfcc.ErrInvalidArgument)
		}
		v.Set("shippingStatus", strings.Join(ss, ","))
	}
	return v, size, nil
}

type ordersResponse struct {
	Data []json.RawMessage `json:"data"`
}

// SearchOrders pages through getOrders (GET /orders with offset and limit,
// oldest first) and yields every matching order. The query's export
// status, order status and shipping statuses become getOrders filters.
// getOrders cannot sort by order number: SortBy "order_no" (the default)
// and "creation_date" both sort by creation date, oldest first, which for
// orders numbered as they are placed is the same order.
//
// getOrders is a read, retried by the transport (Retry-After honoured). A
// page that still fails yields its error with a zero Order; a consumer that
// keeps iterating gets the same page asked for again — the pass resumes
// where it failed — until it has failed MaxPageFailures times in a row. An
// order that cannot be decoded yields an *sfcc.OrderError naming it and the
// others still follow. More than MaxSearchWindow matches end the sequence
// with ErrSearchWindow after the orders SCAPI could page.
//
// Paging is by offset: changing the matched set while iterating (marking
// READY orders EXPORTED) shifts later pages; collect first, or search again
// until nothing matches.
func (c *Client) SearchOrders(ctx context.Context, q sfcc.OrderQuery) iter.Seq2[sfcc.Order, error] {
	return func(yield func(sfcc.Order, error) bool) {
		query, size, err := searchQuery(c, q)
		if err != nil {
			yield(sfcc.Order{}, fmt.Errorf("scapi: order search: %w", err))
			return
		}
		offset, failures := 0, 0
		for {
			if offset+size > MaxSearchWindow {
				size = MaxSearchWindow - offset
				if size <= 0 {
					yield(sfcc.Order{}, fmt.Errorf("scapi: order search: %w", ErrSearchWindow))
					return
				}
				query.Set("limit", strconv.Itoa(size))
			}
			query.Set("offset", strconv.Itoa(offset))
			var res ordersResponse
			err := c.call(ctx, wire.Request{Method: http.MethodGet, Path: c.ordersPath + "/orders", Query: query, Idempotent: true}, &res)
			if err != nil {
				failures++
				if !yield(sfcc.Order{}, fmt.Errorf("scapi: order search page at %d: %w", offset, err)) ||
					failures >= MaxPageFailures || ctx.Err() != nil {
					return
				}
				continue
			}
			failures = 0
			for i, raw := range res.Data {
				o, err := sfcc.UnmarshalSCAPIOrder(raw)
				if err != nil {
					var head struct {
						OrderNo string `json:"orderNo"`
					}
					_ = json.Unmarshal(raw, &head)
					o, err = sfcc.Order{}, &sfcc.OrderError{OrderNo: head.OrderNo, Op: "decode search hit", Err: fmt.Errorf("hit %d: %w", offset+i, err)}
				}
				if !yield(o, err) {
					return
				}
			}
			if len(res.Data) < size {
				return
			}
			offset += len(res.Data)
		}
	}
}

// setStatus PUTs {"status": value} to one of the order's status resources.
func (c *Client) setStatus(ctx context.Context, orderNo, resource, value string) error {
	op := "set " + resource
	if err := checkOrderNo(orderNo, op); err != nil {
		return err
	}
	if value == "" {
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: empty status", sfcc.ErrInvalidArgument)}
	}
	body, err := wire.JSONBody(map[string]string{"status": value})
	if err != nil {
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: err}
	}
	// A PUT of a status is idempotent: setting it twice leaves one state.
	return c.call(ctx, wire.Request{Method: http.MethodPut, Path: c.orderPath(orderNo) + "/" + resource,
		Query: c.siteQuery(), Body: body, Idempotent: true}, nil)
}

// SetOrderStatus sets the order status (updateOrderStatus). SCAPI refuses
// some transitions (a failed order that cannot be reopened) with a 409
// *sfcc.Error matching sfcc.ErrConflict.
func (c *Client) SetOrderStatus(ctx context.Context, orderNo string, s sfcc.OrderStatus) error {
	return c.setStatus(ctx, orderNo, "status", strings.ToLower(string(s)))
}

// SetExportStatus sets the export status (updateOrderExportStatus).
// Setting EXPORTED finalises the order's on-order inventory.
func (c *Client) SetExportStatus(ctx context.Context, orderNo string, s sfcc.ExportStatus) error {
	return c.setStatus(ctx, orderNo, "export-status", strings.ToLower(string(s)))
}

// SetShippingStatus sets the shipping status (updateOrderShippingStatus).
func (c *Client) SetShippingStatus(ctx context.Context, orderNo string, s sfcc.ShippingStatus) error {
	return c.setStatus(ctx, orderNo, "shipping-status", strings.ToLower(string(s)))
}

// SetPaymentStatus sets the payment status (updateOrderPaymentStatus).
func (c *Client) SetPaymentStatus(ctx context.Context, orderNo string, s sfcc.PaymentStatus) error {
	return c.setStatus(ctx, orderNo, "payment-status", strings.ToLower(string(s)))
}

// SetConfirmationStatus sets the confirmation status
// (updateOrderConfirmationStatus).
func (c *Client) SetConfirmationStatus(ctx context.Context, orderNo string, s sfcc.ConfirmationStatus) error {
	return c.setStatus(ctx, orderNo, "confirmation-status", strings.ToLower(string(s)))
}

// SetExternalStatus sets the free-text external status
// (updateOrderExternalStatus); it is sent as given (1 to 256 characters).
func (c *Client) SetExternalStatus(ctx context.Context, orderNo string, status string) error {
	if len(status) > 256 {
		return &sfcc.OrderError{OrderNo: orderNo, Op: "set external-status", Err: fmt.Errorf("%w: status longer than 256", sfcc.ErrInvalidArgument)}
	}
	return c.setStatus(ctx, orderNo, "external-status", status)
}

// PatchOrderCustom sets order custom attributes (updateOrder: PATCH
// /orders/{orderNo} with c_ fields). Keys are attribute ids without the
// "c_" prefix; values string, bool, int, decimal.Decimal or []string; nil
// removes the attribute. An unsupported value is an error naming the key,
// and nothing is sent.
func (c *Client) PatchOrderCustom(ctx context.Context, orderNo string, attrs map[string]any) error {
	op := "patch custom attributes"
	if err := checkOrderNo(orderNo, op); err != nil {
		return err
	}
	if len(attrs) == 0 {
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: no attributes", sfcc.ErrInvalidArgument)}
	}
	doc := make(map[string]any, len(attrs))
	for k, v := range attrs {
		id := strings.TrimPrefix(k, "c_")
		if id == "" || strings.ContainsAny(id, " \"\\") {
			return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: attribute id %q", sfcc.ErrInvalidArgument, k)}
		}
		wv, err := customWireValue(v)
		if err != nil {
			return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: attribute %s: %v", sfcc.ErrInvalidArgument, id, err)}
		}
		doc["c_"+id] = wv
	}
	body, err := wire.JSONBody(doc)
	if err != nil {
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: err}
	}
	// Setting the same attributes again leaves the same order: idempotent.
	return c.call(ctx, wire.Request{Method: http.MethodPatch, Path: c.orderPath(orderNo), Query: c.siteQuery(),
		Body: body, Idempotent: true}, nil)
}

func customWireValue(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string, bool:
		return x, nil
	case decimal.Decimal:
		return json.Number(x.String()), nil
	case *decimal.Decimal:
		if x == nil {
			return nil, nil
		}
		return json.Number(x.String()), nil
	case []string:
		if x == nil {
			return []string{}, nil
		}
		return x, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(rv.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(strconv.FormatUint(rv.Uint(), 10)), nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}
