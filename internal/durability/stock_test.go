package durability_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmshttp"
	"github.com/o2ckit/o2c/wms/wmssql"
)

// One SFCC inventory list fed by two warehouses: their levels add up.
const (
	stockList = "inventory_m"
	stockW1   = "LEEDS-DC"
	stockW2   = "RENO-DC"
)

// childStock is a stock service: it pumps the WMS level feed through a
// Pusher on the SQL level store into SFCC, and ends when the feed is empty
// and SFCC has every allocation.
func childStock(ctx context.Context) error {
	base := os.Getenv(envBase)
	db, err := sqlstore.Open(ctx, os.Getenv(envDSN))
	if err != nil {
		return err
	}
	defer db.Close()
	client, err := childSFCC(base)
	if err != nil {
		return err
	}
	feed, err := wmshttp.NewClient(wmshttp.Config{BaseURL: base + "/wms", RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
	if err != nil {
		return err
	}
	p, err := wms.NewPusher(wms.PusherConfig{Writer: client, List: stockList,
		Lists: map[string]string{stockW1: stockList, stockW2: stockList}, Levels: wmssql.NewLevelStore(db),
		BatchSize: 10, Workers: 1, Now: childClock()})
	if err != nil {
		return err
	}
	for range 10000 {
		st, _, err := wms.PumpLevels(ctx, feed, p, 5)
		if err != nil {
			return err
		}
		if st == (wms.OfferStats{}) { // the feed is empty
			if _, err := p.Flush(ctx); err != nil {
				return err
			}
			if p.Waiting() == 0 {
				return nil
			}
		}
	}
	return errors.New("the feed never emptied")
}

// expectedAllocations is what SFCC must hold once every level is applied:
// per SKU, the newest level of each warehouse, added up (no safety stock,
// floored at zero).
func expectedAllocations(levels []wms.StockLevel) map[string]string {
	newest := map[[2]string]wms.StockLevel{}
	for _, l := range levels {
		k := [2]string{l.SKU, l.Location}
		if prev, ok := newest[k]; !ok || l.Supersedes(prev) {
			newest[k] = l
		}
	}
	sums := map[string]decimal.Decimal{}
	for k, l := range newest {
		s, err := sums[k[0]].Add(l.Available)
		if err != nil {
			panic(err)
		}
		sums[k[0]] = s
	}
	out := map[string]string{}
	for sku, s := range sums {
		if s.IsNeg() {
			s = decimal.Zero
		}
		out[sku] = s.Trim(0).String()
	}
	return out
}

func sfccAllocations(w *world) map[string]string {
	out := map[string]string{}
	for _, r := range w.sfcc.InventoryRecords(stockList) {
		out[r.ProductID] = r.Allocation.Trim(0).String()
	}
	return out
}

// feedLevels queues the day's level changes of both warehouses.
func feedLevels(w *world) []wms.StockLevel {
	w.sfcc.AddInventoryList(stockList)
	skus := []string{"TEE-1", "TEE-2", "HOODIE-1", "CAP-1", "SOCKS-1", "COAT-1", "BOOT-1", "BAG-1", "SCARF-1", "GLOVE-1"}
	start := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	ls := w.wms.StockChanges(skus, stockW1, 150, 40, start)
	return append(ls, w.wms.StockChanges(skus, stockW2, 150, 40, start)...)
}

func diffAllocations(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for sku, a := range want {
		if got[sku] != a {
			t.Errorf("%s: SFCC allocation of %s = %q; want %q (the newest level of each warehouse, added up)", what, sku, got[sku], a)
		}
	}
	for sku := range got {
		if _, ok := want[sku]; !ok {
			t.Errorf("%s: SFCC holds %s, which no level named", what, sku)
		}
	}
}

// TestPusher_SIGKILLAtRandomPointsEndsAsAnUninterruptedRun: a stock
// service killed 50 times while it pumps two warehouses' levels into one
// inventory list — before a batch or an acknowledgement takes effect, after
// SFCC applied a batch but before the answer arrived, while it records the
// push — and restarted each time over the same SQL level store, leaves SFCC
// holding, for every SKU, the sum of each warehouse's newest level: what an
// uninterrupted run leaves.
func TestPusher_SIGKILLAtRandomPointsEndsAsAnUninterruptedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: starts about a hundred processes")
	}
	const seed = 20261129
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		ref := newWorld(t, seed, false)
		want := expectedAllocations(feedLevels(ref))
		refDSN := b.DSN(t)
		sqlstoretest.Open(t, refDSN)
		child{mode: "stock", dsn: refDSN, base: ref.url}.life(t, ref.gate, 0, 0, killBefore)
		diffAllocations(t, "uninterrupted run", sfccAllocations(ref), want)

		w := newWorld(t, seed, false)
		levels := feedLevels(w)
		if d := expectedAllocations(levels); len(d) != len(want) {
			t.Fatalf("the two runs were fed different levels")
		}
		dsn := b.DSN(t)
		sqlstoretest.Open(t, dsn)
		start := time.Now()
		modes := crashLoop(t, w.gate, child{mode: "stock", dsn: dsn, base: w.url}, seed, crashKills, 6)
		t.Logf("%s: %d levels, kills by mode %v, %s", b.Name, len(levels), modes, time.Since(start).Round(time.Millisecond))
		diffAllocations(t, "run with kills", sfccAllocations(w), want)
	})
}

// TestPusher_RestartedProcessSumsEveryLocation is the case from the field
// with a real restart: a process pushes 10 from one warehouse and 5 from the
// other for one SKU and ends; a new process over the same database gets 9
// from the first warehouse and must push 14 (9 + 5), not 9.
func TestPusher_RestartedProcessSumsEveryLocation(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		w := newWorld(t, 1, false)
		w.sfcc.AddInventoryList(stockList)
		dsn := b.DSN(t)
		sqlstoretest.Open(t, dsn)
		c := child{mode: "stock", dsn: dsn, base: w.url}
		at := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
		level := func(loc string, n, seq int64) wms.StockLevel {
			return wms.StockLevel{SKU: "SKU-1", Location: loc, Available: decimal.MustNew(n, 0), Sequence: seq, At: at.Add(time.Duration(seq) * time.Minute)}
		}
		w.wms.AddLevels(level(stockW1, 10, 1), level(stockW2, 5, 1))
		c.life(t, w.gate, 0, 0, killBefore)
		if got := sfccAllocations(w)["SKU-1"]; got != "15" {
			t.Fatalf("first process pushed %s; want 15", got)
		}
		w.wms.AddLevels(level(stockW1, 9, 2))
		c.life(t, w.gate, time.Hour, 0, killBefore)
		if got := sfccAllocations(w)["SKU-1"]; got != "14" {
			t.Fatalf("restarted process pushed %s; want 14 (9 from %s + 5 from %s)", got, stockW1, stockW2)
		}
	})
}
