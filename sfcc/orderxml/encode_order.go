package orderxml

import (
	"github.com/o2ckit/o2c/sfcc"
)

var currencyCode = func(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

var channelTypes = []string{"Storefront", "CallCenter", "Marketplace", "DSS", "Store", "Pinterest", "Twitter",
	"FacebookAds", "Subscriptions", "OnlineReservation", "CustomerServiceCenter", "InstagramCommerce", "Google",
	"TikTok", "Snapchat", "WhatsApp", "YouTube", "ChatGPT", "Gemini"}

// writeOrder writes complexType.Order, its elements in the schema's sequence.
func writeOrder(w *xmlWriter, o *sfcc.Order) {
	if !w.check("order/@order-no", o.OrderNo, nonEmpty50) {
		return
	}
	w.open("order", "order-no", o.OrderNo)
	w.dateTime("order-date", o.OrderDate)
	w.str("created-by", o.CreatedBy, str256)
	w.str("original-order-no", o.OriginalOrderNo, nonEmpty50)
	if o.Currency != "" && !currencyCode(o.Currency) {
		w.fail("currency", "%q is not three capital letters", o.Currency)
	}
	w.str("currency", o.Currency, strAny)
	w.str("customer-locale", o.CustomerLocale, str256)
	enumW(w, "taxation", o.Taxation, sfcc.TaxationNet, sfcc.TaxationGross)
	if o.SourceCode != "" || o.SourceCodeGroup != "" {
		w.open("source-code")
		w.str("code", o.SourceCode, str256)
		w.str("group-id", o.SourceCodeGroup, nonEmpty256)
		w.close("source-code")
	}
	w.str("affiliate-partner-name", o.AffiliatePartnerName, str256)
	w.str("affiliate-partner-id", o.AffiliatePartnerID, str256)
	w.str("invoice-no", o.InvoiceNo, str256)
	writeCustomer(w, &o.Customer)
	w.str("customer-order-reference", o.CustomerOrderReference, str256)
	if o.Status != (sfcc.StatusSet{}) {
		s := o.Status
		w.open("status")
		enumW(w, "order-status", s.Order, sfcc.OrderStatusCreated, sfcc.OrderStatusNew, sfcc.OrderStatusOpen,
			sfcc.OrderStatusCancelled, sfcc.OrderStatusCompleted, sfcc.OrderStatusReplaced, sfcc.OrderStatusFailed)
		enumW(w, "shipping-status", s.Shipping, sfcc.ShippingStatusNotShipped, sfcc.ShippingStatusPartShipped, sfcc.ShippingStatusShipped)
		enumW(w, "confirmation-status", s.Confirmation, sfcc.ConfirmationStatusNotConfirmed, sfcc.ConfirmationStatusConfirmed)
		enumW(w, "payment-status", s.Payment, sfcc.PaymentStatusNotPaid, sfcc.PaymentStatusPartPaid, sfcc.PaymentStatusPaid)
		enumW(w, "export-status", s.Export, sfcc.ExportStatusNotExported, sfcc.ExportStatusExported, sfcc.ExportStatusReady, sfcc.ExportStatusFailed)
		w.close("status")
	}
	enumW(w, "business-type", o.BusinessType, "B2C", "B2B")
	enumW(w, "channel-type", o.ChannelType, channelTypes...)
	w.str("replace-code", o.ReplaceCode, str256)
	w.str("replace-description", o.ReplaceDescription, str4000)
	w.str("replacement-order-no", o.ReplacementOrderNo, nonEmpty50)
	w.str("replaced-order-no", o.ReplacedOrderNo, nonEmpty50)
	w.str("current-order-no", o.CurrentOrderNo, nonEmpty50)
	w.str("cancel-code", o.CancelCode, str256)
	w.str("cancel-description", o.CancelDescription, str4000)
	if len(o.ProductLineItems) > 0 {
		w.open("product-lineitems")
		for i := range o.ProductLineItems {
			writeProductLineItem(w, &o.ProductLineItems[i])
		}
		w.close("product-lineitems")
	}
	if len(o.GiftCertificateLineItems) > 0 {
		w.open("giftcertificate-lineitems")
		for i := range o.GiftCertificateLineItems {
			writeGiftCertificateLineItem(w, &o.GiftCertificateLineItems[i])
		}
		w.close("giftcertificate-lineitems")
	}
	if len(o.ShippingLineItems) > 0 {
		w.open("shipping-lineitems")
		for i := range o.ShippingLineItems {
			writeShippingLineItem(w, &o.ShippingLineItems[i])
		}
		w.close("shipping-lineitems")
	}
	if len(o.Shipments) > 0 {
		w.open("shipments")
		for i := range o.Shipments {
			writeShipment(w, &o.Shipments[i])
		}
		w.close("shipments")
	}
	w.boolTrue("tax-rounded-at-group", o.TaxRoundedAtGroup)
	t := &o.Totals
	if !totalEmpty(&t.MerchandizeTotal) || !totalEmpty(&t.AdjustedMerchandizeTotal) || !totalEmpty(&t.ShippingTotal) ||
		!totalEmpty(&t.AdjustedShippingTotal) || !totalEmpty(&t.OrderTotal) {
		w.open("totals")
		writeTotal(w, "merchandize-total", &t.MerchandizeTotal)
		writeTotal(w, "adjusted-merchandize-total", &t.AdjustedMerchandizeTotal)
		writeTotal(w, "shipping-total", &t.ShippingTotal)
		writeTotal(w, "adjusted-shipping-total", &t.AdjustedShippingTotal)
		writeTotal(w, "order-total", &t.OrderTotal)
		w.close("totals")
	}
	if len(o.Payments) > 0 {
		w.open("payments")
		for i := range o.Payments {
			writePayment(w, &o.Payments[i])
		}
		w.close("payments")
	}
	w.str("remoteHost", o.RemoteHost, str40)
	if len(o.Notes) > 0 {
		w.open("notes")
		for _, n := range o.Notes {
			w.open("note")
			w.reqStr("created-by", n.CreatedBy, nonEmpty256)
			w.dateTime("creation-date", n.CreationDate)
			w.reqStr("subject", n.Subject, nonEmpty256)
			w.str("text", n.Text, str4000)
			w.close("note")
		}
		w.close("notes")
	}
	w.str("external-order-no", o.ExternalOrderNo, str256)
	w.str("external-order-status", o.ExternalOrderStatus, str256)
	w.str("external-order-text", o.ExternalOrderText, strAny)
	w.dateTime("place-date", o.PlaceDate)
	w.str("global-party-id", o.GlobalPartyID, str256)
	w.custom(o.Custom)
	w.close("order")
}

func writeCustomer(w *xmlWriter, c *sfcc.Customer) {
	if !c.Guest && c.CustomerNo == "" && c.Name == "" && c.Email == "" && addressEmpty(&c.BillingAddress) {
		return
	}
	w.open("customer")
	w.boolean("guest", c.Guest)
	w.str("customer-no", c.CustomerNo, str100)
	w.str("customer-name", c.Name, str256)
	w.str("customer-email", c.Email, str256)
	if !addressEmpty(&c.BillingAddress) {
		writeAddress(w, "billing-address", &c.BillingAddress)
	}
	w.close("customer")
}

func addressEmpty(a *sfcc.Address) bool {
	return a.Salutation == "" && a.Title == "" && a.FirstName == "" && a.SecondName == "" && a.LastName == "" &&
		a.Suffix == "" && a.CompanyName == "" && a.JobTitle == "" && a.Address1 == "" && a.Address2 == "" &&
		a.Suite == "" && a.Postbox == "" && a.City == "" && a.PostalCode == "" && a.StateCode == "" &&
		a.CountryCode == "" && a.Phone == "" && len(a.Custom) == 0
}

func writeAddress(w *xmlWriter, name string, a *sfcc.Address) {
	w.open(name)
	w.str("salutation", a.Salutation, str256)
	w.str("title", a.Title, str256)
	w.str("first-name", a.FirstName, str256)
	w.str("second-name", a.SecondName, str256)
	w.str("last-name", a.LastName, str256)
	w.str("suffix", a.Suffix, str256)
	w.str("company-name", a.CompanyName, str256)
	w.str("job-title", a.JobTitle, str256)
	w.str("address1", a.Address1, str256)
	w.str("address2", a.Address2, str256)
	w.str("suite", a.Suite, str256)
	w.str("postbox", a.Postbox, str256)
	w.str("city", a.City, str256)
	w.str("postal-code", a.PostalCode, str256)
	w.str("state-code", a.StateCode, str256)
	if a.CountryCode != "" && len([]rune(a.CountryCode)) != 2 {
		w.fail("country-code", "%q is not two characters", a.CountryCode)
	}
	w.str("country-code", a.CountryCode, strAny)
	w.str("phone", a.Phone, str256)
	w.custom(a.Custom)
	w.close(name)
}

func totalEmpty(t *sfcc.Total) bool {
	return t.Amounts == (sfcc.Amounts{}) && len(t.PriceAdjustments) == 0
}

// writeTotal writes complexType.Total (omitted when empty).
func writeTotal(w *xmlWriter, name string, t *sfcc.Total) {
	if totalEmpty(t) {
		return
	}
	w.open(name)
	w.dec("net-price", t.Net)
	w.dec("tax", t.Tax)
	w.dec("gross-price", t.Gross)
	writeAdjustments(w, t.PriceAdjustments)
	w.close(name)
}
