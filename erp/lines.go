package erp

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

// buildLines writes the pieces' amounts into the item and shipping lines and
// groups discount pieces into one line per promotion, level, tax code and rate.
func (t *translation) buildLines() {
	type discountKey struct {
		level                    DiscountLevel
		promo, campaign, coupon  string
		code, rate, account, itm string
	}
	index := map[discountKey]int{}
	for _, p := range t.pieces {
		a := t.amounts(p.base, p.tax)
		switch p.kind {
		case pieceItem:
			t.so.Items[p.line].Amounts = a
		case pieceShipping:
			t.so.Shipping[p.line].Amounts = a
		case pieceDiscount:
			k := discountKey{p.level, p.adj.PromotionID, p.adj.CampaignID, p.adj.CouponID, p.taxRow.TaxCode, p.rate.String(), p.account, p.item}
			i, ok := index[k]
			if !ok {
				i = len(t.so.Discounts)
				index[k] = i
				t.so.Discounts = append(t.so.Discounts, DiscountLine{
					Level: p.level, PromotionID: p.adj.PromotionID, CampaignID: p.adj.CampaignID, CouponID: p.adj.CouponID,
					Item: p.item, Account: p.account, TaxRate: p.rate, TaxCode: p.taxRow.TaxCode, TaxAccount: p.taxRow.TaxAccount,
					Amounts: Amounts{Net: decimal.Zero, Tax: decimal.Zero, Gross: decimal.Zero},
				})
			}
			d := &t.so.Discounts[i]
			d.Net, d.Tax, d.Gross = t.c.add(d.Net, a.Net), t.c.add(d.Tax, a.Tax), t.c.add(d.Gross, a.Gross)
		}
	}
}

func (t *translation) payments() {
	liability := ""
	for _, p := range t.o.Payments {
		row, err := t.tr.tables.Payment(string(p.Kind), p.MethodName(), p.ProcessorID, t.on)
		if err != nil {
			t.fail(err)
		} else if p.Kind == sfcc.PaymentKindGiftCertificate {
			// Redeeming a certificate settles the liability its sale created;
			// a payments row pointing anywhere else would leave it open forever.
			if liability == "" {
				liability = t.account(AccountGiftCertificateLiability)
			}
			if liability != "" && row.ClearingAccount != liability {
				t.fail(&MappingRowError{OrderNo: t.o.OrderNo, Table: "payments", Key: row.Source.String(),
					Reason: "gift certificates redeemed must clear to the gift_certificate_liability account " + liability + ", not " + row.ClearingAccount})
			}
		}
		t.so.Payments = append(t.so.Payments, PaymentLine{
			Kind: p.Kind, Processor: p.ProcessorID, Method: row.PaymentMethod, ClearingAccount: row.ClearingAccount,
			PSP: row.PSP, Amount: p.Amount, PSPReference: p.TransactionID,
		})
	}
}

// GiftMessageAttribute is the attribute id under which the attributes table
// reaches SFCC's standard gift message of a shipment or a product line
// (the gift-message element, not a custom attribute).
const GiftMessageAttribute = "giftMessage"

func (t *translation) customFields() {
	// giftMessage is the shipment's or line's standard gift message when
	// SFCC has one; otherwise a custom attribute of that id, if any.
	deliver := func(scope, ref string, attrs sfcc.CustomAttributes, giftMessage string) {
		if len(attrs) == 0 && giftMessage == "" {
			return
		}
		for _, row := range t.tr.tables.Attributes(scope, t.on) {
			var value string
			if row.AttributeID == GiftMessageAttribute && giftMessage != "" {
				value = giftMessage
			} else if a, ok := attrs.Get(row.AttributeID); ok {
				value = strings.Join(a.Values, ", ")
			} else {
				continue
			}
			f := CustomField{Scope: scope, Ref: ref, AttributeID: row.AttributeID, Target: row.Target, Field: row.Field, Value: value}
			if n := utf8.RuneCountInString(value); row.MaxLength > 0 && n > row.MaxLength {
				if row.WhenLonger != mapping.OverflowTruncate {
					t.fail(&FieldTooLongError{OrderNo: t.o.OrderNo, AttributeID: row.AttributeID, Field: row.Field, Length: n, MaxLength: row.MaxLength})
					continue
				}
				f.Value, f.Truncated = string([]rune(value)[:row.MaxLength]), true
			}
			t.so.CustomFields = append(t.so.CustomFields, f)
		}
	}
	deliver("order", "", t.o.Custom, "")
	for _, s := range t.o.Shipments {
		deliver("shipment", s.ID, s.Custom, s.GiftMessage)
	}
	for i, p := range t.o.ProductLineItems {
		deliver("product", strconv.Itoa(t.productPos[i]), p.Custom, p.GiftMessage)
	}
}

// totals sums the lines, settles the residual against the SFCC total and
// checks tax and payments.
func (t *translation) totals() {
	c := &t.c
	o := t.o
	tot := Amounts{Net: decimal.Zero, Tax: decimal.Zero, Gross: decimal.Zero}
	add := func(a Amounts) {
		tot.Net, tot.Tax, tot.Gross = c.add(tot.Net, a.Net), c.add(tot.Tax, a.Tax), c.add(tot.Gross, a.Gross)
	}
	for _, l := range t.so.Items {
		add(l.Amounts)
	}
	for _, l := range t.so.Discounts {
		add(l.Amounts)
	}
	for _, l := range t.so.Shipping {
		add(l.Amounts)
	}
	for _, l := range t.so.GiftCertificates {
		add(l.Amounts)
	}
	sfccTotal := o.Totals.OrderTotal.Gross
	if residual := c.sub(sfccTotal, tot.Gross); !residual.IsZero() {
		if residual.Abs().Cmp(t.tr.tol) > 0 {
			t.fail(&TotalMismatchError{OrderNo: o.OrderNo, Currency: o.Currency, What: "total", SFCC: sfccTotal, ERP: tot.Gross})
		} else if acct := t.account(AccountRounding); acct != "" {
			t.so.Rounding = &RoundingLine{Account: acct, Amount: residual}
			add(Amounts{Net: residual, Tax: decimal.Zero, Gross: residual})
		}
	}
	if diff := c.sub(o.Totals.OrderTotal.Tax, tot.Tax); diff.Abs().Cmp(t.tr.tol) > 0 {
		t.fail(&TotalMismatchError{OrderNo: o.OrderNo, Currency: o.Currency, What: "tax", SFCC: o.Totals.OrderTotal.Tax, ERP: tot.Tax})
	}
	paid := decimal.Zero
	for _, p := range t.so.Payments {
		paid = c.add(paid, p.Amount)
	}
	if paid.Cmp(sfccTotal) != 0 {
		t.fail(&TotalMismatchError{OrderNo: o.OrderNo, Currency: o.Currency, What: "payments", SFCC: sfccTotal, ERP: paid})
	}
	t.so.Totals = tot
	t.so.TaxSummary = taxSummary(c, &t.so)
}

func taxSummary(c *calc, so *SalesOrder) []TaxSummaryLine {
	var out []TaxSummaryLine
	add := func(code, account string, rate decimal.Decimal, a Amounts) {
		for i := range out {
			if out[i].TaxCode == code && out[i].TaxAccount == account && out[i].Rate.Cmp(rate) == 0 {
				out[i].Net, out[i].Tax = c.add(out[i].Net, a.Net), c.add(out[i].Tax, a.Tax)
				return
			}
		}
		out = append(out, TaxSummaryLine{TaxCode: code, TaxAccount: account, Rate: rate, Net: a.Net, Tax: a.Tax})
	}
	for _, l := range so.Items {
		add(l.TaxCode, l.TaxAccount, l.TaxRate, l.Amounts)
	}
	for _, l := range so.Discounts {
		add(l.TaxCode, l.TaxAccount, l.TaxRate, l.Amounts)
	}
	for _, l := range so.Shipping {
		add(l.TaxCode, l.TaxAccount, l.TaxRate, l.Amounts)
	}
	slices.SortStableFunc(out, func(a, b TaxSummaryLine) int {
		return cmp.Or(cmp.Compare(a.TaxCode, b.TaxCode), a.Rate.Cmp(b.Rate))
	})
	return out
}
