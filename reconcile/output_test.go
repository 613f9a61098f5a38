package reconcile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestWriteJSON_AmountsAreDecimalStrings(t *testing.T) {
	rep := fixtureRun(t)
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Payouts []struct {
			PayoutID string
			NetPaid  string
			Fees     []struct{ Component, Amount string }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Payouts[0].PayoutID != "101" || back.Payouts[0].NetPaid != "352.26" || back.Payouts[0].Fees[0].Amount != "25.00" {
		t.Errorf("JSON payout %+v", back.Payouts[0])
	}
}

func TestWriteHTML_SelfContainedWithAChartPerPayout(t *testing.T) {
	rep := fixtureRun(t)
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if n := strings.Count(page, "<svg "); n != len(rep.Payouts) {
		t.Errorf("%d charts for %d payouts", n, len(rep.Payouts))
	}
	// Nothing is loaded from elsewhere: the only URL is the SVG namespace.
	for _, m := range regexp.MustCompile(`(?i)(src|href)\s*=|https?://[^"]*`).FindAllString(page, -1) {
		if m != "http://www.w3.org/2000/svg" {
			t.Errorf("external reference %q", m)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("page has a script")
	}
	for _, want := range []string{"352.26", "00001008", "00009999", "00001009", "Net paid", "6810"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Totals come before the payout charts, which come before the lists.
	if ti, ci, mi := strings.Index(page, "<h2>Totals"), strings.Index(page, "<svg "), strings.Index(page, "<h2>Amount mismatches"); !(ti < ci && ci < mi) {
		t.Errorf("sections out of order: totals %d chart %d mismatches %d", ti, ci, mi)
	}
}

func TestPayoutBars_ScaleToTheLargestFigure(t *testing.T) {
	p := *newSummary("x", "1", "EUR")
	p.Gross, p.FeeTotal, p.NetExpected, p.NetPaid = d("200.00"), d("2.00"), d("198.00"), d("198.00")
	p.Refunds = d("-0.10")
	bars := payoutBars(p)
	widths := map[string]int{}
	for _, b := range bars {
		widths[b.Label] = b.Width
	}
	if widths["Gross"] != chartBarMax || widths["Net paid"] != 297 || widths["Fees"] != 3 || widths["Refunds"] != 1 || widths["Chargebacks (net)"] != 0 {
		t.Errorf("widths %v", widths)
	}
}

func TestWriteCSV_FormulaCellsAreNeutralisedAndAmountsStayNumbers(t *testing.T) {
	l := SettlementLine{Provider: "adyen", Type: TypeCapture, PSPReference: "=HYPERLINK(\"http://x\")", MerchantReference: "+1+cmd|' /C calc'!A0",
		PayoutID: "@SUM(A1)", GrossCurrency: "EUR", NetCurrency: "EUR", Gross: d("-12.50"), Net: d("-12.50"),
		Source: Position{File: "-evil.csv", Line: 3}}
	rep := &Report{Unexpected: []SettlementLine{l}, ReadErrors: []ReadError{{File: "\tx.csv", Line: 1, Message: "\rboom"}}}
	var b bytes.Buffer
	if err := rep.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, r := range recs[1:] {
		cells = append(cells, r...)
	}
	for _, c := range cells {
		if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) || strings.HasPrefix(c, "-") && c != "-12.50" {
			t.Errorf("cell %q would run as a formula", c)
		}
	}
	for _, want := range []string{"'=HYPERLINK(\"http://x\")", "'+1+cmd|' /C calc'!A0", "'@SUM(A1)", "'-evil.csv:3", "'\tx.csv:1", "'\rboom", "-12.50"} {
		if !slices.Contains(cells, want) {
			t.Errorf("no cell %q in %q", want, cells)
		}
	}
}
