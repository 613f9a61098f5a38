package sfcc

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// --- one-pass decoding of the wire types ------------------------------------
//
// Each wire type reads its own fields with a switch on the key and collects
// its c_ keys as custom attributes while it goes, so a document is read
// once: encoding/json followed by a second scan of every nested object for
// c_ keys cost a quarter of a simulated day's CPU.

// shopFieldFunc reads the value of a known key and reports whether the key
// was known.
type shopFieldFunc func(key []byte) (bool, error)

// shopObject reads an object through field; c_ keys become custom
// attributes in document order (custom nil: the type has none), other
// unknown keys are matched case-insensitively against keys, as
// encoding/json matches them, or skipped. The custom attributes of an
// object replace any earlier ones, as each decode of an object did before.
func shopObject(l *shopLexer, keys *shopKeys, field shopFieldFunc, custom *CustomAttributes) error {
	if custom != nil {
		*custom = nil
	}
	return l.object(func(key []byte) error {
		if ok, err := field(key); ok || err != nil {
			return err
		}
		if custom != nil && len(key) > 2 && key[0] == 'c' && key[1] == '_' {
			raw, err := l.skip()
			if err != nil {
				return err
			}
			a, keep, err := customFromJSON(string(key[2:]), raw)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			if keep {
				*custom = append(*custom, a)
			}
			return nil
		}
		if k, ok := keys.fold(key); ok {
			_, err := field([]byte(k))
			return err
		}
		_, err := l.skip()
		return err
	})
}

// shopKeys are the JSON keys of a wire type, for encoding/json's
// case-insensitive fallback match.
type shopKeys struct {
	once   sync.Once
	typ    reflect.Type
	keys   []string // as tagged
	folded []string // folded as foldName folds
}

func newShopKeys[T any]() *shopKeys { return &shopKeys{typ: reflect.TypeFor[T]()} }

func (k *shopKeys) fold(key []byte) (string, bool) {
	k.once.Do(func() {
		k.keys = jsonKeys(k.typ)
		for _, s := range k.keys {
			k.folded = append(k.folded, string(foldName(nil, []byte(s))))
		}
	})
	var buf [64]byte
	f := foldName(buf[:0], key)
	for i, s := range k.folded {
		if s == string(f) {
			return k.keys[i], true
		}
	}
	return "", false
}

// jsonKeys lists the json tags of t's fields, embedded structs included.
func jsonKeys(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonKeys(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// foldName appends to out a key folded the way encoding/json folds it for
// its case-insensitive match: ASCII letters upper-cased, other runes to the
// smallest rune of their fold set (the Kelvin sign matches k, the long s s).
func foldName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

var (
	keysOrder       = newShopKeys[shopOrder]()
	keysCustomer    = newShopKeys[shopCustomerInfo]()
	keysAddress     = newShopKeys[shopAddress]()
	keysProduct     = newShopKeys[shopProductItem]()
	keysOption      = newShopKeys[shopOptionItem]()
	keysBundled     = newShopKeys[shopBundledItem]()
	keysAdjustment  = newShopKeys[shopPriceAdjustment]()
	keysDiscount    = newShopKeys[shopDiscount]()
	keysShipping    = newShopKeys[shopShippingItem]()
	keysGift        = newShopKeys[shopGiftCertificateItem]()
	keysShipment    = newShopKeys[shopShipment]()
	keysMethod      = newShopKeys[shopShippingMethod]()
	keysInstrument  = newShopKeys[shopPaymentInstrument]()
	keysCard        = newShopKeys[shopPaymentCard]()
	keysBank        = newShopKeys[shopBankAccount]()
	keysTransaction = newShopKeys[shopTransaction]()
)

// decodeShopOrder reads a whole document into w.
func decodeShopOrder(data []byte, w *shopOrder) error {
	l := &shopLexer{data: data}
	switch l.peek() {
	case 'n':
		// encoding/json hands null to the order's decoder, which ignores it.
		if err := l.literal("null"); err != nil {
			return err
		}
	case '{':
		if err := w.read(l); err != nil {
			return err
		}
	case 0:
		return l.syntax("unexpected end of JSON input")
	default:
		if _, err := l.skip(); err != nil {
			return err
		}
		if err := l.end(); err != nil {
			return err
		}
		return l.syntax("an order document is a JSON object")
	}
	return l.end()
}

func (w *shopOrder) read(l *shopLexer) error {
	return shopObject(l, keysOrder, func(key []byte) (bool, error) {
		switch string(key) {
		case "order_no":
			return true, l.str(&w.OrderNo)
		case "creation_date":
			return true, l.str(&w.CreationDate)
		case "place_date":
			return true, l.str(&w.PlaceDate)
		case "last_modified":
			return true, l.str(&w.LastModified)
		case "site_id":
			return true, l.str(&w.SiteID)
		case "created_by":
			return true, l.str(&w.CreatedBy)
		case "currency":
			return true, l.str(&w.Currency)
		case "customer_locale":
			return true, l.str(&w.CustomerLocale)
		case "taxation":
			return true, l.str(&w.Taxation)
		case "source_code":
			return true, l.str(&w.SourceCode)
		case "invoice_no":
			return true, l.str(&w.InvoiceNo)
		case "customer_name":
			return true, l.str(&w.CustomerName)
		case "customer_info":
			return true, shopPtr(l, &w.CustomerInfo, func(c *shopCustomerInfo) error { return c.read(l) })
		case "billing_address":
			return true, shopPtr(l, &w.BillingAddress, func(a *shopAddress) error { return a.read(l) })
		case "status":
			return true, l.str(&w.Status)
		case "export_status":
			return true, l.str(&w.ExportStatus)
		case "confirmation_status":
			return true, l.str(&w.ConfirmationStatus)
		case "payment_status":
			return true, l.str(&w.PaymentStatus)
		case "shipping_status":
			return true, l.str(&w.ShippingStatus)
		case "channel_type":
			return true, l.str(&w.ChannelType)
		case "external_order_no":
			return true, l.str(&w.ExternalOrderNo)
		case "external_order_status":
			return true, l.str(&w.ExternalOrderStatus)
		case "external_order_text":
			return true, l.str(&w.ExternalOrderText)
		case "global_party_id":
			return true, l.str(&w.GlobalPartyID)
		case "remote_host":
			return true, l.str(&w.RemoteHost)
		case "product_items":
			return true, shopSlice(l, &w.ProductItems, func(p *shopProductItem) error { return p.read(l) })
		case "shipping_items":
			return true, shopSlice(l, &w.ShippingItems, func(s *shopShippingItem) error { return s.read(l) })
		case "gift_certificate_items":
			return true, shopSlice(l, &w.GiftCertificateItems, func(g *shopGiftCertificateItem) error { return g.read(l) })
		case "shipments":
			return true, shopSlice(l, &w.Shipments, func(s *shopShipment) error { return s.read(l) })
		case "order_price_adjustments":
			return true, shopSlice(l, &w.OrderPriceAdjustments, func(a *shopPriceAdjustment) error { return a.read(l) })
		case "payment_instruments":
			return true, shopSlice(l, &w.PaymentInstruments, func(p *shopPaymentInstrument) error { return p.read(l) })
		case "order_total":
			return true, l.jsonNumber(&w.OrderTotal)
		}
		return w.shopTotals.field(l, key)
	}, &w.Custom)
}

func (t *shopTotals) field(l *shopLexer, key []byte) (bool, error) {
	switch string(key) {
	case "product_sub_total":
		return true, l.jsonNumber(&t.ProductSubTotal)
	case "product_total":
		return true, l.jsonNumber(&t.ProductTotal)
	case "merchandize_total_tax":
		return true, l.jsonNumber(&t.MerchandizeTotalTax)
	case "adjusted_merchandize_total_tax":
		return true, l.jsonNumber(&t.AdjustedMerchandizeTotalTax)
	case "shipping_total":
		return true, l.jsonNumber(&t.ShippingTotal)
	case "shipping_total_tax":
		return true, l.jsonNumber(&t.ShippingTotalTax)
	case "adjusted_shipping_total_tax":
		return true, l.jsonNumber(&t.AdjustedShippingTotalTax)
	case "tax_total":
		return true, l.jsonNumber(&t.TaxTotal)
	}
	return false, nil
}

func (a *shopAmounts) field(l *shopLexer, key []byte) (bool, error) {
	switch string(key) {
	case "price":
		return true, l.jsonNumberPtr(&a.Price)
	case "net_price":
		return true, l.jsonNumberPtr(&a.NetPrice)
	case "gross_price":
		return true, l.jsonNumberPtr(&a.GrossPrice)
	case "tax":
		return true, l.jsonNumberPtr(&a.Tax)
	case "base_price":
		return true, l.jsonNumberPtr(&a.BasePrice)
	case "tax_basis":
		return true, l.jsonNumberPtr(&a.TaxBasis)
	case "item_text":
		return true, l.str(&a.ItemText)
	}
	return false, nil
}

func (c *shopCustomerInfo) read(l *shopLexer) error {
	return shopObject(l, keysCustomer, func(key []byte) (bool, error) {
		switch string(key) {
		case "customer_id":
			return true, l.str(&c.CustomerID)
		case "customer_no":
			return true, l.str(&c.CustomerNo)
		case "customer_name":
			return true, l.str(&c.CustomerName)
		case "email":
			return true, l.str(&c.Email)
		case "guest":
			return true, l.boolean(&c.Guest)
		}
		return false, nil
	}, nil)
}

func (a *shopAddress) read(l *shopLexer) error {
	return shopObject(l, keysAddress, func(key []byte) (bool, error) {
		var dst *string
		switch string(key) {
		case "salutation":
			dst = &a.Salutation
		case "title":
			dst = &a.Title
		case "first_name":
			dst = &a.FirstName
		case "second_name":
			dst = &a.SecondName
		case "last_name":
			dst = &a.LastName
		case "suffix":
			dst = &a.Suffix
		case "full_name":
			dst = &a.FullName
		case "company_name":
			dst = &a.CompanyName
		case "job_title":
			dst = &a.JobTitle
		case "address1":
			dst = &a.Address1
		case "address2":
			dst = &a.Address2
		case "suite":
			dst = &a.Suite
		case "post_box":
			dst = &a.PostBox
		case "city":
			dst = &a.City
		case "postal_code":
			dst = &a.PostalCode
		case "state_code":
			dst = &a.StateCode
		case "country_code":
			dst = &a.CountryCode
		case "phone":
			dst = &a.Phone
		default:
			return false, nil
		}
		return true, l.str(dst)
	}, &a.Custom)
}

func (p *shopProductItem) read(l *shopLexer) error {
	return shopObject(l, keysProduct, func(key []byte) (bool, error) {
		switch string(key) {
		case "item_id":
			return true, l.str(&p.ItemID)
		case "position":
			return true, l.integer(&p.Position)
		case "product_id":
			return true, l.str(&p.ProductID)
		case "product_name":
			return true, l.str(&p.ProductName)
		case "quantity":
			return true, l.jsonNumberPtr(&p.Quantity)
		case "tax_rate":
			return true, l.jsonNumberPtr(&p.TaxRate)
		case "tax_class_id":
			return true, l.str(&p.TaxClassID)
		case "shipment_id":
			return true, l.str(&p.ShipmentID)
		case "inventory_id":
			return true, l.str(&p.InventoryID)
		case "gift":
			return true, l.boolean(&p.Gift)
		case "gift_message":
			return true, l.str(&p.GiftMessage)
		case "shipping_item_id":
			return true, l.str(&p.ShippingItemID)
		case "price_after_item_discount":
			return true, l.jsonNumberPtr(&p.PriceAfterItem)
		case "option_items":
			return true, shopSlice(l, &p.Options, func(o *shopOptionItem) error { return o.read(l) })
		case "bundled_product_items":
			return true, shopSlice(l, &p.Bundled, func(b *shopBundledItem) error { return b.read(l) })
		case "price_adjustments":
			return true, shopSlice(l, &p.Adjustments, func(a *shopPriceAdjustment) error { return a.read(l) })
		}
		return p.shopAmounts.field(l, key)
	}, &p.Custom)
}

func (o *shopOptionItem) read(l *shopLexer) error {
	return shopObject(l, keysOption, func(key []byte) (bool, error) {
		switch string(key) {
		case "option_id":
			return true, l.str(&o.OptionID)
		case "option_value_id":
			return true, l.str(&o.OptionValueID)
		case "product_id":
			return true, l.str(&o.ProductID)
		case "price_after_item_discount":
			return true, l.jsonNumberPtr(&o.PriceAfterItem)
		case "price_adjustments":
			return true, shopSlice(l, &o.Adjustments, func(a *shopPriceAdjustment) error { return a.read(l) })
		}
		return o.shopAmounts.field(l, key)
	}, &o.Custom)
}

func (b *shopBundledItem) read(l *shopLexer) error {
	return shopObject(l, keysBundled, func(key []byte) (bool, error) {
		switch string(key) {
		case "product_id":
			return true, l.str(&b.ProductID)
		case "product_name":
			return true, l.str(&b.ProductName)
		case "quantity":
			return true, l.jsonNumberPtr(&b.Quantity)
		case "bundled_product_items":
			return true, shopSlice(l, &b.Bundled, func(c *shopBundledItem) error { return c.read(l) })
		}
		return false, nil
	}, &b.Custom)
}

func (a *shopPriceAdjustment) read(l *shopLexer) error {
	return shopObject(l, keysAdjustment, func(key []byte) (bool, error) {
		switch string(key) {
		case "promotion_id":
			return true, l.str(&a.PromotionID)
		case "coupon_code":
			return true, l.str(&a.CouponCode)
		case "reason_code":
			return true, l.str(&a.ReasonCode)
		case "manual":
			return true, l.boolean(&a.Manual)
		case "custom":
			return true, l.boolean(&a.CustomAdjustment)
		case "created_by":
			return true, l.str(&a.CreatedBy)
		case "creation_date":
			return true, l.str(&a.CreationDate)
		case "applied_discount":
			return true, shopPtr(l, &a.Discount, func(d *shopDiscount) error { return d.read(l) })
		}
		return a.shopAmounts.field(l, key)
	}, &a.Custom)
}

func (d *shopDiscount) read(l *shopLexer) error {
	return shopObject(l, keysDiscount, func(key []byte) (bool, error) {
		switch string(key) {
		case "type":
			return true, l.str(&d.Type)
		case "amount":
			return true, l.jsonNumberPtr(&d.Amount)
		case "percentage":
			return true, l.jsonNumberPtr(&d.Percentage)
		case "price_book_id":
			return true, l.str(&d.PriceBookID)
		}
		return false, nil
	}, nil)
}

func (s *shopShippingItem) read(l *shopLexer) error {
	return shopObject(l, keysShipping, func(key []byte) (bool, error) {
		switch string(key) {
		case "item_id":
			return true, l.str(&s.ItemID)
		case "shipment_id":
			return true, l.str(&s.ShipmentID)
		case "type":
			return true, l.str(&s.Type)
		case "quantity":
			return true, l.jsonNumberPtr(&s.Quantity)
		case "tax_rate":
			return true, l.jsonNumberPtr(&s.TaxRate)
		case "price_after_item_discount":
			return true, l.jsonNumberPtr(&s.PriceAfterItem)
		case "price_adjustments":
			return true, shopSlice(l, &s.Adjustments, func(a *shopPriceAdjustment) error { return a.read(l) })
		}
		return s.shopAmounts.field(l, key)
	}, &s.Custom)
}

func (g *shopGiftCertificateItem) read(l *shopLexer) error {
	return shopObject(l, keysGift, func(key []byte) (bool, error) {
		switch string(key) {
		case "gift_certificate_item_id":
			return true, l.str(&g.ItemID)
		case "amount":
			return true, l.jsonNumberPtr(&g.Amount)
		case "recipient_email":
			return true, l.str(&g.RecipientEmail)
		case "recipient_name":
			return true, l.str(&g.RecipientName)
		case "sender_name":
			return true, l.str(&g.SenderName)
		case "message":
			return true, l.str(&g.Message)
		case "shipment_id":
			return true, l.str(&g.ShipmentID)
		}
		return g.shopAmounts.field(l, key)
	}, &g.Custom)
}

func (s *shopShipment) read(l *shopLexer) error {
	return shopObject(l, keysShipment, func(key []byte) (bool, error) {
		switch string(key) {
		case "shipment_id":
			return true, l.str(&s.ShipmentID)
		case "shipping_status":
			return true, l.str(&s.ShippingStatus)
		case "shipping_method":
			return true, shopPtr(l, &s.ShippingMethod, func(m *shopShippingMethod) error { return m.read(l) })
		case "tracking_number":
			return true, l.str(&s.TrackingNumber)
		case "shipping_address":
			return true, shopPtr(l, &s.ShippingAddress, func(a *shopAddress) error { return a.read(l) })
		case "gift":
			return true, l.boolean(&s.Gift)
		case "gift_message":
			return true, l.str(&s.GiftMessage)
		case "shipment_total":
			return true, l.jsonNumber(&s.ShipmentTotal)
		}
		return s.shopTotals.field(l, key)
	}, &s.Custom)
}

func (m *shopShippingMethod) read(l *shopLexer) error {
	return shopObject(l, keysMethod, func(key []byte) (bool, error) {
		if string(key) == "id" {
			return true, l.str(&m.ID)
		}
		return false, nil
	}, nil)
}

func (p *shopPaymentInstrument) read(l *shopLexer) error {
	return shopObject(l, keysInstrument, func(key []byte) (bool, error) {
		switch string(key) {
		case "payment_instrument_id":
			return true, l.str(&p.InstrumentID)
		case "payment_method_id":
			return true, l.str(&p.MethodID)
		case "amount":
			return true, l.jsonNumberPtr(&p.Amount)
		case "payment_card":
			return true, shopPtr(l, &p.Card, func(c *shopPaymentCard) error { return c.read(l) })
		case "payment_bank_account":
			return true, shopPtr(l, &p.BankAccount, func(b *shopBankAccount) error { return b.read(l) })
		case "bank_routing_number":
			return true, l.str(&p.BankRoutingNumber)
		case "masked_gift_certificate_code":
			return true, l.str(&p.MaskedGiftCertificateCode)
		case "payment_transaction":
			return true, shopPtr(l, &p.Transaction, func(t *shopTransaction) error { return t.read(l) })
		}
		return false, nil
	}, &p.Custom)
}

func (c *shopPaymentCard) read(l *shopLexer) error {
	return shopObject(l, keysCard, func(key []byte) (bool, error) {
		switch string(key) {
		case "card_type":
			return true, l.str(&c.CardType)
		case "masked_number":
			return true, l.str(&c.MaskedNumber)
		case "number_last_digits":
			return true, l.str(&c.NumberLastDigits)
		case "holder":
			return true, l.str(&c.Holder)
		case "expiration_month":
			return true, l.integer(&c.ExpirationMonth)
		case "expiration_year":
			return true, l.integer(&c.ExpirationYear)
		case "valid_from_month":
			return true, l.integer(&c.ValidFromMonth)
		case "valid_from_year":
			return true, l.integer(&c.ValidFromYear)
		case "issue_number":
			return true, l.str(&c.IssueNumber)
		}
		return false, nil
	}, nil)
}

func (b *shopBankAccount) read(l *shopLexer) error {
	return shopObject(l, keysBank, func(key []byte) (bool, error) {
		switch string(key) {
		case "holder":
			return true, l.str(&b.Holder)
		case "masked_number":
			return true, l.str(&b.MaskedNumber)
		case "number_last_digits":
			return true, l.str(&b.NumberLastDigits)
		case "masked_drivers_license":
			return true, l.str(&b.MaskedDriversLicense)
		case "drivers_license_state_code":
			return true, l.str(&b.DriversLicenseStateCode)
		}
		return false, nil
	}, nil)
}

func (t *shopTransaction) read(l *shopLexer) error {
	return shopObject(l, keysTransaction, func(key []byte) (bool, error) {
		switch string(key) {
		case "amount":
			return true, l.jsonNumberPtr(&t.Amount)
		case "transaction_id":
			return true, l.str(&t.TransactionID)
		case "payment_processor_id":
			return true, l.str(&t.ProcessorID)
		}
		return false, nil
	}, &t.Custom)
}
