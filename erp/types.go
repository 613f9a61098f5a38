package erp

import (
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/sfcc"
)

// Customer is a customer record in the ERP. It is dedupe's Customer, so an
// erp.Customers is a dedupe.Directory with no adapter in between.
type Customer = dedupe.Customer

// Amounts are the net, tax and gross amounts of a document line. On every
// line Translate produces Net + Tax == Gross exactly; discounts are negative.
type Amounts struct {
	Net   decimal.Decimal `json:"net"`
	Tax   decimal.Decimal `json:"tax"`
	Gross decimal.Decimal `json:"gross"`
}

// CustomerRef says whom a sales order is for.
type CustomerRef struct {
	// ID is the ERP customer id; the host sets it after resolving the
	// customer (package dedupe). Translate leaves it empty.
	ID string `json:"id,omitempty"`
	// CustomerNo is the SFCC customer number; empty for a guest.
	CustomerNo string `json:"customer_no,omitempty"`
	Guest      bool   `json:"guest"`
}

// SalesOrder is an ERP sales order made from one SFCC order.
type SalesOrder struct {
	// ExternalRef is the SFCC order number. SalesOrders.CreateSalesOrder is
	// idempotent on it: one SFCC order never makes two ERP documents.
	ExternalRef string `json:"external_ref"`
	// DocumentNo is the ERP's own number, set when the ERP creates the document.
	DocumentNo string `json:"document_no,omitempty"`
	// Created is when the ERP created the document (UTC); zero before.
	Created   time.Time     `json:"created,omitzero"`
	OrderDate time.Time     `json:"order_date"`
	Currency  string        `json:"currency"`
	Taxation  sfcc.Taxation `json:"taxation"`
	Customer  CustomerRef   `json:"customer"`

	Items            []ItemLine            `json:"items"`
	Discounts        []DiscountLine        `json:"discounts,omitempty"`
	Shipping         []ShippingLine        `json:"shipping,omitempty"`
	GiftCertificates []GiftCertificateLine `json:"gift_certificates,omitempty"`
	// Rounding is the line absorbing a residual within the configured
	// tolerance, nil when the lines already add up to the SFCC total.
	Rounding     *RoundingLine    `json:"rounding,omitempty"`
	Payments     []PaymentLine    `json:"payments"`
	CustomFields []CustomField    `json:"custom_fields,omitempty"`
	TaxSummary   []TaxSummaryLine `json:"tax_summary"`
	// Totals are the sums over all lines; Totals.Gross equals the SFCC order total.
	Totals Amounts `json:"totals"`
}

// ItemLine is a product (or a product option) sold, before its line-level
// promotions, which are discount lines of their own.
type ItemLine struct {
	Position    int             `json:"position"`
	SKU         string          `json:"sku"`
	Description string          `json:"description,omitempty"`
	Quantity    decimal.Decimal `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
	Amounts
	TaxRate        decimal.Decimal `json:"tax_rate"`
	TaxCode        string          `json:"tax_code"`
	TaxAccount     string          `json:"tax_account"`
	RevenueAccount string          `json:"revenue_account"`
	ShipmentID     string          `json:"shipment_id,omitempty"`
}

// DiscountLevel is where SFCC applied a promotion.
type DiscountLevel string

// Discount levels.
const (
	DiscountProduct  DiscountLevel = "product"
	DiscountOrder    DiscountLevel = "order"
	DiscountShipping DiscountLevel = "shipping"
)

// DiscountLine is one promotion's discount at one tax code (and rate): a
// promotion that discounted lines at 20 % and 5 % makes two lines. Amounts
// are negative.
type DiscountLine struct {
	Level       DiscountLevel `json:"level"`
	PromotionID string        `json:"promotion_id,omitempty"`
	CampaignID  string        `json:"campaign_id,omitempty"`
	CouponID    string        `json:"coupon_id,omitempty"`
	// Item is the ERP discount item; Account the discount GL account.
	Item    string `json:"item,omitempty"`
	Account string `json:"account"`
	Amounts
	TaxRate    decimal.Decimal `json:"tax_rate"`
	TaxCode    string          `json:"tax_code"`
	TaxAccount string          `json:"tax_account"`
}

// ShippingLine is the shipping charge of one shipment (or a product's
// shipping surcharge), before shipping promotions.
type ShippingLine struct {
	ShipmentID     string `json:"shipment_id"`
	Method         string `json:"method"`
	CarrierService string `json:"carrier_service"`
	Item           string `json:"item"`
	RevenueAccount string `json:"revenue_account"`
	Amounts
	TaxRate    decimal.Decimal `json:"tax_rate"`
	TaxCode    string          `json:"tax_code"`
	TaxAccount string          `json:"tax_account"`
}

// GiftCertificateLine is a gift certificate sold: a liability, not revenue.
// The certificate code is a bearer credential and is deliberately not carried.
type GiftCertificateLine struct {
	ItemID           string `json:"item_id,omitempty"`
	LiabilityAccount string `json:"liability_account"`
	Amounts
}

// RoundingLine carries a residual between the SFCC total and the sum of the
// lines that is within the configured tolerance.
type RoundingLine struct {
	Account string          `json:"account"`
	Amount  decimal.Decimal `json:"amount"`
}

// PaymentLine is one tender of the order. A gift certificate redeemed is a
// payment against the gift-certificate liability account.
type PaymentLine struct {
	Kind      sfcc.PaymentKind `json:"kind"`
	Processor string           `json:"processor,omitempty"`
	// Method is the ERP payment method code.
	Method          string          `json:"method"`
	ClearingAccount string          `json:"clearing_account"`
	PSP             string          `json:"psp,omitempty"`
	Amount          decimal.Decimal `json:"amount"`
	// PSPReference is the PSP's transaction reference; settlement
	// reconciliation matches on it.
	PSPReference string `json:"psp_reference,omitempty"`
}

// CustomField is an SFCC custom attribute delivered to its mapped field.
type CustomField struct {
	// Scope is order, shipment or product; Ref is the shipment id or the
	// item position for the latter two.
	Scope       string `json:"scope"`
	Ref         string `json:"ref,omitempty"`
	AttributeID string `json:"attribute_id"`
	// Target is erp or wms; Field the target field.
	Target string `json:"target"`
	Field  string `json:"field"`
	Value  string `json:"value"`
	// Truncated is true when the value was cut to the field's maximum length.
	Truncated bool `json:"truncated,omitempty"`
}

// TaxSummaryLine is the VAT analysis of the document for one tax code and rate.
type TaxSummaryLine struct {
	TaxCode    string          `json:"tax_code"`
	TaxAccount string          `json:"tax_account"`
	Rate       decimal.Decimal `json:"rate"`
	Net        decimal.Decimal `json:"net"`
	Tax        decimal.Decimal `json:"tax"`
}

// JournalEntry is a double-entry journal. Posted journals balance: the
// debits equal the credits.
type JournalEntry struct {
	// Reference is the idempotency key of Ledger.PostJournal. For an
	// order's journal it is "order:" + the SFCC order number.
	Reference string    `json:"reference"`
	Date      time.Time `json:"date"`
	Currency  string    `json:"currency"`
	Memo      string    `json:"memo,omitempty"`
	// EntryNo is the ledger's own number, set when it posts the entry.
	EntryNo string        `json:"entry_no,omitempty"`
	Lines   []JournalLine `json:"lines"`
}

// JournalLine debits or credits one account; exactly one of Debit and
// Credit is non-zero and neither is negative.
type JournalLine struct {
	Account string          `json:"account"`
	Debit   decimal.Decimal `json:"debit"`
	Credit  decimal.Decimal `json:"credit"`
	TaxCode string          `json:"tax_code,omitempty"`
	Memo    string          `json:"memo,omitempty"`
	// Reference is the PSP reference on a payment line.
	Reference string `json:"reference,omitempty"`
}
