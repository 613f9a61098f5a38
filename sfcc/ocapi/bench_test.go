package ocapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// BenchmarkClient_RequestOverhead measures what the client's stack (rate
// limiter, retry layer, shared token, typed error check, decoding) costs per
// request over a bare net/http GET of the same simulator route with the same
// bearer token and the same decoding. Each iteration runs one of each, so
// both see the same machine state; the ratio is reported as client/bare.
func BenchmarkClient_RequestOverhead(b *testing.B) {
	sim := sfcctest.NewServer()
	defer sim.Close()
	sim.PutInventory("inv-uk", sfcc.InventoryRecord{ProductID: "SKU-1", Allocation: decimal.MustNew(12, 0)})
	client, err := ocapi.NewClient(ocapi.Config{
		Host: sim.URL(), Site: sim.Site(), ClientID: sim.ClientID(),
		Secret: sfcc.StaticSecret(sim.ClientSecret()), TokenURL: sim.TokenURL(),
		HTTPClient: sim.HTTPClient(),
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	hc := sim.HTTPClient()
	url := sim.URL() + "/s/-/dw/data/v25_6/inventory_lists/inv-uk/product_inventory_records/SKU-1"
	token := sim.IssueToken()
	bare := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var rec sfcc.InventoryRecord
		return json.Unmarshal(data, &rec)
	}
	// Warm both paths: the token fetch and connection set-up are not
	// per-request costs.
	if _, err := client.GetInventory(ctx, "inv-uk", "SKU-1"); err != nil {
		b.Fatal(err)
	}
	if err := bare(); err != nil {
		b.Fatal(err)
	}
	var clientTime, bareTime time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := client.GetInventory(ctx, "inv-uk", "SKU-1"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := bare(); err != nil {
			b.Fatal(err)
		}
		clientTime += t1.Sub(t0)
		bareTime += time.Since(t1)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(clientTime.Microseconds())/n, "client-µs/req")
	b.ReportMetric(float64(bareTime.Microseconds())/n, "bare-µs/req")
	b.ReportMetric(clientTime.Seconds()/bareTime.Seconds(), "client/bare")
}
