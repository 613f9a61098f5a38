package sfcc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// ShopJSONError reports an order document of the Shop API that cannot be
// decoded into an Order, or an Order that cannot be encoded. It names the
// order number (when known) and the JSON field at fault.
type ShopJSONError struct {
	OrderNo string
	// Field is the JSON path of the offending value, e.g. product_items[2].price.
	Field string
	Err   error
}

// Error implements error.
func (e *ShopJSONError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("sfcc: shop order %q: %v", e.OrderNo, e.Err)
	}
	return fmt.Sprintf("sfcc: shop order %q: %s: %v", e.OrderNo, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *ShopJSONError) Unwrap() error { return e.Err }

// MarshalShopOrder writes o as an OCAPI Shop API order document: snake_case
// fields as in the Shop API's order definition, amounts as exact JSON numbers
// (written from the decimal, never through a binary fraction), statuses in
// lower case, custom attributes as c_ fields on the object they belong to.
//
// Where the Shop API gives one taxation-dependent "price", the document also
// carries net_price and gross_price (as the newer Shop API and SCAPI do), so
// both sides of every line amount survive a round trip. The payment
// transaction sits in payment_transaction (amount, transaction_id,
// payment_processor_id and its c_ fields). Card data is limited to what SFCC
// itself returns: the masked number, never the token; a redeemed gift
// certificate's code is written masked.
//
// Fields the Shop form has no place for are left out: notes; tax items;
// quantity units, brand and quantity limits of lines; external line
// statuses; campaign and A/B-test ids of adjustments; adjustments on totals
// other than the order-level ones (order_price_adjustments); the order's
// original/replacement/current numbers, cancel code, business type, affiliate,
// source code group, customer order reference and tax-rounding flag; a gift
// certificate line's merchant and certificate ids; the payment's account,
// transaction type and ek-id, and Salesforce Payments details. The shipping
// total before shipping adjustments is not on the wire either: decoding
// sums the shipping items, as SFCC computes it. Of a localised custom
// attribute only one value is written (the unlocalised one if present), as
// the Shop API answers in one locale. A custom payment method's name travels
// as payment_method_id.
func MarshalShopOrder(o Order) ([]byte, error) {
	w := toShopOrder(o)
	b, err := json.Marshal(w)
	if err != nil {
		return nil, &ShopJSONError{OrderNo: o.OrderNo, Err: err}
	}
	return b, nil
}

// UnmarshalShopOrder reads an OCAPI Shop API order document (as written by
// MarshalShopOrder or returned by GET /orders/{no} and order_search) into an
// Order. Amounts are parsed from their JSON text without a binary fraction;
// statuses are upper-cased; c_ fields become custom attributes in document
// order (numbers and booleans as their JSON text, arrays as multi-value
// attributes, null skipped). A line amount given only as the
// taxation-dependent price gets its other side from the tax.
//
// Errors are *ShopJSONError naming the order number and the field.
func UnmarshalShopOrder(data []byte) (Order, error) {
	if depth := nesting(data); depth > maxShopDepth {
		return Order{}, &ShopJSONError{OrderNo: peekOrderNo(data),
			Err: fmt.Errorf("document nested %d deep; at most %d is accepted", depth, maxShopDepth)}
	}
	var w shopOrder
	if err := decodeShopOrder(data, &w); err != nil {
		return Order{}, &ShopJSONError{OrderNo: peekOrderNo(data), Err: err}
	}
	return shopWireToOrder(&w)
}

// shopWireToOrder turns a decoded document into an Order.
func shopWireToOrder(w *shopOrder) (Order, error) {
	if w.OrderNo == "" {
		return Order{}, &ShopJSONError{Field: "order_no", Err: errors.New("missing: not an order document")}
	}
	d := decoder{orderNo: w.OrderNo, gross: Taxation(w.Taxation) == TaxationGross}
	o := d.order(w)
	if d.err != nil {
		return Order{}, d.err
	}
	return o, nil
}

// maxShopDepth bounds the nesting of an order document. A real one nests
// about eight deep (bundles in product items in the order); the bound keeps
// the recursive decoder's stack small on hostile documents.
const maxShopDepth = 32

// nesting is the deepest bracket nesting of a JSON text, outside strings.
func nesting(data []byte) int {
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

// peekOrderNo finds the top-level order_no of a document that does not
// decode, token by token so that neither errors elsewhere nor nesting stop it.
func peekOrderNo(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	depth, wantKey, key := 1, true, ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
				continue
			}
			depth--
			if depth == 0 {
				return ""
			}
			if depth == 1 {
				wantKey = true
			}
			continue
		}
		if depth != 1 {
			continue
		}
		if wantKey {
			key, _ = tok.(string)
			wantKey = false
			continue
		}
		if key == "order_no" {
			no, _ := tok.(string)
			return no
		}
		wantKey = true
	}
}

// --- custom attributes -----------------------------------------------------

// spliceCustom appends the c_ fields of cs to the JSON object obj.
func spliceCustom(obj []byte, cs CustomAttributes) ([]byte, error) {
	if len(cs) == 0 {
		return obj, nil
	}
	var buf bytes.Buffer
	buf.Write(obj[:len(obj)-1])
	empty := bytes.Equal(bytes.TrimSpace(obj), []byte("{}"))
	seen := make(map[string]bool, len(cs))
	for _, a := range cs {
		if seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		if a.Lang != "" {
			if u, ok := cs.Localized(a.ID, ""); ok {
				a = u
			}
		}
		var v any = a.Value()
		if a.Multi {
			vals := a.Values
			if vals == nil {
				vals = []string{}
			}
			v = vals
		}
		key, err := json.Marshal("c_" + a.ID)
		if err != nil {
			return nil, err
		}
		val, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		if !empty {
			buf.WriteByte(',')
		}
		empty = false
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(val)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func customFromJSON(id string, raw json.RawMessage) (CustomAttribute, bool, error) {
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return CustomAttribute{}, false, nil
	}
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return CustomAttribute{}, false, err
		}
		a := CustomAttribute{ID: id, Values: make([]string, 0, len(items)), Multi: true}
		for _, it := range items {
			s, err := customText(it)
			if err != nil {
				return CustomAttribute{}, false, err
			}
			a.Values = append(a.Values, s)
		}
		return a, true, nil
	}
	s, err := customText(raw)
	if err != nil {
		return CustomAttribute{}, false, err
	}
	return CustomAttribute{ID: id, Values: []string{s}}, true, nil
}

// customText is a scalar's value as text: a string's content, a number's or
// boolean's JSON text; objects and arrays keep their compact JSON text.
func customText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 1 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), nil // valid JSON without escapes: the text itself
	}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// --- encoding ----------------------------------------------------------------

type encoder struct{ gross bool }

func toShopOrder(o Order) shopOrder {
	e := encoder{gross: o.Taxation == TaxationGross}
	w := shopOrder{
		OrderNo:             o.OrderNo,
		CreationDate:        formatTime(o.OrderDate),
		PlaceDate:           formatTime(o.PlaceDate),
		LastModified:        formatTime(o.LastModified),
		SiteID:              o.SiteID,
		CreatedBy:           o.CreatedBy,
		Currency:            o.Currency,
		CustomerLocale:      o.CustomerLocale,
		Taxation:            string(o.Taxation),
		SourceCode:          o.SourceCode,
		InvoiceNo:           o.InvoiceNo,
		CustomerName:        o.Customer.Name,
		Status:              strings.ToLower(string(o.Status.Order)),
		ExportStatus:        strings.ToLower(string(o.Status.Export)),
		ConfirmationStatus:  strings.ToLower(string(o.Status.Confirmation)),
		PaymentStatus:       strings.ToLower(string(o.Status.Payment)),
		ShippingStatus:      strings.ToLower(string(o.Status.Shipping)),
		ChannelType:         strings.ToLower(o.ChannelType),
		ExternalOrderNo:     o.ExternalOrderNo,
		ExternalOrderStatus: o.ExternalOrderStatus,
		ExternalOrderText:   o.ExternalOrderText,
		GlobalPartyID:       o.GlobalPartyID,
		RemoteHost:          o.RemoteHost,
		Custom:              o.Custom,
		shopTotals: shopTotals{
			ProductSubTotal:             e.price(o.Totals.MerchandizeTotal.Amounts),
			MerchandizeTotalTax:         *num(o.Totals.MerchandizeTotal.Tax),
			ProductTotal:                e.price(o.Totals.AdjustedMerchandizeTotal.Amounts),
			AdjustedMerchandizeTotalTax: *num(o.Totals.AdjustedMerchandizeTotal.Tax),
			ShippingTotal:               e.price(o.Totals.AdjustedShippingTotal.Amounts),
			ShippingTotalTax:            *num(o.Totals.ShippingTotal.Tax),
			AdjustedShippingTotalTax:    *num(o.Totals.AdjustedShippingTotal.Tax),
			TaxTotal:                    *num(o.Totals.OrderTotal.Tax),
		},
		OrderTotal:            *num(o.Totals.OrderTotal.Gross),
		OrderPriceAdjustments: e.adjustments(o.Totals.MerchandizeTotal.PriceAdjustments),
	}
	c := o.Customer
	if c.CustomerID != "" || c.CustomerNo != "" || c.Name != "" || c.Email != "" || c.Guest {
		w.CustomerInfo = &shopCustomerInfo{CustomerID: c.CustomerID, CustomerNo: c.CustomerNo, CustomerName: c.Name, Email: c.Email, Guest: c.Guest}
	}
	if !isZeroAddress(c.BillingAddress) {
		w.BillingAddress = toShopAddress(c.BillingAddress)
	}
	for i, p := range o.ProductLineItems {
		item := e.productItem(p)
		if p.ShippingLineItem != nil {
			id := p.ItemID + "_shipping"
			if p.ItemID == "" {
				id = fmt.Sprintf("product_item_%d_shipping", i+1)
			}
			item.ShippingItemID = id
			s := p.ShippingLineItem
			w.ShippingItems = append(w.ShippingItems, shopShippingItem{
				ItemID: id, ShipmentID: p.ShipmentID, TaxRate: num(s.TaxRate),
				Type:           strings.ReplaceAll(s.Type, "-", "_"),
				Quantity:       optNum(s.Quantity.Value),
				shopAmounts:    e.amounts(s.LineAmounts),
				PriceAfterItem: e.afterItem(s.LineAmounts, s.PriceAdjustments),
				Adjustments:    e.adjustments(s.PriceAdjustments),
				Custom:         s.Custom,
			})
		}
		w.ProductItems = append(w.ProductItems, item)
	}
	for _, s := range o.ShippingLineItems {
		w.ShippingItems = append(w.ShippingItems, shopShippingItem{
			ItemID: s.ItemID, ShipmentID: s.ShipmentID, TaxRate: num(s.TaxRate),
			shopAmounts:    e.amounts(s.LineAmounts),
			PriceAfterItem: e.afterItem(s.LineAmounts, s.PriceAdjustments),
			Adjustments:    e.adjustments(s.PriceAdjustments),
			Custom:         s.Custom,
		})
	}
	for _, g := range o.GiftCertificateLineItems {
		w.GiftCertificateItems = append(w.GiftCertificateItems, shopGiftCertificateItem{
			ItemID: g.ItemID, Amount: num(e.pick(g.NetPrice, g.GrossPrice)), RecipientEmail: g.RecipientEmail,
			RecipientName: g.RecipientName, SenderName: g.SenderName, Message: g.Message, ShipmentID: g.ShipmentID,
			shopAmounts: e.amounts(g.LineAmounts), Custom: g.Custom,
		})
	}
	for _, s := range o.Shipments {
		sh := shopShipment{
			ShipmentID: s.ID, ShippingStatus: strings.ToLower(string(s.ShippingStatus)),
			TrackingNumber: s.TrackingNumber, Gift: s.Gift, GiftMessage: s.GiftMessage, Custom: s.Custom,
			shopTotals: shopTotals{
				ProductSubTotal:             e.price(s.Totals.MerchandizeTotal.Amounts),
				MerchandizeTotalTax:         *num(s.Totals.MerchandizeTotal.Tax),
				ProductTotal:                e.price(s.Totals.AdjustedMerchandizeTotal.Amounts),
				AdjustedMerchandizeTotalTax: *num(s.Totals.AdjustedMerchandizeTotal.Tax),
				ShippingTotal:               e.price(s.Totals.AdjustedShippingTotal.Amounts),
				ShippingTotalTax:            *num(s.Totals.ShippingTotal.Tax),
				AdjustedShippingTotalTax:    *num(s.Totals.AdjustedShippingTotal.Tax),
				TaxTotal:                    *num(s.Totals.ShipmentTotal.Tax),
			},
			ShipmentTotal: *num(s.Totals.ShipmentTotal.Gross),
		}
		if s.ShippingMethod != "" {
			sh.ShippingMethod = &shopShippingMethod{ID: s.ShippingMethod}
		}
		if !isZeroAddress(s.ShippingAddress) {
			sh.ShippingAddress = toShopAddress(s.ShippingAddress)
		}
		w.Shipments = append(w.Shipments, sh)
	}
	for _, p := range o.Payments {
		w.PaymentInstruments = append(w.PaymentInstruments, toShopPayment(p))
	}
	return w
}

// pick is the amount the Shop API's taxation-dependent "price" carries.
func (e encoder) pick(net, gross decimal.Decimal) decimal.Decimal {
	if e.gross {
		return gross
	}
	return net
}

func (e encoder) price(a Amounts) json.Number { return *num(e.pick(a.Net, a.Gross)) }

func (e encoder) amounts(l LineAmounts) shopAmounts {
	return shopAmounts{
		Price: num(e.pick(l.NetPrice, l.GrossPrice)), NetPrice: num(l.NetPrice), GrossPrice: num(l.GrossPrice),
		Tax: num(l.Tax), BasePrice: optNum(l.BasePrice), TaxBasis: optNum(l.TaxBasis), ItemText: l.Text,
	}
}

// afterItem is the Shop API's price_after_item_discount: the line's price
// with its own adjustments applied.
func (e encoder) afterItem(l LineAmounts, adjs []PriceAdjustment) *json.Number {
	p := e.pick(l.NetPrice, l.GrossPrice)
	for _, a := range adjs {
		if s, err := p.Add(e.pick(a.NetPrice, a.GrossPrice)); err == nil {
			p = s
		}
	}
	return num(p)
}

func (e encoder) productItem(p ProductLineItem) shopProductItem {
	it := shopProductItem{
		ItemID: p.ItemID, Position: p.Position, ProductID: p.ProductID, ProductName: p.ProductName,
		Quantity: num(p.Quantity.Value), TaxRate: num(p.TaxRate), TaxClassID: p.TaxClassID,
		ShipmentID: p.ShipmentID, InventoryID: p.InventoryListID, Gift: p.Gift, GiftMessage: p.GiftMessage,
		shopAmounts:    e.amounts(p.LineAmounts),
		PriceAfterItem: e.afterItem(p.LineAmounts, p.PriceAdjustments),
		Adjustments:    e.adjustments(p.PriceAdjustments),
		Bundled:        bundledItems(p.Bundled),
		Custom:         p.Custom,
	}
	for _, op := range p.Options {
		it.Options = append(it.Options, shopOptionItem{
			OptionID: op.OptionID, OptionValueID: op.ValueID, ProductID: op.ProductID,
			shopAmounts:    e.amounts(op.LineAmounts),
			PriceAfterItem: e.afterItem(op.LineAmounts, op.PriceAdjustments),
			Adjustments:    e.adjustments(op.PriceAdjustments), Custom: op.Custom,
		})
	}
	return it
}

func bundledItems(bs []BundledProductLineItem) []shopBundledItem {
	var out []shopBundledItem
	for _, b := range bs {
		out = append(out, shopBundledItem{ProductID: b.ProductID, ProductName: b.ProductName,
			Quantity: num(b.Quantity.Value), Bundled: bundledItems(b.Bundled), Custom: b.Custom})
	}
	return out
}

// discountTypes maps order.xsd's applied-discount element names to the Shop
// API's discount types where the two spell them differently.
var discountTypes = map[string]string{"price-book-id": "price_book_price", "percent-off-options": "percentage_off_options"}

func (e encoder) adjustments(adjs []PriceAdjustment) []shopPriceAdjustment {
	var out []shopPriceAdjustment
	for _, a := range adjs {
		w := shopPriceAdjustment{
			PromotionID: a.PromotionID, CouponCode: a.CouponID, ReasonCode: a.ReasonCode, Manual: a.Manual,
			CreatedBy: a.CreatedBy, CreationDate: formatTime(a.CreationDate), Custom: a.Custom,
			shopAmounts: e.amounts(a.LineAmounts), CustomAdjustment: a.Discount != nil,
		}
		if d := a.Discount; d != nil {
			t, ok := discountTypes[d.Kind]
			if !ok {
				t = strings.ReplaceAll(d.Kind, "-", "_")
			}
			w.Discount = &shopDiscount{Type: t, PriceBookID: d.PriceBookID}
			if strings.HasPrefix(t, "percentage") {
				w.Discount.Percentage = optNum(d.Value)
			} else {
				w.Discount.Amount = optNum(d.Value)
			}
		}
		out = append(out, w)
	}
	return out
}

// optNum is num for an optional amount: absent when it is the zero value
// (a zero with a scale, such as 0.00, is still written).
func optNum(d decimal.Decimal) *json.Number {
	if d == (decimal.Decimal{}) {
		return nil
	}
	return num(d)
}

func isZeroAddress(a Address) bool {
	return len(a.Custom) == 0 && a.Salutation+a.Title+a.FirstName+a.SecondName+a.LastName+a.Suffix+a.CompanyName+
		a.JobTitle+a.Address1+a.Address2+a.Suite+a.Postbox+a.City+a.PostalCode+a.StateCode+a.CountryCode+a.Phone == ""
}

func toShopAddress(a Address) *shopAddress {
	full := strings.TrimSpace(strings.Join([]string{a.FirstName, a.LastName}, " "))
	return &shopAddress{
		Salutation: a.Salutation, Title: a.Title, FirstName: a.FirstName, SecondName: a.SecondName,
		LastName: a.LastName, Suffix: a.Suffix, FullName: full, CompanyName: a.CompanyName,
		JobTitle: a.JobTitle, Address1: a.Address1, Address2: a.Address2, Suite: a.Suite, PostBox: a.Postbox,
		City: a.City, PostalCode: a.PostalCode, StateCode: a.StateCode, CountryCode: a.CountryCode,
		Phone: a.Phone, Custom: a.Custom,
	}
}

// paymentMethods are SFCC's system payment method ids for the payment kinds
// that have one.
var paymentMethods = map[PaymentKind]string{
	PaymentKindCreditCard: "CREDIT_CARD", PaymentKindBankTransfer: "BANK_TRANSFER",
	PaymentKindBillMeLater: "BML", PaymentKindGiftCertificate: "GIFT_CERTIFICATE",
	PaymentKindApplePay: "DW_APPLE_PAY", PaymentKindAndroidPay: "DW_ANDROID_PAY",
	PaymentKindSalesforcePayments: "SALESFORCE_PAYMENTS",
}

func toShopPayment(p Payment) shopPaymentInstrument {
	w := shopPaymentInstrument{
		InstrumentID: p.InstrumentID, MethodID: p.MethodID, Amount: num(p.Amount),
		Transaction: &shopTransaction{Amount: num(p.Amount), TransactionID: p.TransactionID, ProcessorID: p.ProcessorID, Custom: p.Custom},
		Custom:      p.InstrumentCustom,
	}
	if w.MethodID == "" {
		w.MethodID = paymentMethods[p.Kind]
		if p.CustomMethod != nil {
			w.MethodID = p.CustomMethod.Name
		}
	}
	switch {
	case p.Card != nil:
		c := p.Card
		w.Card = &shopPaymentCard{CardType: c.Type, MaskedNumber: mask(c.MaskedNumber), NumberLastDigits: lastFour(c.MaskedNumber),
			Holder: c.Holder, ExpirationMonth: c.ExpirationMonth, ExpirationYear: c.ExpirationYear,
			ValidFromMonth: c.FromMonth, ValidFromYear: c.FromYear, IssueNumber: c.IssueNumber}
		w.Custom = c.Custom
	case p.Wallet != nil:
		w.Card = &shopPaymentCard{CardType: p.Wallet.CardType, MaskedNumber: mask(p.Wallet.CardNumber), NumberLastDigits: lastFour(p.Wallet.CardNumber)}
		w.Custom = p.Wallet.Custom
	case p.BankTransfer != nil:
		b := p.BankTransfer
		w.BankAccount = &shopBankAccount{Holder: b.AccountHolder, MaskedNumber: mask(b.AccountNumber),
			NumberLastDigits: lastFour(b.AccountNumber), MaskedDriversLicense: mask(b.DriversLicense),
			DriversLicenseStateCode: b.DriversLicenseStateCode}
		w.BankRoutingNumber = b.RoutingNumber
		w.Custom = b.Custom
	case p.GiftCertificate != nil:
		w.MaskedGiftCertificateCode = mask(p.GiftCertificate.ID)
		w.Custom = p.GiftCertificate.Custom
	case p.SalesforcePayments != nil:
		w.Custom = p.SalesforcePayments.Custom
	case p.CustomMethod != nil:
		w.Custom = p.CustomMethod.Custom
	}
	return w
}

// mask replaces all but the last four characters with '*', as SFCC masks
// card, account and gift certificate numbers. Masking is idempotent.
func mask(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return s
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}
