package orderxml

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

func TestCheck_ConsistentFixtureOrdersHaveNoProblems(t *testing.T) {
	for _, o := range expectedOrders() {
		if ps := Check(o); len(ps) != 0 {
			t.Errorf("order %s: unexpected problems: %v", o.OrderNo, ps)
		}
	}
}

func TestCheck_ReportsEachInconsistencyWithFieldAndBothAmounts(t *testing.T) {
	type want struct {
		field, got, want string
	}
	tests := []struct {
		name   string
		order  int // index into expectedOrders
		mutate func(o *sfcc.Order)
		want   []want
	}{
		{"line price that does not add up to the merchandize total", 0, func(o *sfcc.Order) {
			o.ProductLineItems[1].GrossPrice = dec("41.00")
			o.ProductLineItems[1].NetPrice = dec("34.33")
		}, []want{
			{"totals/merchandize-total/gross-price", "95.00", "96.00"},
			{"totals/adjusted-merchandize-total/gross-price", "85.00", "86.00"},
		}},
		{"order-level promotion missing from the adjusted total", 0, func(o *sfcc.Order) {
			o.Totals.MerchandizeTotal.PriceAdjustments = nil
		}, []want{{"totals/adjusted-merchandize-total/gross-price", "85.00", "90.00"}}},
		{"shipping total that leaves out the product surcharge", 0, func(o *sfcc.Order) {
			o.Totals.ShippingTotal.Amounts = amounts("8.32", "1.66", "9.98")
		}, []want{{"totals/shipping-total/gross-price", "9.98", "12.98"}}},
		{"order total that leaves out the gift certificate bought", 0, func(o *sfcc.Order) {
			o.Totals.OrderTotal.Amounts = amounts("77.49", "15.50", "92.99")
		}, []want{
			{"totals/order-total/gross-price", "92.99", "112.99"},
			{"payments/amount", "112.99", "92.99"},
		}},
		{"payments short of the order total", 0, func(o *sfcc.Order) {
			o.Payments[1].Amount = dec("80.00")
		}, []want{{"payments/amount", "110.00", "112.99"}}},
		{"net and tax that do not make the gross", 1, func(o *sfcc.Order) {
			o.ShippingLineItems[0].Tax = dec("0.88")
		}, []want{{"shipping-lineitem[1]/gross-price", "10.89", "10.88"}}},
		{"net taxation compares net prices", 1, func(o *sfcc.Order) {
			o.Totals.AdjustedShippingTotal.Amounts = amounts("12.00", "1.07", "13.07")
		}, []want{
			{"totals/adjusted-shipping-total/net-price", "12.00", "10.00"},
			{"totals/order-total/net-price", "130.00", "132.00"},
		}},
		{"line pointing at a shipment that does not exist", 2, func(o *sfcc.Order) {
			o.ProductLineItems[0].ShipmentID = "gift"
		}, []want{{"product-lineitem[1]/shipment-id", "", ""}}},
		{"missing currency", 2, func(o *sfcc.Order) { o.Currency = "" }, []want{{"currency", "", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := expectedOrders()[tt.order]
			tt.mutate(&o)
			var got []want
			for _, p := range Check(o) {
				w := want{field: p.Field}
				if p.HasAmounts {
					w.got, w.want = p.Got.String(), p.Want.String()
				}
				got = append(got, w)
				if p.OrderNo != o.OrderNo || !strings.Contains(p.String(), o.OrderNo) || !strings.Contains(p.String(), p.Field) {
					t.Errorf("problem does not name its order and field: %s", p)
				}
				if p.HasAmounts && (!strings.Contains(p.String(), w.got) || !strings.Contains(p.String(), w.want)) {
					t.Errorf("problem does not name both amounts: %s", p)
				}
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
