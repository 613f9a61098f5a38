package sfcc

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Sentinels matched by *Error through errors.Is.
var (
	// ErrNotFound: 404, e.g. OrderNotFoundException.
	ErrNotFound = errors.New("sfcc: not found")
	// ErrConflict: 409, e.g. OrderStatusTransitionException or ConflictException.
	ErrConflict = errors.New("sfcc: conflict")
	// ErrPreconditionFailed: 412, an If-Match that no longer matches.
	ErrPreconditionFailed = errors.New("sfcc: precondition failed")
	// ErrRateLimited: 429, the caller is over its quota.
	ErrRateLimited = errors.New("sfcc: rate limited")
	// ErrUnauthorized: 401 from an API, or credentials Account Manager rejected.
	ErrUnauthorized = errors.New("sfcc: unauthorized")
	// ErrBadRequest: 400, SFCC rejected the document (a negative
	// allocation, an unknown status value).
	ErrBadRequest = errors.New("sfcc: bad request")
)

// Error is an OCAPI fault or any other non-2xx answer, from an API call, a
// sub-request of a batch, or the token endpoint.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// FaultType is the OCAPI fault type, e.g. OrderNotFoundException (or the
	// OAuth error code such as invalid_client for the token endpoint).
	FaultType string
	// Message is the fault message, with anything token-like masked.
	Message string
	// Arguments are the fault's arguments; they name the key concerned
	// (orderNo, productId, ...).
	Arguments map[string]string
	// Method and Path are the request's; Path never includes a query.
	Method string
	Path   string
}

// Error describes the fault with its method and path, so the order number or
// SKU in the path identifies the record concerned.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sfcc: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
	}
	b.WriteString(e.Path)
	fmt.Fprintf(&b, ": %d", e.StatusCode)
	if e.FaultType != "" {
		b.WriteByte(' ')
		b.WriteString(e.FaultType)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Arguments) > 0 {
		keys := make([]string, 0, len(e.Arguments))
		for k := range e.Arguments {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + "=" + e.Arguments[k])
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Is matches the sentinel for the status code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrPreconditionFailed:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	}
	return false
}

// Temporary reports whether trying again later may succeed: 429 and 5xx.
func (e *Error) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// OrderError is a client-side problem with one order: an invalid argument or
// an answer that could not be decoded. API faults are *Error instead.
type OrderError struct {
	OrderNo string
	Op      string
	Err     error
}

// Error names the order number and the operation.
func (e *OrderError) Error() string {
	return fmt.Sprintf("sfcc: order %s: %s: %v", e.OrderNo, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *OrderError) Unwrap() error { return e.Err }

// ErrInvalidArgument is matched by errors about a caller's argument (an
// empty order number, an unsupported custom attribute value, ...).
var ErrInvalidArgument = errors.New("sfcc: invalid argument")

// InventoryError is a client-side problem with one inventory record: an
// invalid argument or an answer that could not be decoded. API faults are
// *Error instead.
type InventoryError struct {
	List string
	SKU  string
	Op   string
	Err  error
}

// Error names the list, the SKU and the operation.
func (e *InventoryError) Error() string {
	return fmt.Sprintf("sfcc: inventory %s/%s: %s: %v", e.List, e.SKU, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *InventoryError) Unwrap() error { return e.Err }
