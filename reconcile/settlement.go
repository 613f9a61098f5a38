package reconcile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/govalues/decimal"
)

// LineType is the normalised kind of a settlement line, whatever the
// provider called it.
type LineType string

// Settlement line types. Every provider row type maps to exactly one of these
// or is reported as unknown; nothing is guessed.
const (
	// TypeCapture is money captured from the shopper (a sale). Partial
	// capture reversals are captures with a negative gross.
	TypeCapture LineType = "capture"
	// TypeRefund is money returned to the shopper.
	TypeRefund LineType = "refund"
	// TypeChargeback is money taken back by the issuer, with any penalty fee.
	TypeChargeback LineType = "chargeback"
	// TypeChargebackReversal is a chargeback the merchant won back.
	TypeChargebackReversal LineType = "chargeback-reversal"
	// TypeFee is an account-level cost not tied to one payment (monthly
	// fees, invoice deductions).
	TypeFee LineType = "fee"
	// TypePayout is the transfer of the balance to the merchant's bank.
	TypePayout LineType = "payout"
	// TypeAdjustment is any other balance correction (deposit corrections,
	// balance transfers, refund reversals, reserve movements).
	TypeAdjustment LineType = "adjustment"
	// TypeConversion is one leg of a currency conversion inside the
	// provider balance (PayPal T0200 pairs): it moves money between
	// currency balances and settles no payment.
	TypeConversion LineType = "conversion"
)

// Fee is one fee component of a settlement line, in the line's NetCurrency.
// A positive amount is a cost to the merchant; a negative one a fee returned.
type Fee struct {
	// Component names the fee: commission, markup, scheme_fees,
	// interchange, processing, or the provider's row type for account fees.
	Component string
	Amount    decimal.Decimal
}

// Position locates a settlement line in its file.
type Position struct {
	File string
	Line int
}

// String is "file:line".
func (p Position) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// SettlementLine is one row of a provider's settlement report, normalised.
//
// Signs are from the merchant's balance point of view: money in is positive
// (captures, chargeback reversals), money out is negative (refunds,
// chargebacks, account fees, the payout itself).
type SettlementLine struct {
	// Provider is adyen, stripe, paypal or the generic mapping's name.
	Provider string
	Type     LineType
	// RawType is the provider's own row type (e.g. Settled, T0006, charge).
	RawType string
	// PSPReference is the original payment at the provider: what SFCC
	// stores as the payment's transaction id.
	PSPReference string
	// ModificationReference is the capture, refund or chargeback itself;
	// several captures may share one PSPReference.
	ModificationReference string
	// MerchantReference is the shop's reference, normally the order number.
	MerchantReference string
	PaymentMethod     string
	// GrossCurrency and Gross are the amount as the shopper was charged.
	GrossCurrency string
	Gross         decimal.Decimal
	// Fees are the fee components in NetCurrency.
	Fees []Fee
	// NetCurrency and Net are what the line adds to the balance that is
	// paid out: Net = gross in NetCurrency − fees.
	NetCurrency string
	Net         decimal.Decimal
	// ExchangeRate is the provider's rate from GrossCurrency to
	// NetCurrency; zero when both are the same or the provider gave none.
	ExchangeRate decimal.Decimal
	// BookingDate is the provider's booking day as written in the file,
	// local to the provider account, at midnight UTC.
	BookingDate time.Time
	// PayoutID ties the line to its payout (Adyen batch number, Stripe
	// automatic payout id, PayPal report period).
	PayoutID string
	// Source is where the line was read.
	Source Position
}

// FeeTotal is the sum of the line's fee components.
func (l SettlementLine) FeeTotal() decimal.Decimal {
	total := decimal.Zero
	for _, f := range l.Fees {
		total = mustAdd(total, f.Amount)
	}
	return total
}

// GrossInNetCurrency is the gross amount in the settlement currency: the net
// amount plus the fees taken from it.
func (l SettlementLine) GrossInNetCurrency() decimal.Decimal {
	return mustAdd(l.Net, l.FeeTotal())
}

// Format reads one provider's settlement file.
type Format interface {
	// Provider names the provider whose files this format reads.
	Provider() string
	// Read streams the lines of the file named file from r. A row that
	// cannot be read (unknown row type, malformed amount) yields a
	// *LineError and reading continues with the next row; a file that
	// cannot be read at all (missing header columns, I/O failure) yields a
	// *FileError and ends the sequence. Read stops when ctx is done.
	Read(ctx context.Context, r io.Reader, file string) iter.Seq2[SettlementLine, error]
}

// Errors a settlement reader reports, to be matched with errors.Is.
var (
	// ErrUnknownType is an unknown or unsupported row type.
	ErrUnknownType = errors.New("unknown row type")
	// ErrMalformedAmount is an amount, rate or minor-unit value that is
	// not a decimal number.
	ErrMalformedAmount = errors.New("malformed amount")
	// ErrMalformedDate is a date that does not parse.
	ErrMalformedDate = errors.New("malformed date")
	// ErrMissingColumn is a required column absent from the header.
	ErrMissingColumn = errors.New("missing column")
	// ErrMalformedRow is a row the CSV layer could not split, or a record
	// out of place in a structured report.
	ErrMalformedRow = errors.New("malformed row")
)

// LineError is a settlement row that could not be read. The rest of the file
// still loads.
type LineError struct {
	File string
	Line int
	// Field is the column at fault, if one is.
	Field string
	Err   error
}

// Error names the file, the line and, if known, the column.
func (e *LineError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("reconcile: %s line %d: %s: %v", e.File, e.Line, e.Field, e.Err)
	}
	return fmt.Sprintf("reconcile: %s line %d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the cause, one of the Err* sentinels.
func (e *LineError) Unwrap() error { return e.Err }

// FileError is a settlement file that could not be read at all.
type FileError struct {
	File string
	Err  error
}

// Error names the file and the cause.
func (e *FileError) Error() string { return fmt.Sprintf("reconcile: %s: %v", e.File, e.Err) }

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// mustAdd adds two amounts. The sums in reconciliation stay far inside the
// 19-digit range of decimal.Decimal; an overflow means corrupt input that
// the readers already rejected, so it is a programming error.
func mustAdd(a, b decimal.Decimal) decimal.Decimal {
	s, err := a.Add(b)
	if err != nil {
		panic(fmt.Sprintf("reconcile: amount overflow adding %s and %s", a, b))
	}
	return s
}

func mustSub(a, b decimal.Decimal) decimal.Decimal { return mustAdd(a, b.Neg()) }
