package ocapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/govalues/decimal"
)

func (c *Client) orderPath(orderNo string) string {
	return c.dataPath + "/sites/" + seg(c.cfg.Site) + "/orders/" + seg(orderNo)
}

func (c *Client) setStatus(ctx context.Context, orderNo, kind, value string) error {
	if err := checkOrderNo(orderNo, "set "+kind); err != nil {
		return err
	}
	if value == "" {
		return &sfcc.OrderError{OrderNo: orderNo, Op: "set " + kind, Err: fmt.Errorf("%w: empty status", sfcc.ErrInvalidArgument)}
	}
	body, err := jsonBody(map[string]string{"status": value})
	if err != nil {
		return &sfcc.OrderError{OrderNo: orderNo, Op: "set " + kind, Err: err}
	}
	return c.call(ctx, request{
		method:     http.MethodPut,
		path:       c.orderPath(orderNo) + "/" + kind,
		body:       body,
		idempotent: true,
	}, nil)
}

// SetOrderStatus sets the order status (PUT .../orders/{no}/status). SFCC
// refuses some transitions (a cancelled order cannot be reopened) with a
// 409 *Error matching ErrConflict.
func (c *Client) SetOrderStatus(ctx context.Context, orderNo string, s sfcc.OrderStatus) error {
	return c.setStatus(ctx, orderNo, "status", strings.ToLower(string(s)))
}

// SetExportStatus sets the export status, typically EXPORTED once an
// integration has taken the order over. Setting EXPORTED finalises the
// order's on-order inventory in SFCC.
func (c *Client) SetExportStatus(ctx context.Context, orderNo string, s sfcc.ExportStatus) error {
	return c.setStatus(ctx, orderNo, "export_status", strings.ToLower(string(s)))
}

// SetShippingStatus sets the order's shipping status.
func (c *Client) SetShippingStatus(ctx context.Context, orderNo string, s sfcc.ShippingStatus) error {
	return c.setStatus(ctx, orderNo, "shipping_status", strings.ToLower(string(s)))
}

// SetPaymentStatus sets the order's payment status.
func (c *Client) SetPaymentStatus(ctx context.Context, orderNo string, s sfcc.PaymentStatus) error {
	return c.setStatus(ctx, orderNo, "payment_status", strings.ToLower(string(s)))
}

// SetConfirmationStatus sets the order's confirmation status.
func (c *Client) SetConfirmationStatus(ctx context.Context, orderNo string, s sfcc.ConfirmationStatus) error {
	return c.setStatus(ctx, orderNo, "confirmation_status", strings.ToLower(string(s)))
}

// SetExternalStatus sets the free-text external status an ERP or OMS keeps
// on the order; it is sent as given.
func (c *Client) SetExternalStatus(ctx context.Context, orderNo string, status string) error {
	return c.setStatus(ctx, orderNo, "external_status", status)
}

// PatchOrderCustom sets order custom attributes; keys are attribute ids
// without the "c_" prefix (the client adds it); values: string, bool, int,
// decimal.Decimal, []string; nil removes the attribute. An unsupported value
// is an error naming the key, and nothing is sent.
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
		wire, err := customWireValue(v)
		if err != nil {
			return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: attribute %s: %v", sfcc.ErrInvalidArgument, id, err)}
		}
		doc["c_"+id] = wire
	}
	body, err := jsonBody(doc)
	if err != nil {
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: err}
	}
	return c.call(ctx, request{method: http.MethodPatch, path: c.orderPath(orderNo), body: body, idempotent: true}, nil)
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
		return json.Number(fmt.Sprint(rv.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(fmt.Sprint(rv.Uint())), nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}
