package erptest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/erp"
)

// ExportLedgerFeatures declares what an erp.ExportLedger under test
// supports.
type ExportLedgerFeatures struct {
	// Reopen, when set, returns a new handle on the same stored records (a
	// new connection pool, as a restarted process or another process would
	// open). Without it the durability and cross-handle tests reuse the
	// handle, which proves nothing about durability.
	Reopen func(t *testing.T, l erp.ExportLedger) erp.ExportLedger
}

// NewExportLedger returns an empty ledger for one test.
type NewExportLedger func(t *testing.T) erp.ExportLedger

// ExportLedgerTest is one named test of the ExportLedger suite.
type ExportLedgerTest struct {
	Name string
	Run  func(t *testing.T, f ExportLedgerFeatures, newLedger NewExportLedger)
}

// ExportLedgerTests is the ExportLedger suite; RunExportLedger runs all of
// it, a ledger may run a subset.
var ExportLedgerTests = []ExportLedgerTest{
	{"UnknownOrderHasNoRecord", testLedgerUnknown},
	{"EveryFieldIsReadBackExactly", testLedgerRoundTrip},
	{"PutReplacesTheWholeRecord", testLedgerReplace},
	{"RecordsAreKeptPerOrder", testLedgerPerOrder},
	{"ExportLifecycleReadsBackAtEachStep", testLedgerLifecycle},
	{"RecordsSurviveAReopen", testLedgerReopen},
	{"ConcurrentWritersOfDifferentOrdersLoseNothing", testLedgerConcurrentOrders},
	{"ConcurrentWritersOfOneOrderLeaveOneWholeRecord", testLedgerConcurrentOneOrder},
	{"EndedContextIsAnErrorAndChangesNothing", testLedgerEndedContext},
}

// RunExportLedger checks that an erp.ExportLedger honours its contract: a
// record reads back field for field (Updated to the nanosecond, in UTC or
// not), a put replaces the whole record, records of different orders are
// independent, concurrent writers lose nothing and never tear a record, and
// an ended context is an error that writes nothing.
func RunExportLedger(t *testing.T, f ExportLedgerFeatures, newLedger NewExportLedger) {
	for _, tc := range ExportLedgerTests {
		t.Run(tc.Name, func(t *testing.T) { tc.Run(t, f, newLedger) })
	}
}

var ledgerAt = time.Date(2026, 11, 27, 14, 3, 5, 123456789, time.UTC)

func mustPut(t *testing.T, l erp.ExportLedger, rec erp.ExportRecord) {
	t.Helper()
	if err := l.PutExportRecord(context.Background(), rec); err != nil {
		t.Fatalf("PutExportRecord(%s, %s): %v", rec.OrderNo, rec.State, err)
	}
}

func mustRecord(t *testing.T, l erp.ExportLedger, orderNo string) erp.ExportRecord {
	t.Helper()
	rec, ok, err := l.ExportRecord(context.Background(), orderNo)
	if err != nil || !ok {
		t.Fatalf("ExportRecord(%s) = %v, %v; want a record", orderNo, ok, err)
	}
	return rec
}

// sameRecord compares field by field, times by instant.
func sameRecord(t *testing.T, what string, got, want erp.ExportRecord) {
	t.Helper()
	if got.OrderNo != want.OrderNo || got.State != want.State || got.DocumentNo != want.DocumentNo ||
		got.JournalEntryNo != want.JournalEntryNo || got.Reason != want.Reason || !got.Updated.Equal(want.Updated) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func exported(orderNo string, n int) erp.ExportRecord {
	return erp.ExportRecord{OrderNo: orderNo, State: erp.ExportStateExported,
		DocumentNo: fmt.Sprintf("SO%06d", n), JournalEntryNo: fmt.Sprintf("JE%06d", n),
		Updated: ledgerAt.Add(time.Duration(n) * time.Second)}
}

func testLedgerUnknown(t *testing.T, _ ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	rec, ok, err := l.ExportRecord(context.Background(), "00009999")
	if err != nil || ok || rec != (erp.ExportRecord{}) {
		t.Fatalf("ExportRecord(unknown) = %+v, %v, %v; want zero, false, nil", rec, ok, err)
	}
}

func testLedgerRoundTrip(t *testing.T, _ ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	// A long reason with multi-byte text, as Exporter writes for a FAILED
	// order (capped at erp.DefaultExportErrorLength bytes).
	reason := strings.Repeat("é", erp.DefaultExportErrorLength/2)
	cases := []erp.ExportRecord{
		exported("00001001", 1),
		{OrderNo: "00001002", State: erp.ExportStateFailed, Reason: reason, Updated: ledgerAt},
		{OrderNo: "00001003", State: erp.ExportStateDocumentCreated, DocumentNo: "SO-Ü-42", Updated: ledgerAt.In(time.FixedZone("CET", 3600))},
		{OrderNo: "ORD 'quoted' ?", State: erp.ExportStateJournalPosted, DocumentNo: "SO1", JournalEntryNo: "JE1"},
	}
	for _, rec := range cases {
		mustPut(t, l, rec)
	}
	for _, want := range cases {
		got := mustRecord(t, l, want.OrderNo)
		sameRecord(t, "record "+want.OrderNo, got, want)
		if want.Updated.IsZero() != got.Updated.IsZero() {
			t.Fatalf("record %s: Updated %v, want %v", want.OrderNo, got.Updated, want.Updated)
		}
	}
}

func testLedgerReplace(t *testing.T, _ ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	mustPut(t, l, erp.ExportRecord{OrderNo: "00002001", State: erp.ExportStateFailed, Reason: "mapping: no GL account for payment method GIFT", Updated: ledgerAt})
	// The order is replayed once the mapping is fixed: the old reason goes.
	want := exported("00002001", 7)
	mustPut(t, l, want)
	sameRecord(t, "after the replay", mustRecord(t, l, "00002001"), want)
}

func testLedgerPerOrder(t *testing.T, _ ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	a, b := exported("00003001", 1), exported("00003002", 2)
	mustPut(t, l, a)
	mustPut(t, l, b)
	mustPut(t, l, erp.ExportRecord{OrderNo: "00003001", State: erp.ExportStateFailed, Reason: "x", Updated: ledgerAt})
	sameRecord(t, "the other order", mustRecord(t, l, "00003002"), b)
	if _, ok, _ := l.ExportRecord(context.Background(), "0000300"); ok {
		t.Fatal("a prefix of an order number has a record")
	}
}

// testLedgerLifecycle writes what Exporter writes for one order and reads
// back after each step, as a host answering "where did order X go" would.
func testLedgerLifecycle(t *testing.T, _ ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	rec := erp.ExportRecord{OrderNo: "00004001", State: erp.ExportStateDocumentCreated, DocumentNo: "SO000042", Updated: ledgerAt}
	mustPut(t, l, rec)
	sameRecord(t, "after the document", mustRecord(t, l, rec.OrderNo), rec)
	rec.State, rec.JournalEntryNo, rec.Updated = erp.ExportStateJournalPosted, "JE000042", ledgerAt.Add(time.Millisecond)
	mustPut(t, l, rec)
	sameRecord(t, "after the journal", mustRecord(t, l, rec.OrderNo), rec)
	rec.State, rec.Updated = erp.ExportStateExported, ledgerAt.Add(2*time.Millisecond)
	mustPut(t, l, rec)
	sameRecord(t, "after the mark", mustRecord(t, l, rec.OrderNo), rec)
}

func reopenLedger(t *testing.T, f ExportLedgerFeatures, l erp.ExportLedger) erp.ExportLedger {
	if f.Reopen != nil {
		return f.Reopen(t, l)
	}
	return l
}

func testLedgerReopen(t *testing.T, f ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	want := exported("00005001", 3)
	mustPut(t, l, erp.ExportRecord{OrderNo: want.OrderNo, State: erp.ExportStateDocumentCreated, DocumentNo: want.DocumentNo, Updated: ledgerAt})
	mustPut(t, l, want)
	again := reopenLedger(t, f, l)
	sameRecord(t, "after a reopen", mustRecord(t, again, want.OrderNo), want)
	// And a write through the new handle is seen through the old one.
	next := exported("00005002", 4)
	mustPut(t, again, next)
	sameRecord(t, "written through the reopened handle", mustRecord(t, l, next.OrderNo), next)
}

func testLedgerConcurrentOrders(t *testing.T, f ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	handles := []erp.ExportLedger{l, reopenLedger(t, f, l)}
	const orders = 40
	var wg sync.WaitGroup
	for i := range orders {
		wg.Go(func() {
			h := handles[i%len(handles)]
			no := fmt.Sprintf("0000%04d", 6000+i)
			// Each order goes through its three states, as an export does.
			for _, st := range []erp.ExportState{erp.ExportStateDocumentCreated, erp.ExportStateJournalPosted, erp.ExportStateExported} {
				rec := exported(no, i)
				rec.State = st
				if err := h.PutExportRecord(context.Background(), rec); err != nil {
					t.Errorf("PutExportRecord(%s, %s): %v", no, st, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i := range orders {
		no := fmt.Sprintf("0000%04d", 6000+i)
		sameRecord(t, "order "+no, mustRecord(t, l, no), exported(no, i))
	}
}

func testLedgerConcurrentOneOrder(t *testing.T, f ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	handles := []erp.ExportLedger{l, reopenLedger(t, f, l)}
	const writers = 24
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if err := handles[i%len(handles)].PutExportRecord(context.Background(), exported("00007001", i)); err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	got := mustRecord(t, l, "00007001")
	var n int
	if _, err := fmt.Sscanf(got.DocumentNo, "SO%06d", &n); err != nil || n < 0 || n >= writers {
		t.Fatalf("record after concurrent puts = %+v; want one writer's record", got)
	}
	// Every field from the same writer: no torn record.
	sameRecord(t, "record after concurrent puts", got, exported("00007001", n))
}

func testLedgerEndedContext(t *testing.T, _ ExportLedgerFeatures, newLedger NewExportLedger) {
	l := newLedger(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.PutExportRecord(ctx, exported("00008001", 1)); err == nil {
		t.Fatal("PutExportRecord with an ended context: want an error")
	}
	if _, _, err := l.ExportRecord(ctx, "00008001"); err == nil {
		t.Fatal("ExportRecord with an ended context: want an error")
	}
	if _, ok, err := l.ExportRecord(context.Background(), "00008001"); ok || err != nil {
		t.Fatalf("a put with an ended context left a record (ok %v, err %v)", ok, err)
	}
}
