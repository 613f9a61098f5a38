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
		e := Expected{Kind: ExpectedPayment, OrderNo: fmt.Sprintf("O%06d", i), PSPReference: "SHARED", Amount: amt, Currency: "EUR", Date: placed}
		items[i] = &item{OpenItem: OpenItem{Expected: e, Settled: amt.Zero()}, key: e.Key()}
		lines[i] = SettlementLine{Provider: "adyen", Type: TypeCapture, PSPReference: "SHARED", ModificationReference: fmt.Sprintf("M%06d", i),
			MerchantReference: e.OrderNo, GrossCurrency: "EUR", Gross: amt, NetCurrency: "EUR", Net: amt,
			BookingDate: placed.AddDate(0, 0, 1), PayoutID: "P1", Source: Position{File: "shared.csv", Line: i + 2}}
	}
	rng.Shuffle(n, func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return items, lines
}

// TestMatcher_SharedReferenceIsLinear doubles the rows sharing one PSP
// reference and requires the matcher's work to double, not quadruple. The
// work is counted (item and line visits inside the reference group), so the
// test does not depend on the machine's speed. The reference matcher, on
// smaller sizes, shows that the count does catch quadratic behaviour.
func TestMatcher_SharedReferenceIsLinear(t *testing.T) {
	for _, ambiguous := range []bool{false, true} {
		t.Run(fmt.Sprintf("ambiguous=%v", ambiguous), func(t *testing.T) {
			steps := func(n int) int {
				items, lines := sharedReference(n, ambiguous)
				m := newMatcher(nil, items, lines)
				res := m.run()
				if ambiguous {
					// No line singles out a payment, but together they
					// settle the group exactly.
					if len(res.matches) != 1 || res.matches[0].Method != "grouped:psp-reference" || len(res.matches[0].Lines) != n {
						t.Fatalf("n=%d: %d matches, %d reviews; want every line in one grouped match", n, len(res.matches), len(res.review))
					}
				} else if len(res.matches) != n {
					t.Fatalf("n=%d: %d matches, %d reviews, %d unexpected; want %d matches", n, len(res.matches), len(res.review), len(res.unexpected), n)
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
				items, lines := sharedReference(n, ambiguous)
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
