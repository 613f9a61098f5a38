package sfcctest

import "github.com/o2ckit/o2c/sfcc"

// cloneOrder deep-copies an order so the server's state and the caller's
// values never share slices or pointers. Nil slices stay nil and empty ones
// stay empty, so a copy compares equal to its original with cmp.
func cloneOrder(o sfcc.Order) sfcc.Order {
	o.Customer.BillingAddress = cloneAddress(o.Customer.BillingAddress)
	o.ProductLineItems = cloneSlice(o.ProductLineItems, func(p sfcc.ProductLineItem) sfcc.ProductLineItem {
		p.Options = cloneSlice(p.Options, func(op sfcc.OptionLineItem) sfcc.OptionLineItem {
			op.TaxItems = cloneSlice(op.TaxItems, same[sfcc.TaxItem])
			op.Custom = cloneCustom(op.Custom)
			op.PriceAdjustments = cloneAdjustments(op.PriceAdjustments)
			return op
		})
		p.Bundled = cloneBundled(p.Bundled)
		if p.ShippingLineItem != nil {
			s := *p.ShippingLineItem
			s.TaxItems = cloneSlice(s.TaxItems, same[sfcc.TaxItem])
			s.Custom = cloneCustom(s.Custom)
			s.PriceAdjustments = cloneAdjustments(s.PriceAdjustments)
			p.ShippingLineItem = &s
		}
		p.TaxItems = cloneSlice(p.TaxItems, same[sfcc.TaxItem])
		p.Custom = cloneCustom(p.Custom)
		p.PriceAdjustments = cloneAdjustments(p.PriceAdjustments)
		return p
	})
	o.GiftCertificateLineItems = cloneSlice(o.GiftCertificateLineItems, func(g sfcc.GiftCertificateLineItem) sfcc.GiftCertificateLineItem {
		g.TaxItems = cloneSlice(g.TaxItems, same[sfcc.TaxItem])
		g.Custom = cloneCustom(g.Custom)
		return g
	})
	o.ShippingLineItems = cloneSlice(o.ShippingLineItems, func(s sfcc.ShippingLineItem) sfcc.ShippingLineItem {
		s.TaxItems = cloneSlice(s.TaxItems, same[sfcc.TaxItem])
		s.Custom = cloneCustom(s.Custom)
		s.PriceAdjustments = cloneAdjustments(s.PriceAdjustments)
		return s
	})
	o.Shipments = cloneSlice(o.Shipments, func(s sfcc.Shipment) sfcc.Shipment {
		s.ShippingAddress = cloneAddress(s.ShippingAddress)
		s.Totals = sfcc.ShipmentTotals{
			MerchandizeTotal:         cloneTotal(s.Totals.MerchandizeTotal),
			AdjustedMerchandizeTotal: cloneTotal(s.Totals.AdjustedMerchandizeTotal),
			ShippingTotal:            cloneTotal(s.Totals.ShippingTotal),
			AdjustedShippingTotal:    cloneTotal(s.Totals.AdjustedShippingTotal),
			ShipmentTotal:            cloneTotal(s.Totals.ShipmentTotal),
		}
		s.Custom = cloneCustom(s.Custom)
		return s
	})
	o.Totals = sfcc.OrderTotals{
		MerchandizeTotal:         cloneTotal(o.Totals.MerchandizeTotal),
		AdjustedMerchandizeTotal: cloneTotal(o.Totals.AdjustedMerchandizeTotal),
		ShippingTotal:            cloneTotal(o.Totals.ShippingTotal),
		AdjustedShippingTotal:    cloneTotal(o.Totals.AdjustedShippingTotal),
		OrderTotal:               cloneTotal(o.Totals.OrderTotal),
	}
	o.Payments = cloneSlice(o.Payments, clonePayment)
	o.Notes = cloneSlice(o.Notes, same[sfcc.Note])
	o.Custom = cloneCustom(o.Custom)
	return o
}

func same[T any](v T) T { return v }

func cloneSlice[T any](in []T, f func(T) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func cloneCustom(cs sfcc.CustomAttributes) sfcc.CustomAttributes {
	return cloneSlice(cs, func(a sfcc.CustomAttribute) sfcc.CustomAttribute {
		a.Values = cloneSlice(a.Values, same[string])
		return a
	})
}

func cloneAddress(a sfcc.Address) sfcc.Address {
	a.Custom = cloneCustom(a.Custom)
	return a
}

func cloneAdjustments(as []sfcc.PriceAdjustment) []sfcc.PriceAdjustment {
	return cloneSlice(as, func(a sfcc.PriceAdjustment) sfcc.PriceAdjustment {
		if a.Discount != nil {
			d := *a.Discount
			a.Discount = &d
		}
		a.Custom = cloneCustom(a.Custom)
		return a
	})
}

func cloneBundled(bs []sfcc.BundledProductLineItem) []sfcc.BundledProductLineItem {
	return cloneSlice(bs, func(b sfcc.BundledProductLineItem) sfcc.BundledProductLineItem {
		b.Bundled = cloneBundled(b.Bundled)
		b.Custom = cloneCustom(b.Custom)
		return b
	})
}

func cloneTotal(t sfcc.Total) sfcc.Total {
	t.PriceAdjustments = cloneAdjustments(t.PriceAdjustments)
	return t
}

func clonePayment(p sfcc.Payment) sfcc.Payment {
	if p.Card != nil {
		c := *p.Card
		c.Custom = cloneCustom(c.Custom)
		p.Card = &c
	}
	if p.BankTransfer != nil {
		b := *p.BankTransfer
		b.Custom = cloneCustom(b.Custom)
		p.BankTransfer = &b
	}
	if p.GiftCertificate != nil {
		g := *p.GiftCertificate
		g.Custom = cloneCustom(g.Custom)
		p.GiftCertificate = &g
	}
	if p.Wallet != nil {
		w := *p.Wallet
		w.Custom = cloneCustom(w.Custom)
		p.Wallet = &w
	}
	if p.SalesforcePayments != nil {
		s := *p.SalesforcePayments
		s.Custom = cloneCustom(s.Custom)
		p.SalesforcePayments = &s
	}
	if p.CustomMethod != nil {
		c := *p.CustomMethod
		c.Custom = cloneCustom(c.Custom)
		p.CustomMethod = &c
	}
	p.InstrumentCustom = cloneCustom(p.InstrumentCustom)
	p.Custom = cloneCustom(p.Custom)
	return p
}
