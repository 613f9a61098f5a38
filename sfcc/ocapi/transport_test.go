package ocapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/google/go-cmp/cmp"
)

const invPath = "/s/-/dw/data/v25_6/inventory_lists/inv-uk/product_inventory_records/SKU-1"

func okRecord(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"product_id":"SKU-1","inventory_list_id":"inv-uk","allocation":{"amount":12}}`)
}

func TestClient_RetryHonoursRetryAfterOn429And503(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		load       string
		want       time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, "7", "", 7 * time.Second},
		{"503 seconds", http.StatusServiceUnavailable, "3", "WARN", 3 * time.Second},
		{"429 http date", http.StatusTooManyRequests, "Sun, 01 Mar 2026 09:00:42 GMT", "", 42 * time.Second},
		{"500 ignores Retry-After", http.StatusInternalServerError, "99", "", 100 * time.Millisecond},
		{"503 THROTTLE without Retry-After backs off 4x", http.StatusServiceUnavailable, "", "THROTTLE", 400 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			var calls counter
			f.mux.HandleFunc("GET "+invPath, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
				if !f.authorized(w, r) {
					return
				}
				if calls.n.Load() == 1 {
					if tc.retryAfter != "" {
						w.Header().Set("Retry-After", tc.retryAfter)
					}
					if tc.load != "" {
						w.Header().Set("sfdc_load", "95")
						w.Header().Set("sfdc_load_status", tc.load)
					}
					fault(w, tc.status, "QuotaExceededException", "slow down", nil)
					return
				}
				okRecord(w)
			}))
			rec, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1")
			if err != nil {
				t.Fatalf("GetInventory: %v", err)
			}
			if rec.Allocation.String() != "12" {
				t.Errorf("allocation = %s", rec.Allocation)
			}
			if diff := cmp.Diff([]time.Duration{tc.want}, f.waits.get()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if calls.n.Load() != 2 {
				t.Errorf("calls = %d, want 2", calls.n.Load())
			}
		})
	}
}

func TestClient_BackoffGrowsAndGivesUpAfterMaxRetries(t *testing.T) {
	f := setup(t, func(c *Config) { c.MaxRetries = 3 })
	var calls counter
	f.mux.HandleFunc("GET "+invPath, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusBadGateway, "BadGateway", "upstream", nil)
	}))
	_, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1")
	var e *sfcc.Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusBadGateway || !e.Temporary() {
		t.Fatalf("err = %v, want a temporary 502 *sfcc.Error", err)
	}
	if calls.n.Load() != 4 {
		t.Errorf("calls = %d, want 1 + 3 retries", calls.n.Load())
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}
	if diff := cmp.Diff(want, f.waits.get()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestClient_ContextEndStopsRetrying(t *testing.T) {
	f := setup(t)
	var calls counter
	f.mux.HandleFunc("GET "+invPath, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusServiceUnavailable, "ServiceUnavailableException", "busy", nil)
	}))
	ctx, cancel := context.WithCancel(context.Background())
	f.waits.hook = func(ctx context.Context) error { cancel(); return ctx.Err() }
	_, err := f.client.GetInventory(ctx, "inv-uk", "SKU-1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls.n.Load() != 1 {
		t.Errorf("calls = %d, want 1", calls.n.Load())
	}
}

func TestClient_InvalidTokenRefetchesOnceAndRetriesOnce(t *testing.T) {
	f := setup(t)
	var calls counter
	f.mux.HandleFunc("GET "+invPath, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		if f.authorized(w, r) {
			okRecord(w)
		}
	}))
	ctx := context.Background()
	if _, err := f.client.GetInventory(ctx, "inv-uk", "SKU-1"); err != nil {
		t.Fatal(err)
	}
	f.revokeAll()
	if _, err := f.client.GetInventory(ctx, "inv-uk", "SKU-1"); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if got := f.tokens.Load(); got != 2 {
		t.Errorf("token requests = %d, want 2", got)
	}
	if calls.n.Load() != 3 {
		t.Errorf("calls = %d, want 3", calls.n.Load())
	}
}

func TestClient_RejectedFreshTokenDoesNotLoop(t *testing.T) {
	f := setup(t)
	var calls counter
	f.mux.HandleFunc("GET "+invPath, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusUnauthorized, "InvalidAccessTokenException", "token invalid", nil)
	}))
	_, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1")
	var e *sfcc.Error
	if !errors.As(err, &e) || !errors.Is(err, sfcc.ErrUnauthorized) || e.FaultType != "InvalidAccessTokenException" {
		t.Fatalf("err = %v, want 401 InvalidAccessTokenException", err)
	}
	if calls.n.Load() != 2 || f.tokens.Load() != 2 || len(f.waits.get()) != 0 {
		t.Errorf("calls = %d tokens = %d waits = %v; want 2, 2, none", calls.n.Load(), f.tokens.Load(), f.waits.get())
	}
}

func TestClient_OtherUnauthorizedFaultKeepsToken(t *testing.T) {
	f := setup(t)
	var calls counter
	f.mux.HandleFunc("GET "+invPath, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusUnauthorized, "UnauthorizedException", "no access to this resource", nil)
	}))
	_, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1")
	if !errors.Is(err, sfcc.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if calls.n.Load() != 1 || f.tokens.Load() != 1 {
		t.Errorf("calls = %d tokens = %d; want 1, 1", calls.n.Load(), f.tokens.Load())
	}
}

func TestClient_BadCredentialsAreTypedAndNotRetried(t *testing.T) {
	f := setup(t, func(c *Config) { c.Secret = sfcc.StaticSecret("wrong+secret") })
	_, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1")
	var e *sfcc.Error
	if !errors.As(err, &e) || !errors.Is(err, sfcc.ErrUnauthorized) || e.FaultType != "invalid_client" {
		t.Fatalf("err = %v, want invalid_client *sfcc.Error", err)
	}
	if f.tokens.Load() != 1 {
		t.Errorf("token requests = %d, want 1", f.tokens.Load())
	}
	for _, s := range []string{"wrong+secret", "wrong%2Bsecret"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q leaks the secret", err)
		}
	}
}

func TestClient_TokenRenewedBeforeExpiry(t *testing.T) {
	f := setup(t)
	f.lifetime.Store(600) // renewed a minute early
	f.mux.HandleFunc("GET "+invPath, func(w http.ResponseWriter, r *http.Request) {
		if f.authorized(w, r) {
			okRecord(w)
		}
	})
	ctx := context.Background()
	steps := []struct {
		advance    time.Duration
		wantTokens int64
	}{
		{0, 1},
		{530 * time.Second, 1},
		{10 * time.Second, 2}, // 540 s: inside the renewal minute
		{500 * time.Second, 2},
	}
	for i, s := range steps {
		f.clock.Advance(s.advance)
		if _, err := f.client.GetInventory(ctx, "inv-uk", "SKU-1"); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := f.tokens.Load(); got != s.wantTokens {
			t.Errorf("step %d: token requests = %d, want %d", i, got, s.wantTokens)
		}
	}
}

func TestClient_ConcurrentCallsShareOneToken(t *testing.T) {
	f := setup(t)
	f.mux.HandleFunc("GET "+invPath, func(w http.ResponseWriter, r *http.Request) {
		if f.authorized(w, r) {
			okRecord(w)
		}
	})
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			if _, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if f.tokens.Load() != 1 {
		t.Errorf("token requests = %d, want 1", f.tokens.Load())
	}
}

func TestClient_RateLimiterSpacesRequestsOnTheInjectedClock(t *testing.T) {
	f := setup(t, func(c *Config) { c.RequestsPerSecond = 2; c.Burst = 2 })
	f.waits.hook = func(ctx context.Context) error {
		// Sleeping moves the fake clock by the last wait.
		w := f.waits.get()
		f.clock.Advance(w[len(w)-1])
		return ctx.Err()
	}
	f.mux.HandleFunc("GET "+invPath, func(w http.ResponseWriter, r *http.Request) { okRecord(w) })
	for range 5 {
		if _, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); err != nil {
			t.Fatal(err)
		}
	}
	// A burst of two, then one every half second.
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}
	if diff := cmp.Diff(want, f.waits.get()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestClient_RateLimitWaitPastDeadlineFailsAtOnce(t *testing.T) {
	f := setup(t, func(c *Config) { c.RequestsPerSecond = 1; c.Burst = 1 })
	var calls counter
	f.mux.HandleFunc("GET "+invPath, calls.wrap(func(w http.ResponseWriter, r *http.Request) { okRecord(w) }))
	if _, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); err != nil {
		t.Fatal(err)
	}
	// The clock does not move: the next slot is a second away, further
	// than this context's deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := f.client.GetInventory(ctx, "inv-uk", "SKU-1")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("err = %v, want a rate limit wait error", err)
	}
	if calls.n.Load() != 1 || len(f.waits.get()) != 0 {
		t.Errorf("calls = %d, waits = %v", calls.n.Load(), f.waits.get())
	}
	// The cancelled reservation gave its slot back: a patient caller
	// waits one second, not two.
	if _, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{time.Second}, f.waits.get()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}
