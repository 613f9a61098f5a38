package wms

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// Sentinel errors, matched with errors.Is against the typed errors below.
var (
	// ErrOverShipped: a confirmation ships more of a SKU than the order has
	// left to ship.
	ErrOverShipped = errors.New("wms: shipped quantity exceeds ordered quantity")
	// ErrUnknownLine: a confirmation ships a SKU the order does not contain.
	ErrUnknownLine = errors.New("wms: shipped line not on the order")
	// ErrInvalidConfirmation: a confirmation is missing a required field.
	ErrInvalidConfirmation = errors.New("wms: invalid shipment confirmation")
	// ErrEventConflict: an event id arrived again with different content.
	ErrEventConflict = errors.New("wms: event id re-used with different content")
	// ErrPackageConflict: a second event confirms a package (shipment id)
	// another event of the order already confirmed.
	ErrPackageConflict = errors.New("wms: package already confirmed by another event")
	// ErrNotificationUnconfirmed: the notifier reported success but reading
	// the order back did not show the notification.
	ErrNotificationUnconfirmed = errors.New("wms: notification not confirmed by read-back")
	// ErrInvalidLevel: a stock level is missing a SKU or has a bad value.
	ErrInvalidLevel = errors.New("wms: invalid stock level")
)

// QuantityError reports a shipped line that does not fit the order: an
// unknown SKU (errors.Is ErrUnknownLine) or more than the order has left to
// ship (errors.Is ErrOverShipped). The event is recorded as rejected and the
// order is not touched.
type QuantityError struct {
	OrderNo    string
	EventID    string
	ShipmentID string
	SKU        string
	// Ordered is the order's total quantity of SKU (zero for an unknown line).
	Ordered decimal.Decimal
	// Shipped is the quantity shipped by earlier accepted events plus this one.
	Shipped decimal.Decimal
	// Kind is ErrOverShipped or ErrUnknownLine.
	Kind error
}

// Error describes the failure with its business key.
func (e *QuantityError) Error() string {
	if errors.Is(e.Kind, ErrUnknownLine) {
		return fmt.Sprintf("wms: order %s: event %s (package %s) ships SKU %s which is not on the order",
			e.OrderNo, e.EventID, e.ShipmentID, e.SKU)
	}
	return fmt.Sprintf("wms: order %s: event %s (package %s) ships %s of SKU %s in total, order has %s",
		e.OrderNo, e.EventID, e.ShipmentID, e.Shipped, e.SKU, e.Ordered)
}

// Is matches the sentinel in Kind.
func (e *QuantityError) Is(target error) bool { return target == e.Kind }

// ConfirmationError reports a confirmation that cannot be applied as sent:
// a missing field (errors.Is ErrInvalidConfirmation), an event id seen
// before with different content (errors.Is ErrEventConflict), or a package
// another event already confirmed (errors.Is ErrPackageConflict).
type ConfirmationError struct {
	OrderNo string
	EventID string
	Reason  string
	Kind    error
}

// Error describes the failure with its business key.
func (e *ConfirmationError) Error() string {
	return fmt.Sprintf("wms: order %s: event %s: %s", e.OrderNo, e.EventID, e.Reason)
}

// Is matches the sentinel in Kind.
func (e *ConfirmationError) Is(target error) bool { return target == e.Kind }

// Step names a step of the shipment sequence.
type Step string

// Steps of the shipment sequence, in order.
const (
	StepRecord  Step = "record"
	StepRead    Step = "read-order"
	StepWrite   Step = "write-tracking"
	StepStatus  Step = "shipping-status"
	StepNotify  Step = "notify"
	StepConfirm Step = "confirm-notification"
)

// ApplyError is a failure of one step of applying a confirmation that was
// not a business rejection: an SFCC or store failure. Temporary is true when
// the failure was still transient after the sequencer's retries ran out (the
// event may be applied by re-delivering it or by [Sequencer.Resume]); false
// for a permanent failure such as an unknown order. Err is the cause and is
// reachable with errors.Is/As (for example sfcc.ErrNotFound).
type ApplyError struct {
	OrderNo    string
	EventID    string
	ShipmentID string
	Step       Step
	Attempts   int
	Temporary  bool
	Err        error
}

// Error describes the failure with its business key.
func (e *ApplyError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "transient"
	}
	return fmt.Sprintf("wms: order %s: event %s (package %s): %s failed after %d attempt(s) (%s): %v",
		e.OrderNo, e.EventID, e.ShipmentID, e.Step, e.Attempts, kind, e.Err)
}

// Unwrap returns the cause.
func (e *ApplyError) Unwrap() error { return e.Err }

// LevelError reports a stock level that was refused; other levels of the
// same call still go through.
type LevelError struct {
	SKU      string
	Location string
	Reason   string
}

// Error describes the failure with its business key.
func (e *LevelError) Error() string {
	return fmt.Sprintf("wms: stock level for SKU %q at location %q: %s", e.SKU, e.Location, e.Reason)
}

// Is matches ErrInvalidLevel.
func (e *LevelError) Is(target error) bool { return target == ErrInvalidLevel }

// PushError is the last failure pushing one SKU's allocation.
type PushError struct {
	List     string
	SKU      string
	Attempts int
	Err      error
}

// Error describes the failure with its business key.
func (e *PushError) Error() string {
	return fmt.Sprintf("wms: push allocation of SKU %s to inventory list %s failed (attempt %d): %v",
		e.SKU, e.List, e.Attempts, e.Err)
}

// Unwrap returns the cause.
func (e *PushError) Unwrap() error { return e.Err }

// temporary classifies an error for retrying. An error that says what it is
// through a Temporary() bool method (as *sfcc.Error does: 429 and 5xx are
// temporary) is believed; context cancellation and arguments the client
// refused (sfcc.ErrInvalidArgument) are never retried; an unclassified error
// is treated as transient, bounded by the retry budget.
func temporary(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sfcc.ErrInvalidArgument) {
		return false
	}
	// A transport failure (connection reset, dropped connection) surfaces
	// as *url.Error, whose own Temporary() is narrower than what a retry
	// should cover.
	var ue *url.Error
	if errors.As(err, &ue) {
		return true
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return true
}
