package wmstest_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

func TestFakeWMS_PassesTheConfirmationSourceConformanceSuite(t *testing.T) {
	for name, opts := range map[string][]wmstest.Option{
		"in order":          nil,
		"shuffled":          {wmstest.WithShuffledDelivery()},
		"shuffled with dup": {wmstest.WithShuffledDelivery(), wmstest.WithDuplicates(3)},
	} {
		t.Run(name, func(t *testing.T) {
			wmstest.RunConfirmationSource(t, func(t *testing.T, seed []wms.ShipmentConfirmation) wms.ConfirmationSource {
				return wmstest.NewFakeWMSWith(seed, opts...)
			})
		})
	}
}

func TestFakeWMS_PassesTheLevelSourceConformanceSuite(t *testing.T) {
	wmstest.RunLevelSource(t, func(t *testing.T, seed []wms.StockLevel) wms.LevelSource {
		f := wmstest.NewFakeWMS(9, wmstest.WithShuffledDelivery())
		f.AddLevels(seed...)
		return f
	})
}

func order(no string, lines map[string]string) sfcc.Order {
	o := sfcc.Order{OrderNo: no}
	for _, sku := range []string{"A", "B", "C", "D"} {
		if q, ok := lines[sku]; ok {
			o.ProductLineItems = append(o.ProductLineItems, sfcc.ProductLineItem{ProductID: sku, Quantity: sfcc.Quantity{Value: decimal.MustParse(q)}})
		}
	}
	return o
}

func TestFakeWMS_ShipOrderShipsEveryUnitExactlyOnceDeterministically(t *testing.T) {
	o := order("1001", map[string]string{"A": "2", "B": "1", "C": "3", "D": "0.5"})
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	a := wmstest.NewFakeWMS(7).ShipOrder(o, 3, start)
	b := wmstest.NewFakeWMS(7).ShipOrder(o, 3, start)
	if diff := cmp.Diff(a, b, cmp.Comparer(func(x, y decimal.Decimal) bool { return x.Cmp(y) == 0 })); diff != "" {
		t.Fatalf("same seed, different packages (-a +b):\n%s", diff)
	}
	if len(a) != 3 {
		t.Fatalf("%d packages, want 3", len(a))
	}
	total := map[string]decimal.Decimal{}
	for _, c := range a {
		if len(c.Lines) == 0 || c.TrackingNumber == "" {
			t.Fatalf("package %+v is empty or untracked", c)
		}
		for _, l := range c.Lines {
			total[l.SKU], _ = total[l.SKU].Add(l.Quantity)
		}
	}
	for sku, want := range map[string]string{"A": "2", "B": "1", "C": "3", "D": "0.5"} {
		if total[sku].Cmp(decimal.MustParse(want)) != 0 {
			t.Errorf("SKU %s shipped %s, ordered %s", sku, total[sku], want)
		}
	}
}

func TestFakeWMS_StockChangesNumberEachSKUInOrder(t *testing.T) {
	f := wmstest.NewFakeWMS(3)
	ls := f.StockChanges([]string{"X", "Y"}, "W1", 50, 20, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	last := map[string]int64{}
	for _, l := range ls {
		if l.Sequence != last[l.SKU]+1 || l.Available.IsNeg() || l.Available.Cmp(decimal.MustNew(20, 0)) > 0 {
			t.Fatalf("level %+v after sequence %d", l, last[l.SKU])
		}
		last[l.SKU] = l.Sequence
	}
	if _, n := f.Pending(); n != 50 {
		t.Fatalf("pending levels %d", n)
	}
	if err := f.AckLevels(context.Background(), ls...); err != nil {
		t.Fatal(err)
	}
	if _, n := f.Pending(); n != 0 {
		t.Fatalf("pending after ack %d", n)
	}
}

func TestMemoryEventStore_PassesTheEventStoreConformanceSuite(t *testing.T) {
	wmstest.RunEventStore(t, func(*testing.T) wms.EventStore { return wms.NewMemoryEventStore() })
}

func TestMemoryLevelStore_PassesTheLevelStoreConformanceSuite(t *testing.T) {
	wmstest.RunLevelStore(t, wmstest.LevelStoreFeatures{}, func(*testing.T) wms.LevelStore { return wms.NewMemoryLevelStore() })
}
