package erp_test

import (
	"testing"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// The ledger says exported just before SFCC is told; when SFCC cannot take
// the mark, the ledger goes back to journal-posted, the order stays READY,
// and the next run ends both at exported.
func TestExporter_LedgerFollowsSFCCWhenTheMarkIsRefused(t *testing.T) {
	orders := erptest.SampleOrders()[:1]
	no := orders[0].OrderNo
	r := newExportRig(t, orders)
	ledger := &erp.MemoryExportLedger{}
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables(), RoundingTolerance: decimal.MustParse("0.02")})
	res, _ := dedupe.NewResolver(dedupe.Config{Directory: r.erp})
	x, err := erp.NewExporter(erp.ExporterConfig{Orders: r.client, Translator: tr, Resolver: res,
		SalesOrders: r.erp, Ledger: r.erp, Records: ledger, Now: exportClock})
	if err != nil {
		t.Fatal(err)
	}
	r.srv.InjectFault(sfcctest.Fault{Route: "order.status", Status: 503, Times: 100})
	rep, _ := x.ExportReady(t.Context())
	if len(rep.Orders) != 1 || rep.Orders[0].Outcome != erp.ExportUnavailable {
		t.Fatalf("with SFCC refusing the mark: %+v; want the order unavailable", rep.Orders)
	}
	rec, _, _ := ledger.ExportRecord(t.Context(), no)
	if rec.State != erp.ExportStateJournalPosted || rec.DocumentNo == "" || rec.JournalEntryNo == "" {
		t.Fatalf("ledger after a refused mark = %+v; want journal-posted with both numbers", rec)
	}
	if o, _ := r.srv.Order(no); o.Status.Export != sfcc.ExportStatusReady {
		t.Fatalf("SFCC shows %s; want READY", o.Status.Export)
	}
	r.srv.ClearFaults()
	if rep, err := x.ExportReady(t.Context()); err != nil || rep.Count(erp.ExportExported) != 1 {
		t.Fatalf("next run: %+v, %v", rep.Orders, err)
	}
	if rec, _, _ := ledger.ExportRecord(t.Context(), no); rec.State != erp.ExportStateExported {
		t.Fatalf("ledger after the next run = %+v; want exported", rec)
	}
	if _, docs, _ := r.erp.Counts(); docs != 1 {
		t.Fatalf("%d sales orders; want 1", docs)
	}
}
