package console_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/console"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
)

// settlementReport is the HTML of a real reconciliation run: one Adyen
// payout, one payment still open.
func settlementReport(t *testing.T) []byte {
	t.Helper()
	placed := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var expected []reconcile.Expected
	for _, o := range []sfcc.Order{
		{OrderNo: "00000101", Currency: "EUR", PlaceDate: placed,
			Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Amount: decimal.MustParse("100.00"), TransactionID: "PSP101"}}},
		{OrderNo: "00000102", Currency: "EUR", PlaceDate: placed,
			Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Amount: decimal.MustParse("40.00"), TransactionID: "PSP102"}}},
	} {
		expected = append(expected, reconcile.ExpectedFromOrder(o)...)
	}
	adyen := "Psp Reference,Merchant Reference,Creation Date,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Batch Number\n" +
		"PSP101,00000101,2026-12-02 10:00:00,Settled,M1,EUR,,100.00,EUR,,99.00,1.00,7\n" +
		",,2026-12-03 06:00:00,MerchantPayout,,EUR,,,EUR,99.00,,,7\n"
	r, err := reconcile.New(reconcile.Config{Now: func() time.Time { return now.Add(-6 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(context.Background(), reconcile.Input{Expected: expected,
		Files: []reconcile.SettlementFile{{Name: "settlement_detail_report_batch_7.csv", Format: reconcile.Adyen{}, Body: strings.NewReader(adyen)}}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// chromium finds a Chromium to drive. Locally the browser test skips
// without one; in CI (CI set) a missing browser fails it, so the test
// cannot silently stop running there. Debian's package is "chromium".
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium or chromium-browser is on PATH: install it (apt-get install -y chromium)")
	}
	t.Skip("no chromium or chromium-browser on PATH; install Debian's chromium package to run the browser test")
	return ""
}

// screenshotDir is where screenshots go: O2C_CONSOLE_SCREENSHOTS when set,
// else the test's temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("O2C_CONSOLE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestBrowser_RetryAndResolveFromTheOverview drives a real Chromium
// through the console behind the Basic guard: it retries an export and
// resolves another exception with a note, by clicking the forms, and checks
// what the host and the store saw.
func TestBrowser_RetryAndResolveFromTheOverview(t *testing.T) {
	exe := chromium(t)
	report := settlementReport(t)
	h, mux := newHost(t, console.Config{
		Flows: func(context.Context) ([]console.FlowState, error) {
			return []console.FlowState{{Name: "order export", LastRun: now.Add(-4 * time.Minute), Backlog: 12, Lag: 9 * time.Minute, Failures: 1},
				{Name: "settlement", LastRun: now.Add(-6 * time.Hour)}}, nil
		},
		LatestReport: func(context.Context) ([]byte, time.Time, bool, error) {
			return report, now.Add(-6 * time.Hour), true, nil
		},
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	shots := screenshotDir(t)

	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe),
		chromedp.WindowSize(1400, 1000),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:"+users["alice"]))
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			p := filepath.Join(shots, name)
			t.Logf("screenshot %s", p)
			return os.WriteFile(p, png, 0o644)
		})
	}
	q := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	row := func(id string) string { return `tr[data-id="` + id + `"]` }
	retryRow := row("erp-order-rejected:00001001")
	resolveRow := row("shipment-stuck:SHP-77")
	// Every request of the page carries alice's Basic credentials, as a
	// browser does once she signed in.
	signIn := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": auth}})
		return err
	})
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}

	step("open the overview", chromedp.Do(bctx, signIn, chromedp.Navigate(srv.URL+"/console/"),
		chromedp.WaitVisible(q(retryRow)), shot("01-overview.png")))
	_, err := chromedp.RunResponse(bctx, chromedp.Click(q(retryRow+` form.retry button`)))
	step("click Retry export", err)
	flash1, err := chromedp.Run(bctx, chromedp.Text(q(`p.flash`)))
	step("read the flash after retry", err)
	step("screenshot", chromedp.Do(bctx, shot("02-after-retry.png")))

	step("type a note", chromedp.Do(bctx, chromedp.SendKeys(q(resolveRow+` form.resolve input[name="note"]`), "carrier confirmed delivery; fulfilled in SFCC by hand")))
	_, err = chromedp.RunResponse(bctx, chromedp.Click(q(resolveRow+` form.resolve button`)))
	step("click Resolve", err)
	flash2, err := chromedp.Run(bctx, chromedp.Text(q(`p.flash`)))
	step("read the flash after resolve", err)
	ops, err := chromedp.Run(bctx, chromedp.Text(q(`section#owner-operations`)))
	step("read the operations section", err)
	fin, err := chromedp.Run(bctx, chromedp.Text(q(`section#owner-finance`)))
	step("read the finance section", err)
	step("screenshots", chromedp.Do(bctx, shot("03-after-resolve.png"),
		chromedp.Navigate(srv.URL+"/console/exceptions/shipment-stuck:SHP-77"), chromedp.WaitVisible(q(`dd.resolved-by`)), shot("04-resolved-exception.png"),
		chromedp.Navigate(srv.URL+"/console/exceptions/erp-order-rejected:00001001"), chromedp.WaitVisible(q(`section.guide`)), shot("05-exception-with-guide.png"),
		chromedp.Navigate(srv.URL+"/console/settlement"), chromedp.WaitVisible(q(`svg`)), shot("06-settlement-report.png"),
	))
	// The report's own inline styles apply under the console's policy for it.
	style, err := chromedp.Run(bctx, chromedp.ComputedStyle(q(`header`)))
	step("read the report's header style", err)
	if i := slices.IndexFunc(style, func(p *css.ComputedStyleProperty) bool { return p.Name == "background-color" }); i < 0 || style[i].Value != "rgb(29, 42, 68)" {
		t.Errorf("the settlement report's inline style did not apply")
	}

	if got := h.retries(); !slices.Equal(got, []string{"00001001"}) {
		t.Errorf("host retried %q, want [00001001]", got)
	}
	if !strings.Contains(flash1, "The export of order 00001001 was started again.") {
		t.Errorf("flash after retry = %q", flash1)
	}
	rec := mustGet(t, h.store, reconcile.KindShipmentStuck, "SHP-77")
	if rec.Open() || rec.ResolvedBy != "basic:alice" || rec.Note != "carrier confirmed delivery; fulfilled in SFCC by hand" || !rec.ResolvedAt.Equal(now) {
		t.Errorf("store after resolve: by %q at %v note %q open %v", rec.ResolvedBy, rec.ResolvedAt, rec.Note, rec.Open())
	}
	if !strings.Contains(flash2, "shipment-stuck SHP-77 resolved.") {
		t.Errorf("flash after resolve = %q", flash2)
	}
	if strings.Contains(ops, "SHP-77") || !strings.Contains(ops, "00001002") {
		t.Errorf("the operations section after resolving SHP-77:\n%s", ops)
	}
	if !strings.Contains(fin, "00001001") {
		t.Errorf("the retried exception left the overview; it stays open until the export succeeds")
	}

	// The report page opens under its own policy.
	resp, err := http.Get(srv.URL + "/console/settlement")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the report without credentials: status %d, want 401", resp.StatusCode)
	}
}
