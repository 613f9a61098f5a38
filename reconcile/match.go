package reconcile

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/govalues/decimal"
)

// ToleranceRule accepts a settlement line for an expected item whose amount
// differs a little (rounding, FX drift) or whose booking is late. Every limit
// that is set must hold; a rule with no amount limit needs the exact amount.
type ToleranceRule struct {
	// Name appears in the match method ("tolerance:<name>").
	Name string
	// Absolute is the largest accepted |difference|, in the item currency.
	Absolute decimal.Decimal
	// Percent is the largest accepted |difference| as a percentage of the
	// expected amount (0.5 = 0.5 %).
	Percent decimal.Decimal
	// DaysBefore and DaysAfter bound the booking day relative to the
	// expected date: providers book after the payment (settlement lag), so
	// the window is directional.
	DaysBefore, DaysAfter int
}

var fifty = decimal.MustNew(50, 0)

func (t ToleranceRule) amountWithin(expected, diff decimal.Decimal) bool {
	d := diff.Abs()
	if !t.Absolute.IsZero() && d.Cmp(t.Absolute) > 0 {
		return false
	}
	if !t.Percent.IsZero() {
		limit, err := expected.Abs().Mul(t.Percent)
		if err != nil {
			return false
		}
		limit, err = limit.Quo(decimal.Hundred)
		if err != nil || d.Cmp(limit) > 0 {
			return false
		}
	}
	if t.Absolute.IsZero() && t.Percent.IsZero() {
		return d.IsZero()
	}
	return true
}

func (t ToleranceRule) dateWithin(expected, booked time.Time) bool {
	if expected.IsZero() || booked.IsZero() {
		return true
	}
	e := time.Date(expected.Year(), expected.Month(), expected.Day(), 0, 0, 0, 0, time.UTC)
	days := int(booked.Sub(e) / (24 * time.Hour)) // whole days, truncated toward zero
	return days >= -t.DaysBefore && days <= t.DaysAfter
}

// searchBound is an upper bound of the differences the rule can accept for
// a line amount, used to narrow candidates before the exact check.
func (t ToleranceRule) searchBound(amount decimal.Decimal) decimal.Decimal {
	var bound decimal.Decimal
	if !t.Percent.IsZero() {
		// With the percentage under 50 %, |expected| ≤ 2·|amount|.
		b, err := amount.Abs().Mul(t.Percent)
		if err == nil {
			b, err = b.Quo(fifty)
		}
		if err != nil {
			b = maxAmount
		}
		bound = b
	}
	if !t.Absolute.IsZero() && (bound.IsZero() || t.Absolute.Cmp(bound) < 0) {
		bound = t.Absolute
	}
	return bound
}

// MatchStatus is how well a settlement matched what was expected.
type MatchStatus string

// Match statuses.
const (
	// StatusMatched is an exact match to the penny.
	StatusMatched MatchStatus = "matched"
	// StatusTolerance is a match within a tolerance rule; Difference says by how much.
	StatusTolerance MatchStatus = "matched-within-tolerance"
	// StatusMismatch is a settlement of the expected item for a different
	// amount, beyond every tolerance.
	StatusMismatch MatchStatus = "mismatch"
	// StatusPartial is a settlement of part of the item; the rest stays open.
	StatusPartial MatchStatus = "partial"
)

// Match ties settlement lines to expected items.
type Match struct {
	Status MatchStatus
	// Method is how the pair was found: psp-reference,
	// merchant-reference, grouped or tolerance:<rule>.
	Method   string
	Expected []Expected
	Lines    []SettlementLine
	Currency string
	// ExpectedAmount is what was still expected before these lines;
	// SettledAmount what they settle (in Currency); Difference is
	// SettledAmount − ExpectedAmount.
	ExpectedAmount, SettledAmount, Difference decimal.Decimal

	// first is the canonical index of the match's first line, to order
	// the report's lists cheaply.
	first int
}

// Review is a settlement that fits more than one expected item: a person
// decides, the reconciler never guesses.
type Review struct {
	Reason     string
	Lines      []SettlementLine
	Candidates []Expected
}

// item is an open expected item during matching. Expected points into the
// run's own canonically ordered copy of the expected items (or, for the
// tests, anywhere): a million items are then one slice of Expected values
// and one of small items, not a million item-sized copies.
type item struct {
	Expected *Expected
	Settled  decimal.Decimal
	// firstSeen is the stored item's time, or the run's for a new item.
	firstSeen *time.Time
	key       string // Expected.Key(), computed once
	done      bool
	pos       int32 // place in the matcher's canonical order
}

// newItem is an item for e, nothing settled yet.
func newItem(e *Expected, firstSeen time.Time) *item {
	return &item{Expected: e, Settled: e.Amount.Zero(), firstSeen: &firstSeen}
}

// openItem is the item as an OpenItem, a copy.
func (it *item) openItem() OpenItem {
	return OpenItem{Expected: *it.Expected, Settled: it.Settled, FirstSeen: *it.firstSeen}
}

// compareItems orders items canonically (compareExpected).
func compareItems(a, b *item) int { return compareExpected(a.Expected, b.Expected) }

func (it *item) remaining() decimal.Decimal { return mustSub(it.Expected.Amount, it.Settled) }

type matchResult struct {
	matches    []Match
	review     []Review
	unexpected []SettlementLine
}

// amountIn is the line's gross amount in currency: as charged when that is
// the shopper's currency, else converted by the provider into its
// settlement currency.
func amountIn(l *SettlementLine, currency string) (decimal.Decimal, bool) {
	switch currency {
	case l.GrossCurrency:
		return l.Gross, true
	case l.NetCurrency:
		return l.GrossInNetCurrency(), true
	}
	return decimal.Decimal{}, false
}

// compareLines orders lines canonically. It returns at the first field
// that differs: it runs millions of times per reconciliation.
func compareLines(a, b SettlementLine) int { return compareLinePtrs(&a, &b) }

// compareLinePtrs is compareLines without copying the lines.
func compareLinePtrs(a, b *SettlementLine) int {
	if c := strings.Compare(a.Provider, b.Provider); c != 0 {
		return c
	}
	if c := strings.Compare(a.PSPReference, b.PSPReference); c != 0 {
		return c
	}
	if c := strings.Compare(a.ModificationReference, b.ModificationReference); c != 0 {
		return c
	}
	if c := strings.Compare(a.MerchantReference, b.MerchantReference); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	if c := a.Gross.Cmp(b.Gross); c != 0 {
		return c
	}
	if c := a.Net.Cmp(b.Net); c != 0 {
		return c
	}
	if c := a.BookingDate.Compare(b.BookingDate); c != 0 {
		return c
	}
	if c := strings.Compare(a.PayoutID, b.PayoutID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Source.File, b.Source.File); c != 0 {
		return c
	}
	return cmp.Compare(a.Source.Line, b.Source.Line)
}

// compareExpected orders expected items canonically, returning early.
func compareExpected(a, b *Expected) int {
	if c := strings.Compare(a.Currency, b.Currency); c != 0 {
		return c
	}
	if c := strings.Compare(a.OrderNo, b.OrderNo); c != 0 {
		return c
	}
	if c := strings.Compare(a.PSPReference, b.PSPReference); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	if c := strings.Compare(a.RefundID, b.RefundID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
		return c
	}
	if c := a.Amount.Cmp(b.Amount); c != 0 {
		return c
	}
	return a.Date.Compare(b.Date)
}

func matchable(t LineType) bool { return t == TypeCapture || t == TypeRefund }

// matcher pairs expected items with settlement lines. Both inputs are put in
// a canonical order first, so the result does not depend on input order.
type matcher struct {
	rules []ToleranceRule
	items []*item
	// lines are in canonical order; they point into the run's storage.
	lines []*SettlementLine
	// sameRef[i], when set, says line i has the provider and PSP
	// reference of line i-1.
	sameRef []bool
	// refs[i], if refs is not nil, is lineRef of line i's PSP reference.
	refs []lineRef
	used []bool
	res  matchResult
	// openBuf is reused for the open candidates of each reference.
	openBuf []*item
	// steps counts the item and line visits inside reference groups and
	// amount windows: the work that grows with rows sharing a reference.
	steps int
}

// newMatcher sorts items and lines canonically and returns their matcher.
func newMatcher(rules []ToleranceRule, items []*item, lines []SettlementLine) *matcher {
	slices.SortFunc(lines, compareLines)
	ptrs := make([]*SettlementLine, len(lines))
	for i := range lines {
		ptrs[i] = &lines[i]
	}
	return newSortedMatcher(rules, items, ptrs, nil, nil)
}

// newSortedMatcher is newMatcher for lines already in canonical order
// (sortedLines): they are matched where they were read, never copied.
// sameRef, if not nil, reports for each line whether it has the provider
// and PSP reference of the line before (countLines); refs, if not nil,
// holds each line's lineRef.
func newSortedMatcher(rules []ToleranceRule, items []*item, lines []*SettlementLine, sameRef []bool, refs []lineRef) *matcher {
	if !slices.IsSortedFunc(items, compareItems) {
		slices.SortFunc(items, compareItems)
	}
	for i, it := range items {
		it.pos = int32(i)
	}
	m := &matcher{rules: rules, items: items, lines: lines, sameRef: sameRef, refs: refs, used: make([]bool, len(lines))}
	m.res.matches = make([]Match, 0, min(len(items), len(lines)))
	return m
}

func (m *matcher) run() matchResult {
	m.byReference()
	m.byMerchantReference()
	for _, r := range m.rules {
		m.byTolerance(r)
	}
	for i := range m.lines {
		if !m.used[i] && matchable(m.lines[i].Type) {
			m.res.unexpected = append(m.res.unexpected, *m.lines[i])
		}
	}
	return m.res
}

// refKey indexes items and lines by line type and one reference.
type refKey struct {
	kind LineType
	ref  string
}

// byReference matches on the PSP reference: all lines of one reference
// together (partial captures are several lines of one payment).
func (m *matcher) byReference() {
	// The items with a reference, sorted by it (then canonically): the
	// items of one reference are adjacent, and the lines of one provider
	// come in reference order too, so the two are walked side by side
	// instead of looking each reference up in a map of a million.
	type refItem struct {
		ref lineRef // of the item's reference
		it  *item
	}
	refs := make([]refItem, 0, len(m.items))
	for _, it := range m.items {
		if it.Expected.PSPReference != "" {
			refs = append(refs, refItem{refOf(it.Expected.PSPReference), it})
		}
	}
	compareRef := func(a refItem, r lineRef, ref string) int {
		return compareLineRefs(a.ref, a.it.Expected.PSPReference, r, ref)
	}
	if !slices.IsSortedFunc(refs, func(a, b refItem) int {
		return cmp.Or(compareRef(a, b.ref, b.it.Expected.PSPReference), cmp.Compare(a.it.pos, b.it.pos))
	}) {
		sortFunc(refs, func(a, b refItem) int {
			return cmp.Or(compareRef(a, b.ref, b.it.Expected.PSPReference), cmp.Compare(a.it.pos, b.it.pos))
		})
	}
	var cands []*item
	// candidates lists the items of one reference (block) that a line of
	// type t settles, in canonical order.
	candidates := func(block []refItem, t LineType) []*item {
		cands = cands[:0]
		for _, r := range block {
			if r.it.Expected.lineType() == t {
				cands = append(cands, r.it)
			}
		}
		return cands
	}
	// Lines are in canonical order, so one provider's lines of a PSP
	// reference are adjacent: walk the runs, captures and refunds apart,
	// in the order their first line appears.
	var captures, refunds []int
	cursor, provider := 0, ""
	for i := 0; i < len(m.lines); {
		l := m.lines[i]
		j := i + 1
		if m.sameRef != nil {
			for j < len(m.lines) && m.sameRef[j] {
				j++
			}
		} else {
			for j < len(m.lines) && m.lines[j].PSPReference == l.PSPReference && m.lines[j].Provider == l.Provider {
				j++
			}
		}
		if l.PSPReference == "" {
			i = j
			continue
		}
		var lr lineRef
		if m.refs != nil {
			lr = m.refs[i]
		} else {
			lr = refOf(l.PSPReference)
		}
		if i == 0 || l.Provider != provider {
			// A new provider starts over in reference order.
			provider = l.Provider
			cursor, _ = slices.BinarySearchFunc(refs, l.PSPReference, func(a refItem, ref string) int { return compareRef(a, lr, ref) })
		}
		for cursor < len(refs) && compareRef(refs[cursor], lr, l.PSPReference) < 0 {
			cursor++
		}
		end := cursor
		for end < len(refs) && compareRef(refs[end], lr, l.PSPReference) == 0 {
			end++
		}
		if end > cursor {
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
			groups := [2][]int{captures, refunds}
			types := [2]LineType{TypeCapture, TypeRefund}
			if refundFirst {
				groups[0], groups[1], types[0], types[1] = refunds, captures, TypeRefund, TypeCapture
			}
			for g, idx := range groups {
				if len(idx) > 0 {
					if c := candidates(refs[cursor:end], types[g]); len(c) > 0 {
						m.settleGroup(c, idx)
					}
				}
			}
		}
		i = j
	}
}

// linesOf returns the lines at idx. A single line shares the run's line
// storage (the chunks the lines were read into) instead of being copied:
// at a million matches the copies were a third of the heap. The slice has
// length and capacity one, so appending to it copies; nothing writes to
// the lines once matching starts. Several lines are copied.
func (m *matcher) linesOf(idx []int) []SettlementLine {
	if len(idx) == 1 {
		return unsafe.Slice(m.lines[idx[0]], 1)
	}
	out := make([]SettlementLine, len(idx))
	for i, j := range idx {
		out[i] = *m.lines[j]
	}
	return out
}

// sumIn adds the lines' amounts in currency; false if one cannot be
// expressed in it.
func (m *matcher) sumIn(idx []int, currency string) (decimal.Decimal, bool) {
	sum := decimal.Zero
	for _, j := range idx {
		m.steps++
		a, ok := amountIn(m.lines[j], currency)
		if !ok {
			return sum, false
		}
		sum = mustAdd(sum, a)
	}
	return sum, true
}

func (m *matcher) settleGroup(cands []*item, idx []int) {
	open := m.openBuf[:0]
	for _, it := range cands {
		m.steps++
		if !it.done {
			open = append(open, it)
		}
	}
	m.openBuf = open[:0]
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
	// both out. The open items and the unused lines are counted by
	// currency and amount, so each line costs a few map lookups however
	// many rows share the reference.
	g := newAmountGroup(open)
	lineCount := make(map[amountKey]int, len(idx))
	for _, j := range idx {
		m.steps++
		ks, n := lineKeys(m.lines[j])
		for _, k := range ks[:n] {
			lineCount[k]++
		}
	}
	var rest []int
	for _, j := range idx {
		m.steps++
		ks, n := lineKeys(m.lines[j])
		// The one open item whose remaining amount is the line's amount
		// in the item's currency, if exactly one is.
		var eq *item
		count := 0
		for _, k := range ks[:n] {
			if l := g.open[k]; len(l) > 0 {
				count += len(l)
				eq = l[0]
			}
		}
		// ...and the line the only unused one of the reference with that
		// amount.
		if count == 1 && lineCount[amountKey{eq.Expected.Currency, canonical(eq.remaining())}] == 1 {
			g.remove(eq)
			m.settle(eq, []int{j}, eq.remaining(), "psp-reference", false)
			for _, k := range ks[:n] {
				lineCount[k]--
			}
			continue
		}
		rest = append(rest, j)
	}
	m.groupOrReview(open, rest, "psp-reference", "several expected items share the PSP reference")
}

// amountKey is an amount in a currency, the amount without trailing zeros
// so that equal amounts are equal keys.
type amountKey struct {
	currency string
	amount   decimal.Decimal
}

// canonical is d without trailing zeros: 10.00 and 10.0 are one key.
func canonical(d decimal.Decimal) decimal.Decimal {
	if d.IsZero() {
		return decimal.Zero
	}
	return d.Trim(0)
}

// lineKeys are the amounts a line can settle: its gross in the shopper's
// currency and, when the provider settles in another currency, its gross
// in that one (see amountIn).
func lineKeys(l *SettlementLine) ([2]amountKey, int) {
	ks := [2]amountKey{{l.GrossCurrency, canonical(l.Gross)}}
	if l.NetCurrency == l.GrossCurrency {
		return ks, 1
	}
	ks[1] = amountKey{l.NetCurrency, canonical(l.GrossInNetCurrency())}
	return ks, 2
}

// amountGroup indexes open items by currency and remaining amount. The
// remaining amounts do not change while the group is in use: an item
// settled through it is done, and removed.
type amountGroup struct {
	open map[amountKey][]*item
	pos  map[*item]int
}

func newAmountGroup(items []*item) *amountGroup {
	g := &amountGroup{open: make(map[amountKey][]*item, len(items)), pos: make(map[*item]int, len(items))}
	for _, it := range items {
		k := amountKey{it.Expected.Currency, canonical(it.remaining())}
		g.pos[it] = len(g.open[k])
		g.open[k] = append(g.open[k], it)
	}
	return g
}

// remove takes an item out of the index; the order within a key is not
// kept (only a key holding exactly one item is ever used).
func (g *amountGroup) remove(it *item) {
	k := amountKey{it.Expected.Currency, canonical(it.remaining())}
	l := g.open[k]
	i := g.pos[it]
	last := l[len(l)-1]
	l[i] = last
	g.pos[last] = i
	g.open[k] = l[:len(l)-1]
	delete(g.pos, it)
}

// groupOrReview settles the remaining lines against all remaining open
// items when the totals agree (a grouped settlement), else sends them to
// review.
func (m *matcher) groupOrReview(cands []*item, idx []int, method, reason string) {
	var open []*item
	for _, it := range cands {
		m.steps++
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
		m.steps++
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
				m.steps++
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
		m.steps++
		rv.Candidates = append(rv.Candidates, *it.Expected)
	}
	m.markUsed(idx)
	m.res.review = append(m.res.review, rv)
}

func (m *matcher) markUsed(idx []int) {
	for _, j := range idx {
		m.steps++
		m.used[j] = true
	}
}

// settle books lines worth sum against one item. With partialOK a shortfall
// of the same sign leaves the item open for later captures.
func (m *matcher) settle(it *item, idx []int, sum decimal.Decimal, method string, partialOK bool) {
	rem := it.remaining()
	diff := mustSub(sum, rem)
	var status MatchStatus
	switch {
	case diff.IsZero():
		status = StatusMatched
	case m.withinTolerance(rem, diff):
		status = StatusTolerance
	case partialOK && sum.Sign() == rem.Sign() && sum.CmpAbs(rem) < 0:
		status = StatusPartial
	default:
		status = StatusMismatch
	}
	it.Settled = mustAdd(it.Settled, sum)
	it.done = status != StatusPartial
	m.markUsed(idx)
	// Written in place, field by field: appending a whole Match while the
	// collector marks takes the bulk write barrier over every pointer slot
	// (a million matches, a fifth of a second).
	mt := m.newMatch()
	mt.Status, mt.Method, mt.Expected, mt.Lines, mt.Currency = status, method, expectedOf(it), m.linesOf(idx), it.Expected.Currency
	mt.ExpectedAmount, mt.SettledAmount, mt.Difference, mt.first = rem, sum, diff, slices.Min(idx)
}

// newMatch appends a zero Match to the result and returns it.
func (m *matcher) newMatch() *Match {
	if n := len(m.res.matches); n < cap(m.res.matches) {
		m.res.matches = m.res.matches[:n+1]
	} else {
		m.res.matches = append(m.res.matches, Match{})
	}
	return &m.res.matches[len(m.res.matches)-1]
}

// expectedOf returns the item's expected as a one-element slice that
// shares the item's memory: at a million matches, copies were 144 MB. The
// capacity is one, so appending to it copies; nothing writes an item's
// Expected once matching starts (only Settled and done change).
func expectedOf(it *item) []Expected { return unsafe.Slice(it.Expected, 1) }

func (m *matcher) withinTolerance(expected, diff decimal.Decimal) bool {
	for _, r := range m.rules {
		if r.amountWithin(expected, diff) && !(r.Absolute.IsZero() && r.Percent.IsZero()) {
			return true
		}
	}
	return false
}

// byMerchantReference matches the remaining lines on order number and
// amount. The open items of each order are indexed by currency and
// remaining amount, so a line costs a few lookups however many items and
// lines share the order number.
func (m *matcher) byMerchantReference() {
	groups := map[refKey]*orderGroup{}
	for _, it := range m.items {
		if !it.done {
			k := refKey{it.Expected.lineType(), it.Expected.OrderNo}
			g := groups[k]
			if g == nil {
				g = &orderGroup{}
				groups[k] = g
			}
			g.items = append(g.items, it)
		}
	}
	for j := range m.lines {
		m.steps++
		l := m.lines[j]
		if m.used[j] || !matchable(l.Type) || l.MerchantReference == "" {
			continue
		}
		g := groups[refKey{l.Type, l.MerchantReference}]
		if g == nil {
			continue
		}
		g.index()
		if g.open == 0 {
			continue
		}
		eq := m.equalAmount(g, l)
		switch {
		case len(eq) == 1:
			it := eq[0]
			g.settled(it)
			m.settle(it, []int{j}, it.remaining(), "merchant-reference", false)
		case len(eq) > 1:
			rv := Review{Reason: "several expected items of the order have this amount", Lines: m.linesOf([]int{j})}
			for _, it := range eq {
				m.steps++
				rv.Candidates = append(rv.Candidates, *it.Expected)
			}
			m.used[j] = true
			m.res.review = append(m.res.review, rv)
		case g.open > 1:
			// One line settling several payments of the order at once.
			if a, ok := amountIn(l, g.first().Expected.Currency); ok && a.Cmp(g.want) == 0 {
				open := make([]*item, 0, g.open)
				for _, it := range g.items[g.head:] {
					m.steps++
					if !it.done {
						open = append(open, it)
					}
				}
				m.groupOrReview(open, []int{j}, "merchant-reference", "")
				if open[0].done {
					g.open, g.want = 0, decimal.Zero
				}
			}
		}
	}
}

// orderGroup holds the items of one order (and line type) open when the
// merchant-reference pass starts. An item of the group is done either
// alone, when it is the only open one of its amount, or with all the
// others: so each amount's list is all open or all done.
type orderGroup struct {
	items []*item // canonical order
	head  int     // items[:head] are done
	open  int
	// want is the sum of the open items' remaining amounts.
	want     decimal.Decimal
	byAmount map[amountKey]*amountList
}

type amountList struct {
	items []*item // canonical order
	open  bool
}

// index builds the amount index the first time a line names the order.
func (g *orderGroup) index() {
	if g.byAmount != nil {
		return
	}
	g.byAmount = make(map[amountKey]*amountList, len(g.items))
	g.want = decimal.Zero
	for _, it := range g.items {
		k := amountKey{it.Expected.Currency, canonical(it.remaining())}
		al := g.byAmount[k]
		if al == nil {
			al = &amountList{open: true}
			g.byAmount[k] = al
		}
		al.items = append(al.items, it)
		g.want = mustAdd(g.want, it.remaining())
	}
	g.open = len(g.items)
}

// settled takes out an item about to be settled alone (the only open item
// of its amount).
func (g *orderGroup) settled(it *item) {
	g.byAmount[amountKey{it.Expected.Currency, canonical(it.remaining())}].open = false
	g.want = mustSub(g.want, it.remaining())
	g.open--
}

// first is the first open item in canonical order.
func (g *orderGroup) first() *item {
	for g.items[g.head].done {
		g.head++
	}
	return g.items[g.head]
}

// equalAmount lists the open items of g whose remaining amount is the
// line's in their currency, in canonical order.
func (m *matcher) equalAmount(g *orderGroup, l *SettlementLine) []*item {
	ks, n := lineKeys(l)
	var lists [2][]*item
	for i, k := range ks[:n] {
		if al := g.byAmount[k]; al != nil && al.open {
			lists[i] = al.items
		}
	}
	switch {
	case len(lists[1]) == 0:
		return lists[0]
	case len(lists[0]) == 0:
		return lists[1]
	}
	// Two currencies: merge by canonical position.
	out := make([]*item, 0, len(lists[0])+len(lists[1]))
	a, b := lists[0], lists[1]
	for len(a) > 0 && len(b) > 0 {
		m.steps++
		if a[0].pos < b[0].pos {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// byTolerance matches the remaining lines that fit exactly one open item
// within the rule; several fits go to review.
func (m *matcher) byTolerance(r ToleranceRule) {
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
		l := m.lines[j]
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
				m.steps++
				if it.remaining().Cmp(hi) > 0 {
					break
				}
				if it.done || slices.Contains(fits, it) {
					continue
				}
				e := it.Expected
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
