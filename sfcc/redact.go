package sfcc

import (
	"strings"

	"github.com/o2ckit/o2c/internal/redact"
)

// Redacted returns a deep copy of o fit for a log, a support ticket or a
// dump: personal data and payment secrets are removed, and everything
// finance and operations work with is kept (order and item numbers,
// amounts, currency, statuses, products, shipment ids and tracking,
// country and state codes, custom attributes).
//
// Removed: the customer's name and the street, city, postal code, phone and
// names of every address; the shopper's IP address; card holders, card
// tokens and bank account holders and driving licences; gift messages,
// gift certificate recipients and senders; note texts. Emails keep their
// first character and domain; card, account, routing and gift certificate
// numbers keep their last four characters.
//
// A new field on the order model that carries personal data or a secret
// must be redacted here; TestOrderRedacted_RemovesEveryPersonalField fails
// until it is (or until the test's list says why the field is not personal).
func (o Order) Redacted() Order {
	o = o.Clone()
	o.Customer.Name = redact.Secret(o.Customer.Name)
	o.Customer.Email = redact.Email(o.Customer.Email)
	o.Customer.BillingAddress.redact()
	o.RemoteHost = redact.Secret(o.RemoteHost)
	for i := range o.ProductLineItems {
		o.ProductLineItems[i].GiftMessage = redact.Secret(o.ProductLineItems[i].GiftMessage)
	}
	for i := range o.GiftCertificateLineItems {
		g := &o.GiftCertificateLineItems[i]
		g.GiftCertificateID = lastFourOnly(g.GiftCertificateID)
		g.RecipientEmail = redact.Email(g.RecipientEmail)
		g.RecipientName = redact.Secret(g.RecipientName)
		g.SenderName = redact.Secret(g.SenderName)
		g.Message = redact.Secret(g.Message)
	}
	for i := range o.Shipments {
		s := &o.Shipments[i]
		s.ShippingAddress.redact()
		s.GiftMessage = redact.Secret(s.GiftMessage)
	}
	for i := range o.Notes {
		o.Notes[i].Text = redact.Secret(o.Notes[i].Text)
	}
	for i := range o.Payments {
		p := &o.Payments[i]
		if c := p.Card; c != nil {
			c.MaskedNumber, c.Holder, c.Token = lastFourOnly(c.MaskedNumber), redact.Secret(c.Holder), redact.Secret(c.Token)
		}
		if b := p.BankTransfer; b != nil {
			b.AccountNumber, b.RoutingNumber = lastFourOnly(b.AccountNumber), lastFourOnly(b.RoutingNumber)
			b.AccountHolder, b.DriversLicense = redact.Secret(b.AccountHolder), redact.Secret(b.DriversLicense)
		}
		if g := p.GiftCertificate; g != nil {
			g.ID = lastFourOnly(g.ID)
		}
		if w := p.Wallet; w != nil {
			w.CardNumber = lastFourOnly(w.CardNumber)
		}
		if s := p.SalesforcePayments; s != nil {
			s.PayerEmailAddress = redact.Email(s.PayerEmailAddress)
		}
	}
	return o
}

// redact removes everything of an address but its country and state, which
// tax and shipping reports need.
func (a *Address) redact() {
	for _, f := range []*string{&a.Salutation, &a.Title, &a.FirstName, &a.SecondName, &a.LastName, &a.Suffix,
		&a.CompanyName, &a.JobTitle, &a.Address1, &a.Address2, &a.Suite, &a.Postbox, &a.City, &a.PostalCode, &a.Phone} {
		*f = redact.Secret(*f)
	}
}

// lastFourOnly keeps the last four characters of a card, account or
// certificate number behind a fixed-width mask that hides its length; a
// value of four characters or fewer is removed whole.
func lastFourOnly(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return redact.Secret(s)
	}
	return strings.Repeat("*", 4) + string(r[len(r)-4:])
}
