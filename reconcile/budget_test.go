package reconcile

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/govalues/decimal"
)

// TestRunBudget_AgreesWithExactSums takes random amounts (every scale a
// reader accepts, up to MaxAmount) one by one and a line at a time against
// limits from tight to the real one, and checks each answer against a plain
// decimal sum of what was taken so far: the whole-unit fast path never
// takes what the exact sum refuses, nor refuses what it would take. Below
// the largest limit every sum fits decimal's 19 digits and must agree to
// the last digit; at the real limit (sums of up to 18 integer digits with
// six decimals are rounded by any decimal sum) the budget must stay within
// a unit of the sum worked out in integers.
func TestRunBudget_AgreesWithExactSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 16))
	amount := func() decimal.Decimal {
		scale := rng.IntN(maxScale + 1)
		coef := rng.Int64N(pow10Int(12 + scale)) // below MaxAmount at any scale
		if rng.IntN(3) == 0 {
			coef = rng.Int64N(1000)
		}
		d := decimal.MustNew(coef, scale)
		if rng.IntN(2) == 0 {
			d = d.Neg()
		}
		return d
	}
	limits := []decimal.Decimal{decimal.MustNew(100000, 0), decimal.MustNew(123456789, 3), decimal.MustNew(5_000_000_000_000, 0), maxRunMagnitude}
	for _, limit := range limits {
		b := &runBudget{used: decimal.Zero, limit: limit}
		exact := decimal.Zero
		fits := func(ds ...decimal.Decimal) bool {
			sum := exact
			for _, d := range ds {
				s, err := sum.Add(d.Abs())
				if err != nil || s.Cmp(limit) > 0 {
					return false
				}
				sum = s
			}
			exact = sum
			return true
		}
		taken, refused := 0, 0
		micros := new(big.Int)
		record := func(ds ...decimal.Decimal) {
			for _, d := range ds {
				micros.Add(micros, microsOf(d.Abs()))
			}
		}
		for i := range 200_000 {
			var got, want bool
			if i%2 == 0 {
				d := amount()
				want = fits(d)
				got = b.take(d)
				if got {
					record(d)
				}
			} else {
				l := SettlementLine{Gross: amount(), Net: amount()}
				for range rng.IntN(3) {
					l.Fees = append(l.Fees, Fee{Component: "fee", Amount: amount()})
				}
				ds := []decimal.Decimal{l.Gross, l.Net}
				for _, f := range l.Fees {
					ds = append(ds, f.Amount, f.Amount)
				}
				want = fits(ds...)
				got = b.takeLine(&l)
				if got {
					record(ds...)
				}
			}
			if got != want {
				t.Fatalf("limit %s, step %d: budget took=%v, the exact sum %s says %v", limit, i, got, exact, want)
			}
			if got {
				taken++
			} else {
				refused++
			}
		}
		b.exact()
		if limit.Cmp(maxRunMagnitude) != 0 && b.used.Cmp(exact) != 0 {
			t.Errorf("limit %s: budget holds %s, exact sum %s", limit, b.used, exact)
		}
		// What was taken, in millionths, as integers.
		want := micros
		got := microsOf(b.used)
		if d := new(big.Int).Abs(new(big.Int).Sub(got, want)); d.Cmp(big.NewInt(1_000_000)) > 0 {
			t.Errorf("limit %s: budget holds %s, the integer sum is %s millionths", limit, b.used, want)
		}
		if limit.Cmp(maxRunMagnitude) != 0 && refused == 0 {
			t.Errorf("limit %s: nothing refused: the limit was never reached", limit)
		}
		t.Logf("limit %s: %d taken, %d refused", limit, taken, refused)
	}
}

// microsOf is d in millionths (d has at most six decimals).
func microsOf(d decimal.Decimal) *big.Int {
	m := new(big.Int).SetUint64(d.Coef())
	m.Mul(m, big.NewInt(pow10Int(maxScale-d.Scale())))
	if d.IsNeg() {
		m.Neg(m)
	}
	return m
}

func pow10Int(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}
