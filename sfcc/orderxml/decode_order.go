package orderxml

import (
	"github.com/o2ckit/o2c/sfcc"
)

// Each read function below decodes the children of the element child()
// returned last, into the model, until that element's end tag. Children
// may come in any order; a repeated single element keeps its last value.

func (p *parser) readOrder(o *sfcc.Order) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "order-date":
			err = p.dateTime(&o.OrderDate)
		case "created-by":
			err = p.istr(&o.CreatedBy)
		case "original-order-no":
			err = p.str(&o.OriginalOrderNo)
		case "currency":
			o.Currency, err = p.token()
			o.Currency = sfcc.NormalizeCurrencyCode(o.Currency)
		case "customer-locale":
			err = p.istr(&o.CustomerLocale)
		case "taxation":
			err = enum(p, &o.Taxation, sfcc.TaxationGross, sfcc.TaxationNet)
		case "source-code":
			err = p.readSourceCode(o)
		case "affiliate-partner-name":
			err = p.istr(&o.AffiliatePartnerName)
		case "affiliate-partner-id":
			err = p.istr(&o.AffiliatePartnerID)
		case "invoice-no":
			err = p.str(&o.InvoiceNo)
		case "customer":
			err = p.readCustomer(&o.Customer)
		case "customer-order-reference":
			err = p.str(&o.CustomerOrderReference)
		case "status":
			err = p.readStatus(&o.Status)
		case "business-type":
			o.BusinessType, err = p.token()
		case "channel-type":
			o.ChannelType, err = p.token()
		case "replace-code":
			err = p.istr(&o.ReplaceCode)
		case "replace-description":
			err = p.str(&o.ReplaceDescription)
		case "replacement-order-no":
			err = p.str(&o.ReplacementOrderNo)
		case "replaced-order-no":
			err = p.str(&o.ReplacedOrderNo)
		case "current-order-no":
			err = p.str(&o.CurrentOrderNo)
		case "cancel-code":
			err = p.istr(&o.CancelCode)
		case "cancel-description":
			err = p.str(&o.CancelDescription)
		case "product-lineitems":
			err = listInto(p, "product-lineitem", &o.ProductLineItems, &p.mem.products, (*parser).readProductLineItem)
		case "giftcertificate-lineitems":
			err = listInto(p, "giftcertificate-lineitem", &o.GiftCertificateLineItems, &p.mem.giftCerts, (*parser).readGiftCertificateLineItem)
		case "shipping-lineitems":
			err = listInto(p, "shipping-lineitem", &o.ShippingLineItems, &p.mem.shipping, (*parser).readShippingLineItem)
		case "shipments":
			err = listInto(p, "shipment", &o.Shipments, &p.mem.shipments, (*parser).readShipment)
		case "tax-rounded-at-group":
			err = p.boolean(&o.TaxRoundedAtGroup)
		case "totals":
			err = p.readOrderTotals(&o.Totals)
		case "payments":
			err = listInto(p, "payment", &o.Payments, &p.mem.payments, (*parser).readPayment)
		case "remoteHost":
			err = p.str(&o.RemoteHost)
		case "notes":
			err = listInto(p, "note", &o.Notes, &p.mem.notes, (*parser).readNote)
		case "external-order-no":
			err = p.str(&o.ExternalOrderNo)
		case "external-order-status":
			err = p.istr(&o.ExternalOrderStatus)
		case "external-order-text":
			err = p.str(&o.ExternalOrderText)
		case "place-date":
			err = p.dateTime(&o.PlaceDate)
		case "global-party-id":
			err = p.str(&o.GlobalPartyID)
		case "custom-attributes":
			err = p.readCustom(&o.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

// listInto reads every <item> child of the current element into dst, one
// value each, with read; a value whose read failed is still appended, so the
// caller's error names what was decoded so far. The items are taken from
// sl, or, for a list nested in one of its own type, allocated on their own.
func listInto[T any](p *parser, item string, dst *[]T, sl *slab[T], read func(*parser, *T) error) error {
	if !sl.begin() {
		return p.list(item, func() error {
			var v T
			err := read(p, &v)
			*dst = append(*dst, v)
			return err
		})
	}
	err := p.list(item, func() error { return read(p, sl.add()) })
	if items := sl.end(); len(*dst) == 0 {
		*dst = items
	} else {
		*dst = append(*dst, items...)
	}
	return err
}

// list reads a wrapper element whose children are all item elements,
// calling read for each; p.curStart holds the item's start tag.
func (p *parser) list(item string, read func() error) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if name != item {
			if err := p.unknown(); err != nil {
				return err
			}
			continue
		}
		if err := read(); err != nil {
			return err
		}
	}
}

func (p *parser) readSourceCode(o *sfcc.Order) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "code":
			err = p.istr(&o.SourceCode)
		case "group-id":
			err = p.istr(&o.SourceCodeGroup)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readCustomer(c *sfcc.Customer) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "guest":
			err = p.boolean(&c.Guest)
		case "customer-no":
			err = p.str(&c.CustomerNo)
		case "customer-name":
			err = p.str(&c.Name)
		case "customer-email":
			err = p.str(&c.Email)
		case "billing-address":
			err = p.readAddress(&c.BillingAddress)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readAddress(a *sfcc.Address) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "salutation":
			err = p.istr(&a.Salutation)
		case "title":
			err = p.istr(&a.Title)
		case "first-name":
			err = p.str(&a.FirstName)
		case "second-name":
			err = p.str(&a.SecondName)
		case "last-name":
			err = p.str(&a.LastName)
		case "suffix":
			err = p.istr(&a.Suffix)
		case "company-name":
			err = p.str(&a.CompanyName)
		case "job-title":
			err = p.str(&a.JobTitle)
		case "address1":
			err = p.str(&a.Address1)
		case "address2":
			err = p.str(&a.Address2)
		case "suite":
			err = p.str(&a.Suite)
		case "postbox":
			err = p.str(&a.Postbox)
		case "city":
			err = p.istr(&a.City)
		case "postal-code":
			err = p.str(&a.PostalCode)
		case "state-code":
			err = p.istr(&a.StateCode)
		case "country-code":
			err = p.istr(&a.CountryCode)
			a.CountryCode = sfcc.NormalizeCountryCode(a.CountryCode)
		case "phone":
			err = p.str(&a.Phone)
		case "custom-attributes":
			err = p.readCustom(&a.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readStatus(s *sfcc.StatusSet) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "order-status":
			err = enum(p, &s.Order, sfcc.OrderStatusCreated, sfcc.OrderStatusNew, sfcc.OrderStatusOpen,
				sfcc.OrderStatusCompleted, sfcc.OrderStatusCancelled, sfcc.OrderStatusReplaced, sfcc.OrderStatusFailed)
		case "shipping-status":
			err = enum(p, &s.Shipping, sfcc.ShippingStatusNotShipped, sfcc.ShippingStatusPartShipped, sfcc.ShippingStatusShipped)
		case "confirmation-status":
			err = enum(p, &s.Confirmation, sfcc.ConfirmationStatusNotConfirmed, sfcc.ConfirmationStatusConfirmed)
		case "payment-status":
			err = enum(p, &s.Payment, sfcc.PaymentStatusNotPaid, sfcc.PaymentStatusPartPaid, sfcc.PaymentStatusPaid)
		case "export-status":
			err = enum(p, &s.Export, sfcc.ExportStatusNotExported, sfcc.ExportStatusExported, sfcc.ExportStatusReady, sfcc.ExportStatusFailed)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readOrderTotals(t *sfcc.OrderTotals) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "merchandize-total":
			err = p.readTotal(&t.MerchandizeTotal)
		case "adjusted-merchandize-total":
			err = p.readTotal(&t.AdjustedMerchandizeTotal)
		case "shipping-total":
			err = p.readTotal(&t.ShippingTotal)
		case "adjusted-shipping-total":
			err = p.readTotal(&t.AdjustedShippingTotal)
		case "order-total":
			err = p.readTotal(&t.OrderTotal)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readShipmentTotals(t *sfcc.ShipmentTotals) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "merchandize-total":
			err = p.readTotal(&t.MerchandizeTotal)
		case "adjusted-merchandize-total":
			err = p.readTotal(&t.AdjustedMerchandizeTotal)
		case "shipping-total":
			err = p.readTotal(&t.ShippingTotal)
		case "adjusted-shipping-total":
			err = p.readTotal(&t.AdjustedShippingTotal)
		case "shipment-total":
			err = p.readTotal(&t.ShipmentTotal)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readTotal(t *sfcc.Total) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "net-price":
			err = p.dec(&t.Net)
		case "tax":
			err = p.dec(&t.Tax)
		case "gross-price":
			err = p.dec(&t.Gross)
		case "price-adjustments":
			err = p.readAdjustments(&t.PriceAdjustments)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readNote(n *sfcc.Note) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "created-by":
			err = p.istr(&n.CreatedBy)
		case "creation-date":
			err = p.dateTime(&n.CreationDate)
		case "subject":
			err = p.str(&n.Subject)
		case "text":
			err = p.str(&n.Text)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

// readCustom reads a custom-attributes element. A custom attribute with
// <value> children is multi-value (whitespace between the values is
// layout); one without is single-value and keeps its text exactly.
func (p *parser) readCustom(cs *sfcc.CustomAttributes) error {
	return listInto(p, "custom-attribute", (*[]sfcc.CustomAttribute)(cs), &p.mem.custom, (*parser).readCustomAttribute)
}

func (p *parser) readCustomAttribute(a *sfcc.CustomAttribute) error {
	id, _ := attr(*p.curStart, "attribute-id")
	a.ID, a.Lang = p.intern(id), p.intern(langAttr(*p.curStart))
	vs := &p.mem.values
	if !vs.begin() {
		vs = &slab[string]{}
		vs.begin()
	}
	err := p.readCustomValues(a, vs)
	a.Values = vs.end()
	return err
}

func (p *parser) readCustomValues(a *sfcc.CustomAttribute, vs *slab[string]) error {
	text := p.custom[:0]
	defer func() { p.custom = text[:0] }()
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokText:
			text = append(text, t.text...)
		case tokStart:
			if !p.stack[len(p.stack)-1].ours {
				if err := p.skip(); err != nil {
					return err
				}
				continue
			}
			p.cur, p.curLine, p.curCol = t.start.Name.Local, p.line, p.col
			if t.start.Name.Local != "value" {
				if err := p.unknown(); err != nil {
					return err
				}
				continue
			}
			var v string
			if err := p.str(&v); err != nil {
				return err
			}
			a.Multi = true
			*vs.add() = v
		case tokEnd:
			if !a.Multi {
				*vs.add() = p.intern(text)
			}
			return nil
		}
	}
}
