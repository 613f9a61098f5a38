package orderxml

import (
	"fmt"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// Problem is one business inconsistency of an order: a total that does not
// match what it totals, a payment shortfall, a line pointing at a shipment
// that does not exist. A problem does not stop an order from decoding; it
// is for finance and operations to look at before the order is booked.
type Problem struct {
	// OrderNo is the order's number.
	OrderNo string
	// Field is the path of the value at fault, as in order.xsd, with
	// 1-based positions: "product-lineitem[2]/gross-price".
	Field string
	// Got is the amount the order states in Field, and Want the amount the
	// rest of the order adds up to; both are zero when HasAmounts is false.
	Got, Want  decimal.Decimal
	HasAmounts bool
	// Detail says what was compared.
	Detail string
}

// String describes the problem with its order, field and both amounts.
func (p Problem) String() string {
	if !p.HasAmounts {
		return fmt.Sprintf("order %q: %s: %s", p.OrderNo, p.Field, p.Detail)
	}
	diff, _ := p.Got.Sub(p.Want)
	return fmt.Sprintf("order %q: %s is %s but %s is %s (difference %s)", p.OrderNo, p.Field, p.Got, p.Detail, p.Want, diff)
}

// Check lists the inconsistencies of an order, in a fixed order; nil means
// none. It compares the amounts the taxation policy makes authoritative
// (gross prices for gross taxation or when it is unknown, net prices for
// net taxation), following SFCC's rules:
//
//   - merchandize-total is the sum of product and option line prices (SFCC
//     exports it before line-level promotions; after them is accepted too);
//   - adjusted-merchandize-total adds every line- and order-level product
//     price adjustment;
//   - shipping-total is the sum of shipping lines and product shipping
//     surcharges (before or after their own adjustments);
//     adjusted-shipping-total adds every shipping adjustment;
//   - order-total = adjusted merchandize + adjusted shipping + gift
//     certificates bought;
//   - the payments (other than AUTH_REVERSAL and CREDIT transactions)
//     cover the order total exactly;
//   - net + tax = gross on every line, adjustment and total;
//   - every line's shipment-id names a shipment of the order, and the
//     order has a currency.
//
// Sums that overflow decimal.Decimal are reported as problems too.
func Check(o sfcc.Order) []Problem {
	c := checker{o: &o, net: o.Taxation == sfcc.TaxationNet}
	c.run()
	return c.problems
}

type checker struct {
	o        *sfcc.Order
	net      bool
	problems []Problem
}

func (c *checker) add(field, detail string) {
	c.problems = append(c.problems, Problem{OrderNo: c.o.OrderNo, Field: field, Detail: detail})
}

func (c *checker) amounts(field string, got, want decimal.Decimal, detail string) {
	c.problems = append(c.problems, Problem{OrderNo: c.o.OrderNo, Field: field, Got: got, Want: want, HasAmounts: true, Detail: detail})
}

// sum adds decimals, reporting an overflow once as a problem.
type sum struct {
	v        decimal.Decimal
	overflow bool
}

func (s *sum) add(d decimal.Decimal) {
	if s.overflow {
		return
	}
	v, err := s.v.Add(d)
	if err != nil {
		s.overflow = true
		return
	}
	s.v = v
}

func (c *checker) basis(a sfcc.LineAmounts) decimal.Decimal {
	if c.net {
		return a.NetPrice
	}
	return a.GrossPrice
}

func (c *checker) basisTotal(t sfcc.Amounts) decimal.Decimal {
	if c.net {
		return t.Net
	}
	return t.Gross
}

func (c *checker) priceName() string {
	if c.net {
		return "net-price"
	}
	return "gross-price"
}

func (c *checker) lineTax(field string, a sfcc.LineAmounts) {
	c.netTaxGross(field, a.NetPrice, a.Tax, a.GrossPrice)
}

func (c *checker) netTaxGross(field string, net, tax, gross decimal.Decimal) {
	want, err := net.Add(tax)
	if err != nil {
		c.add(field, "net + tax overflows")
		return
	}
	if want.Cmp(gross) != 0 {
		c.amounts(field+"/gross-price", gross, want, fmt.Sprintf("net-price %s + tax %s", net, tax))
	}
}

func (c *checker) totalTax(field string, t sfcc.Total) {
	c.netTaxGross(field, t.Net, t.Tax, t.Gross)
	for i, a := range t.PriceAdjustments {
		c.lineTax(fmt.Sprintf("%s/price-adjustment[%d]", field, i+1), a.LineAmounts)
	}
}

func (c *checker) compare(field string, got decimal.Decimal, alts []sum, detail string) {
	for _, s := range alts {
		if s.overflow {
			c.add(field, detail+" overflows")
			return
		}
	}
	for _, s := range alts {
		if s.v.Cmp(got) == 0 {
			return
		}
	}
	c.amounts(field, got, alts[0].v, detail)
}

func (c *checker) run() {
	o := c.o
	if o.Currency == "" {
		c.add("currency", "the order has no currency")
	}
	shipments := make(map[string]bool, len(o.Shipments))
	for _, s := range o.Shipments {
		shipments[s.ID] = true
	}
	ref := func(field, id string, required bool) {
		if id == "" && !required {
			return
		}
		if !shipments[id] {
			c.add(field+"/shipment-id", fmt.Sprintf("shipment %q does not exist in the order", id))
		}
	}

	var lines, linesAdjusted, merchAdjusted sum
	var shipping, shippingAdjusted, shippingAll sum
	for i, li := range o.ProductLineItems {
		f := fmt.Sprintf("product-lineitem[%d]", i+1)
		ref(f, li.ShipmentID, true)
		c.lineTax(f, li.LineAmounts)
		lines.add(c.basis(li.LineAmounts))
		for j, a := range li.PriceAdjustments {
			c.lineTax(fmt.Sprintf("%s/price-adjustment[%d]", f, j+1), a.LineAmounts)
			linesAdjusted.add(c.basis(a.LineAmounts))
		}
		for j, op := range li.Options {
			fo := fmt.Sprintf("%s/option-lineitem[%d]", f, j+1)
			c.lineTax(fo, op.LineAmounts)
			lines.add(c.basis(op.LineAmounts))
			for k, a := range op.PriceAdjustments {
				c.lineTax(fmt.Sprintf("%s/price-adjustment[%d]", fo, k+1), a.LineAmounts)
				linesAdjusted.add(c.basis(a.LineAmounts))
			}
		}
		if s := li.ShippingLineItem; s != nil {
			fs := f + "/shipping-lineitem"
			c.lineTax(fs, s.LineAmounts)
			shipping.add(c.basis(s.LineAmounts))
			for k, a := range s.PriceAdjustments {
				c.lineTax(fmt.Sprintf("%s/price-adjustment[%d]", fs, k+1), a.LineAmounts)
				shippingAdjusted.add(c.basis(a.LineAmounts))
			}
		}
	}
	var gcs sum
	for i, g := range o.GiftCertificateLineItems {
		f := fmt.Sprintf("giftcertificate-lineitem[%d]", i+1)
		ref(f, g.ShipmentID, false)
		c.lineTax(f, g.LineAmounts)
		gcs.add(c.basis(g.LineAmounts))
	}
	for i, s := range o.ShippingLineItems {
		f := fmt.Sprintf("shipping-lineitem[%d]", i+1)
		ref(f, s.ShipmentID, false)
		c.lineTax(f, s.LineAmounts)
		shipping.add(c.basis(s.LineAmounts))
		for j, a := range s.PriceAdjustments {
			c.lineTax(fmt.Sprintf("%s/price-adjustment[%d]", f, j+1), a.LineAmounts)
			shippingAdjusted.add(c.basis(a.LineAmounts))
		}
	}

	t := o.Totals
	for _, tt := range []struct {
		name string
		t    sfcc.Total
	}{{"merchandize-total", t.MerchandizeTotal}, {"adjusted-merchandize-total", t.AdjustedMerchandizeTotal},
		{"shipping-total", t.ShippingTotal}, {"adjusted-shipping-total", t.AdjustedShippingTotal}, {"order-total", t.OrderTotal}} {
		c.totalTax("totals/"+tt.name, tt.t)
	}
	for i, s := range o.Shipments {
		f := fmt.Sprintf("shipment[%d]/totals", i+1)
		st := s.Totals
		c.totalTax(f+"/merchandize-total", st.MerchandizeTotal)
		c.totalTax(f+"/adjusted-merchandize-total", st.AdjustedMerchandizeTotal)
		c.totalTax(f+"/shipping-total", st.ShippingTotal)
		c.totalTax(f+"/adjusted-shipping-total", st.AdjustedShippingTotal)
		c.totalTax(f+"/shipment-total", st.ShipmentTotal)
	}

	price := c.priceName()
	// merchandize-total: lines before, or after, line-level adjustments.
	afterLine := lines
	afterLine.add(linesAdjusted.v)
	afterLine.overflow = afterLine.overflow || linesAdjusted.overflow
	c.compare("totals/merchandize-total/"+price, c.basisTotal(t.MerchandizeTotal.Amounts), []sum{lines, afterLine},
		"the product and option lines add up to")

	merchAdjusted = afterLine
	for _, tot := range []sfcc.Total{t.MerchandizeTotal, t.AdjustedMerchandizeTotal} {
		for _, a := range tot.PriceAdjustments {
			merchAdjusted.add(c.basis(a.LineAmounts))
		}
	}
	c.compare("totals/adjusted-merchandize-total/"+price, c.basisTotal(t.AdjustedMerchandizeTotal.Amounts), []sum{merchAdjusted},
		"the product lines with all their price adjustments add up to")

	shippingAll = shipping
	shippingAll.add(shippingAdjusted.v)
	shippingAll.overflow = shippingAll.overflow || shippingAdjusted.overflow
	c.compare("totals/shipping-total/"+price, c.basisTotal(t.ShippingTotal.Amounts), []sum{shipping, shippingAll},
		"the shipping lines add up to")
	for _, tot := range []sfcc.Total{t.ShippingTotal, t.AdjustedShippingTotal} {
		for _, a := range tot.PriceAdjustments {
			shippingAll.add(c.basis(a.LineAmounts))
		}
	}
	c.compare("totals/adjusted-shipping-total/"+price, c.basisTotal(t.AdjustedShippingTotal.Amounts), []sum{shippingAll},
		"the shipping lines with all their adjustments add up to")

	var orderTotal sum
	orderTotal.add(c.basisTotal(t.AdjustedMerchandizeTotal.Amounts))
	orderTotal.add(c.basisTotal(t.AdjustedShippingTotal.Amounts))
	orderTotal.add(gcs.v)
	orderTotal.overflow = orderTotal.overflow || gcs.overflow
	c.compare("totals/order-total/"+price, c.basisTotal(t.OrderTotal.Amounts), []sum{orderTotal},
		"adjusted merchandize + adjusted shipping + gift certificates")

	if len(o.Payments) > 0 {
		var paid sum
		for _, p := range o.Payments {
			if p.TransactionType == "AUTH_REVERSAL" || p.TransactionType == "CREDIT" {
				continue
			}
			paid.add(p.Amount)
		}
		if paid.overflow {
			c.add("payments", "the payment amounts overflow")
		} else if paid.v.Cmp(t.OrderTotal.Gross) != 0 {
			c.amounts("payments/amount", paid.v, t.OrderTotal.Gross, "the order-total gross-price")
		}
	}
}
