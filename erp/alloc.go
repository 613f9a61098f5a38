package erp

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/govalues/decimal"
)

// errNoWeight: an amount had to be spread over parts that all weigh zero.
var errNoWeight = errors.New("nothing to allocate the amount over")

// calc does decimal arithmetic and keeps the first error (an overflow), so
// translation code reads as arithmetic and checks once.
type calc struct{ err error }

func (c *calc) keep(d decimal.Decimal, err error) decimal.Decimal {
	if err != nil && c.err == nil {
		c.err = err
	}
	return d
}

func (c *calc) add(a, b decimal.Decimal) decimal.Decimal { return c.keep(a.Add(b)) }
func (c *calc) sub(a, b decimal.Decimal) decimal.Decimal { return c.keep(a.Sub(b)) }
func (c *calc) mul(a, b decimal.Decimal) decimal.Decimal { return c.keep(a.Mul(b)) }

// allocateLargestRemainder splits total (a multiple of 10^-scale) over
// weights in proportion, in units of 10^-scale: every part is first rounded
// toward minus infinity, then the units left over go one each to the parts
// with the largest remainders (earlier parts first on ties). The parts sum to
// total exactly and the result depends only on the inputs. Weights may be
// negative (a discount among charges) as long as they do not sum to zero;
// if they do, total must be zero.
func allocateLargestRemainder(total decimal.Decimal, weights []decimal.Decimal, scale int) ([]decimal.Decimal, error) {
	var c calc
	out := make([]decimal.Decimal, len(weights))
	unit := decimal.MustNew(1, scale)
	sum := decimal.Zero
	for _, w := range weights {
		sum = c.add(sum, w)
	}
	if c.err != nil {
		return nil, c.err
	}
	if sum.IsZero() {
		if !total.IsZero() {
			return nil, fmt.Errorf("allocating %s: %w", total, errNoWeight)
		}
		for i := range out {
			out[i] = decimal.Zero.Pad(scale)
		}
		return out, nil
	}
	neg := sum.IsNeg()
	if neg {
		sum = sum.Neg()
	}
	pow := decimal.MustNew(1, 0)
	for range scale {
		pow = c.mul(pow, decimal.Ten)
	}
	units := c.mul(total, pow)
	if !units.IsInt() {
		return nil, fmt.Errorf("allocating %s: not a multiple of %s", total, unit)
	}
	quots := make([]decimal.Decimal, len(weights))
	rems := make([]decimal.Decimal, len(weights))
	given := decimal.Zero
	for i, w := range weights {
		if neg {
			w = w.Neg()
		}
		q, r, err := c.mul(units, w).QuoRem(sum)
		if err != nil {
			return nil, err
		}
		if r.IsNeg() { // floor, not truncation, so remainders are comparable
			q = c.sub(q, decimal.One)
			r = c.add(r, sum)
		}
		quots[i], rems[i] = q, r
		given = c.add(given, q)
	}
	left := c.sub(units, given)
	if c.err != nil {
		return nil, c.err
	}
	n, _, ok := left.Int64(0)
	if !ok || n < 0 || n > int64(len(weights)) {
		return nil, fmt.Errorf("allocating %s: %s units left over after rounding", total, left)
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(0, rems[a].Cmp(rems[b])) })
	for _, i := range order[:n] {
		quots[i] = c.add(quots[i], decimal.One)
	}
	for i, q := range quots {
		out[i] = c.mul(q, unit)
	}
	return out, c.err
}

// CurrencyScale returns the number of minor-unit digits of an ISO 4217
// currency: 0 for the yen and the other zero-decimal currencies, 3 for the
// dinars and rials that use mils, 2 otherwise.
func CurrencyScale(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}
