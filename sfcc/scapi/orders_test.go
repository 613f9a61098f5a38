package scapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
)

// *scapi.Client is what the WMS flows need from SFCC.
var _ wms.OrderUpdater = (*scapi.Client)(nil)

func TestToken_RequestsTheTenantScopeAndAPIScopes(t *testing.T) {
	e := setup(t)
	e.srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady))
	if _, err := e.client.GetOrder(context.Background(), "00001"); err != nil {
		t.Fatal(err)
	}
	scopes := e.srv.TokenScopes()
	if len(scopes) != 1 {
		t.Fatalf("token requests with scopes: %v", scopes)
	}
	for _, want := range []string{"SALESFORCE_COMMERCE_API:zzzz_s01", scapi.ScopeOrdersRW, scapi.ScopeInventoryAvailability, scapi.ScopeInventoryImpex} {
		if !slices.Contains(scopes[0], want) {
			t.Errorf("scope %q missing from %v", want, scopes[0])
		}
	}
	// On the wire: one client-credentials form whose scope parameter is
	// the space-separated list.
	var forms []url.Values
	for _, r := range e.rec.requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(e.srv.TokenURL(), r.Path) {
			f, err := url.ParseQuery(string(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			forms = append(forms, f)
		}
	}
	if len(forms) != 1 || forms[0].Get("grant_type") != "client_credentials" ||
		!slices.Contains(strings.Fields(forms[0].Get("scope")), "SALESFORCE_COMMERCE_API:zzzz_s01") {
		t.Errorf("token requests on the wire: %v", forms)
	}
}

func TestToken_AnotherTenantIsRefused(t *testing.T) {
	e := setup(t, func(c *scapi.Config) { c.OrganizationID = "f_ecom_abcd_prd" })
	_, err := e.client.GetOrder(context.Background(), "00001")
	var se *sfcc.Error
	if !errors.As(err, &se) || se.FaultType != "invalid_scope" || !errors.Is(err, sfcc.ErrBadRequest) {
		t.Fatalf("err = %v, want the token endpoint's invalid_scope", err)
	}
}

func TestToken_WithoutTheTenantScopeSCAPIRefuses(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady))
	// A token fetched without the tenant scope (as an OCAPI client does).
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/checkout/orders/v1/organizations/"+srv.OrganizationID()+"/orders/00001?siteId="+srv.Site(), nil)
	req.Header.Set("Authorization", "Bearer "+srv.IssueToken())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403 for a token without the tenant scope", resp.StatusCode)
	}
}

func TestGetOrder_DecodesTheSimulatorsOrder(t *testing.T) {
	e := setup(t)
	want := order("00042", 5, sfcc.ExportStatusReady)
	e.srv.AddOrders(want)
	got, err := e.client.GetOrder(context.Background(), "00042")
	if err != nil {
		t.Fatal(err)
	}
	if got.OrderNo != "00042" || !got.Totals.OrderTotal.Gross.Equal(want.Totals.OrderTotal.Gross) ||
		got.Status != want.Status || got.Payments[0].TransactionID != "psp-00042" || got.Customer.Email != want.Customer.Email {
		t.Errorf("got %+v", got)
	}
}

func TestSearchOrders_PagesWithOffsetAndLimitOldestFirst(t *testing.T) {
	e := setup(t)
	for i := 7; i >= 1; i-- {
		e.srv.AddOrders(order(fmt.Sprintf("%05d", i), i, sfcc.ExportStatusReady))
	}
	e.srv.AddOrders(order("00099", 0, sfcc.ExportStatusExported)) // filtered out
	var got []string
	for o, err := range e.client.SearchOrders(context.Background(), sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady, PageSize: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.OrderNo)
	}
	want := []string{"00001", "00002", "00003", "00004", "00005", "00006", "00007"}
	if !slices.Equal(got, want) {
		t.Errorf("orders %v, want %v", got, want)
	}
	var offsets []string
	for _, r := range e.rec.requests() {
		if strings.HasSuffix(r.Path, "/orders") {
			offsets = append(offsets, r.Query["offset"][0]+"/"+r.Query["limit"][0])
			if r.Query["exportStatus"][0] != "ready" || r.Query["siteId"][0] != sfcctest.DefaultSite {
				t.Errorf("query %v", r.Query)
			}
		}
	}
	if !slices.Equal(offsets, []string{"0/3", "3/3", "6/3"}) {
		t.Errorf("pages offset/limit %v", offsets)
	}
}

// A page that fails after the transport's retries is yielded as an error;
// a consumer that goes on gets the same page again, not a restart.
func TestSearchOrders_ResumesAtAFailedPage(t *testing.T) {
	e := setup(t, func(c *scapi.Config) { c.MaxRetries = -1 })
	for i := 1; i <= 5; i++ {
		e.srv.AddOrders(order(fmt.Sprintf("%05d", i), i, sfcc.ExportStatusReady))
	}
	e.srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteSCAPIOrderSearch, Status: http.StatusInternalServerError, Every: 2, Times: 1})
	var got []string
	errs := 0
	for o, err := range e.client.SearchOrders(context.Background(), sfcc.OrderQuery{PageSize: 2}) {
		if err != nil {
			errs++
			if !strings.Contains(err.Error(), "page at 2") {
				t.Errorf("err = %v", err)
			}
			continue
		}
		got = append(got, o.OrderNo)
	}
	if errs != 1 || !slices.Equal(got, []string{"00001", "00002", "00003", "00004", "00005"}) {
		t.Errorf("errors %d, orders %v", errs, got)
	}
}

func TestTransport_RetriesSCAPI429And503HonouringLoadHeaders(t *testing.T) {
	var logs bytes.Buffer
	e := setup(t, func(c *scapi.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	e.srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady))
	e.srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteSCAPIOrderGet, Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second, Times: 1})
	e.srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteSCAPIOrderGet, Status: http.StatusServiceUnavailable, LoadStatus: "THROTTLE", Times: 1})
	if _, err := e.client.GetOrder(context.Background(), "00001"); err != nil {
		t.Fatal(err)
	}
	// 429: Retry-After 7 s. 503 THROTTLE without Retry-After: the backoff
	// of retry 2 (RetryWaitMin·2) four times longer.
	if got := e.sleeps.all(); !slices.Equal(got, []time.Duration{7 * time.Second, 8 * sfcctest.ClientRetryWaitMin}) {
		t.Errorf("waits %v", got)
	}
	if n := e.srv.RequestCount(sfcctest.RouteSCAPIOrderGet); n != 3 {
		t.Errorf("%d GETs, want 3", n)
	}
	if !strings.Contains(logs.String(), "throttled=true") {
		t.Errorf("no THROTTLE warning in the log:\n%s", logs.String())
	}
	// Exhausted retries end in the 429 itself, typed.
	e.srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteSCAPIOrderGet, Status: http.StatusTooManyRequests})
	_, err := e.client.GetOrder(context.Background(), "00001")
	if !errors.Is(err, sfcc.ErrRateLimited) {
		t.Errorf("err = %v, want ErrRateLimited", err)
	}
}

func TestErrors_AreTypedFromProblemDocuments(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	o := order("00001", 1, sfcc.ExportStatusReady)
	o.Status.Order = sfcc.OrderStatusCancelled
	e.srv.AddOrders(o)
	_, err := e.client.GetOrder(ctx, "00404")
	var se *sfcc.Error
	if !errors.As(err, &se) || !errors.Is(err, sfcc.ErrNotFound) || se.FaultType != "order-not-found" || !strings.Contains(se.Message, "00404") {
		t.Errorf("unknown order: %v", err)
	}
	if err := e.client.SetOrderStatus(ctx, "00001", sfcc.OrderStatusNew); !errors.Is(err, sfcc.ErrConflict) {
		t.Errorf("reopen cancelled: %v, want ErrConflict", err)
	}
	if err := e.client.SetExportStatus(ctx, "00001", "BOGUS"); !errors.Is(err, sfcc.ErrBadRequest) {
		t.Errorf("bad value: %v, want ErrBadRequest", err)
	}
	for _, no := range []string{".", "..", "%2e%2E"} {
		err := e.client.SetExportStatus(ctx, no, sfcc.ExportStatusExported)
		var oe *sfcc.OrderError
		if !errors.As(err, &oe) || !errors.Is(err, sfcc.ErrInvalidArgument) {
			t.Errorf("order %q: %v", no, err)
		}
	}
}

func TestStatusAndCustomWritesReachTheOrder(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	e.srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady))
	if err := e.client.SetExportStatus(ctx, "00001", sfcc.ExportStatusExported); err != nil {
		t.Fatal(err)
	}
	if err := e.client.SetShippingStatus(ctx, "00001", sfcc.ShippingStatusShipped); err != nil {
		t.Fatal(err)
	}
	if err := e.client.SetPaymentStatus(ctx, "00001", sfcc.PaymentStatusPartPaid); err != nil {
		t.Fatal(err)
	}
	if err := e.client.SetConfirmationStatus(ctx, "00001", sfcc.ConfirmationStatusNotConfirmed); err != nil {
		t.Fatal(err)
	}
	if err := e.client.PatchOrderCustom(ctx, "00001", map[string]any{"erpOrderId": "SO-1", "c_weight": 3}); err != nil {
		t.Fatal(err)
	}
	got, _ := e.srv.Order("00001")
	if got.Status.Export != sfcc.ExportStatusExported || got.Status.Shipping != sfcc.ShippingStatusShipped ||
		got.Status.Payment != sfcc.PaymentStatusPartPaid || got.Status.Confirmation != sfcc.ConfirmationStatusNotConfirmed {
		t.Errorf("statuses %+v", got.Status)
	}
	if a, ok := got.Custom.Get("erpOrderId"); !ok || a.Value() != "SO-1" {
		t.Errorf("custom %+v", got.Custom)
	}
	if a, ok := got.Custom.Get("weight"); !ok || a.Value() != "3" {
		t.Errorf("custom %+v", got.Custom)
	}
	if err := e.client.PatchOrderCustom(ctx, "00001", map[string]any{"bad": struct{}{}}); !errors.Is(err, sfcc.ErrInvalidArgument) || !strings.Contains(err.Error(), "bad") {
		t.Errorf("unsupported value: %v", err)
	}
}

// Neither the secret (in any encoding) nor a token shows in an error, a
// log line or the simulator's request log.
func TestSecrets_NeverInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := setup(t, func(c *scapi.Config) { c.Logger = logger })
	e.srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady))
	ctx := context.Background()
	if _, err := e.client.GetOrder(ctx, "00001"); err != nil {
		t.Fatal(err)
	}
	e.srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteSCAPIOrderGet, Status: http.StatusServiceUnavailable})
	_, err503 := e.client.GetOrder(ctx, "00001")
	e.srv.ClearFaults()
	var tok string
	for _, r := range e.rec.requests() {
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			tok = strings.TrimPrefix(a, "Bearer ")
		}
	}
	if tok == "" {
		t.Fatal("no bearer token seen")
	}
	wrong := setup(t, func(c *scapi.Config) { c.Logger = logger; c.Secret = sfcc.StaticSecret("wrong+secret%value") })
	_, errAuth := wrong.client.GetOrder(ctx, "00001")
	if !errors.Is(errAuth, sfcc.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", errAuth)
	}
	text := logs.String() + fmt.Sprint(err503) + fmt.Sprint(errAuth)
	for _, leak := range []string{sfcctest.DefaultClientSecret, "wrong+secret%value", "wrong%2Bsecret%25value", tok} {
		if strings.Contains(text, leak) {
			t.Errorf("%q leaked:\n%s", leak, text)
		}
	}
	for _, r := range e.srv.Requests() {
		if a := r.Header.Get("Authorization"); a != "" && a != "[redacted]" {
			t.Errorf("request log keeps Authorization %q", a)
		}
	}
}

func TestNewClient_RejectsBadConfigNamingTheField(t *testing.T) {
	valid := func() scapi.Config {
		return scapi.Config{ShortCode: "kv7kzm78", OrganizationID: "f_ecom_zzxy_prd", SiteID: "RefArch", ClientID: "id", Secret: sfcc.StaticSecret("x")}
	}
	if _, err := scapi.NewClient(valid()); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(*scapi.Config)
	}{
		{"ShortCode", func(c *scapi.Config) { c.ShortCode = "" }},
		{"ShortCode", func(c *scapi.Config) { c.ShortCode = "short" }},
		{"OrganizationID", func(c *scapi.Config) { c.OrganizationID = "zzxy_prd" }},
		{"SiteID", func(c *scapi.Config) { c.SiteID = "" }},
		{"ClientID", func(c *scapi.Config) { c.ClientID = "" }},
		{"Secret", func(c *scapi.Config) { c.Secret = nil }},
		{"TokenURL", func(c *scapi.Config) { c.TokenURL = "https://am.example/token?client_secret=hunter2value" }},
		{"BaseURL", func(c *scapi.Config) { c.BaseURL = "https://user:hunter2value@proxy.example" }},
		{"Scopes", func(c *scapi.Config) { c.Scopes = []string{"a b"} }},
		{"ImportThreshold", func(c *scapi.Config) { c.ImportThreshold = -1 }},
	} {
		cfg := valid()
		tc.edit(&cfg)
		err := cfg.Validate()
		var ce *scapi.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, scapi.ErrInvalidConfig) {
			t.Errorf("%s: err = %v", tc.field, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2value") {
			t.Errorf("error echoes a credential: %v", err)
		}
	}
}

// Config.Scopes narrows the API scopes; the tenant scope is still added.
func TestToken_ConfiguredScopesKeepTheTenantScope(t *testing.T) {
	e := setup(t, func(c *scapi.Config) { c.Scopes = []string{scapi.ScopeOrders} })
	e.srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady))
	if _, err := e.client.GetOrder(context.Background(), "00001"); err != nil {
		t.Fatal(err)
	}
	scopes := e.srv.TokenScopes()
	if len(scopes) != 1 || !slices.Equal(scopes[0], []string{"SALESFORCE_COMMERCE_API:zzzz_s01", scapi.ScopeOrders}) {
		t.Errorf("token scopes %v, want the tenant scope and sfcc.orders only", scopes)
	}
	// A read-only token cannot write: SCAPI answers 403.
	err := e.client.SetExportStatus(context.Background(), "00001", sfcc.ExportStatusExported)
	var se *sfcc.Error
	if !errors.As(err, &se) || se.StatusCode != http.StatusForbidden {
		t.Errorf("write with a read-only token: %v, want 403", err)
	}
}
