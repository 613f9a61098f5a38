package erp

import (
	"fmt"

	"github.com/govalues/decimal"
)

// JournalReference is the ledger reference of an order's journal.
func JournalReference(orderNo string) string { return "order:" + orderNo }

// OrderJournal is the double-entry journal of a translated sales order:
// each payment debited to its clearing account (a gift certificate redeemed
// debits the liability); revenue, shipping revenue and gift certificates
// sold (liability) credited at net; discounts debited at net to their
// accounts; VAT credited per tax code net of discount tax; any rounding to
// the rounding account. Lines on the same account, tax code and role are
// summed, in first-seen order, so the journal is deterministic.
//
// Because Translate makes the document equal the payments to the penny, the
// journal of a translated order always balances; OrderJournal still checks
// and returns an *UnbalancedJournalError for a hand-made document that does not.
func OrderJournal(so SalesOrder) (JournalEntry, error) {
	var c calc
	j := JournalEntry{
		Reference: JournalReference(so.ExternalRef),
		Date:      so.OrderDate,
		Currency:  so.Currency,
		Memo:      "SFCC order " + so.ExternalRef,
	}
	type key struct{ account, taxCode, memo string }
	var keys []key
	credits := map[key]decimal.Decimal{}
	credit := func(account, taxCode, memo string, amount decimal.Decimal) {
		if amount.IsZero() {
			return
		}
		k := key{account, taxCode, memo}
		prev, ok := credits[k]
		if !ok {
			keys = append(keys, k)
			prev = decimal.Zero
		}
		credits[k] = c.add(prev, amount)
	}
	for _, p := range so.Payments {
		l := JournalLine{Account: p.ClearingAccount, Memo: "payment " + p.Method, Reference: p.PSPReference}
		l.Debit, l.Credit = sides(p.Amount)
		j.Lines = append(j.Lines, l)
	}
	for _, l := range so.Items {
		credit(l.RevenueAccount, "", "revenue", l.Net)
		credit(l.TaxAccount, l.TaxCode, "VAT", l.Tax)
	}
	for _, l := range so.Shipping {
		credit(l.RevenueAccount, "", "shipping revenue", l.Net)
		credit(l.TaxAccount, l.TaxCode, "VAT", l.Tax)
	}
	for _, l := range so.Discounts {
		credit(l.Account, "", "discount", l.Net)
		credit(l.TaxAccount, l.TaxCode, "VAT", l.Tax)
	}
	for _, l := range so.GiftCertificates {
		credit(l.LiabilityAccount, "", "gift certificate sold", l.Gross)
	}
	if so.Rounding != nil {
		credit(so.Rounding.Account, "", "rounding", so.Rounding.Amount)
	}
	for _, k := range keys {
		amount := credits[k]
		if amount.IsZero() {
			continue
		}
		l := JournalLine{Account: k.account, TaxCode: k.taxCode, Memo: k.memo}
		l.Credit, l.Debit = sides(amount)
		j.Lines = append(j.Lines, l)
	}
	if c.err != nil {
		return JournalEntry{}, fmt.Errorf("erp: journal for order %s: %w", so.ExternalRef, c.err)
	}
	if err := j.Validate(); err != nil {
		return JournalEntry{}, err
	}
	return j, nil
}

// sides splits a signed amount into (positive side, negative side), both
// non-negative: 5 → (5, 0), −5 → (0, 5).
func sides(amount decimal.Decimal) (decimal.Decimal, decimal.Decimal) {
	if amount.IsNeg() {
		return decimal.Zero.Pad(amount.Scale()), amount.Neg()
	}
	return amount, decimal.Zero.Pad(amount.Scale())
}

// Totals returns the sums of the debits and the credits.
func (j JournalEntry) Totals() (debit, credit decimal.Decimal, err error) {
	var c calc
	debit, credit = decimal.Zero, decimal.Zero
	for _, l := range j.Lines {
		debit, credit = c.add(debit, l.Debit), c.add(credit, l.Credit)
	}
	return debit, credit, c.err
}

// Validate checks what any ledger requires: a reference, lines that each
// debit or credit one account by a non-negative amount, and debits equal
// to credits. Errors wrap ErrInvalid, or are an *UnbalancedJournalError.
func (j JournalEntry) Validate() error {
	if j.Reference == "" {
		return fmt.Errorf("%w: journal without a reference", ErrInvalid)
	}
	if len(j.Lines) == 0 {
		return fmt.Errorf("%w: journal %s has no lines", ErrInvalid, j.Reference)
	}
	for i, l := range j.Lines {
		if l.Account == "" || l.Debit.IsNeg() || l.Credit.IsNeg() || (!l.Debit.IsZero() && !l.Credit.IsZero()) {
			return fmt.Errorf("%w: journal %s line %d must debit or credit one account by a non-negative amount", ErrInvalid, j.Reference, i+1)
		}
	}
	debit, credit, err := j.Totals()
	if err != nil {
		return fmt.Errorf("%w: journal %s: %v", ErrInvalid, j.Reference, err)
	}
	if debit.Cmp(credit) != 0 {
		return &UnbalancedJournalError{Reference: j.Reference, Debit: debit, Credit: credit}
	}
	return nil
}
