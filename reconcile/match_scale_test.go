package reconcile

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/govalues/decimal"
)

// sharedReference builds n payments that all carry one PSP reference (a
// marketplace or a split payment in SFCC) and their n capture lines, in
// shuffled order. With ambiguous set, payments come in pairs of one amount,
// so no line singles out a payment and the group settles as a whole.
func sharedReference(n int, ambiguous bool) ([]*item, []SettlementLine) {
	return shared(n, ambiguous, false)
}

// shared builds the rows of sharedReference; with byOrder, the payments
// and lines carry one order number and no PSP reference instead.
func shared(n int, ambiguous, byOrder bool) ([]*item, []SettlementLine) {
	rng := rand.New(rand.NewPCG(uint64(n), 3))
	placed := day2026(time.November, 1)
	items := make([]*item, n)
	lines := make([]SettlementLine, n)
	for i := range n {
		cents := int64(100 + i)
		if ambiguous {
			cents = int64(100 + i/2)
		}
		amt := decimal.MustNew(cents, 2)
		e := Expected{Kind: ExpectedPayment, OrderNo: fmt.Sprintf("O%06d", i), PSPReference: "SHARED", Amount: amt, Currency: "EUR", Date: placed, Seq: i}
		if byOrder {
			e.OrderNo, e.PSPReference = "SHARED", ""
		}
		items[i] = newItem(&e, time.Time{})
		lines[i] = SettlementLine{Provider: "adyen", Type: TypeCapture, PSPReference: e.PSPReference, ModificationReference: fmt.Sprintf("M%06d", i),
			MerchantReference: e.OrderNo, GrossCurrency: "EUR", Gross: amt, NetCurrency: "EUR", Net: amt,
			BookingDate: placed.AddDate(0, 0, 1), PayoutID: "P1", Source: Position{File: "shared.csv", Line: i + 2}}
	}
	rng.Shuffle(n, func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return items, lines
}

// TestMatcher_SharedReferenceIsLinear doubles the rows sharing one PSP
// reference, or one order number, and requires the matcher's work to
// double, not quadruple. The work is counted (item and line visits inside
// the reference group), so the test does not depend on the machine's
// speed. The reference matcher, on smaller sizes, shows that the count does
// catch quadratic behaviour.
func TestMatcher_SharedReferenceIsLinear(t *testing.T) {
	for _, tc := range []struct {
		name               string
		ambiguous, byOrder bool
		// check inspects the result for n rows.
		check func(res matchResult, n int) string
	}{
		{"psp reference, distinct amounts", false, false, func(res matchResult, n int) string {
			if len(res.matches) != n {
				return fmt.Sprintf("%d matches, %d reviews; want %d matches", len(res.matches), len(res.review), n)
			}
			return ""
		}},
		{"psp reference, amounts in pairs", true, false, func(res matchResult, n int) string {
			// No line singles out a payment, but together they settle the
			// group exactly.
			if len(res.matches) != 1 || res.matches[0].Method != "grouped:psp-reference" || len(res.matches[0].Lines) != n {
				return fmt.Sprintf("%d matches, %d reviews; want every line in one grouped match", len(res.matches), len(res.review))
			}
			return ""
		}},
		{"order number, distinct amounts", false, true, func(res matchResult, n int) string {
			if len(res.matches) != n || res.matches[0].Method != "merchant-reference" {
				return fmt.Sprintf("%d matches, %d reviews; want %d merchant-reference matches", len(res.matches), len(res.review), n)
			}
			return ""
		}},
		{"order number, amounts in pairs", true, true, func(res matchResult, n int) string {
			if len(res.review) != n || len(res.review[0].Candidates) != 2 {
				return fmt.Sprintf("%d matches, %d reviews; want each line reviewed against its two payments", len(res.matches), len(res.review))
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps := func(n int) int {
				items, lines := shared(n, tc.ambiguous, tc.byOrder)
				m := newMatcher(nil, items, lines)
				if msg := tc.check(m.run(), n); msg != "" {
					t.Fatalf("n=%d: %s", n, msg)
				}
				return m.steps
			}
			small, large := steps(20_000), steps(40_000)
			ratio := float64(large) / float64(small)
			t.Logf("steps: 20k rows %d, 40k rows %d, ratio %.2f", small, large, ratio)
			if ratio > 2.5 {
				t.Errorf("doubling the rows sharing a reference multiplied the work by %.2f; want about 2", ratio)
			}

			refSteps := func(n int) int {
				items, lines := shared(n, tc.ambiguous, tc.byOrder)
				m := newRefMatcher(nil, items, lines)
				m.run()
				return m.steps
			}
			refRatio := float64(refSteps(1_000)) / float64(refSteps(500))
			if refRatio < 3.5 {
				t.Errorf("the reference matcher's work grew %.2f times for twice the rows; the count no longer shows quadratic work", refRatio)
			}
		})
	}
}

// BenchmarkMatch_SharedReference matches 20,000 and 40,000 rows sharing one
// PSP reference; the ratio of their times is about 2 for a linear matcher
// (it was over 6 when each line rescanned the group).
func BenchmarkMatch_SharedReference(b *testing.B) {
	var small, large time.Duration
	for b.Loop() {
		for _, n := range []int{20_000, 40_000} {
			items, lines := sharedReference(n, false)
			start := time.Now()
			res := newMatcher(nil, items, lines).run()
			took := time.Since(start)
			if len(res.matches) != n {
				b.Fatalf("%d matches of %d", len(res.matches), n)
			}
			if n == 20_000 {
				small += took
			} else {
				large += took
			}
		}
	}
	b.ReportMetric(float64(small.Nanoseconds())/float64(b.N)/1e6, "ms-20k")
	b.ReportMetric(float64(large.Nanoseconds())/float64(b.N)/1e6, "ms-40k")
	b.ReportMetric(large.Seconds()/small.Seconds(), "x-40k-vs-20k")
}
