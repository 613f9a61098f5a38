package erp_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

func TestTranslator_AuditReportsEveryGapOnceWithCountsAndExamples(t *testing.T) {
	ok := generateOrders(20, 3)
	var orders []sfcc.Order
	orders = append(orders, ok[:5]...)
	for i, method := range []string{"DHL-INTL", "DHL-INTL", "COURIER", "DHL-INTL"} {
		o := ok[5+i]
		o.OrderNo = "GAP-" + string(rune('A'+i))
		o.Shipments = []sfcc.Shipment{shipment(method, o.Shipments[0].ShippingAddress.CountryCode)}
		if i == 1 {
			o.Payments = append(o.Payments[:len(o.Payments)-1], sfcc.Payment{Kind: sfcc.PaymentKindCustomMethod,
				CustomMethod: &sfcc.CustomMethod{Name: "Klarna"}, ProcessorID: "KLARNA", Amount: o.Payments[len(o.Payments)-1].Amount})
		}
		if len(o.ShippingLineItems) == 0 {
			o.ShippingLineItems = []sfcc.ShippingLineItem{shippingLine("0", net("0.00", "0.00"))}
		}
		orders = append(orders, o)
	}
	report := translator(t, "0.01").Audit(slices.Values(orders))
	want := []mapping.MissingKey{
		{Table: "shipping", Key: "shipping_method=DHL-INTL", Count: 3, Examples: []string{"GAP-A", "GAP-B", "GAP-D"}},
		{Table: "payments", Key: "kind=custom-method method=Klarna processor=KLARNA", Count: 1, Examples: []string{"GAP-B"}},
		{Table: "shipping", Key: "shipping_method=COURIER", Count: 1, Examples: []string{"GAP-C"}},
	}
	if d := cmp.Diff(want, report.Missing); d != "" {
		t.Errorf("missing (-want +got):\n%s", d)
	}
	if report.Orders != 9 || report.Clean != 5 || len(report.Failed) != 0 {
		t.Errorf("orders %d clean %d failed %v; want 9, 5, none", report.Orders, report.Clean, report.Failed)
	}
}
