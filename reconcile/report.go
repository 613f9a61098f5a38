package reconcile

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// PayoutSummary holds the figures of one payout (one provider batch in one
// settlement currency), or of all payouts in a currency for the totals. All
// amounts are in Currency, signed from the merchant balance point of view,
// except FeeTotal and Fees (costs, positive) and NetPaid (money received,
// positive).
type PayoutSummary struct {
	Provider, PayoutID, Currency string
	// Date is the latest booking day of the payout's lines.
	Date time.Time
	// Gross are captures, Refunds refunds, Chargebacks chargebacks (gross,
	// before penalty fees), ChargebackReversals chargebacks won back,
	// Adjustments other corrections, Conversions currency conversion legs.
	Gross, Refunds, Chargebacks, ChargebackReversals, Adjustments, Conversions decimal.Decimal
	// Fees are the fees by component, sorted by component; FeeTotal their sum.
	Fees     []Fee
	FeeTotal decimal.Decimal
	// NetExpected is what the payout's lines add up to: gross + refunds +
	// chargebacks + reversals + adjustments + conversions − fees.
	NetExpected decimal.Decimal
	// NetPaid is what the provider paid out to the bank; Difference is
	// NetPaid − NetExpected once the payout line is in (non-zero: the
	// deposit is not the batch total), zero while the batch is unpaid.
	NetPaid, Difference decimal.Decimal
	// PaidOut is true when the file holds the payout line itself.
	PaidOut bool
	// Lines counts the payout's lines; Matched, Mismatched, Review and
	// Unexpected count its capture and refund lines by outcome.
	Lines, Matched, Mismatched, Review, Unexpected int
}

// Report is the outcome of one reconciliation run.
type Report struct {
	RunAt time.Time
	// Payouts are the per-payout figures, by provider, payout id, currency.
	Payouts []PayoutSummary
	// Totals are the figures of all payouts, one per currency.
	Totals []PayoutSummary
	// Matched are exact, within-tolerance and partial matches.
	Matched []Match
	// Mismatches are settlements of an expected item for another amount.
	Mismatches []Match
	// Review are settlements that fit several expected items.
	Review []Review
	// Open are expected items not settled yet, within the SLA.
	Open []OpenItem
	// Missing are expected items not settled past the SLA (overdue).
	Missing []OpenItem
	// Unexpected are capture and refund lines that match nothing expected.
	Unexpected []SettlementLine
	// Chargebacks are chargeback and chargeback reversal lines.
	Chargebacks []SettlementLine
	// DuplicateFiles and DuplicateLines were delivered again and not counted.
	DuplicateFiles []DuplicateFile
	DuplicateLines []SettlementLine
	// ReadErrors are rows and files that could not be read.
	ReadErrors []ReadError
	// Journals are the balanced fee and payout journals.
	Journals []Journal
	// JournalErrors are journals that could not be built (a missing account).
	JournalErrors []JournalError
	// Exceptions are every finding of the run with its owner.
	Exceptions []Exception
}

// Clean reports whether nothing needs a person: no mismatch, review,
// missing payment, unexpected line, duplicate, read or journal error, and
// every payout equals its lines.
func (r *Report) Clean() bool {
	if len(r.Mismatches)+len(r.Review)+len(r.Missing)+len(r.Unexpected)+len(r.DuplicateFiles)+
		len(r.DuplicateLines)+len(r.ReadErrors)+len(r.JournalErrors) > 0 {
		return false
	}
	for _, p := range r.Payouts {
		if !p.Difference.IsZero() {
			return false
		}
	}
	return true
}

type payoutKey struct{ provider, payout, currency string }

func keyOf(l *SettlementLine) payoutKey { return payoutKey{l.Provider, l.PayoutID, l.NetCurrency} }

func newSummary(provider, payout, currency string) *PayoutSummary {
	z := decimal.Zero
	return &PayoutSummary{Provider: provider, PayoutID: payout, Currency: currency, Gross: z, Refunds: z, Chargebacks: z,
		ChargebackReversals: z, Adjustments: z, Conversions: z, FeeTotal: z, NetExpected: z, NetPaid: z, Difference: z}
}

// add books a line into the summary.
func (s *PayoutSummary) add(l *SettlementLine) {
	s.Lines++
	if l.BookingDate.After(s.Date) {
		s.Date = l.BookingDate
	}
	if l.Type == TypePayout {
		s.NetPaid = mustSub(s.NetPaid, l.Net)
		s.PaidOut = true
		return
	}
	g := l.GrossInNetCurrency()
	switch l.Type {
	case TypeCapture:
		s.Gross = mustAdd(s.Gross, g)
	case TypeRefund:
		s.Refunds = mustAdd(s.Refunds, g)
	case TypeChargeback:
		s.Chargebacks = mustAdd(s.Chargebacks, g)
	case TypeChargebackReversal:
		s.ChargebackReversals = mustAdd(s.ChargebackReversals, g)
	case TypeAdjustment:
		s.Adjustments = mustAdd(s.Adjustments, g)
	case TypeConversion:
		s.Conversions = mustAdd(s.Conversions, g)
	}
	for _, f := range l.Fees {
		s.addFee(f)
	}
	s.NetExpected = mustAdd(s.NetExpected, l.Net)
}

func (s *PayoutSummary) addFee(f Fee) {
	s.FeeTotal = mustAdd(s.FeeTotal, f.Amount)
	i, found := slices.BinarySearchFunc(s.Fees, f.Component, func(a Fee, c string) int { return strings.Compare(a.Component, c) })
	if found {
		s.Fees[i].Amount = mustAdd(s.Fees[i].Amount, f.Amount)
		return
	}
	s.Fees = slices.Insert(s.Fees, i, f)
}

// pad writes every figure with the currency's decimals ("0" becomes
// "0.00" for EUR), as finance reads them; padding never rounds.
func (s *PayoutSummary) pad() {
	e := CurrencyExponent(s.Currency)
	for _, d := range []*decimal.Decimal{&s.Gross, &s.Refunds, &s.Chargebacks, &s.ChargebackReversals, &s.Adjustments,
		&s.Conversions, &s.FeeTotal, &s.NetExpected, &s.NetPaid, &s.Difference} {
		*d = d.Pad(e)
	}
	for i := range s.Fees {
		s.Fees[i].Amount = s.Fees[i].Amount.Pad(e)
	}
}

// merge adds another summary's figures (for the totals).
func (s *PayoutSummary) merge(o *PayoutSummary) {
	s.Gross = mustAdd(s.Gross, o.Gross)
	s.Refunds = mustAdd(s.Refunds, o.Refunds)
	s.Chargebacks = mustAdd(s.Chargebacks, o.Chargebacks)
	s.ChargebackReversals = mustAdd(s.ChargebackReversals, o.ChargebackReversals)
	s.Adjustments = mustAdd(s.Adjustments, o.Adjustments)
	s.Conversions = mustAdd(s.Conversions, o.Conversions)
	for _, f := range o.Fees {
		s.addFee(f)
	}
	s.NetExpected = mustAdd(s.NetExpected, o.NetExpected)
	s.NetPaid = mustAdd(s.NetPaid, o.NetPaid)
	s.Difference = mustAdd(s.Difference, o.Difference)
	s.PaidOut = s.PaidOut || o.PaidOut
	if o.Date.After(s.Date) {
		s.Date = o.Date
	}
	s.Lines += o.Lines
	s.Matched += o.Matched
	s.Mismatched += o.Mismatched
	s.Review += o.Review
	s.Unexpected += o.Unexpected
}

// build fills the report's figures and lists from the counted lines and the
// match result. Lists come out in a canonical order.
func (r *Report) build(lines []*SettlementLine, res matchResult) {
	sums := map[payoutKey]*PayoutSummary{}
	// Each line's summary by its place in lines (the matcher's canonical
	// index): a match of one line finds its summary without looking its
	// payout up again.
	summaryAt := make([]*PayoutSummary, len(lines))
	for i, l := range lines {
		k := keyOf(l)
		s := sums[k]
		if s == nil {
			s = newSummary(k.provider, k.payout, k.currency)
			sums[k] = s
		}
		summaryAt[i] = s
		s.add(l)
		if l.Type == TypeChargeback || l.Type == TypeChargebackReversal {
			r.Chargebacks = append(r.Chargebacks, *l)
		}
	}
	count := func(ls []SettlementLine, f func(*PayoutSummary)) {
		for i := range ls {
			if s := sums[keyOf(&ls[i])]; s != nil {
				f(s)
			}
		}
	}
	// A match of one line holds that very line (linesOf shares it), at
	// its canonical index.
	countMatch := func(m *Match, f func(*PayoutSummary)) {
		if len(m.Lines) == 1 && m.first >= 0 && m.first < len(lines) && &m.Lines[0] == lines[m.first] {
			f(summaryAt[m.first])
			return
		}
		count(m.Lines, f)
	}
	// Matches are partitioned in place: at a million lines a second copy
	// of the list is hundreds of megabytes.
	r.Matched = res.matches[:0]
	for _, m := range res.matches {
		if m.Status == StatusMismatch {
			r.Mismatches = append(r.Mismatches, m)
			countMatch(&m, func(s *PayoutSummary) { s.Mismatched++ })
		} else {
			r.Matched = append(r.Matched, m)
			countMatch(&m, func(s *PayoutSummary) { s.Matched++ })
		}
	}
	for _, rv := range res.review {
		r.Review = append(r.Review, rv)
		count(rv.Lines, func(s *PayoutSummary) { s.Review++ })
	}
	r.Unexpected = res.unexpected
	count(res.unexpected, func(s *PayoutSummary) { s.Unexpected++ })

	totals := map[string]*PayoutSummary{}
	for _, k := range sortedPayoutKeys(sums) {
		s := sums[k]
		if s.PaidOut {
			s.Difference = mustSub(s.NetPaid, s.NetExpected)
		}
		s.pad()
		p := *s
		p.Fees = slices.Clone(s.Fees)
		r.Payouts = append(r.Payouts, p)
		t := totals[k.currency]
		if t == nil {
			t = newSummary("", "", k.currency)
			totals[k.currency] = t
		}
		t.merge(s)
	}
	for _, c := range sortedKeys(totals) {
		totals[c].pad()
		r.Totals = append(r.Totals, *totals[c])
	}
	// Matches are ordered by their first line in canonical order; sorting a
	// permutation of ints moves each (large) Match only once.
	r.Matched = orderMatches(r.Matched)
	r.Mismatches = orderMatches(r.Mismatches)
	slices.SortFunc(r.Review, func(a, b Review) int { return compareLines(a.Lines[0], b.Lines[0]) })
}

// sortItems puts the open and missing items and the read errors in the
// report's order.
func (r *Report) sortItems() {
	byItem := func(a, b OpenItem) int { return compareExpected(&a.Expected, &b.Expected) }
	slices.SortFunc(r.Open, byItem)
	slices.SortFunc(r.Missing, byItem)
	slices.SortFunc(r.ReadErrors, func(a, b ReadError) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Message, b.Message))
	})
}

func sortedPayoutKeys(m map[payoutKey]*PayoutSummary) []payoutKey {
	keys := make([]payoutKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b payoutKey) int {
		return cmp.Or(strings.Compare(a.provider, b.provider), strings.Compare(a.payout, b.payout), strings.Compare(a.currency, b.currency))
	})
	return keys
}

// orderMatches orders matches by their first line, in place. Each line
// belongs to one match at most, so the first lines are distinct: a
// counting pass finds each match's place, and every match moves once.
func orderMatches(ms []Match) []Match {
	if slices.IsSortedFunc(ms, func(a, b Match) int { return cmp.Compare(a.first, b.first) }) {
		return ms
	}
	hi := 0
	for i := range ms {
		hi = max(hi, ms[i].first)
	}
	at := make([]int32, hi+1) // 1 + the index of the match starting at each line
	for i := range ms {
		at[ms[i].first] = int32(i + 1)
	}
	perm := make([]int, 0, len(ms))
	for _, i := range at {
		if i > 0 {
			perm = append(perm, int(i-1))
		}
	}
	if len(perm) != len(ms) {
		// Two matches starting at one line would be a matcher bug; sort
		// them the slow way rather than lose one.
		perm = perm[:0]
		for i := range ms {
			perm = append(perm, i)
		}
		slices.SortStableFunc(perm, func(a, b int) int { return cmp.Compare(ms[a].first, ms[b].first) })
	}
	permute(ms, perm)
	return ms
}
