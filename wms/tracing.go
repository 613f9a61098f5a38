package wms

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/internal/tracing"
)

// Span names of the Sequencer, the Pusher and the Monitor, for trace
// queries. A span records a failure as an exception event and an error
// status, with any email address in the error's text redacted; the SFCC
// requests made within it are its children when the SFCC client traces
// into the same provider.
const (
	// SpanApply is one shipment confirmation through the Sequencer (Apply,
	// or each event of ApplyAll and Resume). Attributes: o2c.order_no,
	// o2c.event_id, o2c.shipment_id, o2c.sequence (when the WMS numbers
	// its events), o2c.outcome, o2c.notified, o2c.released (held events it
	// released) and o2c.shipping_status (when applied). Rejected and failed
	// events are errors.
	SpanApply = "wms.Sequencer.Apply"
	// SpanApplyAll is one ApplyAll batch (o2c.events), the parent of its
	// events' SpanApply spans.
	SpanApplyAll = "wms.Sequencer.ApplyAll"
	// SpanResume is one Resume (o2c.events: results), the parent of the
	// resumed events' SpanApply spans.
	SpanResume = "wms.Sequencer.Resume"
	// SpanFlush is one Pusher.Flush. Attributes: o2c.skus (sent),
	// o2c.pushed, o2c.failed, o2c.requests, o2c.waiting. It is an error
	// only when ctx ended; failed SKUs are counted, not errors of the flush.
	SpanFlush = "wms.Pusher.Flush"
	// SpanLagging is one Monitor.Lagging run. Attributes: o2c.checked
	// (orders shipped before the cutoff), o2c.found (orders lagging); an
	// error when an order could not be checked.
	SpanLagging = "wms.Monitor.Lagging"
)

func tracer(tp trace.TracerProvider) trace.Tracer { return tracing.Tracer(tp, meterName) }

// startEvent starts the span of one confirmation.
func (s *Sequencer) startEvent(ctx context.Context, c ShipmentConfirmation) (context.Context, trace.Span) {
	attrs := []attribute.KeyValue{attribute.String("o2c.order_no", c.OrderNo), attribute.String("o2c.event_id", c.EventID),
		attribute.String("o2c.shipment_id", c.ShipmentID)}
	if c.Sequence > 0 {
		attrs = append(attrs, attribute.Int64("o2c.sequence", c.Sequence))
	}
	return s.tracer.Start(ctx, SpanApply, trace.WithAttributes(attrs...))
}

// endEvent records a confirmation's result on its span and ends it.
func endEvent(span trace.Span, res Result) {
	defer span.End()
	span.SetAttributes(attribute.String("o2c.outcome", string(res.Outcome)), attribute.Bool("o2c.notified", res.Notified),
		attribute.Int("o2c.released", len(res.Released)))
	if res.ShippingStatus != "" {
		span.SetAttributes(attribute.String("o2c.shipping_status", string(res.ShippingStatus)))
	}
	tracing.Fail(span, res.Err)
}

// tracedEvent records, as a span of its own, the result of a confirmation
// that was settled without any call (rejected before the lock, or the lock
// not taken).
func (s *Sequencer) tracedEvent(ctx context.Context, c ShipmentConfirmation, res Result) {
	_, span := s.startEvent(ctx, c)
	endEvent(span, res)
}

// endBatch records how many results a batch or resume produced.
func endBatch(span trace.Span, n int, err error) {
	defer span.End()
	span.SetAttributes(attribute.Int("o2c.events", n))
	tracing.Fail(span, err)
}
