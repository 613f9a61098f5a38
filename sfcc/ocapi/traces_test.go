package ocapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Each API call is one client span under the caller's span, named by
// method and route template, with the retries it took and the status of
// its last answer; the token request it waited for is its child; a
// refused call is an error span naming the status. Nothing in any span
// names the token, the secret or the customer's email.
func TestClient_TracesOneSpanPerCallUnderTheCallersSpan(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	env := newSimEnv(t, nil, func(c *ocapi.Config) { c.TracerProvider = tp })
	env.sim.AddOrders(simOrder("00001001", sfcc.ExportStatusReady))
	env.sim.InjectFault(sfcctest.Fault{Route: "order.status", Status: 503, Times: 1})

	ctx, flow := tp.Tracer("test").Start(context.Background(), "flow")
	if _, err := env.client.GetOrder(ctx, "00001001"); err != nil {
		t.Fatal(env.seen(err))
	}
	if err := env.client.SetExportStatus(ctx, "00001001", sfcc.ExportStatusExported); err != nil {
		t.Fatal(env.seen(err))
	}
	_, err := env.client.GetOrder(ctx, "00009999")
	if !errors.Is(env.seen(err), sfcc.ErrNotFound) {
		t.Fatalf("GetOrder of an unknown order: %v, want ErrNotFound", err)
	}
	flow.End()

	spans := exp.GetSpans()
	byName := map[string][]tracetest.SpanStub{}
	for _, s := range spans {
		byName[s.Name] = append(byName[s.Name], s)
	}
	get := "sfcc GET /s/{}/dw/shop/v25_6/orders/{}"
	put := "sfcc PUT /s/-/dw/data/v25_6/sites/{}/orders/{}/export_status"
	token := "sfcc POST " + mustPath(t, env.sim.TokenURL())
	if len(byName[get]) != 2 || len(byName[put]) != 1 || len(byName[token]) != 1 || len(spans) != 5 {
		t.Fatalf("spans %v, want flow, two %q, one %q and one %q", names(spans), get, put, token)
	}
	flowID := byName["flow"][0].SpanContext.SpanID()
	for _, s := range append(byName[get], byName[put]...) {
		if s.Parent.SpanID() != flowID || s.SpanKind != trace.SpanKindClient {
			t.Errorf("%s: parent %v kind %v, want a client span under the flow span", s.Name, s.Parent.SpanID(), s.SpanKind)
		}
	}
	first := byName[get][0]
	if byName[token][0].Parent.SpanID() != first.SpanContext.SpanID() {
		t.Errorf("token span's parent is not the call that waited for it")
	}
	if v := intAttr(first, "http.response.status_code"); v != 200 || first.Status.Code == codes.Error {
		t.Errorf("order read: status code %d span status %v, want 200 and no error", v, first.Status)
	}
	if m := strAttr(first, "http.request.method"); m != "GET" {
		t.Errorf("order read: http.request.method %q", m)
	}
	p := byName[put][0]
	if r := intAttr(p, "http.request.resend_count"); r != 1 {
		t.Errorf("status write: resend_count %d, want the 1 retry after the 503", r)
	}
	if c := intAttr(p, "http.response.status_code"); c < 200 || c > 299 {
		t.Errorf("status write: status code %d, want the final 2xx", c)
	}
	miss := byName[get][1]
	if miss.Status.Code != codes.Error || intAttr(miss, "http.response.status_code") != 404 ||
		strAttr(miss, "error.type") != "404" || len(miss.Events) != 1 || miss.Events[0].Name != "exception" {
		t.Errorf("unknown order: status %v, attrs %v, events %v, want an error span with 404 and an exception event",
			miss.Status, miss.Attributes, miss.Events)
	}
	forbidden := append(env.spy.credentials(), env.secret, url.QueryEscape(env.secret), "jane.doe@example.com")
	for _, s := range spans {
		text := spanText(s)
		for _, f := range forbidden {
			if f != "" && strings.Contains(text, f) {
				t.Errorf("span %s carries a secret or personal value %.6s…", s.Name, f)
			}
		}
		if strings.Contains(text, "?") {
			t.Errorf("span %s carries a query: %s", s.Name, text)
		}
	}
}

// Without a TracerProvider nothing is traced, and the global provider is
// not consulted.
func TestClient_NoTracerProviderTracesNothing(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.AddOrders(simOrder("00001001", sfcc.ExportStatusReady))
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	ctx, flow := tp.Tracer("test").Start(context.Background(), "flow")
	if _, err := env.client.GetOrder(ctx, "00001001"); err != nil {
		t.Fatal(env.seen(err))
	}
	flow.End()
	if spans := exp.GetSpans(); len(spans) != 1 {
		t.Errorf("spans %v, want only the caller's", names(spans))
	}
}

func mustPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

func intAttr(s tracetest.SpanStub, k string) int64 {
	for _, a := range s.Attributes {
		if a.Key == attribute.Key(k) {
			return a.Value.AsInt64()
		}
	}
	return -1
}

func strAttr(s tracetest.SpanStub, k string) string {
	for _, a := range s.Attributes {
		if a.Key == attribute.Key(k) {
			return a.Value.String()
		}
	}
	return ""
}

// spanText is everything a span exporter would send of s but its ids.
func spanText(s tracetest.SpanStub) string {
	var b strings.Builder
	fmt.Fprintln(&b, s.Name, s.Status.Description)
	for _, a := range s.Attributes {
		fmt.Fprintln(&b, a.Key, a.Value.String())
	}
	for _, e := range s.Events {
		fmt.Fprintln(&b, e.Name)
		for _, a := range e.Attributes {
			fmt.Fprintln(&b, a.Key, a.Value.String())
		}
	}
	return b.String()
}
