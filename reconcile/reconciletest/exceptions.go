package reconciletest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/reconcile"
)

// ExceptionStoreFeatures declares what an ExceptionStore under test
// supports.
type ExceptionStoreFeatures struct {
	// Reopen, when set, returns a second handle on the same exceptions.
	Reopen func(t *testing.T, s reconcile.ExceptionStore) reconcile.ExceptionStore
}

// NewExceptionStore returns an empty store for one test.
type NewExceptionStore func(t *testing.T) reconcile.ExceptionStore

// ExceptionStoreTest is one named test of the ExceptionStore suite.
type ExceptionStoreTest struct {
	Name string
	Run  func(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore)
}

// ExceptionStoreTests is the ExceptionStore suite.
var ExceptionStoreTests = []ExceptionStoreTest{
	{"RecordKeepsFirstSeenAndMovesLastSeen", testRecordSightings},
	{"ResolveRecordsWhoWhenWhyAndALaterSightingReopens", testResolve},
	{"UnknownExceptionIsNotFound", testNotFound},
	{"InvalidInputIsRefused", testInvalidException},
	{"ListFiltersByOwnerKindAndStatus", testListFilters},
	{"ListPagesInKeyOrderByteByByte", testListPages},
	{"ConcurrentSightingsKeepOneRecord", testConcurrentSightings},
}

// RunExceptionStore checks that a reconcile.ExceptionStore honours its
// contract.
func RunExceptionStore(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	for _, tc := range ExceptionStoreTests {
		t.Run(tc.Name, func(t *testing.T) { tc.Run(t, f, newStore) })
	}
}

func otherX(t *testing.T, f ExceptionStoreFeatures, s reconcile.ExceptionStore) reconcile.ExceptionStore {
	if f.Reopen != nil {
		return f.Reopen(t, s)
	}
	return s
}

func record(t *testing.T, s reconcile.ExceptionStore, at time.Time, xs ...reconcile.Exception) {
	t.Helper()
	if err := s.Record(context.Background(), at, xs...); err != nil {
		t.Fatalf("Record: %v", err)
	}
}

func get(t *testing.T, s reconcile.ExceptionStore, id reconcile.ExceptionID) reconcile.ExceptionRecord {
	t.Helper()
	r, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%v): %v", id, err)
	}
	return r
}

func missing(order string) reconcile.Exception {
	return reconcile.Exception{Kind: reconcile.KindPaymentMissing, Owner: reconcile.OwnerFinance, Key: order, Detail: "not settled after 5 days"}
}

func testRecordSightings(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	s := newStore(t)
	x := missing("00001001")
	x.FirstSeen = t0.Add(-time.Hour) // the run found it an hour before it was recorded
	record(t, s, t0, x)
	later := x
	later.FirstSeen = t0.Add(24 * time.Hour)
	later.Detail = "not settled after 6 days"
	record(t, otherX(t, f, s), t0.Add(24*time.Hour), later)
	record(t, s, t0.Add(12*time.Hour), x) // a late report of an older sighting
	got := get(t, s, x.ID())
	if !got.FirstSeen.Equal(t0.Add(-time.Hour)) || !got.LastSeen.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("first seen %s, last seen %s; want the first sighting's time and the latest (%s, %s)",
			got.FirstSeen, got.LastSeen, t0.Add(-time.Hour), t0.Add(24*time.Hour))
	}
	if got.Owner != reconcile.OwnerFinance || got.Kind != reconcile.KindPaymentMissing || got.Key != "00001001" || !got.Open() {
		t.Errorf("record %+v; want an open finance payment-missing for 00001001", got)
	}
	// No owner given: the kind's.
	record(t, s, t0, reconcile.Exception{Kind: reconcile.KindShipmentStuck, Key: "S-1", Detail: "shipped, unfulfilled"})
	if got := get(t, s, reconcile.ExceptionID{Kind: reconcile.KindShipmentStuck, Key: "S-1"}); got.Owner != reconcile.OwnerOperations || !got.FirstSeen.Equal(t0) {
		t.Errorf("an exception without an owner or first sighting: %+v; want operations, first seen %s", got, t0)
	}
}

func testResolve(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	s := newStore(t)
	ctx := context.Background()
	x := missing("00001002")
	record(t, s, t0, x)
	if err := s.Resolve(ctx, x.ID(), "anna@finance", "written off, ticket FIN-12", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := get(t, otherX(t, f, s), x.ID())
	if got.Open() || got.ResolvedBy != "anna@finance" || !got.ResolvedAt.Equal(t0.Add(time.Hour)) || got.Note != "written off, ticket FIN-12" {
		t.Fatalf("after Resolve: %+v; want resolved by anna@finance at %s with the note", got, t0.Add(time.Hour))
	}
	record(t, s, t0.Add(30*time.Minute), x) // seen before the resolution: stays resolved
	if got := get(t, s, x.ID()); got.Open() {
		t.Fatalf("a sighting older than the resolution reopened it: %+v", got)
	}
	record(t, s, t0.Add(2*time.Hour), x)
	got = get(t, s, x.ID())
	if !got.Open() || got.ResolvedBy != "" || got.Note != "written off, ticket FIN-12" || !got.FirstSeen.Equal(t0) {
		t.Fatalf("after a sighting past the resolution: %+v; want it open again, the note and first sighting kept", got)
	}
}

func testNotFound(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	s := newStore(t)
	ctx := context.Background()
	id := reconcile.ExceptionID{Kind: reconcile.KindChargeback, Key: "psp-1"}
	if _, err := s.Get(ctx, id); !errors.Is(err, reconcile.ErrExceptionNotFound) {
		t.Errorf("Get of an unknown exception: %v, want ErrExceptionNotFound", err)
	}
	if err := s.Resolve(ctx, id, "anna", "", t0); !errors.Is(err, reconcile.ErrExceptionNotFound) {
		t.Errorf("Resolve of an unknown exception: %v, want ErrExceptionNotFound", err)
	}
}

func testInvalidException(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	s := newStore(t)
	ctx := context.Background()
	if err := s.Record(ctx, t0, missing("ok"), reconcile.Exception{Kind: reconcile.KindChargeback}); err == nil {
		t.Error("an exception without a key was recorded")
	}
	if _, err := s.Get(ctx, missing("ok").ID()); !errors.Is(err, reconcile.ErrExceptionNotFound) {
		t.Errorf("a refused Record stored its valid exceptions: %v", err)
	}
	record(t, s, t0, missing("ok"))
	if err := s.Resolve(ctx, missing("ok").ID(), "", "", t0); err == nil {
		t.Error("Resolve without who resolved it succeeded")
	}
	for _, q := range []reconcile.ExceptionQuery{{Status: "closed"}, {Limit: -1}, {Limit: reconcile.MaxExceptionPage + 1}} {
		if _, err := s.List(ctx, q); err == nil {
			t.Errorf("List(%+v) succeeded; want an error", q)
		}
	}
}

func ids(p reconcile.ExceptionPage) []string {
	var out []string
	for _, r := range p.Records {
		out = append(out, string(r.Kind)+" "+r.Key)
	}
	return out
}

func list(t *testing.T, s reconcile.ExceptionStore, q reconcile.ExceptionQuery) reconcile.ExceptionPage {
	t.Helper()
	p, err := s.List(context.Background(), q)
	if err != nil {
		t.Fatalf("List(%+v): %v", q, err)
	}
	return p
}

func testListFilters(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	s := newStore(t)
	record(t, s, t0, missing("1"), missing("2"),
		reconcile.Exception{Kind: reconcile.KindShipmentStuck, Key: "S-1"},
		reconcile.Exception{Kind: reconcile.KindChargeback, Key: "psp-9"})
	if err := s.Resolve(context.Background(), missing("2").ID(), "anna", "paid late", t0); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    reconcile.ExceptionQuery
		want []string
	}{
		{reconcile.ExceptionQuery{}, []string{"chargeback psp-9", "payment-missing 1", "payment-missing 2", "shipment-stuck S-1"}},
		{reconcile.ExceptionQuery{Owner: reconcile.OwnerFinance}, []string{"chargeback psp-9", "payment-missing 1", "payment-missing 2"}},
		{reconcile.ExceptionQuery{Owner: reconcile.OwnerFinance, Status: reconcile.StatusOpen}, []string{"chargeback psp-9", "payment-missing 1"}},
		{reconcile.ExceptionQuery{Kind: reconcile.KindPaymentMissing, Status: reconcile.StatusResolved}, []string{"payment-missing 2"}},
		{reconcile.ExceptionQuery{Owner: reconcile.OwnerOperations}, []string{"shipment-stuck S-1"}},
		{reconcile.ExceptionQuery{Owner: reconcile.OwnerEcommerce}, nil},
	} {
		p := list(t, otherX(t, f, s), c.q)
		if got := ids(p); !slices.Equal(got, c.want) || p.More() {
			t.Errorf("List(%+v) = %q (more %v); want %q on one page", c.q, got, p.More(), c.want)
		}
	}
}

func testListPages(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	s := newStore(t)
	var xs []reconcile.Exception
	var want []string
	// Keys whose byte order differs from a locale's: case, punctuation,
	// non-ASCII.
	for i := range 250 {
		key := fmt.Sprintf("%s%03d", []string{"a", "B", "_x", "ä", "Z-"}[i%5], i)
		xs = append(xs, missing(key))
		want = append(want, "payment-missing "+key)
	}
	slices.Sort(want)
	record(t, s, t0, xs...)
	var got []string
	q := reconcile.ExceptionQuery{Limit: 100}
	pages := 0
	for {
		p := list(t, s, q)
		pages++
		got = append(got, ids(p)...)
		if !p.More() {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		q.After = p.Next
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Fatalf("%d pages of 100 listed %d exceptions; want 3 pages holding all 250 in byte order of key\ngot  %q\nwant %q", pages, len(got), got[:min(10, len(got))], want[:10])
	}
	if p := list(t, s, reconcile.ExceptionQuery{}); len(p.Records) != reconcile.DefaultExceptionPage || !p.More() {
		t.Errorf("default page holds %d (more %v); want %d and more", len(p.Records), p.More(), reconcile.DefaultExceptionPage)
	}
}

func testConcurrentSightings(t *testing.T, f ExceptionStoreFeatures, newStore NewExceptionStore) {
	a := newStore(t)
	b := otherX(t, f, a)
	var wg sync.WaitGroup
	for i := range 12 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			if err := s.Record(context.Background(), t0.Add(time.Duration(i)*time.Minute), missing("hot"), missing(fmt.Sprint("cold-", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := get(t, a, missing("hot").ID())
	if !got.LastSeen.Equal(t0.Add(11 * time.Minute)) {
		t.Errorf("last seen %s after 12 concurrent sightings; want the latest, %s", got.LastSeen, t0.Add(11*time.Minute))
	}
	if p := list(t, a, reconcile.ExceptionQuery{}); len(p.Records) != 13 {
		t.Errorf("%d records after sightings of 13 exceptions: %q", len(p.Records), ids(p))
	}
}
