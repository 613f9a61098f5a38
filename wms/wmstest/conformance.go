package wmstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/wms"
)

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Cmp(b) == 0 })

// SampleConfirmations is the data RunConfirmationSource seeds: n valid
// confirmations over n/3+1 orders, deterministic.
func SampleConfirmations(n int) []wms.ShipmentConfirmation {
	start := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	out := make([]wms.ShipmentConfirmation, n)
	for i := range out {
		no := fmt.Sprintf("CONF%05d", i/3)
		out[i] = wms.ShipmentConfirmation{OrderNo: no, EventID: fmt.Sprintf("E%d", i), ShipmentID: fmt.Sprintf("P%d", i),
			Lines:   []wms.ShippedLine{{SKU: fmt.Sprintf("SKU-%d", i%7), Quantity: decimal.MustNew(int64(i%3+1), 0)}},
			Carrier: "UPS", Service: "ground", TrackingNumber: fmt.Sprintf("1Z%08d", i),
			TrackingURL: fmt.Sprintf("https://track.example/1Z%08d", i), ShippedAt: start.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

// SampleLevels is the data RunLevelSource seeds: n levels, deterministic.
func SampleLevels(n int) []wms.StockLevel {
	start := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	out := make([]wms.StockLevel, n)
	for i := range out {
		out[i] = wms.StockLevel{SKU: fmt.Sprintf("SKU-%d", i%5), Location: "W1", Available: decimal.MustNew(int64(i*7%40), 0),
			Sequence: int64(i/5 + 1), At: start.Add(time.Duration(i) * time.Second)}
	}
	return out
}

func confKey(c wms.ShipmentConfirmation) string { return c.OrderNo + "\x00" + c.EventID }

func drainConfirmations(t *testing.T, src wms.ConfirmationSource, ack bool) []wms.ShipmentConfirmation {
	t.Helper()
	ctx := context.Background()
	seen := map[string]wms.ShipmentConfirmation{}
	for range 1000 {
		cs, err := src.Confirmations(ctx, 7)
		if err != nil {
			t.Fatalf("Confirmations: %v", err)
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			seen[confKey(c)] = c
		}
		if !ack {
			break
		}
		if err := src.AckConfirmations(ctx, cs...); err != nil {
			t.Fatalf("AckConfirmations: %v", err)
		}
	}
	out := make([]wms.ShipmentConfirmation, 0, len(seen))
	for _, c := range seen {
		out = append(out, c)
	}
	return sortConfirmations(out)
}

func sortConfirmations(out []wms.ShipmentConfirmation) []wms.ShipmentConfirmation {
	slices.SortFunc(out, func(a, b wms.ShipmentConfirmation) int {
		if a.OrderNo != b.OrderNo {
			if a.OrderNo < b.OrderNo {
				return -1
			}
			return 1
		}
		switch {
		case a.EventID < b.EventID:
			return -1
		case a.EventID > b.EventID:
			return 1
		}
		return 0
	})
	return out
}

// RunConfirmationSource checks that a wms.ConfirmationSource honours its
// contract. newSource must return a fresh source that will deliver exactly
// the given confirmations (for a real adapter: seeded into a WMS sandbox or
// behind the adapter's transport).
func RunConfirmationSource(t *testing.T, newSource func(t *testing.T, seed []wms.ShipmentConfirmation) wms.ConfirmationSource) {
	t.Run("DeliversEveryConfirmationIntact", func(t *testing.T) {
		seed := SampleConfirmations(20)
		got := drainConfirmations(t, newSource(t, seed), true)
		want := sortConfirmations(slices.Clone(seed))
		if diff := cmp.Diff(want, got, decimalEqual); diff != "" {
			t.Fatalf("delivered confirmations (-want +got):\n%s", diff)
		}
		for _, c := range got {
			if !c.ShippedAt.Equal(c.ShippedAt.UTC()) || c.ShippedAt.Location() != time.UTC {
				t.Errorf("event %s: shipped-at %v is not UTC", c.EventID, c.ShippedAt)
			}
		}
	})
	t.Run("RespectsMax", func(t *testing.T) {
		src := newSource(t, SampleConfirmations(10))
		cs, err := src.Confirmations(context.Background(), 3)
		if err != nil || len(cs) == 0 || len(cs) > 3 {
			t.Fatalf("Confirmations(max 3) = %d items, %v", len(cs), err)
		}
	})
	t.Run("RedeliversUntilAcknowledged", func(t *testing.T) {
		src := newSource(t, SampleConfirmations(4))
		first := drainConfirmations(t, src, false)
		again := drainConfirmations(t, src, false)
		if len(first) == 0 || len(again) < len(first) {
			t.Fatalf("unacknowledged confirmations not delivered again: %d then %d", len(first), len(again))
		}
	})
	t.Run("AcknowledgedNeverReturnAndAcksAreIdempotent", func(t *testing.T) {
		ctx := context.Background()
		seed := SampleConfirmations(6)
		src := newSource(t, seed)
		if err := src.AckConfirmations(ctx, seed[:2]...); err != nil {
			t.Fatal(err)
		}
		if err := src.AckConfirmations(ctx, seed[:2]...); err != nil {
			t.Fatalf("second ack: %v", err)
		}
		unknown := seed[0]
		unknown.EventID = "never-sent"
		if err := src.AckConfirmations(ctx, unknown); err != nil {
			t.Fatalf("ack of unknown event: %v", err)
		}
		for _, c := range drainConfirmations(t, src, true) {
			if c.EventID == seed[0].EventID || c.EventID == seed[1].EventID {
				t.Fatalf("acknowledged event %s delivered again", c.EventID)
			}
		}
	})
	t.Run("EndedContextIsAnError", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newSource(t, SampleConfirmations(2)).Confirmations(ctx, 5)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Confirmations(cancelled) = %v, want context.Canceled", err)
		}
	})
	t.Run("ConcurrentConsumersLoseNothing", func(t *testing.T) {
		seed := SampleConfirmations(30)
		src := newSource(t, seed)
		var mu sync.Mutex
		seen := map[string]bool{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				ctx := context.Background()
				for range 200 {
					cs, err := src.Confirmations(ctx, 5)
					if err != nil {
						t.Error(err)
						return
					}
					if len(cs) == 0 {
						return
					}
					mu.Lock()
					for _, c := range cs {
						seen[confKey(c)] = true
					}
					mu.Unlock()
					if err := src.AckConfirmations(ctx, cs...); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		for _, c := range seed {
			if !seen[confKey(c)] {
				t.Fatalf("event %s lost", c.EventID)
			}
		}
	})
}

// RunLevelSource checks that a wms.LevelSource honours its contract, like
// RunConfirmationSource.
func RunLevelSource(t *testing.T, newSource func(t *testing.T, seed []wms.StockLevel) wms.LevelSource) {
	drain := func(t *testing.T, src wms.LevelSource, ack bool) map[string]wms.StockLevel {
		t.Helper()
		out := map[string]wms.StockLevel{}
		for range 1000 {
			ls, err := src.Levels(context.Background(), 7)
			if err != nil {
				t.Fatalf("Levels: %v", err)
			}
			if len(ls) == 0 {
				break
			}
			for _, l := range ls {
				out[LevelKey(l)] = l
			}
			if !ack {
				break
			}
			if err := src.AckLevels(context.Background(), ls...); err != nil {
				t.Fatalf("AckLevels: %v", err)
			}
		}
		return out
	}
	t.Run("DeliversEveryLevelIntact", func(t *testing.T) {
		seed := SampleLevels(25)
		got := drain(t, newSource(t, seed), true)
		want := map[string]wms.StockLevel{}
		for _, l := range seed {
			want[LevelKey(l)] = l
		}
		if diff := cmp.Diff(want, got, decimalEqual); diff != "" {
			t.Fatalf("delivered levels (-want +got):\n%s", diff)
		}
	})
	t.Run("RespectsMax", func(t *testing.T) {
		ls, err := newSource(t, SampleLevels(10)).Levels(context.Background(), 4)
		if err != nil || len(ls) == 0 || len(ls) > 4 {
			t.Fatalf("Levels(max 4) = %d items, %v", len(ls), err)
		}
	})
	t.Run("RedeliversUntilAcknowledged", func(t *testing.T) {
		src := newSource(t, SampleLevels(5))
		first := drain(t, src, false)
		again := drain(t, src, false)
		if len(first) == 0 || len(again) < len(first) {
			t.Fatalf("unacknowledged levels not delivered again: %d then %d", len(first), len(again))
		}
	})
	t.Run("AcknowledgedNeverReturn", func(t *testing.T) {
		seed := SampleLevels(6)
		src := newSource(t, seed)
		ctx := context.Background()
		if err := src.AckLevels(ctx, seed[:3]...); err != nil {
			t.Fatal(err)
		}
		if err := src.AckLevels(ctx, seed[:3]...); err != nil {
			t.Fatalf("second ack: %v", err)
		}
		got := drain(t, src, true)
		for _, l := range seed[:3] {
			if _, ok := got[LevelKey(l)]; ok {
				t.Fatalf("acknowledged level %s#%d delivered again", l.SKU, l.Sequence)
			}
		}
		if len(got) != 3 {
			t.Fatalf("got %d remaining levels, want 3", len(got))
		}
	})
	t.Run("EndedContextIsAnError", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := newSource(t, SampleLevels(2)).Levels(ctx, 5); !errors.Is(err, context.Canceled) {
			t.Fatalf("Levels(cancelled) = %v, want context.Canceled", err)
		}
	})
}

// NewFakeWMSWith returns a FakeWMS (seed 1) holding the given confirmations.
func NewFakeWMSWith(cs []wms.ShipmentConfirmation, opts ...Option) *FakeWMS {
	f := NewFakeWMS(1, opts...)
	f.AddConfirmations(cs...)
	return f
}
