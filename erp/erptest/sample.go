package erptest

import (
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/sfcc"
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
