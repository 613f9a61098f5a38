package sfcc

import (
	"log/slog"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/redact"
)

// Order is the canonical SFCC order every o2c package consumes, whatever the
// source: an Order XML export (package sfcc/orderxml), Shop API JSON or SCAPI
// JSON. Its shape follows complexType.Order of order.xsd; field names are the
// schema's element names in Go form.
//
// Money, tax rates and quantities are decimal.Decimal and are carried exactly
// as SFCC wrote them (including their scale, so "10.00" stays "10.00"). All
// amounts are in Currency. Tax rates are fractions as SFCC stores them: 0.2
// means 20 %.
//
// Optional scalar elements that are absent decode to their zero value; an
// absent amount and an amount of zero are the same to every consumer.
type Order struct {
	// OrderNo is the SFCC order number, the business key of the order
	// everywhere in o2c (ERP external reference, error messages, locks).
	OrderNo string
	// OrderDate is when the order was created (order-date / creation_date), UTC.
	OrderDate time.Time
	// PlaceDate is when the order was placed (place-date), UTC; zero if absent.
	PlaceDate time.Time
	// LastModified is the last modification time reported by the API (JSON
	// sources only); zero if unknown.
	LastModified time.Time
	// SiteID is the storefront site the order belongs to (JSON sources only).
	SiteID string
	// CreatedBy is the creator: "Customer", "storefront" or a CSR login.
	CreatedBy string
	// OriginalOrderNo is the number of the order this one was created from.
	OriginalOrderNo string
	// Currency is the ISO 4217 code of every amount in the order.
	Currency string
	// CustomerLocale is the locale the customer shopped in, e.g. "en_GB".
	CustomerLocale string
	// Taxation is the site's taxation policy when the order was placed.
	Taxation Taxation
	// SourceCode and SourceCodeGroup identify the marketing source code.
	SourceCode      string
	SourceCodeGroup string
	// AffiliatePartnerName and AffiliatePartnerID identify an affiliate.
	AffiliatePartnerName string
	AffiliatePartnerID   string
	// InvoiceNo is SFCC's invoice number for the order.
	InvoiceNo string
	// Customer is who placed the order, with the billing address.
	Customer Customer
	// CustomerOrderReference is the customer's own reference (B2B).
	CustomerOrderReference string
	// Status holds the five order status values.
	Status StatusSet
	// BusinessType is B2C or B2B.
	BusinessType string
	// ChannelType is the sales channel, e.g. Storefront or CallCenter.
	ChannelType string
	// ReplaceCode, ReplaceDescription, ReplacementOrderNo, ReplacedOrderNo and
	// CurrentOrderNo describe order replacement (exchanges, edits).
	ReplaceCode        string
	ReplaceDescription string
	ReplacementOrderNo string
	ReplacedOrderNo    string
	CurrentOrderNo     string
	// CancelCode and CancelDescription explain a cancellation.
	CancelCode        string
	CancelDescription string
	// ProductLineItems are the products bought.
	ProductLineItems []ProductLineItem
	// GiftCertificateLineItems are gift certificates bought (a liability, not revenue).
	GiftCertificateLineItems []GiftCertificateLineItem
	// ShippingLineItems are the shipment-level shipping costs.
	ShippingLineItems []ShippingLineItem
	// Shipments are the order's shipments with address, method and tracking.
	Shipments []Shipment
	// TaxRoundedAtGroup is true when SFCC calculated grouped taxation.
	TaxRoundedAtGroup bool
	// Totals are the five order totals with their order-level adjustments.
	Totals OrderTotals
	// Payments are the payment instruments with their transactions.
	Payments []Payment
	// RemoteHost is the shopper's IP address as SFCC recorded it.
	RemoteHost string
	// Notes are CSR and system notes on the order.
	Notes []Note
	// ExternalOrderNo, ExternalOrderStatus and ExternalOrderText are set by
	// an external system (an OMS or ERP) on the SFCC order.
	ExternalOrderNo     string
	ExternalOrderStatus string
	ExternalOrderText   string
	// GlobalPartyID is the Customer 360 global party id.
	GlobalPartyID string
	// Custom holds the order's custom attributes.
	Custom CustomAttributes
}

// LogValue implements slog.LogValuer: an order logs as its number, currency,
// total and statuses, never the customer's email, address or card data.
func (o Order) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("order_no", o.OrderNo),
		slog.String("currency", o.Currency),
		slog.String("total", o.Totals.OrderTotal.Gross.String()),
		slog.String("export_status", string(o.Status.Export)),
	)
}

// Taxation is the taxation policy of an order: prices include tax (gross,
// typical in the UK and EU) or tax is added on top (net, typical in the US).
type Taxation string

// Taxation policies, spelt as order.xsd spells them.
const (
	TaxationGross Taxation = "gross"
	TaxationNet   Taxation = "net"
)

// Customer is the customer block of an order.
type Customer struct {
	// Guest is true for a guest checkout.
	Guest bool
	// CustomerNo is the registered customer's number; empty for guests.
	CustomerNo string
	// CustomerID is the API's internal customer id (JSON sources only).
	CustomerID string
	// Name is the customer name as captured at checkout.
	Name string
	// Email is the address the shopper gave. It is personal data: log a
	// Customer (which redacts it), never the field itself.
	Email string
	// BillingAddress is the billing address of the order.
	BillingAddress Address
}

// LogValue implements slog.LogValuer with the email redacted and the address left out.
func (c Customer) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("customer_no", c.CustomerNo),
		slog.Bool("guest", c.Guest),
		slog.String("email", redact.Email(c.Email)),
	)
}

// Address is a postal address (complexType.Address).
type Address struct {
	Salutation  string
	Title       string
	FirstName   string
	SecondName  string
	LastName    string
	Suffix      string
	CompanyName string
	JobTitle    string
	Address1    string
	Address2    string
	Suite       string
	Postbox     string
	City        string
	PostalCode  string
	StateCode   string
	// CountryCode is the ISO 3166-1 alpha-2 country code.
	CountryCode string
	Phone       string
	Custom      CustomAttributes
}

// LogValue implements slog.LogValuer: an address logs as its country only.
func (a Address) LogValue() slog.Value {
	return slog.GroupValue(slog.String("country_code", a.CountryCode))
}

// StatusSet holds the order-level status values (complexType.OrderStatusSet).
type StatusSet struct {
	Order        OrderStatus
	Shipping     ShippingStatus
	Confirmation ConfirmationStatus
	Payment      PaymentStatus
	Export       ExportStatus
}

// OrderStatus is the lifecycle status of an order.
type OrderStatus string

// Order status values (upper case as in order.xsd; the API's lower-case
// spellings are normalised to these).
const (
	OrderStatusCreated   OrderStatus = "CREATED"
	OrderStatusNew       OrderStatus = "NEW"
	OrderStatusOpen      OrderStatus = "OPEN"
	OrderStatusCompleted OrderStatus = "COMPLETED"
	OrderStatusCancelled OrderStatus = "CANCELLED"
	OrderStatusReplaced  OrderStatus = "REPLACED"
	OrderStatusFailed    OrderStatus = "FAILED"
)

// ShippingStatus is the shipping status of an order or a shipment.
type ShippingStatus string

// Shipping status values. PartShipped applies to orders only.
const (
	ShippingStatusNotShipped  ShippingStatus = "NOT_SHIPPED"
	ShippingStatusPartShipped ShippingStatus = "PART_SHIPPED"
	ShippingStatusShipped     ShippingStatus = "SHIPPED"
)

// ConfirmationStatus is the confirmation status of an order.
type ConfirmationStatus string

// Confirmation status values.
const (
	ConfirmationStatusNotConfirmed ConfirmationStatus = "NOT_CONFIRMED"
	ConfirmationStatusConfirmed    ConfirmationStatus = "CONFIRMED"
)

// PaymentStatus is the payment status of an order.
type PaymentStatus string

// Payment status values.
const (
	PaymentStatusNotPaid  PaymentStatus = "NOT_PAID"
	PaymentStatusPartPaid PaymentStatus = "PART_PAID"
	PaymentStatusPaid     PaymentStatus = "PAID"
)

// ExportStatus is the export status of an order: integrations pick up READY
// orders and mark them EXPORTED (or FAILED).
type ExportStatus string

// Export status values.
const (
	ExportStatusNotExported ExportStatus = "NOT_EXPORTED"
	ExportStatusExported    ExportStatus = "EXPORTED"
	ExportStatusReady       ExportStatus = "READY"
	ExportStatusFailed      ExportStatus = "FAILED"
)

// Amounts are the net, tax and gross amounts of a line or a total.
type Amounts struct {
	Net   decimal.Decimal
	Tax   decimal.Decimal
	Gross decimal.Decimal
}

// LineAmounts are the amounts every line item carries (complexType.LineItemAmounts).
type LineAmounts struct {
	// NetPrice, Tax and GrossPrice are the line's amounts before any
	// line-level price adjustment is applied.
	NetPrice   decimal.Decimal
	Tax        decimal.Decimal
	GrossPrice decimal.Decimal
	// BasePrice is the unit price.
	BasePrice decimal.Decimal
	// Text is the line text shown to the shopper (lineitem-text).
	Text string
	// TaxBasis is the amount tax was calculated on.
	TaxBasis decimal.Decimal
}

// TaxItem is one tax of a multi-level tax line (since export version 26.5).
type TaxItem struct {
	ID     string
	Rate   decimal.Decimal
	Amount decimal.Decimal
}

// Quantity is a quantity with its unit (complexType.Quantity).
type Quantity struct {
	Value decimal.Decimal
	Unit  string
}

// ProductLineItem is one product bought (complexType.ProductLineItem).
type ProductLineItem struct {
	LineAmounts
	// ItemID is the API's line item id (JSON sources only).
	ItemID string
	// Position is the 1-based position of the line in the order.
	Position int
	// ProductID is the SKU.
	ProductID   string
	ProductName string
	Quantity    Quantity
	// TaxRate is the line's tax rate as a fraction (0.2 = 20 %).
	TaxRate decimal.Decimal
	// TaxClassID is the product's tax class (JSON sources only).
	TaxClassID       string
	MinOrderQuantity decimal.Decimal
	StepQuantity     decimal.Decimal
	Brand            string
	// ShipmentID points at one of Order.Shipments.
	ShipmentID      string
	InventoryListID string
	// Options are option line items (a monogram, a warranty).
	Options []OptionLineItem
	// Bundled are the products of a bundle.
	Bundled []BundledProductLineItem
	// ShippingLineItem is a product-level shipping cost (surcharge or fixed price), if any.
	ShippingLineItem *ProductShippingLineItem
	Gift             bool
	GiftMessage      string
	// ExternalStatus and ExternalText are set by an external system.
	ExternalStatus string
	ExternalText   string
	TaxItems       []TaxItem
	Custom         CustomAttributes
	// PriceAdjustments are line-level promotions and manual adjustments.
	PriceAdjustments []PriceAdjustment
}

// OptionLineItem is a product option bought with a product line (complexType.OptionLineItem).
type OptionLineItem struct {
	LineAmounts
	OptionID         string
	ValueID          string
	ProductID        string
	TaxItems         []TaxItem
	Custom           CustomAttributes
	PriceAdjustments []PriceAdjustment
}

// BundledProductLineItem is a product inside a bundle (complexType.BundledProductLineItem).
type BundledProductLineItem struct {
	ProductID   string
	ProductName string
	Quantity    Quantity
	Bundled     []BundledProductLineItem
	Custom      CustomAttributes
}

// ProductShippingLineItem is a product-level shipping cost (complexType.ProductShippingLineItem).
type ProductShippingLineItem struct {
	LineAmounts
	Quantity Quantity
	TaxRate  decimal.Decimal
	// Type is "fixed-price" or "surcharge".
	Type             string
	TaxItems         []TaxItem
	Custom           CustomAttributes
	PriceAdjustments []PriceAdjustment
}

// PriceAdjustment is a promotion or manual adjustment (complexType.PriceAdjustment).
// Its amounts are negative for a discount.
type PriceAdjustment struct {
	LineAmounts
	PromotionID string
	// CampaignID is set for campaign promotions; ABTestID and
	// ABTestSegmentID for A/B-test promotions (the schema allows one or the other).
	CampaignID      string
	ABTestID        string
	ABTestSegmentID string
	CouponID        string
	ReasonCode      string
	// Manual is true for adjustments a CSR applied by hand.
	Manual       bool
	Discount     *AppliedDiscount
	CreatedBy    string
	CreationDate time.Time
	Custom       CustomAttributes
}

// AppliedDiscount is the logical discount behind a custom price adjustment
// (complexType.AppliedDiscount): exactly one kind with its value.
type AppliedDiscount struct {
	// Kind is the schema's element name: amount, bonus, bonus-choice,
	// fixed-price, fixed-price-shipping, free, free-shipping, percentage,
	// percent-off-options, price-book-id or total-fixed-price.
	Kind string
	// Value is the amount or percentage, for kinds that carry one.
	Value decimal.Decimal
	// PriceBookID is set for the price-book-id kind.
	PriceBookID string
}

// GiftCertificateLineItem is a gift certificate bought (complexType.GiftCertificateLineItem).
type GiftCertificateLineItem struct {
	LineAmounts
	ItemID            string
	MerchantID        string
	GiftCertificateID string
	// RecipientEmail is personal data; do not log it.
	RecipientEmail string
	SenderName     string
	RecipientName  string
	Message        string
	ShipmentID     string
	TaxItems       []TaxItem
	Custom         CustomAttributes
}

// Shipment is one shipment of the order (complexType.Shipment).
type Shipment struct {
	ID             string
	ShippingStatus ShippingStatus
	// ShippingMethod is the SFCC shipping method id.
	ShippingMethod  string
	TrackingNumber  string
	ShippingAddress Address
	Gift            bool
	GiftMessage     string
	Totals          ShipmentTotals
	Custom          CustomAttributes
}

// ShippingLineItem is a shipment's shipping cost (complexType.ShippingLineItem).
type ShippingLineItem struct {
	LineAmounts
	// ItemID is the shipping line id, usually "STANDARD_SHIPPING".
	ItemID           string
	ShipmentID       string
	TaxRate          decimal.Decimal
	TaxItems         []TaxItem
	Custom           CustomAttributes
	PriceAdjustments []PriceAdjustment
}

// Total is one of the order or shipment totals, with the adjustments applied
// at that level (order-level promotions sit on the merchandize total,
// shipping promotions on the shipping total).
type Total struct {
	Amounts
	PriceAdjustments []PriceAdjustment
}

// OrderTotals are the five order totals (complexType.OrderTotals).
type OrderTotals struct {
	MerchandizeTotal         Total
	AdjustedMerchandizeTotal Total
	ShippingTotal            Total
	AdjustedShippingTotal    Total
	OrderTotal               Total
}

// ShipmentTotals are the totals of one shipment (complexType.ShipmentTotals).
type ShipmentTotals struct {
	MerchandizeTotal         Total
	AdjustedMerchandizeTotal Total
	ShippingTotal            Total
	AdjustedShippingTotal    Total
	ShipmentTotal            Total
}

// Note is a note on the order (complexType.Note).
type Note struct {
	CreatedBy    string
	CreationDate time.Time
	Subject      string
	Text         string
}
