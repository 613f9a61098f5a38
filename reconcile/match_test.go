package reconcile

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func exp(kind ExpectedKind, orderNo, psp, amount, currency string, placed time.Time) Expected {
	return Expected{Kind: kind, OrderNo: orderNo, PSPReference: psp, Amount: d(amount), Currency: currency, Date: placed}
}

func outcome(res matchResult, items []*item) []string {
	var out []string
	for _, m := range res.matches {
		var orders []string
		for _, e := range m.Expected {
			orders = append(orders, e.OrderNo)
		}
		out = append(out, fmt.Sprintf("%s %s %s lines=%d diff=%s", m.Status, m.Method, strings.Join(orders, "+"), len(m.Lines), m.Difference))
	}
	for _, rv := range res.review {
		var orders []string
		for _, e := range rv.Candidates {
			orders = append(orders, e.OrderNo)
		}
		out = append(out, fmt.Sprintf("review %s lines=%d", strings.Join(orders, "+"), len(rv.Lines)))
	}
	for _, l := range res.unexpected {
		out = append(out, "unexpected "+l.Source.String())
	}
	for _, it := range items {
		if !it.done {
			out = append(out, fmt.Sprintf("open %s remaining=%s", it.Expected.OrderNo, it.remaining()))
		}
	}
	return out
}

func TestMatcher_Rules(t *testing.T) {
	nov1 := day2026(time.November, 1)
	refund := func(psp, merchantRef, gross string, line int) SettlementLine {
		l := capture(psp, merchantRef, gross, "EUR", line)
		l.Type = TypeRefund
		return l
	}
	late := func(l SettlementLine, days int) SettlementLine {
		l.BookingDate = nov1.AddDate(0, 0, days)
		return l
	}
	absolute := []ToleranceRule{{Name: "abs", Absolute: d("0.10"), DaysBefore: 0, DaysAfter: 3}}
	percent := []ToleranceRule{{Name: "pct", Percent: d("1"), DaysAfter: 3}}
	tests := []struct {
		name     string
		rules    []ToleranceRule
		expected []Expected
		lines    []SettlementLine
		want     []string
	}{
		{
			name:     "exact PSP reference wins even when the order number is wrong",
			expected: []Expected{exp(ExpectedPayment, "1", "psp1", "10.00", "EUR", nov1)},
			lines:    []SettlementLine{capture("psp1", "other", "10.00", "EUR", 1)},
			want:     []string{"matched psp-reference 1 lines=1 diff=0.00"},
		},
		{
			name:     "partial captures one-to-many close the payment",
			expected: []Expected{exp(ExpectedPayment, "1", "psp1", "100.00", "EUR", nov1)},
			lines:    []SettlementLine{capture("psp1", "1", "60.00", "EUR", 1), capture("psp1", "1", "40.00", "EUR", 2)},
			want:     []string{"matched psp-reference 1 lines=2 diff=0.00"},
		},
		{
			name:     "a first partial capture leaves the rest open",
			expected: []Expected{exp(ExpectedPayment, "1", "psp1", "100.00", "EUR", nov1)},
			lines:    []SettlementLine{capture("psp1", "1", "60.00", "EUR", 1)},
			want:     []string{"partial psp-reference 1 lines=1 diff=-40.00", "open 1 remaining=40.00"},
		},
		{
			name:     "over-settlement is a mismatch with the difference",
			expected: []Expected{exp(ExpectedPayment, "1", "psp1", "100.00", "EUR", nov1)},
			lines:    []SettlementLine{capture("psp1", "1", "100.50", "EUR", 1)},
			want:     []string{"mismatch psp-reference 1 lines=1 diff=0.50"},
		},
		{
			name:     "merchant reference and amount when the PSP reference is unknown",
			expected: []Expected{exp(ExpectedPayment, "1", "psp-sfcc", "10.00", "EUR", nov1), exp(ExpectedPayment, "2", "", "10.00", "EUR", nov1)},
			lines:    []SettlementLine{capture("psp-other", "2", "10.00", "EUR", 1)},
			want:     []string{"matched merchant-reference 2 lines=1 diff=0.00", "open 1 remaining=10.00"},
		},
		{
			name:     "two equal payments of one order go to review",
			expected: []Expected{exp(ExpectedPayment, "1", "", "10.00", "EUR", nov1), {Kind: ExpectedPayment, OrderNo: "1", Amount: d("10.00"), Currency: "EUR", Seq: 1}},
			lines:    []SettlementLine{capture("", "1", "10.00", "EUR", 1)},
			want:     []string{"review 1+1 lines=1", "open 1 remaining=10.00", "open 1 remaining=10.00"},
		},
		{
			name:     "one line settling two payments of an order is a grouped match",
			expected: []Expected{exp(ExpectedPayment, "1", "a", "10.00", "EUR", nov1), exp(ExpectedPayment, "1", "b", "5.00", "EUR", nov1)},
			lines:    []SettlementLine{capture("", "1", "15.00", "EUR", 1)},
			want:     []string{"matched grouped:merchant-reference 1+1 lines=1 diff=0.00"},
		},
		{
			name:     "one line settling payments split under one PSP reference is a grouped match",
			expected: []Expected{exp(ExpectedPayment, "1", "p", "10.00", "EUR", nov1), {Kind: ExpectedPayment, OrderNo: "1", PSPReference: "p", Amount: d("5.00"), Currency: "EUR", Seq: 1}},
			lines:    []SettlementLine{capture("p", "1", "15.00", "EUR", 1)},
			want:     []string{"matched grouped:psp-reference 1+1 lines=1 diff=0.00"},
		},
		{
			name:     "a line that fits neither split payment nor their sum goes to review",
			expected: []Expected{exp(ExpectedPayment, "1", "p", "10.00", "EUR", nov1), {Kind: ExpectedPayment, OrderNo: "1", PSPReference: "p", Amount: d("5.00"), Currency: "EUR", Seq: 1}},
			lines:    []SettlementLine{capture("p", "1", "12.00", "EUR", 1)},
			want:     []string{"review 1+1 lines=1", "open 1 remaining=10.00", "open 1 remaining=5.00"},
		},
		{
			name:     "refunds sharing a PSP reference pair by amount",
			expected: []Expected{exp(ExpectedRefund, "1", "psp1", "-5.00", "EUR", nov1), {Kind: ExpectedRefund, OrderNo: "1", PSPReference: "psp1", RefundID: "r2", Amount: d("-7.00"), Currency: "EUR"}},
			lines:    []SettlementLine{refund("psp1", "1", "-7.00", 1), refund("psp1", "1", "-5.00", 2)},
			want:     []string{"matched psp-reference 1 lines=1 diff=0.00", "matched psp-reference 1 lines=1 diff=0.00"},
		},
		{
			name:     "refunds sharing a PSP reference with equal amounts go to review",
			expected: []Expected{exp(ExpectedRefund, "1", "psp1", "-5.00", "EUR", nov1), {Kind: ExpectedRefund, OrderNo: "1", PSPReference: "psp1", RefundID: "r2", Amount: d("-5.00"), Currency: "EUR"}},
			lines:    []SettlementLine{refund("psp1", "1", "-5.00", 1)},
			want:     []string{"review 1+1 lines=1", "open 1 remaining=-5.00", "open 1 remaining=-5.00"},
		},
		{
			name:     "absolute tolerance inside the date window",
			rules:    absolute,
			expected: []Expected{exp(ExpectedPayment, "1", "", "10.00", "EUR", nov1)},
			lines:    []SettlementLine{late(capture("", "", "10.07", "EUR", 1), 3)},
			want:     []string{"matched-within-tolerance tolerance:abs 1 lines=1 diff=0.07"},
		},
		{
			name:     "absolute tolerance: booked after the window",
			rules:    absolute,
			expected: []Expected{exp(ExpectedPayment, "1", "", "10.00", "EUR", nov1)},
			lines:    []SettlementLine{late(capture("", "", "10.07", "EUR", 1), 4)},
			want:     []string{"unexpected f:1", "open 1 remaining=10.00"},
		},
		{
			name:     "the window is directional: booked before the payment is not accepted",
			rules:    absolute,
			expected: []Expected{exp(ExpectedPayment, "1", "", "10.00", "EUR", nov1)},
			lines:    []SettlementLine{late(capture("", "", "10.00", "EUR", 1), -1)},
			want:     []string{"unexpected f:1", "open 1 remaining=10.00"},
		},
		{
			name:     "absolute tolerance: amount beyond it",
			rules:    absolute,
			expected: []Expected{exp(ExpectedPayment, "1", "", "10.00", "EUR", nov1)},
			lines:    []SettlementLine{late(capture("", "", "10.11", "EUR", 1), 1)},
			want:     []string{"unexpected f:1", "open 1 remaining=10.00"},
		},
		{
			name:     "percentage tolerance",
			rules:    percent,
			expected: []Expected{exp(ExpectedPayment, "1", "", "200.00", "EUR", nov1), exp(ExpectedPayment, "2", "", "20.00", "EUR", nov1)},
			lines:    []SettlementLine{late(capture("", "", "201.90", "EUR", 1), 1), late(capture("", "", "20.30", "EUR", 2), 1)},
			want:     []string{"matched-within-tolerance tolerance:pct 1 lines=1 diff=1.90", "unexpected f:2", "open 2 remaining=20.00"},
		},
		{
			name:     "tolerance never matches another order's reference",
			rules:    absolute,
			expected: []Expected{exp(ExpectedPayment, "1", "", "10.00", "EUR", nov1)},
			lines:    []SettlementLine{late(capture("", "9", "10.01", "EUR", 1), 1)},
			want:     []string{"unexpected f:1", "open 1 remaining=10.00"},
		},
		{
			name:     "a USD payment settled in EUR matches on the shopper amount",
			expected: []Expected{exp(ExpectedPayment, "1", "psp1", "50.00", "USD", nov1)},
			lines: []SettlementLine{{Provider: "test", Type: TypeCapture, PSPReference: "psp1", GrossCurrency: "USD", Gross: d("50.00"),
				NetCurrency: "EUR", Net: d("45.50"), Fees: []Fee{{"commission", d("0.50")}}, ExchangeRate: d("0.92"), Source: Position{"f", 1}}},
			want: []string{"matched psp-reference 1 lines=1 diff=0.00"},
		},
		{
			name:     "an EUR payment reported in the settlement currency only",
			expected: []Expected{exp(ExpectedPayment, "1", "psp1", "46.00", "EUR", nov1)},
			lines: []SettlementLine{{Provider: "test", Type: TypeCapture, PSPReference: "psp1", GrossCurrency: "USD", Gross: d("50.00"),
				NetCurrency: "EUR", Net: d("45.50"), Fees: []Fee{{"commission", d("0.50")}}, ExchangeRate: d("0.92"), Source: Position{"f", 1}}},
			want: []string{"matched psp-reference 1 lines=1 diff=0.00"},
		},
		{
			name:     "a currency that cannot be compared is not matched",
			expected: []Expected{exp(ExpectedPayment, "1", "psp1", "50.00", "GBP", nov1)},
			lines:    []SettlementLine{capture("psp1", "1", "50.00", "EUR", 1)},
			want:     []string{"unexpected f:1", "open 1 remaining=50.00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []*item
			for _, e := range tt.expected {
				items = append(items, newItem(&e, time.Time{}))
			}
			res := newMatcher(tt.rules, items, tt.lines).run()
			if diff := cmp.Diff(tt.want, outcome(res, items)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatcher_MatchLinesAreTheirOwn(t *testing.T) {
	nov1 := day2026(time.November, 1)
	e1, e2 := exp(ExpectedPayment, "1", "psp1", "10.00", "EUR", nov1), exp(ExpectedPayment, "2", "psp2", "20.00", "EUR", nov1)
	items := []*item{newItem(&e1, time.Time{}), newItem(&e2, time.Time{})}
	res := newMatcher(nil, items, []SettlementLine{capture("psp2", "2", "20.00", "EUR", 2), capture("psp1", "1", "10.00", "EUR", 1)}).run()
	if len(res.matches) != 2 {
		t.Fatalf("matches %v", res.matches)
	}
	first, second := res.matches[0], res.matches[1]
	if first.Lines[0].PSPReference != "psp1" || second.Lines[0].PSPReference != "psp2" {
		t.Fatalf("lines %v / %v", first.Lines, second.Lines)
	}
	// Appending to one match's lines must not overwrite the next match's.
	_ = append(first.Lines, capture("x", "x", "1.00", "EUR", 9))
	if second.Lines[0].PSPReference != "psp2" {
		t.Errorf("appending to one match's lines changed another's: %v", second.Lines)
	}
	// Nor to one match's expected items another's, or the item's.
	grown := append(first.Expected, exp(ExpectedPayment, "x", "x", "1.00", "EUR", nov1))
	grown[0].OrderNo = "changed"
	if first.Expected[0].OrderNo != "1" || second.Expected[0].OrderNo != "2" || items[0].Expected.OrderNo != "1" {
		t.Errorf("appending to one match's expected items changed a match or an item: %v / %v", first.Expected, second.Expected)
	}
}
