package reconcile

import (
	"context"
	"fmt"
	"io"
	"iter"
)

// Adyen reads Adyen's Settlement details report
// (settlement_detail_report_batch_<N>.csv), classic or extended header. The
// batch number is the payout id.
type Adyen struct {
	// Limits caps field and record size; zero takes the defaults.
	Limits CSVLimits
}

var _ BatchFormat = Adyen{}

// Provider returns "adyen".
func (Adyen) Provider() string { return "adyen" }

// OneBatchPerFile returns true: each settlement details report is one
// payable batch, so a second file for the batch is a re-issue.
func (Adyen) OneBatchPerFile() bool { return true }

var adyenTypes = map[string]LineType{
	"Settled":              TypeCapture,
	"SettledExternally":    TypeCapture,
	"Refunded":             TypeRefund,
	"RefundedExternally":   TypeRefund,
	"Chargeback":           TypeChargeback,
	"ChargebackExternally": TypeChargeback,
	"SecondChargeback":     TypeChargeback,
	"ChargebackReversed":   TypeChargebackReversal,
	"RefundedReversed":     TypeAdjustment,
	"Fee":                  TypeFee,
	"InvoiceDeduction":     TypeFee,
	"MiscCosts":            TypeFee,
	"DepositCorrection":    TypeAdjustment,
	"Balancetransfer":      TypeAdjustment,
	"MerchantPayout":       TypePayout,
}

// adyenFees are the columns whose sum is the transaction fee, in the net
// currency (Adyen: Fee = Commission + Markup + Scheme Fees + Interchange).
var adyenFees = []struct{ column, component string }{
	{"Commission (NC)", "commission"},
	{"Markup (NC)", "markup"},
	{"Scheme Fees (NC)", "scheme_fees"},
	{"Interchange (NC)", "interchange"},
}

var adyenRequired = []string{
	"Psp Reference", "Merchant Reference", "Type", "Gross Currency", "Gross Debit (GC)",
	"Gross Credit (GC)", "Net Currency", "Net Debit (NC)", "Net Credit (NC)", "Batch Number",
}

var adyenDateLayouts = []string{"2006-01-02 15:04:05", "2006-01-02", "2006-01-02T15:04:05"}

// Read streams the lines of an Adyen settlement details report.
func (a Adyen) Read(ctx context.Context, r io.Reader, file string) iter.Seq2[SettlementLine, error] {
	return func(yield func(SettlementLine, error) bool) {
		var h header
		csvRows(ctx, r, file, a.Limits.config(), &h.width, func(rec []string, line int, err error) bool {
			if err != nil {
				return yield(SettlementLine{}, err)
			}
			if h.idx == nil {
				h = newHeader(rec)
				if miss := h.missing(adyenRequired...); len(miss) > 0 {
					yield(SettlementLine{}, &FileError{File: file, Err: fmt.Errorf("%w: %v", ErrMissingColumn, miss)})
					return false
				}
				return true
			}
			rw, err := h.read(rec, file, line)
			if err != nil {
				return yield(SettlementLine{}, err)
			}
			l, err := a.line(rw)
			return yield(l, err)
		})
	}
}

func (Adyen) line(r *row) (SettlementLine, error) {
	raw := r.get("Type")
	typ, ok := adyenTypes[raw]
	if !ok {
		return SettlementLine{}, &LineError{File: r.file, Line: r.line, Field: "Type", Err: fmt.Errorf("%w: %q", ErrUnknownType, raw)}
	}
	l := SettlementLine{
		Provider:              "adyen",
		Type:                  typ,
		RawType:               raw,
		PSPReference:          r.get("Psp Reference"),
		ModificationReference: r.get("Modification Reference"),
		MerchantReference:     r.get("Merchant Reference"),
		PaymentMethod:         r.get("Payment Method"),
		GrossCurrency:         r.get("Gross Currency"),
		Gross:                 mustSub(r.amount("Gross Credit (GC)"), r.amount("Gross Debit (GC)")),
		NetCurrency:           r.get("Net Currency"),
		Net:                   mustSub(r.amount("Net Credit (NC)"), r.amount("Net Debit (NC)")),
		ExchangeRate:          r.rate("Exchange Rate"),
		PayoutID:              r.get("Batch Number"),
		Source:                Position{File: r.file, Line: r.line},
	}
	if mor := r.get("Merchant Order Reference"); l.MerchantReference == "" && mor != "" {
		l.MerchantReference = mor
	}
	// Extended reports carry the booking day; classic ones only the
	// creation date, both local to the account's TimeZone.
	if r.get("Booking Date") != "" {
		l.BookingDate = r.date("Booking Date", adyenDateLayouts...)
	} else {
		l.BookingDate = r.date("Creation Date", adyenDateLayouts...)
	}
	if l.GrossCurrency == l.NetCurrency && l.ExchangeRate.IsOne() {
		l.ExchangeRate = l.ExchangeRate.Zero()
	}
	if typ != TypeFee && typ != TypePayout {
		for _, f := range adyenFees {
			if amt := r.amount(f.column); !amt.IsZero() {
				l.Fees = append(l.Fees, Fee{Component: f.component, Amount: amt})
			}
		}
	}
	if r.err != nil {
		return SettlementLine{}, r.err
	}
	finish(&l)
	return l, nil
}
