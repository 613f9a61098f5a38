package wms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// tempErr is a transient failure as *sfcc.Error reports one (429/5xx).
type tempErr struct{ status int }

func (e tempErr) Error() string   { return "sfcc: HTTP " + strconv.Itoa(e.status) }
func (e tempErr) Temporary() bool { return e.status == 429 || e.status >= 500 }

var errNoOrder = tempErr{status: 404}

// fakeOrders is an in-memory OrderUpdater with call counting and scripted
// failures.
type fakeOrders struct {
	mu       sync.Mutex
	orders   map[string]sfcc.Order
	calls    map[string]int
	statuses map[string][]sfcc.ShippingStatus // history per order
	// fail, when set, is asked before each call; a non-nil error fails it.
	fail func(method, orderNo string) error
	// onGet, when set, runs (unlocked) at the start of GetOrder.
	onGet func(orderNo string)
	// lose, when set, is asked after a write took effect; a non-nil error
	// is returned instead of success (a response lost on the way back).
	lose func(method, orderNo string) error
	// messages are the shipment messages the storefront job sends from
	// the FlagNotifier attributes, per order: one per package id appended
	// to the notified list beyond the longest list it has seen.
	messages map[string][]string
	jobSeen  map[string]int
}

func newFakeOrders(os ...sfcc.Order) *fakeOrders {
	f := &fakeOrders{orders: map[string]sfcc.Order{}, calls: map[string]int{}, statuses: map[string][]sfcc.ShippingStatus{}}
	for _, o := range os {
		f.orders[o.OrderNo] = o
	}
	return f
}

func (f *fakeOrders) enter(method, orderNo string) error {
	f.calls[method]++
	if f.fail != nil {
		if err := f.fail(method, orderNo); err != nil {
			return err
		}
	}
	if _, ok := f.orders[orderNo]; !ok {
		return fmt.Errorf("order %s: %w", orderNo, errNoOrder)
	}
	return nil
}

func (f *fakeOrders) GetOrder(ctx context.Context, orderNo string) (sfcc.Order, error) {
	if f.onGet != nil {
		f.onGet(orderNo)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("GetOrder", orderNo); err != nil {
		return sfcc.Order{}, err
	}
	o := f.orders[orderNo]
	o.Custom = slices.Clone(o.Custom)
	return o, nil
}

func (f *fakeOrders) PatchOrderCustom(ctx context.Context, orderNo string, attrs map[string]any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("PatchOrderCustom", orderNo); err != nil {
		return err
	}
	o := f.orders[orderNo]
	cs := slices.Clone(o.Custom)
	for id, v := range attrs {
		cs = slices.DeleteFunc(cs, func(a sfcc.CustomAttribute) bool { return a.ID == id })
		switch v := v.(type) {
		case nil:
		case []string:
			cs = append(cs, sfcc.CustomAttribute{ID: id, Values: slices.Clone(v), Multi: true})
		case string:
			cs = append(cs, sfcc.CustomAttribute{ID: id, Values: []string{v}})
		case int:
			cs = append(cs, sfcc.CustomAttribute{ID: id, Values: []string{strconv.Itoa(v)}})
		case bool:
			cs = append(cs, sfcc.CustomAttribute{ID: id, Values: []string{strconv.FormatBool(v)}})
		case decimal.Decimal:
			cs = append(cs, sfcc.CustomAttribute{ID: id, Values: []string{v.String()}})
		default:
			return fmt.Errorf("fake: unsupported attribute type %T", v)
		}
	}
	o.Custom = cs
	f.orders[orderNo] = o
	if ids, ok := attrs[DefaultNotifiedAttr].([]string); ok {
		if f.messages == nil {
			f.messages, f.jobSeen = map[string][]string{}, map[string]int{}
		}
		if seen := f.jobSeen[orderNo]; len(ids) > seen {
			f.messages[orderNo] = append(f.messages[orderNo], ids[seen:]...)
			f.jobSeen[orderNo] = len(ids)
		}
	}
	if f.lose != nil {
		return f.lose("PatchOrderCustom", orderNo)
	}
	return nil
}

// sent returns the shipment messages the storefront job sent for an order.
func (f *fakeOrders) sent(no string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.messages[no])
}

func (f *fakeOrders) SetShippingStatus(ctx context.Context, orderNo string, s sfcc.ShippingStatus) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("SetShippingStatus", orderNo); err != nil {
		return err
	}
	o := f.orders[orderNo]
	if o.Status.Shipping == sfcc.ShippingStatusShipped && s == sfcc.ShippingStatusNotShipped {
		return errors.New("fake: 409 OrderStatusTransitionException")
	}
	o.Status.Shipping = s
	f.orders[orderNo] = o
	f.statuses[orderNo] = append(f.statuses[orderNo], s)
	if f.lose != nil {
		return f.lose("SetShippingStatus", orderNo)
	}
	return nil
}

func (f *fakeOrders) order(no string) sfcc.Order {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.orders[no]
}

func (f *fakeOrders) history(no string) []sfcc.ShippingStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.statuses[no])
}

// countingNotifier wraps a Notifier and counts Notify calls that changed
// something, per order, and every Notify call (calls), so tests can tell a
// sequencer that asks twice from an idempotent notifier that hides it.
type countingNotifier struct {
	Notifier
	mu    sync.Mutex
	sends map[string][]string
	calls map[string]int
}

func (c *countingNotifier) Notify(ctx context.Context, n Notification) error {
	c.mu.Lock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[n.OrderNo]++
	c.mu.Unlock()
	already, err := c.Notifier.Notified(ctx, n)
	if err != nil {
		return err
	}
	if err := c.Notifier.Notify(ctx, n); err != nil {
		return err
	}
	if !already {
		c.mu.Lock()
		if c.sends == nil {
			c.sends = map[string][]string{}
		}
		c.sends[n.OrderNo] = append(c.sends[n.OrderNo], n.ShipmentID)
		c.mu.Unlock()
	}
	return nil
}

func (c *countingNotifier) sent(orderNo string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sends[orderNo])
}

func (c *countingNotifier) notifyCalls(orderNo string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[orderNo]
}
