package sfcctest_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func TestServer_ClientConfigRetriesInMilliseconds(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(sfcc.Order{OrderNo: "00001", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}})
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Status: http.StatusServiceUnavailable, Times: 2})

	cfg := srv.ClientConfig()
	var mu sync.Mutex
	var waits []time.Duration
	cfg.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	client, err := ocapi.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	o, err := client.GetOrder(context.Background(), "00001")
	if err != nil || o.OrderNo != "00001" {
		t.Fatalf("GetOrder through two 503s = %v, %v", o.OrderNo, err)
	}
	if len(waits) != 2 {
		t.Fatalf("waits = %v, want two retries", waits)
	}
	for _, d := range waits {
		if d > sfcctest.ClientRetryWaitMax {
			t.Errorf("a retry waited %v, more than %v: tests using ClientConfig would be slow", d, sfcctest.ClientRetryWaitMax)
		}
	}
}
