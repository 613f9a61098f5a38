package wms_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

// routeRequests counts the simulator's requests per route since the last
// ResetRequests.
func routeRequests(srv *sfcctest.Server) map[string]int {
	n := map[string]int{}
	for _, r := range srv.Requests() {
		n[r.Route]++
	}
	return n
}

// The monitor asks SFCC for the orders it does not show as SHIPPED with one
// search page instead of one read per shipped order, and still finds every
// order whose SFCC write never happened.
func TestMonitor_FindsLaggingOrdersWithOneSearchInsteadOfOneReadPerOrder(t *testing.T) {
	srv, client := newSim(t)
	s, _ := newSimSequencer(t, srv, client)
	fake := wmstest.NewFakeWMS(7)
	ctx := context.Background()
	store := s.Store()
	var stuck []string
	for i := range 60 {
		no := fmt.Sprintf("%08d", 3000+i)
		o := simOrder(no)
		srv.AddOrders(o)
		pkgs := fake.ShipOrder(o, 1+i%3, simStart)
		switch {
		case i%10 == 0:
			// The WMS event was recorded, then the process stopped before
			// anything reached SFCC.
			if _, _, err := store.Record(ctx, pkgs[0], wms.EventRecorded, simStart); err != nil {
				t.Fatal(err)
			}
			stuck = append(stuck, no)
		case i%10 == 1:
			// Only the first of several packages reached SFCC so far: SFCC
			// rightly shows PART_SHIPPED, nothing lags.
			if _, err := s.Apply(ctx, pkgs[0]); err != nil {
				t.Fatal(err)
			}
		default:
			for _, c := range pkgs {
				if _, err := s.Apply(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	m, err := wms.NewMonitor(wms.MonitorConfig{Orders: client, Store: store, After: time.Hour,
		Now: func() time.Time { return simStart.Add(3 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	got, err := m.Lagging(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lagging []string
	for _, l := range got {
		lagging = append(lagging, l.OrderNo)
	}
	if fmt.Sprint(lagging) != fmt.Sprint(stuck) {
		t.Errorf("lagging = %v, want %v", lagging, stuck)
	}
	reqs := routeRequests(srv)
	if reqs["order.get"] != 0 || reqs["order.search"] != 1 {
		t.Errorf("monitor requests by route = %v, want one order.search and no order.get for 60 shipped orders", reqs)
	}

	// The same answer with the search turned off costs a read per order.
	perOrder, err := wms.NewMonitor(wms.MonitorConfig{Orders: client, Store: store, After: time.Hour, PerOrderReads: true,
		Now: func() time.Time { return simStart.Add(3 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	got2, err := perOrder.Lagging(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got2) != len(got) {
		t.Errorf("per-order monitor found %d lagging, search monitor %d", len(got2), len(got))
	}
	if reqs := routeRequests(srv); reqs["order.get"] != 60 {
		t.Errorf("per-order reads = %v, want 60 order.get", reqs)
	}
}

// A search that fails falls back to reading each order: nothing is missed
// because SFCC's search was down.
func TestMonitor_FallsBackToReadsWhenTheSearchFails(t *testing.T) {
	srv, client := newSim(t)
	s, _ := newSimSequencer(t, srv, client)
	fake := wmstest.NewFakeWMS(9)
	ctx := context.Background()
	o := simOrder("00004001")
	srv.AddOrders(o)
	if _, _, err := s.Store().Record(ctx, fake.ShipOrder(o, 1, simStart)[0], wms.EventRecorded, simStart); err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(sfcctest.Fault{Route: "order.search", Status: 500})
	m, err := wms.NewMonitor(wms.MonitorConfig{Orders: client, Store: s.Store(), After: time.Hour,
		Now: func() time.Time { return simStart.Add(3 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Lagging(ctx)
	if err != nil || len(got) != 1 || got[0].OrderNo != "00004001" {
		t.Fatalf("lagging = %+v, %v; want order 00004001", got, err)
	}
}
