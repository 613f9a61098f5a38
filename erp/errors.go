package erp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
)

// Sentinels the ERP interfaces return (wrapped or as is); test with errors.Is.
var (
	// ErrNotFound: no record with that id or reference.
	ErrNotFound = errors.New("erp: not found")
	// ErrDuplicateCustomer: a customer with the same email (ignoring case)
	// exists. It is dedupe.ErrDuplicateEmail, so the dedupe Resolver
	// recognises it.
	ErrDuplicateCustomer = dedupe.ErrDuplicateEmail
	// ErrConflict: a document with the same external reference (or journal
	// reference) exists with different content. Repeating the same document
	// is not a conflict; it returns the existing one.
	ErrConflict = errors.New("erp: a different document with this reference exists")
	// ErrUnbalanced: a journal whose debits and credits differ.
	ErrUnbalanced = errors.New("erp: journal does not balance")
	// ErrInvalid: a record the ERP refuses as malformed (missing reference,
	// negative debit, ...). Retrying will not help.
	ErrInvalid = errors.New("erp: invalid record")
	// ErrUnavailable: a transient failure (timeout, 503, lock wait). The
	// call may be retried; writes are idempotent on their reference, so a
	// retry never creates a second record.
	ErrUnavailable = errors.New("erp: temporarily unavailable")
)

// TotalMismatchError is returned by Translate when the ERP document cannot
// be made to equal SFCC to the penny: the line total differs from the SFCC
// order total by more than the rounding tolerance (What "total"), the tax
// differs by more than the tolerance (What "tax"), or the payments do not
// add up to the order total (What "payments"). Nothing is adjusted silently.
type TotalMismatchError struct {
	OrderNo  string
	Currency string
	What     string
	SFCC     decimal.Decimal
	ERP      decimal.Decimal
}

// Error describes the problem with its business key.
func (e *TotalMismatchError) Error() string {
	return fmt.Sprintf("erp: order %s: %s: SFCC %s %s, ERP document %s %s", e.OrderNo, e.What, e.SFCC, e.Currency, e.ERP, e.Currency)
}

// FieldTooLongError is returned when a custom attribute is longer than its
// target field and its mapping says reject.
type FieldTooLongError struct {
	OrderNo     string
	AttributeID string
	Field       string
	Length      int
	MaxLength   int
}

// Error describes the problem with its business key.
func (e *FieldTooLongError) Error() string {
	return fmt.Sprintf("erp: order %s: custom attribute %s is %d characters, field %s takes %d",
		e.OrderNo, e.AttributeID, e.Length, e.Field, e.MaxLength)
}

// OrderError is an SFCC order Translate cannot turn into a document for a
// reason other than mapping or totals: a line pointing at an unknown
// shipment, a taxed gift certificate, an amount that overflows.
type OrderError struct {
	OrderNo string
	Reason  string
}

// Error describes the problem with its business key.
func (e *OrderError) Error() string { return fmt.Sprintf("erp: order %s: %s", e.OrderNo, e.Reason) }

// MappingRowError is a row of a mapping table that is loadable but
// unusable for an order, e.g. a gift-certificate payments row whose clearing account is not
// the gift-certificate liability account.
type MappingRowError struct {
	OrderNo string
	Table   string
	Key     string
	Reason  string
}

// Error describes the problem with its business key.
func (e *MappingRowError) Error() string {
	return fmt.Sprintf("erp: order %s: %s table, %s: %s", e.OrderNo, e.Table, e.Key, e.Reason)
}

// UnbalancedJournalError is a journal whose debits and credits differ. It
// matches ErrUnbalanced with errors.Is.
type UnbalancedJournalError struct {
	Reference string
	Debit     decimal.Decimal
	Credit    decimal.Decimal
}

// Error describes the problem with its business key.
func (e *UnbalancedJournalError) Error() string {
	return fmt.Sprintf("erp: journal %s: debits %s, credits %s", e.Reference, e.Debit, e.Credit)
}

// Is reports whether target is ErrUnbalanced.
func (e *UnbalancedJournalError) Is(target error) bool { return target == ErrUnbalanced }

// TranslationError is every problem found while translating one order:
// missing mappings, totals that do not add up, fields too long. It names the
// order, so a log line or an exception list read on its own says which
// order to fix; Unwrap gives the individual errors, so errors.As and
// mapping.MissingErrors find each one and a classifier files one exception
// per problem.
type TranslationError struct {
	OrderNo string
	Errs    []error
}

// Error is "erp: order NO: problem; problem; ...".
func (e *TranslationError) Error() string {
	var b strings.Builder
	b.WriteString("erp: order ")
	b.WriteString(e.OrderNo)
	b.WriteString(": ")
	prefix := "erp: order " + e.OrderNo + ": "
	for i, err := range e.Errs {
		if i > 0 {
			b.WriteString("; ")
		}
		if err == nil {
			b.WriteString("<nil>")
			continue
		}
		b.WriteString(strings.TrimPrefix(err.Error(), prefix))
	}
	return b.String()
}

// Unwrap returns the individual problems.
func (e *TranslationError) Unwrap() []error { return e.Errs }
