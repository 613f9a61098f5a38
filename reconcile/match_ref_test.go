package reconcile

// refMatcher is the matcher as it was before the per-group indexes: a
// plain, obviously correct version kept as the reference the differential
// tests compare the production matcher against. Its cost is quadratic in
// the items and lines sharing one reference.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/govalues/decimal"
)

// matcher pairs expected items with settlement lines. Both inputs are put in
// a canonical order first, so the result does not depend on input order.
type refMatcher struct {
	rules []ToleranceRule
	items []*item
	lines []SettlementLine
	used  []bool
	res   matchResult
	// steps counts the visits of the nested loops over one reference.
	steps int
}

func newRefMatcher(rules []ToleranceRule, items []*item, lines []SettlementLine) *refMatcher {
	slices.SortFunc(items, compareItems)
	slices.SortFunc(lines, compareLines)
	m := &refMatcher{rules: rules, items: items, lines: lines, used: make([]bool, len(lines))}
	m.res.matches = make([]Match, 0, min(len(items), len(lines)))
	return m
}

func (m *refMatcher) run() matchResult {
	m.byReference()
	m.byMerchantReference()
	for _, r := range m.rules {
		m.byTolerance(r)
	}
	for i := range m.lines {
		if !m.used[i] && matchable(m.lines[i].Type) {
			m.res.unexpected = append(m.res.unexpected, m.lines[i])
		}
	}
	return m.res
}

// byReference matches on the PSP reference: all lines of one reference
// together (partial captures are several lines of one payment).
func (m *refMatcher) byReference() {
	// Most references have one expected item: keep those in a flat map and
	// allocate lists only for shared references.
	single := make(map[refKey]*item, len(m.items))
	shared := map[refKey][]*item{}
	for _, it := range m.items {
		if it.Expected.PSPReference == "" {
			continue
		}
		k := refKey{it.Expected.lineType(), it.Expected.PSPReference}
		if prev, ok := single[k]; ok {
			if shared[k] == nil {
				shared[k] = []*item{prev}
			}
			shared[k] = append(shared[k], it)
			continue
		}
		single[k] = it
	}
	one := make([]*item, 1)
	candidates := func(k refKey) []*item {
		if c := shared[k]; c != nil {
			return c
		}
		if it := single[k]; it != nil {
			one[0] = it
			return one
		}
		return nil
	}
	// Lines are in canonical order, so one provider's lines of a PSP
	// reference are adjacent: walk the runs, captures and refunds apart,
	// in the order their first line appears.
	var captures, refunds []int
	for i := 0; i < len(m.lines); {
		l := &m.lines[i]
		j := i + 1
		for j < len(m.lines) && m.lines[j].PSPReference == l.PSPReference && m.lines[j].Provider == l.Provider {
			j++
		}
		if l.PSPReference != "" {
			captures, refunds = captures[:0], refunds[:0]
			refundFirst := false
			for k := i; k < j; k++ {
				switch m.lines[k].Type {
				case TypeCapture:
					captures = append(captures, k)
				case TypeRefund:
					refundFirst = refundFirst || len(captures) == 0
					refunds = append(refunds, k)
				}
			}
			groups := [][]int{captures, refunds}
			types := []LineType{TypeCapture, TypeRefund}
			if refundFirst {
				groups[0], groups[1], types[0], types[1] = refunds, captures, TypeRefund, TypeCapture
			}
			for g, idx := range groups {
				if len(idx) > 0 {
					if c := candidates(refKey{types[g], l.PSPReference}); c != nil {
						m.settleGroup(c, idx)
					}
				}
			}
		}
		i = j
	}
}

// linesOf returns the lines at idx. Consecutive indexes (a single line, or a
// run of partial captures) share the matcher's canonical slice instead of
// copying it: at a million matches the copies were a third of the heap. The
// capacity is capped, so appending to one match's lines cannot overwrite
// another's, and nothing writes to the lines once matching starts.
func (m *refMatcher) linesOf(idx []int) []SettlementLine {
	if refConsecutive(idx) {
		lo, hi := idx[0], idx[0]+len(idx)
		return m.lines[lo:hi:hi]
	}
	out := make([]SettlementLine, len(idx))
	for i, j := range idx {
		out[i] = m.lines[j]
	}
	return out
}

func refConsecutive(idx []int) bool {
	for i := 1; i < len(idx); i++ {
		if idx[i] != idx[i-1]+1 {
			return false
		}
	}
	return len(idx) > 0
}

// sumIn adds the lines' amounts in currency; false if one cannot be
// expressed in it.
func (m *refMatcher) sumIn(idx []int, currency string) (decimal.Decimal, bool) {
	sum := decimal.Zero
	for _, j := range idx {
		a, ok := amountIn(&m.lines[j], currency)
		if !ok {
			return sum, false
		}
		sum = mustAdd(sum, a)
	}
	return sum, true
}

func (m *refMatcher) settleGroup(cands []*item, idx []int) {
	var open []*item
	for _, it := range cands {
		if !it.done {
			open = append(open, it)
		}
	}
	if len(open) == 0 {
		return
	}
	if len(open) == 1 {
		it := open[0]
		sum, ok := m.sumIn(idx, it.Expected.Currency)
		if !ok {
			return
		}
		m.settle(it, idx, sum, "psp-reference", true)
		return
	}
	// Several open items share the reference (a payment split in SFCC, or
	// several refunds): pair line and item only where the amount singles
	// both out.
	var rest []int
	for _, j := range idx {
		var eq []*item
		for _, it := range open {
			m.steps++
			if a, ok := amountIn(&m.lines[j], it.Expected.Currency); ok && !it.done && a.Cmp(it.remaining()) == 0 {
				eq = append(eq, it)
			}
		}
		if len(eq) == 1 && m.uniqueLineFor(eq[0], idx) {
			m.settle(eq[0], []int{j}, eq[0].remaining(), "psp-reference", false)
			continue
		}
		rest = append(rest, j)
	}
	m.groupOrReview(open, rest, "psp-reference", "several expected items share the PSP reference")
}

// uniqueLineFor reports whether exactly one unused line of idx has it's amount.
func (m *refMatcher) uniqueLineFor(it *item, idx []int) bool {
	n := 0
	for _, j := range idx {
		m.steps++
		if a, ok := amountIn(&m.lines[j], it.Expected.Currency); ok && !m.used[j] && a.Cmp(it.remaining()) == 0 {
			n++
		}
	}
	return n == 1
}

// groupOrReview settles the remaining lines against all remaining open
// items when the totals agree (a grouped settlement), else sends them to
// review.
func (m *refMatcher) groupOrReview(cands []*item, idx []int, method, reason string) {
	var open []*item
	for _, it := range cands {
		if !it.done {
			open = append(open, it)
		}
	}
	if len(idx) == 0 || len(open) == 0 {
		return
	}
	cur := open[0].Expected.Currency
	want := decimal.Zero
	for _, it := range open {
		if it.Expected.Currency != cur {
			cur = ""
			break
		}
		want = mustAdd(want, it.remaining())
	}
	if cur != "" {
		if sum, ok := m.sumIn(idx, cur); ok && sum.Cmp(want) == 0 {
			mt := Match{Status: StatusMatched, Method: "grouped:" + method, Lines: m.linesOf(idx), Currency: cur,
				ExpectedAmount: want, SettledAmount: sum, Difference: mustSub(sum, want), first: slices.Min(idx)}
			for _, it := range open {
				it.Settled = it.Expected.Amount
				it.done = true
				mt.Expected = append(mt.Expected, *it.Expected)
			}
			m.markUsed(idx)
			m.res.matches = append(m.res.matches, mt)
			return
		}
	}
	rv := Review{Reason: reason, Lines: m.linesOf(idx)}
	for _, it := range open {
		rv.Candidates = append(rv.Candidates, *it.Expected)
	}
	m.markUsed(idx)
	m.res.review = append(m.res.review, rv)
}

func (m *refMatcher) markUsed(idx []int) {
	for _, j := range idx {
		m.used[j] = true
	}
}

// settle books lines worth sum against one item. With partialOK a shortfall
// of the same sign leaves the item open for later captures.
func (m *refMatcher) settle(it *item, idx []int, sum decimal.Decimal, method string, partialOK bool) {
	rem := it.remaining()
	diff := mustSub(sum, rem)
	mt := Match{Method: method, Expected: []Expected{*it.Expected}, Lines: m.linesOf(idx), Currency: it.Expected.Currency,
		ExpectedAmount: rem, SettledAmount: sum, Difference: diff, first: slices.Min(idx)}
	switch {
	case diff.IsZero():
		mt.Status = StatusMatched
	case m.withinTolerance(rem, diff):
		mt.Status = StatusTolerance
	case partialOK && sum.Sign() == rem.Sign() && sum.CmpAbs(rem) < 0:
		mt.Status = StatusPartial
	default:
		mt.Status = StatusMismatch
	}
	it.Settled = mustAdd(it.Settled, sum)
	it.done = mt.Status != StatusPartial
	m.markUsed(idx)
	m.res.matches = append(m.res.matches, mt)
}

func (m *refMatcher) withinTolerance(expected, diff decimal.Decimal) bool {
	for _, r := range m.rules {
		if r.amountWithin(expected, diff) && !(r.Absolute.IsZero() && r.Percent.IsZero()) {
			return true
		}
	}
	return false
}

// byMerchantReference matches the remaining lines on order number and amount.
func (m *refMatcher) byMerchantReference() {
	cands := map[refKey][]*item{}
	for _, it := range m.items {
		if !it.done {
			k := refKey{it.Expected.lineType(), it.Expected.OrderNo}
			cands[k] = append(cands[k], it)
		}
	}
	for j := range m.lines {
		l := &m.lines[j]
		if m.used[j] || !matchable(l.Type) || l.MerchantReference == "" {
			continue
		}
		all := cands[refKey{l.Type, l.MerchantReference}]
		var open, eq []*item
		for _, it := range all {
			m.steps++
			if it.done {
				continue
			}
			open = append(open, it)
			if a, ok := amountIn(l, it.Expected.Currency); ok && a.Cmp(it.remaining()) == 0 {
				eq = append(eq, it)
			}
		}
		switch {
		case len(eq) == 1:
			m.settle(eq[0], []int{j}, eq[0].remaining(), "merchant-reference", false)
		case len(eq) > 1:
			rv := Review{Reason: "several expected items of the order have this amount", Lines: m.linesOf([]int{j})}
			for _, it := range eq {
				rv.Candidates = append(rv.Candidates, *it.Expected)
			}
			m.used[j] = true
			m.res.review = append(m.res.review, rv)
		case len(open) > 1:
			// One line settling several payments of the order at once.
			cur := open[0].Expected.Currency
			want := decimal.Zero
			for _, it := range open {
				want = mustAdd(want, it.remaining())
			}
			if a, ok := amountIn(l, cur); ok && a.Cmp(want) == 0 {
				m.groupOrReview(open, []int{j}, "merchant-reference", "")
			}
		}
	}
}

// byTolerance matches the remaining lines that fit exactly one open item
// within the rule; several fits go to review.
func (m *refMatcher) byTolerance(r ToleranceRule) {
	index := map[refKey][]*item{}
	for _, it := range m.items {
		if !it.done {
			k := refKey{it.Expected.lineType(), it.Expected.Currency}
			index[k] = append(index[k], it)
		}
	}
	for _, list := range index {
		slices.SortStableFunc(list, func(a, b *item) int { return a.remaining().Cmp(b.remaining()) })
	}
	for j := range m.lines {
		l := &m.lines[j]
		if m.used[j] || !matchable(l.Type) {
			continue
		}
		var fits []*item
		for _, cur := range []string{l.GrossCurrency, l.NetCurrency} {
			amt, _ := amountIn(l, cur)
			bound := r.searchBound(amt)
			lo, hi := mustSub(amt, bound), mustAdd(amt, bound)
			list := index[refKey{l.Type, cur}]
			start, _ := slices.BinarySearchFunc(list, lo, func(it *item, v decimal.Decimal) int { return it.remaining().Cmp(v) })
			for _, it := range list[start:] {
				if it.remaining().Cmp(hi) > 0 {
					break
				}
				if it.done || slices.Contains(fits, it) {
					continue
				}
				e := *it.Expected
				if (l.MerchantReference != "" && e.OrderNo != l.MerchantReference) ||
					(l.PSPReference != "" && e.PSPReference != "" && e.PSPReference != l.PSPReference) {
					continue
				}
				if r.amountWithin(it.remaining(), mustSub(amt, it.remaining())) && r.dateWithin(e.Date, l.BookingDate) {
					fits = append(fits, it)
				}
			}
			if cur == l.GrossCurrency && l.GrossCurrency == l.NetCurrency {
				break
			}
		}
		switch len(fits) {
		case 0:
		case 1:
			amt, _ := amountIn(l, fits[0].Expected.Currency)
			m.settle(fits[0], []int{j}, amt, "tolerance:"+r.Name, false)
		default:
			slices.SortFunc(fits, compareItems)
			rv := Review{Reason: "several expected items fit tolerance rule " + r.Name, Lines: m.linesOf([]int{j})}
			for _, it := range fits {
				rv.Candidates = append(rv.Candidates, *it.Expected)
			}
			m.used[j] = true
			m.res.review = append(m.res.review, rv)
		}
	}
}

// refCountLines is the line filter as it was: canonical sort, then a map of
// every line's identity string.
func refCountLines(lines []SettlementLine, budget *runBudget, rep *Report) []SettlementLine {
	slices.SortFunc(lines, compareLines)
	counted := lines[:0]
	rowSeen := map[string]bool{}
	for _, l := range lines {
		if l.ModificationReference != "" {
			k := lineIdentity(l)
			if rowSeen[k] {
				rep.DuplicateLines = append(rep.DuplicateLines, l)
				continue
			}
			rowSeen[k] = true
		}
		if !budget.take(lineMagnitude(&l)...) {
			rep.ReadErrors = append(rep.ReadErrors, ReadError{File: l.Source.File, Line: l.Source.Line,
				Message: fmt.Sprintf("reconcile: %s: line not counted: the run's amounts would sum beyond %s", l.Source, maxRunMagnitude)})
			continue
		}
		counted = append(counted, l)
	}
	return counted
}

func lineIdentity(l SettlementLine) string {
	return strings.Join([]string{l.Provider, string(l.Type), l.RawType, l.PSPReference, l.ModificationReference,
		l.Gross.String(), l.Net.String(), l.PayoutID}, "|")
}

// lineMagnitude lists the amounts of a line the report sums.
func lineMagnitude(l *SettlementLine) []decimal.Decimal {
	out := make([]decimal.Decimal, 0, 2+2*len(l.Fees))
	out = append(out, l.Gross, l.Net)
	for _, f := range l.Fees {
		// Fees are summed alone and again inside the gross in net currency.
		out = append(out, f.Amount, f.Amount)
	}
	return out
}
