package wms

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func qty(s string) decimal.Decimal { return decimal.MustParse(s) }

// testOrder has SKU A ×2, B ×1, C ×3.
func testOrder(no string) sfcc.Order {
	return sfcc.Order{OrderNo: no, Currency: "GBP",
		Status: sfcc.StatusSet{Shipping: sfcc.ShippingStatusNotShipped},
		ProductLineItems: []sfcc.ProductLineItem{
			{Position: 1, ProductID: "A", Quantity: sfcc.Quantity{Value: qty("2")}, ShipmentID: "me"},
			{Position: 2, ProductID: "B", Quantity: sfcc.Quantity{Value: qty("1")}, ShipmentID: "me"},
			{Position: 3, ProductID: "C", Quantity: sfcc.Quantity{Value: qty("3")}, ShipmentID: "gift 1"},
		}}
}

// threePackages ships testOrder in three packages.
func threePackages(no string) []ShipmentConfirmation {
	mk := func(i int, lines ...ShippedLine) ShipmentConfirmation {
		return ShipmentConfirmation{OrderNo: no, EventID: fmt.Sprintf("%s-ev%d", no, i), ShipmentID: fmt.Sprintf("%s-pkg%d", no, i),
			Lines: lines, Carrier: "DHL", Service: "express", TrackingNumber: fmt.Sprintf("TRK-%s-%d", no, i),
			TrackingURL: "https://track.example/" + no, ShippedAt: t0.Add(time.Duration(i) * time.Hour)}
	}
	return []ShipmentConfirmation{
		mk(1, ShippedLine{SKU: "A", Quantity: qty("1")}),
		mk(2, ShippedLine{SKU: "A", Quantity: qty("1")}, ShippedLine{SKU: "C", Quantity: qty("1")}),
		mk(3, ShippedLine{SKU: "B", Quantity: qty("1")}, ShippedLine{SKU: "C", Quantity: qty("2")}),
	}
}

func noWait(context.Context, time.Duration) error { return nil }

func newTestSequencer(t *testing.T, orders *fakeOrders, mod func(*SequencerConfig)) (*Sequencer, *countingNotifier) {
	t.Helper()
	n := &countingNotifier{Notifier: FlagNotifier{Orders: orders}}
	cfg := SequencerConfig{Orders: orders, Notifier: n, Retry: Backoff{Wait: noWait}, Now: func() time.Time { return t0 },
		Attributes: Attributes{ShipmentPrefix: "tracking_"}}
	if mod != nil {
		mod(&cfg)
	}
	s, err := NewSequencer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, n
}

func attrValues(o sfcc.Order, id string) []string {
	a, _ := o.Custom.Get(id)
	return a.Values
}

func TestSequencer_ThreePackagesGivePartPartShippedAndThreeNotifications(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s, n := newTestSequencer(t, orders, nil)
	var got []sfcc.ShippingStatus
	for _, c := range threePackages("1001") {
		res, err := s.Apply(context.Background(), c)
		if err != nil || res.Outcome != OutcomeApplied || !res.Notified {
			t.Fatalf("Apply(%s) = %+v, %v", c.EventID, res, err)
		}
		got = append(got, orders.order("1001").Status.Shipping)
	}
	want := []sfcc.ShippingStatus{sfcc.ShippingStatusPartShipped, sfcc.ShippingStatusPartShipped, sfcc.ShippingStatusShipped}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	o := orders.order("1001")
	if diff := cmp.Diff([]string{"TRK-1001-1", "TRK-1001-2", "TRK-1001-3"}, attrValues(o, DefaultTrackingNumbersAttr)); diff != "" {
		t.Errorf("tracking numbers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"TRK-1001-1", "TRK-1001-2", "TRK-1001-3"}, attrValues(o, "tracking_me")); diff != "" {
		t.Errorf("per-shipment attribute for 'me' (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"TRK-1001-2", "TRK-1001-3"}, attrValues(o, "tracking_gift_1")); diff != "" {
		t.Errorf("per-shipment attribute for 'gift 1' (-want +got):\n%s", diff)
	}
	if got := n.sent("1001"); len(got) != 3 {
		t.Errorf("notifications = %v, want 3", got)
	}
	if diff := cmp.Diff([]string{"3"}, attrValues(o, DefaultCountAttr)); diff != "" {
		t.Errorf("notify count (-want +got):\n%s", diff)
	}
}

func TestSequencer_DuplicateEventDoesNotNotifyTwice(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s, n := newTestSequencer(t, orders, nil)
	c := threePackages("1001")[0]
	if _, err := s.Apply(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	patches := orders.calls["PatchOrderCustom"]
	for range 3 {
		res, err := s.Apply(context.Background(), c)
		if err != nil || res.Outcome != OutcomeDuplicate || res.Notified {
			t.Fatalf("re-delivery = %+v, %v; want duplicate no-op", res, err)
		}
	}
	if got := n.sent("1001"); len(got) != 1 {
		t.Errorf("notifications = %v, want 1", got)
	}
	if orders.calls["PatchOrderCustom"] != patches {
		t.Errorf("re-delivery wrote to SFCC: %d patches, want %d", orders.calls["PatchOrderCustom"], patches)
	}
}

func TestSequencer_ShuffledDuplicatedConcurrentEventsEndInSameState(t *testing.T) {
	ref := newFakeOrders(testOrder("1001"))
	rs, _ := newTestSequencer(t, ref, nil)
	for _, c := range threePackages("1001") {
		if _, err := rs.Apply(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	want := ref.order("1001")
	// Unsequenced events are notified in arrival order, so the notified
	// list is compared as a set; everything else must match exactly.
	normal := cmp.Transformer("normal", func(cs sfcc.CustomAttributes) sfcc.CustomAttributes {
		out := slices.Clone(cs)
		for i := range out {
			if out[i].ID == DefaultNotifiedAttr {
				out[i].Values = slices.Sorted(slices.Values(out[i].Values))
			}
		}
		slices.SortFunc(out, func(a, b sfcc.CustomAttribute) int { return compareStrings(a.ID, b.ID) })
		return out
	})
	for seed := range uint64(40) {
		orders := newFakeOrders(testOrder("1001"), testOrder("1002"))
		s, n := newTestSequencer(t, orders, nil)
		var evs []ShipmentConfirmation
		for _, no := range []string{"1001", "1002"} {
			for _, c := range threePackages(no) {
				evs = append(evs, c, c)
			}
		}
		rng := rand.New(rand.NewPCG(seed, 7))
		rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		var wg sync.WaitGroup
		for _, c := range evs {
			wg.Go(func() {
				if _, err := s.Apply(context.Background(), c); err != nil {
					t.Errorf("seed %d: %v", seed, err)
				}
			})
		}
		wg.Wait()
		if diff := cmp.Diff(want.Custom, orders.order("1001").Custom, normal); diff != "" {
			t.Fatalf("seed %d: attributes differ from in-order run (-want +got):\n%s", seed, diff)
		}
		if got := orders.order("1001").Status.Shipping; got != sfcc.ShippingStatusShipped {
			t.Fatalf("seed %d: status %s", seed, got)
		}
		for _, no := range []string{"1001", "1002"} {
			if got := n.sent(no); len(got) != 3 {
				t.Fatalf("seed %d order %s: notifications %v, want 3", seed, no, got)
			}
			// Nothing failed, so the notifier was asked once per package:
			// exactly-once does not lean on the notifier's idempotency.
			if got := n.notifyCalls(no); got != 3 {
				t.Fatalf("seed %d order %s: Notify called %d times, want 3", seed, no, got)
			}
		}
	}
}

func TestSequencer_QuantityProblemsAreTypedAndNameTheOrder(t *testing.T) {
	cases := []struct {
		name  string
		lines []ShippedLine
		kind  error
	}{
		{"over-shipment", []ShippedLine{{SKU: "A", Quantity: qty("3")}}, ErrOverShipped},
		{"unknown line", []ShippedLine{{SKU: "Z", Quantity: qty("1")}}, ErrUnknownLine},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			orders := newFakeOrders(testOrder("1001"))
			s, n := newTestSequencer(t, orders, nil)
			c := ShipmentConfirmation{OrderNo: "1001", EventID: "e1", ShipmentID: "p1", Lines: tc.lines, ShippedAt: t0}
			res, err := s.Apply(context.Background(), c)
			var qe *QuantityError
			if !errors.Is(err, tc.kind) || !errors.As(err, &qe) || qe.OrderNo != "1001" || res.Outcome != OutcomeRejected {
				t.Fatalf("Apply = %+v, %v; want %v naming the order", res, err, tc.kind)
			}
			if orders.calls["PatchOrderCustom"] != 0 || orders.calls["SetShippingStatus"] != 0 || len(n.sent("1001")) != 0 {
				t.Errorf("rejected event touched the order: %v", orders.calls)
			}
			// A later valid event is not blocked, and the rejected one stays rejected.
			if _, err := s.Apply(context.Background(), threePackages("1001")[0]); err != nil {
				t.Fatal(err)
			}
			if res, _ := s.Apply(context.Background(), c); res.Outcome != OutcomeDuplicate {
				t.Errorf("re-delivered rejected event: %v, want duplicate", res.Outcome)
			}
		})
	}
}

func TestSequencer_OverShipmentAcrossPackagesIsRejected(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s, _ := newTestSequencer(t, orders, nil)
	pk := threePackages("1001")
	if _, err := s.Apply(context.Background(), pk[0]); err != nil {
		t.Fatal(err)
	}
	extra := ShipmentConfirmation{OrderNo: "1001", EventID: "x", ShipmentID: "px", ShippedAt: t0,
		Lines: []ShippedLine{{SKU: "A", Quantity: qty("2")}}}
	_, err := s.Apply(context.Background(), extra)
	var qe *QuantityError
	if !errors.As(err, &qe) || qe.Shipped.String() != "3" || qe.Ordered.String() != "2" {
		t.Fatalf("err = %v; want over-shipment 3 of 2", err)
	}
}

func TestSequencer_InvalidConfirmationIsRejected(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s, _ := newTestSequencer(t, orders, nil)
	bad := threePackages("1001")[0]
	bad.ShipmentID = ""
	if _, err := s.Apply(context.Background(), bad); !errors.Is(err, ErrInvalidConfirmation) {
		t.Fatalf("err = %v; want ErrInvalidConfirmation", err)
	}
	reused := threePackages("1001")[0]
	if _, err := s.Apply(context.Background(), reused); err != nil {
		t.Fatal(err)
	}
	reused.TrackingNumber = "OTHER"
	if _, err := s.Apply(context.Background(), reused); !errors.Is(err, ErrEventConflict) {
		t.Fatalf("err = %v; want ErrEventConflict", err)
	}
	samePackage := threePackages("1001")[1]
	samePackage.ShipmentID = reused.ShipmentID
	res, err := s.Apply(context.Background(), samePackage)
	var ce *ConfirmationError
	if !errors.Is(err, ErrPackageConflict) || !errors.As(err, &ce) || ce.OrderNo != "1001" || res.Outcome != OutcomeRejected {
		t.Fatalf("second event for one package = %+v, %v; want ErrPackageConflict", res, err)
	}
}

// The SFCC client owns retries: a transient SFCC failure is final for the
// run (one call, a temporary ApplyError, no backoff here), and re-delivery
// carries on from the step the store reached until the event is applied,
// notifying once.
func TestSequencer_TransientSFCCFailureIsFinalForTheRunAndRedeliveryCarriesOn(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	failures := map[string]int{"GetOrder": 1, "PatchOrderCustom": 1, "SetShippingStatus": 1}
	var mu sync.Mutex
	orders.fail = func(method, _ string) error {
		mu.Lock()
		defer mu.Unlock()
		if failures[method] > 0 {
			failures[method]--
			return tempErr{status: 503}
		}
		return nil
	}
	var waits []time.Duration
	s, n := newTestSequencer(t, orders, func(c *SequencerConfig) {
		c.Retry = Backoff{Initial: time.Second, Wait: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			return nil
		}}
	})
	ev := threePackages("1001")[0]
	methodOf := map[Step]string{StepRead: "GetOrder", StepWrite: "PatchOrderCustom", StepStatus: "SetShippingStatus"}
	for i, step := range []Step{StepRead, StepWrite, StepStatus} {
		method := methodOf[step]
		before := orders.calls[method]
		res, err := s.Apply(context.Background(), ev)
		var ae *ApplyError
		if !errors.As(err, &ae) || ae.Step != step || !ae.Temporary || ae.Attempts != 1 || res.Outcome != OutcomeFailed {
			t.Fatalf("delivery %d: Apply = %+v, %v; want a temporary ApplyError at %s after 1 attempt", i+1, res, err, step)
		}
		if got := orders.calls[method] - before; got != 1 {
			t.Errorf("delivery %d: %s called %d times, want once (the client retries, not the sequencer)", i+1, method, got)
		}
	}
	res, err := s.Apply(context.Background(), ev)
	if err != nil || res.Outcome != OutcomeApplied {
		t.Fatalf("fourth delivery: Apply = %+v, %v; want applied", res, err)
	}
	if len(waits) != 0 {
		t.Errorf("the sequencer waited %v between SFCC calls; it must not retry them", waits)
	}
	if len(n.sent("1001")) != 1 {
		t.Errorf("notifications = %v, want one", n.sent("1001"))
	}
}

// flakyStore fails its reads and records with a temporary error a given
// number of times.
type flakyStore struct {
	*MemoryEventStore
	mu    sync.Mutex
	fails int
}

type flakyStoreErr struct{}

func (flakyStoreErr) Error() string   { return "store: database is locked" }
func (flakyStoreErr) Temporary() bool { return true }

func (f *flakyStore) take() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return flakyStoreErr{}
	}
	return nil
}

func (f *flakyStore) Events(ctx context.Context, orderNo string) ([]EventRecord, error) {
	if err := f.take(); err != nil {
		return nil, err
	}
	return f.MemoryEventStore.Events(ctx, orderNo)
}

func (f *flakyStore) Record(ctx context.Context, c ShipmentConfirmation, st EventState, at time.Time) (EventRecord, bool, error) {
	if err := f.take(); err != nil {
		return EventRecord{}, false, err
	}
	return f.MemoryEventStore.Record(ctx, c, st, at)
}

// A store has no retrying client of its own, so the sequencer retries its
// calls with the configured backoff.
func TestSequencer_TransientStoreFailuresAreRetriedWithBackoff(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	var waits []time.Duration
	s, n := newTestSequencer(t, orders, func(c *SequencerConfig) {
		c.Store = &flakyStore{MemoryEventStore: NewMemoryEventStore(), fails: 3}
		c.Retry = Backoff{Initial: time.Second, Max: 3 * time.Second, Wait: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			return nil
		}}
	})
	res, err := s.Apply(context.Background(), threePackages("1001")[0])
	if err != nil || res.Outcome != OutcomeApplied {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	if diff := cmp.Diff(want, waits); diff != "" {
		t.Errorf("backoff waits (-want +got):\n%s", diff)
	}
	if len(n.sent("1001")) != 1 {
		t.Errorf("notifications = %v", n.sent("1001"))
	}
}

func TestSequencer_PermanentFailureIsTypedAndResumable(t *testing.T) {
	orders := newFakeOrders()
	s, _ := newTestSequencer(t, orders, nil)
	c := threePackages("1001")[0]
	res, err := s.Apply(context.Background(), c)
	var ae *ApplyError
	if !errors.As(err, &ae) || ae.Temporary || ae.Step != StepRead || ae.Attempts != 1 || ae.OrderNo != "1001" || res.Outcome != OutcomeFailed {
		t.Fatalf("Apply = %+v, %v; want permanent ApplyError at read-order after 1 attempt", res, err)
	}
	if !errors.Is(err, errNoOrder) {
		t.Errorf("cause not reachable with errors.Is: %v", err)
	}
	// The order appears; Resume finishes the recorded event.
	orders.mu.Lock()
	orders.orders["1001"] = testOrder("1001")
	orders.mu.Unlock()
	rs, err := s.Resume(context.Background())
	if err != nil || len(rs) != 1 || rs[0].Outcome != OutcomeApplied {
		t.Fatalf("Resume = %+v, %v", rs, err)
	}
}

// failingStore fails SetState into one state once, simulating a crash
// between two steps.
type failingStore struct {
	*MemoryEventStore
	failState EventState
	failed    bool
}

func (f *failingStore) SetState(ctx context.Context, orderNo, eventID string, st EventState, reason string, at time.Time) error {
	if st == f.failState && !f.failed {
		f.failed = true
		return errors.New("store: disk full")
	}
	return f.MemoryEventStore.SetState(ctx, orderNo, eventID, st, reason, at)
}

func (f *failingStore) Temporary() bool { return false }

func TestSequencer_RerunAfterFailureBetweenStepsNotifiesOnce(t *testing.T) {
	for _, st := range []EventState{EventWritten, EventNotifying, EventDone} {
		t.Run(string(st), func(t *testing.T) {
			orders := newFakeOrders(testOrder("1001"))
			store := &failingStore{MemoryEventStore: NewMemoryEventStore(), failState: st}
			s, n := newTestSequencer(t, orders, func(c *SequencerConfig) {
				c.Store = store
				c.Retry.Attempts = 1
			})
			c := threePackages("1001")[0]
			if _, err := s.Apply(context.Background(), c); err == nil {
				t.Fatal("first run: want the injected store failure")
			}
			res, err := s.Apply(context.Background(), c)
			if err != nil || res.Outcome != OutcomeApplied {
				t.Fatalf("re-run = %+v, %v", res, err)
			}
			if got := n.sent("1001"); len(got) != 1 {
				t.Errorf("notifications = %v, want exactly 1", got)
			}
			if got := attrValues(orders.order("1001"), DefaultNotifiedAttr); !slices.Equal(got, []string{c.ShipmentID}) {
				t.Errorf("notified list = %v", got)
			}
		})
	}
}

func TestSequencer_SequencedEventsWaitForEarlierNumbers(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s, n := newTestSequencer(t, orders, nil)
	pk := threePackages("1001")
	for i := range pk {
		pk[i].Sequence = int64(i + 1)
	}
	res, err := s.Apply(context.Background(), pk[2])
	if err != nil || res.Outcome != OutcomeWaiting {
		t.Fatalf("event 3 first: %+v, %v; want waiting", res, err)
	}
	res, _ = s.Apply(context.Background(), pk[1])
	if res.Outcome != OutcomeWaiting || orders.calls["PatchOrderCustom"] != 0 {
		t.Fatalf("event 2 before 1: %+v; want waiting, nothing written", res)
	}
	res, err = s.Apply(context.Background(), pk[0])
	if err != nil || res.Outcome != OutcomeApplied || len(res.Released) != 2 {
		t.Fatalf("event 1: %+v, %v; want applied releasing 2", res, err)
	}
	if diff := cmp.Diff([]sfcc.ShippingStatus{sfcc.ShippingStatusPartShipped, sfcc.ShippingStatusShipped}, orders.history("1001")); diff != "" {
		t.Errorf("status history (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1001-pkg1", "1001-pkg2", "1001-pkg3"}, n.sent("1001")); diff != "" {
		t.Errorf("notification order (-want +got):\n%s", diff)
	}
}

func TestSequencer_DifferentOrdersProceedInParallel(t *testing.T) {
	orders := newFakeOrders(testOrder("A1"), testOrder("B1"))
	bStarted := make(chan struct{})
	var once, aFirst sync.Once
	orders.onGet = func(no string) {
		switch no {
		case "A1":
			// A's first read waits until B is being worked on: only possible
			// if B is not queued behind A. The timeout is only reached when
			// that property is broken; it then fails the test rather than
			// letting the run finish one order at a time.
			aFirst.Do(func() {
				select {
				case <-bStarted:
				case <-time.After(10 * time.Second):
					t.Error("order B did not start while order A was being worked on: different orders ran one at a time")
				}
			})
		case "B1":
			once.Do(func() { close(bStarted) })
		}
	}
	s, _ := newTestSequencer(t, orders, nil)
	evs := []ShipmentConfirmation{threePackages("A1")[0], threePackages("B1")[0]}
	rs := s.ApplyAll(context.Background(), evs)
	for _, r := range rs {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	select {
	case <-bStarted:
	default:
		t.Fatal("order B never started")
	}
}

func TestSequencer_HeldEventsLeftByACrashAreReleased(t *testing.T) {
	ctx := context.Background()
	// setup leaves the state a crash can leave: event 1 done (in SFCC and in
	// the store), event 2 held, nothing released it.
	setup := func(t *testing.T) (*Sequencer, *countingNotifier, *fakeOrders, []ShipmentConfirmation) {
		orders := newFakeOrders(testOrder("1001"))
		store := NewMemoryEventStore()
		s, n := newTestSequencer(t, orders, func(c *SequencerConfig) { c.Store = store })
		pk := threePackages("1001")
		for i := range pk {
			pk[i].Sequence = int64(i + 1)
		}
		if res, _ := s.Apply(ctx, pk[1]); res.Outcome != OutcomeWaiting {
			t.Fatalf("event 2: %v", res.Outcome)
		}
		other, _ := newTestSequencer(t, orders, func(c *SequencerConfig) { c.Store = NewMemoryEventStore() })
		if _, err := other.Apply(ctx, pk[0]); err != nil {
			t.Fatal(err)
		}
		store.Record(ctx, pk[0], EventDone, t0)
		return s, n, orders, pk
	}
	t.Run("by Resume", func(t *testing.T) {
		s, n, _, pk := setup(t)
		rs, err := s.Resume(ctx)
		if err != nil || len(rs) != 1 || rs[0].EventID != pk[1].EventID || rs[0].Outcome != OutcomeApplied {
			t.Fatalf("Resume = %+v, %v; want event 2 released and applied", rs, err)
		}
		if got := n.sent("1001"); len(got) != 1 {
			t.Fatalf("notifications %v, want event 2's only", got)
		}
	})
	t.Run("by re-delivery of the finished event", func(t *testing.T) {
		s, _, orders, pk := setup(t)
		res, err := s.Apply(ctx, pk[0])
		if err != nil || res.Outcome != OutcomeDuplicate || len(res.Released) != 1 || res.Released[0].Outcome != OutcomeApplied {
			t.Fatalf("re-delivery = %+v, %v; want duplicate releasing event 2", res, err)
		}
		if _, err := s.Apply(ctx, pk[2]); err != nil {
			t.Fatal(err)
		}
		if got := orders.order("1001").Status.Shipping; got != sfcc.ShippingStatusShipped {
			t.Fatalf("status %s", got)
		}
	})
}

func TestSequencer_ApplyAllAppliesEachOrdersEventsInSequencingOrder(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"), testOrder("1002"))
	s, n := newTestSequencer(t, orders, nil)
	a, b := threePackages("1001"), threePackages("1002")
	batch := []ShipmentConfirmation{a[2], b[1], a[0], b[2], a[1], b[0]}
	for i, r := range s.ApplyAll(context.Background(), batch) {
		if r.Err != nil || r.EventID != batch[i].EventID {
			t.Fatalf("result %d = %+v; want %s applied", i, r, batch[i].EventID)
		}
	}
	for _, no := range []string{"1001", "1002"} {
		want := []string{no + "-pkg1", no + "-pkg2", no + "-pkg3"}
		if diff := cmp.Diff(want, n.sent(no)); diff != "" {
			t.Errorf("order %s notification order (-want +got):\n%s", no, diff)
		}
	}
}

func TestSequencer_UncheckedBadEventDoesNotGetAValidOneRejected(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	sfccDown := true
	orders.fail = func(method, _ string) error {
		if sfccDown {
			return tempErr{status: 503}
		}
		return nil
	}
	s, n := newTestSequencer(t, orders, func(c *SequencerConfig) { c.Retry.Attempts = 1 })
	// The WMS over-ships A (3 of 2) while SFCC is down: the event is recorded
	// but cannot be checked yet.
	bad := ShipmentConfirmation{OrderNo: "1001", EventID: "bad-ev", ShipmentID: "bad-pkg", TrackingNumber: "TRK-BAD",
		Lines: []ShippedLine{{SKU: "A", Quantity: qty("3")}}, ShippedAt: t0}
	if res, _ := s.Apply(context.Background(), bad); res.Outcome != OutcomeFailed {
		t.Fatalf("bad event while SFCC is down: %+v", res)
	}
	sfccDown = false
	good := threePackages("1001")[0] // A ×1, valid on its own
	if res, err := s.Apply(context.Background(), good); err != nil || res.Outcome != OutcomeApplied {
		t.Fatalf("valid event after an unchecked bad one = %+v, %v; want applied", res, err)
	}
	if got := attrValues(orders.order("1001"), DefaultTrackingNumbersAttr); !slices.Equal(got, []string{good.TrackingNumber}) {
		t.Errorf("tracking numbers %v, want only the valid package's", got)
	}
	rs, err := s.Resume(context.Background())
	if err != nil || len(rs) != 1 || rs[0].Outcome != OutcomeRejected || !errors.Is(rs[0].Err, ErrOverShipped) {
		t.Fatalf("Resume = %+v, %v; want the bad event rejected as over-shipped", rs, err)
	}
	if got := n.sent("1001"); !slices.Equal(got, []string{good.ShipmentID}) {
		t.Errorf("notifications %v, want only the valid package", got)
	}
}

func TestSequencer_ShippingStatusIsNeverLowered(t *testing.T) {
	o := testOrder("1001")
	o.Status.Shipping = sfcc.ShippingStatusShipped // set in SFCC by someone else
	orders := newFakeOrders(o)
	s, n := newTestSequencer(t, orders, nil)
	c := threePackages("1001")[0] // would imply PART_SHIPPED on its own
	res, err := s.Apply(context.Background(), c)
	if err != nil || res.Outcome != OutcomeApplied || res.ShippingStatus != sfcc.ShippingStatusShipped {
		t.Fatalf("Apply = %+v, %v; want applied, status still SHIPPED", res, err)
	}
	if h := orders.history("1001"); len(h) != 0 {
		t.Errorf("shipping status written %v; a SHIPPED order must not be moved back", h)
	}
	if got := orders.order("1001").Status.Shipping; got != sfcc.ShippingStatusShipped {
		t.Errorf("status %s, want SHIPPED", got)
	}
	if got := attrValues(orders.order("1001"), DefaultTrackingNumbersAttr); !slices.Equal(got, []string{c.TrackingNumber}) {
		t.Errorf("tracking numbers %v", got)
	}
	if got := n.sent("1001"); len(got) != 1 {
		t.Errorf("notifications %v, want 1", got)
	}
}

// One shipment event against an order read that keeps answering 503 costs
// the SFCC client's attempts — 1 + ocapi.DefaultMaxRetries requests — not
// the client's attempts times the sequencer's (it was 5 × 5 = 25).
func TestSequencer_PersistentSFCC503CostsOnlyTheClientsAttempts(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	o := testOrder("1001")
	o.Status.Export = sfcc.ExportStatusExported
	srv.AddOrders(o)
	client, err := ocapi.NewClient(ocapi.Config{Host: srv.URL(), Site: srv.Site(), ClientID: srv.ClientID(),
		Secret: sfcc.StaticSecret(srv.ClientSecret()), TokenURL: srv.TokenURL(), Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSequencer(SequencerConfig{Orders: client, Retry: Backoff{Wait: noWait}, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Status: 503})
	res, err := s.Apply(t.Context(), threePackages("1001")[0])
	var ae *ApplyError
	if !errors.As(err, &ae) || ae.Step != StepRead || !ae.Temporary || res.Outcome != OutcomeFailed {
		t.Fatalf("Apply = %+v, %v; want a temporary ApplyError at read-order", res, err)
	}
	if got, want := srv.RequestCount("order.get"), 1+ocapi.DefaultMaxRetries; got != want {
		t.Errorf("%d order reads for one shipment event under a persistent 503, want the client's %d attempts", got, want)
	}
	// Once SFCC answers again, re-delivery applies the event.
	srv.ClearFaults()
	if res, err := s.Apply(t.Context(), threePackages("1001")[0]); err != nil || res.Outcome != OutcomeApplied {
		t.Errorf("re-delivery after the outage: %+v, %v", res, err)
	}
}
