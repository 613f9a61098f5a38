package sfcctest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func TestFault_StatusesCarryOCAPIHeadersAndTypes(t *testing.T) {
	tests := []struct {
		name    string
		fault   sfcctest.Fault
		status  int
		typ     string
		headers map[string]string
	}{
		{"429 with Retry-After", sfcctest.Fault{Route: "order.get", Status: 429, RetryAfter: 1500 * time.Millisecond}, 429, "QuotaExceededException",
			map[string]string{"Retry-After": "2"}},
		{"429 defaults to 1 s", sfcctest.Fault{Route: "order.get", Status: 429}, 429, "QuotaExceededException",
			map[string]string{"Retry-After": "1"}},
		{"503 throttle", sfcctest.Fault{Route: "order.get", Status: 503, RetryAfter: 3 * time.Second}, 503, "ServiceUnavailableException",
			map[string]string{"sfdc_load": "95", "sfdc_load_status": "THROTTLE", "Retry-After": "3"}},
		{"503 warn", sfcctest.Fault{Route: "order.get", Status: 503, LoadStatus: "WARN"}, 503, "ServiceUnavailableException",
			map[string]string{"sfdc_load": "85", "sfdc_load_status": "WARN", "Retry-After": ""}},
		{"500", sfcctest.Fault{Status: 500}, 500, "InternalServerError", nil},
		{"409", sfcctest.Fault{Route: "order.get", Status: 409}, 409, "ConflictException", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sfcctest.NewTestServer(t)
			srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
			auth := fetchToken(t, srv)
			srv.InjectFault(tt.fault)
			got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil)
			if typ, _ := got.fault(); got.Status != tt.status || typ != tt.typ {
				t.Errorf("got %d %s, want %d %s", got.Status, typ, tt.status, tt.typ)
			}
			for k, v := range tt.headers {
				if got.Header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, got.Header.Get(k), v)
				}
			}
		})
	}
}

func TestFault_TimesAndEveryCountMatchingRequests(t *testing.T) {
	tests := []struct {
		name  string
		fault sfcctest.Fault
		want  []int // statuses of 6 consecutive GETs
	}{
		{"next two", sfcctest.Fault{Route: "order.get", Status: 500, Times: 2}, []int{500, 500, 200, 200, 200, 200}},
		{"every third", sfcctest.Fault{Route: "order.get", Status: 503, Every: 3}, []int{200, 200, 503, 200, 200, 503}},
		{"every second, once", sfcctest.Fault{Route: "order.get", Status: 429, Every: 2, Times: 1}, []int{200, 429, 200, 200, 200, 200}},
		{"unlimited", sfcctest.Fault{Route: "order.get", Status: 500}, []int{500, 500, 500, 500, 500, 500}},
		{"other route untouched", sfcctest.Fault{Route: "order.search", Status: 500}, []int{200, 200, 200, 200, 200, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sfcctest.NewTestServer(t)
			srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
			auth := fetchToken(t, srv)
			srv.InjectFault(tt.fault)
			fired := 0
			for i, want := range tt.want {
				if got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil); got.Status != want {
					t.Errorf("request %d: %d, want %d", i+1, got.Status, want)
				}
				if want != 200 {
					fired++
				}
			}
			if srv.FaultsFired() != fired {
				t.Errorf("FaultsFired = %d, want %d", srv.FaultsFired(), fired)
			}
		})
	}
}

func TestFault_EmptyRouteSparesTheTokenEndpoint(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.InjectFault(sfcctest.Fault{Status: 500})
	auth := fetchToken(t, srv) // would fail the test if the fault hit the token route
	if got := call(t, srv, http.MethodPut, statusPath("1", "status"), auth, `{"status":"open"}`); got.Status != 500 {
		t.Errorf("API route: %d, want 500", got.Status)
	}
	srv.ClearFaults()
	srv.InjectFault(sfcctest.Fault{Route: "token", Status: 503, Times: 1})
	if got := tokenRequest(t, srv, basic(srv.ClientID(), srv.ClientSecret()), "grant_type=client_credentials"); got.Status != 503 {
		t.Errorf("token route fault: %d, want 503", got.Status)
	}
	if srv.TokenRequests() != 2 {
		t.Errorf("TokenRequests = %d, want 2: a faulted token request counts too", srv.TokenRequests())
	}
}

func TestFault_DropClosesTheConnection(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := fetchToken(t, srv)
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Drop: true, Times: 1})
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+shopBase+"/orders/00001", nil)
	req.Header.Set("Authorization", auth)
	// A fresh connection: Go's transport silently retries an idempotent
	// request whose reused connection dies, which would hide the drop.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request answered %d", resp.StatusCode)
	}
	if got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil); got.Status != 200 {
		t.Errorf("after the drop: %d", got.Status)
	}
	reqs := srv.Requests()
	if r := reqs[len(reqs)-2]; r.Route != "order.get" || r.Status != 0 {
		t.Errorf("dropped request logged as %+v", r)
	}
}

func TestFault_LatencyDelaysThenAnswers(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := fetchToken(t, srv)
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Latency: time.Millisecond, Times: 1})
	if got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil); got.Status != 200 {
		t.Errorf("latency-only fault: %d, want the normal 200", got.Status)
	}
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Latency: time.Millisecond, Status: 504, Times: 1})
	if got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil); got.Status != 504 {
		t.Errorf("latency with status: %d, want 504", got.Status)
	}
	if srv.FaultsFired() != 2 {
		t.Errorf("FaultsFired = %d", srv.FaultsFired())
	}
}

func TestRateLimit_AnswersQuotaExceededUntilTheClockRefills(t *testing.T) {
	clock := newClock()
	srv := sfcctest.NewTestServer(t, sfcctest.WithClock(clock.Now), sfcctest.WithRateLimit(2, 3))
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := fetchToken(t, srv)
	get := func() response { return call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil) }
	renew := func() { auth = fetchToken(t, srv) }

	for i := 0; i < 3; i++ {
		if got := get(); got.Status != 200 {
			t.Fatalf("burst request %d: %d", i+1, got.Status)
		}
	}
	got := get()
	if typ, _ := got.fault(); got.Status != 429 || typ != "QuotaExceededException" || got.Header.Get("Retry-After") != "1" {
		t.Fatalf("over the burst: %d %s Retry-After %q", got.Status, typ, got.Header.Get("Retry-After"))
	}
	if fetchToken(t, srv) == "" { // the token endpoint is not limited
		t.Fatal("no token")
	}
	clock.Advance(499 * time.Millisecond)
	if got := get(); got.Status != 429 {
		t.Errorf("after 499 ms: %d, want 429 (half a token)", got.Status)
	}
	clock.Advance(time.Millisecond)
	if got := get(); got.Status != 200 {
		t.Errorf("after 500 ms: %d, want 200", got.Status)
	}
	clock.Advance(time.Hour) // refills to the burst, not beyond
	renew()                  // the hour also expired the token
	for i := 0; i < 3; i++ {
		if got := get(); got.Status != 200 {
			t.Errorf("refilled burst request %d: %d", i+1, got.Status)
		}
	}
	if got := get(); got.Status != 429 {
		t.Errorf("beyond the refilled burst: %d", got.Status)
	}
}
