package dedupe

// The exception each error of this package becomes, said by the error itself
// so reconcile classifies it through these methods without knowing its type.

import "github.com/o2ckit/o2c/internal/exkind"

// ExceptionKind is the exception the error becomes: customer-resolve-failure.
func (e *ResolveError) ExceptionKind() string { return exkind.CustomerResolveFailure }

// Owner is the team that resolves it: ecommerce.
func (e *ResolveError) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number.
func (e *ResolveError) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: customer-resolve-failure.
func (e *InvalidEmailError) ExceptionKind() string { return exkind.CustomerResolveFailure }

// Owner is the team that resolves it: ecommerce.
func (e *InvalidEmailError) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the email, already redacted.
func (e *InvalidEmailError) ExceptionKey() string { return e.Email }

// ExceptionKind is the exception the error becomes: customer-merge-candidate.
func (e *MergeCandidate) ExceptionKind() string { return exkind.CustomerMergeCandidate }

// Owner is the team that resolves it: ecommerce.
func (e *MergeCandidate) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number.
func (e *MergeCandidate) ExceptionKey() string { return e.OrderNo }

// ExceptionKind is the exception the error becomes: customer-email-conflict.
func (e *CustomerNoConflict) ExceptionKind() string { return exkind.CustomerEmailConflict }

// Owner is the team that resolves it: ecommerce.
func (e *CustomerNoConflict) Owner() string { return exkind.OwnerEcommerce }

// ExceptionKey is the business key it concerns: the order number.
func (e *CustomerNoConflict) ExceptionKey() string { return e.OrderNo }
