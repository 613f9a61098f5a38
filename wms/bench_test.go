package wms_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

// BenchmarkPusherVersusNaivePatch pushes the same stream of stock changes,
// arriving in 10 slices, into the SFCC simulator twice per iteration:
// naively, one PATCH per change, and through the Pusher, one flush per
// slice. It reports the HTTP requests of each, the time until SFCC holds
// every final level, and the ratios. "local" answers at loopback speed;
// "rtt-2ms" adds 2 ms to every answer, closer to a real instance.
func BenchmarkPusherVersusNaivePatch(b *testing.B) {
	b.Run("local", func(b *testing.B) { benchPush(b, 500, 5_000, 0) })
	b.Run("rtt-2ms", func(b *testing.B) { benchPush(b, 100, 1_000, 2*time.Millisecond) })
}

func benchPush(b *testing.B, skus, changes int, latency time.Duration) {
	const slices = 10
	srv, client := newSim(b)
	if latency > 0 {
		srv.InjectFault(sfcctest.Fault{Latency: latency})
	}
	var names []string
	for i := range skus {
		names = append(names, fmt.Sprintf("SKU-%05d", i))
	}
	seedInventory(srv, "inv", skus)
	stream := wmstest.NewFakeWMS(2026).StockChanges(names, "", changes, 300, simStart)
	final := map[string]wms.StockLevel{}
	for _, l := range stream {
		final[l.SKU] = l
	}
	check := func(what string) {
		for sku, l := range final {
			if rec, _ := srv.Inventory("inv", sku); rec.Allocation.Cmp(l.Available) != 0 {
				b.Fatalf("%s: %s has %s, want %s", what, sku, rec.Allocation, l.Available)
			}
		}
	}
	ctx := context.Background()
	var naiveReq, pushReq int
	var naiveTime, pushTime time.Duration
	for b.Loop() {
		seedInventory(srv, "inv", skus)
		before := len(srv.Requests())
		start := time.Now()
		for _, l := range stream {
			a := l.Available
			if _, err := client.PatchInventory(ctx, "inv", sfcc.InventoryUpdate{ProductID: l.SKU, Allocation: &a}); err != nil {
				b.Fatal(err)
			}
		}
		naiveTime += time.Since(start)
		naiveReq += len(srv.Requests()) - before
		check("naive")

		seedInventory(srv, "inv", skus)
		p, err := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inv"})
		if err != nil {
			b.Fatal(err)
		}
		before = len(srv.Requests())
		start = time.Now()
		step := len(stream) / slices
		for lo := 0; lo < len(stream); lo += step {
			p.Offer(stream[lo:min(lo+step, len(stream))]...)
			if _, err := p.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
		pushTime += time.Since(start)
		pushReq += len(srv.Requests()) - before
		check("pusher")
		srv.ResetRequests()
	}
	n := float64(b.N)
	nReq, pReq := float64(naiveReq), float64(pushReq)
	b.ReportMetric(nReq/n, "naive-requests/op")
	b.ReportMetric(pReq/n, "pusher-requests/op")
	b.ReportMetric(nReq/pReq, "request-ratio")
	b.ReportMetric(naiveTime.Seconds()*1e3/n, "naive-ms-to-sfcc/op")
	b.ReportMetric(pushTime.Seconds()*1e3/n, "pusher-ms-to-sfcc/op")
	b.ReportMetric(naiveTime.Seconds()/pushTime.Seconds(), "time-ratio")
}
