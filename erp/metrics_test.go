package erp_test

import (
	"context"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// An operator sees exports by outcome with the owner of each failure, and
// how old the oldest READY order is.
func TestExporter_MetricsCountOutcomesAndTheOldestReadyOrder(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	orders := erptest.SampleOrders()
	srv.AddOrders(orders...)
	client, err := ocapi.NewClient(srv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	fake := erptest.New()
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	res, _ := dedupe.NewResolver(dedupe.Config{Directory: fake})
	reader := sdkmetric.NewManualReader()
	oldest := orders[0].OrderDate
	for _, o := range orders {
		if o.OrderDate.Before(oldest) {
			oldest = o.OrderDate
		}
	}
	now := oldest.Add(90 * time.Minute)
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: client, Translator: tr, Resolver: res, SalesOrders: fake, Ledger: fake,
		Now: func() time.Time { return now }, MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.ExportReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	byOutcome := map[string]int64{}
	age := -1.0
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					o, _ := p.Attributes.Value("outcome")
					owner, _ := p.Attributes.Value("owner")
					byOutcome[o.AsString()+"/"+owner.AsString()] += p.Value
				}
			case metricdata.Gauge[float64]:
				if m.Name == erp.MetricOldestReadyAge {
					age = d.DataPoints[0].Value
				}
			}
		}
	}
	if byOutcome["exported/"] != 2 || byOutcome["failed/finance"] != 1 || len(byOutcome) != 2 {
		t.Errorf("outcomes %v, want 2 exported and 1 failed for finance (the unmapped payment)", byOutcome)
	}
	if age != 90*60 {
		t.Errorf("oldest READY age %v s, want 5400", age)
	}
}

// A host with its own READY search (a job engine) records the same gauge.
func TestExporter_ObserveReadyRecordsTheOldestOrderOfAHostSearch(t *testing.T) {
	orders := erptest.SampleOrders()
	oldest := orders[0].OrderDate
	for _, o := range orders {
		if o.OrderDate.Before(oldest) {
			oldest = o.OrderDate
		}
	}
	now := oldest.Add(2 * time.Hour)
	srv := sfcctest.NewTestServer(t)
	client, err := ocapi.NewClient(srv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	reader := sdkmetric.NewManualReader()
	fake := erptest.New()
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	res, _ := dedupe.NewResolver(dedupe.Config{Directory: fake})
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: client, Translator: tr, Resolver: res, SalesOrders: fake, Ledger: fake,
		Now: func() time.Time { return now }, MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
	if err != nil {
		t.Fatal(err)
	}
	gauge := func() float64 {
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if g, ok := m.Data.(metricdata.Gauge[float64]); ok && m.Name == erp.MetricOldestReadyAge {
					return g.DataPoints[0].Value
				}
			}
		}
		return -1
	}
	x.ObserveReady(context.Background(), orders)
	if got := gauge(); got != 2*3600 {
		t.Errorf("after a search: oldest READY age %v s, want 7200", got)
	}
	x.ObserveReady(context.Background(), nil)
	if got := gauge(); got != 0 {
		t.Errorf("after an empty search: %v s, want 0", got)
	}
}
