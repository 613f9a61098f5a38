package wms_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmstest"
)

const tracedEmail = "mia.hart@example.org"

// bearerSpy remembers every bearer token the client sent.
type bearerSpy struct {
	base   http.RoundTripper
	mu     sync.Mutex
	tokens []string
}

func (b *bearerSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	if _, tok, ok := strings.Cut(r.Header.Get("Authorization"), "Bearer "); ok {
		b.mu.Lock()
		b.tokens = append(b.tokens, tok)
		b.mu.Unlock()
	}
	return b.base.RoundTrip(r)
}

// tracedSim is the simulator and a client tracing into spans, the provider
// the flows under test get too.
type tracedSim struct {
	srv    *sfcctest.Server
	client *ocapi.Client
	spy    *bearerSpy
	tp     trace.TracerProvider
	spans  *tracetest.InMemoryExporter
}

func newTracedSim(t *testing.T) *tracedSim {
	t.Helper()
	srv := sfcctest.NewTestServer(t)
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	cfg := srv.ClientConfig()
	spy := &bearerSpy{base: cfg.HTTPClient.Transport}
	hc := *cfg.HTTPClient
	hc.Transport = spy
	cfg.HTTPClient, cfg.Sleep, cfg.TracerProvider = &hc, noSleep, tp
	client, err := ocapi.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &tracedSim{srv: srv, client: client, spy: spy, tp: tp, spans: spans}
}

func (ts *tracedSim) named(name string) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, s := range ts.spans.GetSpans() {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// children are the names of the spans directly under parent.
func (ts *tracedSim) children(parent tracetest.SpanStub) []string {
	var out []string
	for _, s := range ts.spans.GetSpans() {
		if s.Parent.SpanID() == parent.SpanContext.SpanID() {
			out = append(out, s.Name)
		}
	}
	return out
}

// checkNoSecrets fails when a span names the client secret, a bearer token
// or the customer's email.
func (ts *tracedSim) checkNoSecrets(t *testing.T) {
	t.Helper()
	ts.spy.mu.Lock()
	forbidden := append([]string{ts.srv.ClientSecret(), tracedEmail}, ts.spy.tokens...)
	ts.spy.mu.Unlock()
	if len(forbidden) < 3 {
		t.Fatal("no bearer token was seen: the check would prove nothing")
	}
	for _, s := range ts.spans.GetSpans() {
		text := fmt.Sprint(s.Name, s.Attributes, s.Events, s.Status)
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("span %s carries %.8s…: %s", s.Name, f, text)
			}
		}
	}
}

func spanAttr(s tracetest.SpanStub, k string) string {
	for _, a := range s.Attributes {
		if a.Key == attribute.Key(k) {
			return a.Value.String()
		}
	}
	return ""
}

func hasPrefixIn(names []string, prefix string) bool {
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// Each confirmation is one span naming the order, event and outcome, with
// the SFCC read and writes it made as children; a confirmation SFCC
// refuses is an error span.
func TestSequencer_TracesEachConfirmationWithItsSFCCRequests(t *testing.T) {
	ts := newTracedSim(t)
	o := simOrder("00001001")
	o.Customer.Email = tracedEmail
	ts.srv.AddOrders(o)
	pkgs := wmstest.NewFakeWMS(1).ShipOrder(o, 3, simStart)
	s, err := wms.NewSequencer(wms.SequencerConfig{Orders: ts.client, Retry: wms.Backoff{Attempts: 2, Wait: noSleep},
		Now: func() time.Time { return simStart }, TracerProvider: ts.tp})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Apply(ctx, pkgs[0]); err != nil {
		t.Fatal(err)
	}
	ts.srv.InjectFault(sfcctest.Fault{Route: "order.patch", Status: http.StatusBadRequest, Times: 1})
	if res, err := s.Apply(ctx, pkgs[1]); err == nil || res.Outcome != wms.OutcomeFailed {
		t.Fatalf("Apply with SFCC refusing the write: %v %v, want failed", res.Outcome, err)
	}
	spans := ts.named(wms.SpanApply)
	if len(spans) != 2 {
		t.Fatalf("%d %s spans, want 2", len(spans), wms.SpanApply)
	}
	ok, failed := spans[0], spans[1]
	if spanAttr(ok, "o2c.order_no") != "00001001" || spanAttr(ok, "o2c.event_id") != pkgs[0].EventID ||
		spanAttr(ok, "o2c.outcome") != "applied" || spanAttr(ok, "o2c.notified") != "true" || ok.Status.Code == codes.Error {
		t.Errorf("applied event: attributes %v status %v", ok.Attributes, ok.Status)
	}
	kids := ts.children(ok)
	if !hasPrefixIn(kids, "sfcc GET ") || !hasPrefixIn(kids, "sfcc PATCH ") {
		t.Errorf("children of the applied event %v, want the order read and the tracking PATCH", kids)
	}
	if spanAttr(failed, "o2c.outcome") != "failed" || failed.Status.Code != codes.Error ||
		!strings.Contains(failed.Status.Description, "00001001") || len(failed.Events) != 1 {
		t.Errorf("failed event: attributes %v status %v events %v, want an error naming the order", failed.Attributes, failed.Status, failed.Events)
	}

	rs := s.ApplyAll(ctx, pkgs[1:])
	batch := ts.named(wms.SpanApplyAll)
	if len(batch) != 1 || spanAttr(batch[0], "o2c.events") != "2" {
		t.Fatalf("ApplyAll spans %v, want one for 2 events", batch)
	}
	var events []string
	for _, s := range ts.spans.GetSpans() {
		if s.Name == wms.SpanApply && s.Parent.SpanID() == batch[0].SpanContext.SpanID() {
			events = append(events, spanAttr(s, "o2c.event_id")+"="+spanAttr(s, "o2c.outcome"))
		}
	}
	if len(events) != 2 || len(rs) != 2 || !strings.Contains(strings.Join(events, " "), pkgs[2].EventID+"="+string(rs[1].Outcome)) {
		t.Errorf("event spans under ApplyAll %v, results %+v", events, rs)
	}
	ts.checkNoSecrets(t)
}

// A flush is one span counting what it sent, pushed and failed, with the
// batch requests as children.
func TestPusher_TracesAFlushWithItsCounts(t *testing.T) {
	ts := newTracedSim(t)
	seedInventory(ts.srv, "inv", 3)
	p, err := wms.NewPusher(wms.PusherConfig{Writer: ts.client, List: "inv", Now: func() time.Time { return simStart },
		TracerProvider: ts.tp})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := p.Offer(wms.StockLevel{SKU: fmt.Sprintf("SKU-%05d", i), Available: decimal.MustNew(int64(5+i), 0), Sequence: 1}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := p.Flush(context.Background())
	if err != nil || rep.Pushed != 3 {
		t.Fatalf("Flush: %+v %v", rep, err)
	}
	spans := ts.named(wms.SpanFlush)
	if len(spans) != 1 {
		t.Fatalf("%d flush spans, want 1", len(spans))
	}
	f := spans[0]
	if spanAttr(f, "o2c.skus") != "3" || spanAttr(f, "o2c.pushed") != "3" || spanAttr(f, "o2c.failed") != "0" {
		t.Errorf("flush attributes %v, want 3 sent, 3 pushed, 0 failed", f.Attributes)
	}
	if kids := ts.children(f); !hasPrefixIn(kids, "sfcc ") {
		t.Errorf("flush children %v, want the SFCC batch request", kids)
	}
	ts.checkNoSecrets(t)
}

// A monitor run is one span with the orders it checked and found lagging.
func TestMonitor_TracesARunWithWhatItFound(t *testing.T) {
	ts := newTracedSim(t)
	o := simOrder("00005001")
	o.Customer.Email = tracedEmail
	ts.srv.AddOrders(o)
	pkgs := wmstest.NewFakeWMS(3).ShipOrder(o, 2, simStart)
	s, err := wms.NewSequencer(wms.SequencerConfig{Orders: ts.client, Retry: wms.Backoff{Attempts: 2, Wait: noSleep},
		Now: func() time.Time { return simStart }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Apply(ctx, pkgs[0]); err != nil {
		t.Fatal(err)
	}
	// The WMS shipped the second package; its update never reached SFCC.
	if _, _, err := s.Store().Record(ctx, pkgs[1], wms.EventRecorded, simStart); err != nil {
		t.Fatal(err)
	}
	now := pkgs[1].ShippedAt.Add(5 * time.Hour)
	m, err := wms.NewMonitor(wms.MonitorConfig{Orders: ts.client, Store: s.Store(), After: 4 * time.Hour,
		Now: func() time.Time { return now }, TracerProvider: ts.tp})
	if err != nil {
		t.Fatal(err)
	}
	if lag, err := m.Lagging(ctx); err != nil || len(lag) != 1 {
		t.Fatalf("Lagging: %+v %v", lag, err)
	}
	spans := ts.named(wms.SpanLagging)
	if len(spans) != 1 {
		t.Fatalf("%d monitor spans, want 1", len(spans))
	}
	if spanAttr(spans[0], "o2c.found") != "1" || spanAttr(spans[0], "o2c.checked") != "1" || spans[0].Status.Code == codes.Error {
		t.Errorf("monitor attributes %v status %v, want 1 checked, 1 found", spans[0].Attributes, spans[0].Status)
	}
	if kids := ts.children(spans[0]); !hasPrefixIn(kids, "sfcc ") {
		t.Errorf("monitor children %v, want its SFCC search or reads", kids)
	}
	ts.checkNoSecrets(t)
}
