package erp_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/sfcc"
)

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func pennies(n int) decimal.Decimal { return decimal.MustNew(int64(n), 2) }

// units is an amount in pennies.
func units(a decimal.Decimal) int {
	whole, frac, _ := a.Int64(2)
	return int(whole*100 + frac)
}

// orderGen builds SFCC orders the way SFCC computes them: per-line tax
// rounded half to even, promotions with their own tax, totals as sums.
type orderGen struct {
	r     *rand.Rand
	gross bool
}

func (g *orderGen) taxOf(base, rate decimal.Decimal) decimal.Decimal {
	t, _ := base.Mul(rate)
	if g.gross {
		onePlus, _ := decimal.One.Add(rate)
		t, _ = t.Quo(onePlus)
	}
	return t.Round(2)
}

func (g *orderGen) amounts(base, tax decimal.Decimal) sfcc.LineAmounts {
	if g.gross {
		n, _ := base.Sub(tax)
		return sfcc.LineAmounts{NetPrice: n, Tax: tax, GrossPrice: base}
	}
	gr, _ := base.Add(tax)
	return sfcc.LineAmounts{NetPrice: base, Tax: tax, GrossPrice: gr}
}

func sum(ds ...decimal.Decimal) decimal.Decimal {
	s, _ := decimal.Sum(append([]decimal.Decimal{decimal.Zero}, ds...)...)
	return s
}

// generateOrders returns n orders from seed: UK gross and US net, one to
// six lines at mixed rates, line, order and free-shipping promotions,
// gift certificates sold and redeemed, split tenders, tax per line or only
// on the total, and now and then a one-penny residual.
func generateOrders(n int, seed uint64) []sfcc.Order {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	out := make([]sfcc.Order, 0, n)
	for i := range n {
		uk := r.IntN(2) == 0
		g := &orderGen{r: r, gross: uk}
		o := sfcc.Order{OrderNo: fmt.Sprintf("GEN-%05d", i), OrderDate: orderDate}
		rates := []string{"0.08875", "0.0725", "0.06", "0"}
		method, country := []string{"US-GROUND", "US-2DAY"}[r.IntN(2)], "US"
		o.Taxation, o.Currency = sfcc.TaxationNet, "USD"
		if uk {
			rates = []string{"0.2", "0.2", "0.05", "0"}
			method, country = []string{"UK-STANDARD", "UK-EXPRESS"}[r.IntN(2)], "GB"
			o.Taxation, o.Currency = sfcc.TaxationGross, "GBP"
		}
		o.Shipments = []sfcc.Shipment{shipment(method, country)}
		var bases, taxes []decimal.Decimal
		itemBase, itemTax := decimal.Zero, decimal.Zero
		for l := range 1 + r.IntN(6) {
			qty := 1 + r.IntN(3)
			base := pennies((100 + r.IntN(19900)) * qty)
			rate := d(rates[r.IntN(len(rates))])
			tax := g.taxOf(base, rate)
			p := product(fmt.Sprintf("SKU-%d", l), fmt.Sprint(qty), rate.String(), g.amounts(base, tax))
			bases, taxes = append(bases, base), append(taxes, tax)
			itemBase, itemTax = sum(itemBase, base), sum(itemTax, tax)
			if r.IntN(4) == 0 {
				pct := decimal.MustNew(int64(5+r.IntN(26)), 2)
				amt, _ := base.Mul(pct)
				amt = amt.Round(2).Neg()
				atax := g.taxOf(amt, rate)
				pa := promo([]string{"SUMMER10", "LINE-X", "LINE-Y"}[r.IntN(3)], g.amounts(amt, atax))
				if r.IntN(3) == 0 {
					pa.CouponID = "WELCOME5"
				}
				p.PriceAdjustments = append(p.PriceAdjustments, pa)
				bases, taxes = append(bases, amt), append(taxes, atax)
				itemBase, itemTax = sum(itemBase, amt), sum(itemTax, atax)
			}
			o.ProductLineItems = append(o.ProductLineItems, p)
		}
		if r.IntN(3) == 0 {
			amt := pennies(1 + r.IntN(units(itemBase)/2)).Neg()
			ratio, _ := itemTax.Quo(itemBase)
			atax, _ := amt.Mul(ratio)
			atax = atax.Round(2)
			pa := promo("ORDER-OFF", g.amounts(amt, atax))
			pa.CampaignID = []string{"", "BLACKFRIDAY"}[r.IntN(2)]
			o.Totals.MerchandizeTotal.PriceAdjustments = []sfcc.PriceAdjustment{pa}
			bases, taxes = append(bases, amt), append(taxes, atax)
		}
		if r.IntN(5) != 0 {
			base := pennies(r.IntN(1000))
			rate := decimal.Zero
			if uk {
				rate = d("0.2")
			}
			tax := g.taxOf(base, rate)
			s := shippingLine(rate.String(), g.amounts(base, tax))
			bases, taxes = append(bases, base), append(taxes, tax)
			if r.IntN(4) == 0 {
				s.PriceAdjustments = []sfcc.PriceAdjustment{promo("FREESHIP", g.amounts(base.Neg(), tax.Neg()))}
				bases, taxes = append(bases, base.Neg()), append(taxes, tax.Neg())
			}
			o.ShippingLineItems = []sfcc.ShippingLineItem{s}
		}
		if r.IntN(10) == 0 {
			gc := decimal.MustNew(int64(10*(1+r.IntN(10))), 0)
			o.GiftCertificateLineItems = []sfcc.GiftCertificateLineItem{{LineAmounts: sfcc.LineAmounts{NetPrice: gc, GrossPrice: gc}, ItemID: "gc"}}
			bases = append(bases, gc)
		}
		totalTax := sum(taxes...)
		total := sum(bases...)
		if !uk {
			total = sum(total, totalTax)
		}
		if r.IntN(5) == 0 { // tax only on the total
			clear := func(a *sfcc.LineAmounts) { a.Tax = decimal.Zero }
			for pi := range o.ProductLineItems {
				clear(&o.ProductLineItems[pi].LineAmounts)
				for ai := range o.ProductLineItems[pi].PriceAdjustments {
					clear(&o.ProductLineItems[pi].PriceAdjustments[ai].LineAmounts)
				}
			}
			for ai := range o.Totals.MerchandizeTotal.PriceAdjustments {
				clear(&o.Totals.MerchandizeTotal.PriceAdjustments[ai].LineAmounts)
			}
			for si := range o.ShippingLineItems {
				clear(&o.ShippingLineItems[si].LineAmounts)
				for ai := range o.ShippingLineItems[si].PriceAdjustments {
					clear(&o.ShippingLineItems[si].PriceAdjustments[ai].LineAmounts)
				}
			}
		}
		if r.IntN(10) == 0 { // SFCC's group rounding lands a penny away
			total = sum(total, []decimal.Decimal{pennies(1), pennies(-1)}[r.IntN(2)])
		}
		o.Totals.OrderTotal = sfcc.Total{Amounts: sfcc.Amounts{Tax: totalTax, Gross: total}}
		// Split the total over one to three tenders.
		left := units(total)
		if r.IntN(6) == 0 && left > 100 {
			gcPay := 1 + r.IntN(left/2)
			o.Payments = append(o.Payments, giftCertificate(pennies(gcPay).String()))
			left -= gcPay
		}
		if r.IntN(4) == 0 && left > 100 {
			pp := 1 + r.IntN(left/2)
			o.Payments = append(o.Payments, paypal(pennies(pp).String(), "PP-"+o.OrderNo))
			left -= pp
		}
		o.Payments = append(o.Payments, card(pennies(left).String(), "PSP-"+o.OrderNo))
		out = append(out, o)
	}
	return out
}

func TestTranslate_PropertyDocumentEqualsOrderTotalAndJournalBalances(t *testing.T) {
	tr := translator(t, "0.01")
	orders := generateOrders(3000, 42)
	accounts, taxCodes := tableCodes(t, "account"), tableCodes(t, "tax_code")
	var rounded, totalsOnly, orderPromos int
	for _, o := range orders {
		so, err := tr.Translate(o)
		if err != nil {
			t.Fatalf("Translate(%s): %v", o.OrderNo, err)
		}
		if so.Totals.Gross.String() != o.Totals.OrderTotal.Gross.String() {
			t.Fatalf("%s: ERP total %s, SFCC total %s", o.OrderNo, so.Totals.Gross, o.Totals.OrderTotal.Gross)
		}
		if err := so.Validate(); err != nil {
			t.Fatalf("%s: %v", o.OrderNo, err)
		}
		j, err := erp.OrderJournal(so)
		if err != nil {
			t.Fatalf("%s: journal: %v", o.OrderNo, err)
		}
		debit, credit, _ := j.Totals()
		if debit.Cmp(credit) != 0 {
			t.Fatalf("%s: journal debits %s credits %s", o.OrderNo, debit, credit)
		}
		// Each order-level promotion's discount lines add up to what SFCC gave.
		for _, pa := range o.Totals.MerchandizeTotal.PriceAdjustments {
			orderPromos++
			got := decimal.Zero
			for _, l := range so.Discounts {
				if l.Level == erp.DiscountOrder && l.PromotionID == pa.PromotionID {
					got = sum(got, l.Gross)
				}
			}
			gotNet := decimal.Zero
			for _, l := range so.Discounts {
				if l.Level == erp.DiscountOrder && l.PromotionID == pa.PromotionID {
					gotNet = sum(gotNet, l.Net)
				}
			}
			if want := pa.GrossPrice; o.Taxation == sfcc.TaxationGross && got.Cmp(want) != 0 {
				t.Fatalf("%s: order promotion lines %s gross, SFCC %s", o.OrderNo, got, want)
			}
			if want := pa.NetPrice; o.Taxation == sfcc.TaxationNet && gotNet.Cmp(want) != 0 {
				t.Fatalf("%s: order promotion lines %s net, SFCC %s", o.OrderNo, gotNet, want)
			}
		}
		// Tax SFCC gave on an order promotion is split to the penny.
		if !totalsOnlyOrder(o) {
			for _, pa := range o.Totals.MerchandizeTotal.PriceAdjustments {
				got := decimal.Zero
				for _, l := range so.Discounts {
					if l.Level == erp.DiscountOrder && l.PromotionID == pa.PromotionID {
						got = sum(got, l.Tax)
					}
				}
				if got.Cmp(pa.Tax) != 0 {
					t.Fatalf("%s: order promotion lines carry tax %s, SFCC %s", o.OrderNo, got, pa.Tax)
				}
			}
		}
		// The rounding line holds exactly what SFCC's own lines leave over,
		// worked out here from the order alone, and nothing when they add up.
		if want := residual(o); want.IsZero() {
			if so.Rounding != nil {
				t.Fatalf("%s: rounding line %s where SFCC's lines add up", o.OrderNo, so.Rounding.Amount)
			}
		} else if so.Rounding == nil || so.Rounding.Amount.Cmp(want) != 0 || so.Rounding.Account != "7990" {
			t.Fatalf("%s: rounding %+v, want %s on 7990", o.OrderNo, so.Rounding, want)
		}
		for _, l := range j.Lines {
			if !accounts[l.Account] || (l.TaxCode != "" && !taxCodes[l.TaxCode]) {
				t.Fatalf("%s: journal line %+v uses an account or tax code that is in no table", o.OrderNo, l)
			}
		}
		if so.Rounding != nil {
			rounded++
		}
		if o.ProductLineItems[0].Tax.IsZero() && !o.Totals.OrderTotal.Tax.IsZero() {
			totalsOnly++
			if so.Totals.Tax.Cmp(o.Totals.OrderTotal.Tax) != 0 {
				t.Fatalf("%s: allocated tax %s, SFCC tax %s", o.OrderNo, so.Totals.Tax, o.Totals.OrderTotal.Tax)
			}
		}
	}
	// The generator must actually exercise the interesting paths.
	if rounded < 100 || totalsOnly < 300 || orderPromos < 500 {
		t.Errorf("weak sample: %d rounded, %d tax-on-totals, %d order promotions", rounded, totalsOnly, orderPromos)
	}
}

// totalsOnlyOrder reports whether the generator left tax on the total only.
func totalsOnlyOrder(o sfcc.Order) bool {
	for _, p := range o.ProductLineItems {
		if !p.Tax.IsZero() {
			return false
		}
	}
	return !o.Totals.OrderTotal.Tax.IsZero()
}

// residual is what SFCC's order total leaves over after its lines: the
// total less every line's gross (gross taxation) or every line's net and
// the order tax (net taxation).
func residual(o sfcc.Order) decimal.Decimal {
	var parts []decimal.Decimal
	base := func(a sfcc.LineAmounts, adjs []sfcc.PriceAdjustment) {
		for _, x := range append([]sfcc.LineAmounts{a}, adjAmounts(adjs)...) {
			if o.Taxation == sfcc.TaxationGross {
				parts = append(parts, x.GrossPrice)
			} else {
				parts = append(parts, x.NetPrice)
			}
		}
	}
	for _, p := range o.ProductLineItems {
		base(p.LineAmounts, p.PriceAdjustments)
	}
	for _, s := range o.ShippingLineItems {
		base(s.LineAmounts, s.PriceAdjustments)
	}
	for _, g := range o.GiftCertificateLineItems {
		base(g.LineAmounts, nil)
	}
	for _, pa := range append(o.Totals.MerchandizeTotal.PriceAdjustments, o.Totals.ShippingTotal.PriceAdjustments...) {
		base(pa.LineAmounts, nil)
	}
	if o.Taxation == sfcc.TaxationNet {
		parts = append(parts, o.Totals.OrderTotal.Tax)
	}
	r, _ := o.Totals.OrderTotal.Gross.Sub(sum(parts...))
	return r
}

func adjAmounts(adjs []sfcc.PriceAdjustment) []sfcc.LineAmounts {
	out := make([]sfcc.LineAmounts, len(adjs))
	for i, pa := range adjs {
		out[i] = pa.LineAmounts
	}
	return out
}

// tableCodes returns every value of the columns whose name ends in suffix
// across the test tables: the accounts (or tax codes) a journal may use.
func tableCodes(t *testing.T, suffix string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("testdata/tables/*.csv")
	if err != nil || len(files) == 0 {
		t.Fatalf("test tables: %v", err)
	}
	out := map[string]bool{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for col, h := range recs[0] {
			if !strings.HasSuffix(h, suffix) {
				continue
			}
			for _, rec := range recs[1:] {
				if rec[col] != "" {
					out[rec[col]] = true
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s columns in the test tables", suffix)
	}
	return out
}
