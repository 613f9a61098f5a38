package erp_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

func Example() {
	csv := func(table mapping.Table, s string) mapping.Input {
		return mapping.Input{Table: table, Name: string(table) + ".csv", Format: mapping.CSV, R: strings.NewReader(s)}
	}
	tables, err := mapping.Read(
		csv(mapping.Payments, "kind,method,processor,payment_method,clearing_account,psp\ncredit-card,*,ADYEN_CREDIT,CARD,1210,adyen\n"),
		csv(mapping.Promotions, "promotion_id,campaign_id,coupon_id,discount_account,discount_item\n*,*,*,4900,DISC\n"),
		csv(mapping.Tax, "country,rate_percent,tax_class,tax_code,tax_account\nGB,20,*,S20,2200\nGB,0,*,Z0,2200\n"),
		csv(mapping.Shipping, "shipping_method,carrier_service,shipping_item,revenue_account\nUK-STANDARD,RM48,SHIP-STD,4100\n"),
		csv(mapping.Accounts, "name,account\nmerchandise_revenue,4000\n"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: tables})
	m := decimal.MustParse
	o := sfcc.Order{
		OrderNo: "00001234", OrderDate: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), Currency: "GBP", Taxation: sfcc.TaxationGross,
		Shipments: []sfcc.Shipment{{ID: "me", ShippingMethod: "UK-STANDARD", ShippingAddress: sfcc.Address{CountryCode: "GB"}}},
		ProductLineItems: []sfcc.ProductLineItem{
			{ProductID: "TEAPOT", ShipmentID: "me", Quantity: sfcc.Quantity{Value: m("1")}, TaxRate: m("0.2"),
				LineAmounts: sfcc.LineAmounts{GrossPrice: m("24.00"), Tax: m("4.00"), NetPrice: m("20.00")}},
			{ProductID: "BOOK", ShipmentID: "me", Quantity: sfcc.Quantity{Value: m("1")}, TaxRate: m("0"),
				LineAmounts: sfcc.LineAmounts{GrossPrice: m("12.00"), Tax: m("0.00"), NetPrice: m("12.00")}},
		},
		Totals: sfcc.OrderTotals{
			MerchandizeTotal: sfcc.Total{PriceAdjustments: []sfcc.PriceAdjustment{
				{PromotionID: "TENOFF", LineAmounts: sfcc.LineAmounts{GrossPrice: m("-3.60"), Tax: m("-0.40"), NetPrice: m("-3.20")}},
			}},
			OrderTotal: sfcc.Total{Amounts: sfcc.Amounts{Gross: m("32.40"), Tax: m("3.60")}},
		},
		Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{Type: "Visa"}, ProcessorID: "ADYEN_CREDIT", Amount: m("32.40"), TransactionID: "PSP-77"}},
	}
	so, err := tr.Translate(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range so.Discounts {
		fmt.Printf("discount %s %s gross %s tax %s\n", l.PromotionID, l.TaxCode, l.Gross, l.Tax)
	}
	fmt.Println("total", so.Totals.Gross, "SFCC", o.Totals.OrderTotal.Gross)
	j, _ := erp.OrderJournal(so)
	for _, l := range j.Lines {
		fmt.Printf("%-4s %-4s Dr %6s Cr %6s\n", l.Account, l.TaxCode, l.Debit, l.Credit)
	}
	// Output:
	// discount TENOFF S20 gross -2.40 tax -0.40
	// discount TENOFF Z0 gross -1.20 tax 0.00
	// total 32.40 SFCC 32.40
	// 1210      Dr  32.40 Cr   0.00
	// 4000      Dr   0.00 Cr  32.00
	// 2200 S20  Dr   0.00 Cr   3.60
	// 4900      Dr   3.20 Cr   0.00
}
