package mapping

// The exception each error of this package becomes, said by the error itself
// so reconcile classifies it through these methods without knowing its type.

import "github.com/o2ckit/o2c/internal/exkind"

// ExceptionKind is the exception the error becomes: mapping-missing.
func (e *MissingError) ExceptionKind() string { return exkind.MappingMissing }

// Owner is the team that resolves it: finance.
func (e *MissingError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: "table: key".
func (e *MissingError) ExceptionKey() string { return e.Table + ": " + e.Key }
