package sfcc

import (
	"fmt"
	"log/slog"

	"github.com/govalues/decimal"
)

// PaymentKind names which payment instrument a Payment carries: the element
// of order.xsd's payment choice.
type PaymentKind string

// Payment kinds, spelt as order.xsd spells the choice elements.
const (
	PaymentKindNone               PaymentKind = ""
	PaymentKindCreditCard         PaymentKind = "credit-card"
	PaymentKindBankTransfer       PaymentKind = "bank-transfer"
	PaymentKindBillMeLater        PaymentKind = "bml"
	PaymentKindGiftCertificate    PaymentKind = "gift-certificate"
	PaymentKindApplePay           PaymentKind = "dw-apple-pay"
	PaymentKindAndroidPay         PaymentKind = "dw-android-pay"
	PaymentKindSalesforcePayments PaymentKind = "salesforce-payments"
	PaymentKindCustomMethod       PaymentKind = "custom-method"
)

// Payment is one payment instrument of an order with its transaction
// (complexType.Payment). Exactly one of the instrument pointers is set,
// according to Kind (none for PaymentKindNone and PaymentKindBillMeLater,
// whose custom attributes sit in InstrumentCustom).
//
// Card and account numbers in SFCC exports are masked; o2c still treats them
// as card data: String and LogValue never print them.
type Payment struct {
	Kind PaymentKind
	// MethodID is the SFCC payment method id (JSON sources), e.g. CREDIT_CARD.
	MethodID string
	// InstrumentID is the API's payment instrument id (JSON sources only).
	InstrumentID string

	Card               *CreditCard
	BankTransfer       *BankTransfer
	GiftCertificate    *GiftCertificatePayment
	Wallet             *WalletPayment
	SalesforcePayments *SalesforcePayment
	CustomMethod       *CustomMethod
	// InstrumentCustom holds the custom attributes of a bml instrument.
	InstrumentCustom CustomAttributes

	// Amount is the amount of the payment transaction, in the order currency.
	Amount decimal.Decimal
	// ProcessorID is the payment processor, e.g. ADYEN_CREDIT.
	ProcessorID string
	// TransactionID is the PSP's reference for the transaction; reconciliation
	// matches settlements on it.
	TransactionID string
	// TransactionType is AUTH, AUTH_REVERSAL, CAPTURE or CREDIT.
	TransactionType string
	AccountID       string
	AccountType     string
	// EKID is the ek-id element of the export.
	EKID   int
	Custom CustomAttributes
}

// String describes the payment without any card or account data.
func (p Payment) String() string {
	return fmt.Sprintf("payment{kind=%s method=%s amount=%s processor=%s transaction=%s}",
		p.Kind, p.MethodName(), p.Amount, p.ProcessorID, p.TransactionID)
}

// LogValue implements slog.LogValuer without card or account data.
func (p Payment) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", string(p.Kind)),
		slog.String("method", p.MethodName()),
		slog.String("amount", p.Amount.String()),
		slog.String("processor_id", p.ProcessorID),
		slog.String("transaction_id", p.TransactionID),
	)
}

// MethodName is the most specific name of the payment method: the card type
// for cards and wallets, the method name for custom methods, the Salesforce
// Payments type for those, else MethodID or the kind.
func (p Payment) MethodName() string {
	switch {
	case p.Card != nil && p.Card.Type != "":
		return p.Card.Type
	case p.Wallet != nil && p.Wallet.CardType != "":
		return p.Wallet.CardType
	case p.CustomMethod != nil && p.CustomMethod.Name != "":
		return p.CustomMethod.Name
	case p.SalesforcePayments != nil && p.SalesforcePayments.Type != "":
		return p.SalesforcePayments.Type
	case p.MethodID != "":
		return p.MethodID
	}
	return string(p.Kind)
}

// CreditCard is a card instrument (complexType.CreditCard).
type CreditCard struct {
	// Type is the card brand, e.g. Visa.
	Type string
	// MaskedNumber is the number as exported (masked by SFCC). Card data:
	// never log it.
	MaskedNumber string
	// Holder is the cardholder name.
	Holder string
	// Token is the PSP's card token. Never log it.
	Token           string
	FromMonth       int
	FromYear        int
	ExpirationMonth int
	ExpirationYear  int
	IssueNumber     string
	Custom          CustomAttributes
}

// String describes the card by brand and last four digits only.
func (c CreditCard) String() string {
	return fmt.Sprintf("card{type=%s last4=%s}", c.Type, lastFour(c.MaskedNumber))
}

// LogValue implements slog.LogValuer with the brand and last four digits only.
func (c CreditCard) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", c.Type), slog.String("last4", lastFour(c.MaskedNumber)))
}

// BankTransfer is a bank transfer instrument (complexType.BankTransfer).
// Account numbers and licences are sensitive: never log them.
type BankTransfer struct {
	AccountNumber           string
	AccountHolder           string
	RoutingNumber           string
	DriversLicense          string
	DriversLicenseStateCode string
	Custom                  CustomAttributes
}

// String describes the transfer without account data.
func (b BankTransfer) String() string {
	return fmt.Sprintf("bank-transfer{account=…%s}", lastFour(b.AccountNumber))
}

// GiftCertificatePayment is a gift certificate redeemed as payment
// (complexType.GiftCertificate).
type GiftCertificatePayment struct {
	MerchantID string
	// ID is the gift certificate code. It is a bearer credential: never log it.
	ID     string
	Custom CustomAttributes
}

// String describes the gift certificate without its code.
func (g GiftCertificatePayment) String() string {
	return fmt.Sprintf("gift-certificate{code=…%s}", lastFour(g.ID))
}

// WalletPayment is an Apple Pay or Android Pay instrument.
type WalletPayment struct {
	CardType string
	// CardNumber is the masked device card number. Never log it.
	CardNumber string
	Custom     CustomAttributes
}

// String describes the wallet payment by brand and last four digits.
func (w WalletPayment) String() string {
	return fmt.Sprintf("wallet{type=%s last4=%s}", w.CardType, lastFour(w.CardNumber))
}

// SalesforcePayment is a Salesforce Payments instrument
// (complexType.SalesforcePayments): Type names the choice element.
type SalesforcePayment struct {
	// Type is bancontact, card, ideal, sepa-debit, paypal, klarna, eps,
	// venmo or afterpay-clearpay; empty when the export had no detail.
	Type                  string
	Brand                 string
	Last4                 string
	WalletType            string
	BankName              string
	Bank                  string
	PayerEmailAddress     string
	CaptureID             string
	PaymentMethodCategory string
	Custom                CustomAttributes
}

// CustomMethod is a custom payment method (complexType.CustomPaymentMethod),
// e.g. PayPal or Klarna through a cartridge.
type CustomMethod struct {
	Name   string
	Custom CustomAttributes
}

func lastFour(s string) string {
	digits := make([]byte, 0, 4)
	for i := len(s) - 1; i >= 0 && len(digits) < 4; i-- {
		if c := s[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	for i, j := 0, len(digits)-1; i < j; i, j = i+1, j-1 {
		digits[i], digits[j] = digits[j], digits[i]
	}
	return string(digits)
}
