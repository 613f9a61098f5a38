package sfcctest_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// recordingSleep records the waits asked of it and returns at once, or,
// when entered is set, signals it and blocks until the request's context
// ends.
type recordingSleep struct {
	mu      sync.Mutex
	waits   []time.Duration
	entered chan struct{}
}

func (r *recordingSleep) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	entered := r.entered
	r.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (r *recordingSleep) count() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

func TestWithLatency_DelaysEveryAPIRequestButNotTheToken(t *testing.T) {
	sl := &recordingSleep{}
	srv := sfcctest.NewTestServer(t, sfcctest.WithLatency(150*time.Millisecond), sfcctest.WithSleep(sl.sleep))
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := fetchToken(t, srv)
	if got := sl.count(); len(got) != 0 {
		t.Fatalf("the token request waited %v", got)
	}
	call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil)
	call(t, srv, http.MethodPatch, dataBase+"/sites/RefArch/orders/00001", auth, `{"c_seen":true}`)
	call(t, srv, http.MethodPut, dataBase+"/sites/RefArch/orders/00001/shipping_status", auth, `{"status":"shipped"}`)
	want := []time.Duration{150 * time.Millisecond, 150 * time.Millisecond, 150 * time.Millisecond}
	if got := sl.count(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want one of 150ms per API request", got)
	}
	if o, _ := srv.Order("00001"); o.Status.Shipping != sfcc.ShippingStatusShipped {
		t.Errorf("delayed requests were not handled: shipping status %s", o.Status.Shipping)
	}
}

func TestWithLatency_AClientThatGivesUpIsNotAnswered(t *testing.T) {
	sl := &recordingSleep{entered: make(chan struct{}, 1)}
	srv := sfcctest.NewTestServer(t, sfcctest.WithLatency(time.Hour), sfcctest.WithSleep(sl.sleep))
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := "Bearer " + srv.IssueToken()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL()+dataBase+"/sites/RefArch/orders/00001/shipping_status",
		nil)
	req.Header.Set("Authorization", auth)
	done := make(chan error, 1)
	go func() {
		resp, err := srv.HTTPClient().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-sl.entered // the request is inside the server's wait
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled request got an answer")
	}
	if n := srv.RequestCount(""); n != 0 {
		t.Errorf("%d requests logged; a request dropped while waiting is not handled", n)
	}
}
