package orderxml

import (
	"github.com/o2ckit/o2c/sfcc"
)

func (p *parser) readPayment(pm *sfcc.Payment) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "credit-card", "bank-transfer", "bml", "gift-certificate", "dw-apple-pay", "dw-android-pay", "salesforce-payments", "custom-method":
			// The schema allows one instrument: a second replaces the
			// first, so Kind and the details always agree.
			clearInstrument(pm)
		}
		switch name {
		case "credit-card":
			pm.Kind, pm.Card = sfcc.PaymentKindCreditCard, &sfcc.CreditCard{}
			err = p.readCard(pm.Card)
		case "bank-transfer":
			pm.Kind, pm.BankTransfer = sfcc.PaymentKindBankTransfer, &sfcc.BankTransfer{}
			err = p.readBankTransfer(pm.BankTransfer)
		case "bml":
			pm.Kind = sfcc.PaymentKindBillMeLater
			err = p.readOnlyCustom(&pm.InstrumentCustom)
		case "gift-certificate":
			pm.Kind, pm.GiftCertificate = sfcc.PaymentKindGiftCertificate, &sfcc.GiftCertificatePayment{}
			err = p.readGiftCertificatePayment(pm.GiftCertificate)
		case "dw-apple-pay", "dw-android-pay":
			pm.Kind, pm.Wallet = sfcc.PaymentKindApplePay, &sfcc.WalletPayment{}
			if name == "dw-android-pay" {
				pm.Kind = sfcc.PaymentKindAndroidPay
			}
			err = p.readWallet(pm.Wallet)
		case "salesforce-payments":
			pm.Kind, pm.SalesforcePayments = sfcc.PaymentKindSalesforcePayments, &sfcc.SalesforcePayment{}
			err = p.readSalesforcePayments(pm.SalesforcePayments)
		case "custom-method":
			pm.Kind, pm.CustomMethod = sfcc.PaymentKindCustomMethod, &sfcc.CustomMethod{}
			err = p.readCustomMethod(pm.CustomMethod)
		case "amount":
			err = p.dec(&pm.Amount)
		case "processor-id":
			err = p.istr(&pm.ProcessorID)
		case "transaction-id":
			err = p.str(&pm.TransactionID)
		case "transaction-type":
			var tt string
			tt, err = p.token()
			if err == nil {
				if err2 := checkEnum("transaction-type", tt, transactionTypes); err2 != nil {
					p.invalid(err2, []byte(tt))
				} else {
					pm.TransactionType = tt
				}
			}
		case "account-id":
			err = p.str(&pm.AccountID)
		case "account-type":
			err = p.istr(&pm.AccountType)
		case "custom-attributes":
			err = p.readCustom(&pm.Custom)
		case "ek-id":
			err = p.integer(&pm.EKID)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

// clearInstrument removes the instrument details of a payment.
func clearInstrument(pm *sfcc.Payment) {
	pm.Kind, pm.Card, pm.BankTransfer, pm.GiftCertificate, pm.Wallet = sfcc.PaymentKindNone, nil, nil, nil, nil
	pm.SalesforcePayments, pm.CustomMethod, pm.InstrumentCustom = nil, nil, nil
}

func (p *parser) readOnlyCustom(cs *sfcc.CustomAttributes) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if name == "custom-attributes" {
			err = p.readCustom(cs)
		} else {
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readCard(c *sfcc.CreditCard) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "card-type":
			err = p.istr(&c.Type)
		case "card-number":
			err = p.str(&c.MaskedNumber)
		case "card-holder":
			err = p.str(&c.Holder)
		case "card-token":
			err = p.str(&c.Token)
		case "from-month":
			err = p.integer(&c.FromMonth)
		case "from-year":
			err = p.integer(&c.FromYear)
		case "expiration-month":
			err = p.integer(&c.ExpirationMonth)
		case "expiration-year":
			err = p.integer(&c.ExpirationYear)
		case "issue-number":
			err = p.str(&c.IssueNumber)
		case "custom-attributes":
			err = p.readCustom(&c.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readBankTransfer(b *sfcc.BankTransfer) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "account-number":
			err = p.str(&b.AccountNumber)
		case "account-holder":
			err = p.str(&b.AccountHolder)
		case "routing-number":
			err = p.str(&b.RoutingNumber)
		case "drivers-license":
			err = p.str(&b.DriversLicense)
		case "drivers-license-state-code":
			err = p.istr(&b.DriversLicenseStateCode)
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

func (p *parser) readGiftCertificatePayment(g *sfcc.GiftCertificatePayment) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "gc-merchant-id":
			err = p.istr(&g.MerchantID)
		case "giftcertificate-id":
			err = p.str(&g.ID)
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

func (p *parser) readWallet(w *sfcc.WalletPayment) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "card-type":
			err = p.istr(&w.CardType)
		case "card-number":
			err = p.str(&w.CardNumber)
		case "custom-attributes":
			err = p.readCustom(&w.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) readCustomMethod(m *sfcc.CustomMethod) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "method-name":
			err = p.istr(&m.Name)
		case "custom-attributes":
			err = p.readCustom(&m.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

// sfpFields lists, per Salesforce Payments type (the choice element), the
// detail elements the schema defines for it, in schema order.
var sfpFields = map[string][]string{
	"bancontact":        {"last-4", "bank-name"},
	"card":              {"brand", "last-4", "wallet-type"},
	"ideal":             {"bank"},
	"sepa-debit":        {"last-4"},
	"paypal":            {"payer-email-address", "capture-id"},
	"klarna":            {"payment-method-category"},
	"eps":               {"bank"},
	"venmo":             {"payer-email-address", "capture-id"},
	"afterpay-clearpay": {},
}

// sfpField returns the model field for a Salesforce Payments detail element.
func sfpField(s *sfcc.SalesforcePayment, name string) *string {
	switch name {
	case "last-4":
		return &s.Last4
	case "bank-name":
		return &s.BankName
	case "brand":
		return &s.Brand
	case "wallet-type":
		return &s.WalletType
	case "bank":
		return &s.Bank
	case "payer-email-address":
		return &s.PayerEmailAddress
	case "capture-id":
		return &s.CaptureID
	case "payment-method-category":
		return &s.PaymentMethodCategory
	}
	return nil
}

func (p *parser) readSalesforcePayments(s *sfcc.SalesforcePayment) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		fields, known := sfpFields[name]
		if !known {
			if err := p.unknown(); err != nil {
				return err
			}
			continue
		}
		// Only one payment type may be present: a second replaces the first.
		*s = sfcc.SalesforcePayment{Type: name}
		if err := p.readSalesforcePaymentDetail(s, fields); err != nil {
			return err
		}
	}
}

func (p *parser) readSalesforcePaymentDetail(s *sfcc.SalesforcePayment, fields []string) error {
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		if name == "custom-attributes" {
			err = p.readCustom(&s.Custom)
		} else if contains(fields, name) {
			err = p.str(sfpField(s, name))
		} else {
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
