package reconcile

import (
	"fmt"

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
type runBudget struct {
	used, limit decimal.Decimal
}

func newRunBudget() *runBudget { return &runBudget{used: decimal.Zero, limit: maxRunMagnitude} }

// take adds the magnitudes of ds to the budget if they fit, and reports
// whether they did; nothing is taken when they do not.
func (b *runBudget) take(ds ...decimal.Decimal) bool {
	sum := b.used
	for _, d := range ds {
		s, err := sum.Add(d.Abs())
		if err != nil || s.Cmp(b.limit) > 0 {
			return false
		}
		sum = s
	}
	b.used = sum
	return true
}

// takeLine takes the magnitudes of the amounts of l the report sums (gross,
// net, and each fee twice: alone and inside the gross in net currency), all
// or none.
func (b *runBudget) takeLine(l *SettlementLine) bool {
	sum := b.used
	add := func(d decimal.Decimal) bool {
		s, err := sum.Add(d.Abs())
		if err != nil || s.Cmp(b.limit) > 0 {
			return false
		}
		sum = s
		return true
	}
	if !add(l.Gross) || !add(l.Net) {
		return false
	}
	for _, f := range l.Fees {
		// Fees are summed alone and again inside the gross in net currency.
		for range 2 {
			if !add(f.Amount) {
				return false
			}
		}
	}
	b.used = sum
	return true
}
