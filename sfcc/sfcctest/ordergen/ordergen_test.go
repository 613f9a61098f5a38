package ordergen

import (
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

func sumOf(ds ...decimal.Decimal) decimal.Decimal {
	t := decimal.MustParse("0")
	for _, d := range ds {
		t = add(t, d)
	}
	return t
}

func TestGenerator_OrdersAddUpLikeSFCC(t *testing.T) {
	g := New(7, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	seen := map[string]bool{}
	var split, gcBought, orderPromo, multiShip, net, gross int
	for i := 0; i < 2000; i++ {
		o := g.Order()
		if seen[o.OrderNo] {
			t.Fatalf("order number %s generated twice", o.OrderNo)
		}
		seen[o.OrderNo] = true
		tot := o.Totals
		for name, a := range map[string]sfcc.Amounts{
			"merchandize": tot.MerchandizeTotal.Amounts, "adjusted merchandize": tot.AdjustedMerchandizeTotal.Amounts,
			"shipping": tot.ShippingTotal.Amounts, "order": tot.OrderTotal.Amounts,
		} {
			if sumOf(a.Net, a.Tax).Cmp(a.Gross) != 0 {
				t.Fatalf("%s: %s net %s + tax %s != gross %s", o.OrderNo, name, a.Net, a.Tax, a.Gross)
			}
		}
		var lines, adj []decimal.Decimal
		for _, l := range o.ProductLineItems {
			lines = append(lines, l.GrossPrice)
			for _, a := range l.PriceAdjustments {
				adj = append(adj, a.GrossPrice)
			}
		}
		for _, a := range tot.MerchandizeTotal.PriceAdjustments {
			adj = append(adj, a.GrossPrice)
		}
		if sumOf(lines...).Cmp(tot.MerchandizeTotal.Gross) != 0 {
			t.Fatalf("%s: lines %s != merchandize %s", o.OrderNo, sumOf(lines...), tot.MerchandizeTotal.Gross)
		}
		if add(sumOf(lines...), sumOf(adj...)).Cmp(tot.AdjustedMerchandizeTotal.Gross) != 0 {
			t.Fatalf("%s: adjusted merchandize mismatch", o.OrderNo)
		}
		var gcs []decimal.Decimal
		for _, gc := range o.GiftCertificateLineItems {
			gcs = append(gcs, gc.GrossPrice)
		}
		want := sumOf(append([]decimal.Decimal{tot.AdjustedMerchandizeTotal.Gross, tot.AdjustedShippingTotal.Gross}, gcs...)...)
		if want.Cmp(tot.OrderTotal.Gross) != 0 {
			t.Fatalf("%s: order total %s, parts %s", o.OrderNo, tot.OrderTotal.Gross, want)
		}
		var pays []decimal.Decimal
		for _, p := range o.Payments {
			pays = append(pays, p.Amount)
		}
		if sumOf(pays...).Cmp(tot.OrderTotal.Gross) != 0 {
			t.Fatalf("%s: payments %s != total %s", o.OrderNo, sumOf(pays...), tot.OrderTotal.Gross)
		}
		if len(o.Payments) > 1 {
			split++
		}
		if len(o.GiftCertificateLineItems) > 0 {
			gcBought++
		}
		if len(tot.MerchandizeTotal.PriceAdjustments) > 0 {
			orderPromo++
		}
		if len(o.Shipments) > 1 {
			multiShip++
		}
		if o.Taxation == sfcc.TaxationNet {
			net++
		} else {
			gross++
		}
	}
	for name, n := range map[string]int{"split tenders": split, "gift certificates bought": gcBought,
		"order promotions": orderPromo, "multi-shipment orders": multiShip, "net orders": net, "gross orders": gross} {
		if n == 0 {
			t.Errorf("a day of 2000 orders has no %s", name)
		}
	}
}

func TestAllocate_PartsSumToWhole(t *testing.T) {
	parts := allocate(decimal.MustParse("-10.00"), []decimal.Decimal{
		decimal.MustParse("33.33"), decimal.MustParse("33.33"), decimal.MustParse("33.34")})
	if s := sumOf(parts...); s.Cmp(decimal.MustParse("-10.00")) != 0 {
		t.Fatalf("parts %v sum to %s", parts, s)
	}
}

func TestGenerator_QuantitiesAreWholeUnitsPricedAtTheBasePrice(t *testing.T) {
	g := New(11, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	for range 300 {
		o := g.Order()
		for _, l := range o.ProductLineItems {
			q := l.Quantity.Value
			if !q.IsInt() || q.Cmp(decimal.One) < 0 {
				t.Fatalf("%s line %d: quantity %s is not a whole number of units", o.OrderNo, l.Position, q)
			}
			priced := l.GrossPrice
			if o.Taxation == sfcc.TaxationNet {
				priced = l.NetPrice
			}
			if mul(l.BasePrice, q).Round(2).Cmp(priced) != 0 {
				t.Fatalf("%s line %d: %s × %s != %s", o.OrderNo, l.Position, q, l.BasePrice, priced)
			}
		}
	}
}
