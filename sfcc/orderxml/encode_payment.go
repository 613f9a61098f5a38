package orderxml

import (
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

var hundred = decimal.MustNew(100, 0)

func writePayment(w *xmlWriter, pm *sfcc.Payment) {
	w.open("payment")
	writeInstrument(w, pm)
	w.dec("amount", pm.Amount)
	w.str("processor-id", pm.ProcessorID, nonEmpty256)
	w.str("transaction-id", pm.TransactionID, nonEmpty256)
	if pm.TransactionType != "" && !contains(transactionTypes, pm.TransactionType) {
		w.fail("transaction-type", "%q is not one of the schema's values", pm.TransactionType)
	}
	w.str("transaction-type", pm.TransactionType, strAny)
	w.str("account-id", pm.AccountID, nonEmpty256)
	w.str("account-type", pm.AccountType, nonEmpty256)
	w.custom(pm.Custom)
	w.intNZ("ek-id", pm.EKID)
	w.close("payment")
}

// writeInstrument writes the payment instrument choice. The pointer that
// carries the details must agree with Kind.
func writeInstrument(w *xmlWriter, pm *sfcc.Payment) {
	set := 0
	for _, isSet := range []bool{pm.Card != nil, pm.BankTransfer != nil, pm.GiftCertificate != nil, pm.Wallet != nil,
		pm.SalesforcePayments != nil, pm.CustomMethod != nil} {
		if isSet {
			set++
		}
	}
	mismatch := func() { w.fail(string(pm.Kind), "the payment's instrument details do not match its kind") }
	if set > 1 || (len(pm.InstrumentCustom) > 0 && pm.Kind != sfcc.PaymentKindBillMeLater) {
		mismatch()
		return
	}
	switch pm.Kind {
	case sfcc.PaymentKindNone:
		if set > 0 || len(pm.InstrumentCustom) > 0 {
			mismatch()
		}
	case sfcc.PaymentKindCreditCard:
		c := pm.Card
		if c == nil {
			if set > 0 {
				mismatch()
			}
			c = &sfcc.CreditCard{}
		}
		w.open("credit-card")
		w.str("card-type", c.Type, str256)
		w.str("card-number", c.MaskedNumber, str4000)
		w.str("card-holder", c.Holder, str256)
		w.str("card-token", c.Token, str256)
		w.intNZ("from-month", c.FromMonth)
		w.intNZ("from-year", c.FromYear)
		w.intNZ("expiration-month", c.ExpirationMonth)
		w.intNZ("expiration-year", c.ExpirationYear)
		w.str("issue-number", c.IssueNumber, str256)
		w.custom(c.Custom)
		w.close("credit-card")
	case sfcc.PaymentKindBankTransfer:
		b := pm.BankTransfer
		if b == nil {
			if set > 0 {
				mismatch()
			}
			b = &sfcc.BankTransfer{}
		}
		w.open("bank-transfer")
		w.str("account-number", b.AccountNumber, str4000)
		w.str("account-holder", b.AccountHolder, str256)
		w.str("routing-number", b.RoutingNumber, str256)
		w.str("drivers-license", b.DriversLicense, str4000)
		w.str("drivers-license-state-code", b.DriversLicenseStateCode, str256)
		w.custom(b.Custom)
		w.close("bank-transfer")
	case sfcc.PaymentKindBillMeLater:
		if set > 0 {
			mismatch()
		}
		if len(pm.InstrumentCustom) == 0 {
			w.empty("bml")
			break
		}
		w.open("bml")
		w.custom(pm.InstrumentCustom)
		w.close("bml")
	case sfcc.PaymentKindGiftCertificate:
		g := pm.GiftCertificate
		if g == nil {
			if set > 0 {
				mismatch()
			}
			g = &sfcc.GiftCertificatePayment{}
		}
		w.open("gift-certificate")
		w.str("gc-merchant-id", g.MerchantID, nonEmpty256)
		w.str("giftcertificate-id", g.ID, nonEmpty256)
		w.custom(g.Custom)
		w.close("gift-certificate")
	case sfcc.PaymentKindApplePay, sfcc.PaymentKindAndroidPay:
		wl := pm.Wallet
		if wl == nil {
			if set > 0 {
				mismatch()
			}
			wl = &sfcc.WalletPayment{}
		}
		name := string(pm.Kind)
		w.open(name)
		w.str("card-type", wl.CardType, str256)
		w.str("card-number", wl.CardNumber, str4000)
		w.custom(wl.Custom)
		w.close(name)
	case sfcc.PaymentKindSalesforcePayments:
		s := pm.SalesforcePayments
		if s == nil {
			if set > 0 {
				mismatch()
			}
			s = &sfcc.SalesforcePayment{}
		}
		writeSalesforcePayments(w, s)
	case sfcc.PaymentKindCustomMethod:
		m := pm.CustomMethod
		if m == nil {
			if set > 0 {
				mismatch()
			}
			m = &sfcc.CustomMethod{}
		}
		w.open("custom-method")
		w.reqStr("method-name", m.Name, str256)
		w.custom(m.Custom)
		w.close("custom-method")
	default:
		w.fail("", "payment kind %q is not in the schema", pm.Kind)
	}
}

func writeSalesforcePayments(w *xmlWriter, s *sfcc.SalesforcePayment) {
	fields, known := sfpFields[s.Type]
	if s.Type != "" && !known {
		w.fail("salesforce-payments", "type %q is not in the schema", s.Type)
		return
	}
	// Every detail the model carries must have a place in the type's element.
	for _, name := range []string{"last-4", "bank-name", "brand", "wallet-type", "bank", "payer-email-address", "capture-id", "payment-method-category"} {
		if *sfpField(s, name) != "" && !contains(fields, name) {
			w.fail("salesforce-payments/"+name, "has no place in a %q payment", s.Type)
			return
		}
	}
	if s.Type == "" {
		if len(s.Custom) > 0 {
			w.fail("salesforce-payments", "custom attributes need a payment type")
		}
		w.empty("salesforce-payments")
		return
	}
	w.open("salesforce-payments")
	w.open(s.Type)
	for _, name := range fields {
		t := str256
		if name == "last-4" {
			t = str4
		}
		w.str(name, *sfpField(s, name), t)
	}
	w.custom(s.Custom)
	w.close(s.Type)
	w.close("salesforce-payments")
}
