package reconcile

import (
	"fmt"
	"math/bits"

	"github.com/govalues/decimal"
)

// MaxAmount bounds every amount the package accepts, whatever its source:
// a settlement row (major or minor units), an expected payment, a stored
// open item. A trillion in any currency is corrupt input. The bound, with
// MaxAmountScale, keeps each amount within 18 of decimal.Decimal's 19
// digits; the run budget (maxRunMagnitude) keeps every sum within them.
var MaxAmount = decimal.MustNew(1_000_000_000_000, 0)

// MaxAmountScale bounds the fractional digits of an amount (exchange rates
// may have more).
const MaxAmountScale = 6

// maxAmount is the package's name for MaxAmount.
var maxAmount = MaxAmount

// maxScale is the package's name for MaxAmountScale.
const maxScale = MaxAmountScale

// CheckAmount reports an amount outside MaxAmount or with more than
// MaxAmountScale decimals as an ErrMalformedAmount error.
func CheckAmount(d decimal.Decimal) error {
	if d.Scale() > maxScale || d.Abs().Cmp(maxAmount) >= 0 {
		return fmt.Errorf("%w: %s is outside ±%s or has more than %d decimals", ErrMalformedAmount, d, maxAmount, maxScale)
	}
	return nil
}

// maxRunMagnitude bounds the sum of the absolute values of every amount
// one run adds up: settlement lines (gross, net, fees), expected and open
// items. Every figure of the report, every match sum and every journal line
// is a signed sum of a subset of those amounts, so none of them can reach
// decimal.Decimal's 19 integer digits; amounts beyond the budget are
// reported instead of summed.
var maxRunMagnitude = decimal.MustNew(1_000_000_000_000_000_000, 0)

// runBudget accumulates the magnitude of the amounts one run sums.
//
// A run takes millions of amounts: each is first checked against a whole
// unit bound kept in integers (bound, the sum of each amount rounded up,
// is never below the exact sum), and the exact sum is only worked out in
// decimals when that bound would pass the limit. The exact sum is kept as
// used plus, per scale, the coefficients taken since (acc).
type runBudget struct {
	used, limit decimal.Decimal

	ready bool
	bound uint64 // ≥ the exact sum, in whole units
	max   uint64 // the limit in whole units, rounded down
	acc   [decimal.MaxScale + 1]uint64
}

func newRunBudget() *runBudget { return &runBudget{used: decimal.Zero, limit: maxRunMagnitude} }

// pow10 are the powers of ten a uint64 holds, 10^0 to 10^19.
var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// wholeUnits is |d| in whole units, rounded up when up is set and down
// otherwise.
func wholeUnits(d decimal.Decimal, up bool) uint64 {
	c, s := d.Coef(), d.Scale()
	q := c / pow10[s]
	if up && c%pow10[s] != 0 {
		q++
	}
	return q
}

func (b *runBudget) prepare() {
	if !b.ready {
		b.ready, b.bound, b.max = true, wholeUnits(b.used, true), wholeUnits(b.limit, false)
	}
}

// fast takes ds when their whole unit bound keeps within the limit, and
// reports whether it did; when it does not, the exact sum decides (exact).
func (b *runBudget) fast(ds ...decimal.Decimal) bool {
	b.prepare()
	total := b.bound
	for _, d := range ds {
		var carry uint64
		total, carry = bits.Add64(total, wholeUnits(d, true), 0)
		if carry != 0 || total > b.max {
			return false
		}
	}
	for _, d := range ds {
		s, c := d.Scale(), d.Coef()
		if sum, carry := bits.Add64(b.acc[s], c, 0); carry == 0 && sum <= 1<<62 {
			b.acc[s] = sum
			continue
		}
		b.flush(s)
		b.acc[s] = c
	}
	b.bound = total
	return true
}

// flush moves the coefficients kept for scale s into used. The sum stays
// within the limit, so Add cannot fail.
func (b *runBudget) flush(s int) {
	if b.acc[s] == 0 {
		return
	}
	b.used = mustAdd(b.used, decimal.MustNew(int64(b.acc[s]), s))
	b.acc[s] = 0
}

// exact moves everything kept into used, and sets bound to used rounded
// up, so that fast is tried again from the exact sum.
func (b *runBudget) exact() {
	b.prepare()
	for s := range b.acc {
		b.flush(s)
	}
	b.bound = wholeUnits(b.used, true)
}

// take adds the magnitudes of ds to the budget if they fit, and reports
// whether they did; nothing is taken when they do not.
func (b *runBudget) take(ds ...decimal.Decimal) bool {
	if b.fast(ds...) {
		return true
	}
	b.exact()
	sum := b.used
	for _, d := range ds {
		s, err := sum.Add(d.Abs())
		if err != nil || s.Cmp(b.limit) > 0 {
			return false
		}
		sum = s
	}
	b.used = sum
	b.bound = wholeUnits(sum, true)
	return true
}

// takeLine takes the magnitudes of the amounts of l the report sums (gross,
// net, and each fee twice: alone and inside the gross in net currency), all
// or none.
func (b *runBudget) takeLine(l *SettlementLine) bool {
	var buf [8]decimal.Decimal
	ds := append(buf[:0], l.Gross, l.Net)
	for _, f := range l.Fees {
		// Fees are summed alone and again inside the gross in net currency.
		ds = append(ds, f.Amount, f.Amount)
	}
	return b.take(ds...)
}
