package reconcile

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// MarshalJSON writes the journal error with its message.
func (e JournalError) MarshalJSON() ([]byte, error) {
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return json.Marshal(struct{ Provider, PayoutID, Currency, Error string }{e.Provider, e.PayoutID, e.Currency, msg})
}

// WriteJSON writes the whole report as indented JSON; amounts are decimal
// strings, never binary numbers.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("reconcile: write JSON report: %w", err)
	}
	return nil
}

// csvHeader is the one header of the finance CSV: figure columns for payout
// and total rows, item columns for the lists.
var csvHeader = []string{
	"section", "provider", "payout_id", "currency", "date",
	"gross", "refunds", "chargebacks", "chargeback_reversals", "adjustments", "conversions", "fees",
	"net_expected", "net_paid", "difference",
	"order_no", "psp_reference", "source", "status", "expected", "settled", "detail",
}

// WriteCSV writes the report for a spreadsheet (every text cell through
// SpreadsheetSafe): one row per payout and per
// currency total with its figures, one "fee" row per fee component, then
// one row per matched, mismatched, review, open, missing, unexpected,
// chargeback, duplicate and unreadable item, and the exceptions.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{csvHeader}
	empty := func() []string { return make([]string, len(csvHeader)) }
	figures := func(section string, p PayoutSummary) {
		row := empty()
		copy(row, []string{section, p.Provider, p.PayoutID, p.Currency, day(p.Date),
			p.Gross.String(), p.Refunds.String(), p.Chargebacks.String(), p.ChargebackReversals.String(),
			p.Adjustments.String(), p.Conversions.String(), p.FeeTotal.String(),
			p.NetExpected.String(), p.NetPaid.String(), p.Difference.String()})
		row[21] = fmt.Sprintf("lines=%d matched=%d mismatched=%d review=%d unexpected=%d paid_out=%t",
			p.Lines, p.Matched, p.Mismatched, p.Review, p.Unexpected, p.PaidOut)
		rows = append(rows, row)
		for _, f := range p.Fees {
			fr := empty()
			fr[0], fr[1], fr[2], fr[3], fr[11], fr[21] = section+"-fee", p.Provider, p.PayoutID, p.Currency, f.Amount.String(), f.Component
			rows = append(rows, fr)
		}
	}
	for _, p := range r.Payouts {
		figures("payout", p)
	}
	for _, p := range r.Totals {
		figures("total", p)
	}
	item := func(section string, l SettlementLine, orderNo, status string, expected, settled decimal.Decimal, detail string) {
		row := empty()
		row[0], row[1], row[2], row[3], row[4] = section, l.Provider, l.PayoutID, l.GrossCurrency, day(l.BookingDate)
		row[15], row[16], row[17], row[18], row[19], row[20], row[21] = orderNo, l.PSPReference, l.Source.String(), status,
			amount(expected), amount(settled), detail
		rows = append(rows, row)
	}
	for _, set := range [][]Match{r.Matched, r.Mismatches} {
		for _, m := range set {
			for _, e := range m.Expected {
				row := empty()
				row[0], row[3], row[4] = "match", m.Currency, day(e.Date)
				row[15], row[16], row[17], row[18] = e.OrderNo, e.PSPReference, lineRefs(m.Lines), string(m.Status)
				row[19], row[20] = m.ExpectedAmount.String(), m.SettledAmount.String()
				row[21] = fmt.Sprintf("%s; difference %s", m.Method, m.Difference)
				if len(m.Lines) > 0 {
					row[1], row[2] = m.Lines[0].Provider, m.Lines[0].PayoutID
				}
				rows = append(rows, row)
			}
		}
	}
	for _, rv := range r.Review {
		for _, l := range rv.Lines {
			item("review", l, l.MerchantReference, "review", decimal.Decimal{}, l.Gross, rv.Reason)
		}
	}
	for _, set := range []struct {
		name  string
		items []OpenItem
	}{{"open", r.Open}, {"missing", r.Missing}} {
		for _, o := range set.items {
			row := empty()
			row[0], row[3], row[4] = set.name, o.Expected.Currency, day(o.Expected.Date)
			row[15], row[16], row[18], row[19], row[20] = o.Expected.OrderNo, o.Expected.PSPReference, string(o.Expected.Kind),
				o.Remaining().String(), o.Settled.String()
			row[21] = "first seen " + day(o.FirstSeen)
			rows = append(rows, row)
		}
	}
	for _, l := range r.Unexpected {
		item("unexpected", l, l.MerchantReference, string(l.Type), decimal.Decimal{}, l.Gross, "")
	}
	for _, l := range r.Chargebacks {
		item("chargeback", l, l.MerchantReference, string(l.Type), decimal.Decimal{}, l.Gross, "fees "+l.FeeTotal().String())
	}
	for _, l := range r.DuplicateLines {
		item("duplicate-line", l, l.MerchantReference, string(l.Type), decimal.Decimal{}, l.Gross, "not counted")
	}
	for _, d := range r.DuplicateFiles {
		row := empty()
		row[0], row[17], row[21] = "duplicate-file", d.Name, "same content as "+d.FirstName+"; not counted"
		rows = append(rows, row)
	}
	for _, e := range r.ReadErrors {
		row := empty()
		row[0], row[17], row[21] = "read-error", e.File+":"+strconv.Itoa(e.Line), e.Message
		rows = append(rows, row)
	}
	for _, x := range r.Exceptions {
		row := empty()
		row[0], row[15], row[18], row[21] = "exception", x.Key, string(x.Kind)+"/"+string(x.Owner), x.Detail
		rows = append(rows, row)
	}
	for _, row := range rows {
		for i, c := range row {
			row[i] = SpreadsheetSafe(c)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("reconcile: write CSV report: %w", err)
	}
	return nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// amount prints an amount, or nothing for the zero Decimal value used as
// "not applicable".
func amount(d decimal.Decimal) string {
	if d == (decimal.Decimal{}) {
		return ""
	}
	return d.String()
}

// SpreadsheetSafe neutralises a CSV cell a spreadsheet would run as a
// formula (OWASP CSV injection): text starting with =, +, -, @, a tab or a
// carriage return gets a leading single quote, which spreadsheets show as
// text. A plain decimal number ("-12.50") is left as it is, so amounts stay
// numbers.
func SpreadsheetSafe(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) || isPlainNumber(cell) {
		return cell
	}
	return "'" + cell
}

// isPlainNumber reports a signed decimal number with no exponent.
func isPlainNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && s[len(s)-1] != '.'
}
