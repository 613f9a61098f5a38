package wms

import (
	"context"
	"slices"
	"sync"
	"testing"
)

// sliceSource is a minimal at-least-once source for the pump tests.
type sliceSource struct {
	mu     sync.Mutex
	cs     []ShipmentConfirmation
	ls     []StockLevel
	fetchs int
}

func (s *sliceSource) Confirmations(ctx context.Context, max int) ([]ShipmentConfirmation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetchs++
	return slices.Clone(s.cs[:min(max, len(s.cs))]), nil
}

func (s *sliceSource) AckConfirmations(ctx context.Context, cs ...ShipmentConfirmation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cs = slices.DeleteFunc(s.cs, func(q ShipmentConfirmation) bool {
		return slices.ContainsFunc(cs, func(c ShipmentConfirmation) bool { return c.EventID == q.EventID && c.OrderNo == q.OrderNo })
	})
	return nil
}

func (s *sliceSource) Levels(ctx context.Context, max int) ([]StockLevel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ls[:min(max, len(s.ls))]), nil
}

func (s *sliceSource) AckLevels(ctx context.Context, ls ...StockLevel) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ls = slices.DeleteFunc(s.ls, func(q StockLevel) bool {
		return slices.ContainsFunc(ls, func(l StockLevel) bool { return l.SKU == q.SKU && l.Sequence == q.Sequence })
	})
	return nil
}

func TestPumpConfirmations_AcksFinishedEventsAndLeavesFailedOnesForRedelivery(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"))
	fail := true
	orders.fail = func(method, _ string) error {
		if fail && method == "SetShippingStatus" {
			return tempErr{status: 500}
		}
		return nil
	}
	s, n := newTestSequencer(t, orders, func(c *SequencerConfig) { c.Retry.Attempts = 2 })
	bad := ShipmentConfirmation{OrderNo: "1001", EventID: "bad", ShipmentID: "pb", ShippedAt: t0,
		Lines: []ShippedLine{{SKU: "NOPE", Quantity: qty("1")}}}
	src := &sliceSource{cs: append(threePackages("1001"), bad)}
	rs, err := PumpConfirmations(context.Background(), src, s, 10)
	if err != nil {
		t.Fatal(err)
	}
	var failed int
	for _, r := range rs {
		if r.Outcome == OutcomeFailed {
			failed++
		}
	}
	// Every real package failed at the status step; the bad one is rejected and acknowledged.
	if failed != 3 || len(src.cs) != 3 {
		t.Fatalf("failed %d, left in source %d; want 3 and 3", failed, len(src.cs))
	}
	fail = false
	if _, err := PumpConfirmations(context.Background(), src, s, 10); err != nil {
		t.Fatal(err)
	}
	if len(src.cs) != 0 || len(n.sent("1001")) != 3 || orders.order("1001").Status.Shipping != "SHIPPED" {
		t.Fatalf("after re-delivery: left %d, notified %v, status %s", len(src.cs), n.sent("1001"), orders.order("1001").Status.Shipping)
	}
}

func TestPumpLevels_AcksAfterTheFlush(t *testing.T) {
	inv := newFakeInventory()
	p, _ := newTestPusher(t, inv, nil)
	src := &sliceSource{ls: []StockLevel{lvl("A", "3", 1), lvl("A", "5", 2), lvl("B", "1", 1), {SKU: "", Sequence: 9}}}
	stats, rep, err := PumpLevels(context.Background(), src, p, 10)
	if err == nil || stats.Accepted != 3 || stats.Invalid != 1 || rep.Pushed != 2 || len(src.ls) != 0 {
		t.Fatalf("stats %+v rep %+v err %v left %d", stats, rep, err, len(src.ls))
	}
	if got, _ := inv.get("inv-main", "A"); got.String() != "5" {
		t.Fatalf("A = %s", got)
	}
}
