package erptest

import (
	"context"
	"embed"
	"io/fs"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

// SampleSalesOrder returns a small valid UK sales order with the external
// reference ref: two items at 20 % and 0 %, an order promotion split across
// both, shipping, and a split card and gift-certificate payment. Its
// arithmetic holds (Validate returns nil) and erp.OrderJournal balances.
func SampleSalesOrder(ref string) erp.SalesOrder {
	m := decimal.MustParse
	a := func(n, t, g string) erp.Amounts { return erp.Amounts{Net: m(n), Tax: m(t), Gross: m(g)} }
	return erp.SalesOrder{
		ExternalRef: ref,
		OrderDate:   time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC),
		Currency:    "GBP",
		Taxation:    sfcc.TaxationGross,
		Customer:    erp.CustomerRef{CustomerNo: "00012", Guest: false},
		Items: []erp.ItemLine{
			{Position: 1, SKU: "TEAPOT", Quantity: m("1"), UnitPrice: m("24.00"), Amounts: a("20.00", "4.00", "24.00"),
				TaxRate: m("0.2"), TaxCode: "S20", TaxAccount: "2200", RevenueAccount: "4000", ShipmentID: "me"},
			{Position: 2, SKU: "BOOK", Quantity: m("2"), UnitPrice: m("6.00"), Amounts: a("12.00", "0.00", "12.00"),
				TaxRate: m("0"), TaxCode: "Z0", TaxAccount: "2200", RevenueAccount: "4000", ShipmentID: "me"},
		},
		Discounts: []erp.DiscountLine{
			{Level: erp.DiscountOrder, PromotionID: "TENOFF", Account: "4900", Item: "DISC", Amounts: a("-2.00", "-0.40", "-2.40"), TaxRate: m("0.2"), TaxCode: "S20", TaxAccount: "2200"},
			{Level: erp.DiscountOrder, PromotionID: "TENOFF", Account: "4900", Item: "DISC", Amounts: a("-1.20", "0.00", "-1.20"), TaxRate: m("0"), TaxCode: "Z0", TaxAccount: "2200"},
		},
		Shipping: []erp.ShippingLine{
			{ShipmentID: "me", Method: "UK-STANDARD", CarrierService: "RM48", Item: "SHIP-STD", RevenueAccount: "4100",
				Amounts: a("3.75", "0.75", "4.50"), TaxRate: m("0.2"), TaxCode: "S20", TaxAccount: "2200"},
		},
		Payments: []erp.PaymentLine{
			{Kind: sfcc.PaymentKindGiftCertificate, Method: "GIFTCERT", ClearingAccount: "2300", Amount: m("10.00")},
			{Kind: sfcc.PaymentKindCreditCard, Processor: "ADYEN_CREDIT", Method: "CARD", ClearingAccount: "1210", PSP: "adyen", Amount: m("26.90"), PSPReference: "PSP-" + ref},
		},
		TaxSummary: []erp.TaxSummaryLine{
			{TaxCode: "S20", TaxAccount: "2200", Rate: m("0.2"), Net: m("21.75"), Tax: m("4.35")},
			{TaxCode: "Z0", TaxAccount: "2200", Rate: m("0"), Net: m("10.80"), Tax: m("0.00")},
		},
		Totals: a("32.55", "4.35", "36.90"),
	}
}

//go:embed sample/tables/*.csv sample/orders.xml
var sample embed.FS

// SampleTablesFS is the sample mapping tables as a file system (accounts,
// attributes, payments, promotions, shipping, tax — the CSV files finance
// edits), for mapping.Load or for copying as a starting point.
func SampleTablesFS() fs.FS {
	sub, _ := fs.Sub(sample, "sample/tables") // the directory is embedded: Sub cannot fail
	return sub
}

// SampleTables loads the sample mapping tables: UK, US and German tax,
// card, PayPal, wallet and gift-certificate payments, the promotions and
// shipping methods of SampleOrders. Every sample order but the one paid
// partly with Bill Me Later (deliberately unmapped) translates with them.
func SampleTables() *mapping.Tables {
	t, err := mapping.Load(SampleTablesFS())
	if err != nil {
		panic("erptest: the embedded sample tables do not load: " + err.Error())
	}
	return t
}

// SampleFailingOrderNo is the sample order that cannot be exported with
// SampleTables: it pays partly with Bill Me Later, which the payments table
// does not map, so an export marks it FAILED naming the payments table.
const SampleFailingOrderNo = "00001003"

// SampleOrders returns the sample orders, decoded from an Order XML export
// (order.xsd) and set READY for export: 00001001 (GBP, gross taxation,
// promotions and a gift certificate), 00001002 (USD, net taxation, PayPal)
// and SampleFailingOrderNo. Each call returns fresh copies.
func SampleOrders() []sfcc.Order {
	f, err := sample.Open("sample/orders.xml")
	if err != nil {
		panic("erptest: the embedded sample orders are missing: " + err.Error())
	}
	defer f.Close()
	var out []sfcc.Order
	for o, err := range orderxml.NewDecoder(f).All(context.Background()) {
		if err != nil {
			panic("erptest: the embedded sample orders do not decode: " + err.Error())
		}
		o.Status.Export = sfcc.ExportStatusReady
		if o.Status.Shipping == "" {
			o.Status.Shipping = sfcc.ShippingStatusNotShipped
		}
		out = append(out, o)
	}
	return out
}
