package erp_test

import (
	"os"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

func d(s string) decimal.Decimal { return decimal.MustParse(s) }

var orderDate = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func loadTables(t testing.TB) *mapping.Tables {
	t.Helper()
	tables, err := mapping.Load(os.DirFS("testdata/tables"))
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

func translator(t testing.TB, tolerance string) *erp.Translator {
	t.Helper()
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: loadTables(t), RoundingTolerance: d(tolerance)})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// gross builds line amounts from a gross price and its tax (UK style).
func gross(g, tax string) sfcc.LineAmounts {
	n, _ := d(g).Sub(d(tax))
	return sfcc.LineAmounts{NetPrice: n, Tax: d(tax), GrossPrice: d(g)}
}

// net builds line amounts from a net price and its tax (US style).
func net(n, tax string) sfcc.LineAmounts {
	g, _ := d(n).Add(d(tax))
	return sfcc.LineAmounts{NetPrice: d(n), Tax: d(tax), GrossPrice: g}
}

func product(sku, qty, rate string, a sfcc.LineAmounts, adjs ...sfcc.PriceAdjustment) sfcc.ProductLineItem {
	a.BasePrice = a.GrossPrice
	return sfcc.ProductLineItem{LineAmounts: a, ProductID: sku, ProductName: "Product " + sku,
		Quantity: sfcc.Quantity{Value: d(qty)}, TaxRate: d(rate), ShipmentID: "me", PriceAdjustments: adjs}
}

func promo(id string, a sfcc.LineAmounts) sfcc.PriceAdjustment {
	return sfcc.PriceAdjustment{LineAmounts: a, PromotionID: id}
}

func shipment(method, country string) sfcc.Shipment {
	return sfcc.Shipment{ID: "me", ShippingMethod: method, ShippingAddress: sfcc.Address{CountryCode: country}}
}

func shippingLine(rate string, a sfcc.LineAmounts, adjs ...sfcc.PriceAdjustment) sfcc.ShippingLineItem {
	return sfcc.ShippingLineItem{LineAmounts: a, ItemID: "STANDARD_SHIPPING", ShipmentID: "me", TaxRate: d(rate), PriceAdjustments: adjs}
}

func card(amount, txn string) sfcc.Payment {
	return sfcc.Payment{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{Type: "Visa", MaskedNumber: "************1111"},
		Amount: d(amount), ProcessorID: "ADYEN_CREDIT", TransactionID: txn}
}

func giftCertificate(amount string) sfcc.Payment {
	return sfcc.Payment{Kind: sfcc.PaymentKindGiftCertificate, GiftCertificate: &sfcc.GiftCertificatePayment{ID: "GC-SECRET-CODE-1234"},
		Amount: d(amount), ProcessorID: "GIFT_CERTIFICATE"}
}

func paypal(amount, txn string) sfcc.Payment {
	return sfcc.Payment{Kind: sfcc.PaymentKindCustomMethod, CustomMethod: &sfcc.CustomMethod{Name: "PayPal"},
		Amount: d(amount), ProcessorID: "PAYPAL", TransactionID: txn}
}

func order(no string, taxation sfcc.Taxation, currency string, total sfcc.Amounts) sfcc.Order {
	return sfcc.Order{OrderNo: no, OrderDate: orderDate, Currency: currency, Taxation: taxation,
		Totals: sfcc.OrderTotals{OrderTotal: sfcc.Total{Amounts: total}}}
}

func totals(n, tax, g string) sfcc.Amounts { return sfcc.Amounts{Net: d(n), Tax: d(tax), Gross: d(g)} }
