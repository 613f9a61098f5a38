package ocapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Credentials in a configured URL are refused, naming the field and never
// repeating the value.
func TestNewClient_RefusesCredentialsInURLsWithoutEchoingThem(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*ocapi.Config)
	}{
		{"TokenURL", func(c *ocapi.Config) {
			c.TokenURL = "https://account.demandware.com/dwsso/oauth2/access_token?client_secret=hunter2value"
		}},
		{"TokenURL", func(c *ocapi.Config) { c.TokenURL = "https://me:hunter2value@account.demandware.com/token" }},
		{"Host", func(c *ocapi.Config) { c.Host = "https://me:hunter2value@abcd-001.dx.commercecloud.salesforce.com" }},
		{"Host", func(c *ocapi.Config) { c.Host = "abcd-001.dx.commercecloud.salesforce.com?password=hunter2value" }},
	} {
		cfg := ocapi.Config{Host: "abcd-001.dx.commercecloud.salesforce.com", Site: "RefArch", ClientID: "id", Secret: sfcc.StaticSecret("x")}
		tc.edit(&cfg)
		_, err := ocapi.NewClient(cfg)
		var ce *ocapi.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("err = %v, want ConfigError on %s", err, tc.field)
			continue
		}
		if strings.Contains(err.Error(), "hunter2value") {
			t.Errorf("error echoes the credential: %s", err)
		}
	}
}

// "." and ".." order numbers (also percent-encoded) are refused in every
// order path the client builds, before any request.
func TestOrderPaths_RefuseDotSegmentOrderNumbers(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	c, err := ocapi.NewClient(srv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, no := range []string{".", "..", "%2e", "%2E%2e", ".%2e"} {
		calls := map[string]error{
			"export":   c.SetExportStatus(ctx, no, sfcc.ExportStatusExported),
			"shipping": c.SetShippingStatus(ctx, no, sfcc.ShippingStatusShipped),
			"status":   c.SetOrderStatus(ctx, no, sfcc.OrderStatusOpen),
			"custom":   c.PatchOrderCustom(ctx, no, map[string]any{"x": "y"}),
		}
		_, calls["get"] = c.GetOrder(ctx, no)
		for name, err := range calls {
			var oe *sfcc.OrderError
			if !errors.As(err, &oe) || oe.OrderNo != no || !errors.Is(err, sfcc.ErrInvalidArgument) {
				t.Errorf("%s(%q): err = %v, want an OrderError matching ErrInvalidArgument", name, no, err)
			}
		}
	}
	if n := srv.RequestCount(""); n != 0 {
		t.Errorf("%d requests reached SFCC", n)
	}
}

// With no HTTPClient given, the client's idle pool holds MaxConcurrency
// connections per host: 16 workers making 320 requests reuse 16
// connections (http.DefaultTransport keeps 2 idle and would open over a
// hundred).
func TestNewClient_DefaultPoolKeepsAConnectionPerWorker(t *testing.T) {
	const workers, rounds = 16, 20
	var newConns atomic.Int32
	b := newBarrier(workers)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"tok-abcdef","token_type":"Bearer","expires_in":1799}`)
	})
	mux.HandleFunc("GET /s/-/dw/data/v25_6/inventory_lists/l/product_inventory_records/{sku}", func(w http.ResponseWriter, r *http.Request) {
		// Every round, all workers' requests are in flight at once, so
		// each round needs `workers` connections.
		if r.PathValue("sku") != "warm" && !b.wait() {
			http.Error(w, "barrier timed out", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"product_id":"`+r.PathValue("sku")+`"}`)
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := ocapi.NewClient(ocapi.Config{Host: srv.URL, Site: "RefArch", ClientID: "id",
		Secret: sfcc.StaticSecret("x"), TokenURL: srv.URL + "/token", MaxConcurrency: workers, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetInventory(context.Background(), "l", "warm"); err != nil {
		t.Fatal(err) // fills the token cache
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				if _, err := c.GetInventory(context.Background(), "l", fmt.Sprintf("S%d-%d", w, r)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// One connection per worker, plus the token request's and the warm-up's.
	if n := newConns.Load(); n > workers+2 {
		t.Errorf("%d new connections for %d workers x %d rounds, want at most %d", n, workers, rounds, workers+2)
	}
}

// barrier releases its waiters once n have arrived (per round); a round
// that does not fill within a generous bound fails instead of hanging.
type barrier struct {
	mu      sync.Mutex
	n, seen int
	release chan struct{}
}

func newBarrier(n int) *barrier { return &barrier{n: n, release: make(chan struct{})} }

func (b *barrier) wait() bool {
	b.mu.Lock()
	ch := b.release
	b.seen++
	if b.seen == b.n {
		close(ch)
		b.seen, b.release = 0, make(chan struct{})
	}
	b.mu.Unlock()
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}
