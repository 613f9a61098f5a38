package wmshttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmshttp"
	"github.com/o2ckit/o2c/wms/wmstest"
)

func serve(t *testing.T, hc wmshttp.HandlerConfig, mutate func(*wmshttp.Config)) (*wmshttp.Client, *httptest.Server) {
	t.Helper()
	h, err := wmshttp.NewHandler(hc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/wms/", http.StripPrefix("/wms", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cc := wmshttp.Config{BaseURL: srv.URL + "/wms", HTTPClient: srv.Client(), Sleep: func(context.Context, time.Duration) error { return nil }}
	if mutate != nil {
		mutate(&cc)
	}
	c, err := wmshttp.NewClient(cc)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestConformance_Confirmations(t *testing.T) {
	wmstest.RunConfirmationSource(t, func(t *testing.T, seed []wms.ShipmentConfirmation) wms.ConfirmationSource {
		c, _ := serve(t, wmshttp.HandlerConfig{Confirmations: wmstest.NewFakeWMSWith(seed)}, nil)
		return c
	})
}

func TestConformance_Levels(t *testing.T) {
	wmstest.RunLevelSource(t, func(t *testing.T, seed []wms.StockLevel) wms.LevelSource {
		f := wmstest.NewFakeWMS(1)
		f.AddLevels(seed...)
		c, _ := serve(t, wmshttp.HandlerConfig{Levels: f}, nil)
		return c
	})
}

func TestConformance_WithBearerToken(t *testing.T) {
	wmstest.RunConfirmationSource(t, func(t *testing.T, seed []wms.ShipmentConfirmation) wms.ConfirmationSource {
		c, _ := serve(t, wmshttp.HandlerConfig{Confirmations: wmstest.NewFakeWMSWith(seed), Token: sfcc.StaticSecret("tok-1")},
			func(cc *wmshttp.Config) { cc.Token = sfcc.StaticSecret("tok-1") })
		return c
	})
}

func TestClient_WrongTokenIsUnauthorizedAndNotPrinted(t *testing.T) {
	c, _ := serve(t, wmshttp.HandlerConfig{Confirmations: wmstest.NewFakeWMS(1), Token: sfcc.StaticSecret("right")},
		func(cc *wmshttp.Config) { cc.Token = sfcc.StaticSecret("wrong-secret-value") })
	_, err := c.Confirmations(t.Context(), 5)
	if !errors.Is(err, wmshttp.ErrUnauthorized) || errors.Is(err, wmshttp.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnauthorized only", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") {
		t.Errorf("error leaks the token: %v", err)
	}
}

// failingSource fails its first n fetches.
type failingSource struct {
	wms.ConfirmationSource
	left atomic.Int32
}

func (f *failingSource) Confirmations(ctx context.Context, max int) ([]wms.ShipmentConfirmation, error) {
	if f.left.Add(-1) >= 0 {
		return nil, errors.New("feed offline")
	}
	return f.ConfirmationSource.Confirmations(ctx, max)
}

func TestClient_RetriesAnUnavailableFeed(t *testing.T) {
	src := &failingSource{ConfirmationSource: wmstest.NewFakeWMSWith(wmstest.SampleConfirmations(3))}
	src.left.Store(2)
	var waits []time.Duration
	c, _ := serve(t, wmshttp.HandlerConfig{Confirmations: src, RetryAfter: 2 * time.Second}, func(cc *wmshttp.Config) {
		cc.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	})
	cs, err := c.Confirmations(t.Context(), 10)
	if err != nil || len(cs) != 3 {
		t.Fatalf("Confirmations = %d, %v; want 3 after retries", len(cs), err)
	}
	if len(waits) != 2 || waits[0] != 2*time.Second {
		t.Errorf("waits %v, want two, the first the server's Retry-After of 2s", waits)
	}
	src.left.Store(10)
	_, err = c.Confirmations(t.Context(), 10)
	var e *wmshttp.Error
	if !errors.Is(err, wmshttp.ErrUnavailable) || !errors.As(err, &e) || e.Attempts != wmshttp.DefaultMaxRetries+1 {
		t.Errorf("err = %v, want ErrUnavailable after %d attempts", err, wmshttp.DefaultMaxRetries+1)
	}
}

func TestHandler_RefusesBadRequests(t *testing.T) {
	_, srv := serve(t, wmshttp.HandlerConfig{Confirmations: wmstest.NewFakeWMS(1)}, nil)
	for _, tc := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/v1/confirmations?max=0", "", 422, `"field":"max"`},
		{"GET", "/v1/confirmations?max=abc", "", 422, `"field":"max"`},
		{"GET", "/v1/confirmations?max=100000", "", 422, `"field":"max"`},
		{"POST", "/v1/confirmations/ack", `{"confirmations":[{"order_no":"1"}]}`, 422, `"field":"confirmations[0]"`},
		{"POST", "/v1/confirmations/ack", `{"confirmations":[{"order_no":1}]}`, 422, `"code":"invalid"`},
		{"POST", "/v1/confirmations/ack", `nope`, 400, `"code":"bad_request"`},
		{"GET", "/v1/levels?max=1", "", 404, `"code":"not_found"`},
		{"DELETE", "/v1/confirmations", "", 405, `"code":"method_not_allowed"`},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+"/wms"+tc.path, strings.NewReader(tc.body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s %s: %d %s, want %d with %s", tc.method, tc.path, resp.StatusCode, b, tc.status, tc.want)
		}
	}
}

func TestWire_QuantitiesAreDecimalStrings(t *testing.T) {
	_, srv := serve(t, wmshttp.HandlerConfig{Confirmations: wmstest.NewFakeWMSWith(wmstest.SampleConfirmations(1))}, nil)
	resp, err := srv.Client().Get(srv.URL + "/wms/v1/confirmations?max=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`"quantity":"1"`, `"order_no":"CONF00000"`, `"shipped_at":"2026-11-20T08:00:00Z"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("answer lacks %s: %s", want, b)
		}
	}
}

func TestPumpConfirmations_OverHTTP(t *testing.T) {
	// The pump's at-least-once loop works through the client: what it
	// acknowledges is gone from the remote feed.
	fake := wmstest.NewFakeWMSWith(wmstest.SampleConfirmations(4))
	c, _ := serve(t, wmshttp.HandlerConfig{Confirmations: fake}, nil)
	cs, err := c.Confirmations(t.Context(), 10)
	if err != nil || len(cs) != 4 {
		t.Fatalf("Confirmations = %d, %v", len(cs), err)
	}
	if err := c.AckConfirmations(t.Context(), cs[:3]...); err != nil {
		t.Fatal(err)
	}
	if n, _ := fake.Pending(); n != 1 {
		t.Errorf("%d pending after acknowledging 3 of 4, want 1", n)
	}
}
