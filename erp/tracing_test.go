package erp_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/govalues/decimal"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

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

// traceRig is an Exporter and its SFCC client tracing into one in-memory
// exporter.
type traceRig struct {
	srv   *sfcctest.Server
	spy   *bearerSpy
	x     *erp.Exporter
	spans *tracetest.InMemoryExporter
}

func newTraceRig(t *testing.T, erpOpts ...erptest.Option) *traceRig {
	t.Helper()
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(erptest.SampleOrders()...)
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
	fake := erptest.New(append([]erptest.Option{erptest.WithClock(exportClock)}, erpOpts...)...)
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables(), RoundingTolerance: decimal.MustParse("0.02")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := dedupe.NewResolver(dedupe.Config{Directory: fake})
	if err != nil {
		t.Fatal(err)
	}
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: client, Translator: tr, Resolver: res,
		SalesOrders: fake, Ledger: fake, Now: exportClock, TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	return &traceRig{srv: srv, spy: spy, x: x, spans: spans}
}

// exportSpan returns the only export span and the names of its children.
func (r *traceRig) exportSpan(t *testing.T) (tracetest.SpanStub, []string) {
	t.Helper()
	var found []tracetest.SpanStub
	all := r.spans.GetSpans()
	for _, s := range all {
		if s.Name == erp.SpanExportOrder {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s spans, want 1", len(found), erp.SpanExportOrder)
	}
	var children []string
	for _, s := range all {
		if s.Parent.SpanID() == found[0].SpanContext.SpanID() {
			children = append(children, s.Name)
		}
	}
	return found[0], children
}

// checkNoSecrets fails when any span names the client secret, a bearer
// token or one of the emails.
func (r *traceRig) checkNoSecrets(t *testing.T, emails ...string) {
	t.Helper()
	r.spy.mu.Lock()
	forbidden := append(append([]string{r.srv.ClientSecret()}, r.spy.tokens...), emails...)
	r.spy.mu.Unlock()
	if len(forbidden) < 2+len(emails) {
		t.Fatal("no bearer token was seen: the check would prove nothing")
	}
	for _, s := range r.spans.GetSpans() {
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

// One order's export is one span naming the order and its outcome, with
// the SFCC requests it made (the order read, the status write) as its
// children.
func TestExporter_TracesAnExportWithItsSFCCRequestsAsChildren(t *testing.T) {
	r := newTraceRig(t)
	res, err := r.x.ExportOrder(context.Background(), "00001001")
	if err != nil || res.Outcome != erp.ExportExported {
		t.Fatalf("ExportOrder: %v %v", res.Outcome, err)
	}
	s, children := r.exportSpan(t)
	if spanAttr(s, "o2c.order_no") != "00001001" || spanAttr(s, "o2c.outcome") != "exported" || s.Status.Code == codes.Error {
		t.Errorf("export span attributes %v status %v, want the order, exported, no error", s.Attributes, s.Status)
	}
	want := []string{"sfcc GET /s/{}/dw/shop/v25_6/orders/{}", "sfcc PUT /s/-/dw/data/v25_6/sites/{}/orders/{}/export_status"}
	for _, w := range want {
		if !contains(children, w) {
			t.Errorf("children of the export span %v, want %q among them", children, w)
		}
	}
	r.checkNoSecrets(t, erptest.SampleOrders()[0].Customer.Email)
}

// An order that cannot be exported leaves an error span naming the order,
// the step and the owner, with the reason in an exception event; an ERP
// refusal that quotes the customer's email reaches the span redacted.
func TestExporter_TracesAFailedExportAsAnErrorWithoutTheEmail(t *testing.T) {
	email := erptest.SampleOrders()[0].Customer.Email
	if email == "" {
		t.Fatal("sample order 00001001 has no email")
	}
	refusal := fmt.Errorf("%w: customer %s is on credit hold", erp.ErrInvalid, email)
	r := newTraceRig(t, erptest.WithFaults(erptest.Fault{Method: erptest.MethodCreateSalesOrder, Nth: 1, Err: refusal}))
	res, err := r.x.ExportOrder(context.Background(), "00001001")
	if err == nil || res.Outcome != erp.ExportFailed {
		t.Fatalf("ExportOrder: %v %v, want failed", res.Outcome, err)
	}
	s, children := r.exportSpan(t)
	if s.Status.Code != codes.Error || !strings.Contains(s.Status.Description, "00001001") {
		t.Errorf("status %v, want Error naming the order", s.Status)
	}
	if spanAttr(s, "o2c.outcome") != "failed" || spanAttr(s, "o2c.export.step") != string(erp.StepDocument) || spanAttr(s, "o2c.owner") != erp.OwnerFinance {
		t.Errorf("attributes %v, want failed at the sales order step, owned by finance", s.Attributes)
	}
	if len(s.Events) != 1 || s.Events[0].Name != "exception" || !strings.Contains(fmt.Sprint(s.Events[0].Attributes), "credit hold") {
		t.Errorf("events %v, want one exception with the refusal", s.Events)
	}
	if !contains(children, "sfcc PUT /s/-/dw/data/v25_6/sites/{}/orders/{}/export_status") {
		t.Errorf("children %v lack the FAILED status write", children)
	}
	r.checkNoSecrets(t, email)
	// The reason Business Manager users see on the order is redacted too.
	o, _ := r.srv.Order("00001001")
	a, _ := o.Custom.Get(erp.DefaultExportErrorAttribute)
	if reason := strings.Join(a.Values, " "); !strings.Contains(reason, "credit hold") || strings.Contains(reason, email) {
		t.Errorf("the order's %s is %q: want the refusal without the email", erp.DefaultExportErrorAttribute, reason)
	}
}

// A run is one span counting outcomes, with one child span per order.
func TestExporter_TracesARunWithOneSpanPerOrder(t *testing.T) {
	r := newTraceRig(t)
	rep, err := r.x.ExportReady(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var run tracetest.SpanStub
	orders := map[string]string{}
	all := r.spans.GetSpans()
	for _, s := range all {
		if s.Name == erp.SpanExportReady {
			run = s
		}
	}
	for _, s := range all {
		if s.Name == erp.SpanExportOrder && s.Parent.SpanID() == run.SpanContext.SpanID() {
			orders[spanAttr(s, "o2c.order_no")] = spanAttr(s, "o2c.outcome")
		}
	}
	if len(orders) != len(rep.Orders) {
		t.Fatalf("order spans under the run %v, want one for each of %d orders", orders, len(rep.Orders))
	}
	for _, o := range rep.Orders {
		if orders[o.OrderNo] != string(o.Outcome) {
			t.Errorf("order %s: span outcome %q, report %q", o.OrderNo, orders[o.OrderNo], o.Outcome)
		}
	}
	if spanAttr(run, "o2c.found") != fmt.Sprint(len(rep.Orders)) || spanAttr(run, "o2c.failed") != fmt.Sprint(rep.Count(erp.ExportFailed)) {
		t.Errorf("run attributes %v, report %d orders, %d failed", run.Attributes, len(rep.Orders), rep.Count(erp.ExportFailed))
	}
	var emails []string
	for _, o := range erptest.SampleOrders() {
		emails = append(emails, o.Customer.Email)
	}
	r.checkNoSecrets(t, emails...)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
