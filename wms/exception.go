package wms

// The exception each error of this package becomes, said by the error itself
// so reconcile classifies it through these methods without knowing its type.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/exkind"
	"github.com/o2ckit/o2c/sfcc"
)

// ExceptionKind is the exception the error becomes: inventory-push-failure.
func (e *PushError) ExceptionKind() string { return exkind.InventoryPushFailure }

// Owner is the team that resolves it: operations.
func (e *PushError) Owner() string { return exkind.OwnerOperations }

// ExceptionKey is the business key it concerns: the SKU.
func (e *PushError) ExceptionKey() string { return e.SKU }

// ExceptionKind is the exception the error becomes: inventory-push-failure.
func (e *LevelError) ExceptionKind() string { return exkind.InventoryPushFailure }

// Owner is the team that resolves it: operations.
func (e *LevelError) Owner() string { return exkind.OwnerOperations }

// ExceptionKey is the business key it concerns: the SKU (a refused stock level never reaches SFCC).
func (e *LevelError) ExceptionKey() string { return e.SKU }

// ExceptionKind is the exception the error becomes: shipment-rejected.
func (e *QuantityError) ExceptionKind() string { return exkind.ShipmentRejected }

// Owner is the team that resolves it: operations.
func (e *QuantityError) Owner() string { return exkind.OwnerOperations }

// ExceptionKey is the business key it concerns: the order number.
func (e *QuantityError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: shipment-rejected.
func (e *ConfirmationError) ExceptionKind() string { return exkind.ShipmentRejected }

// Owner is the team that resolves it: operations.
func (e *ConfirmationError) Owner() string { return exkind.OwnerOperations }

// ExceptionKey is the business key it concerns: the order number.
func (e *ConfirmationError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: sfcc-sync-failure.
func (e *ApplyError) ExceptionKind() string { return exkind.SFCCSyncFailure }

// Owner is the team that resolves it: ecommerce.
func (e *ApplyError) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number (accepted, but SFCC was not updated).
func (e *ApplyError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: sfcc-sync-failure when
// SFCC answered with a fault, else unclassified.
func (e *MonitorError) ExceptionKind() string {
	var se *sfcc.Error
	if errors.As(e.Err, &se) {
		return exkind.SFCCSyncFailure
	}
	return exkind.Unclassified
}

// Owner is the team that resolves it: ecommerce for an SFCC fault, else
// operations.
func (e *MonitorError) Owner() string {
	if e.ExceptionKind() == exkind.SFCCSyncFailure {
		return exkind.OwnerEcommerce
	}
	return exkind.OwnerOperations
}

// ExceptionKey is the business key it concerns: the order number.
func (e *MonitorError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception a lagging order becomes: shipment-stuck.
func (l Lagging) ExceptionKind() string { return exkind.ShipmentStuck }

// Owner is the team that resolves it: operations.
func (l Lagging) Owner() string { return exkind.OwnerOperations }

// ExceptionKey is the business key it concerns: the order number.
func (l Lagging) ExceptionKey() string { return l.OrderNo }

// ExceptionDetail names both statuses, the packages and how long ago they
// shipped.
func (l Lagging) ExceptionDetail() string {
	return fmt.Sprintf("WMS %s, SFCC %s; packages %s shipped %s (%s ago)", l.WMSStatus, l.SFCCStatus,
		strings.Join(l.Packages, ", "), l.Since.UTC().Format(time.DateTime), l.Age.Round(time.Minute))
}

// String is "order NO: " and the detail.
func (l Lagging) String() string { return "order " + l.OrderNo + ": " + l.ExceptionDetail() }
