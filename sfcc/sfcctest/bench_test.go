package sfcctest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// BenchmarkServer_OrderGet measures a Shop API order GET against the
// simulator (routing, fault check, auth, request log, Shop JSON encoding)
// as a ratio to a bare httptest handler answering the same bytes, in the
// same run and over the same kind of connection.
func BenchmarkServer_OrderGet(b *testing.B) {
	srv := sfcctest.NewServer()
	defer srv.Close()
	o := seedOrder("00001", sfcc.ExportStatusReady)
	srv.AddOrders(o)
	body, err := sfcc.MarshalShopOrder(o)
	if err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer bare.Close()
	auth := "Bearer " + srv.IssueToken()
	get := func(c *http.Client, url string) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", auth)
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	simClient, bareClient := srv.HTTPClient(), bare.Client()
	var sim, base time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		get(simClient, srv.URL()+shopBase+"/orders/00001")
		t1 := time.Now()
		get(bareClient, bare.URL+shopBase+"/orders/00001")
		base += time.Since(t1)
		sim += t1.Sub(t0)
		if i%10000 == 0 {
			srv.ResetRequests() // keep the log from growing with b.N
		}
	}
	n := float64(b.N)
	b.ReportMetric(sim.Seconds()*1e6/n, "sim-µs/req")
	b.ReportMetric(base.Seconds()*1e6/n, "bare-µs/req")
	b.ReportMetric(sim.Seconds()/base.Seconds(), "sim/bare")
}
