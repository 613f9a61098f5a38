package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exportRate reads an o2cd log and returns the orders exported per second
// from "o2cd started" to the last "order exported" line.
func exportRate(tb testing.TB, log string) (float64, int) {
	tb.Helper()
	var start, last time.Time
	n := 0
	for _, l := range strings.Split(log, "\n") {
		var m struct {
			Time time.Time `json:"time"`
			Msg  string    `json:"msg"`
		}
		if json.Unmarshal([]byte(l), &m) != nil {
			continue
		}
		switch m.Msg {
		case "o2cd started":
			start = m.Time
		case "order exported":
			last = m.Time
			n++
		}
	}
	if start.IsZero() || n == 0 || !last.After(start) {
		tb.Fatalf("no export in the log:\n%s", tail(log, 2000))
	}
	return float64(n) / last.Sub(start).Seconds(), n
}

// BenchmarkThroughput measures orders exported per second through the jobs
// (find_ready, then export_order per order) against the world over HTTP,
// with 1 and 3 concurrent jobs in one o2cd on SQLite, with no added latency
// and with 50 ms on every SFCC, ERP and WMS answer. Each iteration runs the
// four days; the ratios compare 3 workers with 1 in the same run.
//
//	go test -run '^$' -bench Throughput -benchtime 1x ./examples/o2cd/
func BenchmarkThroughput(b *testing.B) {
	if testing.Short() {
		b.Skip("runs four days of the world and o2cd")
	}
	const orders = 40
	type day struct {
		workers int
		latency time.Duration
	}
	days := []day{{1, 0}, {3, 0}, {1, 50 * time.Millisecond}, {3, 50 * time.Millisecond}}
	sums := make([]float64, len(days))
	for range b.N {
		for i, d := range days {
			w := startWorld(b, "-n", fmt.Sprint(orders), "-ship-every", "100ms", "-latency", d.latency.String())
			p := startO2cd(b, w, "sqlite:"+filepath.Join(b.TempDir(), "o2c.db"), "-until-idle", "-workers", fmt.Sprint(d.workers))
			p.wait(b, 5*time.Minute)
			rate, n := exportRate(b, p.log.String())
			if n != orders {
				b.Fatalf("%d orders exported, want %d", n, orders)
			}
			sums[i] += rate
		}
	}
	name := func(d day) string { return fmt.Sprintf("w%d_%dms", d.workers, d.latency.Milliseconds()) }
	for i, d := range days {
		b.ReportMetric(sums[i]/float64(b.N), "orders/s_"+name(d))
	}
	b.ReportMetric(sums[1]/sums[0], "x_w3/w1_0ms")
	b.ReportMetric(sums[3]/sums[2], "x_w3/w1_50ms")
}
