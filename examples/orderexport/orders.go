package main

import (
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// seedOrders are the simulator's orders: three READY for export (a gross UK
// order with a promotion, a two-shipment order paid partly by gift
// certificate, a US net-taxed order), one already EXPORTED and one still
// NOT_EXPORTED, so only the first three are picked up.
func seedOrders() []sfcc.Order {
	d := decimal.MustParse
	day := time.Date(2026, 2, 14, 9, 0, 0, 0, time.UTC)
	gb := sfcc.Address{FirstName: "Amelia", LastName: "Hughes", Address1: "14 Albion Street", City: "Leeds", PostalCode: "LS1 6AG", CountryCode: "GB"}
	status := func(export sfcc.ExportStatus) sfcc.StatusSet {
		return sfcc.StatusSet{Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusNotShipped,
			Confirmation: sfcc.ConfirmationStatusConfirmed, Payment: sfcc.PaymentStatusPaid, Export: export}
	}
	line := func(pos int, sku, name, qty, net, tax, gross, rate, shipment string) sfcc.ProductLineItem {
		return sfcc.ProductLineItem{
			LineAmounts: sfcc.LineAmounts{NetPrice: d(net), Tax: d(tax), GrossPrice: d(gross), BasePrice: d(gross), TaxBasis: d(gross)},
			Position:    pos, ProductID: sku, ProductName: name, Quantity: sfcc.Quantity{Value: d(qty), Unit: "pcs"},
			TaxRate: d(rate), ShipmentID: shipment,
		}
	}
	totals := func(net, tax, gross string) sfcc.OrderTotals {
		t := sfcc.Total{Amounts: sfcc.Amounts{Net: d(net), Tax: d(tax), Gross: d(gross)}}
		return sfcc.OrderTotals{MerchandizeTotal: t, AdjustedMerchandizeTotal: t, OrderTotal: t}
	}
	card := func(amount, psp string) sfcc.Payment {
		return sfcc.Payment{Kind: sfcc.PaymentKindCreditCard, MethodID: "CREDIT_CARD", Amount: d(amount),
			ProcessorID: "ADYEN_CREDIT", TransactionID: psp, TransactionType: "AUTH",
			Card: &sfcc.CreditCard{Type: "Visa", MaskedNumber: "************1111", Holder: "A Hughes", ExpirationMonth: 3, ExpirationYear: 2029}}
	}

	o1 := sfcc.Order{
		OrderNo: "00012001", OrderDate: day, Currency: "GBP", Taxation: sfcc.TaxationGross, CustomerLocale: "en_GB",
		Customer: sfcc.Customer{CustomerNo: "00004711", Name: "Amelia Hughes", Email: "amelia.hughes@example.co.uk", BillingAddress: gb},
		Status:   status(sfcc.ExportStatusReady),
		ProductLineItems: []sfcc.ProductLineItem{
			line(1, "701644031205M", "Merino crew jumper, M", "1", "50.00", "10.00", "60.00", "0.2", "me"),
			line(2, "701642853336", "Wool socks, 3 pack", "2", "20.00", "4.00", "24.00", "0.2", "me"),
		},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingMethod: "GBP001", ShippingAddress: gb}},
		Totals:    totals("70.00", "14.00", "84.00"),
		Payments:  []sfcc.Payment{card("84.00", "8815738462394756")},
	}
	o1.Custom.Set("loyaltyTier", "gold")

	o2 := sfcc.Order{
		OrderNo: "00012002", OrderDate: day.Add(47 * time.Minute), Currency: "GBP", Taxation: sfcc.TaxationGross,
		Customer: sfcc.Customer{Guest: true, Name: "Tom Baker", Email: "t.baker@example.org", BillingAddress: gb},
		Status:   status(sfcc.ExportStatusReady),
		ProductLineItems: []sfcc.ProductLineItem{
			line(1, "640188016419", "Leather gloves", "1", "37.50", "7.50", "45.00", "0.2", "s1"),
			line(2, "883360544267", "Gift box", "1", "4.17", "0.83", "5.00", "0.2", "s2"),
		},
		Shipments: []sfcc.Shipment{
			{ID: "s1", ShippingMethod: "GBP001", ShippingAddress: gb},
			{ID: "s2", ShippingMethod: "GBP002", ShippingAddress: sfcc.Address{FirstName: "Jo", LastName: "Baker", Address1: "2 Mill Lane", City: "York", PostalCode: "YO1 7HH", CountryCode: "GB"}, Gift: true, GiftMessage: "Happy birthday!"},
		},
		Totals: totals("41.67", "8.33", "50.00"),
		Payments: []sfcc.Payment{
			{Kind: sfcc.PaymentKindGiftCertificate, MethodID: "GIFT_CERTIFICATE", Amount: d("20.00"), GiftCertificate: &sfcc.GiftCertificatePayment{ID: "GCXXXXXXXX1234"}},
			card("30.00", "8815738462394801"),
		},
	}

	us := sfcc.Address{FirstName: "Dana", LastName: "Reyes", Address1: "500 Market St", City: "San Francisco", StateCode: "CA", PostalCode: "94105", CountryCode: "US"}
	o3 := sfcc.Order{
		OrderNo: "00012003", OrderDate: day.Add(2 * time.Hour), Currency: "USD", Taxation: sfcc.TaxationNet,
		Customer: sfcc.Customer{CustomerNo: "00009120", Name: "Dana Reyes", Email: "dana@example.com", BillingAddress: us},
		Status:   status(sfcc.ExportStatusReady),
		ProductLineItems: []sfcc.ProductLineItem{
			line(1, "750518548296", "Trail runner, 9", "1", "120.00", "10.35", "130.35", "0.08625", "me"),
		},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingMethod: "USD001", ShippingAddress: us}},
		Totals:    totals("120.00", "10.35", "130.35"),
		Payments:  []sfcc.Payment{card("130.35", "8815738462394902")},
	}

	done := o1
	done.OrderNo, done.OrderDate, done.Status = "00011999", day.Add(-24*time.Hour), status(sfcc.ExportStatusExported)
	waiting := o3
	waiting.OrderNo, waiting.OrderDate, waiting.Status = "00012004", day.Add(3*time.Hour), status(sfcc.ExportStatusNotExported)
	return []sfcc.Order{done, o1, o2, o3, waiting}
}
