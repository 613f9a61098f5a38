package reconcile

import (
	"strconv"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// ExpectedKind says whether an expected item is money in or money out.
type ExpectedKind string

// Expected item kinds.
const (
	// ExpectedPayment is a payment of an SFCC order, to be captured.
	ExpectedPayment ExpectedKind = "payment"
	// ExpectedRefund is a refund the host issued, to be debited.
	ExpectedRefund ExpectedKind = "refund"
)

// Expected is what should appear in a settlement: a payment of an SFCC order
// or a refund the host reported.
type Expected struct {
	Kind    ExpectedKind
	OrderNo string
	// PSPReference is the payment's transaction id in SFCC: the provider's
	// reference of the original payment.
	PSPReference string
	// RefundID is the host's id of a refund; empty for payments.
	RefundID string
	Method   string
	// Amount is signed from the merchant balance point of view: positive
	// for a payment, negative for a refund.
	Amount   decimal.Decimal
	Currency string
	// Date is when the payment was placed or the refund issued (UTC).
	Date time.Time
	// Seq tells apart two otherwise identical payments of one order.
	Seq int
}

// Key identifies the expected item across runs (open items, closed items).
func (e Expected) Key() string {
	return string(e.Kind) + "|" + e.OrderNo + "|" + e.PSPReference + "|" + e.RefundID + "|" + strconv.Itoa(e.Seq)
}

// lineType is the settlement line type that settles this item.
func (e Expected) lineType() LineType {
	if e.Kind == ExpectedRefund {
		return TypeRefund
	}
	return TypeCapture
}

// ExpectedFromOrder lists the payments of an SFCC order a provider must
// settle. Gift certificates (settled by nobody), zero amounts and
// authorisation reversals are left out.
func ExpectedFromOrder(o sfcc.Order) []Expected {
	date := o.PlaceDate
	if date.IsZero() {
		date = o.OrderDate
	}
	var out []Expected
	seen := map[string]int{}
	for _, p := range o.Payments {
		if p.Kind == sfcc.PaymentKindGiftCertificate || p.Amount.IsZero() || p.TransactionType == "AUTH_REVERSAL" {
			continue
		}
		e := Expected{
			Kind:         ExpectedPayment,
			OrderNo:      o.OrderNo,
			PSPReference: p.TransactionID,
			Method:       p.MethodName(),
			Amount:       p.Amount,
			Currency:     o.Currency,
			Date:         date.UTC(),
		}
		e.Seq = seen[e.PSPReference]
		seen[e.PSPReference]++
		out = append(out, e)
	}
	return out
}

// Refund is a refund the host issued (an RMA, a cancellation after
// capture): the provider must debit it.
type Refund struct {
	OrderNo string
	// PSPReference is the original payment's transaction id.
	PSPReference string
	// RefundID is the host's id of the refund.
	RefundID string
	// Amount is the refunded amount, positive.
	Amount   decimal.Decimal
	Currency string
	Date     time.Time
}

// Expected turns the refund into an expected debit.
func (r Refund) Expected() Expected {
	return Expected{
		Kind:         ExpectedRefund,
		OrderNo:      r.OrderNo,
		PSPReference: r.PSPReference,
		RefundID:     r.RefundID,
		Amount:       r.Amount.Abs().Neg(),
		Currency:     r.Currency,
		Date:         r.Date.UTC(),
	}
}
