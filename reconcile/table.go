package reconcile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/csvin"
)

// csvRows streams the records of a CSV file with their line numbers,
// through the module's one CSV opener (csvin: byte order mark dropped,
// record boundaries found by line, caps on field and record size). A record
// that cannot be split yields a *LineError naming its own line and reading
// resynchronises at the next record; an I/O failure yields a *FileError and
// ends. *width, once the reader has its header, is the number of fields a
// record has: a record spanning lines with another count is broken.
func csvRows(ctx context.Context, r io.Reader, file string, caps csvin.Config, width *int, yield func(rec []string, line int, err error) bool) {
	cr := csvin.NewReader(r, caps)
	for {
		if err := ctx.Err(); err != nil {
			yield(nil, 0, &FileError{File: file, Err: err})
			return
		}
		cr.ExpectFields(*width)
		rec, line, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			var re *csvin.RecordError
			if errors.As(err, &re) {
				if !yield(nil, 0, &LineError{File: file, Line: re.Line, Err: fmt.Errorf("%w: %v", ErrMalformedRow, re.Err)}) {
					return
				}
				continue
			}
			yield(nil, 0, &FileError{File: file, Err: err})
			return
		}
		if isBlank(rec) {
			continue
		}
		if !yield(rec, line, nil) {
			return
		}
	}
}

// csvReadAhead reads like csvRows, but the records are split on another
// goroutine while yield works: a large file is read on two cores. Records
// go over in batches, each one buffer of the records' bytes, which come
// back to be reused: the fields yield is given are valid only until it
// returns, and it must copy what it keeps. The header (the first record
// read) sets the width the others are checked against, as csvRows's caller
// does with width. yield is called on the caller's goroutine, in order;
// when it returns false, or ctx is done, the reading goroutine stops, and
// csvReadAhead returns only once it has.
func csvReadAhead(ctx context.Context, r io.Reader, file string, caps csvin.Config, yield func(rec []string, line int, err error) bool) {
	const batchSize, inFlight = 512, 4
	type batch struct {
		buf    []byte // the records' bytes, one after another
		fields []int  // where each field ends in buf
		ends   []int  // where each record's fields end in fields
		lines  []int
		errs   []error
		last   error // a FileError ending the file, after the records
	}
	full := make(chan *batch, inFlight)
	free := make(chan *batch, inFlight+1)
	for range inFlight + 1 {
		free <- &batch{}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(stop)
		wg.Wait()
	}()
	wg.Go(func() {
		defer close(full)
		cr := csvin.NewReader(r, caps)
		width := -1 // until the header is read
		for {
			var b *batch
			select {
			case b = <-free:
			case <-stop:
				return
			}
			b.buf, b.fields, b.ends, b.lines, b.errs, b.last = b.buf[:0], b.fields[:0], b.ends[:0], b.lines[:0], b.errs[:0], nil
			for len(b.lines) < batchSize && b.last == nil {
				if err := ctx.Err(); err != nil {
					b.last = &FileError{File: file, Err: err}
					break
				}
				cr.ExpectFields(max(width, 0))
				bufLen, nf := len(b.buf), len(b.fields)
				var (
					line int
					err  error
				)
				b.buf, b.fields, line, err = cr.AppendRecord(b.buf, b.fields)
				if err == io.EOF {
					break
				}
				if err != nil {
					var re *csvin.RecordError
					if !errors.As(err, &re) {
						b.last = &FileError{File: file, Err: err}
						break
					}
					b.buf, b.fields = b.buf[:bufLen], b.fields[:nf]
					b.lines = append(b.lines, 0)
					b.errs = append(b.errs, &LineError{File: file, Line: re.Line, Err: fmt.Errorf("%w: %v", ErrMalformedRow, re.Err)})
					b.ends = append(b.ends, len(b.fields))
					continue
				}
				if len(bytes.TrimSpace(b.buf[bufLen:])) == 0 {
					// A blank record (isBlank): its fields are all spaces.
					b.buf, b.fields = b.buf[:bufLen], b.fields[:nf]
					continue
				}
				if width < 0 {
					width = len(b.fields) - nf
				}
				b.ends = append(b.ends, len(b.fields))
				b.lines = append(b.lines, line)
				b.errs = append(b.errs, nil)
			}
			ended := b.last != nil || len(b.lines) < batchSize
			select {
			case full <- b:
			case <-stop:
				return
			}
			if ended {
				return
			}
		}
	})
	var rec []string
	for b := range full {
		first, at := 0, 0
		for i, end := range b.ends {
			var ok bool
			if b.errs[i] != nil {
				ok = yield(nil, 0, b.errs[i])
			} else {
				rec = rec[:0]
				for _, fe := range b.fields[first:end] {
					if fe == at {
						rec = append(rec, "")
					} else {
						rec = append(rec, unsafe.String(&b.buf[at], fe-at))
					}
					at = fe
				}
				ok = yield(rec, b.lines[i], nil)
			}
			first = end
			if !ok {
				return
			}
		}
		if b.last != nil {
			yield(nil, 0, b.last)
			return
		}
		free <- b
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
type header struct {
	idx map[string]int
	// width is the number of columns; a row with fewer is missing fields.
	width int
}

func newHeader(rec []string) header {
	h := header{idx: make(map[string]int, len(rec)), width: len(rec)}
	for i, name := range rec {
		name = strings.Clone(strings.TrimSpace(name)) // rec may be a reused buffer
		if _, dup := h.idx[name]; !dup {
			h.idx[name] = i
		}
	}
	return h
}

// read checks that rec has every column of the header: a short row is a
// cut or broken record, never a row whose missing cells are empty.
func (h header) read(rec []string, file string, line int) (*row, error) {
	if len(rec) < h.width {
		return nil, &LineError{File: file, Line: line, Err: fmt.Errorf("%w: %d fields, the header has %d", ErrMalformedRow, len(rec), h.width)}
	}
	return &row{h: h, rec: rec, file: file, line: line}, nil
}

// readInto is read into a row the caller reuses from record to record: a
// reader of a million rows then allocates no row per record.
func (h header) readInto(r *row, rec []string, file string, line int) error {
	if len(rec) < h.width {
		return &LineError{File: file, Line: line, Err: fmt.Errorf("%w: %d fields, the header has %d", ErrMalformedRow, len(rec), h.width)}
	}
	*r = row{h: h, rec: rec, file: file, line: line, day: r.day}
	return nil
}

// dayCache remembers the last date a reader parsed: a settlement file
// books most of its rows on a few days.
type dayCache struct {
	s string
	t time.Time
}

// interner returns one copy of each distinct value of a column with few
// values (currencies, row types, payout ids), so a million lines do not
// hold a million copies of "EUR". It stops adding values past a bound and
// then returns copies. Values are always copies (strings.Clone) of the
// string given, never the string itself: it may be part of a whole record.
type interner map[string]string

const internMax = 4096

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	s = strings.Clone(s)
	if len(in) < internMax {
		in[s] = s
	}
	return s
}

// missing lists the required columns absent from h.
func (h header) missing(required ...string) []string {
	var out []string
	for _, name := range required {
		if _, ok := h.idx[name]; !ok {
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
	// day, if set, caches the last date parsed (one cache per file).
	day *dayCache
}

func (r *row) get(name string) string {
	i, ok := r.h.idx[name]
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
	if r.day != nil && r.day.s == s && s != "" {
		return r.day.t
	}
	t, err := parseDay(s, layouts...)
	if err != nil {
		r.fail(name, err)
		return t
	}
	if r.day != nil {
		r.day.s, r.day.t = strings.Clone(s), t // s may be in a reused buffer
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

// Caps on what one CSV cell and one record may cost, for every settlement
// reader; a field or record over its cap is a row error naming file and
// line, and reading goes on.
const (
	// DefaultMaxFieldBytes caps one field of a settlement CSV.
	DefaultMaxFieldBytes = csvin.DefaultMaxFieldBytes
	// DefaultMaxRecordBytes caps one record of a settlement CSV, and how
	// far a quoted field may run before it counts as unterminated.
	DefaultMaxRecordBytes = csvin.DefaultMaxRecordBytes
)

// CSVLimits caps field and record size in a settlement reader; zero fields
// take the Default* caps.
type CSVLimits struct {
	MaxFieldBytes  int
	MaxRecordBytes int
}

func (l CSVLimits) config() csvin.Config {
	return csvin.Config{MaxFieldBytes: l.MaxFieldBytes, MaxRecordBytes: l.MaxRecordBytes}
}
