package wms

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/internal/tracing"
	"github.com/o2ckit/o2c/sfcc"
)

// ParsePackages reads the Packages attribute written by the Sequencer (a
// JSON array of PackageJSON). An empty value is no packages.
func ParsePackages(value string) ([]PackageJSON, error) {
	if value == "" {
		return nil, nil
	}
	var out []PackageJSON
	if err := json.Unmarshal([]byte(value), &out); err != nil {
		return nil, fmt.Errorf("wms: packages attribute: %w", err)
	}
	for i, p := range out {
		if p.ID == "" || p.EventID == "" {
			return nil, fmt.Errorf("wms: packages attribute: package %d has no id or event id", i)
		}
	}
	return out, nil
}

// MonitorConfig configures a Monitor. Orders, Store and After are required.
type MonitorConfig struct {
	// Orders reads the SFCC orders.
	Orders OrderReader
	// Store is the Sequencer's event store: what the WMS shipped.
	Store EventStore
	// After is the agreed time: a package shipped in the WMS longer ago
	// than this must show in SFCC.
	After time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Attributes must match the Sequencer's.
	Attributes Attributes
	// Search, when set, finds the orders SFCC does not show as SHIPPED with
	// order_search (one request per page of up to 200 orders) instead of
	// one order read per shipped order. Nil uses Orders when it implements
	// sfcc.OrderSearcher, as the OCAPI and SCAPI clients do.
	Search sfcc.OrderSearcher
	// PerOrderReads turns the search off: every shipped order is read on its
	// own, as a host whose SFCC search index lags badly may want.
	PerOrderReads bool
	// MeterProvider receives the OpenTelemetry gauge MetricStuckShipments
	// (orders found lagging by the last run); nil records nothing.
	MeterProvider metric.MeterProvider
	// TracerProvider receives one OpenTelemetry span per Lagging run
	// (SpanLagging) with the SFCC searches and reads as children when the
	// SFCC client traces into the same provider; nil records nothing (no
	// global provider).
	TracerProvider trace.TracerProvider
}

// Monitor lists orders the WMS shipped that SFCC does not show as shipped
// after the agreed time. Safe for concurrent use.
type Monitor struct {
	cfg    MonitorConfig
	stuck  metric.Int64Gauge
	tracer trace.Tracer
}

// NewMonitor validates cfg and returns a Monitor.
func NewMonitor(cfg MonitorConfig) (*Monitor, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g, err := meter(cfg.MeterProvider).Int64Gauge(MetricStuckShipments,
		metric.WithDescription("orders shipped in the WMS but not in SFCC after the agreed time"), metric.WithUnit("{order}"))
	if err != nil {
		g, _ = meter(nil).Int64Gauge(MetricStuckShipments)
	}
	return &Monitor{cfg: cfg, stuck: g, tracer: tracer(cfg.TracerProvider)}, nil
}

// Lagging is an order whose SFCC state is behind what the WMS shipped.
type Lagging struct {
	OrderNo string
	// WMSStatus is the shipping status the WMS events imply; SFCCStatus is
	// what the order shows.
	WMSStatus  sfcc.ShippingStatus
	SFCCStatus sfcc.ShippingStatus
	// Packages are the WMS package ids SFCC does not reflect (missing from
	// the tracking attributes, or not covered by the shipping status).
	Packages []string
	// Since is the shipped-at time of the earliest such package; Age is how
	// long ago that was.
	Since time.Time
	Age   time.Duration
}

// MonitorError reports an order the monitor could not check; the others are
// still listed.
type MonitorError struct {
	OrderNo string
	Err     error
}

// Error describes the failure with its business key.
func (e *MonitorError) Error() string {
	return fmt.Sprintf("wms: monitor: order %s: %v", e.OrderNo, e.Err)
}

// Unwrap returns the cause.
func (e *MonitorError) Unwrap() error { return e.Err }

// Lagging lists, oldest first, the orders with a package shipped in the WMS
// more than After ago that SFCC does not reflect. A package counts as
// reflected when the order's Packages attribute lists its event and the
// order's shipping status is at least the status the WMS events up to and
// including it imply. Held (waiting) events count as shipped: the WMS did
// ship them. Orders that could not be read are reported as *MonitorError in
// the joined error.
//
// With a searcher (see MonitorConfig.Search) it asks SFCC once, page by
// page, for the orders not SHIPPED and checks the shipped ones among them
// from the search hits. An order absent from that answer is SHIPPED in
// SFCC; it is read on its own only when the Sequencer did not finish
// writing one of its events (the shipping status alone does not prove the
// tracking attributes are there). A search that fails falls back to reading
// each order.
func (m *Monitor) Lagging(ctx context.Context) (lagging []Lagging, err error) {
	ctx, span := m.tracer.Start(ctx, SpanLagging)
	defer func() {
		span.SetAttributes(attribute.Int("o2c.found", len(lagging)))
		tracing.Fail(span, err)
		span.End()
	}()
	now := m.cfg.Now()
	cutoff := now.Add(-m.cfg.After)
	nos, err := m.cfg.Store.OrdersShippedBefore(ctx, cutoff)
	if err != nil {
		return nil, err
	}
	span.SetAttributes(attribute.Int("o2c.checked", len(nos)))
	open, searched := m.notShipped(ctx, nos)
	var out []Lagging
	var errs []error
	for _, no := range nos {
		lag, ok, err := m.checkOrder(ctx, no, now, open, searched)
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			errs = append(errs, &MonitorError{OrderNo: no, Err: err})
			continue
		}
		if ok && !lag.Since.After(cutoff) {
			out = append(out, lag)
		}
	}
	slices.SortFunc(out, func(a, b Lagging) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.OrderNo, b.OrderNo))
	})
	if len(errs) == 0 {
		m.stuck.Record(context.WithoutCancel(ctx), int64(len(out)))
	}
	return out, errors.Join(errs...)
}

// notShipped returns the orders among nos that SFCC shows as NOT_SHIPPED or
// PART_SHIPPED, and whether the search answered in full.
func (m *Monitor) notShipped(ctx context.Context, nos []string) (map[string]sfcc.Order, bool) {
	if m.cfg.Search == nil || len(nos) == 0 {
		return nil, false
	}
	want := make(map[string]bool, len(nos))
	for _, no := range nos {
		want[no] = true
	}
	open := map[string]sfcc.Order{}
	q := sfcc.OrderQuery{ShippingStatuses: []sfcc.ShippingStatus{sfcc.ShippingStatusNotShipped, sfcc.ShippingStatusPartShipped}}
	for o, err := range m.cfg.Search.SearchOrders(ctx, q) {
		if err != nil {
			return nil, false
		}
		if want[o.OrderNo] {
			open[o.OrderNo] = o
		}
	}
	return open, true
}

// checkOrder decides one order from the search answer when it can and
// reads it otherwise.
func (m *Monitor) checkOrder(ctx context.Context, no string, now time.Time, open map[string]sfcc.Order, searched bool) (Lagging, bool, error) {
	recs, err := m.cfg.Store.Events(ctx, no)
	if err != nil {
		return Lagging{}, false, err
	}
	if searched {
		if o, ok := open[no]; ok {
			return m.evaluate(no, o, recs, now)
		}
		if writtenToSFCC(recs) {
			return Lagging{}, false, nil // SHIPPED in SFCC, every event written
		}
	}
	o, err := m.cfg.Orders.GetOrder(ctx, no)
	if err != nil {
		return Lagging{}, false, err
	}
	return m.evaluate(no, o, recs, now)
}

// writtenToSFCC reports whether the Sequencer finished the SFCC writes of
// every accepted event of an order.
func writtenToSFCC(recs []EventRecord) bool {
	for _, r := range recs {
		switch r.State {
		case EventWritten, EventNotifying, EventDone, EventRejected:
		default:
			return false
		}
	}
	return true
}

// evaluate compares what the WMS shipped (recs) with what the order shows.
func (m *Monitor) evaluate(orderNo string, o sfcc.Order, recs []EventRecord, now time.Time) (Lagging, bool, error) {
	ordered, err := orderedQuantities(o)
	if err != nil {
		return Lagging{}, false, err
	}
	reflected := map[string]bool{}
	if a, ok := o.Custom.Get(m.cfg.Attributes.Packages); ok {
		pkgs, err := ParsePackages(a.Value())
		if err != nil {
			return Lagging{}, false, err
		}
		for _, p := range pkgs {
			reflected[p.EventID] = true
		}
	}
	lag := Lagging{OrderNo: orderNo, SFCCStatus: o.Status.Shipping}
	var shipped []ShipmentConfirmation
	for _, r := range recs {
		if r.State == EventRejected {
			continue
		}
		c := r.Confirmation
		shipped = append(shipped, c)
		sq, err := shippedQuantities(shipped)
		if err != nil {
			return Lagging{}, false, err
		}
		implied := statusFor(ordered, sq)
		lag.WMSStatus = implied
		if !reflected[c.EventID] || statusRank(o.Status.Shipping) < statusRank(implied) {
			lag.Packages = append(lag.Packages, c.ShipmentID)
			if lag.Since.IsZero() || c.ShippedAt.Before(lag.Since) {
				lag.Since = c.ShippedAt
			}
		}
	}
	if len(lag.Packages) == 0 {
		return Lagging{}, false, nil
	}
	lag.Age = now.Sub(lag.Since)
	return lag, true, nil
}
