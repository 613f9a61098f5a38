package wms

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// Metric names of the Sequencer and the Pusher, for dashboards and alert
// rules.
const (
	// MetricShipments counts shipment events by outcome (applied,
	// duplicate, waiting, rejected, failed).
	MetricShipments = "o2c.shipments"
	// MetricNotifications counts customer notifications sent (one per
	// package).
	MetricNotifications = "o2c.notifications"
	// MetricInventoryPushes counts SKUs sent to SFCC by result (pushed,
	// failed).
	MetricInventoryPushes = "o2c.inventory.pushes"
	// MetricInventoryLag is the time from a stock change to SFCC holding
	// it, in seconds, per pushed SKU.
	MetricInventoryLag = "o2c.inventory.lag"
	// MetricStuckShipments is how many orders the Monitor's last run found
	// shipped in the WMS but not in SFCC after the agreed time.
	MetricStuckShipments = "o2c.shipments.stuck"
)

const meterName = "github.com/o2ckit/o2c/wms"

func meter(mp metric.MeterProvider) metric.Meter {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	return mp.Meter(meterName)
}

type sequencerMetrics struct {
	shipments     metric.Int64Counter
	notifications metric.Int64Counter
}

func newSequencerMetrics(mp metric.MeterProvider) sequencerMetrics {
	m := meter(mp)
	var sm sequencerMetrics
	var e1, e2 error
	sm.shipments, e1 = m.Int64Counter(MetricShipments, metric.WithDescription("shipment events by outcome"), metric.WithUnit("{event}"))
	sm.notifications, e2 = m.Int64Counter(MetricNotifications, metric.WithDescription("customer notifications sent"), metric.WithUnit("{notification}"))
	if e1 != nil || e2 != nil {
		n := meter(nil)
		sm.shipments, _ = n.Int64Counter(MetricShipments)
		sm.notifications, _ = n.Int64Counter(MetricNotifications)
	}
	return sm
}

// observe records a result and the results it released.
func (m sequencerMetrics) observe(ctx context.Context, r Result) {
	ctx = context.WithoutCancel(ctx)
	m.shipments.Add(ctx, 1, metric.WithAttributes(attribute.String("outcome", string(r.Outcome))))
	if r.Notified {
		m.notifications.Add(ctx, 1)
	}
	for _, rel := range r.Released {
		m.observe(ctx, rel)
	}
}

type pusherMetrics struct {
	pushes metric.Int64Counter
	lag    metric.Float64Histogram
}

func newPusherMetrics(mp metric.MeterProvider) pusherMetrics {
	m := meter(mp)
	var pm pusherMetrics
	var e1, e2 error
	pm.pushes, e1 = m.Int64Counter(MetricInventoryPushes, metric.WithDescription("SKUs sent to SFCC by result"), metric.WithUnit("{sku}"))
	pm.lag, e2 = m.Float64Histogram(MetricInventoryLag, metric.WithDescription("stock change to SFCC holding it"), metric.WithUnit("s"))
	if e1 != nil || e2 != nil {
		n := meter(nil)
		pm.pushes, _ = n.Int64Counter(MetricInventoryPushes)
		pm.lag, _ = n.Float64Histogram(MetricInventoryLag)
	}
	return pm
}

func (m pusherMetrics) observe(ctx context.Context, o SKUOutcome) {
	ctx = context.WithoutCancel(ctx)
	result := "pushed"
	if o.Err != nil {
		result = "failed"
	}
	m.pushes.Add(ctx, 1, metric.WithAttributes(attribute.String("result", result), attribute.String("list", o.List)))
	if o.Err == nil && o.Latency > 0 {
		m.lag.Record(ctx, o.Latency.Seconds(), metric.WithAttributes(attribute.String("list", o.List)))
	}
}
