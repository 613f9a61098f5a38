package sfcc_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

var shopDecimalText = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() })

func shopDec(s string) decimal.Decimal { return decimal.MustParse(s) }

func shopTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func shopAttrs(kv ...string) sfcc.CustomAttributes {
	var cs sfcc.CustomAttributes
	for i := 0; i+1 < len(kv); i += 2 {
		cs = append(cs, sfcc.CustomAttribute{ID: kv[i], Values: []string{kv[i+1]}})
	}
	return cs
}

func shopTotal(net, tax, gross string) sfcc.Amounts {
	return sfcc.Amounts{Net: shopDec(net), Tax: shopDec(tax), Gross: shopDec(gross)}
}

func shopLine(net, tax, gross, base, text string) sfcc.LineAmounts {
	return sfcc.LineAmounts{NetPrice: shopDec(net), Tax: shopDec(tax), GrossPrice: shopDec(gross), BasePrice: shopDec(base), TaxBasis: shopDec(gross), Text: text}
}

// fullShopOrder fills every field the Shop API form carries, with totals
// that are consistent the way SFCC keeps them (gross taxation: net = gross - tax;
// shipping before adjustments = the sum of the shipping items).
func fullShopOrder() sfcc.Order {
	addr := sfcc.Address{
		Salutation: "Ms", Title: "Dr", FirstName: "Ada", SecondName: "K", LastName: "Lovelace", Suffix: "PhD",
		CompanyName: "Engines Ltd", JobTitle: "Analyst", Address1: "12 Byron St", Address2: "Flat 3", Suite: "3",
		Postbox: "PO 7", City: "London", PostalCode: "W1A 1AA", StateCode: "LND", CountryCode: "GB",
		Phone: "+44 20 7946 0000", Custom: shopAttrs("verified", "true"),
	}
	promo := sfcc.PriceAdjustment{
		LineAmounts: shopLine("-8.33", "-1.67", "-10.00", "0", "10 off"), PromotionID: "TenOff", CouponID: "WELCOME10",
		Custom: shopAttrs("source", "newsletter"),
	}
	manual := sfcc.PriceAdjustment{
		LineAmounts: shopLine("-4.17", "-0.83", "-5.00", "0", "price match"), ReasonCode: "PRICE_MATCH", Manual: true,
		CreatedBy: "csr.jane", CreationDate: shopTime("2026-03-01T10:00:00.123Z"),
		Discount: &sfcc.AppliedDiscount{Kind: "amount", Value: shopDec("5.00")},
	}
	pct := sfcc.PriceAdjustment{
		LineAmounts: shopLine("-1.00", "-0.20", "-1.20", "0", "20% off"), PromotionID: "Pct",
		Discount: &sfcc.AppliedDiscount{Kind: "percentage", Value: shopDec("20")},
	}
	pbook := sfcc.PriceAdjustment{
		LineAmounts: shopLine("-0.50", "-0.10", "-0.60", "0", "sale book"), PromotionID: "Book",
		Discount: &sfcc.AppliedDiscount{Kind: "price-book-id", PriceBookID: "gbp-sale"},
	}
	return sfcc.Order{
		OrderNo: "00012345", OrderDate: shopTime("2026-03-01T09:30:00.000Z"), PlaceDate: shopTime("2026-03-01T09:31:02.500Z"),
		LastModified: shopTime("2026-03-02T08:00:00.001Z"), SiteID: "RefArch", CreatedBy: "Customer", Currency: "GBP",
		CustomerLocale: "en_GB", Taxation: sfcc.TaxationGross, SourceCode: "SPRING", InvoiceNo: "INV-77",
		Customer: sfcc.Customer{Guest: true, CustomerNo: "C0001", CustomerID: "abcId", Name: "Ada Lovelace",
			Email: "ada@example.com", BillingAddress: addr},
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusPartShipped,
			Confirmation: sfcc.ConfirmationStatusConfirmed, Payment: sfcc.PaymentStatusPaid, Export: sfcc.ExportStatusReady},
		ChannelType: "CallCenter", ExternalOrderNo: "ERP-9", ExternalOrderStatus: "booked", ExternalOrderText: "ok",
		GlobalPartyID: "gp-1", RemoteHost: "203.0.113.9",
		ProductLineItems: []sfcc.ProductLineItem{{
			LineAmounts: shopLine("83.33", "16.67", "100.00", "50.00", "Jacket"), ItemID: "pli1", Position: 1,
			ProductID: "SKU-1", ProductName: "Jacket", Quantity: sfcc.Quantity{Value: shopDec("2")}, TaxRate: shopDec("0.2"),
			TaxClassID: "standard", ShipmentID: "me", InventoryListID: "inv-uk", Gift: true, GiftMessage: "Happy day",
			Options: []sfcc.OptionLineItem{{LineAmounts: shopLine("4.17", "0.83", "5.00", "5.00", "Monogram"),
				OptionID: "monogram", ValueID: "gold", ProductID: "SKU-1-MONO", Custom: shopAttrs("letters", "AL"),
				PriceAdjustments: []sfcc.PriceAdjustment{pct}}},
			Bundled: []sfcc.BundledProductLineItem{{ProductID: "SKU-1-HOOD", ProductName: "Hood",
				Quantity: sfcc.Quantity{Value: shopDec("1")}, Custom: shopAttrs("colour", "navy"),
				Bundled: []sfcc.BundledProductLineItem{{ProductID: "SKU-1-HOOD-STRING", Quantity: sfcc.Quantity{Value: shopDec("2")}}}}},
			ShippingLineItem: &sfcc.ProductShippingLineItem{LineAmounts: shopLine("2.50", "0.50", "3.00", "1.50", "Bulky surcharge"),
				Quantity: sfcc.Quantity{Value: shopDec("2")}, TaxRate: shopDec("0.2"), Type: "surcharge", Custom: shopAttrs("reason", "bulky")},
			Custom:           sfcc.CustomAttributes{{ID: "sizes", Values: []string{"M", "L"}, Multi: true}, {ID: "fromStoreId", Values: []string{"s42"}}},
			PriceAdjustments: []sfcc.PriceAdjustment{manual, pbook},
		}},
		GiftCertificateLineItems: []sfcc.GiftCertificateLineItem{{LineAmounts: shopLine("25.00", "0.00", "25.00", "25.00", "Gift card"),
			ItemID: "gc1", RecipientEmail: "bob@example.com", SenderName: "Ada", RecipientName: "Bob", Message: "Enjoy",
			ShipmentID: "me", Custom: shopAttrs("design", "birthday")}},
		ShippingLineItems: []sfcc.ShippingLineItem{{LineAmounts: shopLine("4.99", "1.00", "5.99", "5.99", "Standard"),
			ItemID: "STANDARD_SHIPPING", ShipmentID: "me", TaxRate: shopDec("0.2"), Custom: shopAttrs("zone", "UK"),
			PriceAdjustments: []sfcc.PriceAdjustment{{LineAmounts: shopLine("-4.99", "-1.00", "-5.99", "0", "Free shipping"), PromotionID: "FreeShip"}}}},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingStatus: sfcc.ShippingStatusShipped, ShippingMethod: "UK-STD",
			TrackingNumber: "1Z999", ShippingAddress: addr, Gift: true, GiftMessage: "From Ada", Custom: shopAttrs("shipmentType", "home"),
			Totals: sfcc.ShipmentTotals{
				MerchandizeTotal:         sfcc.Total{Amounts: shopTotal("87.50", "17.50", "105.00")},
				AdjustedMerchandizeTotal: sfcc.Total{Amounts: shopTotal("83.33", "16.67", "100.00")},
				ShippingTotal:            sfcc.Total{Amounts: shopTotal("7.49", "1.50", "8.99")},
				AdjustedShippingTotal:    sfcc.Total{Amounts: shopTotal("2.50", "0.50", "3.00")},
				ShipmentTotal:            sfcc.Total{Amounts: shopTotal("85.83", "17.17", "103.00")},
			}}},
		Totals: sfcc.OrderTotals{
			MerchandizeTotal:         sfcc.Total{Amounts: shopTotal("87.50", "17.50", "105.00"), PriceAdjustments: []sfcc.PriceAdjustment{promo}},
			AdjustedMerchandizeTotal: sfcc.Total{Amounts: shopTotal("79.17", "15.83", "95.00")},
			ShippingTotal:            sfcc.Total{Amounts: shopTotal("7.49", "1.50", "8.99")},
			AdjustedShippingTotal:    sfcc.Total{Amounts: shopTotal("2.50", "0.50", "3.00")},
			OrderTotal:               sfcc.Total{Amounts: shopTotal("101.67", "16.33", "118.00")},
		},
		Payments: []sfcc.Payment{
			{Kind: sfcc.PaymentKindCreditCard, MethodID: "CREDIT_CARD", InstrumentID: "pi1",
				Card: &sfcc.CreditCard{Type: "Visa", MaskedNumber: "************1111", Holder: "Ada Lovelace", FromMonth: 1,
					FromYear: 2024, ExpirationMonth: 12, ExpirationYear: 2030, IssueNumber: "2", Custom: shopAttrs("issuerBank", "Barclays")},
				Amount: shopDec("93.00"), ProcessorID: "ADYEN_CREDIT", TransactionID: "psp-123", Custom: shopAttrs("authResult", "AUTHORISED")},
			{Kind: sfcc.PaymentKindGiftCertificate, MethodID: "GIFT_CERTIFICATE", InstrumentID: "pi2",
				GiftCertificate: &sfcc.GiftCertificatePayment{ID: "********WXYZ"}, Amount: shopDec("20.00"), TransactionID: "gc-9"},
			{Kind: sfcc.PaymentKindBankTransfer, MethodID: "BANK_TRANSFER", InstrumentID: "pi3",
				BankTransfer: &sfcc.BankTransfer{AccountNumber: "*****6789", AccountHolder: "Ada", RoutingNumber: "021000021",
					DriversLicense: "****4321", DriversLicenseStateCode: "NY"}, Amount: shopDec("1.00")},
			{Kind: sfcc.PaymentKindApplePay, MethodID: "DW_APPLE_PAY", Wallet: &sfcc.WalletPayment{CardType: "Amex", CardNumber: "***********0005"},
				Amount: shopDec("2.00")},
			{Kind: sfcc.PaymentKindCustomMethod, MethodID: "PayPal", CustomMethod: &sfcc.CustomMethod{Name: "PayPal", Custom: shopAttrs("payer", "p-1")},
				Amount: shopDec("2.00"), TransactionID: "PAYID-1"},
			{Kind: sfcc.PaymentKindBillMeLater, MethodID: "BML", InstrumentCustom: shopAttrs("plan", "12m"), Amount: shopDec("0.00")},
		},
		Custom: sfcc.CustomAttributes{{ID: "loyaltyPoints", Values: []string{"120"}}, {ID: "channel", Values: []string{"web"}},
			{ID: "tags", Values: []string{}, Multi: true}},
	}
}

func TestShopOrder_RoundTripIsLossless(t *testing.T) {
	// The test order's totals are consistent both ways (net + tax = gross), so
	// whichever side the taxation puts on the wire, the other is restored.
	gross := fullShopOrder()
	net := fullShopOrder()
	net.Taxation = sfcc.TaxationNet
	for name, o := range map[string]sfcc.Order{"gross taxation": gross, "net taxation": net} {
		t.Run(name, func(t *testing.T) {
			data, err := sfcc.MarshalShopOrder(o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := sfcc.UnmarshalShopOrder(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(o, got, shopDecimalText); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMarshalShopOrder_WritesShopAPIShape(t *testing.T) {
	data, err := sfcc.MarshalShopOrder(fullShopOrder())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	checks := map[string]any{
		"order_no": "00012345", "status": "new", "export_status": "ready", "shipping_status": "part_shipped",
		"payment_status": "paid", "confirmation_status": "confirmed", "channel_type": "callcenter",
		"taxation": "gross", "creation_date": "2026-03-01T09:30:00.000Z",
		"order_total": json.Number("118.00"), "product_sub_total": json.Number("105.00"),
		"product_total": json.Number("95.00"), "shipping_total": json.Number("3.00"), "tax_total": json.Number("16.33"),
		"c_loyaltyPoints": "120", "c_channel": "web",
	}
	for k, want := range checks {
		if diff := cmp.Diff(want, doc[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	item := doc["product_items"].([]any)[0].(map[string]any)
	for k, want := range map[string]any{
		"price": json.Number("100.00"), "net_price": json.Number("83.33"), "quantity": json.Number("2"),
		"tax_rate": json.Number("0.2"), "c_fromStoreId": "s42", "c_sizes": []any{"M", "L"},
		"price_after_item_discount": json.Number("94.40"), "shipping_item_id": "pli1_shipping",
	} {
		if diff := cmp.Diff(want, item[k]); diff != "" {
			t.Errorf("product_items[0].%s (-want +got):\n%s", k, diff)
		}
	}
	ship := doc["shipments"].([]any)[0].(map[string]any)
	if got := ship["shipping_method"].(map[string]any)["id"]; got != "UK-STD" {
		t.Errorf("shipping_method.id = %v", got)
	}
	if got := ship["tracking_number"]; got != "1Z999" {
		t.Errorf("tracking_number = %v", got)
	}
	if got := doc["order_price_adjustments"].([]any)[0].(map[string]any)["promotion_id"]; got != "TenOff" {
		t.Errorf("order_price_adjustments[0].promotion_id = %v", got)
	}
	pi := doc["payment_instruments"].([]any)[0].(map[string]any)
	if got := pi["payment_transaction"].(map[string]any)["transaction_id"]; got != "psp-123" {
		t.Errorf("payment_transaction.transaction_id = %v", got)
	}
	if got := pi["c_issuerBank"]; got != "Barclays" {
		t.Errorf("instrument c_issuerBank = %v", got)
	}
}

func TestMarshalShopOrder_NeverWritesCardSecrets(t *testing.T) {
	o := fullShopOrder()
	o.Payments[0].Card.Token = "tok_SECRET_card_token"
	o.Payments[0].Card.MaskedNumber = "4111111111111111"
	o.Payments[1].GiftCertificate.ID = "GIFTCODE-ABCD-WXYZ"
	o.Payments[2].BankTransfer.AccountNumber = "123456789"
	data, err := sfcc.MarshalShopOrder(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"tok_SECRET_card_token", "4111111111111111", "GIFTCODE-ABCD", "123456789"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("document contains %q", secret)
		}
	}
	if !bytes.Contains(data, []byte(`"************1111"`)) {
		t.Errorf("card number not written masked: %s", data)
	}
}

func TestMarshalShopOrder_OrderXMLPaymentsGetAMethodID(t *testing.T) {
	// Orders decoded from the XML export carry a kind but no method id.
	o := sfcc.Order{OrderNo: "1", Payments: []sfcc.Payment{
		{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{Type: "Visa"}},
		{Kind: sfcc.PaymentKindCustomMethod, CustomMethod: &sfcc.CustomMethod{Name: "PayPal"}},
		{Kind: sfcc.PaymentKindGiftCertificate, GiftCertificate: &sfcc.GiftCertificatePayment{ID: "ABCDEFGH"}},
	}}
	data, err := sfcc.MarshalShopOrder(o)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sfcc.UnmarshalShopOrder(data)
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	var kinds []sfcc.PaymentKind
	for _, p := range got.Payments {
		methods, kinds = append(methods, p.MethodID), append(kinds, p.Kind)
	}
	if diff := cmp.Diff([]string{"CREDIT_CARD", "PayPal", "GIFT_CERTIFICATE"}, methods); diff != "" {
		t.Errorf("method ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]sfcc.PaymentKind{sfcc.PaymentKindCreditCard, sfcc.PaymentKindCustomMethod, sfcc.PaymentKindGiftCertificate}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if got.Payments[1].CustomMethod == nil || got.Payments[1].CustomMethod.Name != "PayPal" || got.Payments[2].GiftCertificate.ID != "****EFGH" {
		t.Errorf("instruments = %v / %v", got.Payments[1].CustomMethod, got.Payments[2].GiftCertificate)
	}
}

func TestMarshalShopOrder_AmountsAreExactText(t *testing.T) {
	o := sfcc.Order{OrderNo: "1", Taxation: sfcc.TaxationNet}
	o.Totals.OrderTotal.Gross = shopDec("9999999999999.99")
	o.Totals.OrderTotal.Tax = shopDec("0.10")
	data, err := sfcc.MarshalShopOrder(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"order_total":9999999999999.99`, `"tax_total":0.10`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("document lacks %s: %s", want, data)
		}
	}
	got, err := sfcc.UnmarshalShopOrder(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Totals.OrderTotal.Net.String() != "9999999999999.89" {
		t.Errorf("net order total = %s, want 9999999999999.89", got.Totals.OrderTotal.Net)
	}
}

func TestUnmarshalShopOrder_ReadsAShopAPIDocument(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "shop-order-net.json"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := sfcc.UnmarshalShopOrder(data)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status.Export != sfcc.ExportStatusReady || o.Status.Order != sfcc.OrderStatusNew || o.ChannelType != "Storefront" {
		t.Errorf("statuses = %+v, channel %q", o.Status, o.ChannelType)
	}
	pli := o.ProductLineItems[0]
	// Net taxation: "price" is the net price; the gross side is price + tax.
	if pli.NetPrice.String() != "99.00" || pli.GrossPrice.String() != "103.95" || pli.TaxRate.String() != "0.05" {
		t.Errorf("line amounts = %s/%s rate %s", pli.NetPrice, pli.GrossPrice, pli.TaxRate)
	}
	wantCustom := sfcc.CustomAttributes{{ID: "fromStoreId", Values: []string{"store42"}}, {ID: "sizes", Values: []string{"32", "34"}, Multi: true}}
	if diff := cmp.Diff(wantCustom, pli.Custom); diff != "" {
		t.Errorf("product item custom (-want +got):\n%s", diff)
	}
	wantOrderCustom := sfcc.CustomAttributes{{ID: "orderChannel", Values: []string{"web"}},
		{ID: "loyaltyPoints", Values: []string{"120"}}, {ID: "giftWrapped", Values: []string{"false"}}}
	if diff := cmp.Diff(wantOrderCustom, o.Custom); diff != "" {
		t.Errorf("order custom (-want +got):\n%s", diff)
	}
	if v, _ := o.Customer.BillingAddress.Custom.Get("addressVerified"); v.Value() != "true" {
		t.Errorf("billing address c_addressVerified = %q", v.Value())
	}
	adj := o.Totals.MerchandizeTotal.PriceAdjustments
	if len(adj) != 1 || adj[0].PromotionID != "TenOff" || adj[0].CouponID != "WELCOME10" || adj[0].NetPrice.String() != "-10.00" {
		t.Errorf("order price adjustments = %+v", adj)
	}
	p := o.Payments[0]
	if p.Kind != sfcc.PaymentKindCreditCard || p.TransactionID != "40f07907428e23c4bbc6fb0446" || p.Amount.String() != "100.24" ||
		p.Card == nil || p.Card.Type != "Visa" {
		t.Errorf("payment = %v", p)
	}
	if v, _ := p.Custom.Get("authResult"); v.Value() != "AUTHORIZED" {
		t.Errorf("transaction custom = %v", p.Custom)
	}
	if v, _ := p.Card.Custom.Get("issuerBank"); v.Value() != "JPMORGAN CHASE BANK, N.A." {
		t.Errorf("instrument custom = %v", p.Card.Custom)
	}
	sh := o.Shipments[0]
	if sh.ShippingMethod != "DefaultShippingMethod" || sh.ShippingAddress.City != "Burlington" ||
		sh.Totals.ShipmentTotal.Gross.String() != "110.24" || sh.Totals.ShipmentTotal.Net.String() != "103.99" {
		t.Errorf("shipment = %+v", sh)
	}
	if got := o.Totals.ShippingTotal; got.Net.String() != "5.99" || got.Gross.String() != "7.29" {
		t.Errorf("shipping total before adjustments = %+v (want the sum of the shipping items)", got)
	}
}

func TestUnmarshalShopOrder_ErrorsNameOrderAndField(t *testing.T) {
	tests := []struct {
		name, doc, field string
	}{
		{"amount beyond decimal range", `{"order_no":"00042","product_items":[{"price":123456789012345678901234567890}]}`, "product_items[0].price"},
		{"bad date", `{"order_no":"00042","creation_date":"yesterday"}`, "creation_date"},
		{"bad discount", `{"order_no":"00042","order_price_adjustments":[{"applied_discount":{"type":"percentage","percentage":1e400}}]}`,
			"order_price_adjustments[0].applied_discount.percentage"},
		{"wrong type", `{"order_no":"00042","product_items":{}}`, ""},
		{"no order number", `{"status":"new"}`, "order_no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sfcc.UnmarshalShopOrder([]byte(tt.doc))
			var se *sfcc.ShopJSONError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *ShopJSONError", err)
			}
			if tt.field != "order_no" && se.OrderNo != "00042" {
				t.Errorf("OrderNo = %q, want 00042 (err %v)", se.OrderNo, err)
			}
			if tt.field != "" && se.Field != tt.field {
				t.Errorf("Field = %q, want %q (err %v)", se.Field, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error text %q does not name %q", err, tt.field)
			}
		})
	}
}

func TestUnmarshalShopOrder_RejectsHostileNesting(t *testing.T) {
	deep := `{"order_no":"00042","product_items":[` + strings.Repeat(`{"bundled_product_items":[`, 5000) +
		strings.Repeat(`]}`, 5000) + `]}`
	_, err := sfcc.UnmarshalShopOrder([]byte(deep))
	var se *sfcc.ShopJSONError
	if !errors.As(err, &se) || se.OrderNo != "00042" || !strings.Contains(err.Error(), "nested") {
		t.Fatalf("err = %v, want a nesting error naming the order", err)
	}
	// Brackets inside strings do not count.
	ok := `{"order_no":"1","c_note":"` + strings.Repeat("[{", 100) + `"}`
	if _, err := sfcc.UnmarshalShopOrder([]byte(ok)); err != nil {
		t.Errorf("brackets in a string: %v", err)
	}
}

func FuzzUnmarshalShopOrder(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "shop-order-*.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	full, _ := sfcc.MarshalShopOrder(fullShopOrder())
	f.Add(full)
	f.Add([]byte(`{"order_no":"1","c_a":[1,true,null,{"b":2}],"payment_instruments":[{"payment_card":{}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o1, err := sfcc.UnmarshalShopOrder(data)
		if err != nil {
			return
		}
		// Once decoded, the codec must be stable: encoding and decoding again
		// changes nothing after the first normalisation.
		b1, err := sfcc.MarshalShopOrder(o1)
		if err != nil {
			t.Fatalf("marshal of a decoded order: %v", err)
		}
		o2, err := sfcc.UnmarshalShopOrder(b1)
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, b1)
		}
		b2, err := sfcc.MarshalShopOrder(o2)
		if err != nil {
			t.Fatal(err)
		}
		o3, err := sfcc.UnmarshalShopOrder(b2)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(o2, o3, shopDecimalText); diff != "" {
			t.Fatalf("codec not stable (-first +second):\n%s", diff)
		}
	})
}

// BenchmarkUnmarshalShopOrder measures the codec against a generic decode of
// the same document into map[string]any, in the same run.
func BenchmarkUnmarshalShopOrder(b *testing.B) {
	data, err := sfcc.MarshalShopOrder(fullShopOrder())
	if err != nil {
		b.Fatal(err)
	}
	var codec, generic time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := sfcc.UnmarshalShopOrder(data); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			b.Fatal(err)
		}
		generic += time.Since(t1)
		codec += t1.Sub(t0)
	}
	b.ReportMetric(codec.Seconds()/generic.Seconds(), "codec/generic")
	b.SetBytes(int64(len(data)))
}

// A place date of year 0 at +01:00 is year -1 in UTC, which RFC 3339 cannot
// write: the decoder used to accept it and the order then failed to decode
// after every re-encode.
func TestUnmarshalShopOrder_RefusesTimesOutsideRFC3339Years(t *testing.T) {
	for _, ts := range []string{"0000-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"} {
		doc := `{"order_no":"00000412","place_date":"` + ts + `"}`
		_, err := sfcc.UnmarshalShopOrder([]byte(doc))
		var se *sfcc.ShopJSONError
		if !errors.As(err, &se) || se.OrderNo != "00000412" || se.Field != "place_date" {
			t.Errorf("place_date %s: err = %v, want a ShopJSONError naming the order and place_date", ts, err)
		}
	}
}
