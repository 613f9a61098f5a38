package wms

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

func TestMonitor_ListsShippedOrdersSFCCDoesNotShowAfterTheAgreedTime(t *testing.T) {
	orders := newFakeOrders(testOrder("1001"), testOrder("1002"), testOrder("1003"))
	s, _ := newTestSequencer(t, orders, func(c *SequencerConfig) { c.Retry.Attempts = 1 })
	ctx := context.Background()
	// 1001: every package applied — fine.
	for _, c := range threePackages("1001") {
		if _, err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// 1002: first package applied, second fails to reach SFCC.
	pk := threePackages("1002")
	if _, err := s.Apply(ctx, pk[0]); err != nil {
		t.Fatal(err)
	}
	orders.fail = func(method, no string) error {
		if no == "1002" && method == "PatchOrderCustom" {
			return tempErr{status: 503}
		}
		return nil
	}
	if _, err := s.Apply(ctx, pk[1]); err == nil {
		t.Fatal("want the injected failure")
	}
	// 1003: a package shipped recently, not yet in SFCC.
	late := threePackages("1003")[0]
	late.ShippedAt = t0.Add(5 * time.Hour)
	orders.fail = func(method, no string) error {
		if no == "1003" && method == "PatchOrderCustom" {
			return tempErr{status: 503}
		}
		return nil
	}
	s.Apply(ctx, late)
	orders.fail = nil

	now := t0.Add(6 * time.Hour)
	m, err := NewMonitor(MonitorConfig{Orders: orders, Store: s.Store(), After: 2 * time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Lagging(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Lagging{{OrderNo: "1002", WMSStatus: sfcc.ShippingStatusPartShipped, SFCCStatus: sfcc.ShippingStatusPartShipped,
		Packages: []string{"1002-pkg2"}, Since: t0.Add(2 * time.Hour), Age: 4 * time.Hour}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("lagging (-want +got):\n%s", diff)
	}
	// Later, 1003 is overdue too, and listed after the older 1002.
	now = t0.Add(8 * time.Hour)
	got, _ = m.Lagging(ctx)
	if len(got) != 2 || got[1].OrderNo != "1003" || got[1].Age != 3*time.Hour || got[1].SFCCStatus != sfcc.ShippingStatusNotShipped {
		t.Fatalf("got %+v", got)
	}
	// Once resumed, nothing lags.
	if _, err := s.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Lagging(ctx); len(got) != 0 {
		t.Fatalf("after resume: %+v", got)
	}
}

func TestMonitor_UnreadableOrderIsReportedOthersListed(t *testing.T) {
	orders := newFakeOrders()
	store := NewMemoryEventStore()
	store.Record(context.Background(), threePackages("9999")[0], EventRecorded, t0)
	m, _ := NewMonitor(MonitorConfig{Orders: orders, Store: store, After: time.Hour, Now: func() time.Time { return t0.Add(24 * time.Hour) }})
	_, err := m.Lagging(context.Background())
	var me *MonitorError
	if !errors.As(err, &me) || me.OrderNo != "9999" {
		t.Fatalf("err = %v", err)
	}
}

func TestParsePackages_ReadsWhatTheSequencerWrites(t *testing.T) {
	a := Attributes{}.withDefaults()
	attrs, err := a.render(testOrder("1001"), threePackages("1001"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := ParsePackages(attrs[a.Packages].(string))
	if err != nil || len(pkgs) != 3 || pkgs[2].TrackingNumber != "TRK-1001-3" || pkgs[1].Lines[1].Quantity != "1" {
		t.Fatalf("ParsePackages = %+v, %v", pkgs, err)
	}
	if _, err := ParsePackages(`[{"id":""}]`); err == nil {
		t.Fatal("want an error for a package without id")
	}
}

func FuzzParsePackages(f *testing.F) {
	files, _ := filepath.Glob("testdata/packages-*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`[{"id":"x","event_id":"e","lines":[{"sku":"A","quantity":"1"}]}]`)
	f.Fuzz(func(t *testing.T, s string) {
		pkgs, err := ParsePackages(s)
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.ID == "" || p.EventID == "" {
				t.Fatalf("accepted a package without id: %+v", p)
			}
		}
	})
}
