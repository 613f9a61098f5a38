package wms

import (
	"context"
	"slices"
	"time"
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
// The sequencer calls Notified first and skips Notify when it answers true;
// after Notify it calls Notified again to confirm. Notify must be idempotent
// per (OrderNo, ShipmentID): a run interrupted after Notify but before the
// sequencer recorded it calls Notified (and perhaps Notify) again, and must
// not cause a second message. The sequencer never calls a Notifier
// concurrently for the same order.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
	Notified(ctx context.Context, n Notification) (bool, error)
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
