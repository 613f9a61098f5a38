package reconcile

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"
)

// TestRun_ShuffledInputsGiveIdenticalReportsAndBalancedJournals reconciles
// the fixture day with expected items, files and pre-read lines in many
// random orders: every report must be byte-identical and every journal
// balanced.
func TestRun_ShuffledInputsGiveIdenticalReportsAndBalancedJournals(t *testing.T) {
	render := func(seed uint64) []byte {
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		exp := fixtureExpected()
		fs := files(t, allFixtureFiles...)
		// One file is handed over as lines the host read itself.
		var lines []SettlementLine
		for l, err := range (PayPal{}).Read(t.Context(), fs[3].Body, fs[3].Name) {
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		fs = append(fs[:3], fs[4:]...)
		if seed != 0 {
			rng.Shuffle(len(exp), func(i, j int) { exp[i], exp[j] = exp[j], exp[i] })
			rng.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
			rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		}
		c := &clock{t: time.Date(2026, 11, 6, 8, 0, 0, 0, time.UTC)}
		r, err := New(Config{Now: c.Now, Rules: fixtureRules, Accounts: fixtureAccounts(t)})
		if err != nil {
			t.Fatal(err)
		}
		rep := run(t, r, Input{Expected: exp, Files: fs, Lines: lines})
		for _, j := range rep.Journals {
			if !j.Balanced() {
				t.Errorf("seed %d: journal %s unbalanced", seed, j.ID)
			}
		}
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	want := render(0)
	for seed := uint64(1); seed <= 25; seed++ {
		if got := render(seed); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: report differs from the unshuffled one", seed)
		}
	}
}

// TestMatcher_AmbiguityIsDecidedTheSameWayInAnyOrder feeds the matcher
// near-identical items and lines in random orders: the sets sent to review
// and matched must not change.
func TestMatcher_AmbiguityIsDecidedTheSameWayInAnyOrder(t *testing.T) {
	base := []Expected{
		{Kind: ExpectedPayment, OrderNo: "A", Amount: d("10.00"), Currency: "EUR", Date: day2026(time.November, 1)},
		{Kind: ExpectedPayment, OrderNo: "B", Amount: d("10.00"), Currency: "EUR", Date: day2026(time.November, 1)},
		{Kind: ExpectedPayment, OrderNo: "C", Amount: d("10.01"), Currency: "EUR", Date: day2026(time.November, 1)},
		{Kind: ExpectedPayment, OrderNo: "D", Amount: d("20.00"), Currency: "EUR", Date: day2026(time.November, 1)},
	}
	lines := []SettlementLine{
		capture("", "", "10.00", "EUR", 1), capture("", "", "20.01", "EUR", 2), capture("", "", "10.02", "EUR", 3),
	}
	rules := []ToleranceRule{{Name: "cent", Absolute: d("0.01"), DaysAfter: 5}}
	describeResult := func(res matchResult) string {
		var b bytes.Buffer
		for _, m := range res.matches {
			b.WriteString("M " + m.Expected[0].OrderNo + " " + m.Lines[0].Source.String() + "\n")
		}
		for _, rv := range res.review {
			b.WriteString("R " + rv.Lines[0].Source.String())
			for _, c := range rv.Candidates {
				b.WriteString(" " + c.OrderNo)
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	var want string
	for seed := uint64(0); seed < 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		exp := append([]Expected(nil), base...)
		ls := append([]SettlementLine(nil), lines...)
		rng.Shuffle(len(exp), func(i, j int) { exp[i], exp[j] = exp[j], exp[i] })
		rng.Shuffle(len(ls), func(i, j int) { ls[i], ls[j] = ls[j], ls[i] })
		var items []*item
		for _, e := range exp {
			items = append(items, newItem(&e, time.Time{}))
		}
		got := describeResult(newMatcher(rules, items, ls).run())
		if seed == 0 {
			want = got
			continue
		}
		if got != want {
			t.Fatalf("seed %d:\n%s\nwant\n%s", seed, got, want)
		}
	}
	// 10.00 fits A, B (exact) and C (within a cent): review, never first fit.
	// 20.01 fits D alone. 10.02 fits only C, which is still open.
	const expected = "M C f:3\nM D f:2\nR f:1 A B C\n"
	if want != expected {
		t.Errorf("result:\n%s\nwant\n%s", want, expected)
	}
}

func capture(psp, merchantRef, gross, currency string, line int) SettlementLine {
	return SettlementLine{Provider: "test", Type: TypeCapture, PSPReference: psp, MerchantReference: merchantRef,
		GrossCurrency: currency, Gross: d(gross), NetCurrency: currency, Net: d(gross),
		BookingDate: day2026(time.November, 2), PayoutID: "P1", Source: Position{File: "f", Line: line}}
}
