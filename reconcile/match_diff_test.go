package reconcile

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
)

// diffData generates a tangled day: few PSP references and order numbers
// shared by many items and lines, a handful of amounts so that ties are
// common, partial captures, refunds, lines in another settlement currency
// with fees, lines without references, and chargebacks and fees that match
// nothing. It is built to reach every branch of the matcher, not to look
// like a real day.
func diffData(rng *rand.Rand, n int) ([]Expected, []SettlementLine) {
	placed := day2026(time.November, 1)
	refs := 1 + rng.IntN(max(1, n/3))
	orders := 1 + rng.IntN(max(1, n/3))
	amounts := []string{"10.00", "10.0", "10.01", "20.00", "5.00", "15.00", "30.00", "9.99", "-10.00", "-5.00", "0.01", "8.10"}
	currencies := []string{"EUR", "EUR", "EUR", "USD", "JPY", "GBP"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var exps []Expected
	for i := range n {
		e := Expected{Kind: ExpectedPayment, OrderNo: fmt.Sprintf("O%d", rng.IntN(orders)), PSPReference: fmt.Sprintf("R%d", rng.IntN(refs)),
			Amount: d(strings.TrimPrefix(pick(amounts), "-")), Currency: pick(currencies), Date: placed.AddDate(0, 0, rng.IntN(3)), Seq: i % 3}
		if e.Currency == "JPY" {
			e.Amount = decimal.MustNew(int64(1000*(1+rng.IntN(3))), 0)
		}
		switch rng.IntN(10) {
		case 0:
			e.Kind, e.RefundID, e.Amount = ExpectedRefund, fmt.Sprintf("RMA%d", i), e.Amount.Neg()
		case 1:
			e.PSPReference = ""
		}
		exps = append(exps, e)
	}
	var lines []SettlementLine
	addLine := func(e Expected, amount decimal.Decimal) {
		l := SettlementLine{Provider: pick([]string{"adyen", "adyen", "stripe"}), Type: e.lineType(), PSPReference: e.PSPReference,
			ModificationReference: fmt.Sprintf("M%d", len(lines)), MerchantReference: e.OrderNo, GrossCurrency: e.Currency, Gross: amount,
			NetCurrency: e.Currency, Net: amount, BookingDate: e.Date.AddDate(0, 0, rng.IntN(6)-1), PayoutID: fmt.Sprintf("P%d", rng.IntN(3)),
			Source: Position{File: "diff.csv", Line: len(lines) + 2}}
		switch rng.IntN(12) {
		case 0:
			l.PSPReference = ""
		case 1:
			l.MerchantReference = ""
		case 2:
			l.PSPReference, l.MerchantReference = "", ""
		case 3:
			// Settled in another currency with a fee: only the net side
			// is in the settlement currency.
			l.NetCurrency = "GBP"
			l.Net = d("8.00")
			l.Fees = []Fee{{Component: "commission", Amount: d("0.10")}}
		case 4:
			l.PSPReference = fmt.Sprintf("R%d", rng.IntN(refs))
		case 5:
			l.ModificationReference = ""
		}
		lines = append(lines, l)
	}
	for _, e := range exps {
		switch rng.IntN(10) {
		case 0: // never settled
		case 1: // partial captures
			half, _ := e.Amount.Quo(decimal.Two)
			half = half.Round(2)
			addLine(e, half)
			addLine(e, mustSub(e.Amount, half))
		case 2: // a cent off, for the tolerance rules
			addLine(e, mustAdd(e.Amount, d("0.01")))
		case 3: // another amount altogether
			addLine(e, d(pick(amounts)))
		default:
			addLine(e, e.Amount)
		}
	}
	// Lines no item expects.
	for range n / 10 {
		e := Expected{Kind: ExpectedPayment, OrderNo: fmt.Sprintf("O%d", rng.IntN(orders*2)), PSPReference: fmt.Sprintf("R%d", rng.IntN(refs*2)),
			Amount: d(pick(amounts)), Currency: pick(currencies), Date: placed}
		addLine(e, e.Amount)
	}
	for i := range n / 20 {
		l := capture(fmt.Sprintf("R%d", rng.IntN(refs)), "", "-3.00", "EUR", 10_000+i)
		l.Type = []LineType{TypeChargeback, TypeFee, TypeAdjustment}[i%3]
		lines = append(lines, l)
	}
	rng.Shuffle(len(exps), func(i, j int) { exps[i], exps[j] = exps[j], exps[i] })
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return exps, lines
}

func itemsOf(exps []Expected) []*item {
	items := make([]*item, len(exps))
	for i, e := range exps {
		items[i] = newItem(&e, time.Time{})
	}
	return items
}

// render prints everything a match result and the items' states hold,
// amounts with their scale, so two results render alike only if they are
// identical.
func render(res matchResult, items []*item) string {
	var b strings.Builder
	for _, m := range res.matches {
		fmt.Fprintf(&b, "match %+v\n", m)
	}
	for _, rv := range res.review {
		fmt.Fprintf(&b, "review %+v\n", rv)
	}
	for _, l := range res.unexpected {
		fmt.Fprintf(&b, "unexpected %+v\n", l)
	}
	for _, it := range items {
		fmt.Fprintf(&b, "item %s done=%v settled=%s\n", it.key, it.done, it.Settled)
	}
	return b.String()
}

var diffRules = []ToleranceRule{
	{Name: "cent", Absolute: d("0.01"), DaysAfter: 3},
	{Name: "pct", Percent: d("1"), DaysBefore: 1, DaysAfter: 5},
}

// TestMatcher_SameOutcomeAsTheReferenceMatcher runs the production matcher
// and the plain reference matcher on generated days and requires identical
// matches, reviews, unexpected lines and item states.
func TestMatcher_SameOutcomeAsTheReferenceMatcher(t *testing.T) {
	seeds := 400
	if testing.Short() {
		seeds = 60
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 0xd1ff))
		exps, lines := diffData(rng, 5+rng.IntN(120))
		for _, rules := range [][]ToleranceRule{nil, diffRules} {
			refItems := itemsOf(exps)
			want := render(newRefMatcher(rules, refItems, append([]SettlementLine(nil), lines...)).run(), refItems)
			items := itemsOf(exps)
			got := render(newMatcher(rules, items, append([]SettlementLine(nil), lines...)).run(), items)
			if got != want {
				t.Fatalf("seed %d, %d rules: outcome differs from the reference matcher\n%s", seed, len(rules), firstDiff(got, want))
			}
		}
	}
}

// firstDiff shows the first differing line of two renders.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl, wl)
		}
	}
	return ""
}

// TestCountLines_SameAsTheIdentityMap compares the run-wise duplicate
// filter with the map of every line's identity it replaced: same lines
// counted in the same order, same duplicates, same lines over the budget.
func TestCountLines_SameAsTheIdentityMap(t *testing.T) {
	dups, over := 0, 0
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 0xc0de))
		_, base := diffData(rng, 5+rng.IntN(80))
		for i := range base {
			switch {
			case base[i].PSPReference == "":
			case seed%3 == 1:
				// References beyond the 16 bytes the sort keys hold, all
				// alike in those 16.
				base[i].PSPReference = "0123456789abcdef-" + base[i].PSPReference
			case seed%3 == 2 && i%2 == 0:
				// A reference and the same with a zero byte after it.
				base[i].PSPReference += "\x00"
			}
		}
		lines := append([]SettlementLine(nil), base...)
		for i, l := range base {
			switch rng.IntN(6) {
			case 0: // the same row in an overlapping export
				l.Source.File = "overlap.csv"
				lines = append(lines, l)
			case 1: // the same row, read with other unkeyed fields
				l.MerchantReference, l.BookingDate, l.Source.Line = "other", l.BookingDate.AddDate(0, 0, 1), 50_000+i
				lines = append(lines, l)
			case 2: // the same amount written with another scale: another row
				l.Gross, l.Source.Line = l.Gross.Pad(4), 60_000+i
				lines = append(lines, l)
			case 3: // many rows of one modification reference
				for k := range 20 + rng.IntN(20) {
					c := l
					c.Source.Line = 70_000 + 100*i + k
					c.PayoutID = fmt.Sprintf("P%d", rng.IntN(25))
					lines = append(lines, c)
				}
			}
		}
		rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		limit := maxRunMagnitude
		if seed%3 == 0 {
			limit = d("2000") // some lines go beyond the budget
		}
		var wantRep, gotRep Report
		want := refCountLines(append([]SettlementLine(nil), lines...), &runBudget{used: decimal.Zero, limit: limit}, &wantRep)
		// The lines in parts of uneven sizes, as files and chunks come.
		var parts [][]SettlementLine
		for rest := lines; len(rest) > 0; {
			k := 1 + rng.IntN(len(rest))
			parts, rest = append(parts, rest[:k]), rest[k:]
		}
		var got []SettlementLine
		sorted, sameRef, refs := sortedLines(parts)
		counted, countedSame, countedRefs := countLines(sorted, sameRef, refs, &runBudget{used: decimal.Zero, limit: limit}, &gotRep)
		for k, l := range counted {
			got = append(got, *l)
			if r, want := countedRefs[k], refOf(l.PSPReference); r.hi != want.hi || r.lo != want.lo || r.size != want.size {
				t.Fatalf("seed %d: counted line %d (%s): reference key %+v, want %+v", seed, k, l.Source, countedRefs[k], refOf(l.PSPReference))
			}
			if k > 0 {
				want := strings.Compare(counted[k-1].PSPReference, l.PSPReference)
				if got := compareLineRefs(countedRefs[k-1], counted[k-1].PSPReference, countedRefs[k], l.PSPReference); got != want {
					t.Fatalf("seed %d: references %q and %q compare %d by their keys, want %d", seed, counted[k-1].PSPReference, l.PSPReference, got, want)
				}
			}
			if same := k > 0 && l.Provider == counted[k-1].Provider && l.PSPReference == counted[k-1].PSPReference; same != countedSame[k] {
				t.Fatalf("seed %d: counted line %d (%s) same reference as the one before: %v, want %v", seed, k, l.Source, countedSame[k], same)
			}
		}
		w := fmt.Sprintf("%+v\n%+v\n%+v", want, wantRep.DuplicateLines, wantRep.ReadErrors)
		g := fmt.Sprintf("%+v\n%+v\n%+v", got, gotRep.DuplicateLines, gotRep.ReadErrors)
		if g != w {
			t.Fatalf("seed %d: counted lines differ (%d vs %d counted, %d vs %d duplicates, %d vs %d over budget)", seed,
				len(got), len(want), len(gotRep.DuplicateLines), len(wantRep.DuplicateLines), len(gotRep.ReadErrors), len(wantRep.ReadErrors))
		}
		dups, over = dups+len(wantRep.DuplicateLines), over+len(wantRep.ReadErrors)
	}
	if dups == 0 || over == 0 {
		t.Errorf("the generated days had %d duplicates and %d lines beyond the budget; want some of each", dups, over)
	}
}

// TestPrefix16_OrdersAsStrings checks that the integer prefix keys order
// references as strings.Compare does wherever they differ: prefixes of
// each other, zero bytes, references beyond 16 bytes.
func TestPrefix16_OrdersAsStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	alphabet := []byte{0, '0', '1', '9', 'A', 'z', 0xff}
	gen := func() string {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20_000 {
		a, b := gen(), gen()
		if rng.IntN(3) == 0 && len(a) > 0 {
			b = a[:rng.IntN(len(a))] // a prefix
		}
		ah, al := prefix16(a)
		bh, bl := prefix16(b)
		c := cmp.Compare(ah, bh)
		if c == 0 {
			c = cmp.Compare(al, bl)
		}
		if c != 0 && c != strings.Compare(a, b) {
			t.Fatalf("%q vs %q: prefix keys order %d, strings %d", a, b, c, strings.Compare(a, b))
		}
	}
}
