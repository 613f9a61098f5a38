package scapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
)

// A search and a read are one span per page and per read, under the
// caller's span, named by route template with the organization and order
// folded out; no span carries the search query, the token, the secret or
// the customer's email.
func TestClient_TracesOneSpanPerCallByRouteTemplate(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	e := setup(t, func(c *scapi.Config) { c.TracerProvider = tp })
	e.srv.AddOrders(order("00042", 5, sfcc.ExportStatusReady))

	ctx, flow := tp.Tracer("test").Start(context.Background(), "flow")
	for _, err := range e.client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.client.GetOrder(ctx, "00042"); err != nil {
		t.Fatal(err)
	}
	flow.End()

	counts := map[string]int{}
	flowID := flow.SpanContext().SpanID()
	var forbidden []string
	for _, r := range e.rec.requests() {
		if _, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
			forbidden = append(forbidden, tok)
		}
	}
	forbidden = append(forbidden, e.srv.ClientSecret(), "ann@example.com", "00042")
	for _, s := range exp.GetSpans() {
		counts[s.Name]++
		if s.Name == "flow" || strings.HasPrefix(s.Name, "sfcc POST") {
			continue
		}
		if s.Parent.SpanID() != flowID {
			t.Errorf("%s is not under the caller's span", s.Name)
		}
		text := fmt.Sprint(s.Name, s.Attributes, s.Events, s.Status)
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("span %s carries %.6s…: %s", s.Name, f, text)
			}
		}
		if strings.Contains(text, "?") || strings.Contains(text, "ready") {
			t.Errorf("span %s carries the search query: %s", s.Name, text)
		}
	}
	if counts["sfcc GET /checkout/orders/v1/organizations/{}/orders"] != 1 ||
		counts["sfcc GET /checkout/orders/v1/organizations/{}/orders/{}"] != 1 {
		t.Errorf("spans %v, want one search page and one read by route template", counts)
	}
}
