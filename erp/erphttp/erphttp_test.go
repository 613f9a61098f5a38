package erphttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc"
)

// serve mounts a handler for e under /erp (so a client that ignored the
// base path would fail) and returns a client for it.
func serve(t testing.TB, e erphttp.ERP, mutate func(*erphttp.HandlerConfig, *erphttp.Config)) (*erphttp.Client, *httptest.Server) {
	t.Helper()
	hc := erphttp.HandlerConfig{ERP: e}
	cc := erphttp.Config{Sleep: func(context.Context, time.Duration) error { return nil }}
	if mutate != nil {
		mutate(&hc, &cc)
	}
	h, err := erphttp.NewHandler(hc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/erp/", http.StripPrefix("/erp", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cc.BaseURL = srv.URL + "/erp"
	cc.HTTPClient = srv.Client()
	c, err := erphttp.NewClient(cc)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// faultyOverHTTP is the HTTP client with the fake behind the handler as the
// backend the suite can make fail: a 5xx or a lost answer must reach the
// caller as erp.ErrUnavailable. The client's own retries are off, so the
// suite sees what one call does.
type faultyOverHTTP struct {
	*erphttp.Client
	fake *erptest.ERP
}

func (a faultyOverHTTP) FailNext(method string, lost bool) { a.fake.FailNext(method, lost) }

func newOverHTTP(token string) func(t *testing.T) erptest.Adapter {
	return func(t *testing.T) erptest.Adapter {
		fake := erptest.New()
		c, _ := serve(t, fake, func(h *erphttp.HandlerConfig, cc *erphttp.Config) {
			cc.MaxRetries = -1
			if token != "" {
				h.Token = sfcc.StaticSecret(token)
				cc.Token = sfcc.StaticSecret(token)
			}
		})
		return faultyOverHTTP{Client: c, fake: fake}
	}
}

func TestConformance_ClientOverHandlerOverFake(t *testing.T) {
	erptest.RunSuite(t, erptest.Features{}, newOverHTTP(""))
}

func TestConformance_WithBearerToken(t *testing.T) {
	erptest.RunSuite(t, erptest.Features{}, newOverHTTP("s3cret-token"))
}

func TestClient_WrongTokenIsUnauthorizedAndNeverPrinted(t *testing.T) {
	c, _ := serve(t, erptest.New(), func(h *erphttp.HandlerConfig, cc *erphttp.Config) {
		h.Token = sfcc.StaticSecret("right-token")
		cc.Token = sfcc.StaticSecret("wrong-token-xyz")
	})
	_, err := c.GetSalesOrder(t.Context(), "00001")
	if !errors.Is(err, erphttp.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if errors.Is(err, erp.ErrUnavailable) {
		t.Errorf("a 401 must not look transient: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-token-xyz") || strings.Contains(err.Error(), "right-token") {
		t.Errorf("error leaks a token: %v", err)
	}
}

func TestHandler_StatusesAndErrorBodies(t *testing.T) {
	fake := erptest.New()
	_, srv := serve(t, fake, nil)
	ctx := t.Context()
	so := erptest.SampleSalesOrder("00000042")
	if _, err := fake.CreateSalesOrder(ctx, so); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.CreateCustomer(ctx, erp.Customer{Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	changed := erptest.SampleSalesOrder("00000042")
	changed.Items[0].SKU = "OTHER"
	unbalancedJ, _ := erp.OrderJournal(erptest.SampleSalesOrder("00000043"))
	unbalancedJ.Lines[0].Debit = decimal.MustParse("1.00")
	badTotals := erptest.SampleSalesOrder("00000044")
	badTotals.Totals.Gross = decimal.MustParse("99.99")
	badPayments := erptest.SampleSalesOrder("00000045")
	badPayments.Payments[0].Amount = decimal.MustParse("1.00")
	badLine := erptest.SampleSalesOrder("00000046")
	badLine.Shipping[0].Gross = decimal.MustParse("5.00")
	wrongRef := erptest.SampleSalesOrder("00000047")

	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code, key, field   string
	}{
		{"unknown order", "GET", "/v1/sales_orders/nope", nil, 404, "not_found", "nope", ""},
		{"conflicting order", "PUT", "/v1/sales_orders/00000042", changed, 409, "conflict", "00000042", ""},
		{"duplicate customer", "POST", "/v1/customers", map[string]string{"email": "ADA@example.com"}, 409, "duplicate_customer", "A***@example.com", ""},
		{"customer without email", "POST", "/v1/customers", map[string]string{"first_name": "X"}, 422, "invalid", "", "email"},
		{"unbalanced journal", "PUT", "/v1/journals/order:00000043", unbalancedJ, 422, "unbalanced", "order:00000043", "lines"},
		{"totals do not add up", "PUT", "/v1/sales_orders/00000044", badTotals, 422, "invalid", "00000044", "totals"},
		{"payments do not add up", "PUT", "/v1/sales_orders/00000045", badPayments, 422, "invalid", "00000045", "payments"},
		{"shipping line does not add up", "PUT", "/v1/sales_orders/00000046", badLine, 422, "invalid", "00000046", "shipping"},
		{"path and body disagree", "PUT", "/v1/sales_orders/OTHER", wrongRef, 422, "invalid", "OTHER", "external_ref"},
		{"amount as a JSON object", "PUT", "/v1/journals/x", rawBody(`{"reference":"x","lines":[{"account":1}]}`), 422, "invalid", "", "lines.account"},
		{"not JSON", "PUT", "/v1/journals/x", rawBody(`{`), 400, "bad_request", "", ""},
		{"unknown path", "GET", "/v1/invoices", nil, 404, "not_found", "", ""},
		{"wrong method", "DELETE", "/v1/sales_orders/00000042", nil, 405, "method_not_allowed", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := request(t, srv, tc.method, tc.path, tc.body)
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d (body %s)", resp.status, tc.status, resp.raw)
			}
			e := resp.body.Error
			if e.Code != tc.code || e.Key != tc.key || e.Field != tc.field || e.Message == "" {
				t.Errorf("error = %+v, want code %q key %q field %q and a message", e, tc.code, tc.key, tc.field)
			}
		})
	}
}

func TestHandler_UnavailableIs503WithRetryAfter(t *testing.T) {
	fake := erptest.New(erptest.WithFaults(erptest.Fault{Method: erptest.MethodGetSalesOrder, Every: 1}))
	_, srv := serve(t, fake, func(h *erphttp.HandlerConfig, _ *erphttp.Config) { h.RetryAfter = 3 * time.Second })
	resp := request(t, srv, "GET", "/v1/sales_orders/00001", nil)
	if resp.status != 503 || resp.header.Get("Retry-After") != "3" || resp.body.Error.Code != "unavailable" {
		t.Fatalf("status %d, Retry-After %q, body %s; want 503, 3, unavailable", resp.status, resp.header.Get("Retry-After"), resp.raw)
	}
}

func TestWire_MoneyIsDecimalStrings(t *testing.T) {
	fake := erptest.New()
	_, srv := serve(t, fake, nil)
	resp := request(t, srv, "PUT", "/v1/sales_orders/00000077", erptest.SampleSalesOrder("00000077"))
	if resp.status != 200 {
		t.Fatalf("status %d: %s", resp.status, resp.raw)
	}
	for _, want := range []string{`"gross":"36.90"`, `"unit_price":"24.00"`, `"amount":"26.90"`, `"document_no":"SO`} {
		if !strings.Contains(resp.raw, want) {
			t.Errorf("answer lacks %s: %s", want, resp.raw)
		}
	}
}

func TestClient_RetriesUnavailableThenSucceedsWithOneDocument(t *testing.T) {
	// The first create takes effect but its answer is lost (503 after the
	// write); the retry must find that document, not make a second.
	fake := erptest.New(erptest.WithFaults(erptest.Fault{Method: erptest.MethodCreateSalesOrder, Nth: 1, AfterEffect: true}))
	var waits []time.Duration
	c, _ := serve(t, fake, func(_ *erphttp.HandlerConfig, cc *erphttp.Config) {
		cc.RetryWaitMin = 10 * time.Millisecond
		cc.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	})
	got, err := c.CreateSalesOrder(t.Context(), erptest.SampleSalesOrder("00000100"))
	if err != nil {
		t.Fatal(err)
	}
	if _, orders, _ := fake.Counts(); orders != 1 || got.DocumentNo == "" {
		t.Fatalf("%d documents, document %q; want 1 document", orders, got.DocumentNo)
	}
	if fake.Calls(erptest.MethodCreateSalesOrder) != 2 || len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("calls %d, waits %v; want 2 calls and one wait of the server's Retry-After (1s)", fake.Calls(erptest.MethodCreateSalesOrder), waits)
	}
}

func TestClient_GivesUpAfterMaxRetriesWithErrUnavailable(t *testing.T) {
	fake := erptest.New(erptest.WithFaults(erptest.Fault{Method: erptest.MethodPostJournal, Every: 1}))
	c, _ := serve(t, fake, func(_ *erphttp.HandlerConfig, cc *erphttp.Config) { cc.MaxRetries = 2 })
	j, _ := erp.OrderJournal(erptest.SampleSalesOrder("00000101"))
	_, err := c.PostJournal(t.Context(), j)
	var e *erphttp.Error
	if !errors.Is(err, erp.ErrUnavailable) || !errors.As(err, &e) || e.Attempts != 3 {
		t.Fatalf("err = %v, want ErrUnavailable after 3 attempts", err)
	}
	if n := fake.Calls(erptest.MethodPostJournal); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestClient_NoRetriesWhenDisabledAndNoneForFinalErrors(t *testing.T) {
	fake := erptest.New(erptest.WithFaults(erptest.Fault{Method: erptest.MethodGetJournal, Every: 1}))
	c, _ := serve(t, fake, func(_ *erphttp.HandlerConfig, cc *erphttp.Config) { cc.MaxRetries = -1 })
	if _, err := c.GetJournal(t.Context(), "order:1"); !errors.Is(err, erp.ErrUnavailable) || fake.Calls(erptest.MethodGetJournal) != 1 {
		t.Errorf("err %v after %d calls, want ErrUnavailable after 1", err, fake.Calls(erptest.MethodGetJournal))
	}
	if _, err := c.GetSalesOrder(t.Context(), "nope"); !errors.Is(err, erp.ErrNotFound) || fake.Calls(erptest.MethodGetSalesOrder) != 1 {
		t.Errorf("not found: err %v after %d calls, want ErrNotFound after 1", err, fake.Calls(erptest.MethodGetSalesOrder))
	}
}

func TestClient_LostAnswerIsUnavailable(t *testing.T) {
	// A server that takes the request and closes the connection without a
	// word: the call's outcome is unknown.
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	c, err := erphttp.NewClient(erphttp.Config{BaseURL: srv.URL, HTTPClient: srv.Client(), MaxRetries: 1,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FindCustomersByEmail(t.Context(), "grace.hopper@example.com")
	if !errors.Is(err, erp.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "grace.hopper") {
		t.Errorf("error leaks the email: %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests, want 2 (one retry)", hits.Load())
	}
}

func TestClient_CancelledContextStopsRetrying(t *testing.T) {
	fake := erptest.New(erptest.WithFaults(erptest.Fault{Every: 1}))
	ctx, cancel := context.WithCancel(t.Context())
	c, _ := serve(t, fake, func(_ *erphttp.HandlerConfig, cc *erphttp.Config) {
		cc.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	})
	_, err := c.GetCustomer(ctx, "C1")
	if !errors.Is(err, context.Canceled) || fake.Calls(erptest.MethodGetCustomer) != 1 {
		t.Fatalf("err %v after %d calls, want context.Canceled after 1", err, fake.Calls(erptest.MethodGetCustomer))
	}
}

func TestConfig_Validate(t *testing.T) {
	for _, tc := range []struct {
		cfg   erphttp.Config
		field string
	}{
		{erphttp.Config{}, "BaseURL"},
		{erphttp.Config{BaseURL: "ftp://x"}, "BaseURL"},
		{erphttp.Config{BaseURL: "http://user:pw@x"}, "BaseURL"},
		{erphttp.Config{BaseURL: "http://x", RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "RetryWaitMin"},
	} {
		_, err := erphttp.NewClient(tc.cfg)
		var ce *erphttp.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("NewClient(%+v) = %v, want a ConfigError for %s", tc.cfg, err, tc.field)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("error leaks the URL password: %v", err)
		}
	}
	if _, err := erphttp.NewHandler(erphttp.HandlerConfig{}); err == nil {
		t.Error("NewHandler without an ERP succeeded")
	}
}

// rawBody is sent as is, not encoded.
type rawBody string

type answer struct {
	status int
	header http.Header
	raw    string
	body   struct {
		Error struct{ Code, Message, Key, Field string }
	}
}

func request(t *testing.T, srv *httptest.Server, method, path string, body any) answer {
	t.Helper()
	var rd io.Reader
	if raw, ok := body.(rawBody); ok {
		rd = strings.NewReader(string(raw))
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, srv.URL+"/erp"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if resp.StatusCode >= 300 {
		if err := json.Unmarshal(b, &a.body); err != nil {
			t.Fatalf("error answer is not the error body: %s", b)
		}
	}
	return a
}
