package erp

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/internal/tracing"
)

// Span names of the Exporter, for trace queries.
const (
	// SpanExportReady is one ExportReady run. Attributes: o2c.found (orders
	// the search found) and o2c.exported, o2c.failed, o2c.unavailable
	// (how many ended each way); an error status when the search failed or
	// the context ended.
	SpanExportReady = "erp.Exporter.ExportReady"
	// SpanExportOrder is the export of one order, by ExportOrder or within
	// a run. Attributes: o2c.order_no, o2c.outcome (exported, failed,
	// unavailable) and, when not exported, o2c.export.step and o2c.owner;
	// an exception event and an error status carry the *ExportError, with
	// any email address in its text redacted. The SFCC requests made for
	// the order are its children.
	SpanExportOrder = "erp.Exporter.ExportOrder"
)

func (x *Exporter) startOrder(ctx context.Context, orderNo string) (context.Context, trace.Span) {
	return x.tracer.Start(ctx, SpanExportOrder, trace.WithAttributes(attribute.String("o2c.order_no", orderNo)))
}

// endOrderSpan records an order's outcome on its span and ends it.
func endOrderSpan(span trace.Span, res OrderExport) {
	defer span.End()
	span.SetAttributes(attribute.String("o2c.outcome", string(res.Outcome)))
	var ee *ExportError
	if res.Outcome != ExportExported && errors.As(res.Err, &ee) {
		span.SetAttributes(attribute.String("o2c.export.step", string(ee.Step)), attribute.String("o2c.owner", ee.Owner()))
	}
	tracing.Fail(span, res.Err)
}

// endRunSpan records a run's counts on its span and ends it.
func endRunSpan(span trace.Span, rep ExportReport, err error) {
	defer span.End()
	span.SetAttributes(attribute.Int("o2c.found", len(rep.Orders)),
		attribute.Int("o2c.exported", rep.Count(ExportExported)),
		attribute.Int("o2c.failed", rep.Count(ExportFailed)),
		attribute.Int("o2c.unavailable", rep.Count(ExportUnavailable)))
	tracing.Fail(span, err)
}
