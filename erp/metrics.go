package erp

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/o2ckit/o2c/sfcc"
)

// Metric names of the Exporter, for dashboards and alert rules.
const (
	// MetricOrdersExported counts export outcomes: outcome (exported,
	// failed, unavailable), and for the others the step that stopped the
	// order and the owner who acts.
	MetricOrdersExported = "o2c.export.orders"
	// MetricOldestReadyAge is the age in seconds of the oldest READY order
	// the last search found (0 when none): a growing value means exports
	// fall behind.
	MetricOldestReadyAge = "o2c.export.oldest_ready_age"
)

const meterName = "github.com/o2ckit/o2c/erp"

type exportMetrics struct {
	orders    metric.Int64Counter
	oldestAge metric.Float64Gauge
}

func newExportMetrics(mp metric.MeterProvider) exportMetrics {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	m := mp.Meter(meterName)
	var em exportMetrics
	var err1, err2 error
	em.orders, err1 = m.Int64Counter(MetricOrdersExported, metric.WithDescription("orders handled by the export, by outcome, step and owner"), metric.WithUnit("{order}"))
	em.oldestAge, err2 = m.Float64Gauge(MetricOldestReadyAge, metric.WithDescription("age of the oldest READY order the last search found"), metric.WithUnit("s"))
	if err1 != nil || err2 != nil {
		nm := noop.NewMeterProvider().Meter(meterName)
		em.orders, _ = nm.Int64Counter(MetricOrdersExported)
		em.oldestAge, _ = nm.Float64Gauge(MetricOldestReadyAge)
	}
	return em
}

// observe records one order's outcome.
func (m exportMetrics) observe(ctx context.Context, res OrderExport) {
	attrs := []attribute.KeyValue{attribute.String("outcome", string(res.Outcome))}
	var ee *ExportError
	if res.Outcome != ExportExported && errors.As(res.Err, &ee) {
		attrs = append(attrs, attribute.String("step", string(ee.Step)), attribute.String("owner", ee.Owner()))
	}
	m.orders.Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(attrs...))
}

// oldest records the age of the oldest order of a search.
func (m exportMetrics) oldest(ctx context.Context, batch []sfcc.Order, now time.Time) {
	var age time.Duration
	for _, o := range batch {
		if !o.OrderDate.IsZero() {
			age = max(age, now.Sub(o.OrderDate))
		}
	}
	m.oldestAge.Record(context.WithoutCancel(ctx), age.Seconds())
}
