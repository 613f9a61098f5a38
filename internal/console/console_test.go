package console_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/console"
	"github.com/o2ckit/o2c/reconcile"
)

// section is the HTML of one owner's section of the overview.
func section(t *testing.T, page, owner string) string {
	t.Helper()
	start := strings.Index(page, `<section class="owner" id="owner-`+owner+`">`)
	if start < 0 {
		t.Fatalf("no %s section on the page:\n%s", owner, page)
	}
	rest := page[start:]
	return rest[:strings.Index(rest, "</section>")]
}

func TestConsole_OverviewGroupsOpenExceptionsByOwnerWithAgeAndSLA(t *testing.T) {
	flows := []console.FlowState{
		{Name: "order export", LastRun: now.Add(-5 * time.Minute), Backlog: 3, Lag: 7 * time.Minute, Failures: 2},
		{Name: "stock push"},
	}
	h, srv := newHost(t, console.Config{
		Flows: func(context.Context) ([]console.FlowState, error) { return flows, nil },
		LatestReport: func(context.Context) ([]byte, time.Time, bool, error) {
			return []byte("<html></html>"), time.Date(2026, 12, 4, 6, 30, 0, 0, time.UTC), true, nil
		},
	})
	// A resolved exception is not listed.
	if err := h.store.Resolve(context.Background(), reconcile.ExceptionID{Kind: reconcile.KindSFCCSyncFailure, Key: "00001009"}, "basic:bob", "re-sent", now); err != nil {
		t.Fatal(err)
	}
	w := get(t, srv, "/console/")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d:\n%s", w.Code, w.Body)
	}
	page := w.Body.String()

	fin := section(t, page, "finance")
	if !strings.Contains(fin, `<span class="count">3</span>`) {
		t.Errorf("finance count is not 3:\n%s", fin)
	}
	// The 6-day-old rejection is overdue (5 days) and listed first; the
	// 26-hour-old mapping is not.
	first := strings.Index(fin, "00001001")
	if first < 0 || first > strings.Index(fin, "tax: country=NL") || first > strings.Index(fin, "settlement:adyen/4101") {
		t.Errorf("the overdue finance exception is not listed first:\n%s", fin)
	}
	if !strings.Contains(fin, "OVERDUE</strong> by 1 d 0 h") {
		t.Errorf("finance: not OVERDUE by 1 d 0 h:\n%s", fin)
	}
	if !strings.Contains(fin, "6 d 0 h") || !strings.Contains(fin, "due in 3 d 22 h") {
		t.Errorf("finance: ages or due times missing:\n%s", fin)
	}
	ops := section(t, page, "operations")
	if !strings.Contains(ops, "OVERDUE</strong> by 6 h 0 min") || !strings.Contains(ops, "1 h 30 min") {
		t.Errorf("operations: the stuck shipment is not overdue by 6 h, or the age of the outage is missing:\n%s", ops)
	}
	if got := strings.Count(ops, `class="exception`); got != 2 {
		t.Errorf("operations lists %d exceptions, want 2", got)
	}
	ecom := section(t, page, "ecommerce")
	if strings.Contains(ecom, "00001009") || !strings.Contains(ecom, "Nothing open.") {
		t.Errorf("ecommerce lists the resolved exception:\n%s", ecom)
	}
	if !regexp.MustCompile(`>operations</a> <strong>2</strong> open, <span class="overdue">1 overdue</span>`).MatchString(page) {
		t.Errorf("no operations count 2 with 1 overdue")
	}
	if !strings.Contains(page, `<h1>Open exceptions <span class="count">5</span></h1>`) {
		t.Errorf("the total is not 5")
	}
	// Flows as the host reported them.
	for _, want := range []string{"order export", "2026-12-04 11:55 UTC <small>(5 min ago)</small>", `<td class="n">3</td><td class="n">7 min</td><td class="n overdue">2</td>`,
		"stock push</td><td>never</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("flows: %q missing", want)
		}
	}
	if !strings.Contains(page, `<a href="/console/settlement">Latest settlement report</a> (2026-12-04 06:30 UTC)`) {
		t.Errorf("no link to the latest settlement report")
	}
	// Retry is offered for the order-numbered rejection and outage only.
	if got := strings.Count(page, "Retry export</button>"); got != 2 {
		t.Errorf("%d retry buttons, want 2 (00001001 and 00001002)", got)
	}
	if strings.Contains(page, `/exceptions/erp-order-rejected:settlement:adyen%2F4101/retry`) {
		t.Errorf("retry offered for a journal reference")
	}
}

func TestConsole_FiltersByOwnerAndKind(t *testing.T) {
	_, srv := newHost(t, console.Config{})
	page := get(t, srv, "/console/?owner=operations").Body.String()
	if strings.Contains(page, "00001001") || !strings.Contains(page, "SHP-77") || !strings.Contains(page, "00001002") {
		t.Errorf("owner=operations shows the wrong exceptions:\n%s", page)
	}
	if strings.Contains(page, `id="owner-finance"`) {
		t.Errorf("owner=operations shows a finance section")
	}
	page = get(t, srv, "/console/?kind=erp-order-rejected").Body.String()
	if !strings.Contains(page, "00001001") || !strings.Contains(page, "settlement:adyen/4101") || strings.Contains(page, "tax: country=NL") || strings.Contains(page, "SHP-77") {
		t.Errorf("kind=erp-order-rejected shows the wrong exceptions:\n%s", page)
	}
	if !strings.Contains(page, `<option value="erp-order-rejected" selected>`) {
		t.Errorf("the kind filter does not show its selection")
	}
	for _, q := range []string{"owner=marketing", "kind=%3Cscript%3E"} {
		w := get(t, srv, "/console/?"+q)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, w.Code)
		}
		if strings.Contains(w.Body.String(), "<script>") {
			t.Errorf("%s: the value is echoed unescaped", q)
		}
	}
}

func TestConsole_ResolveRecordsWhoWhenAndNote(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	key := "tax: country=NL rate_percent=21 tax_class="
	page := get(t, srv, exceptionPath(reconcile.KindMappingMissing, key)).Body.String()
	w := post(t, srv, "alice", exceptionPath(reconcile.KindMappingMissing, key)+"/resolve",
		url.Values{"token": {tokenOf(t, page)}, "note": {"  added NL 21% row to tax.csv  "}, "back": {"exception"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303:\n%s", w.Code, w.Body)
	}
	if loc := w.Header().Get("Location"); loc != exceptionPath(reconcile.KindMappingMissing, key) {
		t.Errorf("redirect to %q, want the exception's page", loc)
	}
	rec := mustGet(t, h.store, reconcile.KindMappingMissing, key)
	if rec.ResolvedBy != "basic:alice" || !rec.ResolvedAt.Equal(now) || rec.Note != "added NL 21% row to tax.csv" {
		t.Errorf("stored resolution = %q at %v note %q, want basic:alice at %v with the trimmed note", rec.ResolvedBy, rec.ResolvedAt, rec.Note, now)
	}
	// The redirect target shows the flash once, and the resolution.
	next := get(t, srv, w.Header().Get("Location"), w.Result().Cookies()...)
	body := next.Body.String()
	for _, want := range []string{"mapping-missing tax: country=NL rate_percent=21 tax_class= resolved.", `<dd class="resolved-by">basic:alice</dd>`,
		"2026-12-04 12:00 UTC", `<dd class="note-text">added NL 21% row to tax.csv</dd>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page after resolve: %q missing", want)
		}
	}
	if strings.Contains(body, `class="resolve"`) {
		t.Errorf("a resolved exception still offers Resolve")
	}
	// Gone from the overview.
	if strings.Contains(get(t, srv, "/console/").Body.String(), "tax: country=NL") {
		t.Errorf("the resolved exception is still listed as open")
	}
}

func TestConsole_ResolveWithoutNoteChangesNothing(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	page := get(t, srv, "/console/").Body.String()
	w := post(t, srv, "alice", exceptionPath(reconcile.KindShipmentStuck, "SHP-77")+"/resolve",
		url.Values{"token": {tokenOf(t, page)}, "note": {"   "}, "back": {"list"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/" {
		t.Fatalf("status %d to %q, want 303 to /console/", w.Code, w.Header().Get("Location"))
	}
	if rec := mustGet(t, h.store, reconcile.KindShipmentStuck, "SHP-77"); !rec.Open() {
		t.Errorf("resolved without a note: %+v", rec)
	}
	body := get(t, srv, "/console/", w.Result().Cookies()...).Body.String()
	if !strings.Contains(body, `class="flash flash-error"`) || !strings.Contains(body, "a note saying what was done is required") {
		t.Errorf("no error message after a resolve without a note")
	}
}

func TestConsole_RetryCallsTheHostWithTheOrderNumber(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	page := get(t, srv, "/console/").Body.String()
	tok := tokenOf(t, page)
	w := post(t, srv, "alice", exceptionPath(reconcile.KindERPRejected, "00001001")+"/retry", url.Values{"token": {tok}, "back": {"list"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d:\n%s", w.Code, w.Body)
	}
	if got := h.retries(); !slices.Equal(got, []string{"00001001"}) {
		t.Errorf("host retried %q, want [00001001]", got)
	}
	body := get(t, srv, "/console/", w.Result().Cookies()...).Body.String()
	if !strings.Contains(body, "The export of order 00001001 was started again.") {
		t.Errorf("no confirmation after retry")
	}
	if rec := mustGet(t, h.store, reconcile.KindERPRejected, "00001001"); !rec.Open() {
		t.Errorf("retry resolved the exception; it must stay open until the export succeeds")
	}

	// Not about an order: refused, the host is not called.
	w = post(t, srv, "alice", exceptionPath(reconcile.KindERPRejected, "settlement:adyen/4101")+"/retry", url.Values{"token": {tok}})
	if w.Code != http.StatusConflict {
		t.Errorf("retry of a journal reference: status %d, want 409", w.Code)
	}
	if got := h.retries(); len(got) != 1 {
		t.Errorf("host called for a journal reference: %q", got)
	}
}

func TestConsole_RetryFailureIsShownWithoutInternals(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	h.retryErr = errInternal
	tok := tokenOf(t, get(t, srv, "/console/").Body.String())
	w := post(t, srv, "alice", exceptionPath(reconcile.KindSystemUnavailable, "00001002")+"/retry", url.Values{"token": {tok}, "back": {"exception"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d", w.Code)
	}
	body := get(t, srv, w.Header().Get("Location"), w.Result().Cookies()...).Body.String()
	if !strings.Contains(body, "The export of order 00001002 could not be retried") {
		t.Errorf("no failure message")
	}
	if strings.Contains(body, "password") || strings.Contains(body, "10.0.0.7") {
		t.Errorf("the host's error reached the page")
	}
}

func TestConsole_CanRetryIsTheHostsChoice(t *testing.T) {
	h, srv := newHost(t, console.Config{CanRetry: func(r reconcile.ExceptionRecord) (string, bool) {
		return "SO-" + r.Key, r.Kind == reconcile.KindShipmentStuck
	}})
	page := get(t, srv, "/console/").Body.String()
	if got := strings.Count(page, "Retry export</button>"); got != 1 {
		t.Errorf("%d retry buttons, want 1", got)
	}
	w := post(t, srv, "alice", exceptionPath(reconcile.KindShipmentStuck, "SHP-77")+"/retry", url.Values{"token": {tokenOf(t, page)}})
	if w.Code != http.StatusSeeOther || !slices.Equal(h.retries(), []string{"SO-SHP-77"}) {
		t.Errorf("status %d, retried %q; want 303 and [SO-SHP-77]", w.Code, h.retries())
	}
}

func TestConsole_RefusesForgedActions(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	aliceToken := tokenOf(t, get(t, srv, "/console/").Body.String())
	target := exceptionPath(reconcile.KindShipmentStuck, "SHP-77") + "/resolve"
	form := func(tok string) url.Values { return url.Values{"token": {tok}, "note": {"forged"}} }
	cases := []struct {
		name   string
		user   string
		form   url.Values
		header map[string]string
	}{
		{name: "no token", user: "alice", form: url.Values{"note": {"forged"}}},
		{name: "garbage token", user: "alice", form: form("not-a-token")},
		{name: "another user's token", user: "bob", form: form(aliceToken)},
		{name: "cross-site fetch", user: "alice", form: form(aliceToken), header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{name: "foreign origin", user: "alice", form: form(aliceToken), header: map[string]string{"Sec-Fetch-Site": "", "Origin": "https://evil.example"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := strings.NewReader(tc.form.Encode())
			req, _ := http.NewRequest(http.MethodPost, "http://example.com"+target, r)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "http://example.com")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			for k, v := range tc.header {
				if v == "" {
					req.Header.Del(k)
				} else {
					req.Header.Set(k, v)
				}
			}
			req.SetBasicAuth(tc.user, users[tc.user])
			w := newRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != http.StatusForbidden {
				t.Errorf("status %d, want 403", w.Code)
			}
			if rec := mustGet(t, h.store, reconcile.KindShipmentStuck, "SHP-77"); !rec.Open() {
				t.Fatalf("a forged request resolved the exception: %+v", rec)
			}
		})
	}
}

func TestConsole_RefusesActionsWithoutPrincipal(t *testing.T) {
	store := &reconcile.MemoryExceptionStore{}
	if err := store.Record(context.Background(), now, fixture...); err != nil {
		t.Fatal(err)
	}
	retried := false
	c, err := console.New(console.Config{Store: store, Secret: secret, Now: func() time.Time { return now },
		RetryExport: func(context.Context, string) error { retried = true; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	// Mounted without a guard: pages are readable, but carry no forms.
	w := newRecorder()
	c.ServeHTTP(w, newRequest(http.MethodGet, "/console/", ""))
	if body := w.Body.String(); w.Code != http.StatusOK || strings.Contains(body, "<form class=\"resolve\"") || !strings.Contains(body, "Not signed in") {
		t.Errorf("unguarded overview: status %d, forms shown or no notice", w.Code)
	}
	for _, action := range []string{"/resolve", "/retry"} {
		w := newRecorder()
		c.ServeHTTP(w, newRequest(http.MethodPost, exceptionPath(reconcile.KindERPRejected, "00001001")+action, "note=x&token=x"))
		if w.Code != http.StatusForbidden {
			t.Errorf("%s without principal: status %d, want 403", action, w.Code)
		}
	}
	if rec := mustGet(t, store, reconcile.KindERPRejected, "00001001"); !rec.Open() || retried {
		t.Errorf("an action without principal took effect")
	}
}

func TestConsole_UnknownExceptionIsNotFound(t *testing.T) {
	_, srv := newHost(t, console.Config{})
	tok := tokenOf(t, get(t, srv, "/console/").Body.String())
	for _, p := range []string{exceptionPath(reconcile.KindShipmentStuck, "SHP-00"), "/console/exceptions/no-colon", "/console/nowhere"} {
		w := get(t, srv, p)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, w.Code)
		}
		if !strings.Contains(w.Body.String(), "<!DOCTYPE html>") {
			t.Errorf("GET %s: not an HTML page", p)
		}
	}
	w := post(t, srv, "alice", exceptionPath(reconcile.KindShipmentStuck, "SHP-00")+"/resolve", url.Values{"token": {tok}, "note": {"x"}})
	if w.Code != http.StatusNotFound {
		t.Errorf("resolve of an unknown exception: status %d, want 404", w.Code)
	}
}

func TestConsole_EscapesHostileKeysAndDetails(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	evil := reconcile.Exception{Kind: reconcile.KindUnclassified, Key: `<script>alert("key")</script>`,
		Detail: `<img src=x onerror=alert(1)> "quoted" </td><script>alert('detail')</script>`, FirstSeen: now}
	if err := h.store.Record(context.Background(), now, evil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/console/", exceptionPath(evil.Kind, evil.Key)} {
		w := get(t, srv, p)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: status %d", p, w.Code)
		}
		if strings.Contains(body, "<script") || strings.Contains(body, "<img") {
			t.Errorf("GET %s: markup from the exception is rendered:\n%s", p, body)
		}
		if !strings.Contains(body, html.EscapeString(evil.Key)) && !strings.Contains(body, "&lt;script&gt;alert(&#34;key&#34;)&lt;/script&gt;") {
			t.Errorf("GET %s: the key is not shown escaped", p)
		}
	}
	// The link to it round-trips to the same exception.
	if w := get(t, srv, exceptionPath(evil.Kind, evil.Key)); !strings.Contains(w.Body.String(), "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the detail page does not show the detail escaped")
	}
}

func TestConsole_ExceptionPageShowsHistoryAndGuide(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	// Seen again now: first seen stays, last seen moves.
	x := fixture[0]
	x.Detail = "totals differ by 0.09 EUR"
	if err := h.store.Record(context.Background(), now, x); err != nil {
		t.Fatal(err)
	}
	w := get(t, srv, exceptionPath(reconcile.KindERPRejected, "00001001"))
	body := w.Body.String()
	for _, want := range []string{
		"<dd>finance</dd>", "totals differ by 0.09 EUR", "2026-11-28 12:00 UTC (6 d 0 h ago)", "<dt>Last seen</dt><dd>2026-12-04 12:00 UTC</dd>",
		"OVERDUE", "What it means and what to check",
		// The guide's erp-order-rejected section, as HTML.
		"<strong>Meaning.</strong> An order could not be turned into an ERP sales order",
		"(<code>settlement:…</code>)", "Retry export</button>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exception page: %q missing", want)
		}
	}
	if strings.Contains(body, "payment-missing") || strings.Contains(body, "sfcc-sync-failure — ecommerce") {
		t.Errorf("the page shows more than its kind's section")
	}
}

func TestConsole_SettlementReportIsServedAsIsUnderAStrictPolicy(t *testing.T) {
	report := []byte(`<!DOCTYPE html><html><head><style>body{color:red}</style></head><body>payout 4101</body></html>`)
	var (
		ok  = true
		err error
	)
	_, srv := newHost(t, console.Config{LatestReport: func(context.Context) ([]byte, time.Time, bool, error) { return report, now, ok, err }})
	w := get(t, srv, "/console/settlement")
	if w.Code != http.StatusOK || w.Body.String() != string(report) {
		t.Fatalf("status %d body %q", w.Code, w.Body)
	}
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "sandbox", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("report CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "script-src") {
		t.Errorf("report CSP %q allows scripts", csp)
	}
	ok = false
	if w := get(t, srv, "/console/settlement"); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "No settlement run has produced a report yet.") {
		t.Errorf("no report: status %d", w.Code)
	}
	ok, err = true, errInternal
	w = get(t, srv, "/console/settlement")
	if w.Code != http.StatusServiceUnavailable || strings.Contains(w.Body.String(), "password") {
		t.Errorf("report failure: status %d, body %q", w.Code, w.Body)
	}
	if body := get(t, srv, "/console/").Body.String(); !strings.Contains(body, "The latest settlement report cannot be read right now.") {
		t.Errorf("overview does not say the report is unavailable")
	}
}

func TestConsole_SendsSecurityHeadersOnEveryPage(t *testing.T) {
	_, srv := newHost(t, console.Config{})
	for _, p := range []string{"/console/", exceptionPath(reconcile.KindShipmentStuck, "SHP-77"), "/console/exceptions/x:none", "/console/console.css"} {
		h := get(t, srv, p).Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: frame or sniffing headers missing: %v", p, h)
		}
	}
}

func TestConsole_StoreFailureIsAPageWithoutInternals(t *testing.T) {
	c, err := console.New(console.Config{Store: failingStore{}, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/console/", exceptionPath(reconcile.KindShipmentStuck, "SHP-77")} {
		w := newRecorder()
		c.ServeHTTP(w, newRequest(http.MethodGet, p, ""))
		body := w.Body.String()
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(body, "cannot be read right now") {
			t.Errorf("%s: status %d, body %q", p, w.Code, body)
		}
		if strings.Contains(body, "password") || strings.Contains(body, "10.0.0.7") {
			t.Errorf("%s: the store's error reached the page", p)
		}
	}
}

func TestConsole_FlowsFailureKeepsTheOverview(t *testing.T) {
	_, srv := newHost(t, console.Config{Flows: func(context.Context) ([]console.FlowState, error) { return nil, errInternal }})
	w := get(t, srv, "/console/")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "The state of the flows cannot be read right now.") || !strings.Contains(w.Body.String(), "SHP-77") {
		t.Errorf("status %d; the overview should list exceptions and say the flows are unavailable", w.Code)
	}
}

func TestConsole_SLAFromConfig(t *testing.T) {
	_, srv := newHost(t, console.Config{SLA: console.SLA{
		ByOwner: map[reconcile.Owner]time.Duration{reconcile.OwnerFinance: 24 * time.Hour},
		ByKind:  map[reconcile.Kind]time.Duration{reconcile.KindSystemUnavailable: time.Hour},
	}})
	page := get(t, srv, "/console/").Body.String()
	// mapping-missing (26 h) is overdue under a 1-day finance SLA; the
	// 90-minute outage under its 1-hour kind SLA.
	if !strings.Contains(section(t, page, "finance"), "OVERDUE</strong> by 2 h 0 min") {
		t.Errorf("finance SLA from config not applied")
	}
	if !strings.Contains(section(t, page, "operations"), "OVERDUE</strong> by 30 min") {
		t.Errorf("kind SLA from config not applied")
	}
}

func TestConfig_Validate(t *testing.T) {
	store := &reconcile.MemoryExceptionStore{}
	cases := []struct {
		cfg   console.Config
		field string
	}{
		{console.Config{Secret: secret}, "Store"},
		{console.Config{Store: store}, "Secret"},
		{console.Config{Store: store, Secret: []byte("short")}, "Secret"},
		{console.Config{Store: store, Secret: secret, BasePath: "console"}, "BasePath"},
		{console.Config{Store: store, Secret: secret, BasePath: "/ops/{x}/"}, "BasePath"},
		{console.Config{Store: store, Secret: secret, SLA: console.SLA{ByOwner: map[reconcile.Owner]time.Duration{"finance": 0}}}, "SLA.ByOwner"},
		{console.Config{Store: store, Secret: secret, SLA: console.SLA{ByKind: map[reconcile.Kind]time.Duration{"chargeback": -time.Hour}}}, "SLA.ByKind"},
	}
	for _, tc := range cases {
		_, err := console.New(tc.cfg)
		var ce *console.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("New(%+v) = %v, want a ConfigError on %s", tc.cfg.BasePath, err, tc.field)
		}
		if err != nil && strings.Contains(err.Error(), string(secret)) {
			t.Errorf("the error shows the secret")
		}
	}
	if _, err := console.New(console.Config{Store: store, Secret: secret, BasePath: "/ops/console/"}); err != nil {
		t.Errorf("a valid config is refused: %v", err)
	}
}

func TestConsole_MountsAtAnotherBasePath(t *testing.T) {
	store := &reconcile.MemoryExceptionStore{}
	if err := store.Record(context.Background(), now, fixture...); err != nil {
		t.Fatal(err)
	}
	c, err := console.New(console.Config{Store: store, Secret: secret, BasePath: "/ops/"})
	if err != nil {
		t.Fatal(err)
	}
	w := newRecorder()
	c.ServeHTTP(w, newRequest(http.MethodGet, "/ops/", ""))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `href="/ops/exceptions/shipment-stuck:SHP-77"`) {
		t.Errorf("status %d; links do not use the base path:\n%s", w.Code, w.Body)
	}
}

func TestDefaultCanRetry(t *testing.T) {
	cases := []struct {
		kind reconcile.Kind
		key  string
		ok   bool
	}{
		{reconcile.KindERPRejected, "00001001", true},
		{reconcile.KindSystemUnavailable, "INV-2026.7_b", true},
		{reconcile.KindERPRejected, "settlement:adyen/4101", false},
		{reconcile.KindSystemUnavailable, "SFCC order search", false},
		{reconcile.KindShipmentStuck, "00001001", false},
		{reconcile.KindERPRejected, strings.Repeat("9", 51), false},
	}
	for _, tc := range cases {
		no, ok := console.DefaultCanRetry(reconcile.ExceptionRecord{Exception: reconcile.Exception{Kind: tc.kind, Key: tc.key}})
		if ok != tc.ok || (ok && no != tc.key) {
			t.Errorf("DefaultCanRetry(%s %q) = %q, %v; want %v", tc.kind, tc.key, no, ok, tc.ok)
		}
	}
}

func TestConsole_FlashCannotBeForged(t *testing.T) {
	_, srv := newHost(t, console.Config{})
	forged := &http.Cookie{Name: "o2c_console_flash", Value: "b2sAWW91ciBhY2NvdW50IGlzIGxvY2tlZA.c2lnbmF0dXJl"}
	body := get(t, srv, "/console/", forged).Body.String()
	if strings.Contains(body, `class="flash`) {
		t.Errorf("an unsigned flash cookie was shown")
	}
}

func TestConsole_GetNeverActs(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	for _, action := range []string{"/retry", "/resolve"} {
		w := get(t, srv, exceptionPath(reconcile.KindERPRejected, "00001001")+action+"?note=x")
		if w.Code == http.StatusSeeOther || w.Code == http.StatusOK {
			t.Errorf("GET %s: status %d", action, w.Code)
		}
	}
	if rec := mustGet(t, h.store, reconcile.KindERPRejected, "00001001"); !rec.Open() || len(h.retries()) != 0 {
		t.Errorf("a GET acted: open %v, retries %q", rec.Open(), h.retries())
	}
}

func TestConsole_ResolveKeepsTheFirstResolution(t *testing.T) {
	h, srv := newHost(t, console.Config{})
	id := reconcile.ExceptionID{Kind: reconcile.KindShipmentStuck, Key: "SHP-77"}
	if err := h.store.Resolve(context.Background(), id, "basic:bob", "re-sent the confirmation", now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	tok := tokenOf(t, get(t, srv, "/console/").Body.String())
	w := post(t, srv, "alice", exceptionPath(id.Kind, id.Key)+"/resolve", url.Values{"token": {tok}, "note": {"me too"}, "back": {"exception"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d", w.Code)
	}
	if rec := mustGet(t, h.store, id.Kind, id.Key); rec.ResolvedBy != "basic:bob" || rec.Note != "re-sent the confirmation" {
		t.Errorf("a second resolve overwrote the first: %q %q", rec.ResolvedBy, rec.Note)
	}
	body := get(t, srv, w.Header().Get("Location"), w.Result().Cookies()...).Body.String()
	if !strings.Contains(body, "was already resolved by basic:bob at 2026-12-04 11:59 UTC.") {
		t.Errorf("no notice that it was already resolved")
	}
}
