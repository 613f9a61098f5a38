package wmstest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
)

// FakeWMS is an in-memory WMS feed. It implements wms.ConfirmationSource and
// wms.LevelSource with at-least-once delivery, and generates realistic
// confirmations and stock changes from a seed: the same seed and calls give
// the same data. Safe for concurrent use.
type FakeWMS struct {
	mu  sync.Mutex
	rng *rand.Rand
	// Shuffle, when true, returns unacknowledged items in a seeded random
	// order on every call instead of in the order they were queued.
	shuffle bool
	// duplicateEvery, when n > 0, delivers every nth item twice in a call.
	duplicateEvery int

	confirmations []wms.ShipmentConfirmation
	levels        []wms.StockLevel
	deliveries    int
	seq           map[string]int64
	events        int
}

// Option configures a FakeWMS.
type Option func(*FakeWMS)

// WithShuffledDelivery makes every fetch return the unacknowledged items in
// a seeded random order.
func WithShuffledDelivery() Option { return func(f *FakeWMS) { f.shuffle = true } }

// WithDuplicates makes every nth item of a fetch appear twice.
func WithDuplicates(n int) Option { return func(f *FakeWMS) { f.duplicateEvery = n } }

// NewFakeWMS returns an empty fake seeded with seed.
func NewFakeWMS(seed uint64, opts ...Option) *FakeWMS {
	f := &FakeWMS{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), seq: map[string]int64{}}
	for _, o := range opts {
		o(f)
	}
	return f
}

var (
	_ wms.ConfirmationSource = (*FakeWMS)(nil)
	_ wms.LevelSource        = (*FakeWMS)(nil)
)

// AddConfirmations queues confirmations for delivery.
func (f *FakeWMS) AddConfirmations(cs ...wms.ShipmentConfirmation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.confirmations = append(f.confirmations, cs...)
}

// AddLevels queues stock levels for delivery.
func (f *FakeWMS) AddLevels(ls ...wms.StockLevel) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.levels = append(f.levels, ls...)
}

// Pending returns how many confirmations and levels are unacknowledged.
func (f *FakeWMS) Pending() (confirmations, levels int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.confirmations), len(f.levels)
}

// Deliveries counts items handed out so far, re-deliveries and duplicates
// included.
func (f *FakeWMS) Deliveries() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.deliveries
}

func deliver[T any](f *FakeWMS, queue []T, max int) []T {
	out := slices.Clone(queue)
	if f.shuffle {
		f.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	if f.duplicateEvery > 0 {
		var dup []T
		for i, x := range out {
			dup = append(dup, x)
			if (i+1)%f.duplicateEvery == 0 {
				dup = append(dup, x)
			}
		}
		out = dup
	}
	out = out[:min(max, len(out))]
	f.deliveries += len(out)
	return out
}

// Confirmations implements wms.ConfirmationSource.
func (f *FakeWMS) Confirmations(ctx context.Context, max int) ([]wms.ShipmentConfirmation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if max < 1 {
		return nil, fmt.Errorf("wmstest: max %d must be at least 1", max)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := deliver(f, f.confirmations, max)
	for i := range out {
		out[i].Lines = slices.Clone(out[i].Lines)
	}
	return out, nil
}

// AckConfirmations implements wms.ConfirmationSource.
func (f *FakeWMS) AckConfirmations(ctx context.Context, cs ...wms.ShipmentConfirmation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.confirmations = slices.DeleteFunc(f.confirmations, func(q wms.ShipmentConfirmation) bool {
		return slices.ContainsFunc(cs, func(c wms.ShipmentConfirmation) bool {
			return c.OrderNo == q.OrderNo && c.EventID == q.EventID
		})
	})
	return nil
}

// Levels implements wms.LevelSource.
func (f *FakeWMS) Levels(ctx context.Context, max int) ([]wms.StockLevel, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if max < 1 {
		return nil, fmt.Errorf("wmstest: max %d must be at least 1", max)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return deliver(f, f.levels, max), nil
}

// LevelKey is the identity of a level for acknowledgement.
func LevelKey(l wms.StockLevel) string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%s", l.SKU, l.Location, l.Sequence, l.At.UTC().Format(time.RFC3339Nano))
}

// AckLevels implements wms.LevelSource.
func (f *FakeWMS) AckLevels(ctx context.Context, ls ...wms.StockLevel) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	acked := make(map[string]bool, len(ls))
	for _, l := range ls {
		acked[LevelKey(l)] = true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.levels = slices.DeleteFunc(f.levels, func(l wms.StockLevel) bool { return acked[LevelKey(l)] })
	return nil
}

// ShipOrder splits the order's product lines into the given number of
// packages (fewer if the order has fewer whole units), queues one
// confirmation per package and returns them. Packages leave one hour apart
// from start; event ids, package ids and tracking numbers derive from the
// order number. Whole units are spread at random (seeded); a fractional
// quantity goes into one package whole.
func (f *FakeWMS) ShipOrder(o sfcc.Order, packages int, start time.Time) []wms.ShipmentConfirmation {
	f.mu.Lock()
	type unit struct {
		sku string
		q   decimal.Decimal
	}
	var units []unit
	for _, li := range o.ProductLineItems {
		q := li.Quantity.Value
		if whole, frac, ok := q.Int64(0); ok && frac == 0 && whole > 0 && q.IsInt() {
			for range whole {
				units = append(units, unit{li.ProductID, decimal.One})
			}
		} else if q.IsPos() {
			units = append(units, unit{li.ProductID, q})
		}
	}
	packages = max(1, min(packages, len(units)))
	f.rng.Shuffle(len(units), func(i, j int) { units[i], units[j] = units[j], units[i] })
	// Package i gets unit i for sure (none is empty), the rest at random.
	assign := make([]int, len(units))
	for i := range units {
		if i < packages {
			assign[i] = i
		} else {
			assign[i] = f.rng.IntN(packages)
		}
	}
	carriers := []string{"DHL", "UPS", "DPD", "Royal Mail"}
	out := make([]wms.ShipmentConfirmation, packages)
	for p := range out {
		f.events++
		out[p] = wms.ShipmentConfirmation{
			OrderNo:        o.OrderNo,
			EventID:        fmt.Sprintf("EV-%s-%d", o.OrderNo, p+1),
			ShipmentID:     fmt.Sprintf("PKG-%s-%d", o.OrderNo, p+1),
			Carrier:        carriers[f.rng.IntN(len(carriers))],
			Service:        "standard",
			TrackingNumber: fmt.Sprintf("TRK%s%02d%04d", o.OrderNo, p+1, f.rng.IntN(10000)),
			ShippedAt:      start.Add(time.Duration(p) * time.Hour).UTC(),
		}
		out[p].TrackingURL = "https://track.example/" + out[p].TrackingNumber
	}
	for i, u := range units {
		c := &out[assign[i]]
		j := slices.IndexFunc(c.Lines, func(l wms.ShippedLine) bool { return l.SKU == u.sku })
		if j < 0 {
			c.Lines = append(c.Lines, wms.ShippedLine{SKU: u.sku, Quantity: u.q})
			continue
		}
		sum, _ := c.Lines[j].Quantity.Add(u.q)
		c.Lines[j].Quantity = sum
	}
	for p := range out {
		slices.SortFunc(out[p].Lines, func(a, b wms.ShippedLine) int {
			switch {
			case a.SKU < b.SKU:
				return -1
			case a.SKU > b.SKU:
				return 1
			}
			return 0
		})
	}
	f.mu.Unlock()
	f.AddConfirmations(out...)
	return slices.Clone(out)
}

// StockChanges generates n absolute stock levels over the given SKUs at
// location: each change picks a SKU at random and sets a new level between 0
// and maxLevel, with that SKU's next sequence number and a timestamp one
// second after the previous change from start. It queues and returns them.
func (f *FakeWMS) StockChanges(skus []string, location string, n int, maxLevel int64, start time.Time) []wms.StockLevel {
	f.mu.Lock()
	out := make([]wms.StockLevel, n)
	for i := range out {
		sku := skus[f.rng.IntN(len(skus))]
		key := sku + "\x00" + location
		f.seq[key]++
		out[i] = wms.StockLevel{SKU: sku, Location: location, Available: decimal.MustNew(f.rng.Int64N(maxLevel+1), 0),
			Sequence: f.seq[key], At: start.Add(time.Duration(i) * time.Second).UTC()}
	}
	f.mu.Unlock()
	f.AddLevels(out...)
	return slices.Clone(out)
}

// Scramble returns cs shuffled with the fake's seeded generator and with
// every item of index divisible by dupEvery (when > 0) repeated: the order
// a flaky message bus might deliver them in.
func (f *FakeWMS) Scramble(cs []wms.ShipmentConfirmation, dupEvery int) []wms.ShipmentConfirmation {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(cs)
	if dupEvery > 0 {
		for i, c := range cs {
			if i%dupEvery == 0 {
				out = append(out, c)
			}
		}
	}
	f.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
