package wms_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

var (
	_ wms.OrderUpdater     = (*ocapi.Client)(nil)
	_ wms.InventoryWriter  = (*ocapi.Client)(nil)
	_ wms.InventoryCreator = (*ocapi.Client)(nil)
)

var simStart = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func noSleep(context.Context, time.Duration) error { return nil }

// newSim starts the SFCC simulator and a real client for it. Retry waits
// are skipped so tests never sleep.
func newSim(t testing.TB, opts ...sfcctest.Option) (*sfcctest.Server, *ocapi.Client) {
	t.Helper()
	srv := sfcctest.NewTestServer(t, opts...)
	c, err := ocapi.NewClient(ocapi.Config{Host: srv.URL(), Site: srv.Site(), ClientID: srv.ClientID(),
		Secret: sfcc.StaticSecret(srv.ClientSecret()), TokenURL: srv.TokenURL(), Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// simOrder is an order of three SKUs, six units.
func simOrder(no string) sfcc.Order {
	q := func(n int64) sfcc.Quantity { return sfcc.Quantity{Value: decimal.MustNew(n, 0), Unit: "pcs"} }
	return sfcc.Order{OrderNo: no, Currency: "GBP", OrderDate: simStart.Add(-24 * time.Hour),
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusNotShipped,
			Export: sfcc.ExportStatusExported, Payment: sfcc.PaymentStatusPaid, Confirmation: sfcc.ConfirmationStatusConfirmed},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingStatus: sfcc.ShippingStatusNotShipped, ShippingMethod: "standard"}},
		ProductLineItems: []sfcc.ProductLineItem{
			{ItemID: "li1", Position: 1, ProductID: "TEE-1", ProductName: "Tee", Quantity: q(2), ShipmentID: "me"},
			{ItemID: "li2", Position: 2, ProductID: "CAP-1", ProductName: "Cap", Quantity: q(1), ShipmentID: "me"},
			{ItemID: "li3", Position: 3, ProductID: "SOX-1", ProductName: "Socks", Quantity: q(3), ShipmentID: "me"},
		}}
}

// sentCounter counts the shipment messages SFCC will send, per order, from
// the attributes the default FlagNotifier writes: the storefront job sends
// one message per package id in the notified list and keeps the count.
type sentCounter struct{ srv *sfcctest.Server }

// count is the number of packages notified, or -1 when the attributes would
// make the job send a package twice or skip one (an id listed twice, or a
// count that is not the list's length).
func (c sentCounter) count(orderNo string) int {
	o, _ := c.srv.Order(orderNo)
	ids := attr(o, wms.DefaultNotifiedAttr)
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		return -1
	}
	if n := attr(o, wms.DefaultCountAttr); len(ids) > 0 && !slices.Equal(n, []string{strconv.Itoa(len(ids))}) {
		return -1
	}
	return len(ids)
}

// newSimSequencer is a sequencer with the default notifier, whose
// notification rides in the tracking write.
func newSimSequencer(t testing.TB, srv *sfcctest.Server, client *ocapi.Client) (*wms.Sequencer, sentCounter) {
	t.Helper()
	s, err := wms.NewSequencer(wms.SequencerConfig{Orders: client,
		Retry: wms.Backoff{Attempts: 6, Wait: noSleep}, Now: func() time.Time { return simStart }})
	if err != nil {
		t.Fatal(err)
	}
	return s, sentCounter{srv: srv}
}

func attr(o sfcc.Order, id string) []string {
	a, _ := o.Custom.Get(id)
	return a.Values
}

func TestSimulator_ThreePackagesGivePartShippedPartShippedShippedAndThreeNotifications(t *testing.T) {
	srv, client := newSim(t)
	srv.AddOrders(simOrder("00001001"))
	fake := wmstest.NewFakeWMS(1)
	pkgs := fake.ShipOrder(simOrder("00001001"), 3, simStart)
	s, n := newSimSequencer(t, srv, client)
	var statuses []sfcc.ShippingStatus
	for _, c := range pkgs {
		if _, err := s.Apply(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		o, _ := srv.Order("00001001")
		statuses = append(statuses, o.Status.Shipping)
	}
	want := []sfcc.ShippingStatus{sfcc.ShippingStatusPartShipped, sfcc.ShippingStatusPartShipped, sfcc.ShippingStatusShipped}
	if !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	o, _ := srv.Order("00001001")
	var tracking []string
	for _, c := range pkgs {
		tracking = append(tracking, c.TrackingNumber)
	}
	if got := attr(o, wms.DefaultTrackingNumbersAttr); !slices.Equal(got, tracking) {
		t.Errorf("tracking numbers on the order %v, want %v", got, tracking)
	}
	if got := n.count("00001001"); got != 3 {
		t.Errorf("notifications %d, want 3", got)
	}
	if got := attr(o, wms.DefaultCountAttr); !slices.Equal(got, []string{"3"}) {
		t.Errorf("notify count attribute %v, want [3]", got)
	}
	if got := attr(o, wms.DefaultNotifiedAttr); len(got) != 3 {
		t.Errorf("notified packages %v, want 3", got)
	}
}

func TestSimulator_ShuffledDuplicatedConcurrentEventsGiveSameStateAndThreeNotifications(t *testing.T) {
	orders := []string{"00002001", "00002002", "00002003"}
	var want map[string][]string
	for seed := range uint64(6) {
		srv, client := newSim(t)
		fake := wmstest.NewFakeWMS(100) // same packages every seed
		var all []wms.ShipmentConfirmation
		for _, no := range orders {
			srv.AddOrders(simOrder(no))
			all = append(all, fake.ShipOrder(simOrder(no), 3, simStart)...)
		}
		stream := wmstest.NewFakeWMS(seed).Scramble(all, 2)
		s, n := newSimSequencer(t, srv, client)
		var wg sync.WaitGroup
		for _, c := range stream {
			wg.Go(func() {
				if _, err := s.Apply(context.Background(), c); err != nil {
					t.Errorf("seed %d: %v", seed, err)
				}
			})
		}
		wg.Wait()
		got := map[string][]string{}
		for _, no := range orders {
			o, _ := srv.Order(no)
			if o.Status.Shipping != sfcc.ShippingStatusShipped {
				t.Fatalf("seed %d order %s: status %s", seed, no, o.Status.Shipping)
			}
			if c := n.count(no); c != 3 {
				t.Fatalf("seed %d order %s: %d notifications, want 3", seed, no, c)
			}
			got[no] = append(attr(o, wms.DefaultTrackingNumbersAttr), attr(o, wms.DefaultPackagesAttr)...)
		}
		if want == nil {
			want = got
			continue
		}
		for _, no := range orders {
			if !slices.Equal(want[no], got[no]) {
				t.Fatalf("seed %d order %s: tracking data differs:\n got %v\nwant %v", seed, no, got[no], want[no])
			}
		}
	}
}

// The simulator's request log shows what a package costs in SFCC: the
// order read, one PATCH with the tracking data and the notification, and
// the status write when the status moves — never more than three requests,
// for shuffled and duplicated deliveries of one to three packages an order.
func TestSimulator_FulfilmentCostsAtMostThreeSFCCRequestsPerPackage(t *testing.T) {
	srv, client := newSim(t)
	fake := wmstest.NewFakeWMS(9)
	packages := map[string]int{}
	var all []wms.ShipmentConfirmation
	for i := range 30 {
		no := fmt.Sprintf("000060%02d", i)
		srv.AddOrders(simOrder(no))
		cs := fake.ShipOrder(simOrder(no), 1+i%3, simStart.Add(time.Duration(i)*time.Minute))
		packages[no] = len(cs)
		all = append(all, cs...)
	}
	s, sent := newSimSequencer(t, srv, client)
	for _, r := range s.ApplyAll(context.Background(), wmstest.NewFakeWMS(4).Scramble(all, 3)) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	perOrder := map[string]int{}
	byRoute := map[string]int{}
	total := 0
	for _, r := range srv.Requests() {
		if r.Route == "token" {
			continue
		}
		total++
		byRoute[r.Route]++
		_, rest, _ := strings.Cut(r.Path, "/orders/")
		no, _, _ := strings.Cut(rest, "/")
		perOrder[no]++
	}
	for no, n := range packages {
		if perOrder[no] > 3*n {
			t.Errorf("order %s: %d SFCC requests for %d packages, want at most %d", no, perOrder[no], n, 3*n)
		}
		o, _ := srv.Order(no)
		if o.Status.Shipping != sfcc.ShippingStatusShipped || sent.count(no) != n {
			t.Errorf("order %s: status %s, %d notifications for %d packages", no, o.Status.Shipping, sent.count(no), n)
		}
	}
	if len(perOrder) != len(packages) || total > 3*len(all) {
		t.Errorf("%d requests over %d orders for %d packages (%v)", total, len(perOrder), len(all), byRoute)
	}
	t.Logf("%d packages: %d SFCC requests (%.2f per package) %v", len(all), total, float64(total)/float64(len(all)), byRoute)
}

func TestSimulator_InjectedFaultsDuringAShipmentRunLoseNothing(t *testing.T) {
	srv, client := newSim(t)
	fake := wmstest.NewFakeWMS(5, wmstest.WithShuffledDelivery(), wmstest.WithDuplicates(4))
	var nos []string
	for i := range 8 {
		no := fmt.Sprintf("0000300%d", i)
		nos = append(nos, no)
		srv.AddOrders(simOrder(no))
		fake.ShipOrder(simOrder(no), 3, simStart.Add(time.Duration(i)*time.Minute))
	}
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Status: 429, RetryAfter: time.Second, Every: 3})
	srv.InjectFault(sfcctest.Fault{Route: "order.patch", Status: 503, LoadStatus: "THROTTLE", Every: 2})
	srv.InjectFault(sfcctest.Fault{Route: "order.status", Status: 500, Every: 2})
	srv.InjectFault(sfcctest.Fault{Route: "order.patch", Drop: true, Every: 7})
	s, n := newSimSequencer(t, srv, client)
	for round := 0; ; round++ {
		if round > 50 {
			t.Fatal("events still pending after 50 rounds")
		}
		if pending, _ := fake.Pending(); pending == 0 {
			break
		}
		if _, err := wms.PumpConfirmations(context.Background(), fake, s, 10); err != nil {
			t.Fatal(err)
		}
	}
	if srv.FaultsFired() == 0 {
		t.Fatal("no fault fired; the test proves nothing")
	}
	for _, no := range nos {
		o, _ := srv.Order(no)
		if o.Status.Shipping != sfcc.ShippingStatusShipped || n.count(no) != 3 || len(attr(o, wms.DefaultTrackingNumbersAttr)) != 3 {
			t.Errorf("order %s: status %s, %d notifications, tracking %v", no, o.Status.Shipping, n.count(no), attr(o, wms.DefaultTrackingNumbersAttr))
		}
	}
	un, err := s.Store().Unfinished(context.Background())
	if err != nil || len(un) != 0 {
		t.Fatalf("unfinished events %v, %v", un, err)
	}
}

func seedInventory(srv *sfcctest.Server, list string, skus int) {
	recs := make([]sfcc.InventoryRecord, skus)
	for i := range recs {
		recs[i] = sfcc.InventoryRecord{ProductID: fmt.Sprintf("SKU-%05d", i), InventoryListID: list}
	}
	srv.PutInventory(list, recs...)
}

func TestSimulator_InventoryPushFinalLevelsWithinBatchBudgetAndStaleNeverWins(t *testing.T) {
	const skus, changes = 500, 5_000
	srv, client := newSim(t)
	seedInventory(srv, "inv", skus)
	var names []string
	for i := range skus {
		names = append(names, fmt.Sprintf("SKU-%05d", i))
	}
	fake := wmstest.NewFakeWMS(77)
	stream := fake.StockChanges(names, "", changes, 300, simStart)
	final := map[string]wms.StockLevel{}
	for _, l := range stream {
		final[l.SKU] = l
	}
	p, err := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inv", Now: func() time.Time { return simStart }})
	if err != nil {
		t.Fatal(err)
	}
	budget := (skus + wms.MaxBatchSize - 1) / wms.MaxBatchSize
	for lo := 0; lo < len(stream); lo += 1_250 {
		p.Offer(stream[lo:min(lo+1_250, len(stream))]...)
		before := srv.RequestCount("batch")
		rep, err := p.Flush(context.Background())
		if err != nil || rep.Failed != 0 {
			t.Fatalf("flush: %+v, %v", rep, err)
		}
		if n := srv.RequestCount("batch") - before; n > budget {
			t.Fatalf("flush used %d batch requests, budget %d", n, budget)
		}
	}
	// Late, stale deliveries of early levels change nothing.
	st, _ := p.Offer(stream[:250]...)
	rep, _ := p.Flush(context.Background())
	if st.Accepted != 0 || rep.Sent != 0 {
		t.Fatalf("stale levels accepted %d, sent %d", st.Accepted, rep.Sent)
	}
	for sku, l := range final {
		rec, ok := srv.Inventory("inv", sku)
		if !ok || rec.Allocation.Cmp(l.Available) != 0 {
			t.Fatalf("%s: SFCC allocation %s, final level %s", sku, rec.Allocation, l.Available)
		}
	}
}

func TestSimulator_InventoryFaultsRetryOnlyTheFailedRecords(t *testing.T) {
	srv, client := newSim(t)
	seedInventory(srv, "inv", 120)
	srv.InjectFault(sfcctest.Fault{Route: "batch", Status: 503, Times: 1})
	clock := simStart
	p, _ := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inv", Now: func() time.Time { return clock },
		Retry: wms.Backoff{Initial: time.Second}})
	for i := range 120 {
		p.Offer(wms.StockLevel{SKU: fmt.Sprintf("SKU-%05d", i), Available: decimal.MustNew(int64(i), 0), Sequence: 1})
	}
	// A brand-new SKU is created with PUT.
	p.Offer(wms.StockLevel{SKU: "NEW-1", Available: decimal.MustNew(4, 0), Sequence: 1})
	rep, err := p.Flush(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Minute)
	rep2, _ := p.Flush(context.Background())
	if rep.Pushed+rep2.Pushed != 121 || p.Waiting() != 0 {
		t.Fatalf("flushes %+v then %+v, waiting %d", rep, rep2, p.Waiting())
	}
	if rec, ok := srv.Inventory("inv", "NEW-1"); !ok || rec.Allocation.String() != "4" {
		t.Fatalf("NEW-1 = %+v, %v", rec, ok)
	}
}

func TestSimulator_PrimedPusherSendsOnlyWhatSFCCLacks(t *testing.T) {
	srv, client := newSim(t)
	srv.PutInventory("inv",
		sfcc.InventoryRecord{ProductID: "A", Allocation: decimal.MustNew(5, 0)},
		sfcc.InventoryRecord{ProductID: "B", Allocation: decimal.MustNew(2, 0)})
	p, _ := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inv"})
	if n, err := p.PrimeFrom(context.Background(), client, "inv"); err != nil || n != 2 {
		t.Fatalf("PrimeFrom = %d, %v", n, err)
	}
	p.Offer(wms.StockLevel{SKU: "A", Available: decimal.MustNew(5, 0), Sequence: 1},
		wms.StockLevel{SKU: "B", Available: decimal.MustNew(7, 0), Sequence: 1})
	rep, err := p.Flush(context.Background())
	if err != nil || rep.Sent != 1 || rep.Pushed != 1 {
		t.Fatalf("flush %+v, %v; want only B sent", rep, err)
	}
	if rec, _ := srv.Inventory("inv", "B"); rec.Allocation.String() != "7" {
		t.Fatalf("B = %s", rec.Allocation)
	}
}

func TestSimulator_MonitorReadsTrackingBackFromSFCC(t *testing.T) {
	srv, client := newSim(t)
	srv.AddOrders(simOrder("00005001"))
	pkgs := wmstest.NewFakeWMS(3).ShipOrder(simOrder("00005001"), 3, simStart)
	s, _ := newSimSequencer(t, srv, client)
	ctx := context.Background()
	for _, c := range pkgs[:2] {
		if _, err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// The WMS shipped the third package; its update never reached SFCC.
	if _, _, err := s.Store().Record(ctx, pkgs[2], wms.EventRecorded, simStart); err != nil {
		t.Fatal(err)
	}
	now := pkgs[2].ShippedAt.Add(5 * time.Hour)
	m, _ := wms.NewMonitor(wms.MonitorConfig{Orders: client, Store: s.Store(), After: 4 * time.Hour, Now: func() time.Time { return now }})
	lag, err := m.Lagging(ctx)
	if err != nil || len(lag) != 1 {
		t.Fatalf("Lagging = %+v, %v", lag, err)
	}
	l := lag[0]
	if l.OrderNo != "00005001" || l.SFCCStatus != sfcc.ShippingStatusPartShipped || l.WMSStatus != sfcc.ShippingStatusShipped ||
		!slices.Equal(l.Packages, []string{pkgs[2].ShipmentID}) || l.Age != 5*time.Hour {
		t.Fatalf("lagging %+v", l)
	}
	if _, err := s.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if lag, err := m.Lagging(ctx); err != nil || len(lag) != 0 {
		t.Fatalf("after resume: %+v, %v", lag, err)
	}
}

// simClock is a clock shared by the simulator and the client: the client's
// retry waits advance it instead of sleeping.
type simClock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept += d
	c.mu.Unlock()
	return ctx.Err()
}

func TestSimulator_PushUnderServerRateLimitLosesNothing(t *testing.T) {
	clk := &simClock{t: simStart}
	srv := sfcctest.NewTestServer(t, sfcctest.WithClock(clk.Now), sfcctest.WithRateLimit(2, 2))
	client, err := ocapi.NewClient(ocapi.Config{Host: srv.URL(), Site: srv.Site(), ClientID: srv.ClientID(),
		Secret: sfcc.StaticSecret(srv.ClientSecret()), TokenURL: srv.TokenURL(), Sleep: clk.Sleep, Now: clk.Now, MaxRetries: 10})
	if err != nil {
		t.Fatal(err)
	}
	seedInventory(srv, "inv", 500)
	p, _ := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inv", Now: clk.Now, Workers: 1})
	for i := range 500 {
		p.Offer(wms.StockLevel{SKU: fmt.Sprintf("SKU-%05d", i), Available: decimal.MustNew(int64(i%17), 0), Sequence: 1})
	}
	rep, err := p.Flush(context.Background())
	if err != nil || rep.Pushed != 500 || rep.Requests != 10 {
		t.Fatalf("flush %+v, %v; want 500 pushed in 10 batches", rep, err)
	}
	var limited int
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			limited++
		}
	}
	if limited == 0 || clk.slept == 0 {
		t.Fatalf("the rate limit never bit (429s %d, waited %v); the test proves nothing", limited, clk.slept)
	}
	for i := range 500 {
		sku := fmt.Sprintf("SKU-%05d", i)
		if rec, _ := srv.Inventory("inv", sku); rec.Allocation.Cmp(decimal.MustNew(int64(i%17), 0)) != 0 {
			t.Fatalf("%s = %s", sku, rec.Allocation)
		}
	}
	t.Logf("10 batches under 2 req/s: %d answered 429, client waited %v of simulated time", limited, clk.slept)
}
