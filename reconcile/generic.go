package reconcile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unsafe"

	"github.com/govalues/decimal"
)

// ColumnMapping describes another provider's settlement CSV: which header
// names hold which field, and how the provider spells its row types. Only
// Type, Currency and one amount column are required; empty names are
// fields the provider does not have.
type ColumnMapping struct {
	// Provider names the provider in SettlementLine.Provider.
	Provider string
	// Types maps the provider's row type values to line types; a value
	// not in the map is an ErrUnknownType line error.
	Types map[string]LineType

	Type, PSPReference, ModificationReference, MerchantReference, PaymentMethod string
	// Currency is the settlement currency column; GrossCurrency the
	// shopper's currency if it differs.
	Currency, GrossCurrency string
	// Gross and Net are signed amount columns (money in positive). Net may
	// be empty: it is then Gross − fees.
	Gross, Net string
	// Fees maps fee component names to columns holding a cost as a
	// positive number.
	Fees map[string]string
	// ExchangeRate, BookingDate and PayoutID are optional columns.
	ExchangeRate, BookingDate, PayoutID string
	// DateLayouts are the time layouts of BookingDate; default ISO dates.
	DateLayouts []string
	// MinorUnits is true when amounts are integers of the currency's
	// minor unit (signed) rather than major units.
	MinorUnits bool
}

// Validate reports a mapping that cannot read any file.
func (m ColumnMapping) Validate() error {
	var errs []error
	if m.Provider == "" {
		errs = append(errs, errors.New("provider name is empty"))
	}
	if m.Type == "" || len(m.Types) == 0 {
		errs = append(errs, errors.New("type column or type values missing"))
	}
	if m.Currency == "" {
		errs = append(errs, errors.New("currency column missing"))
	}
	if m.Gross == "" {
		errs = append(errs, errors.New("gross column missing"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("reconcile: column mapping %q: %w", m.Provider, err)
	}
	return nil
}

// Generic reads a settlement CSV described by a ColumnMapping.
type Generic struct {
	Mapping ColumnMapping
	// Limits caps field and record size; zero takes the defaults.
	Limits CSVLimits
}

var _ Format = Generic{}

// Provider returns the mapping's provider name.
func (g Generic) Provider() string { return g.Mapping.Provider }

// Read streams the lines of a CSV file laid out as g.Mapping describes.
func (g Generic) Read(ctx context.Context, r io.Reader, file string) iter.Seq2[SettlementLine, error] {
	m := g.Mapping
	if len(m.DateLayouts) == 0 {
		m.DateLayouts = []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00"}
	}
	return func(yield func(SettlementLine, error) bool) {
		if err := m.Validate(); err != nil {
			yield(SettlementLine{}, &FileError{File: file, Err: err})
			return
		}
		var (
			h    header
			rw   = row{day: &dayCache{}}
			fees = sortedKeys(m.Fees)
			strs = interner{}
			mem  = &lineArena{}
		)
		// The records share one string each: line clones what it keeps.
		// They are split on another goroutine, which checks them against
		// the header's width itself.
		csvReadAhead(ctx, r, file, g.Limits.config(), func(rec []string, line int, err error) bool {
			if err != nil {
				return yield(SettlementLine{}, err)
			}
			if h.idx == nil {
				h = newHeader(rec)
				required := []string{m.Type, m.Currency, m.Gross}
				for _, c := range []string{m.Net, m.GrossCurrency, m.ExchangeRate, m.BookingDate, m.PayoutID,
					m.PSPReference, m.ModificationReference, m.MerchantReference, m.PaymentMethod} {
					if c != "" {
						required = append(required, c)
					}
				}
				for _, c := range m.Fees {
					required = append(required, c)
				}
				if miss := h.missing(required...); len(miss) > 0 {
					yield(SettlementLine{}, &FileError{File: file, Err: fmt.Errorf("%w: %v", ErrMissingColumn, miss)})
					return false
				}
				return true
			}
			if err := h.readInto(&rw, rec, file, line); err != nil {
				return yield(SettlementLine{}, err)
			}
			l, err := m.line(&rw, fees, strs, mem)
			return yield(l, err)
		})
	}
}

// line reads one row; fees are the fee components in order, strs interns
// the columns with few values, mem holds the line's references and fees.
func (m ColumnMapping) line(r *row, fees []string, strs interner, mem *lineArena) (SettlementLine, error) {
	raw := strs.get(r.get(m.Type))
	typ, ok := m.Types[raw]
	if !ok {
		return SettlementLine{}, &LineError{File: r.file, Line: r.line, Field: m.Type, Err: fmt.Errorf("%w: %q", ErrUnknownType, raw)}
	}
	cur := strs.get(strings.ToUpper(r.get(m.Currency)))
	l := SettlementLine{
		Provider:      m.Provider,
		Type:          typ,
		RawType:       raw,
		GrossCurrency: cur,
		NetCurrency:   cur,
		Source:        Position{File: r.file, Line: r.line},
	}
	opt := func(col string) string {
		if col == "" {
			return ""
		}
		return r.get(col)
	}
	// The record is one string: the references are copied out of it, into
	// the reader's shared buffer.
	refs := [4]string{opt(m.PSPReference), opt(m.ModificationReference), opt(m.MerchantReference), opt(m.PaymentMethod)}
	mem.strings(refs[:])
	l.PSPReference, l.ModificationReference, l.MerchantReference, l.PaymentMethod = refs[0], refs[1], refs[2], refs[3]
	l.PayoutID = strs.get(opt(m.PayoutID))
	if gc := strs.get(strings.ToUpper(opt(m.GrossCurrency))); gc != "" {
		l.GrossCurrency = gc
	}
	l.Gross = m.amount(r, m.Gross, l.GrossCurrency)
	if len(fees) > 0 {
		l.Fees = mem.fees(len(fees))
		for _, comp := range fees {
			if amt := m.amount(r, m.Fees[comp], cur); !amt.IsZero() {
				l.Fees = append(l.Fees, Fee{Component: comp, Amount: amt})
			}
		}
		if len(l.Fees) == 0 {
			l.Fees = nil
		}
		l.Fees = l.Fees[:len(l.Fees):len(l.Fees)]
		mem.used(len(l.Fees))
	}
	if m.Net != "" {
		l.Net = m.amount(r, m.Net, cur)
	} else if l.GrossCurrency == cur {
		l.Net = mustSub(l.Gross, l.FeeTotal())
	}
	if m.ExchangeRate != "" {
		l.ExchangeRate = r.rate(m.ExchangeRate)
	}
	if m.BookingDate != "" {
		l.BookingDate = r.date(m.BookingDate, m.DateLayouts...)
	}
	if l.GrossCurrency != cur && m.Net == "" {
		r.fail(m.Net, fmt.Errorf("%w: a net column is needed when gross and settlement currency differ", ErrMissingColumn))
	}
	if r.err != nil {
		return SettlementLine{}, r.err
	}
	finish(&l)
	return l, nil
}

// lineArena holds the references and fee lists of the lines a reader
// reads, many lines to one allocation: a million lines are then a few
// hundred objects for the collector rather than two million. The lines
// keep their arena alive, which they would all do anyway (a run holds all
// its lines to its end).
type lineArena struct {
	buf     []byte
	feeSlab []Fee
}

const lineArenaBytes, lineArenaFees = 64 << 10, 4096

// strings replaces the strings of ss with copies in the arena's buffer.
// The bytes behind a string are never written again: the buffer is only
// appended to, and replaced when full.
func (a *lineArena) strings(ss []string) {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	if n == 0 {
		return
	}
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, max(n, lineArenaBytes))
	}
	start := len(a.buf)
	for _, s := range ss {
		a.buf = append(a.buf, s...)
	}
	all := unsafe.String(&a.buf[start], n)
	at := 0
	for i, s := range ss {
		ss[i] = all[at : at+len(s)]
		at += len(s)
	}
}

// fees is an empty list with room for n fees, in the arena; used(k) then
// takes the first k of them.
func (a *lineArena) fees(n int) []Fee {
	if cap(a.feeSlab)-len(a.feeSlab) < n {
		a.feeSlab = make([]Fee, 0, max(n, lineArenaFees))
	}
	return a.feeSlab[len(a.feeSlab):len(a.feeSlab):cap(a.feeSlab)][:0:n]
}

func (a *lineArena) used(k int) { a.feeSlab = a.feeSlab[:len(a.feeSlab)+k] }

func (m ColumnMapping) amount(r *row, col, currency string) (d decimal.Decimal) {
	if !m.MinorUnits {
		return r.amount(col)
	}
	s := r.get(col)
	if s == "" {
		return d
	}
	neg := strings.HasPrefix(s, "-")
	v, err := FromMinorUnits(strings.TrimPrefix(s, "-"), currency)
	if err != nil {
		r.fail(col, err)
		return d
	}
	if neg {
		v = v.Neg()
	}
	return v
}
