package wms

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

// newFoldingSequencer is a sequencer with the default notifier, whose
// notification rides in the tracking write.
func newFoldingSequencer(t *testing.T, orders *fakeOrders, store EventStore) *Sequencer {
	t.Helper()
	s, err := NewSequencer(SequencerConfig{Orders: orders, Store: store, Retry: Backoff{Attempts: 1, Wait: noWait},
		Now: func() time.Time { return t0 }, Attributes: Attributes{ShipmentPrefix: "tracking_"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSequencer_DefaultNotifierCostsAtMostThreeSFCCCallsPerPackage(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s := newFoldingSequencer(t, orders, nil)
	pk := threePackages("1001")
	for i, c := range pk {
		before := orders.totalCalls()
		res, err := s.Apply(context.Background(), c)
		if err != nil || res.Outcome != OutcomeApplied || !res.Notified {
			t.Fatalf("Apply(%s) = %+v, %v", c.EventID, res, err)
		}
		if n := orders.totalCalls() - before; n > 3 {
			t.Errorf("package %d cost %d SFCC calls, want at most 3 (%v)", i+1, n, orders.calls)
		}
	}
	// Package 2 keeps PART_SHIPPED: no status write.
	if diff := cmp.Diff(map[string]int{"GetOrder": 3, "PatchOrderCustom": 3, "SetShippingStatus": 2}, orders.calls); diff != "" {
		t.Errorf("SFCC calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1001-pkg1", "1001-pkg2", "1001-pkg3"}, orders.sent("1001")); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	o := orders.order("1001")
	if diff := cmp.Diff([]string{"TRK-1001-1", "TRK-1001-2", "TRK-1001-3"}, attrValues(o, DefaultTrackingNumbersAttr)); diff != "" {
		t.Errorf("tracking numbers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"3"}, attrValues(o, DefaultCountAttr)); diff != "" {
		t.Errorf("notify count (-want +got):\n%s", diff)
	}
}

func (f *fakeOrders) totalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// A process that stops between any two steps of the second of three
// packages, restarted (a new Sequencer on the same store) and resumed, ends
// in the state of an uninterrupted run: every tracking number on the order,
// SHIPPED reached without moving back, and one message per package.
func TestSequencer_CrashBetweenAnyTwoStepsResumesWithoutASecondMessageOrALostTrackingNumber(t *testing.T) {
	crash := errors.New("process killed")
	type failure struct {
		before, after map[string]bool // SFCC method failing before / after taking effect
		storeState    EventState      // store SetState that fails
	}
	cases := map[string]failure{
		"after record, before the order read":   {before: map[string]bool{"GetOrder": true}},
		"after the read, before the write":      {before: map[string]bool{"PatchOrderCustom": true}},
		"write applied, answer lost":            {after: map[string]bool{"PatchOrderCustom": true}},
		"after the write, before the status":    {before: map[string]bool{"SetShippingStatus": true}},
		"status applied, answer lost":           {after: map[string]bool{"SetShippingStatus": true}},
		"after the status, before marking done": {storeState: EventDone},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			o := testOrder("1001")
			orders := newFakeOrders(o)
			mem := NewMemoryEventStore()
			store := &failingStore{MemoryEventStore: mem, failState: f.storeState, failed: true}
			pk := threePackages("1001")
			first := newFoldingSequencer(t, orders, store)
			if _, err := first.Apply(ctx, pk[0]); err != nil {
				t.Fatal(err)
			}
			armed := false
			orders.fail = func(method, _ string) error {
				if armed && f.before[method] {
					armed = false
					return crash
				}
				return nil
			}
			orders.lose = func(method, _ string) error {
				if armed && f.after[method] {
					armed = false
					return crash
				}
				return nil
			}
			// Package 3 first, so that package 2 (the rest of A) is the one
			// that moves the order to SHIPPED and every step runs.
			if _, err := first.Apply(ctx, pk[2]); err != nil {
				t.Fatal(err)
			}
			armed, store.failed = true, f.storeState == ""
			res, err := first.Apply(ctx, pk[1])
			if err == nil || res.Outcome != OutcomeFailed {
				t.Fatalf("crashing run = %+v, %v; want it to stop", res, err)
			}
			// Restart: a new process on the same store; its Resume finishes
			// the interrupted event and the WMS re-delivers everything.
			second := newFoldingSequencer(t, orders, mem)
			rs, err := second.Resume(ctx)
			if err != nil || len(rs) != 1 || rs[0].Outcome != OutcomeApplied {
				t.Fatalf("Resume = %+v, %v; want the interrupted event applied", rs, err)
			}
			for _, c := range pk {
				if res, err := second.Apply(ctx, c); err != nil || res.Outcome != OutcomeDuplicate {
					t.Fatalf("re-delivery of %s = %+v, %v; want duplicate", c.EventID, res, err)
				}
			}
			got := orders.order("1001")
			if got.Status.Shipping != sfcc.ShippingStatusShipped {
				t.Errorf("status %s, want SHIPPED", got.Status.Shipping)
			}
			h := orders.history("1001")
			for i := 1; i < len(h); i++ {
				if statusRank(h[i]) < statusRank(h[i-1]) {
					t.Errorf("status lowered: %v", h)
				}
			}
			if diff := cmp.Diff([]string{"TRK-1001-1", "TRK-1001-2", "TRK-1001-3"}, attrValues(got, DefaultTrackingNumbersAttr)); diff != "" {
				t.Errorf("tracking numbers (-want +got):\n%s", diff)
			}
			sent := orders.sent("1001")
			if slices.Sort(sent); !slices.Equal(sent, []string{"1001-pkg1", "1001-pkg2", "1001-pkg3"}) {
				t.Errorf("messages %v, want one per package", orders.sent("1001"))
			}
			if diff := cmp.Diff([]string{"3"}, attrValues(got, DefaultCountAttr)); diff != "" {
				t.Errorf("notify count (-want +got):\n%s", diff)
			}
			if un, _ := mem.Unfinished(ctx); len(un) != 0 {
				t.Errorf("unfinished events %+v", un)
			}
		})
	}
}

func TestSequencer_DefaultNotifierNeverLowersTheStatus(t *testing.T) {
	o := testOrder("1001")
	o.Status.Shipping = sfcc.ShippingStatusShipped // set in SFCC by someone else
	orders := newFakeOrders(o)
	s := newFoldingSequencer(t, orders, nil)
	c := threePackages("1001")[0] // would imply PART_SHIPPED on its own
	res, err := s.Apply(context.Background(), c)
	if err != nil || res.Outcome != OutcomeApplied || res.ShippingStatus != sfcc.ShippingStatusShipped || !res.Notified {
		t.Fatalf("Apply = %+v, %v; want applied and notified, status still SHIPPED", res, err)
	}
	if h := orders.history("1001"); len(h) != 0 {
		t.Errorf("shipping status written %v; a SHIPPED order must not be moved back", h)
	}
	if got := orders.sent("1001"); !slices.Equal(got, []string{c.ShipmentID}) {
		t.Errorf("messages %v", got)
	}
}

func TestSequencer_NotificationAttributeClashingWithTrackingIsAnError(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s, err := NewSequencer(SequencerConfig{Orders: orders, Notifier: FlagNotifier{NotifiedAttr: DefaultTrackingNumbersAttr},
		Retry: Backoff{Attempts: 1, Wait: noWait}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Apply(context.Background(), threePackages("1001")[0])
	var ae *ApplyError
	if !errors.As(err, &ae) || ae.Step != StepWrite || res.Outcome != OutcomeFailed || orders.calls["PatchOrderCustom"] != 0 {
		t.Fatalf("Apply = %+v, %v; want a write-step error before anything is written", res, err)
	}
}

// Within one batch the events of an order after the first start from the
// order as the previous event wrote it; after a failed write the next event
// reads the order again rather than trust what may not have been written.
func TestSequencer_BatchReadsAnOrderOnceUnlessAWriteFailed(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	s := newFoldingSequencer(t, orders, nil)
	for _, r := range s.ApplyAll(context.Background(), threePackages("1001")) {
		if r.Err != nil || r.Outcome != OutcomeApplied || !r.Notified {
			t.Fatalf("result %+v", r)
		}
	}
	if diff := cmp.Diff(map[string]int{"GetOrder": 1, "PatchOrderCustom": 3, "SetShippingStatus": 2}, orders.calls); diff != "" {
		t.Errorf("SFCC calls for one order's batch of three (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1001-pkg1", "1001-pkg2", "1001-pkg3"}, orders.sent("1001")); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}

	orders = newFakeOrders(testOrder("1002"))
	s = newFoldingSequencer(t, orders, nil)
	patches := 0
	orders.lose = func(method, _ string) error {
		if method == "PatchOrderCustom" {
			if patches++; patches == 2 {
				return errors.New("connection reset")
			}
		}
		return nil
	}
	rs := s.ApplyAll(context.Background(), threePackages("1002"))
	if rs[0].Outcome != OutcomeApplied || rs[1].Outcome != OutcomeFailed || rs[2].Outcome != OutcomeApplied {
		t.Fatalf("outcomes %v %v %v; want applied, failed, applied", rs[0].Outcome, rs[1].Outcome, rs[2].Outcome)
	}
	if got := orders.calls["GetOrder"]; got != 2 {
		t.Errorf("%d order reads; want a second read after the failed write", got)
	}
	// The failed write had landed: package 2 is notified once, and its
	// resume sends nothing more.
	if _, err := s.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent := orders.sent("1002")
	if slices.Sort(sent); !slices.Equal(sent, []string{"1002-pkg1", "1002-pkg2", "1002-pkg3"}) {
		t.Errorf("messages %v, want one per package", sent)
	}
}
