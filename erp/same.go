package erp

import (
	"strings"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/sfcc"
)

// SameSalesOrder reports whether a and b are the same document as far as
// the idempotency contract of SalesOrders.CreateSalesOrder goes: every field
// equal except the ERP-assigned DocumentNo and Created, amounts and
// quantities by decimal value ("10.00" equals "10"), times by instant, and a
// nil slice equal to an empty one. The fake ERP, the conformance suite and
// adapters all decide "same content" with it, so a retry of the same
// document is never a conflict and a changed one always is.
func SameSalesOrder(a, b SalesOrder) bool {
	return a.ExternalRef == b.ExternalRef &&
		a.OrderDate.Equal(b.OrderDate) &&
		a.Currency == b.Currency &&
		a.Taxation == b.Taxation &&
		a.Customer == b.Customer &&
		sameSlice(a.Items, b.Items, sameItem) &&
		sameSlice(a.Discounts, b.Discounts, sameDiscount) &&
		sameSlice(a.Shipping, b.Shipping, sameShipping) &&
		sameSlice(a.GiftCertificates, b.GiftCertificates, sameGiftCertificate) &&
		sameRounding(a.Rounding, b.Rounding) &&
		sameSlice(a.Payments, b.Payments, samePayment) &&
		sameSlice(a.CustomFields, b.CustomFields, func(x, y CustomField) bool { return x == y }) &&
		sameSlice(a.TaxSummary, b.TaxSummary, sameTaxSummary) &&
		sameAmounts(a.Totals, b.Totals)
}

// SameJournal reports whether a and b are the same journal as far as the
// idempotency contract of Ledger.PostJournal goes: every field equal except
// the ledger-assigned EntryNo, amounts by decimal value, the date by
// instant, lines in the same order.
func SameJournal(a, b JournalEntry) bool {
	return a.Reference == b.Reference &&
		a.Date.Equal(b.Date) &&
		a.Currency == b.Currency &&
		a.Memo == b.Memo &&
		sameSlice(a.Lines, b.Lines, func(x, y JournalLine) bool {
			return x.Account == y.Account && eq(x.Debit, y.Debit) && eq(x.Credit, y.Credit) &&
				x.TaxCode == y.TaxCode && x.Memo == y.Memo && x.Reference == y.Reference
		})
}

func eq(a, b decimal.Decimal) bool { return a.Cmp(b) == 0 }

func sameSlice[T any](a, b []T, same func(x, y T) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameAmounts(a, b Amounts) bool {
	return eq(a.Net, b.Net) && eq(a.Tax, b.Tax) && eq(a.Gross, b.Gross)
}

func sameItem(a, b ItemLine) bool {
	return a.Position == b.Position && a.SKU == b.SKU && a.Description == b.Description &&
		eq(a.Quantity, b.Quantity) && eq(a.UnitPrice, b.UnitPrice) && sameAmounts(a.Amounts, b.Amounts) &&
		eq(a.TaxRate, b.TaxRate) && a.TaxCode == b.TaxCode && a.TaxAccount == b.TaxAccount &&
		a.RevenueAccount == b.RevenueAccount && a.ShipmentID == b.ShipmentID
}

func sameDiscount(a, b DiscountLine) bool {
	return a.Level == b.Level && a.PromotionID == b.PromotionID && a.CampaignID == b.CampaignID &&
		a.CouponID == b.CouponID && a.Item == b.Item && a.Account == b.Account &&
		sameAmounts(a.Amounts, b.Amounts) && eq(a.TaxRate, b.TaxRate) && a.TaxCode == b.TaxCode &&
		a.TaxAccount == b.TaxAccount
}

func sameShipping(a, b ShippingLine) bool {
	return a.ShipmentID == b.ShipmentID && a.Method == b.Method && a.CarrierService == b.CarrierService &&
		a.Item == b.Item && a.RevenueAccount == b.RevenueAccount && sameAmounts(a.Amounts, b.Amounts) &&
		eq(a.TaxRate, b.TaxRate) && a.TaxCode == b.TaxCode && a.TaxAccount == b.TaxAccount
}

func sameGiftCertificate(a, b GiftCertificateLine) bool {
	return a.ItemID == b.ItemID && a.LiabilityAccount == b.LiabilityAccount && sameAmounts(a.Amounts, b.Amounts)
}

func sameRounding(a, b *RoundingLine) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Account == b.Account && eq(a.Amount, b.Amount)
}

func samePayment(a, b PaymentLine) bool {
	return a.Kind == b.Kind && a.Processor == b.Processor && a.Method == b.Method &&
		a.ClearingAccount == b.ClearingAccount && a.PSP == b.PSP && eq(a.Amount, b.Amount) &&
		a.PSPReference == b.PSPReference
}

func sameTaxSummary(a, b TaxSummaryLine) bool {
	return a.TaxCode == b.TaxCode && a.TaxAccount == b.TaxAccount && eq(a.Rate, b.Rate) &&
		eq(a.Net, b.Net) && eq(a.Tax, b.Tax)
}

// OrderCustomer is the one conversion of an SFCC order's customer into what
// the dedupe Resolver resolves: order number, email as given (the Resolver
// normalises it), SFCC customer number, guest flag, phone and billing
// address, and the name from the billing address — or, when that has none,
// the customer name split on its last space.
func OrderCustomer(o sfcc.Order) dedupe.OrderCustomer {
	b := o.Customer.BillingAddress
	first, last := b.FirstName, b.LastName
	if first == "" && last == "" {
		name := strings.TrimSpace(o.Customer.Name)
		if i := strings.LastIndexByte(name, ' '); i > 0 {
			first, last = name[:i], name[i+1:]
		} else {
			last = name
		}
	}
	return dedupe.OrderCustomer{
		OrderNo:    o.OrderNo,
		Email:      o.Customer.Email,
		CustomerNo: o.Customer.CustomerNo,
		Guest:      o.Customer.Guest,
		FirstName:  first,
		LastName:   last,
		Phone:      b.Phone,
		Address: dedupe.Address{
			Line1: b.Address1, Line2: b.Address2, City: b.City, PostalCode: b.PostalCode,
			StateCode: b.StateCode, CountryCode: b.CountryCode,
		},
	}
}
