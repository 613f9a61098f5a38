package sfcc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// SCAPIJSONError reports a SCAPI Admin Orders order document that cannot be
// decoded into an Order, or an Order that cannot be encoded. It names the
// order number (when known) and the JSON field at fault.
type SCAPIJSONError struct {
	OrderNo string
	// Field is the JSON path of the offending value, e.g. productItems[2].netPrice.
	Field string
	Err   error
}

// Error implements error.
func (e *SCAPIJSONError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("sfcc: scapi order %q: %v", e.OrderNo, e.Err)
	}
	return fmt.Sprintf("sfcc: scapi order %q: %s: %v", e.OrderNo, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *SCAPIJSONError) Unwrap() error { return e.Err }

// maxSCAPIDepth bounds the nesting of an order document; a real one nests
// about eight deep.
const maxSCAPIDepth = 32

// UnmarshalSCAPIOrder reads a SCAPI Admin Orders order (the Order schema of
// the Orders OAS: GET /orders/{orderNo}, or one entry of GET /orders' data)
// into an Order. Amounts are parsed from their JSON text, never through a
// float; statuses are upper-cased; c_ fields become custom attributes in
// document order. Line amounts carry both netPrice and grossPrice; order and
// shipment totals are net or gross according to taxation, as SFCC reports
// them, and the other side is derived from the tax. The shipping total
// before shipping adjustments is not on the wire: it is the sum of the
// shipping items, as SFCC computes it. A card token is never read.
//
// Errors are *SCAPIJSONError naming the order number and the field.
func UnmarshalSCAPIOrder(data []byte) (Order, error) {
	if depth := scapiNesting(data); depth > maxSCAPIDepth {
		return Order{}, &SCAPIJSONError{OrderNo: scapiPeekOrderNo(data),
			Err: fmt.Errorf("document nested %d deep; at most %d is accepted", depth, maxSCAPIDepth)}
	}
	var w scapiOrderDoc
	if err := json.Unmarshal(data, &w); err != nil {
		return Order{}, &SCAPIJSONError{OrderNo: scapiPeekOrderNo(data), Err: err}
	}
	if w.OrderNo == "" {
		return Order{}, &SCAPIJSONError{Field: "orderNo", Err: errors.New("missing: not an order document")}
	}
	d := scapiDecoder{orderNo: w.OrderNo, gross: strings.EqualFold(w.Taxation, string(TaxationGross))}
	o := d.order(&w)
	if d.err != nil {
		return Order{}, d.err
	}
	return o, nil
}

// MarshalSCAPIOrder writes o as a SCAPI Admin Orders order document, the
// shape UnmarshalSCAPIOrder reads: camelCase fields, amounts as exact JSON
// numbers, statuses in lower case, custom attributes as c_ fields. Card
// data is limited to what SCAPI itself returns (the masked number); a
// redeemed gift certificate's code is written masked. Fields the Order
// schema has no place for are left out (notes, quantity units, tax class,
// the original/replacement order numbers, payment transaction type and
// processor, bank account details, Salesforce Payments details).
func MarshalSCAPIOrder(o Order) ([]byte, error) {
	b, err := json.Marshal(scapiFromOrder(o))
	if err != nil {
		return nil, &SCAPIJSONError{OrderNo: o.OrderNo, Err: err}
	}
	return b, nil
}

func scapiNesting(data []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// scapiPeekOrderNo finds the top-level orderNo of a document that does not
// decode, so the error names the order.
func scapiPeekOrderNo(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return ""
		}
		if tok == "orderNo" {
			var no string
			_ = json.Unmarshal(raw, &no)
			return no
		}
	}
	return ""
}

// --- decoding ----------------------------------------------------------------

type scapiDecoder struct {
	orderNo string
	gross   bool
	err     error
}

func (d *scapiDecoder) fail(field string, err error) {
	if d.err == nil {
		d.err = &SCAPIJSONError{OrderNo: d.orderNo, Field: field, Err: err}
	}
}

func (d *scapiDecoder) dec(field string, n *json.Number) decimal.Decimal {
	if n == nil || *n == "" || d.err != nil {
		return decimal.Decimal{}
	}
	v, err := decimal.Parse(n.String())
	if err != nil {
		d.fail(field, err)
	}
	return v
}

func (d *scapiDecoder) time(field, s string) time.Time {
	if s == "" || d.err != nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d.fail(field, err)
		return time.Time{}
	}
	return t.UTC()
}

// split returns both sides of a taxation-dependent amount.
func (d *scapiDecoder) split(field string, price, tax decimal.Decimal) (net, gross decimal.Decimal) {
	var err error
	if d.gross {
		gross = price
		net, err = price.Sub(tax)
	} else {
		net = price
		gross, err = price.Add(tax)
	}
	if err != nil {
		d.fail(field, err)
	}
	return net, gross
}

func (d *scapiDecoder) lineAmounts(f string, a scapiAmounts) LineAmounts {
	l := LineAmounts{Tax: d.dec(f+".tax", a.Tax), BasePrice: d.dec(f+".basePrice", a.BasePrice),
		TaxBasis: d.dec(f+".taxBasis", a.TaxBasis), Text: a.ItemText}
	switch {
	case a.NetPrice != nil && a.GrossPrice != nil:
		l.NetPrice, l.GrossPrice = d.dec(f+".netPrice", a.NetPrice), d.dec(f+".grossPrice", a.GrossPrice)
	case a.NetPrice != nil:
		l.NetPrice = d.dec(f+".netPrice", a.NetPrice)
		var err error
		if l.GrossPrice, err = l.NetPrice.Add(l.Tax); err != nil {
			d.fail(f+".netPrice", err)
		}
	case a.GrossPrice != nil:
		l.GrossPrice = d.dec(f+".grossPrice", a.GrossPrice)
		var err error
		if l.NetPrice, err = l.GrossPrice.Sub(l.Tax); err != nil {
			d.fail(f+".grossPrice", err)
		}
	}
	return l
}

func (d *scapiDecoder) total(field, taxField string, price, tax *json.Number) Amounts {
	t := d.dec(taxField, tax)
	net, gross := d.split(field, d.dec(field, price), t)
	return Amounts{Net: net, Tax: t, Gross: gross}
}

// grossTotal reads a total SCAPI always gives gross (orderTotal, shipmentTotal).
func (d *scapiDecoder) grossTotal(field, taxField string, gross, tax *json.Number) Amounts {
	g, t := d.dec(field, gross), d.dec(taxField, tax)
	n, err := g.Sub(t)
	if err != nil {
		d.fail(field, err)
	}
	return Amounts{Net: n, Tax: t, Gross: g}
}

func (d *scapiDecoder) shippingBefore(field, taxField string, items []scapiShippingItem, shipmentID string, tax *json.Number) Amounts {
	var sum decimal.Decimal
	for i, s := range items {
		if shipmentID != "" && s.ShipmentID != shipmentID {
			continue
		}
		l := d.lineAmounts(fmt.Sprintf("shippingItems[%d]", i), s.scapiAmounts)
		p := l.NetPrice
		if d.gross {
			p = l.GrossPrice
		}
		var err error
		if sum, err = sum.Add(p); err != nil {
			d.fail(field, err)
		}
	}
	t := d.dec(taxField, tax)
	net, gross := d.split(field, sum, t)
	return Amounts{Net: net, Tax: t, Gross: gross}
}

func (d *scapiDecoder) taxItems(f string, ws []scapiTaxItem) []TaxItem {
	var out []TaxItem
	for i, w := range ws {
		g := fmt.Sprintf("%s.taxItems[%d]", f, i)
		out = append(out, TaxItem{ID: w.ID, Rate: d.dec(g+".rate", w.Rate), Amount: d.dec(g+".value", w.Value)})
	}
	return out
}

// scapiChannelType restores order.xsd's spelling of a lower-case channel type.
func scapiChannelType(s string) string {
	for _, c := range []string{"Storefront", "CallCenter", "Marketplace", "DSS", "Store", "Pinterest", "Twitter",
		"FacebookAds", "Subscriptions", "OnlineReservation", "CustomerServiceCenter", "InstagramCommerce",
		"Google", "TikTok", "Snapchat", "WhatsApp", "YouTube"} {
		if strings.EqualFold(c, s) {
			return c
		}
	}
	return s
}

func scapiUpper[T ~string](s string) T { return T(strings.ToUpper(s)) }

func (d *scapiDecoder) order(w *scapiOrderDoc) Order {
	o := Order{
		OrderNo: w.OrderNo, OrderDate: d.time("creationDate", w.CreationDate), PlaceDate: d.time("placeDate", w.PlaceDate),
		LastModified: d.time("lastModified", w.LastModified), SiteID: w.SiteID, CreatedBy: w.CreatedBy,
		Currency: NormalizeCurrencyCode(w.Currency), CustomerLocale: w.CustomerLocale, Taxation: Taxation(strings.ToLower(w.Taxation)),
		SourceCode: w.SourceCode, SourceCodeGroup: w.SourceCodeGroupID, AffiliatePartnerID: w.AffiliatePartnerID,
		AffiliatePartnerName: w.AffiliatePartnerName, InvoiceNo: w.InvoiceNo, CustomerOrderReference: w.CustomerOrderReference,
		BusinessType: w.BusinessType, ChannelType: scapiChannelType(w.ChannelType),
		CancelCode: w.CancelCode, CancelDescription: w.CancelDescription,
		Status: StatusSet{Order: scapiUpper[OrderStatus](w.Status), Shipping: scapiUpper[ShippingStatus](w.ShippingStatus),
			Confirmation: scapiUpper[ConfirmationStatus](w.ConfirmationStatus), Payment: scapiUpper[PaymentStatus](w.PaymentStatus),
			Export: scapiUpper[ExportStatus](w.ExportStatus)},
		ExternalOrderNo: w.ExternalOrderNo, ExternalOrderStatus: w.ExternalOrderStatus, ExternalOrderText: w.ExternalOrderText,
		GlobalPartyID: w.GlobalPartyID, RemoteHost: w.RemoteHost, Custom: w.Custom,
	}
	if c := w.CustomerInfo; c != nil {
		o.Customer = Customer{CustomerID: c.CustomerID, CustomerNo: c.CustomerNo, Name: c.CustomerName, Email: c.Email, Guest: c.Guest}
	}
	if w.BillingAddress != nil {
		o.Customer.BillingAddress = w.BillingAddress.address()
	}
	productShipping := map[string]bool{}
	for _, p := range w.ProductItems {
		if p.ShippingItemID != "" {
			productShipping[p.ShippingItemID] = true
		}
	}
	shipping := map[string]*ProductShippingLineItem{}
	for i, s := range w.ShippingItems {
		f := fmt.Sprintf("shippingItems[%d]", i)
		l := d.lineAmounts(f, s.scapiAmounts)
		adjs := d.adjustments(f+".priceAdjustments", s.Adjustments)
		if productShipping[s.ItemID] {
			shipping[s.ItemID] = &ProductShippingLineItem{LineAmounts: l, TaxRate: d.dec(f+".taxRate", s.TaxRate),
				Type: strings.ReplaceAll(s.Type, "_", "-"), TaxItems: d.taxItems(f, s.TaxItems), Custom: s.Custom, PriceAdjustments: adjs}
			continue
		}
		o.ShippingLineItems = append(o.ShippingLineItems, ShippingLineItem{LineAmounts: l, ItemID: s.ItemID,
			ShipmentID: s.ShipmentID, TaxRate: d.dec(f+".taxRate", s.TaxRate), TaxItems: d.taxItems(f, s.TaxItems),
			Custom: s.Custom, PriceAdjustments: adjs})
	}
	for i, p := range w.ProductItems {
		f := fmt.Sprintf("productItems[%d]", i)
		li := ProductLineItem{LineAmounts: d.lineAmounts(f, p.scapiAmounts), ItemID: p.ItemID, Position: p.Position,
			ProductID: p.ProductID, ProductName: p.ProductName, Quantity: Quantity{Value: d.dec(f+".quantity", p.Quantity)},
			TaxRate: d.dec(f+".taxRate", p.TaxRate), MinOrderQuantity: d.dec(f+".minOrderQuantity", p.MinOrderQuantity),
			StepQuantity: d.dec(f+".stepQuantity", p.StepQuantity), Brand: p.Brand, ShipmentID: p.ShipmentID,
			InventoryListID: p.InventoryID, Gift: p.Gift, GiftMessage: p.GiftMessage, ExternalStatus: p.ExternalStatus,
			ExternalText: p.ExternalText, TaxItems: d.taxItems(f, p.TaxItems), Custom: p.Custom,
			PriceAdjustments: d.adjustments(f+".priceAdjustments", p.Adjustments), Bundled: d.bundled(f, p.Bundled),
			ShippingLineItem: shipping[p.ShippingItemID]}
		for j, op := range p.Options {
			g := fmt.Sprintf("%s.optionItems[%d]", f, j)
			li.Options = append(li.Options, OptionLineItem{LineAmounts: d.lineAmounts(g, op.scapiAmounts), OptionID: op.OptionID,
				ValueID: op.OptionValueID, ProductID: op.ProductID, Custom: op.Custom,
				PriceAdjustments: d.adjustments(g+".priceAdjustments", op.Adjustments)})
		}
		o.ProductLineItems = append(o.ProductLineItems, li)
	}
	for i, g := range w.GiftCertificateItems {
		f := fmt.Sprintf("giftCertificateItems[%d]", i)
		o.GiftCertificateLineItems = append(o.GiftCertificateLineItems, GiftCertificateLineItem{LineAmounts: d.lineAmounts(f, g.scapiAmounts),
			ItemID: g.ItemID, MerchantID: g.MerchantID, RecipientEmail: g.RecipientEmail, SenderName: g.SenderName,
			RecipientName: g.RecipientName, Message: g.Message, ShipmentID: g.ShipmentID, Custom: g.Custom})
	}
	for i, s := range w.Shipments {
		f := fmt.Sprintf("shipments[%d]", i)
		sh := Shipment{ID: s.ShipmentID, ShippingStatus: scapiUpper[ShippingStatus](s.ShippingStatus), TrackingNumber: s.TrackingNumber,
			Gift: s.Gift, GiftMessage: s.GiftMessage, Custom: s.Custom,
			Totals: ShipmentTotals{
				MerchandizeTotal:         Total{Amounts: d.total(f+".productSubTotal", f+".merchandizeTotalTax", s.ProductSubTotal, s.MerchandizeTotalTax)},
				AdjustedMerchandizeTotal: Total{Amounts: d.total(f+".productTotal", f+".adjustedMerchandizeTotalTax", s.ProductTotal, s.AdjustedMerchandizeTotalTax)},
				ShippingTotal:            Total{Amounts: d.shippingBefore(f+".shippingTotal", f+".shippingTotalTax", w.ShippingItems, s.ShipmentID, s.ShippingTotalTax)},
				AdjustedShippingTotal:    Total{Amounts: d.total(f+".shippingTotal", f+".adjustedShippingTotalTax", s.ShippingTotal, s.AdjustedShippingTotalTax)},
				ShipmentTotal:            Total{Amounts: d.grossTotal(f+".shipmentTotal", f+".taxTotal", s.ShipmentTotal, s.TaxTotal)},
			}}
		if s.ShippingMethod != nil {
			sh.ShippingMethod = s.ShippingMethod.ID
		}
		if s.ShippingAddress != nil {
			sh.ShippingAddress = s.ShippingAddress.address()
		}
		o.Shipments = append(o.Shipments, sh)
	}
	o.Totals = OrderTotals{
		// Order-level promotions sit on the merchandize total, as in the
		// Order XML export (totals/merchandize-total/price-adjustments).
		MerchandizeTotal:         Total{Amounts: d.total("productSubTotal", "merchandizeTotalTax", w.ProductSubTotal, w.MerchandizeTotalTax), PriceAdjustments: d.adjustments("orderPriceAdjustments", w.OrderPriceAdjustments)},
		AdjustedMerchandizeTotal: Total{Amounts: d.total("productTotal", "adjustedMerchandizeTotalTax", w.ProductTotal, w.AdjustedMerchandizeTotalTax)},
		ShippingTotal:            Total{Amounts: d.shippingBefore("shippingTotal", "shippingTotalTax", w.ShippingItems, "", w.ShippingTotalTax)},
		AdjustedShippingTotal:    Total{Amounts: d.total("shippingTotal", "adjustedShippingTotalTax", w.ShippingTotal, w.AdjustedShippingTotalTax)},
		OrderTotal:               Total{Amounts: d.grossTotal("orderTotal", "taxTotal", w.OrderTotal, w.TaxTotal)},
	}
	for i, p := range w.PaymentInstruments {
		o.Payments = append(o.Payments, d.payment(fmt.Sprintf("paymentInstruments[%d]", i), p))
	}
	return o
}

func (d *scapiDecoder) bundled(field string, bs []scapiProductItem) []BundledProductLineItem {
	var out []BundledProductLineItem
	for i, b := range bs {
		f := fmt.Sprintf("%s.bundledProductItems[%d]", field, i)
		out = append(out, BundledProductLineItem{ProductID: b.ProductID, ProductName: b.ProductName,
			Quantity: Quantity{Value: d.dec(f+".quantity", b.Quantity)}, Bundled: d.bundled(f, b.Bundled), Custom: b.Custom})
	}
	return out
}

// scapiDiscountTypes maps order.xsd's applied-discount element names to the
// SCAPI Discount type enum where they differ.
var scapiDiscountTypes = map[string]string{"price-book-id": "price_book_price", "percent-off-options": "percentage_off_options"}

func (d *scapiDecoder) adjustments(field string, ws []scapiPriceAdjustment) []PriceAdjustment {
	var out []PriceAdjustment
	for i, w := range ws {
		f := fmt.Sprintf("%s[%d]", field, i)
		a := PriceAdjustment{LineAmounts: d.lineAmounts(f, w.scapiAmounts), PromotionID: w.PromotionID, CampaignID: w.CampaignID,
			CouponID: w.CouponCode, ReasonCode: w.ReasonCode, Manual: w.Manual, CreatedBy: w.CreatedBy,
			CreationDate: d.time(f+".creationDate", w.CreationDate), Custom: w.Custom}
		if s := w.ABTestSegment; s != nil {
			a.ABTestID, a.ABTestSegmentID = s.TestID, s.SegmentID
		}
		if ds := w.Discount; ds != nil {
			kind := strings.ReplaceAll(ds.Type, "_", "-")
			for k, v := range scapiDiscountTypes {
				if v == ds.Type {
					kind = k
				}
			}
			a.Discount = &AppliedDiscount{Kind: kind, PriceBookID: ds.PriceBookID, Value: d.dec(f+".appliedDiscount.amount", ds.Amount)}
			if ds.Percentage != nil {
				a.Discount.Value = d.dec(f+".appliedDiscount.percentage", ds.Percentage)
			}
		}
		out = append(out, a)
	}
	return out
}

// scapiPaymentMethods are SFCC's system payment method ids per payment kind.
var scapiPaymentMethods = map[PaymentKind]string{
	PaymentKindCreditCard: "CREDIT_CARD", PaymentKindBankTransfer: "BANK_TRANSFER",
	PaymentKindBillMeLater: "BML", PaymentKindGiftCertificate: "GIFT_CERTIFICATE",
	PaymentKindApplePay: "DW_APPLE_PAY", PaymentKindAndroidPay: "DW_ANDROID_PAY",
	PaymentKindSalesforcePayments: "SALESFORCE_PAYMENTS",
}

func (d *scapiDecoder) payment(f string, w scapiInstrument) Payment {
	p := Payment{MethodID: w.MethodID, InstrumentID: w.InstrumentID}
	for k, id := range scapiPaymentMethods {
		if id == w.MethodID {
			p.Kind = k
		}
	}
	if p.Kind == PaymentKindNone {
		switch {
		case w.Card != nil:
			p.Kind = PaymentKindCreditCard
		case w.MethodID != "":
			p.Kind = PaymentKindCustomMethod
		}
	}
	if t := w.Transaction; t != nil {
		p.TransactionID, p.Custom = t.TransactionID, t.Custom
		p.Amount = d.dec(f+".paymentTransaction.amount", t.Amount)
	}
	card := scapiPaymentCard{}
	if w.Card != nil {
		card = *w.Card
	}
	switch p.Kind {
	case PaymentKindCreditCard:
		p.Card = &CreditCard{Type: card.CardType, MaskedNumber: card.MaskedNumber, Holder: card.Holder,
			FromMonth: card.ValidFromMonth, FromYear: card.ValidFromYear, ExpirationMonth: card.ExpirationMonth,
			ExpirationYear: card.ExpirationYear, IssueNumber: card.IssueNumber, Custom: w.Custom}
	case PaymentKindApplePay, PaymentKindAndroidPay:
		p.Wallet = &WalletPayment{CardType: card.CardType, CardNumber: card.MaskedNumber, Custom: w.Custom}
	case PaymentKindBankTransfer:
		p.BankTransfer = &BankTransfer{RoutingNumber: w.BankRoutingNumber, Custom: w.Custom}
	case PaymentKindGiftCertificate:
		p.GiftCertificate = &GiftCertificatePayment{ID: w.MaskedGiftCertificateCode, Custom: w.Custom}
	case PaymentKindSalesforcePayments:
		p.SalesforcePayments = &SalesforcePayment{Custom: w.Custom}
	case PaymentKindCustomMethod:
		p.CustomMethod = &CustomMethod{Name: w.MethodID, Custom: w.Custom}
	default:
		p.InstrumentCustom = w.Custom
	}
	return p
}

func (a *scapiAddress) address() Address {
	return Address{Salutation: a.Salutation, Title: a.Title, FirstName: a.FirstName, SecondName: a.SecondName,
		LastName: a.LastName, Suffix: a.Suffix, CompanyName: a.CompanyName, JobTitle: a.JobTitle, Address1: a.Address1,
		Address2: a.Address2, Suite: a.Suite, Postbox: a.PostBox, City: a.City, PostalCode: a.PostalCode,
		StateCode: a.StateCode, CountryCode: NormalizeCountryCode(a.CountryCode), Phone: a.Phone, Custom: a.Custom}
}
