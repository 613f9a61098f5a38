package orderxml

import (
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// dec parses a decimal for expectations, keeping its scale.
func dec(s string) decimal.Decimal { return decimal.MustParse(s) }

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// decimalsEqual compares decimals as written: 10.00 and 10.0 differ, since
// the decoder promises to keep the scale SFCC wrote.
var decimalsEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() })

func amounts(net, tax, gross string) sfcc.Amounts {
	return sfcc.Amounts{Net: dec(net), Tax: dec(tax), Gross: dec(gross)}
}

func la(net, tax, gross, base, text, basis string) sfcc.LineAmounts {
	return sfcc.LineAmounts{NetPrice: dec(net), Tax: dec(tax), GrossPrice: dec(gross), BasePrice: dec(base), Text: text, TaxBasis: dec(basis)}
}

func custom(id, value string) sfcc.CustomAttribute {
	return sfcc.CustomAttribute{ID: id, Values: []string{value}}
}

// expectedOrders are the orders of testdata/orders.xml, written out by hand
// from the file.
func expectedOrders() []sfcc.Order {
	zoeAddr := sfcc.Address{FirstName: "Zoë", LastName: "Brontë", Address1: "12 Haworth Straße", City: "Keighley",
		PostalCode: "BD22 8DR", CountryCode: "GB", Phone: "+44 1535 642323"}
	billing := zoeAddr
	billing.Salutation, billing.CompanyName, billing.Address2, billing.StateCode = "Ms", "Brontë & Söhne", "Flat 3", "WYK"
	billing.Custom = sfcc.CustomAttributes{custom("addressVerified", "true")}
	samAddr := sfcc.Address{FirstName: "Sam", LastName: "Rivera", Address1: "350 Fifth Avenue", Suite: "Suite 3300",
		City: "New York", PostalCode: "10118", StateCode: "NY", CountryCode: "US"}

	o1 := sfcc.Order{
		OrderNo:              "00001001",
		OrderDate:            ts("2026-03-14T09:26:53Z"),
		CreatedBy:            "storefront",
		OriginalOrderNo:      "00001001",
		Currency:             "GBP",
		CustomerLocale:       "en_GB",
		Taxation:             sfcc.TaxationGross,
		SourceCode:           "SPRINGMAIL",
		SourceCodeGroup:      "email",
		AffiliatePartnerName: "Partner & Co",
		AffiliatePartnerID:   "aff-77",
		InvoiceNo:            "INV-0000451",
		Customer: sfcc.Customer{Guest: true, Name: "Zoë Brontë", Email: "zoe.bronte@example.co.uk",
			BillingAddress: billing},
		CustomerOrderReference: "PO-ZB-1",
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusNotShipped,
			Confirmation: sfcc.ConfirmationStatusConfirmed, Payment: sfcc.PaymentStatusPaid, Export: sfcc.ExportStatusReady},
		BusinessType: "B2C",
		ChannelType:  "Storefront",
		ProductLineItems: []sfcc.ProductLineItem{
			{
				LineAmounts:      la("41.67", "8.33", "50.00", "25.00", "Oxford shirt, blue, M", "50.00"),
				Position:         1,
				ProductID:        "SHIRT-BLU-M",
				ProductName:      "Oxford shirt — blue",
				Quantity:         sfcc.Quantity{Value: dec("2"), Unit: "Each"},
				TaxRate:          dec("0.2"),
				MinOrderQuantity: dec("1"),
				StepQuantity:     dec("1"),
				Brand:            "Haworth",
				ShipmentID:       "s1",
				InventoryListID:  "uk-warehouse",
				Options: []sfcc.OptionLineItem{{
					LineAmounts: la("4.17", "0.83", "5.00", "5.00", "Monogram", "5.00"),
					OptionID:    "monogram", ValueID: "ZB", ProductID: "MONO-ZB",
					Custom: sfcc.CustomAttributes{custom("threadColour", "gold")},
				}},
				Gift:           true,
				GiftMessage:    "For <Jo> & \"family\" — with love 🎁",
				ExternalStatus: "RELEASED",
				ExternalText:   "wave 12",
				TaxItems:       []sfcc.TaxItem{{ID: "uk_vat", Rate: dec("0.2"), Amount: dec("8.33")}},
				Custom: sfcc.CustomAttributes{
					custom("engraving", "<b>Für</b> Zoë & Co"),
					{ID: "sizes", Values: []string{"M", "L"}, Multi: true},
				},
				PriceAdjustments: []sfcc.PriceAdjustment{{
					LineAmounts: la("-4.17", "-0.83", "-5.00", "-5.00", "10% off shirts", "-5.00"),
					PromotionID: "SHIRTS10", CampaignID: "spring-2026", CouponID: "SPRING10",
					Discount: &sfcc.AppliedDiscount{Kind: "percentage", Value: dec("10")},
				}},
			},
			{
				LineAmounts: la("33.33", "6.67", "40.00", "40.00", "Tea gift box", "40.00"),
				Position:    2,
				ProductID:   "GIFTBOX-1",
				ProductName: "Tea gift box",
				Quantity:    sfcc.Quantity{Value: dec("1"), Unit: "Each"},
				TaxRate:     dec("0.2"),
				ShipmentID:  "s2",
				Bundled: []sfcc.BundledProductLineItem{
					{ProductID: "MUG-RED", ProductName: "Red mug", Quantity: sfcc.Quantity{Value: dec("1"), Unit: "Each"}},
					{ProductID: "TEA-SAMPLER", ProductName: "Tea sampler", Quantity: sfcc.Quantity{Value: dec("2"), Unit: "Each"},
						Bundled: []sfcc.BundledProductLineItem{{
							ProductID: "TEA-EARLGREY", Quantity: sfcc.Quantity{Value: dec("50.0"), Unit: "g"},
							Custom: sfcc.CustomAttributes{custom("origin", "東京")},
						}}},
				},
				ShippingLineItem: &sfcc.ProductShippingLineItem{
					LineAmounts: la("2.50", "0.50", "3.00", "3.00", "Fragile handling", "3.00"),
					Quantity:    sfcc.Quantity{Value: dec("1"), Unit: "Each"},
					TaxRate:     dec("0.2"),
					Type:        "surcharge",
				},
			},
		},
		GiftCertificateLineItems: []sfcc.GiftCertificateLineItem{{
			LineAmounts: la("20.00", "0.00", "20.00", "20.00", "Gift Certificate", "20.00"),
			MerchantID:  "GC-M-0009", GiftCertificateID: "GCBOUGHT0001", RecipientEmail: "anne@example.org",
			SenderName: "Zoë", RecipientName: "Anne", Message: "Enjoy!", ShipmentID: "s1",
		}},
		ShippingLineItems: []sfcc.ShippingLineItem{
			{LineAmounts: la("4.16", "0.83", "4.99", "4.99", "Shipping", "4.99"), ItemID: "STANDARD_SHIPPING", ShipmentID: "s1", TaxRate: dec("0.2")},
			{LineAmounts: la("4.16", "0.83", "4.99", "4.99", "Shipping", "4.99"), ItemID: "STANDARD_SHIPPING", ShipmentID: "s2", TaxRate: dec("0.2"),
				PriceAdjustments: []sfcc.PriceAdjustment{{
					LineAmounts: la("-4.16", "-0.83", "-4.99", "-4.99", "Free shipping (late delivery)", "-4.99"),
					PromotionID: "CSR_APPEASEMENT", ReasonCode: "LATE_DELIVERY", Manual: true,
					Discount:  &sfcc.AppliedDiscount{Kind: "free-shipping"},
					CreatedBy: "csr.jane", CreationDate: ts("2026-03-14T10:02:00Z"),
					Custom: sfcc.CustomAttributes{custom("ticket", "ZD-4411")},
				}}},
		},
		Shipments: []sfcc.Shipment{
			{ID: "s1", ShippingStatus: sfcc.ShippingStatusNotShipped, ShippingMethod: "UK-STANDARD", ShippingAddress: zoeAddr,
				Totals: sfcc.ShipmentTotals{
					MerchandizeTotal:         sfcc.Total{Amounts: amounts("45.84", "9.16", "55.00")},
					AdjustedMerchandizeTotal: sfcc.Total{Amounts: amounts("41.67", "8.33", "50.00")},
					ShippingTotal:            sfcc.Total{Amounts: amounts("4.16", "0.83", "4.99")},
					AdjustedShippingTotal:    sfcc.Total{Amounts: amounts("4.16", "0.83", "4.99")},
					ShipmentTotal:            sfcc.Total{Amounts: amounts("45.83", "9.16", "54.99")},
				}},
			{ID: "s2", ShippingStatus: sfcc.ShippingStatusNotShipped, ShippingMethod: "UK-EXPRESS", TrackingNumber: "JD0002219876543",
				ShippingAddress: sfcc.Address{FirstName: "Anne", LastName: "Brontë", CompanyName: "Thornton Parsonage",
					Address1: "74 Market Street", City: "Thornton", PostalCode: "BD13 3HF", CountryCode: "GB"},
				Gift: true, GiftMessage: "Happy birthday, Anne!\nLove, Z.",
				Custom: sfcc.CustomAttributes{
					{ID: "deliveryNote", Lang: "en-GB", Values: []string{"Leave with neighbour"}},
					{ID: "deliveryNote", Lang: "de-DE", Values: []string{"Beim Nachbarn abgeben"}},
				}},
		},
		Totals: sfcc.OrderTotals{
			MerchandizeTotal: sfcc.Total{Amounts: amounts("79.17", "15.83", "95.00"), PriceAdjustments: []sfcc.PriceAdjustment{{
				LineAmounts: la("-4.17", "-0.83", "-5.00", "-5.00", "£5 off your first order", "-5.00"),
				PromotionID: "ORDER5", ABTestID: "checkout-test", ABTestSegmentID: "B", CouponID: "WELCOME5",
				Discount: &sfcc.AppliedDiscount{Kind: "amount", Value: dec("5.00")},
			}}},
			AdjustedMerchandizeTotal: sfcc.Total{Amounts: amounts("70.83", "14.17", "85.00")},
			ShippingTotal:            sfcc.Total{Amounts: amounts("10.82", "2.16", "12.98")},
			AdjustedShippingTotal:    sfcc.Total{Amounts: amounts("6.66", "1.33", "7.99")},
			OrderTotal:               sfcc.Total{Amounts: amounts("97.49", "15.50", "112.99")},
		},
		Payments: []sfcc.Payment{
			{Kind: sfcc.PaymentKindGiftCertificate, GiftCertificate: &sfcc.GiftCertificatePayment{MerchantID: "GC-M-0001", ID: "GCREDEEM9876"},
				Amount: dec("30.00"), ProcessorID: "BASIC_GIFT_CERTIFICATE", TransactionID: "gc-tx-1", TransactionType: "CAPTURE"},
			{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{Type: "VISA", MaskedNumber: "XXXX-XXXX-XXXX-1111", Holder: "Zoë Brontë",
				Token: "tok_8f3a2c", ExpirationMonth: 4, ExpirationYear: 2029, Custom: sfcc.CustomAttributes{custom("threeDSecure", "passed")}},
				Amount: dec("82.99"), ProcessorID: "ADYEN_CREDIT", TransactionID: "8815736123456789", TransactionType: "AUTH",
				AccountID: "acct-uk-1", AccountType: "merchant", EKID: -1,
				Custom: sfcc.CustomAttributes{custom("pspReference", "8815736123456789")}},
		},
		RemoteHost: "203.0.113.7",
		Notes: []sfcc.Note{{CreatedBy: "csr.jane", CreationDate: ts("2026-03-14T10:02:00Z"), Subject: "Appeasement",
			Text: "Free shipping granted: previous parcel was late."}},
		ExternalOrderNo:     "ERP-778812",
		ExternalOrderStatus: "ACCEPTED",
		ExternalOrderText:   "Imported by ERP batch 2026-03-14",
		GlobalPartyID:       "gp-0001",
		Custom: sfcc.CustomAttributes{
			custom("sscSyncStatus", "exported"),
			{ID: "tags", Values: []string{"vip", "first-order"}, Multi: true},
			{ID: "giftWrapLabel", Lang: "en-GB", Values: []string{"Happy birthday"}},
			{ID: "giftWrapLabel", Lang: "de-DE", Values: []string{"Alles Gute"}},
		},
	}

	o2 := sfcc.Order{
		OrderNo:        "00001002",
		OrderDate:      ts("2026-03-14T17:01:02Z"),
		CreatedBy:      "Customer",
		Currency:       "USD",
		CustomerLocale: "en_US",
		Taxation:       sfcc.TaxationNet,
		Customer:       sfcc.Customer{CustomerNo: "C000482", Name: "Sam Rivera", Email: "sam@example.com", BillingAddress: samAddr},
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusOpen, Shipping: sfcc.ShippingStatusPartShipped,
			Confirmation: sfcc.ConfirmationStatusConfirmed, Payment: sfcc.PaymentStatusPartPaid, Export: sfcc.ExportStatusReady},
		ChannelType: "CallCenter",
		ProductLineItems: []sfcc.ProductLineItem{{
			LineAmounts: la("120.00", "10.65", "130.65", "120.00", "Trail runner 42", "120.00"),
			Position:    1,
			ProductID:   "SHOE-RUN-42",
			ProductName: "Trail runner",
			Quantity:    sfcc.Quantity{Value: dec("1.0"), Unit: "Each"},
			TaxRate:     dec("0.08875"),
			ShipmentID:  "me",
			TaxItems: []sfcc.TaxItem{
				{ID: "state_NY", Rate: dec("0.04"), Amount: dec("4.80")},
				{ID: "city_NYC", Rate: dec("0.045"), Amount: dec("5.40")},
				{ID: "mctd", Rate: dec("0.00375"), Amount: dec("0.45")},
			},
		}},
		ShippingLineItems: []sfcc.ShippingLineItem{{LineAmounts: la("10.00", "0.89", "10.89", "10.00", "Shipping", "10.00"),
			ItemID: "STANDARD_SHIPPING", ShipmentID: "me", TaxRate: dec("0.08875")}},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingStatus: sfcc.ShippingStatusShipped, ShippingMethod: "US-GROUND",
			TrackingNumber: "1Z999AA10123456784", ShippingAddress: samAddr}},
		TaxRoundedAtGroup: true,
		Totals: sfcc.OrderTotals{
			MerchandizeTotal:         sfcc.Total{Amounts: amounts("120.00", "10.65", "130.65")},
			AdjustedMerchandizeTotal: sfcc.Total{Amounts: amounts("120.00", "10.65", "130.65")},
			ShippingTotal:            sfcc.Total{Amounts: amounts("10.00", "0.89", "10.89")},
			AdjustedShippingTotal:    sfcc.Total{Amounts: amounts("10.00", "0.89", "10.89")},
			OrderTotal:               sfcc.Total{Amounts: amounts("130.00", "11.54", "141.54")},
		},
		Payments: []sfcc.Payment{
			{Kind: sfcc.PaymentKindApplePay, Wallet: &sfcc.WalletPayment{CardType: "MASTER", CardNumber: "XXXX-XXXX-XXXX-4444"},
				Amount: dec("100.00"), ProcessorID: "ADYEN_APPLEPAY", TransactionID: "ap-551", TransactionType: "CAPTURE"},
			{Kind: sfcc.PaymentKindCustomMethod, CustomMethod: &sfcc.CustomMethod{Name: "PayPal",
				Custom: sfcc.CustomAttributes{custom("paypalPayerID", "PAYER-9X")}},
				Amount: dec("41.54"), ProcessorID: "PAYPAL", TransactionID: "pp-7731", TransactionType: "AUTH"},
		},
	}

	zero := amounts("0.00", "0.00", "0.00")
	o3 := sfcc.Order{
		OrderNo:        "00001003",
		OrderDate:      ts("2026-03-15T08:00:00Z"),
		CreatedBy:      "storefront",
		Currency:       "EUR",
		CustomerLocale: "de_DE",
		Taxation:       sfcc.TaxationGross,
		Customer:       sfcc.Customer{Guest: true, Name: "Jürgen Weiß", Email: "juergen@example.de"},
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusCompleted, Shipping: sfcc.ShippingStatusShipped,
			Confirmation: sfcc.ConfirmationStatusConfirmed, Payment: sfcc.PaymentStatusPaid, Export: sfcc.ExportStatusReady},
		ProductLineItems: []sfcc.ProductLineItem{{
			LineAmounts: sfcc.LineAmounts{NetPrice: dec("100.00"), Tax: dec("19.00"), GrossPrice: dec("119.00"), BasePrice: dec("119.00"), TaxBasis: dec("119.00")},
			ProductID:   "JACKET-GRN-L", Quantity: sfcc.Quantity{Value: dec("1"), Unit: "Each"}, TaxRate: dec("0.19"), ShipmentID: "me",
		}},
		ShippingLineItems: []sfcc.ShippingLineItem{{LineAmounts: sfcc.LineAmounts{NetPrice: dec("0.00"), Tax: dec("0.00"), GrossPrice: dec("0.00")},
			ItemID: "STANDARD_SHIPPING", ShipmentID: "me", TaxRate: dec("0.19")}},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingMethod: "DE-DHL"}},
		Totals: sfcc.OrderTotals{
			MerchandizeTotal:         sfcc.Total{Amounts: amounts("100.00", "19.00", "119.00")},
			AdjustedMerchandizeTotal: sfcc.Total{Amounts: amounts("100.00", "19.00", "119.00")},
			ShippingTotal:            sfcc.Total{Amounts: zero},
			AdjustedShippingTotal:    sfcc.Total{Amounts: zero},
			OrderTotal:               sfcc.Total{Amounts: amounts("100.00", "19.00", "119.00")},
		},
		Payments: []sfcc.Payment{
			{Kind: sfcc.PaymentKindBankTransfer, BankTransfer: &sfcc.BankTransfer{AccountNumber: "DE89XXXXXXXXXXXXXX3000",
				AccountHolder: "Jürgen Weiß", RoutingNumber: "COBADEFFXXX"}, Amount: dec("10.00"), ProcessorID: "BANK_TRANSFER"},
			{Kind: sfcc.PaymentKindSalesforcePayments, SalesforcePayments: &sfcc.SalesforcePayment{Type: "klarna", PaymentMethodCategory: "pay_later"},
				Amount: dec("40.00"), ProcessorID: "SALESFORCE_PAYMENTS", TransactionID: "pi_3Klarna"},
			{Kind: sfcc.PaymentKindSalesforcePayments, SalesforcePayments: &sfcc.SalesforcePayment{Type: "card", Brand: "visa", Last4: "4242", WalletType: "google-pay"},
				Amount: dec("30.00"), ProcessorID: "SALESFORCE_PAYMENTS", TransactionID: "pi_3Card"},
			{Kind: sfcc.PaymentKindAndroidPay, Wallet: &sfcc.WalletPayment{CardType: "VISA", CardNumber: "XXXX-XXXX-XXXX-0005"},
				Amount: dec("29.00"), ProcessorID: "ANDROID_PAY"},
			{Kind: sfcc.PaymentKindBillMeLater, InstrumentCustom: sfcc.CustomAttributes{custom("bmlAccount", "bml-12")},
				Amount: dec("10.00"), ProcessorID: "BML"},
		},
	}
	return []sfcc.Order{o1, o2, o3}
}
