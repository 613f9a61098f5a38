package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest/ordergen"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

// The simulated warehouses and the SFCC inventory lists they feed.
const (
	ukLocation = "LEEDS-DC"
	usLocation = "RENO-DC"
	ukList     = "inventory_uk"
	usList     = "inventory_us"
)

// fulfil is step 3: the WMS ships every exported order in one or more
// packages; each confirmation goes through the Sequencer, which writes the
// tracking data to the SFCC order in sequence, sets PART_SHIPPED or SHIPPED,
// and triggers exactly one notification per package — however the WMS
// delivers the events (shuffled, duplicated).
func (d *day) fulfil(ctx context.Context) error {
	seq, err := wms.NewSequencer(wms.SequencerConfig{
		Orders:  d.client,
		Logger:  d.log,
		Workers: d.cfg.Workers,
		Retry:   wms.Backoff{Initial: 5 * time.Millisecond, Max: 100 * time.Millisecond, Attempts: 6},
		Store:   d.stores.events,
	})
	if err != nil {
		return err
	}
	src := wmstest.NewFakeWMS(d.cfg.Seed, wmstest.WithShuffledDelivery(), wmstest.WithDuplicates(7))
	shipAt := d.date.Add(16 * time.Hour)
	packages := 0
	for _, o := range d.sortedExported() {
		n := len(o.Shipments)
		// Some orders leave the warehouse in more packages than shipments:
		// the first parcel is a partial shipment.
		if len(o.ProductLineItems) > 1 && hash(o.OrderNo)%3 == 0 {
			n++
		}
		packages += len(src.ShipOrder(o, n, shipAt))
	}
	// A picking error the WMS reports: a SKU the order never had. It must
	// be refused with an exception for operations, not written to SFCC.
	if bad, ok := d.pickingError(); ok {
		src.AddConfirmations(bad)
	}

	notified := 0
	// Pump until the feed is drained; stop if three rounds in a row make no
	// progress (a confirmation that keeps failing stays in the feed and is
	// reported below).
	for stalled, last := 0, -1; stalled < 3; {
		pending, _ := src.Pending()
		if pending == 0 {
			break
		}
		if pending == last {
			stalled++
		} else {
			stalled, last = 0, pending
		}
		results, err := wms.PumpConfirmations(ctx, src, seq, 500)
		if err != nil {
			return err
		}
		for _, r := range flatten(results) {
			switch r.Outcome {
			case wms.OutcomeApplied:
				d.sum.ShipmentsApplied++
			case wms.OutcomeRejected, wms.OutcomeFailed:
				if r.Outcome == wms.OutcomeRejected {
					d.note(r.Err, r.OrderNo, "")
				}
			}
			if r.Notified {
				notified++
			}
		}
	}
	if pending, _ := src.Pending(); pending > 0 {
		d.note(fmt.Errorf("fulfilment: %d WMS confirmations could not be applied", pending), "", "")
	}
	d.sum.NotificationsSent = notified
	d.sum.PackagesShipped = packages

	d.shipments, d.shippedAt = seq.Store(), shipAt
	d.progress("      %d packages shipped, %d applied, %d notifications", packages, d.sum.ShipmentsApplied, notified)
	return nil
}

func flatten(rs []wms.Result) []wms.Result {
	var out []wms.Result
	for _, r := range rs {
		out = append(out, r)
		out = append(out, flatten(r.Released)...)
	}
	return out
}

func (d *day) pickingError() (wms.ShipmentConfirmation, bool) {
	exp := d.sortedExported()
	if len(exp) < 3 {
		return wms.ShipmentConfirmation{}, false
	}
	o := exp[len(exp)/2]
	return wms.ShipmentConfirmation{
		OrderNo: o.OrderNo, EventID: "WMS-PICKERR-" + o.OrderNo, ShipmentID: "PKG-PICKERR-" + o.OrderNo,
		Lines:   []wms.ShippedLine{{SKU: "NOT-ON-ORDER-1", Quantity: decimal.MustNew(1, 0)}},
		Carrier: "Royal Mail", Service: "Tracked 48", TrackingNumber: "RM000000000GB",
		ShippedAt: d.date.Add(17 * time.Hour),
	}, true
}

func (d *day) sortedExported() []sfcc.Order {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]sfcc.Order, 0, len(d.exported))
	for _, o := range d.exported {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrderNo < out[j].OrderNo })
	return out
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// stockClock is the Pusher's clock: the day's time, moved on by the loop so
// that retries of failed SKUs fall due without waiting.
type stockClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stockClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *stockClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// safetyStock is the store's buffer policy: two units everywhere, more on
// outerwear, and a flash-sale profile that holds back more of the hot SKUs.
func safetyStock() *wms.SafetyStock {
	cat := map[string]string{}
	for _, s := range []ordergen.Site{ordergen.UKSite(), ordergen.USSite()} {
		for _, p := range s.Catalog {
			cat[p.SKU] = p.Category
		}
	}
	return &wms.SafetyStock{
		Normal: wms.Profile{
			Global:     wms.Rule{Units: decimal.MustNew(2, 0)},
			Categories: map[string]wms.Rule{"outerwear": {Percent: decimal.MustNew(10, 0), MinUnits: decimal.MustNew(3, 0)}},
			SKUs:       map[string]wms.Rule{"CAR-SEAT-1": {Units: decimal.MustNew(5, 0)}},
		},
		HighVelocity: wms.Profile{
			Global:     wms.Rule{Units: decimal.MustNew(4, 0)},
			Categories: map[string]wms.Rule{"outerwear": {Percent: decimal.MustNew(25, 0), MinUnits: decimal.MustNew(5, 0)}},
			SKUs:       map[string]wms.Rule{"CAR-SEAT-1": {Units: decimal.MustNew(8, 0)}},
		},
		CategoryOf: func(sku string) string { return cat[sku] },
	}
}

// stock is step 4: absolute stock levels from the warehouses, delivered
// out of order and more than once, are safety-stocked, coalesced per SKU and
// pushed to SFCC in batches; a stale level never wins.
func (d *day) stock(ctx context.Context) error {
	lists := lists()
	list := ukList
	if d.srv == nil {
		if d.cfg.InventoryList == "" {
			d.progress("      skipped: set -inventory-list to push stock to a real instance")
			return nil
		}
		list, lists = d.cfg.InventoryList, nil
	}
	if d.srv != nil {
		d.srv.AddInventoryList(ukList)
		d.srv.AddInventoryList(usList)
	}
	clock := &stockClock{now: d.date.Add(6 * time.Hour)}
	p, err := wms.NewPusher(wms.PusherConfig{
		Writer: d.client, List: list, Lists: lists, Safety: safetyStock(),
		Now: clock.Now, Logger: d.log, Retry: wms.Backoff{Initial: time.Minute, Max: 10 * time.Minute, Attempts: 5},
		Levels: d.stores.levels,
	})
	if err != nil {
		return err
	}
	src := wmstest.NewFakeWMS(d.cfg.Seed+1, wmstest.WithShuffledDelivery(), wmstest.WithDuplicates(9))
	uk, us := skus(ordergen.UKSite()), skus(ordergen.USSite())
	start := d.date.Add(6 * time.Hour)
	changes := 40 * (len(uk) + len(us))
	d.levels = append(d.levels, src.StockChanges(uk, ukLocation, changes/2, 250, start)...)
	if d.srv != nil {
		d.levels = append(d.levels, src.StockChanges(us, usLocation, changes/2, 250, start)...)
	}
	var offered wms.OfferStats
	for round := 0; round < 100; round++ {
		_, levels := src.Pending()
		if levels == 0 && p.Waiting() == 0 {
			break
		}
		var st wms.OfferStats
		var rep wms.FlushReport
		if levels > 0 {
			st, rep, err = wms.PumpLevels(ctx, src, p, 300)
		} else {
			rep, err = p.Flush(ctx)
		}
		if err != nil {
			return err
		}
		offered.Accepted += st.Accepted
		offered.Stale += st.Stale
		d.sum.InventoryRequests += rep.Requests
		clock.Advance(2 * time.Minute)
	}
	pushed := 0
	for _, s := range p.Statuses() {
		if s.HasPushed {
			pushed++
		}
		if s.Err != nil && s.State != wms.PushDone {
			d.note(s.Err, "", s.SKU)
		}
	}
	d.sum.InventorySKUsPushed = pushed
	d.sum.StockChanges = changes
	d.stockPusher = p
	d.progress("      %d level changes (%d stale or repeated deliveries ignored), %d SKUs pushed in %d requests", changes, offered.Stale, pushed, d.sum.InventoryRequests)
	return nil
}

// lists maps the warehouses to the SFCC inventory lists they feed.
func lists() map[string]string {
	return map[string]string{ukLocation: ukList, usLocation: usList}
}

func skus(s ordergen.Site) []string {
	out := make([]string, len(s.Catalog))
	for i, p := range s.Catalog {
		out[i] = p.SKU
	}
	return out
}
