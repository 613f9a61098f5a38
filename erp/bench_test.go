package erp_test

import (
	"testing"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/sfcc"
)

// sumOrder is the baseline: the least work any integration does per order,
// adding up its line amounts with the same decimal type.
func sumOrder(o *sfcc.Order) decimal.Decimal {
	total := decimal.Zero
	add := func(a sfcc.LineAmounts) {
		total, _ = total.Add(a.GrossPrice)
		total, _ = total.Add(a.Tax)
	}
	for i := range o.ProductLineItems {
		add(o.ProductLineItems[i].LineAmounts)
		for _, pa := range o.ProductLineItems[i].PriceAdjustments {
			add(pa.LineAmounts)
		}
	}
	for _, pa := range o.Totals.MerchandizeTotal.PriceAdjustments {
		add(pa.LineAmounts)
	}
	for i := range o.ShippingLineItems {
		add(o.ShippingLineItems[i].LineAmounts)
	}
	for i := range o.Payments {
		total, _ = total.Add(o.Payments[i].Amount)
	}
	return total
}

// BenchmarkTranslateAndJournal measures Translate + OrderJournal per order
// over generated orders. Its first sub-benchmark is the baseline, a plain
// decimal sum of the same orders in the same process; the second reports
// its cost as a multiple of it (x-baseline).
func BenchmarkTranslateAndJournal(b *testing.B) {
	tr := translator(b, "0.01")
	orders := generateOrders(512, 99)
	var baseNs int64
	b.Run("baseline-decimal-sum", func(b *testing.B) {
		b.ReportAllocs()
		var sink decimal.Decimal
		n := 0
		for b.Loop() {
			sink = sumOrder(&orders[n%len(orders)])
			n++
		}
		_ = sink
		baseNs = b.Elapsed().Nanoseconds() / int64(max(n, 1))
	})
	b.Run("translate-and-journal", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			so, err := tr.Translate(orders[n%len(orders)])
			n++
			if err != nil {
				b.Fatal(err)
			}
			if _, err := erp.OrderJournal(so); err != nil {
				b.Fatal(err)
			}
		}
		perOrder := float64(b.Elapsed().Nanoseconds()) / float64(max(n, 1))
		if baseNs > 0 {
			b.ReportMetric(perOrder/float64(baseNs), "x-baseline")
		}
	})
}
