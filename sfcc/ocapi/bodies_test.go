package ocapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// bodyTracker sits under the client and records every response body handed
// up, so a test can check that each one was closed.
type bodyTracker struct {
	base http.RoundTripper
	mu   sync.Mutex
	open map[*trackedBody]string
	n    int
}

type trackedBody struct {
	io.ReadCloser
	t *bodyTracker
}

func (b *trackedBody) Close() error {
	b.t.mu.Lock()
	delete(b.t.open, b)
	b.t.mu.Unlock()
	return b.ReadCloser.Close()
}

func (t *bodyTracker) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	b := &trackedBody{ReadCloser: resp.Body, t: t}
	t.mu.Lock()
	t.open[b] = fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, resp.StatusCode)
	t.n++
	t.mu.Unlock()
	resp.Body = b
	return resp, nil
}

func (t *bodyTracker) unclosed() (total int, open []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.open {
		open = append(open, s)
	}
	return t.n, open
}

func TestSim_EveryResponseBodyIsClosed(t *testing.T) {
	tracker := &bodyTracker{open: map[*trackedBody]string{}}
	env := newSimEnv(t, nil, func(c *ocapi.Config) {
		hc := *c.HTTPClient
		tracker.base = hc.Transport
		hc.Transport = tracker
		c.HTTPClient = &hc
		c.MaxRetries = 2
	})
	var seed []sfcc.Order
	for i := range 5 {
		seed = append(seed, simOrder(fmt.Sprintf("%05d", i+1), sfcc.ExportStatusReady))
	}
	env.sim.AddOrders(seed...)
	var recs []sfcc.InventoryRecord
	for i := range 3 {
		recs = append(recs, sfcc.InventoryRecord{ProductID: fmt.Sprintf("SKU-%d", i), Allocation: decimal.MustNew(1, 0)})
	}
	env.sim.PutInventory("inv-uk", recs...)
	ctx := context.Background()
	seen := func(err error) { _ = env.seen(err) }

	_, err := env.client.GetOrder(ctx, "00001")
	seen(err)
	_, err = env.client.GetOrder(ctx, "99999") // 404
	seen(err)
	env.sim.ExpireTokens() // 401, one re-fetch, one retry
	seen(env.client.SetExportStatus(ctx, "00001", sfcc.ExportStatusExported))
	env.sim.InjectFault(sfcctest.Fault{Route: "order.status", Status: http.StatusServiceUnavailable, LoadStatus: "THROTTLE"})
	seen(env.client.SetExportStatus(ctx, "00002", sfcc.ExportStatusExported)) // retries run out
	env.sim.ClearFaults()
	env.sim.InjectFault(sfcctest.Fault{Route: "order.get", Drop: true, Times: 1})
	_, err = env.client.GetOrder(ctx, "00001") // dropped, then retried
	seen(err)
	for _, err := range env.client.SearchOrders(ctx, sfcc.OrderQuery{PageSize: 2}) {
		seen(err)
		break // early break leaves no page open
	}
	for _, err := range env.client.InventoryRecords(ctx, "inv-uk") {
		seen(err)
		break
	}
	alloc := decimal.MustNew(7, 0)
	_, err = env.client.UpdateInventory(ctx, "inv-uk", []sfcc.InventoryUpdate{{ProductID: "SKU-0", Allocation: &alloc}, {ProductID: "NOPE", Allocation: &alloc}})
	seen(err)
	cctx, cancel := context.WithTimeout(ctx, time.Hour)
	env.sim.InjectFault(sfcctest.Fault{Route: "inventory.get", Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	_, err = env.client.GetInventory(cctx, "inv-uk", "SKU-0")
	seen(err)
	cancel()
	env.sim.ClearFaults()

	total, open := tracker.unclosed()
	if total < 12 {
		t.Fatalf("only %d responses tracked; the check below would prove little", total)
	}
	if len(open) > 0 {
		t.Errorf("%d of %d response bodies left open: %v", len(open), total, open)
	}
}
