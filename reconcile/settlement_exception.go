package reconcile

// The exception each error of this package becomes, said by the error itself
// so reconcile classifies it through these methods without knowing its type.

import (
	"fmt"

	"github.com/o2ckit/o2c/internal/exkind"
)

// ExceptionKind is the exception the error becomes: settlement-unreadable.
func (e *LineError) ExceptionKind() string { return exkind.SettlementUnreadable }

// Owner is the team that resolves it: finance.
func (e *LineError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: "file:line" of the row.
func (e *LineError) ExceptionKey() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// ExceptionKind is the exception the error becomes: settlement-unreadable.
func (e *FileError) ExceptionKind() string { return exkind.SettlementUnreadable }

// Owner is the team that resolves it: finance.
func (e *FileError) Owner() string { return exkind.OwnerFinance }

// ExceptionKey is the business key it concerns: the file.
func (e *FileError) ExceptionKey() string { return e.File }
