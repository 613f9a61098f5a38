package reconcile

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"
)

var update = flag.Bool("update", false, "rewrite golden files")

// summaryLine renders every figure of a payout summary.
func summaryLine(p PayoutSummary) string {
	var fees []string
	for _, f := range p.Fees {
		fees = append(fees, f.Component+"="+f.Amount.String())
	}
	return fmt.Sprintf("%s/%s/%s gross=%s refunds=%s chargebacks=%s reversals=%s adjustments=%s conversions=%s fees=%s [%s] net_expected=%s net_paid=%s difference=%s paid_out=%t lines=%d matched=%d mismatched=%d review=%d unexpected=%d",
		p.Provider, p.PayoutID, p.Currency, p.Gross, p.Refunds, p.Chargebacks, p.ChargebackReversals, p.Adjustments,
		p.Conversions, p.FeeTotal, strings.Join(fees, " "), p.NetExpected, p.NetPaid, p.Difference, p.PaidOut,
		p.Lines, p.Matched, p.Mismatched, p.Review, p.Unexpected)
}

func fixtureRun(t testing.TB) *Report {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 6, 8, 0, 0, 0, time.UTC)}
	r, err := New(Config{Now: c.Now, Rules: fixtureRules, Accounts: fixtureAccounts(t)})
	if err != nil {
		t.Fatal(err)
	}
	return run(t, r, Input{Expected: fixtureExpected(), Files: files(t, allFixtureFiles...)})
}

func TestRun_FixtureDayPinsEveryPayoutAndTotalFigure(t *testing.T) {
	rep := fixtureRun(t)
	var got []string
	for _, p := range rep.Payouts {
		got = append(got, summaryLine(p))
	}
	for _, p := range rep.Totals {
		got = append(got, summaryLine(p))
	}
	want := []string{
		"adyen/101/EUR gross=436.00 refunds=-20.00 chargebacks=-60.00 reversals=40.00 adjustments=0.00 conversions=0.00 fees=43.74 [account_fee=25.00 commission=18.40 interchange=0.22 markup=0.10 scheme_fees=0.02] net_expected=352.26 net_paid=352.26 difference=0.00 paid_out=true lines=11 matched=7 mismatched=0 review=0 unexpected=0",
		"adyen/102/EUR gross=304.00 refunds=0.00 chargebacks=0.00 reversals=0.00 adjustments=5.00 conversions=0.00 fees=3.04 [commission=1.04 interchange=1.60 scheme_fees=0.40] net_expected=305.96 net_paid=305.96 difference=0.00 paid_out=true lines=5 matched=1 mismatched=1 review=0 unexpected=1",
		"klarna/KS-77/SEK gross=1000.00 refunds=-200.00 chargebacks=0.00 reversals=0.00 adjustments=0.00 conversions=0.00 fees=42.50 [account_fee=30.00 processing=12.50] net_expected=757.50 net_paid=757.50 difference=0.00 paid_out=true lines=4 matched=2 mismatched=0 review=0 unexpected=0",
		"paypal/2026-11-02/JPY gross=5000 refunds=0 chargebacks=0 reversals=0 adjustments=0 conversions=-4800 fees=200 [processing=200] net_expected=0 net_paid=0 difference=0 paid_out=false lines=2 matched=1 mismatched=0 review=0 unexpected=0",
		"paypal/2026-11-02/USD gross=240.00 refunds=-15.00 chargebacks=-30.00 reversals=30.00 adjustments=0.00 conversions=32.00 fees=38.01 [account_fee=10.00 processing=28.01] net_expected=218.99 net_paid=218.99 difference=0.00 paid_out=true lines=11 matched=6 mismatched=0 review=0 unexpected=0",
		"stripe/po_1/USD gross=359.00 refunds=-25.00 chargebacks=-45.00 reversals=30.00 adjustments=0.00 conversions=0.00 fees=15.00 [account_fee=2.50 dispute_fee=0.00 processing=12.50] net_expected=304.00 net_paid=304.00 difference=0.00 paid_out=true lines=11 matched=7 mismatched=0 review=0 unexpected=0",
		"//EUR gross=740.00 refunds=-20.00 chargebacks=-60.00 reversals=40.00 adjustments=5.00 conversions=0.00 fees=46.78 [account_fee=25.00 commission=19.44 interchange=1.82 markup=0.10 scheme_fees=0.42] net_expected=658.22 net_paid=658.22 difference=0.00 paid_out=true lines=16 matched=8 mismatched=1 review=0 unexpected=1",
		"//JPY gross=5000 refunds=0 chargebacks=0 reversals=0 adjustments=0 conversions=-4800 fees=200 [processing=200] net_expected=0 net_paid=0 difference=0 paid_out=false lines=2 matched=1 mismatched=0 review=0 unexpected=0",
		"//SEK gross=1000.00 refunds=-200.00 chargebacks=0.00 reversals=0.00 adjustments=0.00 conversions=0.00 fees=42.50 [account_fee=30.00 processing=12.50] net_expected=757.50 net_paid=757.50 difference=0.00 paid_out=true lines=4 matched=2 mismatched=0 review=0 unexpected=0",
		"//USD gross=599.00 refunds=-40.00 chargebacks=-75.00 reversals=60.00 adjustments=0.00 conversions=32.00 fees=53.01 [account_fee=12.50 dispute_fee=0.00 processing=40.51] net_expected=522.99 net_paid=522.99 difference=0.00 paid_out=true lines=22 matched=13 mismatched=0 review=0 unexpected=0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("payout figures (-want +got):\n%s", diff)
	}
}

// TestRun_FixtureDayReportMatchesGolden pins every list of the report (matches,
// mismatches, open, unexpected, chargebacks, exceptions) through its CSV form.
func TestRun_FixtureDayReportMatchesGolden(t *testing.T) {
	rep := fixtureRun(t)
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/report_fixture_day.golden.csv"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(buf.String(), "\n")); diff != "" {
		t.Errorf("CSV report (-want +got):\n%s", diff)
	}
}

func TestRun_MismatchUnexpectedToleranceAndMultiCurrency(t *testing.T) {
	rep := fixtureRun(t)
	got := map[string]string{}
	for _, m := range append(append([]Match{}, rep.Matched...), rep.Mismatches...) {
		for _, e := range m.Expected {
			got[e.OrderNo+"/"+string(e.Kind)] = fmt.Sprintf("%s %s %s->%s diff=%s lines=%d", m.Status, m.Currency, m.ExpectedAmount, m.SettledAmount, m.Difference, len(m.Lines))
		}
	}
	want := map[string]string{
		"00001008/payment": "mismatch EUR 72.00->74.00 diff=2.00 lines=1",
		"00001002/payment": "matched EUR 150.00->150.00 diff=0.00 lines=2", // Adyen partial captures, one-to-many
		"00002002/payment": "matched USD 80.00->80.00 diff=0.00 lines=2",   // Stripe partial capture reversal summed
		"00001006/payment": "matched USD 50.00->50.00 diff=0.00 lines=1",   // USD order settled in EUR at 0.92
		"00002006/payment": "matched-within-tolerance EUR 49.98->50.00 diff=0.02 lines=1",
		"00003002/payment": "matched JPY 5000->5000 diff=0 lines=1",          // PayPal minor units, no decimals
		"00004002/refund":  "matched SEK -200.00->-200.00 diff=0.00 lines=1", // merchant reference + amount
		"00001003/refund":  "matched EUR -20.00->-20.00 diff=0.00 lines=1",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if len(rep.Unexpected) != 1 || rep.Unexpected[0].MerchantReference != "00009999" {
		t.Errorf("unexpected lines %v, want the capture of 00009999", rep.Unexpected)
	}
	if len(rep.Open) != 1 || rep.Open[0].Expected.OrderNo != "00001009" || len(rep.Missing) != 0 {
		t.Errorf("open %v missing %v, want 00001009 open and nothing missing", rep.Open, rep.Missing)
	}
	if len(rep.Chargebacks) != 6 {
		t.Errorf("%d chargeback lines, want 6", len(rep.Chargebacks))
	}
}

const adyenHeader = "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number\n"

// batch104 settles order 00001009 on day 2.
const batch104 = adyenHeader +
	"ShopCo,ShopCoEU,8815000000000009,00001009,visa,2026-11-04 10:00:00,CET,Settled,8815000000000901,EUR,,45.00,1,EUR,,44.55,0.45,,,,visacredit,,104\n" +
	"ShopCo,ShopCoEU,,,,2026-11-05 06:00:00,CET,MerchantPayout,,EUR,,,,EUR,44.55,,,,,,,,104\n"

// stores are the Store implementations every carry-over test runs against.
// Each call returns the store of day 1 and the one a new process opens on
// day 2: for a file store a second FileStore on the same directory.
var stores = map[string]func(t *testing.T) (day1, day2 Store){
	"memory": func(*testing.T) (Store, Store) { s := &MemoryStore{}; return s, s },
	"file": func(t *testing.T) (Store, Store) {
		dir := t.TempDir()
		return &FileStore{Dir: dir}, &FileStore{Dir: dir}
	},
}

func TestRun_OpenItemCarriesOverAndClosesOnALaterDay(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { openItemCarriesOver(t, open) })
	}
}

func openItemCarriesOver(t *testing.T, open func(*testing.T) (Store, Store)) {
	store, store2 := open(t)
	c := &clock{t: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)}
	r, err := New(Config{Now: c.Now, Store: store, SLA: 5 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	day1 := run(t, r, Input{Expected: fixtureExpected(), Files: files(t, allFixtureFiles[:1]...)})
	if !hasOpen(day1.Open, "00001009") {
		t.Fatalf("after day 1, 00001009 is not open: %v", day1.Open)
	}

	// Day 2: a new process (a new Reconciler on the same directory), the
	// orders exported again, and the settlement of 00001009.
	c.t = time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC)
	r2, err := New(Config{Now: c.Now, Store: store2})
	if err != nil {
		t.Fatal(err)
	}
	day2 := run(t, r2, Input{Expected: fixtureExpected(), Files: []SettlementFile{{Name: "settlement_detail_report_batch_104.csv", Format: Adyen{}, Body: strings.NewReader(batch104)}}})
	if hasOpen(day2.Open, "00001009") || hasOpen(day2.Missing, "00001009") {
		t.Errorf("after day 2, 00001009 still open or missing")
	}
	var matched bool
	for _, m := range day2.Matched {
		if m.Expected[0].OrderNo == "00001009" && m.Status == StatusMatched {
			matched = true
		}
	}
	if !matched {
		t.Errorf("00001009 not matched on day 2: %v", day2.Matched)
	}
	// Orders settled on day 1 were exported again; they must not reopen.
	if hasOpen(day2.Open, "00001001") || hasOpen(day2.Missing, "00001001") {
		t.Errorf("00001001, settled on day 1, reopened on day 2")
	}
}

func TestRun_OpenItemBecomesOverdueAfterTheSLA(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { openItemBecomesOverdue(t, open) })
	}
}

func openItemBecomesOverdue(t *testing.T, open func(*testing.T) (Store, Store)) {
	store, store2 := open(t)
	c := &clock{t: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)}
	r, err := New(Config{Now: c.Now, Store: store, SLA: 3 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	run(t, r, Input{Expected: fixtureExpected(), Files: files(t, allFixtureFiles[:1]...)})
	// The later days run in a new process on the same store.
	r, err = New(Config{Now: c.Now, Store: store2, SLA: 3 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}

	c.t = time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC) // exactly 3 days after 2 Nov: not yet
	rep := run(t, r, Input{})
	if !hasOpen(rep.Open, "00001009") || hasOpen(rep.Missing, "00001009") {
		t.Fatalf("within the SLA 00001009 must be open, not missing")
	}
	c.t = time.Date(2026, 11, 5, 0, 0, 1, 0, time.UTC)
	rep = run(t, r, Input{})
	if !hasOpen(rep.Missing, "00001009") || hasOpen(rep.Open, "00001009") {
		t.Fatalf("past the SLA 00001009 must be missing: open %v missing %v", rep.Open, rep.Missing)
	}
	var ex *Exception
	for i, x := range rep.Exceptions {
		if x.Kind == KindPaymentMissing && x.Key == "00001009" {
			ex = &rep.Exceptions[i]
		}
	}
	if ex == nil || ex.Owner != OwnerFinance || !ex.FirstSeen.Equal(time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("payment-missing exception %+v, want finance, first seen on day 1", ex)
	}
}

func hasOpen(items []OpenItem, orderNo string) bool {
	for _, o := range items {
		if o.Expected.OrderNo == orderNo {
			return true
		}
	}
	return false
}

func TestRun_DuplicateFileIsReportedNotDoubleCounted(t *testing.T) {
	b, err := os.ReadFile("testdata/settlement_detail_report_batch_101.csv")
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 4, 8, 0, 0, 0, time.UTC)}
	r, err := New(Config{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, r, Input{Expected: fixtureExpected(), Files: []SettlementFile{
		{Name: "settlement_detail_report_batch_101.csv", Format: Adyen{}, Body: bytes.NewReader(b)},
		{Name: "settlement_detail_report_batch_101 (1).csv", Format: Adyen{}, Body: bytes.NewReader(b)},
	}})
	if len(rep.Payouts) != 1 || rep.Payouts[0].NetPaid.String() != "352.26" || rep.Payouts[0].Gross.String() != "436.00" || rep.Payouts[0].Lines != 11 {
		t.Fatalf("payouts %v, want batch 101 counted once", rep.Payouts)
	}
	if len(rep.DuplicateFiles) != 1 || rep.DuplicateFiles[0].Name != "settlement_detail_report_batch_101.csv" ||
		rep.DuplicateFiles[0].FirstName != "settlement_detail_report_batch_101 (1).csv" {
		t.Errorf("duplicate files %+v", rep.DuplicateFiles)
	}
	if len(rep.Unexpected) != 0 {
		t.Errorf("duplicate lines counted as unexpected: %v", rep.Unexpected)
	}
	// The next day the same file arrives again: still not counted.
	c.t = c.t.Add(24 * time.Hour)
	rep = run(t, r, Input{Files: []SettlementFile{{Name: "again.csv", Format: Adyen{}, Body: bytes.NewReader(b)}}})
	if len(rep.Payouts) != 0 || len(rep.DuplicateFiles) != 1 || !hasKind(rep.Exceptions, KindDuplicateSettlement) {
		t.Errorf("redelivered file: payouts %v duplicates %v", rep.Payouts, rep.DuplicateFiles)
	}
}

func TestRun_OverlappingFilesCountARowOnce(t *testing.T) {
	// Two Stripe reports over overlapping date ranges both hold txn_2.
	const header = "automatic_payout_id,balance_transaction_id,created,currency,gross,fee,net,reporting_category,payment_intent_id\n"
	first := header + "po_9,txn_1,2026-11-04 10:00:00,usd,10.00,0.59,9.41,charge,pi_1\n" +
		"po_9,txn_2,2026-11-04 11:00:00,usd,20.00,0.88,19.12,charge,pi_2\n"
	second := header + "po_9,txn_2,2026-11-04 11:00:00,usd,20.00,0.88,19.12,charge,pi_2\n" +
		"po_9,txn_3,2026-11-04 12:00:00,usd,30.00,1.17,28.83,charge,pi_3\n"
	r, _ := New(Config{Now: (&clock{t: day2026(time.November, 5)}).Now})
	rep := run(t, r, Input{Files: []SettlementFile{
		{Name: "a.csv", Format: Stripe{}, Body: strings.NewReader(first)},
		{Name: "b.csv", Format: Stripe{}, Body: strings.NewReader(second)},
	}})
	if len(rep.DuplicateLines) != 1 || rep.DuplicateLines[0].Source.File != "b.csv" {
		t.Fatalf("duplicate lines %v, want b.csv's copy of txn_2", rep.DuplicateLines)
	}
	if got := rep.Payouts[0].Gross.String(); got != "60.00" {
		t.Errorf("gross %s, want 60.00 with txn_2 counted once", got)
	}
}

func TestRun_BadRowsAreReportedAndTheRestOfTheFileCounts(t *testing.T) {
	r, _ := New(Config{Now: (&clock{t: day2026(time.November, 5)}).Now})
	rep := run(t, r, Input{Files: files(t, fixtureFile{Adyen{}, "adyen_bad_rows.csv"})})
	if len(rep.ReadErrors) != 2 || rep.ReadErrors[0].Line != 3 || rep.ReadErrors[1].Line != 4 {
		t.Errorf("read errors %+v, want lines 3 and 4", rep.ReadErrors)
	}
	if got := rep.Payouts[0].Gross.String(); got != "30.00" {
		t.Errorf("gross %s, want the two good rows (30.00)", got)
	}
	if rep.Clean() {
		t.Error("a report with unreadable rows is clean")
	}
}

func TestRun_UnreadableFileContributesNothingAndIsNotRemembered(t *testing.T) {
	store := &MemoryStore{}
	r, _ := New(Config{Store: store, Now: (&clock{t: day2026(time.November, 5)}).Now})
	rep := run(t, r, Input{Files: []SettlementFile{{Name: "x.csv", Format: Adyen{}, Body: strings.NewReader("Type\nSettled\n")}}})
	if len(rep.ReadErrors) != 1 || len(rep.Payouts) != 0 {
		t.Fatalf("errors %v payouts %v", rep.ReadErrors, rep.Payouts)
	}
	st, _ := store.Load(context.Background())
	if len(st.Files) != 0 {
		t.Errorf("unreadable file remembered as seen: %v", st.Files)
	}
}

func TestRun_CancelledContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, _ := New(Config{})
	if _, err := r.Run(ctx, Input{Files: files(t, allFixtureFiles[0])}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestNew_RejectsInvalidRules(t *testing.T) {
	for _, cfg := range []Config{
		{SLA: -time.Hour},
		{Rules: []ToleranceRule{{Name: "neg", Absolute: d("-1")}}},
		{Rules: []ToleranceRule{{Name: "huge", Percent: d("50")}}},
		{Rules: []ToleranceRule{{Name: "days", DaysAfter: -1}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func hasKind(xs []Exception, k Kind) bool {
	for _, x := range xs {
		if x.Kind == k {
			return true
		}
	}
	return false
}

func TestRun_ReissuedAdyenBatchIsReportedNotCountedTwice(t *testing.T) {
	r, _ := New(Config{Now: (&clock{t: day2026(time.November, 5)}).Now})
	run(t, r, Input{Expected: fixtureExpected(), Files: []SettlementFile{{Name: "batch_104.csv", Format: Adyen{}, Body: strings.NewReader(batch104)}}})
	// The provider re-issues batch 104 with a corrected fee: different bytes, same batch.
	reissued := strings.Replace(batch104, ",44.55,0.45,", ",44.60,0.40,", 1)
	reissued = strings.Replace(reissued, "EUR,44.55,,", "EUR,44.60,,", 1)
	rep := run(t, r, Input{Files: []SettlementFile{{Name: "batch_104_v2.csv", Format: Adyen{}, Body: strings.NewReader(reissued)}}})
	if len(rep.Payouts) != 0 || len(rep.DuplicateFiles) != 1 || rep.DuplicateFiles[0].Batch != "adyen/104" || rep.DuplicateFiles[0].FirstName != "batch_104.csv" {
		t.Fatalf("payouts %v duplicates %+v", rep.Payouts, rep.DuplicateFiles)
	}
	if !hasKind(rep.Exceptions, KindDuplicateSettlement) {
		t.Error("no duplicate-settlement exception")
	}
}

func TestRun_PayoutThatIsNotTheBatchTotalIsAnException(t *testing.T) {
	tests := []struct {
		name           string
		file           string
		wantPaid, diff string
		paidOut, exc   bool
	}{
		{"paid 5 cents short", strings.Replace(batch104, "EUR,44.55,,", "EUR,44.50,,", 1), "44.50", "-0.05", true, true},
		{"paid in full", batch104, "44.55", "0.00", true, false},
		{"not paid out yet", strings.SplitAfter(batch104, "\n")[0] + strings.SplitAfter(batch104, "\n")[1], "0.00", "0.00", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := New(Config{Now: (&clock{t: day2026(time.November, 5)}).Now})
			rep := run(t, r, Input{Expected: fixtureExpected(), Files: []SettlementFile{{Name: "b.csv", Format: Adyen{}, Body: strings.NewReader(tt.file)}}})
			p := rep.Payouts[0]
			if p.NetPaid.String() != tt.wantPaid || p.Difference.String() != tt.diff || p.PaidOut != tt.paidOut || p.NetExpected.String() != "44.55" {
				t.Errorf("payout %s", summaryLine(p))
			}
			if got := hasKind(rep.Exceptions, KindPayoutDifference); got != tt.exc {
				t.Errorf("payout-difference exception %t, want %t", got, tt.exc)
			}
			if rep.Clean() == tt.exc {
				t.Errorf("Clean() = %t with a payout difference %t", rep.Clean(), tt.exc)
			}
		})
	}
}

func TestRun_HugeExpectedAmountIsReportedNotPanicking(t *testing.T) {
	rec, err := New(Config{Now: func() time.Time { return time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	huge := decimal.MustParse("9000000000000000000")
	in := Input{Expected: []Expected{
		{Kind: ExpectedPayment, OrderNo: "BIG1", PSPReference: "P1", Amount: huge, Currency: "EUR", Date: day},
		{Kind: ExpectedPayment, OrderNo: "BIG2", PSPReference: "P2", Amount: huge, Currency: "EUR", Date: day},
		{Kind: ExpectedPayment, OrderNo: "OK1", PSPReference: "P3", Amount: decimal.MustParse("10.00"), Currency: "EUR", Date: day},
	}}
	rep, err := rec.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.ReadErrors) != 2 || !strings.Contains(rep.ReadErrors[0].Message, "BIG1") {
		t.Fatalf("read errors = %+v, want one per huge order", rep.ReadErrors)
	}
	if len(rep.Open) != 1 || rep.Open[0].Expected.OrderNo != "OK1" {
		t.Fatalf("open = %+v, want the valid order only", rep.Open)
	}
}
