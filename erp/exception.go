package erp

// The exception each error of this package becomes, said by the error itself
// so reconcile classifies it through these methods without knowing its type.

import "github.com/o2ckit/o2c/internal/exkind"

// ExceptionKind is the exception the error becomes: erp-order-rejected.
func (e *TotalMismatchError) ExceptionKind() string { return exkind.ERPRejected }

// Owner is the team that resolves it: finance.
func (e *TotalMismatchError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: the order number.
func (e *TotalMismatchError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: erp-order-rejected.
func (e *OrderError) ExceptionKind() string { return exkind.ERPRejected }

// Owner is the team that resolves it: finance.
func (e *OrderError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: the order number.
func (e *OrderError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: erp-order-rejected.
func (e *FieldTooLongError) ExceptionKind() string { return exkind.ERPRejected }

// Owner is the team that resolves it: finance.
func (e *FieldTooLongError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: the order number.
func (e *FieldTooLongError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: erp-order-rejected.
func (e *MappingRowError) ExceptionKind() string { return exkind.ERPRejected }

// Owner is the team that resolves it: finance.
func (e *MappingRowError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: the order number (a finance mapping row that is there but unusable for it).
func (e *MappingRowError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: erp-order-rejected.
func (e *UnbalancedJournalError) ExceptionKind() string { return exkind.ERPRejected }

// Owner is the team that resolves it: finance.
func (e *UnbalancedJournalError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: the journal reference.
func (e *UnbalancedJournalError) ExceptionKey() string { return e.Reference }
