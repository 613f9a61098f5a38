package orderxml

import (
	"github.com/o2ckit/o2c/sfcc"
)

// lineAmounts writes complexType.LineItemAmounts.
func lineAmounts(w *xmlWriter, a *sfcc.LineAmounts) {
	w.dec("net-price", a.NetPrice)
	w.dec("tax", a.Tax)
	w.dec("gross-price", a.GrossPrice)
	w.dec("base-price", a.BasePrice)
	w.str("lineitem-text", a.Text, str256)
	w.dec("tax-basis", a.TaxBasis)
}

func quantity(w *xmlWriter, q sfcc.Quantity) {
	var tmp [32]byte
	b, _ := q.Value.AppendText(tmp[:0])
	w.leaf("quantity", string(b), "unit", q.Unit)
}

func writeProductLineItem(w *xmlWriter, li *sfcc.ProductLineItem) {
	w.open("product-lineitem")
	lineAmounts(w, &li.LineAmounts)
	w.intNZ("position", li.Position)
	w.reqStr("product-id", li.ProductID, nonEmpty100)
	w.str("product-name", li.ProductName, str4000)
	quantity(w, li.Quantity)
	w.reqDec("tax-rate", li.TaxRate)
	w.dec("min-order-quantity", li.MinOrderQuantity)
	w.dec("step-quantity", li.StepQuantity)
	w.str("brand", li.Brand, str256)
	w.reqStr("shipment-id", li.ShipmentID, nonEmpty256)
	w.str("inventory-list-id", li.InventoryListID, str256)
	if len(li.Options) > 0 {
		w.open("option-lineitems")
		for i := range li.Options {
			o := &li.Options[i]
			w.open("option-lineitem")
			lineAmounts(w, &o.LineAmounts)
			w.reqStr("option-id", o.OptionID, nonEmpty256)
			w.reqStr("value-id", o.ValueID, nonEmpty256)
			w.reqStr("product-id", o.ProductID, nonEmpty100)
			taxItems(w, o.TaxItems)
			w.custom(o.Custom)
			writeAdjustments(w, o.PriceAdjustments)
			w.close("option-lineitem")
		}
		w.close("option-lineitems")
	}
	bundled(w, li.Bundled)
	if s := li.ShippingLineItem; s != nil {
		w.open("shipping-lineitem")
		lineAmounts(w, &s.LineAmounts)
		quantity(w, s.Quantity)
		w.reqDec("tax-rate", s.TaxRate)
		if s.Type != "fixed-price" && s.Type != "surcharge" {
			w.fail("type", "%q is not fixed-price or surcharge", s.Type)
		}
		w.leaf("type", s.Type)
		taxItems(w, s.TaxItems)
		w.custom(s.Custom)
		writeAdjustments(w, s.PriceAdjustments)
		w.close("shipping-lineitem")
	}
	w.boolTrue("gift", li.Gift)
	w.str("gift-message", li.GiftMessage, str4000)
	w.str("external-line-item-status", li.ExternalStatus, str256)
	w.str("external-line-item-text", li.ExternalText, strAny)
	taxItems(w, li.TaxItems)
	w.custom(li.Custom)
	writeAdjustments(w, li.PriceAdjustments)
	w.close("product-lineitem")
}

func bundled(w *xmlWriter, items []sfcc.BundledProductLineItem) {
	if len(items) == 0 {
		return
	}
	w.open("bundled-product-lineitems")
	for i := range items {
		b := &items[i]
		w.open("bundled-product-lineitem")
		w.reqStr("product-id", b.ProductID, nonEmpty100)
		w.str("product-name", b.ProductName, str4000)
		quantity(w, b.Quantity)
		bundled(w, b.Bundled)
		w.custom(b.Custom)
		w.close("bundled-product-lineitem")
	}
	w.close("bundled-product-lineitems")
}

func taxItems(w *xmlWriter, items []sfcc.TaxItem) {
	if len(items) == 0 {
		return
	}
	if len(items) > 10 {
		w.fail("tax-items", "%d tax items; the schema allows at most 10", len(items))
		return
	}
	w.open("tax-items")
	for _, ti := range items {
		w.open("tax-item")
		w.reqStr("tax-id", ti.ID, nonEmpty256)
		w.reqDec("tax-rate", ti.Rate)
		w.reqDec("tax-amount", ti.Amount)
		w.close("tax-item")
	}
	w.close("tax-items")
}

func writeAdjustments(w *xmlWriter, adjs []sfcc.PriceAdjustment) {
	if len(adjs) == 0 {
		return
	}
	w.open("price-adjustments")
	for i := range adjs {
		a := &adjs[i]
		w.open("price-adjustment")
		lineAmounts(w, &a.LineAmounts)
		w.reqStr("promotion-id", a.PromotionID, nonEmpty256)
		switch {
		case a.CampaignID != "" && (a.ABTestID != "" || a.ABTestSegmentID != ""):
			w.fail("campaign-id", "a price adjustment has a campaign or an A/B test, not both")
		case a.CampaignID != "":
			w.str("campaign-id", a.CampaignID, nonEmpty256)
		case a.ABTestID != "" || a.ABTestSegmentID != "":
			w.open("abtest")
			w.reqStr("test-id", a.ABTestID, nonEmpty40)
			w.reqStr("segment-id", a.ABTestSegmentID, nonEmpty40)
			w.close("abtest")
		}
		w.str("coupon-id", a.CouponID, nonEmpty256)
		w.str("reason-code", a.ReasonCode, nonEmpty256)
		w.boolTrue("manual", a.Manual)
		if d := a.Discount; d != nil {
			w.open("discount")
			switch discountKinds[d.Kind] {
			case 'd':
				w.reqDec(d.Kind, d.Value)
			case 'p':
				if d.Value.IsNeg() || d.Value.Cmp(hundred) > 0 {
					w.fail(d.Kind, "%s is not a percentage between 0 and 100", d.Value)
				}
				w.reqDec(d.Kind, d.Value)
			case 'e':
				w.empty(d.Kind)
			case 's':
				w.reqStr(d.Kind, d.PriceBookID, nonEmpty256)
			default:
				w.fail("", "discount kind %q is not in the schema", d.Kind)
			}
			w.close("discount")
		}
		w.str("created-by", a.CreatedBy, str256)
		w.dateTime("creation-date", a.CreationDate)
		w.custom(a.Custom)
		w.close("price-adjustment")
	}
	w.close("price-adjustments")
}

func writeGiftCertificateLineItem(w *xmlWriter, g *sfcc.GiftCertificateLineItem) {
	w.open("giftcertificate-lineitem")
	lineAmounts(w, &g.LineAmounts)
	w.str("gc-merchant-id", g.MerchantID, nonEmpty256)
	w.str("giftcertificate-id", g.GiftCertificateID, nonEmpty256)
	w.str("recipient-email", g.RecipientEmail, str256)
	w.str("sender-name", g.SenderName, str256)
	w.str("recipient-name", g.RecipientName, str256)
	w.str("message", g.Message, str4000)
	w.str("shipment-id", g.ShipmentID, nonEmpty256)
	taxItems(w, g.TaxItems)
	w.custom(g.Custom)
	w.close("giftcertificate-lineitem")
}

func writeShippingLineItem(w *xmlWriter, s *sfcc.ShippingLineItem) {
	w.open("shipping-lineitem")
	lineAmounts(w, &s.LineAmounts)
	writeAdjustments(w, s.PriceAdjustments)
	w.str("item-id", s.ItemID, nonEmpty256)
	w.str("shipment-id", s.ShipmentID, nonEmpty256)
	w.reqDec("tax-rate", s.TaxRate)
	taxItems(w, s.TaxItems)
	w.custom(s.Custom)
	w.close("shipping-lineitem")
}

func writeShipment(w *xmlWriter, s *sfcc.Shipment) {
	if !w.check("shipment/@shipment-id", s.ID, nonEmpty256) {
		return
	}
	w.open("shipment", "shipment-id", s.ID)
	if s.ShippingStatus != "" {
		w.open("status")
		enumW(w, "shipping-status", s.ShippingStatus, sfcc.ShippingStatusNotShipped, sfcc.ShippingStatusShipped)
		w.close("status")
	}
	w.str("shipping-method", s.ShippingMethod, str256)
	w.str("tracking-number", s.TrackingNumber, str256)
	if !addressEmpty(&s.ShippingAddress) {
		writeAddress(w, "shipping-address", &s.ShippingAddress)
	}
	w.boolTrue("gift", s.Gift)
	w.str("gift-message", s.GiftMessage, str4000)
	t := &s.Totals
	if !totalEmpty(&t.MerchandizeTotal) || !totalEmpty(&t.AdjustedMerchandizeTotal) || !totalEmpty(&t.ShippingTotal) ||
		!totalEmpty(&t.AdjustedShippingTotal) || !totalEmpty(&t.ShipmentTotal) {
		w.open("totals")
		writeTotal(w, "merchandize-total", &t.MerchandizeTotal)
		writeTotal(w, "adjusted-merchandize-total", &t.AdjustedMerchandizeTotal)
		writeTotal(w, "shipping-total", &t.ShippingTotal)
		writeTotal(w, "adjusted-shipping-total", &t.AdjustedShippingTotal)
		writeTotal(w, "shipment-total", &t.ShipmentTotal)
		w.close("totals")
	}
	w.custom(s.Custom)
	w.close("shipment")
}
