package erphttp_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/o2ckit/o2c/erp/erptest"
)

// BenchmarkCreateSalesOrder_OverHTTP measures a create through the client,
// the handler and loopback HTTP against the same create on the fake
// directly, in the same run, and reports the ratio (http_per_direct).
func BenchmarkCreateSalesOrder_OverHTTP(b *testing.B) {
	ctx := b.Context()
	direct := erptest.New()
	c, _ := serve(b, erptest.New(), nil)
	var directTotal, httpTotal time.Duration
	b.ResetTimer()
	for i := range b.N {
		so := erptest.SampleSalesOrder(fmt.Sprintf("B%09d", i))
		start := time.Now()
		if _, err := direct.CreateSalesOrder(ctx, so); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := c.CreateSalesOrder(ctx, so); err != nil {
			b.Fatal(err)
		}
		httpTotal += time.Since(mid)
		directTotal += mid.Sub(start)
	}
	b.ReportMetric(httpTotal.Seconds()/directTotal.Seconds(), "http_per_direct")
	b.ReportMetric(float64(httpTotal.Microseconds())/float64(b.N), "http_µs/op")
}
