package sfcc

// The exception each error of this package becomes, said by the error itself
// so reconcile classifies it through these methods without knowing its type.

import (
	"fmt"

	"github.com/o2ckit/o2c/internal/exkind"
)

// ExceptionKind is the exception the error becomes: sfcc-sync-failure.
func (e *Error) ExceptionKind() string { return exkind.SFCCSyncFailure }

// Owner is the team that resolves it: ecommerce.
func (e *Error) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number or SKU among its arguments, else the request path (which names it).
func (e *Error) ExceptionKey() string { return e.key() }

// ExceptionKind is the exception the error becomes: sfcc-sync-failure.
func (e *OrderError) ExceptionKind() string { return exkind.SFCCSyncFailure }

// Owner is the team that resolves it: ecommerce.
func (e *OrderError) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number.
func (e *OrderError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: inventory-push-failure.
func (e *InventoryError) ExceptionKind() string { return exkind.InventoryPushFailure }

// Owner is the team that resolves it: operations.
func (e *InventoryError) Owner() string { return exkind.OwnerOperations }

// ExceptionKey is the business key it concerns: the SKU.
func (e *InventoryError) ExceptionKey() string { return e.SKU }

// ExceptionKind is the exception the error becomes: sfcc-sync-failure.
func (e *ShopJSONError) ExceptionKind() string { return exkind.SFCCSyncFailure }

// Owner is the team that resolves it: ecommerce.
func (e *ShopJSONError) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number.
func (e *ShopJSONError) ExceptionKey() string { return e.OrderNo }

// ExceptionDetail says what SFCC answered: method, path, status, fault
// type and message.
func (e *Error) ExceptionDetail() string {
	return fmt.Sprintf("%s %s answered %d %s: %s", e.Method, e.Path, e.StatusCode, e.FaultType, e.Message)
}

// key picks the business key of an SFCC fault: the order number or SKU
// among its arguments, else the request path.
func (e *Error) key() string {
	for _, k := range []string{"orderNo", "order_no", "productId", "product_id", "sku", "inventoryListId"} {
		if v := e.Arguments[k]; v != "" {
			return v
		}
	}
	return e.Path
}
