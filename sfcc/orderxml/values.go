package orderxml

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// isSpace reports XML whitespace (the xsd \s class).
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// trim removes XML whitespace around b, as the collapse facet of the
// schema's numeric, boolean, date and enumerated types allows.
func trim(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parseDecimal reads an amount, rate or quantity exactly. It accepts the
// lexical forms of xsd:decimal ("2", "-2.50", "+.5") and of xsd:double
// ("1.0E0", "25e-2"); the special doubles (INF, NaN) are refused, and so is
// any value that would need rounding to fit decimal.Decimal. No float is
// involved anywhere.
func parseDecimal(b []byte) (decimal.Decimal, error) {
	b = trim(b)
	// Fast path: [sign] digits [. digits] with at most 18 digits, the form
	// of nearly every amount SFCC writes, parsed without allocating.
	i, neg := 0, false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var coef int64
	digits, scale, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			coef = coef*10 + int64(c-'0')
			digits++
			if dot {
				scale++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return parseDecimalSlow(b)
		}
		if digits > 18 {
			return parseDecimalSlow(b)
		}
	}
	if digits == 0 {
		return decimal.Decimal{}, fmt.Errorf("%w: not a number", ErrInvalidValue)
	}
	if neg {
		coef = -coef
	}
	return decimal.New(coef, scale)
}

func parseDecimalSlow(b []byte) (decimal.Decimal, error) {
	s := string(b)
	switch s {
	case "INF", "+INF", "-INF", "NaN":
		return decimal.Decimal{}, fmt.Errorf("%w: %s is not an amount", ErrInvalidValue, s)
	}
	d, err := decimal.Parse(s)
	if err != nil {
		if strings.Contains(err.Error(), "overflow") {
			return decimal.Decimal{}, fmt.Errorf("%w: more than %d integer digits", ErrInvalidValue, decimal.MaxPrec)
		}
		return decimal.Decimal{}, fmt.Errorf("%w: not a number", ErrInvalidValue)
	}
	if d.Scale() < minScale(b) {
		return decimal.Decimal{}, fmt.Errorf("%w: more than %d decimal places", ErrInvalidValue, decimal.MaxScale)
	}
	return d, nil
}

// minScale is the number of decimal places the value written in b needs
// (trailing zeros do not count), so parseDecimalSlow can tell an exact
// parse from one decimal.Parse had to round.
func minScale(b []byte) int {
	i := 0
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		i++
	}
	frac, tz, dot := 0, 0, false
	for ; i < len(b) && (b[i] == '.' || (b[i] >= '0' && b[i] <= '9')); i++ {
		switch {
		case b[i] == '.':
			dot = true
		case b[i] == '0':
			tz++
			if dot {
				frac++
			}
		default:
			tz = 0
			if dot {
				frac++
			}
		}
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		e, err := strconv.Atoi(string(b[i+1:]))
		if err == nil {
			exp = e
		}
	}
	return frac - exp - tz
}

func parseBool(b []byte) (bool, error) {
	switch string(trim(b)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%w: not a boolean", ErrInvalidValue)
}

func parseInt(b []byte) (int, error) {
	n, err := strconv.ParseInt(string(trim(b)), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: not an int", ErrInvalidValue)
	}
	return int(n), nil
}

// parsePosition reads a line position: xsd:decimal in the schema, a whole
// number in practice ("1", "1.0").
func parsePosition(b []byte) (int, error) {
	d, err := parseDecimal(b)
	if err != nil {
		return 0, err
	}
	whole, frac, ok := d.Int64(0)
	if !ok || frac != 0 || !d.IsInt() || whole > 1<<31-1 || whole < -1<<31 {
		return 0, fmt.Errorf("%w: not a whole position", ErrInvalidValue)
	}
	return int(whole), nil
}

// parseDateTime reads an xsd:dateTime. SFCC writes UTC with a Z; a value
// without a zone is taken as UTC. The result is in UTC.
func parseDateTime(b []byte) (time.Time, error) {
	s := string(trim(b))
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: not an xsd:dateTime", ErrInvalidValue)
	}
	// Keep to the years the encoder can write back in four digits.
	if t = t.UTC(); t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%w: year out of range", ErrInvalidValue)
	}
	return t, nil
}

// parseDate reads an xsd:date (optionally with a zone) as midnight UTC.
func parseDate(b []byte) (time.Time, error) {
	s := string(trim(b))
	for _, layout := range []string{"2006-01-02", "2006-01-02Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: not an xsd:date", ErrInvalidValue)
}

// formatDateTime writes t in UTC with milliseconds, as SFCC does, or with
// the nanoseconds needed to keep it exact.
func formatDateTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()%int(time.Millisecond) == 0 {
		return t.Format("2006-01-02T15:04:05.000Z")
	}
	return t.Format(time.RFC3339Nano)
}

// intern returns b as a string, sharing the string of repeated short
// values (currencies, statuses, units, ids) so a large export does not
// allocate them again for every order. The cache is bounded, so memory
// stays bounded; other values come from the order's string chunks.
func (p *parser) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) <= 48 {
		if s, ok := p.vals.get(b, false); ok {
			return s
		}
	}
	return p.mem.strs.string(b)
}

// The read helpers below read the text of the element child() returned
// last into dst. Invalid text is recorded as a value error and leaves dst
// unchanged; only fatal errors are returned.

func (p *parser) str(dst *string) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	*dst = p.mem.strs.string(b)
	return nil
}

// istr is str for short values that repeat across orders.
func (p *parser) istr(dst *string) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	*dst = p.intern(b)
	return nil
}

// token reads an enumerated or coded value: whitespace around it is dropped.
func (p *parser) token() (string, error) {
	b, err := p.text()
	if err != nil {
		return "", err
	}
	return p.intern(trim(b)), nil
}

func (p *parser) dec(dst *decimal.Decimal) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	d, perr := parseDecimal(b)
	if perr != nil {
		p.invalid(perr, trim(b))
		return nil
	}
	*dst = d
	return nil
}

func (p *parser) boolean(dst *bool) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	v, perr := parseBool(b)
	if perr != nil {
		p.invalid(perr, trim(b))
		return nil
	}
	*dst = v
	return nil
}

func (p *parser) integer(dst *int) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	v, perr := parseInt(b)
	if perr != nil {
		p.invalid(perr, trim(b))
		return nil
	}
	*dst = v
	return nil
}

func (p *parser) position(dst *int) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	v, perr := parsePosition(b)
	if perr != nil {
		p.invalid(perr, trim(b))
		return nil
	}
	*dst = v
	return nil
}

func (p *parser) dateTime(dst *time.Time) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	v, perr := parseDateTime(b)
	if perr != nil {
		p.invalid(perr, trim(b))
		return nil
	}
	*dst = v
	return nil
}

func (p *parser) date(dst *time.Time) error {
	b, err := p.text()
	if err != nil {
		return err
	}
	v, perr := parseDate(b)
	if perr != nil {
		p.invalid(perr, trim(b))
		return nil
	}
	*dst = v
	return nil
}

// enum reads a value of an enumerated type, refusing values the schema
// does not list.
func enum[T ~string](p *parser, dst *T, allowed ...T) error {
	s, err := p.token()
	if err != nil {
		return err
	}
	for _, a := range allowed {
		if T(s) == a {
			*dst = a
			return nil
		}
	}
	p.invalid(fmt.Errorf("%w: not one of the schema's values", ErrInvalidValue), []byte(s))
	return nil
}

var transactionTypes = []string{"AUTH", "AUTH_REVERSAL", "CAPTURE", "CREDIT"}

func checkEnum(field, v string, allowed []string) error {
	if contains(allowed, v) {
		return nil
	}
	return fmt.Errorf("%w: %s is not one of the schema's values", ErrInvalidValue, field)
}
