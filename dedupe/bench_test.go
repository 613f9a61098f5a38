package dedupe_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp/erptest"
)

// latencyERP is erptest's strict fake ERP behind a network: every call waits
// a fixed, real delay (benchmarks only; tests never sleep).
func latencyERP(delay time.Duration) *erptest.ERP {
	return erptest.New(erptest.WithWait(func(ctx context.Context, _ string) error {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
}

// directoryCalls is the number of Directory calls the ERP has served.
func directoryCalls(e *erptest.ERP) int64 {
	return e.Calls(erptest.MethodFindCustomersByEmail) + e.Calls(erptest.MethodCreateCustomer)
}

// benchStream is n orders in which 60 % come from customers seen before
// (picked pseudo-randomly, in varying case and padding) and 40 % from new
// customers; every third customer is registered.
func benchStream(n int) []dedupe.OrderCustomer {
	out := make([]dedupe.OrderCustomer, n)
	seen := 0
	x := uint32(2463534242)
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		c := seen
		if i%5 < 3 && seen > 0 {
			c = int(x % uint32(seen))
		} else {
			seen++
		}
		email := fmt.Sprintf("shopper%07d@example.com", c)
		if x%2 == 0 {
			email = "  " + strings.ToUpper(email)
		}
		oc := dedupe.OrderCustomer{OrderNo: fmt.Sprintf("%08d", i), Email: email, Guest: true}
		if c%3 == 0 {
			oc.Guest, oc.CustomerNo = false, fmt.Sprintf("%08d", c)
		}
		out[i] = oc
	}
	return out
}

// naiveResolve is the integration this package replaces: look up by the
// trimmed email, create when nothing is found, no cache, no serialisation.
func naiveResolve(ctx context.Context, dir dedupe.Directory, oc dedupe.OrderCustomer) error {
	email := strings.TrimSpace(oc.Email)
	recs, err := dir.FindCustomersByEmail(ctx, email)
	if err != nil || len(recs) > 0 {
		return err
	}
	_, err = dir.CreateCustomer(ctx, dedupe.Customer{Email: email, CustomerNo: oc.CustomerNo, Registered: oc.CustomerNo != ""})
	return err
}

// runStream resolves orders with the given number of workers and returns the
// elapsed time and the number of failed resolves.
func runStream(orders []dedupe.OrderCustomer, workers int, resolve func(dedupe.OrderCustomer) error) (time.Duration, int64) {
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(len(orders)) {
					return
				}
				if resolve(orders[i]) != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), failed.Load()
}

// reportRatio reports num/den as a benchmark metric.
func reportRatio(b *testing.B, num, den int64, unit string) {
	if den == 0 {
		return
	}
	b.ReportMetric(float64(num)/float64(den), unit)
}

// BenchmarkResolve_RepeatCustomers60 resolves a stream where 60 % of orders
// are repeat customers against erptest's ERP with 200µs per call, and runs the
// naive lookup-or-create on the same stream in the same process. ns/op is the
// Resolver's; the naive figures and the speedup are extra metrics.
func BenchmarkResolve_RepeatCustomers60(b *testing.B) {
	const delay = 200 * time.Microsecond
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			ctx := context.Background()
			orders := benchStream(b.N)

			dir := latencyERP(delay)
			r, err := dedupe.NewResolver(dedupe.Config{Directory: dir})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			elapsed, failed := runStream(orders, workers, func(oc dedupe.OrderCustomer) error {
				_, err := r.Resolve(ctx, oc)
				return err
			})
			b.StopTimer()
			if failed > 0 {
				b.Fatalf("%d resolves failed", failed)
			}

			naiveDir := latencyERP(delay)
			naiveElapsed, naiveFailed := runStream(orders, workers, func(oc dedupe.OrderCustomer) error {
				return naiveResolve(ctx, naiveDir, oc)
			})

			n := int64(len(orders))
			b.ReportMetric(float64(n)/max(elapsed.Seconds(), 1e-9), "resolves/s")
			reportRatio(b, directoryCalls(dir), n, "dir-calls/resolve")
			b.ReportMetric(float64(n)/max(naiveElapsed.Seconds(), 1e-9), "naive-resolves/s")
			reportRatio(b, directoryCalls(naiveDir), n, "naive-dir-calls/resolve")
			reportRatio(b, naiveFailed, n, "naive-failed/resolve")
			reportRatio(b, int64(naiveElapsed), int64(elapsed), "speedup-x")
		})
	}
}
