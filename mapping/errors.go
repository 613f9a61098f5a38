package mapping

import (
	"errors"
	"fmt"
	"time"
)

// MissingError is returned by a lookup that finds no row for a key on the
// order date. Table is the table's name ("payments", "tax", ...) and Key
// the looked-up key in the form the table's CSV uses ("kind=credit-card
// method=Visa processor=ADYEN_CREDIT").
type MissingError struct {
	Table string
	Key   string
	// Date is the order date the lookup was made for. A key that has rows,
	// none of them valid on Date, is missing too.
	Date time.Time
}

// Error describes the problem with its business key.
func (e *MissingError) Error() string {
	if e.Date.IsZero() {
		return fmt.Sprintf("mapping: no %s row for %s", e.Table, e.Key)
	}
	return fmt.Sprintf("mapping: no %s row for %s valid on %s", e.Table, e.Key, e.Date.UTC().Format(time.DateOnly))
}

// MissingErrors returns every *MissingError in err's tree (errors joined with
// errors.Join or wrapped with %w), in the order they appear.
func MissingErrors(err error) []*MissingError {
	var out []*MissingError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if m, ok := err.(*MissingError); ok {
			out = append(out, m)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// Sentinels a *TableError wraps, one per way a table can be malformed.
var (
	// ErrMissingColumn: the header lacks a required column.
	ErrMissingColumn = errors.New("missing column")
	// ErrDuplicateKey: two rows with the same key, the same validity and the same codes.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrConflictingKey: two rows with the same key and validity but different codes.
	ErrConflictingKey = errors.New("conflicting key")
	// ErrOverlappingDates: two rows with the same key whose validity ranges overlap.
	ErrOverlappingDates = errors.New("overlapping valid_from/valid_to")
	// ErrBlankCode: a key or code cell is empty. Use "*" for "any" in a key.
	ErrBlankCode = errors.New("blank code")
	// ErrBadValue: a cell does not parse (a date, a rate, a length, an option).
	ErrBadValue = errors.New("bad value")
	// ErrBadFile: the file itself does not parse, or is missing or ambiguous.
	ErrBadFile = errors.New("bad file")
)

// TableError is one problem in a table file, at File:Line (Line is 1-based;
// the header is line 1 of a CSV file). It wraps one of the Err* sentinels
// above, so errors.Is(err, mapping.ErrOverlappingDates) works; loaders
// return every problem they find, joined.
type TableError struct {
	File   string
	Line   int
	Table  string
	Column string
	Reason string
	Err    error
}

// Error describes the problem with its business key.
func (e *TableError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	col := ""
	if e.Column != "" {
		col = " column " + e.Column
	}
	if e.Reason == "" {
		return fmt.Sprintf("%s: %s table%s: %v", loc, e.Table, col, e.Err)
	}
	return fmt.Sprintf("%s: %s table%s: %v: %s", loc, e.Table, col, e.Err, e.Reason)
}

// Unwrap returns the sentinel naming the kind of problem.
func (e *TableError) Unwrap() error { return e.Err }
