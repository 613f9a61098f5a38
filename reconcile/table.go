package reconcile

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// csvRows streams the records of a CSV file with their line numbers. A
// record the CSV layer cannot split yields a *LineError and reading goes on;
// an I/O failure yields a *FileError and ends.
func csvRows(ctx context.Context, r io.Reader, file string, yield func(rec []string, line int, err error) bool) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	first := true
	for {
		if err := ctx.Err(); err != nil {
			yield(nil, 0, &FileError{File: file, Err: err})
			return
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, io.ErrUnexpectedEOF) {
				if !yield(nil, 0, &LineError{File: file, Line: pe.Line, Err: fmt.Errorf("%w: %v", ErrMalformedRow, pe.Err)}) {
					return
				}
				continue
			}
			yield(nil, 0, &FileError{File: file, Err: err})
			return
		}
		if first && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			first = false
		}
		line, _ := cr.FieldPos(0)
		if isBlank(rec) {
			continue
		}
		if !yield(rec, line, nil) {
			return
		}
	}
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// header maps column names to positions. Providers add columns per account,
// so every reader looks columns up by name; unknown columns are ignored.
type header map[string]int

func newHeader(rec []string) header {
	h := make(header, len(rec))
	for i, name := range rec {
		name = strings.TrimSpace(name)
		if _, dup := h[name]; !dup {
			h[name] = i
		}
	}
	return h
}

// missing lists the required columns absent from h.
func (h header) missing(required ...string) []string {
	var out []string
	for _, name := range required {
		if _, ok := h[name]; !ok {
			out = append(out, name)
		}
	}
	return out
}

// row is one record read through its header, collecting the first error.
type row struct {
	h    header
	rec  []string
	file string
	line int
	err  error
}

func (r *row) get(name string) string {
	i, ok := r.h[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

func (r *row) fail(field string, err error) {
	if r.err == nil {
		r.err = &LineError{File: r.file, Line: r.line, Field: field, Err: err}
	}
}

// amount reads a major-unit amount; an empty cell is zero.
func (r *row) amount(name string) decimal.Decimal {
	s := r.get(name)
	if s == "" {
		return decimal.Zero
	}
	d, err := parseAmount(s)
	if err != nil {
		r.fail(name, err)
		return decimal.Zero
	}
	return d
}

// rate reads an exchange rate; an empty cell is zero (no rate).
func (r *row) rate(name string) decimal.Decimal {
	s := r.get(name)
	if s == "" {
		return decimal.Zero
	}
	d, err := decimal.Parse(s)
	if err != nil || d.IsNeg() {
		r.fail(name, fmt.Errorf("%w: %q", ErrMalformedAmount, s))
		return decimal.Zero
	}
	return d
}

// date reads a date in one of layouts and keeps its calendar day.
func (r *row) date(name string, layouts ...string) time.Time {
	s := r.get(name)
	if s == "" {
		return time.Time{}
	}
	t, err := parseDay(s, layouts...)
	if err != nil {
		r.fail(name, err)
	}
	return t
}

// parseAmount parses a decimal amount written in major units, rejecting
// exponents, thousands separators and absurd magnitudes.
func parseAmount(s string) (decimal.Decimal, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && c != '.' && !(i == 0 && (c == '-' || c == '+')) {
			return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrMalformedAmount, s)
		}
	}
	d, err := decimal.Parse(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrMalformedAmount, s)
	}
	if err := CheckAmount(d); err != nil {
		return decimal.Decimal{}, err
	}
	return d, nil
}

// parseDay parses s with the first layout that fits and returns its
// calendar day at midnight UTC: providers write local dates, and matching
// works in whole days.
func parseDay(s string, layouts ...string) (time.Time, error) {
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrMalformedDate, s)
}

// finish normalises what every reader shares: account-level fee lines carry
// their amount as a fee component, so fee totals are complete per payout.
func finish(l *SettlementLine) {
	if l.NetCurrency == "" {
		l.NetCurrency = l.GrossCurrency
	}
	if l.GrossCurrency == "" {
		l.GrossCurrency = l.NetCurrency
	}
	if l.Type == TypeFee && len(l.Fees) == 0 {
		cost := mustSub(l.Gross.Zero(), l.Net)
		if l.Net.IsZero() {
			cost = l.Gross.Neg()
			l.Net = l.Gross
		}
		l.Fees = []Fee{{Component: feeComponentName(l.RawType), Amount: cost}}
		l.Gross = decimal.Zero
	}
}

// feeComponentName names the fee component of an account-level fee line.
func feeComponentName(raw string) string {
	switch raw {
	case "InvoiceDeduction":
		return "invoice_deduction"
	case "MiscCosts":
		return "misc_costs"
	}
	return "account_fee"
}
