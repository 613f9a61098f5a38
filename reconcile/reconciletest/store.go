// Package reconciletest holds conformance suites for the stores reconcile
// depends on, so a host's own reconcile.Store or reconcile.ExceptionStore can
// prove it honours the contract the memory stores honour: each suite is a
// table of named tests (StoreTests, ExceptionStoreTests) run by RunStore and
// RunExceptionStore with the features the store under test declares.
package reconciletest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/reconcile"
)

// StoreFeatures declares what a Store under test supports.
type StoreFeatures struct {
	// Reopen, when set, returns a second handle on the same state (as
	// another process would open); the cross-handle tests use it.
	Reopen func(t *testing.T, s reconcile.Store) reconcile.Store
	// Release, when set, ends a run's hold on the store without storing
	// (FileStore.Unlock); tests call it after reads that no Apply follows.
	Release func(s reconcile.Store)
	// ExclusiveRuns is a store one run at a time may read across handles
	// (FileStore): a second handle's read while a run holds the store fails
	// with reconcile.ErrStateLocked instead of racing to Apply.
	ExclusiveRuns bool
}

// NewStore returns an empty store for one test.
type NewStore func(t *testing.T) reconcile.Store

// StoreTest is one named test of the Store suite.
type StoreTest struct {
	Name string
	Run  func(t *testing.T, f StoreFeatures, newStore NewStore)
}

// StoreTests is the Store suite.
var StoreTests = []StoreTest{
	{"EmptyStoreHasNothing", testEmpty},
	{"AddedItemsAreListedExactlyAtVersionOne", testAddList},
	{"SettleNamesTheVersionItRead", testSettle},
	{"CloseRemovesTheItemAndRecordsTheKey", testClose},
	{"AKnownKeyCannotBeAddedAgain", testAddKnown},
	{"ChangesApplyAllOrNothing", testAtomic},
	{"SeenFilesAreFoundByDigestOrBatch", testSeenFiles},
	{"ClosedKeysBeforeTheRetentionArePurged", testPurge},
	{"ManyKeysInOneLookup", testManyKeys},
	{"TwoRunsOnOneItemNeverLoseAnUpdate", testLostUpdate},
	{"ConcurrentReconcilersSettleEachItemOnce", testConcurrentReconcilers},
}

// RunStore checks that a reconcile.Store honours its contract.
func RunStore(t *testing.T, f StoreFeatures, newStore NewStore) {
	for _, tc := range StoreTests {
		t.Run(tc.Name, func(t *testing.T) { tc.Run(t, f, newStore) })
	}
}

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 123456789, time.UTC)

func dec(s string) decimal.Decimal { return decimal.MustParse(s) }

func must(d decimal.Decimal, err error) decimal.Decimal {
	if err != nil {
		panic(err)
	}
	return d
}

// Payment is an expected payment of order no for amount (EUR), placed on
// 2026-11-03: the items the suites store.
func Payment(no, amount string) reconcile.Expected {
	return reconcile.Expected{Kind: reconcile.ExpectedPayment, OrderNo: no, PSPReference: "psp-" + no, Method: "visa",
		Amount: dec(amount), Currency: "EUR", Date: time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)}
}

func open(e reconcile.Expected, settled string) reconcile.OpenItem {
	return reconcile.OpenItem{Expected: e, Settled: dec(settled), FirstSeen: t0}
}

func release(f StoreFeatures, s reconcile.Store) {
	if f.Release != nil {
		f.Release(s)
	}
}

func other(t *testing.T, f StoreFeatures, s reconcile.Store) reconcile.Store {
	if f.Reopen != nil {
		return f.Reopen(t, s)
	}
	return s
}

func apply(t *testing.T, s reconcile.Store, c reconcile.Changes) {
	t.Helper()
	if err := s.Apply(context.Background(), c); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func conflict(t *testing.T, s reconcile.Store, c reconcile.Changes, what string) {
	t.Helper()
	err := s.Apply(context.Background(), c)
	var ce *reconcile.ConflictError
	if !errors.Is(err, reconcile.ErrConflict) || !errors.As(err, &ce) {
		t.Fatalf("Apply of %s: %v, want a *ConflictError", what, err)
	}
}

func openItems(t *testing.T, s reconcile.Store) []reconcile.StoredItem {
	t.Helper()
	items, err := s.OpenItems(context.Background())
	if err != nil {
		t.Fatalf("OpenItems: %v", err)
	}
	return items
}

func describe(items []reconcile.StoredItem) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%s settled %s v%d; ", it.Expected.Key(), it.Settled, it.Version)
	}
	return b.String()
}

func closedKeys(t *testing.T, s reconcile.Store, keys ...string) map[string]bool {
	t.Helper()
	got, err := s.ClosedKeys(context.Background(), keys)
	if err != nil {
		t.Fatalf("ClosedKeys: %v", err)
	}
	return got
}

func testEmpty(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	defer release(f, s)
	if items := openItems(t, s); len(items) != 0 {
		t.Errorf("a new store has open items: %s", describe(items))
	}
	if c := closedKeys(t, s, "payment|1|psp-1||0"); len(c) != 0 {
		t.Errorf("a new store has closed keys: %v", c)
	}
	files, err := s.SeenFiles(context.Background(), []string{"ab"}, []string{"adyen/1"})
	if err != nil || len(files) != 0 {
		t.Errorf("a new store has seen files: %v, %v", files, err)
	}
	apply(t, s, reconcile.Changes{}) // nothing to store is no error
}

func testAddList(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	refund := reconcile.Expected{Kind: reconcile.ExpectedRefund, OrderNo: "2", PSPReference: "psp-2", RefundID: "r-1",
		Amount: dec("-5.000"), Currency: "BHD", Date: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), Seq: 2}
	want := []reconcile.OpenItem{open(Payment("1", "10.50"), "4.00"), open(refund, "0.000")}
	apply(t, s, reconcile.Changes{Add: want})
	got := openItems(t, other(t, f, s))
	if len(got) != 2 {
		t.Fatalf("open items %s; want the two added", describe(got))
	}
	slices.SortFunc(got, func(a, b reconcile.StoredItem) int { return strings.Compare(a.Expected.OrderNo, b.Expected.OrderNo) })
	for i, g := range got {
		w := want[i]
		if g.Version != 1 || g.Expected.Key() != w.Expected.Key() || g.Settled.String() != w.Settled.String() ||
			g.Expected.Amount.String() != w.Expected.Amount.String() || !g.FirstSeen.Equal(w.FirstSeen) ||
			!g.Expected.Date.Equal(w.Expected.Date) || g.Expected.Currency != w.Expected.Currency || g.Expected.Method != w.Expected.Method {
			t.Errorf("item %d read back as %+v v%d; want %+v at version 1 (amounts with their scale, times to the nanosecond)", i, g.OpenItem, g.Version, w)
		}
	}
	release(f, s)
}

func testSettle(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	p := Payment("1", "10.50")
	apply(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(p, "0.00")}})
	apply(t, s, reconcile.Changes{Settle: []reconcile.Settlement{{Key: p.Key(), Version: 1, Settled: dec("4.00")}}})
	conflict(t, s, reconcile.Changes{Settle: []reconcile.Settlement{{Key: p.Key(), Version: 1, Settled: dec("9.00")}}}, "a settlement at a stale version")
	conflict(t, s, reconcile.Changes{Settle: []reconcile.Settlement{{Key: "payment|9|psp-9||0", Version: 1, Settled: dec("1")}}}, "a settlement of an unknown item")
	got := openItems(t, s)
	if len(got) != 1 || got[0].Version != 2 || got[0].Settled.String() != "4.00" {
		t.Fatalf("after one settlement and a stale one: %s; want settled 4.00 at version 2", describe(got))
	}
	release(f, s)
}

func testClose(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	a, b := Payment("1", "10.00"), Payment("2", "20.00")
	apply(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(a, "0"), open(b, "0")}})
	// b is closed by the run that adds it (Version 0); a was open at 1.
	apply(t, s, reconcile.Changes{Close: []reconcile.Closure{{Key: a.Key(), Version: 1, At: t0}}})
	c := Payment("3", "30.00")
	apply(t, s, reconcile.Changes{Close: []reconcile.Closure{{Key: c.Key(), At: t0}}})
	got := openItems(t, s)
	if len(got) != 1 || got[0].Expected.Key() != b.Key() {
		t.Fatalf("open after closing 1: %s; want only 2", describe(got))
	}
	release(f, s)
	o := other(t, f, s)
	closed := closedKeys(t, o, a.Key(), b.Key(), c.Key())
	if !closed[a.Key()] || closed[b.Key()] || !closed[c.Key()] {
		t.Fatalf("closed keys %v; want 1 and 3", closed)
	}
	release(f, o)
	conflict(t, s, reconcile.Changes{Close: []reconcile.Closure{{Key: c.Key(), At: t0}}}, "closing a closed key again")
	conflict(t, s, reconcile.Changes{Close: []reconcile.Closure{{Key: a.Key(), Version: 1, At: t0}}}, "closing an item no longer open")
	release(f, s)
}

func testAddKnown(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	a, b := Payment("1", "10.00"), Payment("2", "20.00")
	apply(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(a, "0")}, Close: []reconcile.Closure{{Key: b.Key(), At: t0}}})
	conflict(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(a, "0")}}, "adding an open key")
	conflict(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(b, "0")}}, "adding a closed key")
	conflict(t, s, reconcile.Changes{Close: []reconcile.Closure{{Key: a.Key(), At: t0}}}, "closing an open item as new")
	if got := openItems(t, s); len(got) != 1 || got[0].Version != 1 {
		t.Fatalf("after refused changes: %s; want 1 at version 1", describe(got))
	}
	release(f, s)
}

func testAtomic(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	ctx := context.Background()
	a := Payment("1", "10.00")
	apply(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(a, "0")},
		Files: []reconcile.SeenFile{{Name: "b1.csv", Digest: "d1", Provider: "adyen", FirstSeen: t0, Batches: []string{"adyen/1"}}}})
	// Everything in this set holds but the file, seen already.
	b := Payment("2", "20.00")
	conflict(t, s, reconcile.Changes{
		Add:    []reconcile.OpenItem{open(b, "0")},
		Settle: []reconcile.Settlement{{Key: a.Key(), Version: 1, Settled: dec("5.00")}},
		Close:  []reconcile.Closure{{Key: Payment("3", "1").Key(), At: t0}},
		Files:  []reconcile.SeenFile{{Name: "b1-again.csv", Digest: "d1", Provider: "adyen", FirstSeen: t0}},
	}, "a set with a file seen already")
	got := openItems(t, s)
	if len(got) != 1 || got[0].Version != 1 || !got[0].Settled.IsZero() {
		t.Errorf("a refused set left changes behind: %s; want 1 unsettled at version 1", describe(got))
	}
	if c := closedKeys(t, s, Payment("3", "1").Key()); len(c) != 0 {
		t.Errorf("a refused set closed %v", c)
	}
	// A batch seen under another digest is refused the same way.
	conflict(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(b, "0")},
		Files: []reconcile.SeenFile{{Name: "b1-reissued.csv", Digest: "d2", Provider: "adyen", FirstSeen: t0, Batches: []string{"adyen/1"}}}},
		"a file of a batch seen already")
	if files, err := s.SeenFiles(ctx, []string{"d2"}, nil); err != nil || len(files) != 0 {
		t.Errorf("a refused file is seen: %v, %v", files, err)
	}
	if got := openItems(t, s); len(got) != 1 {
		t.Errorf("a refused set added items: %s", describe(got))
	}
	release(f, s)
}

func testSeenFiles(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	ctx := context.Background()
	apply(t, s, reconcile.Changes{Files: []reconcile.SeenFile{
		{Name: "b1.csv", Digest: "d1", Provider: "adyen", FirstSeen: t0, Batches: []string{"adyen/1", "adyen/1b"}},
		{Name: "po.csv", Digest: "d2", Provider: "stripe", FirstSeen: t0.Add(time.Hour)},
	}})
	o := other(t, f, s)
	byDigest, err := o.SeenFiles(ctx, []string{"d2", "d9"}, nil)
	if err != nil || len(byDigest) != 1 || byDigest[0].Name != "po.csv" || byDigest[0].Provider != "stripe" || !byDigest[0].FirstSeen.Equal(t0.Add(time.Hour)) {
		t.Fatalf("SeenFiles(d2, d9) = %+v, %v; want po.csv as stored", byDigest, err)
	}
	byBatch, err := o.SeenFiles(ctx, []string{"d9"}, []string{"adyen/1b"})
	if err != nil || len(byBatch) != 1 || byBatch[0].Digest != "d1" || !slices.Equal(byBatch[0].Batches, []string{"adyen/1", "adyen/1b"}) {
		t.Fatalf("SeenFiles by batch adyen/1b = %+v, %v; want b1.csv with both its batches", byBatch, err)
	}
	both, err := o.SeenFiles(ctx, []string{"d1"}, []string{"adyen/1"})
	if err != nil || len(both) != 1 {
		t.Fatalf("a file found by digest and batch is listed %d times (%v); want once", len(both), err)
	}
	release(f, o)
	conflict(t, s, reconcile.Changes{Files: []reconcile.SeenFile{{Name: "po-copy.csv", Digest: "d2", Provider: "stripe", FirstSeen: t0}}}, "marking a seen file again")
	release(f, s)
}

func testPurge(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	old, recent := Payment("1", "1"), Payment("2", "2")
	apply(t, s, reconcile.Changes{Close: []reconcile.Closure{{Key: old.Key(), At: t0.Add(-31 * 24 * time.Hour)}, {Key: recent.Key(), At: t0.Add(-29 * 24 * time.Hour)}}})
	apply(t, s, reconcile.Changes{PurgeClosedBefore: t0.Add(-30 * 24 * time.Hour)})
	got := closedKeys(t, s, old.Key(), recent.Key())
	if got[old.Key()] || !got[recent.Key()] {
		t.Fatalf("after purging keys closed over 30 days ago: %v; want only the recent one", got)
	}
	// A purged key is forgotten: the item may be added again.
	apply(t, s, reconcile.Changes{Add: []reconcile.OpenItem{open(old, "0")}})
	release(f, s)
}

func testManyKeys(t *testing.T, f StoreFeatures, newStore NewStore) {
	s := newStore(t)
	var closes []reconcile.Closure
	var keys, digests []string
	var files []reconcile.SeenFile
	for i := range 1200 {
		k := Payment(fmt.Sprint(i), "1").Key()
		keys = append(keys, k, k+"-never")
		if i%3 == 0 {
			closes = append(closes, reconcile.Closure{Key: k, At: t0})
		}
		d := fmt.Sprintf("digest-%d", i)
		digests = append(digests, d)
		if i%4 == 0 {
			files = append(files, reconcile.SeenFile{Name: d + ".csv", Digest: d, Provider: "paypal", FirstSeen: t0})
		}
	}
	apply(t, s, reconcile.Changes{Close: closes, Files: files})
	if got := closedKeys(t, s, keys...); len(got) != len(closes) {
		t.Errorf("ClosedKeys of 2400 keys found %d; want the %d closed", len(got), len(closes))
	}
	if got, err := s.SeenFiles(context.Background(), digests, nil); err != nil || len(got) != len(files) {
		t.Errorf("SeenFiles of 1200 digests found %d (%v); want the %d seen", len(got), err, len(files))
	}
	release(f, s)
}

func testLostUpdate(t *testing.T, f StoreFeatures, newStore NewStore) {
	a := newStore(t)
	p, q := Payment("1", "10.00"), Payment("2", "20.00")
	apply(t, a, reconcile.Changes{Add: []reconcile.OpenItem{open(p, "0"), open(q, "0")}})
	b := other(t, f, a)
	if f.ExclusiveRuns {
		// The second run cannot read while the first holds the store.
		readA := openItems(t, a)
		if _, err := b.OpenItems(context.Background()); !errors.Is(err, reconcile.ErrStateLocked) {
			t.Fatalf("a second run's read while the first holds the store: %v, want ErrStateLocked", err)
		}
		apply(t, a, reconcile.Changes{Settle: []reconcile.Settlement{{Key: p.Key(), Version: readA[0].Version, Settled: dec("3.00")}}})
		got := openItems(t, b)
		if len(got) != 2 || got[0].Settled.String() != "3.00" || got[0].Version != 2 {
			t.Fatalf("the second run reads %s; want the first run's change (1 settled 3.00 at version 2)", describe(got))
		}
		release(f, b)
		return
	}
	// Both runs read item 1 at version 1.
	readA, readB := openItems(t, a), openItems(t, b)
	if len(readA) != 2 || len(readB) != 2 {
		t.Fatalf("reads %s / %s", describe(readA), describe(readB))
	}
	apply(t, a, reconcile.Changes{Settle: []reconcile.Settlement{{Key: p.Key(), Version: readA[0].Version, Settled: dec("3.00")}}})
	conflict(t, b, reconcile.Changes{Close: []reconcile.Closure{{Key: p.Key(), Version: readB[0].Version, At: t0}}}, "the second run's close of an item the first changed")
	// Changes to other items land side by side.
	apply(t, b, reconcile.Changes{Close: []reconcile.Closure{{Key: q.Key(), Version: 1, At: t0}}})
	got := openItems(t, a)
	if len(got) != 1 || got[0].Settled.String() != "3.00" || got[0].Version != 2 {
		t.Fatalf("after both runs: %s; want 1 settled 3.00 at version 2 (the first run's change), 2 closed", describe(got))
	}
	release(f, a)
}

// adyenHeader is the header of Adyen's settlement details report.
const adyenHeader = "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number\n"

// AdyenBatch is an Adyen settlement details report of one batch capturing
// the whole amount (with a 1% commission) of each expected payment, and
// its payout row.
func AdyenBatch(batch int, payments ...reconcile.Expected) string {
	var b strings.Builder
	b.WriteString(adyenHeader)
	total := decimal.Zero
	for i, p := range payments {
		fee := must(p.Amount.Mul(dec("0.01"))).Round(2)
		net := must(p.Amount.Sub(fee))
		total = must(total.Add(net))
		fmt.Fprintf(&b, "ShopCo,ShopCoEU,%s,%s,visa,2026-11-04 10:%02d:00,CET,Settled,mod-%d-%s,EUR,,%s,1,EUR,,%s,%s,,,,visacredit,,%d\n",
			p.PSPReference, p.OrderNo, i%60, batch, p.OrderNo, p.Amount.Round(2), net, fee, batch)
	}
	fmt.Fprintf(&b, "ShopCo,ShopCoEU,,,,2026-11-05 06:00:00,CET,MerchantPayout,,EUR,%s,,,EUR,%s,,,,,,,,%d\n", total, total, batch)
	return b.String()
}

func testConcurrentReconcilers(t *testing.T, f StoreFeatures, newStore NewStore) {
	first := newStore(t)
	ctx := context.Background()
	var expected []reconcile.Expected
	for i := range 24 {
		expected = append(expected, Payment(fmt.Sprintf("%05d", i), fmt.Sprintf("%d.50", 10+i)))
	}
	batches := []string{AdyenBatch(1, expected[0:8]...), AdyenBatch(2, expected[8:16]...), AdyenBatch(3, expected[16:24]...)}
	// Three runs, each with all the expected payments and two of the three
	// files: every file is in two runs.
	plans := [][]int{{0, 1}, {1, 2}, {2, 0}}
	type outcome struct {
		matched map[string]int
		err     error
	}
	results := make(chan outcome, len(plans))
	var wg sync.WaitGroup
	for i, plan := range plans {
		s := first
		if i > 0 {
			s = other(t, f, first)
		}
		wg.Go(func() {
			r, err := reconcile.New(reconcile.Config{Store: s, Now: func() time.Time { return t0 }})
			if err != nil {
				results <- outcome{err: err}
				return
			}
			for attempt := 0; ; attempt++ {
				var files []reconcile.SettlementFile
				for _, n := range plan {
					files = append(files, reconcile.SettlementFile{Name: fmt.Sprintf("batch-%d.csv", n+1), Format: reconcile.Adyen{}, Body: strings.NewReader(batches[n])})
				}
				rep, err := r.Run(ctx, reconcile.Input{Expected: expected, Files: files})
				if (errors.Is(err, reconcile.ErrConflict) || errors.Is(err, reconcile.ErrStateLocked)) && attempt < 10000 {
					continue // another run stored first: read the new state
				}
				if err != nil {
					results <- outcome{err: err}
					return
				}
				m := map[string]int{}
				for _, x := range rep.Matched {
					for _, e := range x.Expected {
						m[e.OrderNo]++
					}
				}
				results <- outcome{matched: m}
				return
			}
		})
	}
	wg.Wait()
	close(results)
	matched := map[string]int{}
	for o := range results {
		if o.err != nil {
			t.Fatalf("a run failed: %v", o.err)
		}
		for k, n := range o.matched {
			matched[k] += n
		}
	}
	for _, e := range expected {
		if matched[e.OrderNo] != 1 {
			t.Errorf("order %s matched %d times across the committed runs; want exactly once", e.OrderNo, matched[e.OrderNo])
		}
	}
	if items := openItems(t, first); len(items) != 0 {
		t.Errorf("items still open after every file was reconciled: %s", describe(items))
	}
	var keys []string
	for _, e := range expected {
		keys = append(keys, e.Key())
	}
	if c := closedKeys(t, first, keys...); len(c) != len(expected) {
		t.Errorf("%d of %d items closed", len(c), len(expected))
	}
	release(f, first)
}
