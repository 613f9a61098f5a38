package sfcc

// Clone returns a deep copy of o: no slice, pointer or custom attribute of
// the copy is shared with o, so either can be changed without the other
// seeing it. Nil slices stay nil and empty ones stay empty, so a copy
// compares equal to its original.
//
// A new slice, pointer or map field on the order model must be copied here;
// TestOrderClone_SharesNothing fails until it is.
func (o Order) Clone() Order {
	o.Customer.BillingAddress = o.Customer.BillingAddress.clone()
	o.ProductLineItems = cloneSlice(o.ProductLineItems, ProductLineItem.clone)
	o.GiftCertificateLineItems = cloneSlice(o.GiftCertificateLineItems, func(g GiftCertificateLineItem) GiftCertificateLineItem {
		g.TaxItems = cloneSlice(g.TaxItems, same[TaxItem])
		g.Custom = g.Custom.Clone()
		return g
	})
	o.ShippingLineItems = cloneSlice(o.ShippingLineItems, func(s ShippingLineItem) ShippingLineItem {
		s.TaxItems = cloneSlice(s.TaxItems, same[TaxItem])
		s.Custom = s.Custom.Clone()
		s.PriceAdjustments = cloneAdjustments(s.PriceAdjustments)
		return s
	})
	o.Shipments = cloneSlice(o.Shipments, func(s Shipment) Shipment {
		s.ShippingAddress = s.ShippingAddress.clone()
		t := &s.Totals
		for _, p := range []*Total{&t.MerchandizeTotal, &t.AdjustedMerchandizeTotal, &t.ShippingTotal, &t.AdjustedShippingTotal, &t.ShipmentTotal} {
			p.PriceAdjustments = cloneAdjustments(p.PriceAdjustments)
		}
		s.Custom = s.Custom.Clone()
		return s
	})
	t := &o.Totals
	for _, p := range []*Total{&t.MerchandizeTotal, &t.AdjustedMerchandizeTotal, &t.ShippingTotal, &t.AdjustedShippingTotal, &t.OrderTotal} {
		p.PriceAdjustments = cloneAdjustments(p.PriceAdjustments)
	}
	o.Payments = cloneSlice(o.Payments, Payment.clone)
	o.Notes = cloneSlice(o.Notes, same[Note])
	o.Custom = o.Custom.Clone()
	return o
}

// Clone returns a deep copy of cs (values included).
func (cs CustomAttributes) Clone() CustomAttributes {
	return cloneSlice(cs, func(a CustomAttribute) CustomAttribute {
		a.Values = cloneSlice(a.Values, same[string])
		return a
	})
}

func (p ProductLineItem) clone() ProductLineItem {
	p.Options = cloneSlice(p.Options, func(op OptionLineItem) OptionLineItem {
		op.TaxItems = cloneSlice(op.TaxItems, same[TaxItem])
		op.Custom = op.Custom.Clone()
		op.PriceAdjustments = cloneAdjustments(op.PriceAdjustments)
		return op
	})
	p.Bundled = cloneBundled(p.Bundled)
	if p.ShippingLineItem != nil {
		s := *p.ShippingLineItem
		s.TaxItems = cloneSlice(s.TaxItems, same[TaxItem])
		s.Custom = s.Custom.Clone()
		s.PriceAdjustments = cloneAdjustments(s.PriceAdjustments)
		p.ShippingLineItem = &s
	}
	p.TaxItems = cloneSlice(p.TaxItems, same[TaxItem])
	p.Custom = p.Custom.Clone()
	p.PriceAdjustments = cloneAdjustments(p.PriceAdjustments)
	return p
}

func (p Payment) clone() Payment {
	p.Card = clonePtr(p.Card, func(c *CreditCard) { c.Custom = c.Custom.Clone() })
	p.BankTransfer = clonePtr(p.BankTransfer, func(b *BankTransfer) { b.Custom = b.Custom.Clone() })
	p.GiftCertificate = clonePtr(p.GiftCertificate, func(g *GiftCertificatePayment) { g.Custom = g.Custom.Clone() })
	p.Wallet = clonePtr(p.Wallet, func(w *WalletPayment) { w.Custom = w.Custom.Clone() })
	p.SalesforcePayments = clonePtr(p.SalesforcePayments, func(s *SalesforcePayment) { s.Custom = s.Custom.Clone() })
	p.CustomMethod = clonePtr(p.CustomMethod, func(c *CustomMethod) { c.Custom = c.Custom.Clone() })
	p.InstrumentCustom = p.InstrumentCustom.Clone()
	p.Custom = p.Custom.Clone()
	return p
}

func (a Address) clone() Address {
	a.Custom = a.Custom.Clone()
	return a
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

// clonePtr copies *p into a new value and lets deep fix its insides.
func clonePtr[T any](p *T, deep func(*T)) *T {
	if p == nil {
		return nil
	}
	c := *p
	deep(&c)
	return &c
}

func cloneAdjustments(as []PriceAdjustment) []PriceAdjustment {
	return cloneSlice(as, func(a PriceAdjustment) PriceAdjustment {
		a.Discount = clonePtr(a.Discount, func(*AppliedDiscount) {})
		a.Custom = a.Custom.Clone()
		return a
	})
}

func cloneBundled(bs []BundledProductLineItem) []BundledProductLineItem {
	return cloneSlice(bs, func(b BundledProductLineItem) BundledProductLineItem {
		b.Bundled = cloneBundled(b.Bundled)
		b.Custom = b.Custom.Clone()
		return b
	})
}
