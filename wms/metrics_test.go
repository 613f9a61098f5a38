package wms_test

import (
	"context"
	"testing"
	"time"

	"github.com/govalues/decimal"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

func collect(t *testing.T, r *sdkmetric.ManualReader) (map[string]int64, map[string]uint64) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	sums, hists := map[string]int64{}, map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					k := m.Name
					for _, kv := range p.Attributes.ToSlice() {
						if kv.Key == "outcome" || kv.Key == "result" {
							k += "/" + kv.Value.AsString()
						}
					}
					sums[k] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					hists[m.Name] += p.Count
				}
			}
		}
	}
	return sums, hists
}

// The figures an operator alerts on match what happened: three packages
// (one delivered twice) applied with three notifications, stock pushed
// with its lag.
func TestMetrics_ShipmentsNotificationsAndPushes(t *testing.T) {
	srv, client := newSim(t)
	srv.AddOrders(simOrder("00001001"))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	seq, err := wms.NewSequencer(wms.SequencerConfig{Orders: client, Retry: wms.Backoff{Attempts: 3, Wait: noSleep},
		Now: func() time.Time { return simStart }, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	pkgs := wmstest.NewFakeWMS(1).ShipOrder(simOrder("00001001"), 3, simStart)
	for _, c := range append(pkgs, pkgs[0]) {
		if _, err := seq.Apply(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	now := simStart
	p, err := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inventory_uk", Now: func() time.Time { return now }, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Offer(wms.StockLevel{SKU: "TEE-1", Available: decimal.MustNew(5, 0), Sequence: 1, At: simStart}); err != nil {
		t.Fatal(err)
	}
	now = simStart.Add(2 * time.Second)
	if _, err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	sums, hists := collect(t, reader)
	if sums["o2c.shipments/applied"] != 3 || sums["o2c.shipments/duplicate"] != 1 || sums["o2c.notifications"] != 3 {
		t.Errorf("shipment metrics %v, want 3 applied, 1 duplicate, 3 notifications", sums)
	}
	if sums["o2c.inventory.pushes/pushed"] != 1 || hists["o2c.inventory.lag"] != 1 {
		t.Errorf("push metrics %v %v, want one SKU pushed with its lag", sums, hists)
	}
}

// The stuck-shipment gauge follows the Monitor: an order whose package
// never reached SFCC is counted until it does.
func TestMetrics_StuckShipmentsGauge(t *testing.T) {
	srv, client := newSim(t)
	srv.AddOrders(simOrder("00001001"))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	seq, _ := wms.NewSequencer(wms.SequencerConfig{Orders: client, Retry: wms.Backoff{Attempts: 1, Wait: noSleep},
		Now: func() time.Time { return simStart }})
	pkgs := wmstest.NewFakeWMS(1).ShipOrder(simOrder("00001001"), 1, simStart)
	srv.InjectFault(sfcctest.Fault{Route: "order.patch", Status: 400, Times: 100})
	_, _ = seq.Apply(context.Background(), pkgs[0])
	srv.ClearFaults()
	mon, err := wms.NewMonitor(wms.MonitorConfig{Orders: client, Store: seq.Store(), After: time.Hour,
		Now: func() time.Time { return simStart.Add(48 * time.Hour) }, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	gauge := func() int64 {
		var rm metricdata.ResourceMetrics
		_ = reader.Collect(context.Background(), &rm)
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if g, ok := m.Data.(metricdata.Gauge[int64]); ok && m.Name == wms.MetricStuckShipments {
					return g.DataPoints[0].Value
				}
			}
		}
		return -1
	}
	if got, err := mon.Lagging(context.Background()); err != nil || len(got) != 1 {
		t.Fatalf("lagging %v %v", got, err)
	}
	if g := gauge(); g != 1 {
		t.Errorf("stuck gauge %d, want 1", g)
	}
	if _, err := seq.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := mon.Lagging(context.Background()); len(got) != 0 {
		t.Fatalf("after resume: %v", got)
	}
	if g := gauge(); g != 0 {
		t.Errorf("stuck gauge %d after resume, want 0", g)
	}
}
