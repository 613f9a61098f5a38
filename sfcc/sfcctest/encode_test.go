package sfcctest

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
)

// Encoding an order to Shop JSON was most of a request's time, and it ran
// under the server's one lock, so concurrent clients queued behind it. The
// hook checks on every encode that the lock is free.
func TestServer_EncodesOrdersOutsideTheLock(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	srv.AddOrders(sfcc.Order{OrderNo: "00001", Currency: "EUR", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}},
		sfcc.Order{OrderNo: "00002", Currency: "EUR", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}})
	var encodes, locked atomic.Int32
	srv.beforeEncode = func() {
		encodes.Add(1)
		if !srv.mu.TryLock() {
			locked.Add(1)
			return
		}
		srv.mu.Unlock()
	}
	auth := "Bearer " + srv.IssueToken()
	do := func(method, path, body string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%s %s: status %d: %s", method, path, resp.StatusCode, b)
		}
	}
	do(http.MethodGet, "/s/RefArch/dw/shop/v25_6/orders/00001", "")
	do(http.MethodPatch, "/s/-/dw/data/v25_6/sites/RefArch/orders/00001", `{"c_seen":true}`)
	do(http.MethodPost, "/s/RefArch/dw/shop/v25_6/order_search",
		`{"query":{"term_query":{"fields":["export_status"],"operator":"is","values":["ready"]}},"count":10}`)
	if got := encodes.Load(); got != 3 {
		t.Fatalf("%d orders encoded, want 3 (get, a search of two; a PATCH answers no body)", got)
	}
	if n := locked.Load(); n != 0 {
		t.Fatalf("%d of %d orders were encoded with the server's lock held", n, encodes.Load())
	}
}
