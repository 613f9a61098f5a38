package tracing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestScrub_RedactsEveryEmailAndKeepsTheRest(t *testing.T) {
	for in, want := range map[string]string{
		"customer jane.doe+shop@example.co.uk rejected": "customer j***@example.co.uk rejected",
		`"a@b.de","bob@x.org"`:                          `"a***@b.de","b***@x.org"`,
		"order 00001001: no stock":                      "order 00001001: no stock",
		"already j***@example.com":                      "already j***@example.com",
	} {
		if got := Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFail_RecordsErrorWithoutEmail(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	_, span := Tracer(tp, "test").Start(context.Background(), "op")
	Fail(span, fmt.Errorf("order 1: %w", errors.New("customer jane@example.com is blocked")))
	Fail(span, nil)
	span.End()
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	s := spans[0]
	if s.Status.Code != codes.Error || !strings.Contains(s.Status.Description, "order 1") {
		t.Errorf("status = %+v, want Error naming the order", s.Status)
	}
	if len(s.Events) != 1 || s.Events[0].Name != "exception" {
		t.Fatalf("events = %+v, want one exception", s.Events)
	}
	for _, a := range s.Events[0].Attributes {
		if strings.Contains(a.Value.String(), "jane@example.com") {
			t.Errorf("event attribute %s carries the email: %q", a.Key, a.Value.String())
		}
	}
	if strings.Contains(s.Status.Description, "jane@") {
		t.Errorf("status carries the email: %q", s.Status.Description)
	}
}

func TestTracer_NilProviderRecordsNothing(t *testing.T) {
	_, span := Tracer(nil, "test").Start(context.Background(), "op")
	if span.IsRecording() || span.SpanContext().IsValid() {
		t.Error("a nil provider gave a recording span")
	}
	span.End()
}
