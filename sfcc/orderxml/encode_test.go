package orderxml

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

func encodeAll(t *testing.T, orders []sfcc.Order, opts ...EncoderOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := NewEncoder(&buf, opts...)
	for _, o := range orders {
		if err := e.Encode(context.Background(), o); err != nil {
			t.Fatalf("encode %s: %v", o.OrderNo, err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEncoder_OutputIsValidAgainstOrderXSD(t *testing.T) {
	for _, indent := range []string{"    ", ""} {
		validate(t, "order.xsd", encodeAll(t, expectedOrders(), Indent(indent)))
	}
	validate(t, "order.xsd", encodeAll(t, nil))
}

func TestEncoder_DecodeEncodeDecodeIsLossless(t *testing.T) {
	first := decodeAll(t, readFixture(t, "orders.xml"))
	again := decodeAll(t, encodeAll(t, first))
	if diff := cmp.Diff(first, again, decimalsEqual); diff != "" {
		t.Errorf("round trip changed the orders (-first +again):\n%s", diff)
	}
	compact := decodeAll(t, encodeAll(t, first, Indent("")))
	if diff := cmp.Diff(first, compact, decimalsEqual); diff != "" {
		t.Errorf("compact round trip changed the orders (-first +again):\n%s", diff)
	}
}

func TestEncoder_KeepsTextThatNeedsEscaping(t *testing.T) {
	o := expectedOrders()[2]
	o.Customer.Name = "  Ann & <Bob>\r\n\t\"O'Hara\"  "
	o.Custom = sfcc.CustomAttributes{{ID: "note", Values: []string{"line 1\r\nline 2\t]]>"}}}
	got := decodeAll(t, encodeAll(t, []sfcc.Order{o}))
	o.Custom[0].Values[0] = "line 1\r\nline 2\t]]>"
	if diff := cmp.Diff(o, got[0], decimalsEqual); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEncoder_RefusesOrdersTheSchemaCannotCarryAndWritesNothingOfThem(t *testing.T) {
	tests := []struct {
		name   string
		field  string
		mutate func(o *sfcc.Order)
	}{
		{"empty order number", "order/@order-no", func(o *sfcc.Order) { o.OrderNo = "" }},
		{"empty product id", "order/product-lineitems/product-lineitem/product-id", func(o *sfcc.Order) { o.ProductLineItems[0].ProductID = "" }},
		{"unknown order status", "order/status/order-status", func(o *sfcc.Order) { o.Status.Order = "SHIPPED" }},
		{"part-shipped shipment", "order/shipments/shipment/status/shipping-status", func(o *sfcc.Order) {
			o.Shipments[0].ShippingStatus = sfcc.ShippingStatusPartShipped
		}},
		{"currency not in ISO form", "order/currency", func(o *sfcc.Order) { o.Currency = "eur" }},
		{"text longer than the schema allows", "order/customer/customer-name", func(o *sfcc.Order) {
			o.Customer.Name = strings.Repeat("é", 257)
		}},
		{"control character", "order/customer/customer-name", func(o *sfcc.Order) { o.Customer.Name = "bell\a" }},
		{"campaign and A/B test together", "order/product-lineitems/product-lineitem/price-adjustments/price-adjustment/campaign-id", func(o *sfcc.Order) {
			o.ProductLineItems[0].PriceAdjustments = []sfcc.PriceAdjustment{{PromotionID: "P", CampaignID: "C", ABTestID: "T", ABTestSegmentID: "S"}}
		}},
		{"payment details that do not match the kind", "order/payments/payment/bank-transfer", func(o *sfcc.Order) {
			o.Payments[0].Card = &sfcc.CreditCard{}
		}},
		{"localised attribute with a bad language", "order/custom-attributes/custom-attribute/@xml:lang", func(o *sfcc.Order) {
			o.Custom = sfcc.CustomAttributes{{ID: "x", Lang: "en_GB", Values: []string{"v"}}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good := expectedOrders()
			bad := expectedOrders()[2]
			tt.mutate(&bad)
			var buf bytes.Buffer
			e := NewEncoder(&buf)
			ctx := context.Background()
			if err := e.Encode(ctx, good[0]); err != nil {
				t.Fatal(err)
			}
			err := e.Encode(ctx, bad)
			var ee *EncodeError
			if !errors.As(err, &ee) || !errors.Is(err, ErrInvalidOrder) {
				t.Fatalf("err = %v, want an *EncodeError", err)
			}
			if ee.Field != tt.field || ee.OrderNo != bad.OrderNo {
				t.Errorf("error names order %q field %q, want %q %q", ee.OrderNo, ee.Field, bad.OrderNo, tt.field)
			}
			if err := e.Encode(ctx, good[1]); err != nil {
				t.Fatal(err)
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			got := decodeAll(t, buf.Bytes())
			if len(got) != 2 || got[0].OrderNo != good[0].OrderNo || got[1].OrderNo != good[1].OrderNo {
				t.Fatalf("document holds %d orders, want the two valid ones", len(got))
			}
			validate(t, "order.xsd", buf.Bytes())
		})
	}
}

func TestEncoder_EveryChoiceOfTheSchemaIsWrittenValid(t *testing.T) {
	o := expectedOrders()[2]
	var adjs []sfcc.PriceAdjustment
	for kind := range discountKinds {
		d := &sfcc.AppliedDiscount{Kind: kind}
		switch discountKinds[kind] {
		case 'd', 'p':
			d.Value = dec("12.5")
		case 's':
			d.PriceBookID = "gbp-sale"
		}
		adjs = append(adjs, sfcc.PriceAdjustment{PromotionID: "P-" + kind, Discount: d})
	}
	o.ProductLineItems[0].PriceAdjustments = adjs
	o.Payments = nil
	for typ, fields := range sfpFields {
		s := &sfcc.SalesforcePayment{Type: typ, Custom: sfcc.CustomAttributes{custom("c", "v")}}
		for _, f := range fields {
			*sfpField(s, f) = "1234"
		}
		o.Payments = append(o.Payments, sfcc.Payment{Kind: sfcc.PaymentKindSalesforcePayments, SalesforcePayments: s, Amount: dec("1.00")})
	}
	o.Payments = append(o.Payments,
		sfcc.Payment{Kind: sfcc.PaymentKindSalesforcePayments, SalesforcePayments: &sfcc.SalesforcePayment{}},
		sfcc.Payment{Kind: sfcc.PaymentKindBillMeLater},
		sfcc.Payment{Kind: sfcc.PaymentKindNone, Amount: dec("2.00")},
		sfcc.Payment{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{FromMonth: 1, FromYear: 2020, IssueNumber: "2"}},
	)
	o.Notes = []sfcc.Note{{CreatedBy: "system", Subject: "Exported"}}
	o.SourceCodeGroup, o.OriginalOrderNo, o.ReplacementOrderNo, o.CancelCode = "grp", "00000001", "00001004", "fraud"
	data := encodeAll(t, []sfcc.Order{o})
	validate(t, "order.xsd", data)
	got := decodeAll(t, data)
	if diff := cmp.Diff(o, got[0], decimalsEqual); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
