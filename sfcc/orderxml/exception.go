package orderxml

// The exception each error of this package becomes, said by the error itself
// so reconcile classifies it through these methods without knowing its type.

import (
	"cmp"

	"github.com/o2ckit/o2c/internal/exkind"
)

// ExceptionKind is the exception the error becomes: sfcc-sync-failure.
func (e *DecodeError) ExceptionKind() string { return exkind.SFCCSyncFailure }

// Owner is the team that resolves it: ecommerce.
func (e *DecodeError) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number, else the product id (its Error never quotes text fields, so no personal data).
func (e *DecodeError) ExceptionKey() string { return cmp.Or(e.OrderNo, e.ProductID) }
