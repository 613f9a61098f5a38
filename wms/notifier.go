package wms

import (
	"context"
	"slices"
	"time"

	"github.com/o2ckit/o2c/sfcc"
)

// Notification is what a Notifier is asked to tell the customer: one
// package of an order has shipped.
type Notification struct {
	OrderNo        string
	EventID        string
	ShipmentID     string
	Carrier        string
	Service        string
	TrackingNumber string
	TrackingURL    string
	ShippedAt      time.Time
	// Final is true when this package completed the order (SHIPPED).
	Final bool
}

// Notifier triggers the customer's shipment notification for one package.
//
// The sequencer calls Notify once the tracking data and shipping status are
// written, then Notified to confirm. When its store shows that an earlier
// run may already have called Notify (the event is in EventNotifying), it
// asks Notified first and skips Notify when that answers true. Notify must
// be idempotent per (OrderNo, ShipmentID): a run interrupted after Notify
// but before the sequencer recorded it may call Notify again, and that must
// not cause a second message. The sequencer never calls a Notifier
// concurrently for the same order.
//
// A Notifier that also implements [AttributeNotifier] is not called this
// way: its notification travels in the sequencer's tracking write.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
	Notified(ctx context.Context, n Notification) (bool, error)
}

// AttributeNotifier is a Notifier whose notification is a change of order
// custom attributes, such as [FlagNotifier]. The Sequencer folds those
// attributes into its own tracking write: one PATCH carries the tracking
// data and the notification marker, so the marker is written if and only if
// the tracking data is, and a package costs an order read, that write and,
// when the status moves, a shipping-status write. Notify and Notified are
// then not called.
type AttributeNotifier interface {
	Notifier
	// NotifyAttrs returns the custom attributes (ids without "c_") that
	// request the notification of n on order o, as read before the write.
	// When o shows the notification already requested it returns nil and
	// true: writing nothing more is what makes a re-run after a crash send
	// no second message. The ids must differ from the tracking attributes'.
	NotifyAttrs(o sfcc.Order, n Notification) (attrs map[string]any, already bool)
}

// Default FlagNotifier attribute ids.
const (
	DefaultNotifiedAttr = "shipmentNotified"
	DefaultCountAttr    = "shipmentNotifyCount"
	DefaultFlagAttr     = "shipmentNotifyPending"
)

// FlagNotifier is the default Notifier: it sets order custom attributes that
// a storefront job sends the emails from (SFRA sends no shipment email on its
// own, and OCAPI has no endpoint that does). Per order it keeps
//
//   - NotifiedAttr: multi-value list of the package ids requested so far,
//     in request order (never cleared; it is what makes Notify idempotent),
//   - CountAttr: how many packages were requested (an int),
//   - FlagAttr: true while there is something to send; the job sends a
//     message for each package beyond its own sent count and clears it.
//
// Notified reads the order back and looks for the package id. Empty
// attribute ids take the defaults.
//
// FlagNotifier is an [AttributeNotifier]: a Sequencer writes these
// attributes together with the tracking data, from the order it has just
// read, and Orders is only used by direct calls to Notify and Notified.
type FlagNotifier struct {
	Orders       OrderUpdater
	NotifiedAttr string
	CountAttr    string
	FlagAttr     string
}

func (f FlagNotifier) attrs() (notified, count, flag string) {
	notified, count, flag = f.NotifiedAttr, f.CountAttr, f.FlagAttr
	if notified == "" {
		notified = DefaultNotifiedAttr
	}
	if count == "" {
		count = DefaultCountAttr
	}
	if flag == "" {
		flag = DefaultFlagAttr
	}
	return notified, count, flag
}

func (f FlagNotifier) requested(ctx context.Context, orderNo string) ([]string, error) {
	o, err := f.Orders.GetOrder(ctx, orderNo)
	if err != nil {
		return nil, err
	}
	notified, _, _ := f.attrs()
	a, _ := o.Custom.Get(notified)
	return a.Values, nil
}

// Notify implements Notifier: it appends the package id to the notified
// list, sets the count and raises the flag, unless the id is already listed.
func (f FlagNotifier) Notify(ctx context.Context, n Notification) error {
	ids, err := f.requested(ctx, n.OrderNo)
	if err != nil {
		return err
	}
	if slices.Contains(ids, n.ShipmentID) {
		return nil
	}
	ids = append(slices.Clone(ids), n.ShipmentID)
	notified, count, flag := f.attrs()
	return f.Orders.PatchOrderCustom(ctx, n.OrderNo, map[string]any{
		notified: ids,
		count:    len(ids),
		flag:     true,
	})
}

// Notified implements Notifier by reading the order back.
func (f FlagNotifier) Notified(ctx context.Context, n Notification) (bool, error) {
	ids, err := f.requested(ctx, n.OrderNo)
	if err != nil {
		return false, err
	}
	return slices.Contains(ids, n.ShipmentID), nil
}

// NotifyAttrs implements AttributeNotifier: the notified list with the
// package id appended, the count and the raised flag; nil and true when o
// already lists the package.
func (f FlagNotifier) NotifyAttrs(o sfcc.Order, n Notification) (map[string]any, bool) {
	notified, count, flag := f.attrs()
	a, _ := o.Custom.Get(notified)
	if slices.Contains(a.Values, n.ShipmentID) {
		return nil, true
	}
	ids := append(slices.Clone(a.Values), n.ShipmentID)
	return map[string]any{notified: ids, count: len(ids), flag: true}, false
}

var _ AttributeNotifier = FlagNotifier{}
