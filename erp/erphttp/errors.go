package erphttp

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/o2ckit/o2c/erp"
)

// ErrUnauthorized is matched by an *Error for a 401: the token is missing
// or wrong. Retrying will not help.
var ErrUnauthorized = errors.New("erphttp: unauthorized")

// Error is a call the API refused or never answered. It matches (errors.Is)
// the erp sentinel its code stands for: erp.ErrNotFound,
// erp.ErrDuplicateCustomer, erp.ErrConflict, erp.ErrInvalid,
// erp.ErrUnbalanced, and erp.ErrUnavailable for a 5xx, a 429 or a lost
// answer (Status 0).
type Error struct {
	// Op is the erp method, e.g. "CreateSalesOrder".
	Op string
	// Status is the HTTP status; 0 when no answer arrived.
	Status int
	// Code, Message, Key and Field are the error body's (Code "unavailable"
	// and the transport's error text when no answer arrived).
	Code    string
	Message string
	Key     string
	Field   string
	// RetryAfter is the server's Retry-After, zero when it sent none.
	RetryAfter time.Duration
	// Attempts is how many requests the call made.
	Attempts int
	err      error // the transport error of a lost answer
}

// Error describes the failure with its business key; it never carries a
// token or an unredacted email.
func (e *Error) Error() string {
	s := "erphttp: " + e.Op
	if e.Key != "" {
		s += " " + e.Key
	}
	if e.Status == 0 {
		s += ": no answer"
	} else {
		s += fmt.Sprintf(": %d %s", e.Status, e.Code)
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// Unwrap returns the transport error of a lost answer.
func (e *Error) Unwrap() error { return e.err }

// Is matches the erp sentinel of the error's code or status.
func (e *Error) Is(target error) bool {
	return target != nil && e.sentinel() == target
}

func (e *Error) sentinel() error {
	switch {
	case e.Status == 0, e.Status >= 500, e.Status == http.StatusTooManyRequests, e.Code == CodeUnavailable:
		return erp.ErrUnavailable
	case e.Status == http.StatusUnauthorized:
		return ErrUnauthorized
	}
	switch e.Code {
	case CodeNotFound:
		return erp.ErrNotFound
	case CodeDuplicateCustomer:
		return erp.ErrDuplicateCustomer
	case CodeConflict:
		return erp.ErrConflict
	case CodeUnbalanced:
		return erp.ErrUnbalanced
	case CodeInvalid, CodeBadRequest, CodeTooLarge:
		return erp.ErrInvalid
	}
	switch e.Status {
	case http.StatusNotFound:
		return erp.ErrNotFound
	case http.StatusConflict:
		return erp.ErrConflict
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		return erp.ErrInvalid
	}
	return nil
}

// ConfigError reports a Config or HandlerConfig field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "erphttp: invalid config: " + e.Field + ": " + e.Reason }
