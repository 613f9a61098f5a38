package sfcc

import (
	"encoding/json"
	"strings"

	"github.com/govalues/decimal"
)

type scapiEncoder struct{ gross bool }

func (e scapiEncoder) pick(a Amounts) *json.Number {
	if e.gross {
		return num(a.Gross)
	}
	return num(a.Net)
}

func scapiAmountsOf(l LineAmounts) scapiAmounts {
	return scapiAmounts{NetPrice: num(l.NetPrice), GrossPrice: num(l.GrossPrice), Tax: num(l.Tax),
		BasePrice: num(l.BasePrice), TaxBasis: scapiOptNum(l.TaxBasis), ItemText: l.Text}
}

func scapiOptNum(d decimal.Decimal) *json.Number {
	if d.IsZero() {
		return nil
	}
	return num(d)
}

func scapiTaxItemsOf(ts []TaxItem) []scapiTaxItem {
	var out []scapiTaxItem
	for _, t := range ts {
		out = append(out, scapiTaxItem{ID: t.ID, Rate: num(t.Rate), Value: num(t.Amount)})
	}
	return out
}

func scapiTotalsOf(e scapiEncoder, merch, adjMerch, ship, adjShip, total Amounts) scapiTotals {
	return scapiTotals{
		ProductSubTotal: e.pick(merch), MerchandizeTotalTax: num(merch.Tax),
		ProductTotal: e.pick(adjMerch), AdjustedMerchandizeTotalTax: num(adjMerch.Tax),
		ShippingTotal: e.pick(adjShip), ShippingTotalTax: num(ship.Tax), AdjustedShippingTotalTax: num(adjShip.Tax),
		TaxTotal: num(total.Tax),
	}
}

func scapiFromOrder(o Order) scapiOrderDoc {
	e := scapiEncoder{gross: o.Taxation == TaxationGross}
	w := scapiOrderDoc{
		OrderNo: o.OrderNo, CreationDate: formatTime(o.OrderDate), PlaceDate: formatTime(o.PlaceDate),
		LastModified: formatTime(o.LastModified), SiteID: o.SiteID, CreatedBy: o.CreatedBy, Currency: o.Currency,
		CustomerLocale: o.CustomerLocale, Taxation: strings.ToLower(string(o.Taxation)), SourceCode: o.SourceCode,
		SourceCodeGroupID: o.SourceCodeGroup, AffiliatePartnerID: o.AffiliatePartnerID, AffiliatePartnerName: o.AffiliatePartnerName,
		InvoiceNo: o.InvoiceNo, CustomerOrderReference: o.CustomerOrderReference,
		Status: strings.ToLower(string(o.Status.Order)), ExportStatus: strings.ToLower(string(o.Status.Export)),
		ConfirmationStatus: strings.ToLower(string(o.Status.Confirmation)), PaymentStatus: strings.ToLower(string(o.Status.Payment)),
		ShippingStatus: strings.ToLower(string(o.Status.Shipping)), BusinessType: o.BusinessType,
		ChannelType: strings.ToLower(o.ChannelType), CancelCode: o.CancelCode, CancelDescription: o.CancelDescription,
		ExternalOrderNo: o.ExternalOrderNo, ExternalOrderStatus: o.ExternalOrderStatus, ExternalOrderText: o.ExternalOrderText,
		GlobalPartyID: o.GlobalPartyID, RemoteHost: o.RemoteHost, Custom: o.Custom,
		CustomerInfo: &scapiCustomerInfo{CustomerID: o.Customer.CustomerID, CustomerNo: o.Customer.CustomerNo,
			CustomerName: o.Customer.Name, Email: o.Customer.Email, Guest: o.Customer.Guest},
		OrderPriceAdjustments: scapiAdjustmentsOf(o.Totals.MerchandizeTotal.PriceAdjustments),
		OrderTotal:            num(o.Totals.OrderTotal.Gross),
	}
	t := o.Totals
	w.scapiTotals = scapiTotalsOf(e, t.MerchandizeTotal.Amounts, t.AdjustedMerchandizeTotal.Amounts, t.ShippingTotal.Amounts,
		t.AdjustedShippingTotal.Amounts, t.OrderTotal.Amounts)
	if a := scapiAddressOf(o.Customer.BillingAddress); a != nil {
		w.BillingAddress = a
	}
	for i, p := range o.ProductLineItems {
		it := scapiProductOf(p)
		if s := p.ShippingLineItem; s != nil {
			id := p.ItemID + "-shipping"
			if p.ItemID == "" {
				id = "pli-" + string(rune('a'+i%26)) + "-shipping"
			}
			it.ShippingItemID = id
			w.ShippingItems = append(w.ShippingItems, scapiShippingItem{ItemID: id, ShipmentID: p.ShipmentID,
				Type: strings.ReplaceAll(s.Type, "-", "_"), TaxRate: num(s.TaxRate), TaxItems: scapiTaxItemsOf(s.TaxItems),
				Adjustments: scapiAdjustmentsOf(s.PriceAdjustments), scapiAmounts: scapiAmountsOf(s.LineAmounts), Custom: s.Custom})
		}
		w.ProductItems = append(w.ProductItems, it)
	}
	for _, s := range o.ShippingLineItems {
		w.ShippingItems = append(w.ShippingItems, scapiShippingItem{ItemID: s.ItemID, ShipmentID: s.ShipmentID,
			TaxRate: num(s.TaxRate), TaxItems: scapiTaxItemsOf(s.TaxItems), Adjustments: scapiAdjustmentsOf(s.PriceAdjustments),
			scapiAmounts: scapiAmountsOf(s.LineAmounts), Custom: s.Custom})
	}
	for _, g := range o.GiftCertificateLineItems {
		w.GiftCertificateItems = append(w.GiftCertificateItems, scapiGiftItem{ItemID: g.ItemID, MerchantID: g.MerchantID,
			RecipientEmail: g.RecipientEmail, RecipientName: g.RecipientName, SenderName: g.SenderName, Message: g.Message,
			ShipmentID: g.ShipmentID, scapiAmounts: scapiAmountsOf(g.LineAmounts), Custom: g.Custom})
	}
	for _, s := range o.Shipments {
		st := s.Totals
		sh := scapiShipment{ShipmentID: s.ID, ShippingStatus: strings.ToLower(string(s.ShippingStatus)),
			TrackingNumber: s.TrackingNumber, Gift: s.Gift, GiftMessage: s.GiftMessage, Custom: s.Custom,
			ShippingAddress: scapiAddressOf(s.ShippingAddress), ShipmentTotal: num(st.ShipmentTotal.Gross),
			scapiTotals: scapiTotalsOf(e, st.MerchandizeTotal.Amounts, st.AdjustedMerchandizeTotal.Amounts,
				st.ShippingTotal.Amounts, st.AdjustedShippingTotal.Amounts, st.ShipmentTotal.Amounts)}
		if s.ShippingMethod != "" {
			sh.ShippingMethod = &scapiShippingMethod{ID: s.ShippingMethod}
		}
		w.Shipments = append(w.Shipments, sh)
	}
	for _, p := range o.Payments {
		w.PaymentInstruments = append(w.PaymentInstruments, scapiInstrumentOf(p))
	}
	return w
}

func scapiProductOf(p ProductLineItem) scapiProductItem {
	it := scapiProductItem{ItemID: p.ItemID, Position: p.Position, ProductID: p.ProductID, ProductName: p.ProductName,
		Brand: p.Brand, Quantity: num(p.Quantity.Value), MinOrderQuantity: scapiOptNum(p.MinOrderQuantity),
		StepQuantity: scapiOptNum(p.StepQuantity), TaxRate: num(p.TaxRate), ShipmentID: p.ShipmentID,
		InventoryID: p.InventoryListID, Gift: p.Gift, GiftMessage: p.GiftMessage, ExternalStatus: p.ExternalStatus,
		ExternalText: p.ExternalText, TaxItems: scapiTaxItemsOf(p.TaxItems), Adjustments: scapiAdjustmentsOf(p.PriceAdjustments),
		scapiAmounts: scapiAmountsOf(p.LineAmounts), Custom: p.Custom, Bundled: scapiBundledOf(p.Bundled)}
	for _, op := range p.Options {
		it.Options = append(it.Options, scapiOptionItem{OptionID: op.OptionID, OptionValueID: op.ValueID, ProductID: op.ProductID,
			Adjustments: scapiAdjustmentsOf(op.PriceAdjustments), scapiAmounts: scapiAmountsOf(op.LineAmounts), Custom: op.Custom})
	}
	return it
}

func scapiBundledOf(bs []BundledProductLineItem) []scapiProductItem {
	var out []scapiProductItem
	for _, b := range bs {
		out = append(out, scapiProductItem{ProductID: b.ProductID, ProductName: b.ProductName, Quantity: num(b.Quantity.Value),
			Bundled: scapiBundledOf(b.Bundled), Custom: b.Custom})
	}
	return out
}

func scapiAdjustmentsOf(adjs []PriceAdjustment) []scapiPriceAdjustment {
	var out []scapiPriceAdjustment
	for _, a := range adjs {
		w := scapiPriceAdjustment{PromotionID: a.PromotionID, CampaignID: a.CampaignID, CouponCode: a.CouponID,
			ReasonCode: a.ReasonCode, Manual: a.Manual, CreatedBy: a.CreatedBy, CreationDate: formatTime(a.CreationDate),
			scapiAmounts: scapiAmountsOf(a.LineAmounts), Custom: a.Custom}
		if a.ABTestID != "" || a.ABTestSegmentID != "" {
			w.ABTestSegment = &scapiABSegment{TestID: a.ABTestID, SegmentID: a.ABTestSegmentID}
		}
		if d := a.Discount; d != nil {
			t, ok := scapiDiscountTypes[d.Kind]
			if !ok {
				t = strings.ReplaceAll(d.Kind, "-", "_")
			}
			w.Discount = &scapiDiscount{Type: t, PriceBookID: d.PriceBookID}
			if strings.HasPrefix(d.Kind, "percentage") {
				w.Discount.Percentage = num(d.Value)
			} else {
				w.Discount.Amount = num(d.Value)
			}
		}
		out = append(out, w)
	}
	return out
}

func scapiAddressOf(a Address) *scapiAddress {
	if a.FirstName == "" && a.LastName == "" && a.Address1 == "" && a.City == "" && a.CountryCode == "" && a.PostalCode == "" &&
		a.CompanyName == "" && a.Phone == "" && len(a.Custom) == 0 {
		return nil
	}
	full := strings.TrimSpace(strings.Join([]string{a.FirstName, a.SecondName, a.LastName}, " "))
	return &scapiAddress{Salutation: a.Salutation, Title: a.Title, FirstName: a.FirstName, SecondName: a.SecondName,
		LastName: a.LastName, Suffix: a.Suffix, FullName: strings.Join(strings.Fields(full), " "), CompanyName: a.CompanyName,
		JobTitle: a.JobTitle, Address1: a.Address1, Address2: a.Address2, Suite: a.Suite, PostBox: a.Postbox, City: a.City,
		PostalCode: a.PostalCode, StateCode: a.StateCode, CountryCode: a.CountryCode, Phone: a.Phone, Custom: a.Custom}
}

// scapiMask keeps the last four characters of a code, as SFCC masks them.
func scapiMask(s string) string {
	if len(s) <= 4 {
		return s
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

func scapiInstrumentOf(p Payment) scapiInstrument {
	w := scapiInstrument{InstrumentID: p.InstrumentID, MethodID: p.MethodID,
		Transaction: &scapiTransaction{Amount: num(p.Amount), TransactionID: p.TransactionID, Custom: p.Custom}}
	if w.MethodID == "" {
		w.MethodID = scapiPaymentMethods[p.Kind]
	}
	switch {
	case p.Card != nil:
		c := p.Card
		w.Card = &scapiPaymentCard{CardType: c.Type, MaskedNumber: scapiMask(c.MaskedNumber), NumberLastDigits: lastFour(c.MaskedNumber),
			Holder: c.Holder, ExpirationMonth: c.ExpirationMonth, ExpirationYear: c.ExpirationYear,
			ValidFromMonth: c.FromMonth, ValidFromYear: c.FromYear, IssueNumber: c.IssueNumber}
		w.Custom = c.Custom
	case p.Wallet != nil:
		w.Card = &scapiPaymentCard{CardType: p.Wallet.CardType, MaskedNumber: scapiMask(p.Wallet.CardNumber)}
		w.Custom = p.Wallet.Custom
	case p.BankTransfer != nil:
		w.BankRoutingNumber = p.BankTransfer.RoutingNumber
		w.Custom = p.BankTransfer.Custom
	case p.GiftCertificate != nil:
		w.MaskedGiftCertificateCode = scapiMask(p.GiftCertificate.ID)
		w.Custom = p.GiftCertificate.Custom
	case p.SalesforcePayments != nil:
		w.Custom = p.SalesforcePayments.Custom
	case p.CustomMethod != nil:
		if w.MethodID == "" {
			w.MethodID = p.CustomMethod.Name
		}
		w.Custom = p.CustomMethod.Custom
	default:
		w.Custom = p.InstrumentCustom
	}
	return w
}
