package reconcile

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Stripe reads Stripe's itemized payout reconciliation report
// (payout_reconciliation.itemized.5). Amounts are major units. The automatic
// payout id is the payout id.
type Stripe struct {
	// OrderKeys are the payment_metadata keys that may hold the shop's
	// order number, tried in order; default order_no, orderNo, order_id.
	OrderKeys []string
	// Limits caps field and record size; zero takes the defaults.
	Limits CSVLimits
}

var _ Format = Stripe{}

// Provider returns "stripe".
func (Stripe) Provider() string { return "stripe" }

var stripeTypes = map[string]LineType{
	"charge":                   TypeCapture,
	"partial_capture_reversal": TypeCapture,
	"refund":                   TypeRefund,
	"refund_failure":           TypeAdjustment,
	"dispute":                  TypeChargeback,
	"dispute_reversal":         TypeChargebackReversal,
	"fee":                      TypeFee,
	"payout":                   TypePayout,
	"payout_reversal":          TypeAdjustment,
	"other_adjustment":         TypeAdjustment,
}

var stripeRequired = []string{"balance_transaction_id", "currency", "gross", "fee", "net", "reporting_category"}

var stripeDateLayouts = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02"}

// Read streams the lines of a Stripe itemized payout reconciliation report.
func (s Stripe) Read(ctx context.Context, r io.Reader, file string) iter.Seq2[SettlementLine, error] {
	keys := s.OrderKeys
	if len(keys) == 0 {
		keys = []string{"order_no", "orderNo", "order_id"}
	}
	return func(yield func(SettlementLine, error) bool) {
		var h header
		csvRows(ctx, r, file, s.Limits.config(), &h.width, func(rec []string, line int, err error) bool {
			if err != nil {
				return yield(SettlementLine{}, err)
			}
			if h.idx == nil {
				h = newHeader(rec)
				if miss := h.missing(stripeRequired...); len(miss) > 0 {
					yield(SettlementLine{}, &FileError{File: file, Err: fmt.Errorf("%w: %v", ErrMissingColumn, miss)})
					return false
				}
				return true
			}
			rw, err := h.read(rec, file, line)
			if err != nil {
				return yield(SettlementLine{}, err)
			}
			l, err := stripeLine(rw, keys)
			return yield(l, err)
		})
	}
}

func stripeLine(r *row, keys []string) (SettlementLine, error) {
	raw := r.get("reporting_category")
	typ, ok := stripeTypes[raw]
	if !ok {
		return SettlementLine{}, &LineError{File: r.file, Line: r.line, Field: "reporting_category", Err: fmt.Errorf("%w: %q", ErrUnknownType, raw)}
	}
	cur := strings.ToUpper(r.get("currency"))
	gross := r.amount("gross")
	l := SettlementLine{
		Provider:              "stripe",
		Type:                  typ,
		RawType:               raw,
		PSPReference:          r.get("payment_intent_id"),
		ModificationReference: r.get("balance_transaction_id"),
		PaymentMethod:         r.get("payment_method_type"),
		GrossCurrency:         cur,
		Gross:                 gross,
		NetCurrency:           cur,
		Net:                   r.amount("net"),
		PayoutID:              r.get("automatic_payout_id"),
		BookingDate:           r.date("created", stripeDateLayouts...),
		Source:                Position{File: r.file, Line: r.line},
	}
	if l.PSPReference == "" {
		l.PSPReference = r.get("charge_id")
	}
	if l.PaymentMethod == "" {
		l.PaymentMethod = r.get("card_brand")
	}
	for _, k := range keys {
		if v := r.get("payment_metadata[" + k + "]"); v != "" {
			l.MerchantReference = v
			break
		}
	}
	if fee := r.amount("fee"); !fee.IsZero() {
		comp := "processing"
		if typ == TypeChargeback || typ == TypeChargebackReversal {
			comp = "dispute_fee"
		}
		l.Fees = []Fee{{Component: comp, Amount: fee}}
	}
	// The shopper may have paid in another currency: the customer-facing
	// amount is what SFCC recorded, the balance amount what Stripe settles.
	if cfc := strings.ToUpper(r.get("customer_facing_currency")); cfc != "" && cfc != cur {
		cfa := r.amount("customer_facing_amount").Abs()
		if gross.IsNeg() {
			cfa = cfa.Neg()
		}
		l.GrossCurrency, l.Gross = cfc, cfa
		if rate := r.rate("exchange_rate"); !rate.IsZero() {
			l.ExchangeRate = rate
		} else if !cfa.IsZero() {
			if q, err := gross.Quo(cfa); err == nil {
				l.ExchangeRate = q.Round(rateScale)
			}
		}
	}
	if r.err != nil {
		return SettlementLine{}, r.err
	}
	finish(&l)
	return l, nil
}

// rateScale is the number of decimals a derived exchange rate is rounded to
// (half to even), matching the precision providers print.
const rateScale = 6
