package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func shippedArgs(extra ...string) []string {
	args := []string{
		"-now", "2026-11-06T08:00:00Z",
		"-orders", "testdata/orders.xml",
		"-refunds", "testdata/refunds.csv",
		"-accounts", "testdata/accounts.csv",
		"-settlement", "adyen:testdata/settlement_detail_report_batch_101.csv",
		"-settlement", "adyen:testdata/settlement_detail_report_batch_102.csv",
		"-settlement", "stripe:testdata/payout_reconciliation_itemized_po_1.csv",
		"-settlement", "paypal:testdata/STL-20261102.01.009.CSV",
	}
	return append(args, extra...)
}

func runSettle(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestSettle_ShippedDataPrintsTheSummaryAndWritesTheHTMLPage(t *testing.T) {
	page := filepath.Join(t.TempDir(), "report.html")
	code, out, errOut := runSettle(t, shippedArgs("-html", page)...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"adyen    101          EUR      436.00     -20.00     -20.00       0.00      43.74       352.26     352.26       0.00",
		"TOTAL                 USD      599.00     -40.00     -15.00      32.00      53.01       522.99     522.99       0.00",
		"matched 19 · mismatched 1 · review 0 · unexpected 1 · open 1 · missing 0",
		"[finance] settlement-mismatch 00001008: expected 72.00 EUR, settled 74.00 (difference 2.00)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), "<svg "); n != 5 {
		t.Errorf("HTML page has %d payout charts, want 5", n)
	}
	// The gift certificate payment of 00003005 is not expected from any provider.
	if strings.Contains(out, "00003005") {
		t.Errorf("gift certificate payment reported: %s", out)
	}
}

func TestSettle_StrictExitsOneWhenSomethingIsUnsettled(t *testing.T) {
	if code, _, _ := runSettle(t, shippedArgs("-strict")...); code != exitUnsettled {
		t.Errorf("exit %d, want %d", code, exitUnsettled)
	}
}

func TestSettle_JSONIsTheFullReport(t *testing.T) {
	code, out, _ := runSettle(t, shippedArgs("-json")...)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Payouts  []struct{ NetPaid string }
		Journals []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Payouts) != 5 || rep.Payouts[0].NetPaid != "352.26" || len(rep.Journals) != 9 {
		t.Errorf("payouts %v journals %d", rep.Payouts, len(rep.Journals))
	}
}

func TestSettle_BadArgumentsExitTwo(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no orders", []string{"-settlement", "adyen:testdata/settlement_detail_report_batch_101.csv"}},
		{"no settlement", []string{"-orders", "testdata/orders.xml"}},
		{"unknown provider", []string{"-orders", "testdata/orders.xml", "-settlement", "worldpay:x.csv"}},
		{"missing file", []string{"-orders", "testdata/orders.xml", "-settlement", "adyen:testdata/nope.csv"}},
		{"unknown flag", []string{"-colour"}},
		{"bad time", shippedArgs("-now", "yesterday")},
		{"bad tolerance", shippedArgs("-tolerance", "-1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, _ := runSettle(t, tt.args...); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
		})
	}
}

func TestSettle_StateCarriesOpenItemsToTheNextRun(t *testing.T) {
	state := t.TempDir()
	base := []string{"-orders", "testdata/orders.xml", "-state", state}
	code, out, _ := runSettle(t, append(base, "-now", "2026-11-06T08:00:00Z",
		"-settlement", "adyen:testdata/settlement_detail_report_batch_101.csv",
		"-settlement", "adyen:testdata/settlement_detail_report_batch_102.csv")...)
	if code != exitOK || !strings.Contains(out, "open 11 · missing 0") {
		t.Fatalf("day 1: exit %d\n%s", code, out)
	}
	// Day 2: batch 104 settles 00001009; batch 101 arrives again.
	code, out, _ = runSettle(t, append(base, "-now", "2026-11-07T08:00:00Z",
		"-settlement", "adyen:testdata/day2/settlement_detail_report_batch_104.csv",
		"-settlement", "adyen:testdata/settlement_detail_report_batch_101.csv")...)
	if code != exitOK {
		t.Fatalf("day 2: exit %d", code)
	}
	for _, want := range []string{"adyen    104", "matched 1 ·", "duplicate files 1", "[finance] duplicate-settlement settlement_detail_report_batch_101.csv"} {
		if !strings.Contains(out, want) {
			t.Errorf("day 2 lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "adyen    101") {
		t.Errorf("duplicate batch 101 counted again:\n%s", out)
	}
	// Day 9: the Stripe and PayPal payments never settled and are now missing.
	_, out, _ = runSettle(t, append(base, "-now", "2026-11-09T08:00:00Z", "-settlement", "adyen:testdata/day2/settlement_detail_report_batch_104.csv")...)
	if !strings.Contains(out, "open 0 · missing 10") || !strings.Contains(out, "[finance] payment-missing 00002001") {
		t.Errorf("day 9:\n%s", out)
	}
}

func TestSettle_NoArgumentsReconcilesTheShippedDataFromAnyDirectory(t *testing.T) {
	_, want, _ := runSettle(t, shippedArgs()...)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Chdir(t.TempDir()) // the example data is built in, not read from the working directory
	code, out, errOut := runSettle(t)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if out != want {
		t.Errorf("no-argument summary differs from the spelled-out run:\n%s\nwant\n%s", out, want)
	}
	page := filepath.Join(tmp, shippedHTML)
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), "<svg "); n != 5 {
		t.Errorf("HTML page has %d payout charts, want 5", n)
	}
	if !strings.Contains(errOut, page) {
		t.Errorf("stderr does not say where the page is: %s", errOut)
	}
}

func TestSettle_OutputFlagsAloneStillUseTheShippedData(t *testing.T) {
	page := filepath.Join(t.TempDir(), "mine.html")
	code, out, errOut := runSettle(t, "-html", page, "-strict")
	if code != exitUnsettled {
		t.Fatalf("exit %d, want %d (the example has a mismatch); stderr %s", code, exitUnsettled, errOut)
	}
	if !strings.Contains(out, "matched 19 · mismatched 1") {
		t.Errorf("summary:\n%s", out)
	}
	if _, err := os.Stat(page); err != nil {
		t.Errorf("HTML page not written where -html says: %v", err)
	}
}

func TestSettle_BadRefundRowIsReportedAndTheOthersStillCount(t *testing.T) {
	refunds := filepath.Join(t.TempDir(), "refunds.csv")
	body := "order_no,psp_reference,refund_id,amount,currency,date\n" +
		"00001003,8815000000000003,RMA-1003,20.00,EUR,2026-11-02\n" +
		"00002003,pi_003,RMA-2003,twenty-five,USD,2026-11-03\n" +
		"00003003,1AB00003,RMA-3003,15.00,USD,2026-11-02\n"
	if err := os.WriteFile(refunds, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runSettle(t, shippedArgs("-refunds", refunds)...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(errOut, "refunds.csv line 3") || !strings.Contains(errOut, `"twenty-five"`) {
		t.Errorf("stderr does not name the bad row: %s", errOut)
	}
	// The two good refunds are matched; the skipped one's settlement is unexpected.
	if !strings.Contains(out, "matched 18 · mismatched 1 · review 0 · unexpected 2") {
		t.Errorf("summary:\n%s", out)
	}
}
