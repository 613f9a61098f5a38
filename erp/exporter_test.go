package erp_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"

	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// The OCAPI client satisfies the Exporter's view of SFCC.
var _ erp.SFCCOrders = (*ocapi.Client)(nil)

var exportClock = func() time.Time { return time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC) }

func noSleep(context.Context, time.Duration) error { return nil }

// exportRig is the SFCC simulator with a real client, the fake ERP and an
// Exporter over both.
type exportRig struct {
	srv    *sfcctest.Server
	client *ocapi.Client
	erp    *erptest.ERP
	x      *erp.Exporter
}

// sampleDay is the sample orders copied to n orders: each copy has its own
// order number and shopper, so the run creates customers and documents.
func sampleDay(n int) []sfcc.Order {
	samples := erptest.SampleOrders()
	out := make([]sfcc.Order, 0, n)
	for i := range n {
		o := samples[i%len(samples)]
		if o.OrderNo != erptest.SampleFailingOrderNo {
			o.OrderNo = fmt.Sprintf("%s-%03d", o.OrderNo, i)
			o.Customer.Email = fmt.Sprintf("shopper%d@example.com", i%7)
			o.Customer.CustomerNo, o.Customer.Guest = "", true
		} else if i >= len(samples) {
			continue // one failing order is enough
		}
		out = append(out, o)
	}
	return out
}

func newExportRig(t *testing.T, orders []sfcc.Order, erpOpts ...erptest.Option) *exportRig {
	t.Helper()
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(orders...)
	client, err := ocapi.NewClient(ocapi.Config{Host: srv.URL(), Site: srv.Site(), ClientID: srv.ClientID(),
		Secret: sfcc.StaticSecret(srv.ClientSecret()), TokenURL: srv.TokenURL(), Sleep: noSleep})
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
		SalesOrders: fake, Ledger: fake, Workers: 4, PageSize: 5, Now: exportClock})
	if err != nil {
		t.Fatal(err)
	}
	return &exportRig{srv: srv, client: client, erp: fake, x: x}
}

// exportState is what a user sees after an export: each order's export
// status and error attribute in SFCC, and the ERP's documents and journals.
type exportState struct {
	status      map[string]sfcc.ExportStatus
	reason      map[string]string
	documents   map[string]string // order → SKUs of the document, as stored
	journals    map[string]string // order → journal lines, as stored
	customers   int
	docs, posts int
}

func (r *exportRig) state(t *testing.T) exportState {
	t.Helper()
	st := exportState{status: map[string]sfcc.ExportStatus{}, reason: map[string]string{},
		documents: map[string]string{}, journals: map[string]string{}}
	for _, o := range r.srv.Orders() {
		st.status[o.OrderNo] = o.Status.Export
		if a, ok := o.Custom.Get(erp.DefaultExportErrorAttribute); ok {
			st.reason[o.OrderNo] = a.Value()
		}
		if so, err := r.erp.GetSalesOrder(context.Background(), o.OrderNo); err == nil {
			var skus []string
			for _, it := range so.Items {
				skus = append(skus, it.SKU+"×"+it.Quantity.String())
			}
			// Customer ids depend on which worker came first; the
			// customer's email does not.
			c, err := r.erp.GetCustomer(context.Background(), so.Customer.ID)
			if err != nil {
				t.Errorf("order %s: document for customer %q: %v", o.OrderNo, so.Customer.ID, err)
			}
			st.documents[o.OrderNo] = so.Totals.Gross.String() + " " + strings.Join(skus, ",") + " for " + strings.ToLower(c.Email)
		}
		if j, err := r.erp.GetJournal(context.Background(), erp.JournalReference(o.OrderNo)); err == nil {
			var lines []string
			for _, l := range j.Lines {
				lines = append(lines, l.Account+":"+l.Debit.String()+"/"+l.Credit.String())
			}
			st.journals[o.OrderNo] = strings.Join(lines, " ")
		}
	}
	st.customers, st.docs, st.posts = r.erp.Counts()
	return st
}

// exportUntilDone runs ExportReady as a scheduler would until a run finds
// nothing, and returns the number of runs that found orders.
func (r *exportRig) exportUntilDone(t *testing.T, maxRuns int) int {
	t.Helper()
	for run := 1; run <= maxRuns; run++ {
		rep, err := r.x.ExportReady(t.Context())
		if err == nil && len(rep.Orders) == 0 {
			return run - 1
		}
	}
	t.Fatalf("orders still READY after %d export runs", maxRuns)
	return 0
}

func (st exportState) check(t *testing.T, orders []sfcc.Order) {
	t.Helper()
	for _, o := range orders {
		switch st.status[o.OrderNo] {
		case sfcc.ExportStatusExported:
			if st.documents[o.OrderNo] == "" || st.journals[o.OrderNo] == "" {
				t.Errorf("order %s is EXPORTED but the ERP lacks its document or journal", o.OrderNo)
			}
		case sfcc.ExportStatusFailed:
			if st.reason[o.OrderNo] == "" {
				t.Errorf("order %s is FAILED without a reason", o.OrderNo)
			}
			if st.documents[o.OrderNo] != "" {
				t.Errorf("order %s is FAILED but has an ERP document", o.OrderNo)
			}
		default:
			t.Errorf("order %s is %s after the export", o.OrderNo, st.status[o.OrderNo])
		}
	}
	if st.docs != st.posts {
		t.Errorf("%d documents but %d journals", st.docs, st.posts)
	}
}

func TestExporter_EveryReadyOrderIsExportedOnceOrFailedWithAReason(t *testing.T) {
	orders := sampleDay(30)
	r := newExportRig(t, orders)
	rep, err := r.x.ExportReady(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Orders) != len(orders) {
		t.Fatalf("report has %d orders, %d were READY", len(rep.Orders), len(orders))
	}
	if rep.Count(erp.ExportFailed) != 1 || rep.Count(erp.ExportExported) != len(orders)-1 {
		t.Errorf("exported %d, failed %d; want %d and 1", rep.Count(erp.ExportExported), rep.Count(erp.ExportFailed), len(orders)-1)
	}
	for _, o := range rep.Orders {
		if o.Outcome != erp.ExportFailed {
			if o.DocumentNo == "" || o.JournalEntryNo == "" || o.CustomerID == "" {
				t.Errorf("order %s: exported without document, journal or customer: %+v", o.OrderNo, o)
			}
			continue
		}
		var e *erp.ExportError
		if !errors.As(o.Err, &e) || e.OrderNo() != erptest.SampleFailingOrderNo || e.Step != erp.StepTranslate || e.Owner() != erp.OwnerFinance {
			t.Errorf("failed order: err = %#v, want an *ExportError for %s at the translate step owned by finance", o.Err, erptest.SampleFailingOrderNo)
		}
	}
	st := r.state(t)
	st.check(t, orders)
	if !strings.Contains(st.reason[erptest.SampleFailingOrderNo], "payments") {
		t.Errorf("reason %q does not name the payments table", st.reason[erptest.SampleFailingOrderNo])
	}
	if st.docs != len(orders)-1 {
		t.Errorf("%d ERP documents for %d exported orders", st.docs, len(orders)-1)
	}
	if st.customers != 7 {
		t.Errorf("%d customers for 7 shoppers", st.customers)
	}

	again, err := r.x.ExportReady(t.Context())
	if err != nil || len(again.Orders) != 0 {
		t.Errorf("second ExportReady found %d orders (err %v), want none", len(again.Orders), err)
	}
	if c, d, j := r.erp.Counts(); c != st.customers || d != st.docs || j != st.posts {
		t.Errorf("the second run changed the ERP")
	}
}

// Each fault run ends in exactly the state of a clean run: same statuses,
// same reasons, same documents and journals, nothing twice.
func TestExporter_FaultsEndInTheStateOfACleanRun(t *testing.T) {
	orders := sampleDay(24)
	clean := newExportRig(t, orders)
	if runs := clean.exportUntilDone(t, 2); runs != 1 {
		t.Fatalf("a clean export took %d runs, want 1", runs)
	}
	want := clean.state(t)
	want.check(t, orders)

	cases := []struct {
		name  string
		erp   []erptest.Option
		setup func(t *testing.T, r *exportRig)
		fired func(r *exportRig) bool
	}{
		{name: "503 on the second search page",
			setup: func(t *testing.T, r *exportRig) {
				r.srv.InjectFault(sfcctest.Fault{Route: "order.search", Status: 503, Every: 2, Times: 1})
			},
			fired: func(r *exportRig) bool { return r.srv.FaultsFired() == 1 }},
		{name: "expired token",
			setup: func(t *testing.T, r *exportRig) {
				if _, err := r.client.GetOrder(t.Context(), orders[0].OrderNo); err != nil {
					t.Fatal(err)
				}
				r.srv.ExpireTokens()
			},
			fired: func(r *exportRig) bool { return r.srv.TokenRequests() >= 2 }},
		{name: "SFCC status writes answer 503 and 500",
			setup: func(t *testing.T, r *exportRig) {
				r.srv.InjectFault(sfcctest.Fault{Route: "order.status", Status: 503, Every: 3})
				r.srv.InjectFault(sfcctest.Fault{Route: "order.patch", Status: 500, Every: 2})
			},
			fired: func(r *exportRig) bool { return r.srv.FaultsFired() > 0 }},
		{name: "ERP outage with lost responses",
			erp: []erptest.Option{erptest.WithFaults(
				erptest.Fault{Method: erptest.MethodCreateSalesOrder, Every: 3, AfterEffect: true},
				erptest.Fault{Method: erptest.MethodPostJournal, Every: 4, AfterEffect: true},
				erptest.Fault{Method: erptest.MethodCreateCustomer, Every: 2, AfterEffect: true},
				erptest.Fault{Method: erptest.MethodFindCustomersByEmail, Every: 5},
			)},
			fired: func(r *exportRig) bool {
				_, docs, _ := r.erp.Counts()
				return r.erp.Calls(erptest.MethodCreateSalesOrder) > int64(docs)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newExportRig(t, orders, tc.erp...)
			if tc.setup != nil {
				tc.setup(t, r)
			}
			r.exportUntilDone(t, 6)
			if !tc.fired(r) {
				t.Fatal("the fault did not happen: the test proves nothing")
			}
			got := r.state(t)
			got.check(t, orders)
			if !maps.Equal(got.status, want.status) || !maps.Equal(got.reason, want.reason) {
				t.Errorf("statuses or reasons differ from a clean run:\n got %v %v\nwant %v %v", got.status, got.reason, want.status, want.reason)
			}
			if !maps.Equal(got.documents, want.documents) || !maps.Equal(got.journals, want.journals) {
				t.Errorf("ERP documents or journals differ from a clean run")
			}
			if got.customers != want.customers || got.docs != want.docs || got.posts != want.posts {
				t.Errorf("ERP holds %d customers, %d documents, %d journals; a clean run %d, %d, %d",
					got.customers, got.docs, got.posts, want.customers, want.docs, want.posts)
			}
		})
	}
}

// An ERP that keeps answering 503 leaves the orders READY, reported as
// unavailable: not FAILED, and without the Exporter multiplying the
// adapter's calls by retrying them itself.
func TestExporter_UnavailableERPLeavesOrdersReadyAndIsNotRetriedByTheExporter(t *testing.T) {
	orders := sampleDay(5)
	r := newExportRig(t, orders, erptest.WithFaults(erptest.Fault{Method: erptest.MethodCreateSalesOrder, Every: 1}))
	rep, err := r.x.ExportReady(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	good := len(orders) - 1
	if rep.Count(erp.ExportUnavailable) != good || rep.Count(erp.ExportFailed) != 1 {
		t.Fatalf("unavailable %d, failed %d; want %d and 1", rep.Count(erp.ExportUnavailable), rep.Count(erp.ExportFailed), good)
	}
	for _, o := range rep.Orders {
		if o.Outcome != erp.ExportUnavailable {
			continue
		}
		var e *erp.ExportError
		if !errors.As(o.Err, &e) || !e.Transient || e.Step != erp.StepDocument || !errors.Is(o.Err, erp.ErrUnavailable) || e.Owner() != erp.OwnerOperations {
			t.Errorf("order %s: err = %v, want a transient *ExportError at the sales-order step", o.OrderNo, o.Err)
		}
	}
	if n := r.erp.Calls(erptest.MethodCreateSalesOrder); n != int64(good) {
		t.Errorf("CreateSalesOrder called %d times for %d orders: the Exporter retried on its own", n, good)
	}
	st := r.state(t)
	for _, o := range orders {
		if o.OrderNo != erptest.SampleFailingOrderNo && st.status[o.OrderNo] != sfcc.ExportStatusReady {
			t.Errorf("order %s is %s, want still READY", o.OrderNo, st.status[o.OrderNo])
		}
	}
	r.erp.ClearFaults()
	if runs := r.exportUntilDone(t, 3); runs != 1 {
		t.Errorf("%d runs after the outage, want 1", runs)
	}
	r.state(t).check(t, orders)
}

// A persistent 503 on the status write costs the client's attempts per
// call — not the client's attempts times some retry count of the Exporter.
func TestExporter_PersistentSFCC503CostsOnlyTheClientsAttempts(t *testing.T) {
	orders := sampleDay(1)
	r := newExportRig(t, orders)
	r.srv.InjectFault(sfcctest.Fault{Route: "order.status", Status: 503})
	rep, err := r.x.ExportReady(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(erp.ExportUnavailable) != 1 {
		t.Fatalf("report %+v, want the order left READY", rep.Orders)
	}
	// The client makes 1 + DefaultMaxRetries attempts of one idempotent call.
	want := 1 + ocapi.DefaultMaxRetries
	if got := r.srv.RequestCount("order.status"); got != want {
		t.Errorf("%d status requests for one order under a persistent 503, want the client's %d attempts", got, want)
	}
}

func TestExporter_ExportOrderReplaysAFailedOrderOnceTheMappingIsFixed(t *testing.T) {
	orders := erptest.SampleOrders()
	r := newExportRig(t, orders)
	if _, err := r.x.ExportReady(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := r.state(t); st.status[erptest.SampleFailingOrderNo] != sfcc.ExportStatusFailed {
		t.Fatalf("order is %s, want FAILED", st.status[erptest.SampleFailingOrderNo])
	}
	// Finance adds the missing payment method; the order is exported again.
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: fixedTables(t), RoundingTolerance: decimal.MustParse("0.02")})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := dedupe.NewResolver(dedupe.Config{Directory: r.erp})
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: r.client, Translator: tr, Resolver: res, SalesOrders: r.erp, Ledger: r.erp})
	if err != nil {
		t.Fatal(err)
	}
	got, err := x.ExportOrder(t.Context(), erptest.SampleFailingOrderNo)
	if err != nil || got.Outcome != erp.ExportExported || got.DocumentNo == "" {
		t.Fatalf("ExportOrder = %+v, %v; want exported", got, err)
	}
	st := r.state(t)
	if st.status[erptest.SampleFailingOrderNo] != sfcc.ExportStatusExported || st.reason[erptest.SampleFailingOrderNo] != "" {
		t.Errorf("after the replay: %s with reason %q, want EXPORTED and no reason", st.status[erptest.SampleFailingOrderNo], st.reason[erptest.SampleFailingOrderNo])
	}
	again, err := x.ExportOrder(t.Context(), erptest.SampleFailingOrderNo)
	if err != nil || again.DocumentNo != got.DocumentNo {
		t.Errorf("second replay: document %s, %v; want the same document %s", again.DocumentNo, err, got.DocumentNo)
	}
	if _, err := x.ExportOrder(t.Context(), "NO-SUCH-ORDER"); !errors.Is(err, sfcc.ErrNotFound) {
		t.Errorf("ExportOrder(unknown) err = %v, want sfcc.ErrNotFound", err)
	}
}

func TestExporter_LedgerRecordsDocumentJournalAndState(t *testing.T) {
	orders := erptest.SampleOrders()
	r := newExportRig(t, orders)
	ledger := &erp.MemoryExportLedger{}
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables(), RoundingTolerance: decimal.MustParse("0.02")})
	res, _ := dedupe.NewResolver(dedupe.Config{Directory: r.erp})
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: r.client, Translator: tr, Resolver: res,
		SalesOrders: r.erp, Ledger: r.erp, Records: ledger, Now: exportClock})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := x.ExportReady(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rep.Orders {
		rec, ok, err := ledger.ExportRecord(t.Context(), o.OrderNo)
		if err != nil || !ok {
			t.Fatalf("no ledger record for %s: %v", o.OrderNo, err)
		}
		switch o.Outcome {
		case erp.ExportExported:
			if rec.State != erp.ExportStateExported || rec.DocumentNo != o.DocumentNo || rec.JournalEntryNo != o.JournalEntryNo || !rec.Updated.Equal(exportClock()) {
				t.Errorf("ledger %+v for exported %+v", rec, o)
			}
		case erp.ExportFailed:
			if rec.State != erp.ExportStateFailed || !strings.Contains(rec.Reason, "payments") {
				t.Errorf("ledger %+v for failed %s", rec, o.OrderNo)
			}
		}
	}
}

func TestExporterConfig_MissingFieldsAreNamed(t *testing.T) {
	fake := erptest.New()
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	res, _ := dedupe.NewResolver(dedupe.Config{Directory: fake})
	full := erp.ExporterConfig{Orders: (*ocapi.Client)(nil), Translator: tr, Resolver: res, SalesOrders: fake, Ledger: fake}
	for field, mutate := range map[string]func(*erp.ExporterConfig){
		"Orders":      func(c *erp.ExporterConfig) { c.Orders = nil },
		"Translator":  func(c *erp.ExporterConfig) { c.Translator = nil },
		"Resolver":    func(c *erp.ExporterConfig) { c.Resolver = nil },
		"SalesOrders": func(c *erp.ExporterConfig) { c.SalesOrders = nil },
		"Ledger":      func(c *erp.ExporterConfig) { c.Ledger = nil },
		"Workers":     func(c *erp.ExporterConfig) { c.Workers = -1 },
		"PageSize":    func(c *erp.ExporterConfig) { c.PageSize = 201 },
	} {
		cfg := full
		mutate(&cfg)
		_, err := erp.NewExporter(cfg)
		var ce *erp.ConfigError
		if !errors.As(err, &ce) || ce.Field != field {
			t.Errorf("without %s: err = %v, want an *ConfigError naming it", field, err)
		}
	}
	if _, err := erp.NewExporter(full); err != nil {
		t.Errorf("complete config: %v", err)
	}
}

// fixedTables are the sample tables with the row finance adds for the
// payment method the failing sample order uses.
func fixedTables(t *testing.T) *mapping.Tables {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(erptest.SampleTablesFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(erptest.SampleTablesFS(), path)
		if path == "payments.csv" {
			b = append(b, []byte(payLaterRow)...)
		}
		fsys[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tables, err := mapping.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

const payLaterRow = "bml,*,BML,BML,1250,,,\n"
