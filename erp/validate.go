package erp

import (
	"fmt"

	"github.com/govalues/decimal"
)

// Validate checks the arithmetic any ERP requires of a sales order: an
// external reference, Net + Tax == Gross on every line, totals equal to the
// sum of the lines, and payments equal to the gross total. Errors wrap
// ErrInvalid and name the order.
func (so SalesOrder) Validate() error {
	if so.ExternalRef == "" {
		return fmt.Errorf("%w: sales order without an external reference", ErrInvalid)
	}
	var c calc
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: sales order %s: %s", ErrInvalid, so.ExternalRef, fmt.Sprintf(format, args...))
	}
	sum := Amounts{Net: decimal.Zero, Tax: decimal.Zero, Gross: decimal.Zero}
	check := func(what string, a Amounts) error {
		if c.add(a.Net, a.Tax).Cmp(a.Gross) != 0 {
			return bad("%s: net %s + tax %s != gross %s", what, a.Net, a.Tax, a.Gross)
		}
		sum.Net, sum.Tax, sum.Gross = c.add(sum.Net, a.Net), c.add(sum.Tax, a.Tax), c.add(sum.Gross, a.Gross)
		return nil
	}
	for i, l := range so.Items {
		if err := check(fmt.Sprintf("item line %d (%s)", i+1, l.SKU), l.Amounts); err != nil {
			return err
		}
	}
	for i, l := range so.Discounts {
		if err := check(fmt.Sprintf("discount line %d (%s)", i+1, l.PromotionID), l.Amounts); err != nil {
			return err
		}
	}
	for i, l := range so.Shipping {
		if err := check(fmt.Sprintf("shipping line %d", i+1), l.Amounts); err != nil {
			return err
		}
	}
	for i, l := range so.GiftCertificates {
		if err := check(fmt.Sprintf("gift certificate line %d", i+1), l.Amounts); err != nil {
			return err
		}
	}
	if so.Rounding != nil {
		if err := check("rounding", Amounts{Net: so.Rounding.Amount, Tax: decimal.Zero, Gross: so.Rounding.Amount}); err != nil {
			return err
		}
	}
	if sum.Net.Cmp(so.Totals.Net) != 0 || sum.Tax.Cmp(so.Totals.Tax) != 0 || sum.Gross.Cmp(so.Totals.Gross) != 0 {
		return bad("lines add up to %s/%s/%s, totals say %s/%s/%s", sum.Net, sum.Tax, sum.Gross, so.Totals.Net, so.Totals.Tax, so.Totals.Gross)
	}
	paid := decimal.Zero
	for _, p := range so.Payments {
		paid = c.add(paid, p.Amount)
	}
	if paid.Cmp(so.Totals.Gross) != 0 {
		return bad("payments %s, total %s", paid, so.Totals.Gross)
	}
	if c.err != nil {
		return bad("%v", c.err)
	}
	return nil
}
