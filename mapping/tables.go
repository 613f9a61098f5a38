package mapping

import (
	"fmt"
	"time"

	"github.com/govalues/decimal"
)

// Table names a mapping table. It is also the base name of the table's file
// (payments.csv or payments.json).
type Table string

// The tables, in the order Load reads them.
const (
	Payments   Table = "payments"
	Promotions Table = "promotions"
	Tax        Table = "tax"
	Shipping   Table = "shipping"
	Attributes Table = "attributes"
	Accounts   Table = "accounts"
)

// AllTables lists every table Load expects, in load order.
func AllTables() []Table {
	return []Table{Payments, Promotions, Tax, Shipping, Attributes, Accounts}
}

// Wildcard is the key cell that matches any value. A row keyed with it is the
// explicit default for the more specific rows beside it.
const Wildcard = "*"

// Source is where a row came from, so a surprising mapping can be traced to
// the spreadsheet line that made it.
type Source struct {
	File string
	Line int
}

func (s Source) String() string { return fmt.Sprintf("%s:%d", s.File, s.Line) }

// Validity is the range of order dates a row applies to, both ends inclusive
// and compared as UTC calendar dates. A zero From or To is open-ended.
type Validity struct {
	From time.Time
	To   time.Time
}

// PaymentRow maps a payment to the ERP. Columns: kind, method, processor
// (keys; "*" for any), payment_method, clearing_account (codes), psp
// (may be blank, e.g. for gift certificates), valid_from, valid_to.
type PaymentRow struct {
	// Kind is the SFCC payment kind (credit-card, gift-certificate, custom-method, ...).
	Kind string
	// Method is the card type, custom method name or Salesforce Payments type.
	Method string
	// Processor is the SFCC payment processor id.
	Processor string
	// PaymentMethod is the ERP payment method code.
	PaymentMethod string
	// ClearingAccount is the GL account the payment is debited to until the
	// PSP settles it.
	ClearingAccount string
	// PSP names the payment service provider the payment settles through.
	PSP string
	Validity
	Source
}

// PromotionRow maps a promotion to its discount account and/or ERP discount
// item. Columns: promotion_id, campaign_id, coupon_id (keys; "*" for any),
// discount_account, discount_item (at least one set), valid_from, valid_to.
// Specificity: promotion id beats coupon id beats campaign id.
type PromotionRow struct {
	PromotionID     string
	CampaignID      string
	CouponID        string
	DiscountAccount string
	DiscountItem    string
	Validity
	Source
}

// TaxRow maps a country and tax rate (and optionally a tax class) to a tax
// code. Columns: country, rate_percent (20 for 20 %), tax_class (each "*"
// for any), tax_code, tax_account, valid_from, valid_to. Specificity:
// country beats rate beats tax class. A US store whose rates vary by
// jurisdiction can key on the country with rate "*".
type TaxRow struct {
	Country string
	// Rate is the rate as a fraction, as SFCC stores it (0.2 for 20 %);
	// zero on a row whose rate_percent is "*".
	Rate     decimal.Decimal
	TaxClass string
	// TaxCode is the ERP VAT/tax code (e.g. a UK standard-rate code).
	TaxCode string
	// TaxAccount is the GL account tax at this code is posted to.
	TaxAccount string
	Validity
	Source
}

// ShippingRow maps an SFCC shipping method. Columns: shipping_method ("*"
// for any), carrier_service, shipping_item, revenue_account, valid_from,
// valid_to.
type ShippingRow struct {
	ShippingMethod string
	CarrierService string
	ShippingItem   string
	RevenueAccount string
	Validity
	Source
}

// Overflow says what happens to a custom attribute value longer than its
// target field allows.
type Overflow string

// Overflow behaviours.
const (
	// OverflowTruncate cuts the value to MaxLength characters (runes).
	OverflowTruncate Overflow = "truncate"
	// OverflowReject makes the translation fail with an error naming the
	// order, attribute and field, so nobody's message is silently cut.
	OverflowReject Overflow = "reject"
)

// AttributeRow sends a custom attribute to a target field. Columns: scope
// (order, shipment or product), attribute_id, target (erp or wms), field,
// max_length (0 for no limit), when_longer (truncate or reject), valid_from,
// valid_to. Attributes without a row are not carried. Package erp also
// reads SFCC's standard gift message of a shipment or product line through
// a shipment or product row for giftMessage.
type AttributeRow struct {
	Scope       string
	AttributeID string
	Target      string
	Field       string
	MaxLength   int
	WhenLonger  Overflow
	Validity
	Source
}

// AccountRow names a GL account finance configures by role. Columns: name,
// account, valid_from, valid_to. The erp package reads
// merchandise_revenue, gift_certificate_liability, rounding and, only if
// present, discount_fallback.
type AccountRow struct {
	Name    string
	Account string
	Validity
	Source
}

// Tables is a loaded, validated set of mapping tables. It is immutable and
// safe for concurrent use. Build one with Load or Read.
type Tables struct {
	payments   index[PaymentRow]
	promotions index[PromotionRow]
	tax        index[TaxRow]
	shipping   index[ShippingRow]
	attributes index[AttributeRow]
	accounts   index[AccountRow]
}

// Payment returns the most specific payments row for the key valid on the
// order date, or a *MissingError.
func (t *Tables) Payment(kind, method, processor string, on time.Time) (PaymentRow, error) {
	return t.payments.lookup([3]string{kind, method, processor}, on)
}

// Promotion returns the most specific promotions row for the adjustment's
// promotion, campaign and coupon ids valid on the order date, or a *MissingError.
func (t *Tables) Promotion(promotionID, campaignID, couponID string, on time.Time) (PromotionRow, error) {
	return t.promotions.lookup([3]string{promotionID, couponID, campaignID}, on)
}

// Tax returns the most specific tax row for a country, a rate (a fraction:
// 0.2 for 20 %) and a tax class (may be empty) valid on the order date, or a
// *MissingError.
func (t *Tables) Tax(country string, rate decimal.Decimal, taxClass string, on time.Time) (TaxRow, error) {
	return t.tax.lookup([3]string{country, ratePercentKey(rate), taxClass}, on)
}

// Shipping returns the shipping row for an SFCC shipping method id valid on
// the order date, or a *MissingError.
func (t *Tables) Shipping(method string, on time.Time) (ShippingRow, error) {
	return t.shipping.lookup([3]string{method}, on)
}

// Account returns the account row with the given name valid on the order
// date, or a *MissingError.
func (t *Tables) Account(name string, on time.Time) (AccountRow, error) {
	return t.accounts.lookup([3]string{name}, on)
}

// Attributes returns the attribute rows of a scope (order, shipment or
// product) valid on the order date, in file order.
func (t *Tables) Attributes(scope string, on time.Time) []AttributeRow {
	var out []AttributeRow
	for _, e := range t.attributes.entries {
		if e.key[0] == scope && e.validOn(on) {
			out = append(out, e.row)
		}
	}
	return out
}

// Len reports how many rows a table holds.
func (t *Tables) Len(table Table) int {
	switch table {
	case Payments:
		return len(t.payments.entries)
	case Promotions:
		return len(t.promotions.entries)
	case Tax:
		return len(t.tax.entries)
	case Shipping:
		return len(t.shipping.entries)
	case Attributes:
		return len(t.attributes.entries)
	case Accounts:
		return len(t.accounts.entries)
	}
	return 0
}

// ratePercentKey renders a fractional rate as the rate_percent cell spells
// it, canonically: 0.20 → "20", 0.0875 → "8.75".
func ratePercentKey(rate decimal.Decimal) string {
	p, err := rate.Mul(decimal.Hundred)
	if err != nil {
		return rate.String() + "/100"
	}
	return p.Trim(0).String()
}

// entry is one row with its key and validity.
type entry[R any] struct {
	key         [3]string
	from, until time.Time // until is exclusive; zero means open
	row         R
	codes       string // the row's non-key cells, to tell duplicates from conflicts
	src         Source
}

func (e *entry[R]) validOn(at time.Time) bool {
	at = at.UTC()
	return (e.from.IsZero() || !at.Before(e.from)) && (e.until.IsZero() || at.Before(e.until))
}

func (e *entry[R]) overlaps(o *entry[R]) bool {
	startsBeforeOtherEnds := o.until.IsZero() || e.from.IsZero() || e.from.Before(o.until)
	otherStartsBeforeEnds := e.until.IsZero() || o.from.IsZero() || o.from.Before(e.until)
	return startsBeforeOtherEnds && otherStartsBeforeEnds
}

// index holds a table's rows by exact key pattern (wildcards included).
type index[R any] struct {
	table   Table
	cols    []string
	wild    []bool
	fold    []bool // columns matched whatever their case
	entries []entry[R]
	byKey   map[[3]string][]int
}

// lookup tries key patterns from the most specific (no wildcards) to the
// least, earlier columns weighing more than later ones, and returns the first
// row valid on the date. Each pattern has its own weight and rows with the
// same pattern never overlap in time, so the answer is unique.
func (x *index[R]) lookup(asked [3]string, on time.Time) (R, error) {
	key := x.folded(asked)
	n := len(x.cols)
	for score := (1 << n) - 1; score >= 0; score-- {
		var k [3]string
		ok := true
		for i := 0; i < n; i++ {
			if score&(1<<(n-1-i)) != 0 {
				k[i] = key[i]
				continue
			}
			if !x.wild[i] {
				ok = false
				break
			}
			k[i] = Wildcard
		}
		if !ok {
			continue
		}
		for _, at := range x.byKey[k] {
			if e := &x.entries[at]; e.validOn(on) {
				return e.row, nil
			}
		}
	}
	var zero R
	return zero, &MissingError{Table: string(x.table), Key: x.describe(asked), Date: on}
}

func (x *index[R]) describe(key [3]string) string {
	s := ""
	for i, c := range x.cols {
		if i > 0 {
			s += " "
		}
		s += c + "=" + key[i]
	}
	return s
}
