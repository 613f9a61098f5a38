package reconcile

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/govalues/decimal"
)

// PayPal reads PayPal's settlement report (STL-yyyymmdd.seq.version.CSV):
// record types in the first column, column names from the CH record,
// unsigned minor-unit amounts with CR/DR beside each. The report day (from
// the SH record) is the payout id; the withdrawal's bank reference is the
// payout line's modification reference.
type PayPal struct {
	// Limits caps field and record size; zero takes the defaults.
	Limits CSVLimits
}

var _ Format = PayPal{}

// Provider returns "paypal".
func (PayPal) Provider() string { return "paypal" }

var paypalRequired = []string{
	"Transaction ID", "Invoice ID", "Transaction Event Code", "Transaction Debit or Credit",
	"Gross Transaction Amount", "Gross Transaction Currency",
}

var paypalDateLayouts = []string{"2006/01/02 15:04:05 -0700", "2006/01/02 15:04:05", "2006/01/02", "2006-01-02"}

// paypalType maps a transaction event code to a line type.
func paypalType(code string) (LineType, bool) {
	switch code {
	case "T1107":
		return TypeRefund, true
	case "T1106", "T1201":
		return TypeChargeback, true
	case "T1202":
		return TypeChargebackReversal, true
	case "T1108", "T1110", "T1111":
		return TypeAdjustment, true
	}
	if len(code) != 5 || code[0] != 'T' {
		return "", false
	}
	switch code[:3] {
	case "T00":
		return TypeCapture, true
	case "T01":
		return TypeFee, true
	case "T02":
		return TypeConversion, true
	case "T04":
		return TypePayout, true
	case "T15":
		return TypeAdjustment, true
	}
	return "", false
}

// Read streams the transaction rows of a PayPal STL report. The two legs of
// a currency conversion are yielded together once both are read, each with
// the pair's exchange rate.
func (p PayPal) Read(ctx context.Context, r io.Reader, file string) iter.Seq2[SettlementLine, error] {
	return func(yield func(SettlementLine, error) bool) {
		var (
			h       header
			period  string
			pending *SettlementLine
		)
		flushPending := func() bool {
			if pending == nil {
				return true
			}
			l := pending
			pending = nil
			return yield(SettlementLine{}, &LineError{File: file, Line: l.Source.Line, Field: "Transaction Event Code",
				Err: fmt.Errorf("%w: currency conversion leg %s without its counterpart", ErrMalformedRow, l.RawType)})
		}
		ok := true
		width := 0
		csvRows(ctx, r, file, p.Limits.config(), &width, func(rec []string, line int, err error) bool {
			if err != nil {
				ok = yield(SettlementLine{}, err)
				return ok
			}
			switch strings.TrimSpace(rec[0]) {
			case "SH":
				if len(rec) > 1 {
					if t, err := parseDay(strings.TrimSpace(rec[1]), paypalDateLayouts...); err == nil {
						period = t.Format("2006-01-02")
					}
				}
				return true
			case "CH":
				h = newHeader(rec[1:])
				width = len(rec)
				if miss := h.missing(paypalRequired...); len(miss) > 0 {
					yield(SettlementLine{}, &FileError{File: file, Err: fmt.Errorf("%w: %v", ErrMissingColumn, miss)})
					ok = false
					return false
				}
				return true
			case "SB":
			case "SF", "SC", "RH", "RF", "RC", "FH", "FF":
				return true
			default:
				ok = yield(SettlementLine{}, &LineError{File: file, Line: line, Err: fmt.Errorf("%w: record type %q", ErrUnknownType, rec[0])})
				return ok
			}
			if h.idx == nil {
				ok = yield(SettlementLine{}, &LineError{File: file, Line: line, Err: fmt.Errorf("%w: SB record before the CH column header", ErrMalformedRow)})
				return ok
			}
			rw, err := h.read(rec[1:], file, line)
			if err != nil {
				ok = yield(SettlementLine{}, err)
				return ok
			}
			l, err := paypalLine(rw, period)
			if err != nil {
				ok = yield(SettlementLine{}, err)
				return ok
			}
			if l.Type != TypeConversion {
				if !flushPending() {
					ok = false
					return false
				}
				ok = yield(l, nil)
				return ok
			}
			if pending == nil {
				pending = &l
				return true
			}
			if pending.Net.Sign() == l.Net.Sign() || pending.NetCurrency == l.NetCurrency {
				if !flushPending() {
					ok = false
					return false
				}
				pending = &l
				return true
			}
			from, to := *pending, l
			pending = nil
			if from.Net.IsPos() {
				from, to = to, from
			}
			if q, err := to.Net.Quo(from.Net.Abs()); err == nil {
				from.ExchangeRate, to.ExchangeRate = q.Round(rateScale), q.Round(rateScale)
			}
			first, second := from, to
			if second.Source.Line < first.Source.Line {
				first, second = second, first
			}
			ok = yield(first, nil) && yield(second, nil)
			return ok
		})
		if ok {
			flushPending()
		}
	}
}

func paypalLine(r *row, period string) (SettlementLine, error) {
	code := r.get("Transaction Event Code")
	typ, ok := paypalType(code)
	if !ok {
		return SettlementLine{}, &LineError{File: r.file, Line: r.line, Field: "Transaction Event Code", Err: fmt.Errorf("%w: %q", ErrUnknownType, code)}
	}
	cur := strings.ToUpper(r.get("Gross Transaction Currency"))
	gross := r.minor("Gross Transaction Amount", cur, r.get("Transaction Debit or Credit"))
	l := SettlementLine{
		Provider:          "paypal",
		Type:              typ,
		RawType:           code,
		PSPReference:      r.get("Transaction ID"),
		MerchantReference: r.get("Invoice ID"),
		GrossCurrency:     cur,
		Gross:             gross,
		NetCurrency:       cur,
		PayoutID:          period,
		BookingDate:       r.date("Transaction Completion Date", paypalDateLayouts...),
		Source:            Position{File: r.file, Line: r.line},
	}
	if l.BookingDate.IsZero() {
		l.BookingDate = r.date("Transaction Initiation Date", paypalDateLayouts...)
	}
	if typ == TypePayout {
		l.ModificationReference = r.get("Bank Reference ID")
	} else if ref := r.get("PayPal Reference ID"); ref != "" {
		// Refunds, chargebacks, conversions and the captures of an
		// authorisation carry their own id; the original payment (what
		// SFCC stored) is the PayPal reference.
		l.ModificationReference, l.PSPReference = l.PSPReference, ref
	}
	fee := decimal.Zero
	if r.get("Fee Amount") != "" {
		feeCur := strings.ToUpper(r.get("Fee Currency"))
		if feeCur == "" {
			feeCur = cur
		}
		if feeCur != cur {
			r.fail("Fee Currency", fmt.Errorf("%w: fee in %s on a %s transaction", ErrMalformedAmount, feeCur, cur))
		}
		// A fee debited is a cost; the sign is the opposite of a balance
		// movement.
		fee = r.minor("Fee Amount", cur, r.get("Fee Debit or Credit")).Neg()
	}
	l.Net = mustSub(gross, fee)
	if !fee.IsZero() {
		l.Fees = []Fee{{Component: "processing", Amount: fee}}
	}
	if r.err != nil {
		return SettlementLine{}, r.err
	}
	finish(&l)
	return l, nil
}

// minor reads an unsigned minor-unit amount and signs it by its CR/DR flag.
func (r *row) minor(name, currency, direction string) decimal.Decimal {
	s := r.get(name)
	if s == "" {
		return decimal.Zero
	}
	d, err := FromMinorUnits(s, currency)
	if err != nil {
		r.fail(name, err)
		return decimal.Zero
	}
	switch strings.ToUpper(direction) {
	case "CR":
		return d
	case "DR":
		return d.Neg()
	}
	r.fail(name, fmt.Errorf("%w: direction %q is neither CR nor DR", ErrMalformedAmount, direction))
	return decimal.Zero
}
