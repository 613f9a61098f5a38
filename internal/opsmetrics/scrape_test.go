package opsmetrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/internal/opsmetrics"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

var start = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func noSleep(context.Context, time.Duration) error { return nil }

// scrape GETs /metrics from h and parses the text exposition.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse scrape: %v", err)
	}
	return fams
}

// series returns the value of the series of family name whose labels
// include want, and whether there was one. A histogram's value is its
// count; several matching series are summed.
func series(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	var sum float64
	found := false
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum, found
}

// wmsOrder is an exported order of two SKUs, three units, for the
// fulfilment flows.
func wmsOrder(no string) sfcc.Order {
	q := func(n int64) sfcc.Quantity { return sfcc.Quantity{Value: decimal.MustNew(n, 0), Unit: "pcs"} }
	return sfcc.Order{OrderNo: no, Currency: "GBP", OrderDate: start.Add(-24 * time.Hour),
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusNotShipped,
			Export: sfcc.ExportStatusExported, Payment: sfcc.PaymentStatusPaid, Confirmation: sfcc.ConfirmationStatusConfirmed},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingStatus: sfcc.ShippingStatusNotShipped, ShippingMethod: "standard"}},
		ProductLineItems: []sfcc.ProductLineItem{
			{ItemID: "li1", Position: 1, ProductID: "TEE-1", ProductName: "Tee", Quantity: q(2), ShipmentID: "me"},
			{ItemID: "li2", Position: 2, ProductID: "CAP-1", ProductName: "Cap", Quantity: q(1), ShipmentID: "me"},
		}}
}

// day is what one service run did, in the figures the test expects.
type day struct {
	metrics *opsmetrics.Metrics
	// started is when the plumbing was built; now is the scrape's clock.
	started, now time.Time
}

// runDay wires every library component to one Metrics, as the service
// does, and drives each through the simulators: an export of the sample
// orders (one fails for finance) through a 503 the client retries, two
// packages of one order applied with their notifications, one order whose
// package SFCC refused (stuck after two days), and one stock push two
// seconds after the change.
func runDay(t *testing.T, cfg opsmetrics.Config) *day {
	t.Helper()
	d := &day{now: start.Add(48 * time.Hour)}
	// Tests move d.now only between scrapes.
	cfg.Now = func() time.Time { return d.now }
	d.started = d.now
	m, err := opsmetrics.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown(context.Background()) })
	d.metrics = m
	mp := m.MeterProvider()

	srv := sfcctest.NewTestServer(t)
	orders := erptest.SampleOrders()
	srv.AddOrders(orders...)
	srv.AddOrders(wmsOrder("W0001"), wmsOrder("W0002"))
	ccfg := srv.ClientConfig()
	ccfg.Sleep = noSleep
	ccfg.MeterProvider = mp
	client, err := ocapi.NewClient(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Export: the first export-status update meets a 503 with sfdc_load 85.
	fake := erptest.New()
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := dedupe.NewResolver(dedupe.Config{Directory: fake})
	if err != nil {
		t.Fatal(err)
	}
	oldest := orders[0].OrderDate
	for _, o := range orders {
		if o.OrderDate.Before(oldest) {
			oldest = o.OrderDate
		}
	}
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: client, Translator: tr, Resolver: res, SalesOrders: fake, Ledger: fake,
		Now: func() time.Time { return oldest.Add(90 * time.Minute) }, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(sfcctest.Fault{Route: "order.status", Status: http.StatusServiceUnavailable, LoadStatus: "WARN", Times: 1})
	if _, err := x.ExportReady(ctx); err != nil {
		t.Fatal(err)
	}

	// Shipments: W0002's package is refused by SFCC, W0001's two apply.
	seq, err := wms.NewSequencer(wms.SequencerConfig{Orders: client, Retry: wms.Backoff{Attempts: 1, Wait: noSleep},
		Now: func() time.Time { return start }, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	fwms := wmstest.NewFakeWMS(1)
	srv.InjectFault(sfcctest.Fault{Route: "order.patch", Status: http.StatusBadRequest, Times: 100})
	for _, c := range fwms.ShipOrder(wmsOrder("W0002"), 1, start) {
		_, _ = seq.Apply(ctx, c)
	}
	srv.ClearFaults()
	for _, c := range fwms.ShipOrder(wmsOrder("W0001"), 2, start) {
		if _, err := seq.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	mon, err := wms.NewMonitor(wms.MonitorConfig{Orders: client, Store: seq.Store(), After: time.Hour,
		Now: func() time.Time { return start.Add(48 * time.Hour) }, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	if lag, err := mon.Lagging(ctx); err != nil || len(lag) != 1 {
		t.Fatalf("monitor: %v %v, want W0002 lagging", lag, err)
	}

	// Stock: a change at start reaches SFCC two seconds later.
	pushAt := start
	p, err := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inventory_uk", Now: func() time.Time { return pushAt }, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Offer(wms.StockLevel{SKU: "TEE-1", Available: decimal.MustNew(5, 0), Sequence: 1, At: start}); err != nil {
		t.Fatal(err)
	}
	pushAt = start.Add(2 * time.Second)
	if _, err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// The scrape an operator's Prometheus gets shows what the components did,
// under the names docs/alerts.md uses, and the service's own gauges.
func TestMetrics_ScrapeShowsWhatTheComponentsDid(t *testing.T) {
	d := runDay(t, opsmetrics.Config{
		OpenExceptions: func(context.Context) (map[opsmetrics.ExceptionGroup]int64, error) {
			return map[opsmetrics.ExceptionGroup]int64{{Owner: "finance", Kind: "mapping-missing"}: 1,
				{Owner: "operations", Kind: "shipment-stuck"}: 2}, nil
		},
		JobQueue: func(context.Context) (map[opsmetrics.JobGroup]int64, error) {
			return map[opsmetrics.JobGroup]int64{{Kind: "export", State: opsmetrics.JobAvailable}: 3,
				{Kind: "shipment", State: opsmetrics.JobRetryable}: 1}, nil
		},
		LastSuccess: func(context.Context) (map[string]time.Time, error) {
			return map[string]time.Time{"export": start.Add(48*time.Hour - 90*time.Second), "inventory": {}}, nil
		},
	})
	d.now = d.now.Add(10 * time.Minute)
	fams := scrape(t, d.metrics.Handler())

	statusRoute := "/s/-/dw/data/v25_6/sites/{}/orders/{}/export_status"
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"o2c_sfcc_requests_total", map[string]string{"o2c_sfcc_route": statusRoute, "http_response_status_code": "503"}, 1},
		{"o2c_sfcc_load_percent", nil, 85},
		{"o2c_export_orders_total", map[string]string{"outcome": "exported"}, 2},
		{"o2c_export_orders_total", map[string]string{"outcome": "failed", "owner": "finance"}, 1},
		{"o2c_export_oldest_ready_age_seconds", nil, 90 * 60},
		{"o2c_shipments_total", map[string]string{"outcome": "applied"}, 2},
		{"o2c_shipments_total", map[string]string{"outcome": "failed"}, 1},
		{"o2c_notifications_total", nil, 2},
		{"o2c_shipments_stuck", nil, 1},
		{"o2c_inventory_pushes_total", map[string]string{"result": "pushed", "list": "inventory_uk"}, 1},
		{"o2c_inventory_lag_seconds", map[string]string{"list": "inventory_uk"}, 1},
		{"o2c_exceptions_open", map[string]string{"owner": "operations", "kind": "shipment-stuck"}, 2},
		{"o2c_exceptions_open", map[string]string{"owner": "finance", "kind": "mapping-missing"}, 1},
		{"o2c_jobs", map[string]string{"kind": "export", "state": "available"}, 3},
		{"o2c_jobs", map[string]string{"kind": "shipment", "state": "retryable"}, 1},
		{"o2c_flow_last_success_age_seconds", map[string]string{"flow": "export"}, 90 + 600},
		// Never succeeded: the age counts from the plumbing's start.
		{"o2c_flow_last_success_age_seconds", map[string]string{"flow": "inventory"}, 600},
	} {
		got, ok := series(fams, c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	// The SFCC request counter has one series per route, not per order.
	for _, m := range fams["o2c_sfcc_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "o2c_sfcc_route" && (strings.Contains(l.GetValue(), "0000100") || strings.Contains(l.GetValue(), "W000")) {
				t.Errorf("route label carries an order number: %s", l.GetValue())
			}
		}
	}
	// Durations land in second-sized buckets: the 2s lag is under 5s but
	// not under 1s.
	lag := fams["o2c_inventory_lag_seconds"].GetMetric()[0].GetHistogram()
	for _, b := range lag.GetBucket() {
		want := uint64(0)
		if b.GetUpperBound() >= 5 {
			want = 1
		}
		if b.GetCumulativeCount() != want {
			t.Errorf("lag bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
		}
	}
	// SFCC answers in milliseconds to seconds: the buckets start at 25ms,
	// not at the SDK's defaults (0, 5, 10...), which would put nearly every
	// request in the 5s bucket.
	if b := fams["o2c_sfcc_request_duration_seconds"].GetMetric()[0].GetHistogram().GetBucket(); len(b) == 0 || b[0].GetUpperBound() != 0.025 {
		t.Errorf("SFCC request duration buckets start at %v, want 0.025s", b)
	}
	for _, cb := range []string{"open_exceptions", "job_queue", "last_success"} {
		if got, ok := series(fams, "o2c_metrics_callback_errors_total", map[string]string{"callback": cb}); !ok || got != 0 {
			t.Errorf("callback errors for %s = %v (present %v), want a 0 series: every callback answered", cb, got, ok)
		}
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Errorf("runtime metrics missing from the scrape")
	}
}

// A callback that fails, or hangs past the timeout, drops only its own
// series: the components' metrics and the other gauges are still served,
// and the failure is counted for an alert.
func TestMetrics_FailingCallbackLeavesTheRestOfTheScrape(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free)
	d := runDay(t, opsmetrics.Config{
		CallbackTimeout: 20 * time.Millisecond,
		OpenExceptions: func(ctx context.Context) (map[opsmetrics.ExceptionGroup]int64, error) {
			return nil, context.DeadlineExceeded
		},
		// Ignores its context, like a query without one.
		JobQueue: func(context.Context) (map[opsmetrics.JobGroup]int64, error) {
			<-release
			return map[opsmetrics.JobGroup]int64{{Kind: "export", State: opsmetrics.JobAvailable}: 1}, nil
		},
		LastSuccess: func(context.Context) (map[string]time.Time, error) {
			return map[string]time.Time{"export": start.Add(47 * time.Hour)}, nil
		},
	})
	for scrapeNo := 1; scrapeNo <= 2; scrapeNo++ {
		fams := scrape(t, d.metrics.Handler())
		for _, name := range []string{"o2c_exceptions_open", "o2c_jobs"} {
			if _, ok := fams[name]; ok {
				t.Errorf("scrape %d: %s served though its callback failed", scrapeNo, name)
			}
		}
		if got, _ := series(fams, "o2c_flow_last_success_age_seconds", map[string]string{"flow": "export"}); got != 3600 {
			t.Errorf("scrape %d: export last success age %v, want 3600", scrapeNo, got)
		}
		if got, _ := series(fams, "o2c_export_orders_total", map[string]string{"outcome": "exported"}); got != 2 {
			t.Errorf("scrape %d: exported orders %v, want 2", scrapeNo, got)
		}
		// The second scrape does not start the hung callback again.
		for _, cb := range []string{"open_exceptions", "job_queue"} {
			if got, _ := series(fams, "o2c_metrics_callback_errors_total", map[string]string{"callback": cb}); got != float64(scrapeNo) {
				t.Errorf("scrape %d: callback errors for %s = %v, want %d", scrapeNo, cb, got, scrapeNo)
			}
		}
	}
	// Shutdown waits for the hung callback: not while it hangs...
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.metrics.Shutdown(ctx); err == nil {
		t.Errorf("Shutdown returned nil with a callback still running")
	}
	// ...and returns once it has.
	free()
	if err := d.metrics.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown after the callback returned: %v", err)
	}
}

func TestNew_RejectsNegativeTimeout(t *testing.T) {
	_, err := opsmetrics.New(opsmetrics.Config{CallbackTimeout: -time.Second})
	var ce *opsmetrics.ConfigError
	if !errors.As(err, &ce) || ce.Field != "CallbackTimeout" {
		t.Fatalf("New with a negative timeout: %v, want a ConfigError naming CallbackTimeout", err)
	}
}

// names lists the metric families of a scrape, sorted.
func names(fams map[string]*dto.MetricFamily) []string {
	out := make([]string, 0, len(fams))
	for n := range fams {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
