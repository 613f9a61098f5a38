package orderxml

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matched with errors.Is against any error this package
// returns.
var (
	// ErrTruncated reports input that ends inside an element: a cut file
	// or an interrupted transfer. Orders completed before the cut have
	// already been returned.
	ErrTruncated = errors.New("input ends inside an element")
	// ErrDTD reports a document type declaration. SFCC never writes one,
	// and entity declarations are the vehicle of expansion attacks, so the
	// decoders refuse them outright.
	ErrDTD = errors.New("document type declarations are not accepted")
	// ErrLimit reports input beyond one of the decoder's caps; the error
	// is a *LimitError naming the cap.
	ErrLimit = errors.New("input exceeds a decoder limit")
	// ErrNotOrderExport reports a document whose root is not an <orders>
	// or <order> element of the order namespace.
	ErrNotOrderExport = errors.New("not an SFCC order export")
	// ErrNotInventory reports a document whose root is not an <inventory>
	// element of the inventory namespace.
	ErrNotInventory = errors.New("not an SFCC inventory file")
	// ErrInvalidValue reports element text that is not of the element's
	// schema type (a decimal that is not a number, an unknown enum value).
	ErrInvalidValue = errors.New("invalid value")
	// ErrUnknownElement reports an element of the order namespace that the
	// schema does not define there; only returned with
	// DisallowUnknownElements.
	ErrUnknownElement = errors.New("unknown element")
	// ErrMalformed reports XML that is not well-formed.
	ErrMalformed = errors.New("malformed XML")
	// ErrInvalidOrder reports an order the encoder cannot write as
	// schema-valid XML; the error is an *EncodeError naming the field.
	ErrInvalidOrder = errors.New("order cannot be written as valid XML")
)

// Limit names one of the decoder's caps.
type Limit string

// The caps a decoder enforces; see the options that set them.
const (
	LimitDepth      Limit = "nesting depth"
	LimitTokenBytes Limit = "token size"
	LimitOrderBytes Limit = "order size"
	// LimitOrderElements is the cap on the elements of one order.
	LimitOrderElements Limit = "order element count"
)

// LimitError reports that the input exceeds a cap. It matches ErrLimit.
type LimitError struct {
	Limit Limit
	// Max is the configured cap: levels for depth, elements for the
	// element count, bytes otherwise.
	Max int64
}

// Error names the cap and its value.
func (e *LimitError) Error() string {
	unit := " bytes"
	switch e.Limit {
	case LimitDepth:
		unit = " levels"
	case LimitOrderElements:
		unit = " elements"
	}
	return fmt.Sprintf("%s exceeds the cap of %d%s", e.Limit, e.Max, unit)
}

// Is makes a *LimitError match ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// DecodeError is an error found while decoding, located in the input. It
// wraps the cause (one of the sentinels above, a *LimitError, or the
// reader's own error).
type DecodeError struct {
	// OrderNo is the order-no attribute of the order being decoded, or
	// empty outside an order (in an inventory file: the list id).
	OrderNo string
	// ProductID is the product-id of the inventory record being decoded
	// (inventory files only).
	ProductID string
	// Line and Column locate the element (1-based; the column counts bytes).
	Line, Column int
	// Path is the element path from the order down to the offending
	// element, e.g. "order/product-lineitems/product-lineitem/net-price".
	Path string
	// Value is the offending text for values of non-text types (numbers,
	// dates, enums), cut to 40 bytes; text fields are never quoted, so
	// card data and personal data stay out of logs.
	Value string
	// Err is the cause.
	Err error

	inventory bool // OrderNo holds an inventory list id
}

// Error names the order (or list and product), the position, the element
// path and the cause.
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("orderxml: ")
	if e.OrderNo != "" {
		if e.inventory {
			fmt.Fprintf(&b, "inventory list %q: ", e.OrderNo)
		} else {
			fmt.Fprintf(&b, "order %q: ", e.OrderNo)
		}
	}
	if e.ProductID != "" {
		fmt.Fprintf(&b, "product %q: ", e.ProductID)
	}
	fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	if e.Value != "" {
		fmt.Fprintf(&b, " %q", e.Value)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError reports an order (or inventory record) the encoder refused
// because the schema cannot represent it; nothing of it was written. It
// matches ErrInvalidOrder.
type EncodeError struct {
	// OrderNo is the order's number (for inventory: the list id).
	OrderNo string
	// ProductID is the inventory record's product (inventory only).
	ProductID string
	// Field is the element or attribute path of the offending value.
	Field string
	// Reason says which schema rule the value breaks.
	Reason string
}

// Error names the order (or list and product), the field and the rule.
func (e *EncodeError) Error() string {
	key := fmt.Sprintf("order %q", e.OrderNo)
	if e.ProductID != "" {
		key = fmt.Sprintf("inventory list %q: product %q", e.OrderNo, e.ProductID)
	}
	return fmt.Sprintf("orderxml: %s: %s: %s", key, e.Field, e.Reason)
}

// Is makes an *EncodeError match ErrInvalidOrder.
func (e *EncodeError) Is(target error) bool { return target == ErrInvalidOrder }
