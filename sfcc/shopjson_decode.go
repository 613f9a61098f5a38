package sfcc

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// --- decoding ----------------------------------------------------------------

// decoder turns wire values into model values, keeping the first error.
type decoder struct {
	orderNo string
	gross   bool
	err     error
}

func (d *decoder) fail(field string, err error) {
	if d.err == nil {
		d.err = &ShopJSONError{OrderNo: d.orderNo, Field: field, Err: err}
	}
}

func (d *decoder) dec(field string, n *json.Number) decimal.Decimal {
	if n == nil || *n == "" || d.err != nil {
		return decimal.Decimal{}
	}
	v, err := decimal.Parse(n.String())
	if err != nil {
		d.fail(field, err)
	}
	return v
}

func (d *decoder) time(field, s string) time.Time {
	if s == "" || d.err != nil {
		return time.Time{}
	}
	t, err := parseAPITime(s)
	if err != nil {
		d.fail(field, err)
		return time.Time{}
	}
	return t
}

// split returns the other side of a taxation-dependent price: the gross of
// a net price (net + tax) or the net of a gross price (gross - tax).
func (d *decoder) split(field string, price, tax decimal.Decimal) (net, gross decimal.Decimal) {
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

func (d *decoder) lineAmounts(field string, a shopAmounts) LineAmounts {
	l := LineAmounts{Tax: d.dec(field+".tax", a.Tax), BasePrice: d.dec(field+".base_price", a.BasePrice),
		TaxBasis: d.dec(field+".tax_basis", a.TaxBasis), Text: a.ItemText}
	if a.NetPrice != nil && a.GrossPrice != nil {
		l.NetPrice = d.dec(field+".net_price", a.NetPrice)
		l.GrossPrice = d.dec(field+".gross_price", a.GrossPrice)
	} else {
		l.NetPrice, l.GrossPrice = d.split(field+".price", d.dec(field+".price", a.Price), l.Tax)
	}
	return l
}

// total reads a taxation-dependent total and its tax; field and taxField
// name them for errors.
func (d *decoder) total(field, taxField string, price, tax json.Number) Amounts {
	t := d.dec(taxField, &tax)
	net, gross := d.split(field, d.dec(field, &price), t)
	return Amounts{Net: net, Tax: t, Gross: gross}
}

// grossTotal reads a total the Shop API always gives gross, with its tax.
func (d *decoder) grossTotal(field, taxField string, gross, tax json.Number) Amounts {
	g, t := d.dec(field, &gross), d.dec(taxField, &tax)
	n, err := g.Sub(t)
	if err != nil {
		d.fail(field, err)
	}
	return Amounts{Net: n, Tax: t, Gross: g}
}

// shippingBefore is the shipping total before shipping adjustments, which the
// Shop API does not carry: SFCC computes it as the sum of the shipping items'
// prices, and so does this.
func (d *decoder) shippingBefore(field, taxField string, items []shopShippingItem, shipmentID string, tax json.Number) Amounts {
	var sum decimal.Decimal
	for i, s := range items {
		if shipmentID != "" && s.ShipmentID != shipmentID {
			continue
		}
		l := d.lineAmounts(fmt.Sprintf("shipping_items[%d]", i), s.shopAmounts)
		p := l.NetPrice
		if d.gross {
			p = l.GrossPrice
		}
		var err error
		if sum, err = sum.Add(p); err != nil {
			d.fail(field, err)
		}
	}
	t := d.dec(taxField, &tax)
	net, gross := d.split(field, sum, t)
	return Amounts{Net: net, Tax: t, Gross: gross}
}

func upper[T ~string](s string) T { return T(strings.ToUpper(s)) }

// channelType restores order.xsd's spelling of a lower-case Shop API channel type.
func channelType(s string) string {
	for _, c := range []string{"Storefront", "CallCenter", "Marketplace", "DSS", "Store", "Pinterest", "Twitter",
		"FacebookAds", "Subscriptions", "OnlineReservation", "CustomerServiceCenter", "InstagramCommerce",
		"Google", "TikTok", "Snapchat", "WhatsApp", "YouTube", "ChatGPT", "Gemini"} {
		if strings.EqualFold(c, s) {
			return c
		}
	}
	return s
}

func (d *decoder) order(w *shopOrder) Order {
	o := Order{
		OrderNo: w.OrderNo, OrderDate: d.time("creation_date", w.CreationDate), PlaceDate: d.time("place_date", w.PlaceDate),
		LastModified: d.time("last_modified", w.LastModified), SiteID: w.SiteID, CreatedBy: w.CreatedBy,
		Currency: NormalizeCurrencyCode(w.Currency), CustomerLocale: w.CustomerLocale, Taxation: Taxation(w.Taxation),
		SourceCode: w.SourceCode, InvoiceNo: w.InvoiceNo, ChannelType: channelType(w.ChannelType),
		Status: StatusSet{Order: upper[OrderStatus](w.Status), Shipping: upper[ShippingStatus](w.ShippingStatus),
			Confirmation: upper[ConfirmationStatus](w.ConfirmationStatus), Payment: upper[PaymentStatus](w.PaymentStatus),
			Export: upper[ExportStatus](w.ExportStatus)},
		ExternalOrderNo: w.ExternalOrderNo, ExternalOrderStatus: w.ExternalOrderStatus, ExternalOrderText: w.ExternalOrderText,
		GlobalPartyID: w.GlobalPartyID, RemoteHost: w.RemoteHost, Custom: w.Custom,
	}
	o.Customer.Name = w.CustomerName
	if c := w.CustomerInfo; c != nil {
		o.Customer.CustomerID, o.Customer.CustomerNo, o.Customer.Email, o.Customer.Guest = c.CustomerID, c.CustomerNo, c.Email, c.Guest
		if c.CustomerName != "" {
			o.Customer.Name = c.CustomerName
		}
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
		f := fmt.Sprintf("shipping_items[%d]", i)
		l := d.lineAmounts(f, s.shopAmounts)
		adjs := d.adjustments(f+".price_adjustments", s.Adjustments)
		if productShipping[s.ItemID] {
			shipping[s.ItemID] = &ProductShippingLineItem{LineAmounts: l, Quantity: Quantity{Value: d.dec(f+".quantity", s.Quantity)},
				TaxRate: d.dec(f+".tax_rate", s.TaxRate), Type: strings.ReplaceAll(s.Type, "_", "-"), Custom: s.Custom, PriceAdjustments: adjs}
			continue
		}
		o.ShippingLineItems = append(o.ShippingLineItems, ShippingLineItem{LineAmounts: l, ItemID: s.ItemID,
			ShipmentID: s.ShipmentID, TaxRate: d.dec(f+".tax_rate", s.TaxRate), Custom: s.Custom, PriceAdjustments: adjs})
	}
	for i, p := range w.ProductItems {
		f := fmt.Sprintf("product_items[%d]", i)
		li := ProductLineItem{LineAmounts: d.lineAmounts(f, p.shopAmounts), ItemID: p.ItemID, Position: p.Position,
			ProductID: p.ProductID, ProductName: p.ProductName, Quantity: Quantity{Value: d.dec(f+".quantity", p.Quantity)},
			TaxRate: d.dec(f+".tax_rate", p.TaxRate), TaxClassID: p.TaxClassID, ShipmentID: p.ShipmentID,
			InventoryListID: p.InventoryID, Gift: p.Gift, GiftMessage: p.GiftMessage, Custom: p.Custom,
			PriceAdjustments: d.adjustments(f+".price_adjustments", p.Adjustments), Bundled: d.bundled(f, p.Bundled),
			ShippingLineItem: shipping[p.ShippingItemID]}
		for j, op := range p.Options {
			g := fmt.Sprintf("%s.option_items[%d]", f, j)
			li.Options = append(li.Options, OptionLineItem{LineAmounts: d.lineAmounts(g, op.shopAmounts), OptionID: op.OptionID,
				ValueID: op.OptionValueID, ProductID: op.ProductID, Custom: op.Custom, PriceAdjustments: d.adjustments(g+".price_adjustments", op.Adjustments)})
		}
		o.ProductLineItems = append(o.ProductLineItems, li)
	}
	for i, g := range w.GiftCertificateItems {
		f := fmt.Sprintf("gift_certificate_items[%d]", i)
		a := g.shopAmounts
		if a.Price == nil {
			a.Price = g.Amount
		}
		o.GiftCertificateLineItems = append(o.GiftCertificateLineItems, GiftCertificateLineItem{LineAmounts: d.lineAmounts(f, a),
			ItemID: g.ItemID, RecipientEmail: g.RecipientEmail, SenderName: g.SenderName, RecipientName: g.RecipientName,
			Message: g.Message, ShipmentID: g.ShipmentID, Custom: g.Custom})
	}
	for i, s := range w.Shipments {
		f := fmt.Sprintf("shipments[%d]", i)
		sh := Shipment{ID: s.ShipmentID, ShippingStatus: upper[ShippingStatus](s.ShippingStatus), TrackingNumber: s.TrackingNumber,
			Gift: s.Gift, GiftMessage: s.GiftMessage, Custom: s.Custom,
			Totals: ShipmentTotals{
				MerchandizeTotal:         Total{Amounts: d.total(f+".product_sub_total", f+".merchandize_total_tax", s.ProductSubTotal, s.MerchandizeTotalTax)},
				AdjustedMerchandizeTotal: Total{Amounts: d.total(f+".product_total", f+".adjusted_merchandize_total_tax", s.ProductTotal, s.AdjustedMerchandizeTotalTax)},
				ShippingTotal:            Total{Amounts: d.shippingBefore(f+".shipping_total", f+".shipping_total_tax", w.ShippingItems, s.ShipmentID, s.ShippingTotalTax)},
				AdjustedShippingTotal:    Total{Amounts: d.total(f+".shipping_total", f+".adjusted_shipping_total_tax", s.ShippingTotal, s.AdjustedShippingTotalTax)},
				ShipmentTotal:            Total{Amounts: d.grossTotal(f+".shipment_total", f+".tax_total", s.ShipmentTotal, s.TaxTotal)},
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
		MerchandizeTotal:         Total{Amounts: d.total("product_sub_total", "merchandize_total_tax", w.ProductSubTotal, w.MerchandizeTotalTax), PriceAdjustments: d.adjustments("order_price_adjustments", w.OrderPriceAdjustments)},
		AdjustedMerchandizeTotal: Total{Amounts: d.total("product_total", "adjusted_merchandize_total_tax", w.ProductTotal, w.AdjustedMerchandizeTotalTax)},
		ShippingTotal:            Total{Amounts: d.shippingBefore("shipping_total", "shipping_total_tax", w.ShippingItems, "", w.ShippingTotalTax)},
		AdjustedShippingTotal:    Total{Amounts: d.total("shipping_total", "adjusted_shipping_total_tax", w.ShippingTotal, w.AdjustedShippingTotalTax)},
		OrderTotal:               Total{Amounts: d.grossTotal("order_total", "tax_total", w.OrderTotal, w.TaxTotal)},
	}
	for i, p := range w.PaymentInstruments {
		o.Payments = append(o.Payments, d.payment(fmt.Sprintf("payment_instruments[%d]", i), p))
	}
	return o
}

func (d *decoder) bundled(field string, bs []shopBundledItem) []BundledProductLineItem {
	var out []BundledProductLineItem
	for i, b := range bs {
		f := fmt.Sprintf("%s.bundled_product_items[%d]", field, i)
		out = append(out, BundledProductLineItem{ProductID: b.ProductID, ProductName: b.ProductName,
			Quantity: Quantity{Value: d.dec(f+".quantity", b.Quantity)}, Bundled: d.bundled(f, b.Bundled), Custom: b.Custom})
	}
	return out
}

func (d *decoder) adjustments(field string, ws []shopPriceAdjustment) []PriceAdjustment {
	var out []PriceAdjustment
	for i, w := range ws {
		f := fmt.Sprintf("%s[%d]", field, i)
		a := PriceAdjustment{LineAmounts: d.lineAmounts(f, w.shopAmounts), PromotionID: w.PromotionID, CouponID: w.CouponCode,
			ReasonCode: w.ReasonCode, Manual: w.Manual, CreatedBy: w.CreatedBy, CreationDate: d.time(f+".creation_date", w.CreationDate),
			Custom: w.Custom}
		if ds := w.Discount; ds != nil {
			kind := strings.ReplaceAll(ds.Type, "_", "-")
			for k, v := range discountTypes {
				if v == ds.Type {
					kind = k
				}
			}
			a.Discount = &AppliedDiscount{Kind: kind, PriceBookID: ds.PriceBookID, Value: d.dec(f+".applied_discount.amount", ds.Amount)}
			if ds.Percentage != nil {
				a.Discount.Value = d.dec(f+".applied_discount.percentage", ds.Percentage)
			}
		}
		out = append(out, a)
	}
	return out
}

func (d *decoder) payment(f string, w shopPaymentInstrument) Payment {
	p := Payment{MethodID: w.MethodID, InstrumentID: w.InstrumentID, Amount: d.dec(f+".amount", w.Amount)}
	for k, id := range paymentMethods {
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
		p.TransactionID, p.ProcessorID, p.Custom = t.TransactionID, t.ProcessorID, t.Custom
		if t.Amount != nil {
			p.Amount = d.dec(f+".payment_transaction.amount", t.Amount)
		}
	}
	card := shopPaymentCard{}
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
		b := BankTransfer{RoutingNumber: w.BankRoutingNumber, Custom: w.Custom}
		if a := w.BankAccount; a != nil {
			b.AccountHolder, b.AccountNumber, b.DriversLicense, b.DriversLicenseStateCode = a.Holder, a.MaskedNumber, a.MaskedDriversLicense, a.DriversLicenseStateCode
		}
		p.BankTransfer = &b
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

func (a *shopAddress) address() Address {
	return Address{Salutation: a.Salutation, Title: a.Title, FirstName: a.FirstName, SecondName: a.SecondName,
		LastName: a.LastName, Suffix: a.Suffix, CompanyName: a.CompanyName, JobTitle: a.JobTitle, Address1: a.Address1,
		Address2: a.Address2, Suite: a.Suite, Postbox: a.PostBox, City: a.City, PostalCode: a.PostalCode,
		StateCode: a.StateCode, CountryCode: NormalizeCountryCode(a.CountryCode), Phone: a.Phone, Custom: a.Custom}
}
