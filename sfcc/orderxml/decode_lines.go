package orderxml

import (
	"fmt"

	"github.com/o2ckit/o2c/sfcc"
)

// lineAmount reads the elements of complexType.LineItemAmounts, reporting
// whether name is one of them.
func (p *parser) lineAmount(name string, la *sfcc.LineAmounts) (bool, error) {
	switch name {
	case "net-price":
		return true, p.dec(&la.NetPrice)
	case "tax":
		return true, p.dec(&la.Tax)
	case "gross-price":
		return true, p.dec(&la.GrossPrice)
	case "base-price":
		return true, p.dec(&la.BasePrice)
	case "lineitem-text":
		return true, p.istr(&la.Text)
	case "tax-basis":
		return true, p.dec(&la.TaxBasis)
	}
	return false, nil
}

func (p *parser) quantity(q *sfcc.Quantity) error {
	unit, _ := attr(*p.curStart, "unit")
	q.Unit = p.intern(unit)
	return p.dec(&q.Value)
}

func (p *parser) readProductLineItem(li *sfcc.ProductLineItem) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if done, err := p.lineAmount(name, &li.LineAmounts); done || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		switch name {
		case "position":
			err = p.position(&li.Position)
		case "product-id":
			err = p.istr(&li.ProductID)
		case "product-name":
			err = p.istr(&li.ProductName)
		case "quantity":
			err = p.quantity(&li.Quantity)
		case "tax-rate":
			err = p.dec(&li.TaxRate)
		case "min-order-quantity":
			err = p.dec(&li.MinOrderQuantity)
		case "step-quantity":
			err = p.dec(&li.StepQuantity)
		case "brand":
			err = p.istr(&li.Brand)
		case "shipment-id":
			err = p.istr(&li.ShipmentID)
		case "inventory-list-id":
			err = p.istr(&li.InventoryListID)
		case "option-lineitems":
			err = listInto(p, "option-lineitem", &li.Options, &p.mem.options, (*parser).readOptionLineItem)
		case "bundled-product-lineitems":
			err = p.readBundled(&li.Bundled)
		case "shipping-lineitem":
			li.ShippingLineItem = &sfcc.ProductShippingLineItem{}
			err = p.readProductShippingLineItem(li.ShippingLineItem)
		case "gift":
			err = p.boolean(&li.Gift)
		case "gift-message":
			err = p.str(&li.GiftMessage)
		case "external-line-item-status":
			err = p.istr(&li.ExternalStatus)
		case "external-line-item-text":
			err = p.str(&li.ExternalText)
		case "tax-items":
			err = p.readTaxItems(&li.TaxItems)
		case "custom-attributes":
			err = p.readCustom(&li.Custom)
		case "price-adjustments":
			err = p.readAdjustments(&li.PriceAdjustments)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readOptionLineItem(o *sfcc.OptionLineItem) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if done, err := p.lineAmount(name, &o.LineAmounts); done || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		switch name {
		case "option-id":
			err = p.istr(&o.OptionID)
		case "value-id":
			err = p.istr(&o.ValueID)
		case "product-id":
			err = p.istr(&o.ProductID)
		case "tax-items":
			err = p.readTaxItems(&o.TaxItems)
		case "custom-attributes":
			err = p.readCustom(&o.Custom)
		case "price-adjustments":
			err = p.readAdjustments(&o.PriceAdjustments)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readBundled(dst *[]sfcc.BundledProductLineItem) error {
	// Bundled items nest: each list is allocated on its own.
	return listInto(p, "bundled-product-lineitem", dst, &slab[sfcc.BundledProductLineItem]{open: true}, (*parser).readBundledItem)
}

func (p *parser) readBundledItem(b *sfcc.BundledProductLineItem) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "product-id":
			err = p.istr(&b.ProductID)
		case "product-name":
			err = p.istr(&b.ProductName)
		case "quantity":
			err = p.quantity(&b.Quantity)
		case "bundled-product-lineitems":
			err = p.readBundled(&b.Bundled)
		case "custom-attributes":
			err = p.readCustom(&b.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readProductShippingLineItem(s *sfcc.ProductShippingLineItem) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if done, err := p.lineAmount(name, &s.LineAmounts); done || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		switch name {
		case "quantity":
			err = p.quantity(&s.Quantity)
		case "tax-rate":
			err = p.dec(&s.TaxRate)
		case "type":
			var t string
			t, err = p.token()
			if err == nil {
				if t == "fixed-price" || t == "surcharge" {
					s.Type = t
				} else {
					p.invalid(fmt.Errorf("%w: not one of the schema's values", ErrInvalidValue), []byte(t))
				}
			}
		case "tax-items":
			err = p.readTaxItems(&s.TaxItems)
		case "custom-attributes":
			err = p.readCustom(&s.Custom)
		case "price-adjustments":
			err = p.readAdjustments(&s.PriceAdjustments)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readShippingLineItem(s *sfcc.ShippingLineItem) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if done, err := p.lineAmount(name, &s.LineAmounts); done || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		switch name {
		case "price-adjustments":
			err = p.readAdjustments(&s.PriceAdjustments)
		case "item-id":
			err = p.istr(&s.ItemID)
		case "shipment-id":
			err = p.istr(&s.ShipmentID)
		case "tax-rate":
			err = p.dec(&s.TaxRate)
		case "tax-items":
			err = p.readTaxItems(&s.TaxItems)
		case "custom-attributes":
			err = p.readCustom(&s.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readGiftCertificateLineItem(g *sfcc.GiftCertificateLineItem) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if done, err := p.lineAmount(name, &g.LineAmounts); done || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		switch name {
		case "gc-merchant-id":
			err = p.istr(&g.MerchantID)
		case "giftcertificate-id":
			err = p.str(&g.GiftCertificateID)
		case "recipient-email":
			err = p.str(&g.RecipientEmail)
		case "sender-name":
			err = p.str(&g.SenderName)
		case "recipient-name":
			err = p.str(&g.RecipientName)
		case "message":
			err = p.str(&g.Message)
		case "shipment-id":
			err = p.istr(&g.ShipmentID)
		case "tax-items":
			err = p.readTaxItems(&g.TaxItems)
		case "custom-attributes":
			err = p.readCustom(&g.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readShipment(s *sfcc.Shipment) error {
	id, _ := attr(*p.curStart, "shipment-id")
	s.ID = p.intern(id)
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "status":
			err = p.readShipmentStatus(s)
		case "shipping-method":
			err = p.istr(&s.ShippingMethod)
		case "tracking-number":
			err = p.str(&s.TrackingNumber)
		case "shipping-address":
			err = p.readAddress(&s.ShippingAddress)
		case "gift":
			err = p.boolean(&s.Gift)
		case "gift-message":
			err = p.str(&s.GiftMessage)
		case "totals":
			err = p.readShipmentTotals(&s.Totals)
		case "custom-attributes":
			err = p.readCustom(&s.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readShipmentStatus(s *sfcc.Shipment) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if name == "shipping-status" {
			err = enum(p, &s.ShippingStatus, sfcc.ShippingStatusNotShipped, sfcc.ShippingStatusShipped)
		} else {
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readTaxItems(dst *[]sfcc.TaxItem) error {
	return listInto(p, "tax-item", dst, &p.mem.taxItems, (*parser).readTaxItem)
}

func (p *parser) readTaxItem(ti *sfcc.TaxItem) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "tax-id":
			err = p.istr(&ti.ID)
		case "tax-rate":
			err = p.dec(&ti.Rate)
		case "tax-amount":
			err = p.dec(&ti.Amount)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readAdjustments(dst *[]sfcc.PriceAdjustment) error {
	return listInto(p, "price-adjustment", dst, &p.mem.adjustments, (*parser).readAdjustment)
}

func (p *parser) readAdjustment(a *sfcc.PriceAdjustment) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if done, err := p.lineAmount(name, &a.LineAmounts); done || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		switch name {
		case "promotion-id":
			err = p.istr(&a.PromotionID)
		case "campaign-id":
			err = p.istr(&a.CampaignID)
		case "abtest":
			err = p.readABTest(a)
		case "coupon-id":
			err = p.istr(&a.CouponID)
		case "reason-code":
			err = p.istr(&a.ReasonCode)
		case "manual":
			err = p.boolean(&a.Manual)
		case "discount":
			a.Discount = &sfcc.AppliedDiscount{}
			err = p.readDiscount(a.Discount)
		case "created-by":
			err = p.istr(&a.CreatedBy)
		case "creation-date":
			err = p.dateTime(&a.CreationDate)
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

func (p *parser) readABTest(a *sfcc.PriceAdjustment) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "test-id":
			err = p.istr(&a.ABTestID)
		case "segment-id":
			err = p.istr(&a.ABTestSegmentID)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

// discountKinds maps the choice elements of complexType.AppliedDiscount to
// what they carry.
var discountKinds = map[string]byte{
	"amount": 'd', "fixed-price": 'd', "fixed-price-shipping": 'd', "total-fixed-price": 'd',
	"percentage": 'p', "percent-off-options": 'p',
	"bonus": 'e', "bonus-choice": 'e', "free": 'e', "free-shipping": 'e',
	"price-book-id": 's',
}

func (p *parser) readDiscount(d *sfcc.AppliedDiscount) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		kind, known := discountKinds[name]
		if !known {
			if err := p.unknown(); err != nil {
				return err
			}
			continue
		}
		// A second choice replaces the first, as in the schema only one may be.
		*d = sfcc.AppliedDiscount{Kind: name}
		switch kind {
		case 'd', 'p':
			err = p.dec(&d.Value)
		case 's':
			err = p.istr(&d.PriceBookID)
		default:
			_, err = p.text()
		}
		if err != nil {
			return err
		}
	}
}
