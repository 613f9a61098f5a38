// Package tracing holds what the library's OpenTelemetry spans share: a
// nil TracerProvider that traces nothing (never the global one), and error
// recording that keeps customer emails out of span events.
//
// It does not own span names or attributes: each package names its own.
package tracing

import (
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/o2ckit/o2c/internal/redact"
)

// Tracer returns the tracer of scope from tp; a nil tp gives a tracer that
// records nothing. The global provider is never consulted: a library that
// reads globals traces into whatever another package installed.
func Tracer(tp trace.TracerProvider, scope string) trace.Tracer {
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	return tp.Tracer(scope)
}

// Scrub returns s with every email address redacted (redact.Email). The
// library's errors already carry no secret or token; emails are the
// personal data a span exporter (often a third-party service) must not get.
func Scrub(s string) string {
	return redact.EmailsIn(s)
}

// Fail marks span failed with err: an "exception" event with the error's
// type and its message (scrubbed), and status Error. A nil err does
// nothing.
func Fail(span trace.Span, err error) {
	if err == nil {
		return
	}
	msg := Scrub(err.Error())
	// span.RecordError would store err.Error() as it is.
	span.AddEvent("exception", trace.WithAttributes(
		attribute.String("exception.type", fmt.Sprintf("%T", err)),
		attribute.String("exception.message", msg)))
	span.SetStatus(codes.Error, msg)
}
