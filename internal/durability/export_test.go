package durability_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupesql"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/erp/erpsql"
	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest/ordergen"
)

// exportTables are the mapping tables examples/o2c ships: they map
// everything ordergen generates.
const exportTables = "../../examples/o2c/tables"

// childExport is an export service: it exports every READY order with the
// SQL export ledger and dedupe claims, and ends when none is left.
func childExport(ctx context.Context) error {
	base := os.Getenv(envBase)
	db, err := sqlstore.Open(ctx, os.Getenv(envDSN))
	if err != nil {
		return err
	}
	defer db.Close()
	now := childClock()
	orders, err := childSFCC(base)
	if err != nil {
		return err
	}
	ledger, err := erphttp.NewClient(erphttp.Config{BaseURL: base + "/erp", RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
	if err != nil {
		return err
	}
	tables, err := mapping.Load(os.DirFS(exportTables))
	if err != nil {
		return err
	}
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: tables, RoundingTolerance: decimal.MustParse("0.02")})
	if err != nil {
		return err
	}
	res, err := dedupe.NewResolver(dedupe.Config{Directory: ledger, Claims: dedupesql.NewClaimStore(db), Now: now,
		ClaimPoll: 2 * time.Millisecond, CacheSize: -1})
	if err != nil {
		return err
	}
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: orders, Translator: tr, Resolver: res,
		SalesOrders: ledger, Ledger: ledger, Records: erpsql.NewExportLedger(db), Workers: 4, Now: now})
	if err != nil {
		return err
	}
	for range 50 {
		rep, err := x.ExportReady(ctx)
		if err != nil {
			return err
		}
		if len(rep.Orders) == 0 {
			return nil
		}
	}
	return errors.New("orders still READY after 50 passes")
}

// placeOrders puts n generated orders, READY, into the world's SFCC.
func placeOrders(w *world, seed uint64, n int) {
	g := ordergen.New(seed, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	orders := make([]sfcc.Order, n)
	for i := range orders {
		orders[i] = g.Order()
		if i%10 == 3 {
			// Shipped by a method finance has not mapped: the order
			// cannot be exported and must end FAILED with the reason.
			orders[i].Shipments[0].ShippingMethod = "UNMAPPED-COURIER"
		}
	}
	w.sfcc.AddOrders(orders...)
}

// exportState is everything an export run leaves behind that a person would
// look at, keyed by business keys only (never by numbers the ERP assigned
// in the order requests happened to arrive).
type exportState struct {
	// SFCC: order → "EXPORTED" or "FAILED: reason".
	SFCC map[string]string
	// StatusChanges: order → export status changes SFCC applied.
	StatusChanges map[string]int
	// Documents: order → the ERP sales order (numbers and customer id
	// replaced by the customer's email) and its journal, as JSON.
	Documents map[string]string
	// Customers: email → records.
	Customers map[string]int
	// Ledger: order → the export ledger's state, and whether its numbers
	// are the ERP's.
	Ledger map[string]string
	// Counts of ERP records: customers, sales orders, journals.
	Counts [3]int
}

func readExportState(t *testing.T, w *world, dsn string) exportState {
	t.Helper()
	ctx := context.Background()
	st := exportState{SFCC: map[string]string{}, StatusChanges: map[string]int{}, Documents: map[string]string{},
		Customers: map[string]int{}, Ledger: map[string]string{}}
	for _, r := range w.sfcc.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/export_status") && r.Status/100 == 2 {
			parts := strings.Split(r.Path, "/")
			st.StatusChanges[parts[len(parts)-2]]++
		}
	}
	ledger := erpsql.NewExportLedger(sqlstoretest.Open(t, dsn))
	var e erphttp.ERP = w.erp
	if w.cust != nil {
		e = lenientERP{ERP: w.erp, customers: w.cust}
		st.Customers = w.cust.perEmail()
	}
	c, so, j := w.erp.Counts()
	st.Counts = [3]int{c, so, j}
	if w.cust != nil {
		st.Counts[0] = 0
		for _, n := range st.Customers {
			st.Counts[0] += n
		}
	}
	for _, o := range w.sfcc.Orders() {
		no := o.OrderNo
		rec, ok, err := ledger.ExportRecord(ctx, no)
		if err != nil {
			t.Fatal(err)
		}
		switch o.Status.Export {
		case sfcc.ExportStatusExported:
			st.SFCC[no] = string(o.Status.Export)
			doc, err := e.GetSalesOrder(ctx, no)
			if err != nil {
				t.Fatalf("order %s is EXPORTED but the ERP has no sales order: %v", no, err)
			}
			jr, err := e.GetJournal(ctx, erp.JournalReference(no))
			if err != nil {
				t.Fatalf("order %s is EXPORTED but the ERP has no journal: %v", no, err)
			}
			cust, err := e.GetCustomer(ctx, doc.Customer.ID)
			if err != nil {
				t.Fatalf("order %s: sales order's customer %s: %v", no, doc.Customer.ID, err)
			}
			st.Ledger[no] = fmt.Sprintf("%s document-is-erp's=%v journal-is-erp's=%v", rec.State,
				ok && rec.DocumentNo == doc.DocumentNo, ok && rec.JournalEntryNo == jr.EntryNo)
			doc.DocumentNo, doc.Created, doc.Customer.ID = "", time.Time{}, strings.ToLower(cust.Email)
			jr.EntryNo = ""
			b, _ := json.Marshal(struct {
				SO erp.SalesOrder
				J  erp.JournalEntry
			}{doc, jr})
			st.Documents[no] = string(b)
		case sfcc.ExportStatusFailed:
			reason, _ := o.Custom.Get(erp.DefaultExportErrorAttribute)
			st.SFCC[no] = "FAILED: " + reason.Value()
			st.Ledger[no] = fmt.Sprintf("%s reason-is-sfcc's=%v", rec.State, ok && rec.Reason == reason.Value())
		default:
			st.SFCC[no] = string(o.Status.Export)
			st.Ledger[no] = string(rec.State)
		}
	}
	if w.cust == nil {
		for _, o := range w.sfcc.Orders() {
			cs, err := w.erp.FindCustomersByEmail(ctx, strings.TrimSpace(o.Customer.Email))
			if err == nil && len(cs) > 0 {
				st.Customers[strings.ToLower(cs[0].Email)] = len(cs)
			}
		}
	}
	return st
}

// checkExportInvariants holds for any run, interrupted or not.
func checkExportInvariants(t *testing.T, what string, st exportState) {
	t.Helper()
	for no, s := range st.SFCC {
		if s == string(sfcc.ExportStatusReady) {
			t.Errorf("%s: order %s is still READY", what, no)
		}
		if n := st.StatusChanges[no]; n != 1 {
			t.Errorf("%s: order %s had %d export status changes; want exactly 1", what, no, n)
		}
	}
	for email, n := range st.Customers {
		if n != 1 {
			t.Errorf("%s: %d customers with email %s; want 1", what, n, email)
		}
	}
	exported := 0
	for _, s := range st.SFCC {
		if s == string(sfcc.ExportStatusExported) {
			exported++
		}
	}
	if st.Counts[1] != exported || st.Counts[2] != exported {
		t.Errorf("%s: the ERP holds %d sales orders and %d journals for %d exported orders", what, st.Counts[1], st.Counts[2], exported)
	}
}

func countFailed(st exportState) int {
	n := 0
	for _, s := range st.SFCC {
		if strings.HasPrefix(s, "FAILED") {
			n++
		}
	}
	return n
}

const (
	exportOrders = 80
	crashKills   = 50
)

// TestExporter_SIGKILLAtRandomPointsEndsAsAnUninterruptedRun: an export
// service killed 50 times — before a request takes effect, after the ERP or
// SFCC applied it but before the answer arrived, and while it writes its
// ledger — and restarted each time, ends with exactly what a run that was
// never interrupted leaves: one sales order and journal per exported order,
// one customer per email, each order marked once, and a ledger that names
// the ERP's documents.
func TestExporter_SIGKILLAtRandomPointsEndsAsAnUninterruptedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: starts about a hundred processes")
	}
	const seed = 20261127
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		ref := newWorld(t, seed, false)
		placeOrders(ref, seed, exportOrders)
		refDSN := b.DSN(t)
		sqlstoretest.Open(t, refDSN)
		child{mode: "export", dsn: refDSN, base: ref.url}.life(t, ref.gate, 0, 0, killBefore)
		want := readExportState(t, ref, refDSN)
		checkExportInvariants(t, "uninterrupted run", want)
		if countFailed(want) == 0 {
			t.Fatal("no order FAILED: the crash test must cover the FAILED path too")
		}

		w := newWorld(t, seed, false)
		placeOrders(w, seed, exportOrders)
		dsn := b.DSN(t)
		sqlstoretest.Open(t, dsn)
		start := time.Now()
		modes := crashLoop(t, w.gate, child{mode: "export", dsn: dsn, base: w.url}, seed, crashKills, 8)
		t.Logf("%s: %d orders (%d FAILED), kills by mode %v, %s", b.Name, exportOrders, countFailed(want), modes, time.Since(start).Round(time.Millisecond))
		got := readExportState(t, w, dsn)
		checkExportInvariants(t, "run with kills", got)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("end state after kills differs from the uninterrupted run (-uninterrupted +killed):\n%s", d)
		}
	})
}

// TestExporter_ThreeProcessesOnOneDatabaseExportEachOrderOnce: three export
// services on one SQLite file or PostgreSQL database, all finding the same
// READY orders, against a customer master that would take duplicates: each
// customer is created once (the SQL dedupe claims), each order has one
// sales order and journal, and every order ends exported or failed with a
// ledger record that names the ERP's documents — no lost update.
func TestExporter_ThreeProcessesOnOneDatabaseExportEachOrderOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three processes per database")
	}
	const seed = 20261128
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		w := newWorld(t, seed, true)
		placeOrders(w, seed, exportOrders)
		dsn := b.DSN(t)
		sqlstoretest.Open(t, dsn)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() { child{mode: "export", dsn: dsn, base: w.url}.life(t, w.gate, 0, 0, killBefore) })
		}
		wg.Wait()
		st := readExportState(t, w, dsn)
		for no, s := range st.SFCC {
			if s == string(sfcc.ExportStatusReady) {
				t.Errorf("order %s is still READY", no)
			}
			if st.StatusChanges[no] == 0 {
				t.Errorf("order %s: no export status change", no)
			}
		}
		for email, n := range st.Customers {
			if n != 1 {
				t.Errorf("%d customers with email %s; want 1", n, email)
			}
		}
		exported := 0
		for no, l := range st.Ledger {
			switch st.SFCC[no] {
			case string(sfcc.ExportStatusExported):
				exported++
				if want := "exported document-is-erp's=true journal-is-erp's=true"; l != want {
					t.Errorf("order %s: ledger %q; want %q", no, l, want)
				}
			default:
				if !strings.HasPrefix(l, "failed reason-is-sfcc's=true") {
					t.Errorf("order %s (%s): ledger %q", no, st.SFCC[no], l)
				}
			}
		}
		if st.Counts[1] != exported || st.Counts[2] != exported {
			t.Errorf("the ERP holds %d sales orders and %d journals for %d exported orders", st.Counts[1], st.Counts[2], exported)
		}
		doubled := 0
		for _, n := range st.StatusChanges {
			if n > 1 {
				doubled++
			}
		}
		t.Logf("%s: %d orders (%d exported), %d customers, %d orders marked by more than one process", b.Name, len(st.SFCC), exported, len(st.Customers), doubled)
	})
}
