package wmstest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
)

// LevelStoreFeatures declares what a wms.LevelStore under test supports.
type LevelStoreFeatures struct {
	// Reopen, when set, returns a new handle on the same stored data (a
	// new connection pool, as a restarted process would open). Without it
	// the restart tests reuse the handle, which proves the Pusher's part
	// but not durability.
	Reopen func(t *testing.T, s wms.LevelStore) wms.LevelStore
}

// NewLevelStore returns an empty store for one test.
type NewLevelStore func(t *testing.T) wms.LevelStore

// LevelStoreTest is one named test of the LevelStore suite.
type LevelStoreTest struct {
	Name string
	Run  func(t *testing.T, f LevelStoreFeatures, newStore NewLevelStore)
}

// LevelStoreTests is the LevelStore suite; RunLevelStore runs all of it, a
// store may run a subset.
var LevelStoreTests = []LevelStoreTest{
	{"NewestLevelWinsPerLocation", testNewestLevelWins},
	{"LevelsAreKeptPerListSKUAndLocation", testLevelsPerKey},
	{"PushedIsReadBackExactly", testPushedRoundTrip},
	{"ConcurrentSettersKeepTheNewest", testConcurrentSetters},
	{"RestartedPusherSumsEveryLocation", testRestartSumsEveryLocation},
	{"PrimedRestartedPusherSumsEveryLocation", testRestartPrimedSumsEveryLocation},
	{"RestartedPusherDoesNotRepeatAPush", testRestartNoRepeat},
	{"EndedContextIsAnError", testLevelStoreEndedContext},
}

// RunLevelStore checks that a wms.LevelStore honours its contract.
func RunLevelStore(t *testing.T, f LevelStoreFeatures, newStore NewLevelStore) {
	for _, tc := range LevelStoreTests {
		t.Run(tc.Name, func(t *testing.T) { tc.Run(t, f, newStore) })
	}
}

var levelAt = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func lvl(sku, loc string, avail int64, seq int64) wms.StockLevel {
	return wms.StockLevel{SKU: sku, Location: loc, Available: decimal.MustNew(avail, 0), Sequence: seq,
		At: levelAt.Add(time.Duration(seq) * time.Second)}
}

func mustSet(t *testing.T, s wms.LevelStore, list string, l wms.StockLevel, want bool) {
	t.Helper()
	ok, err := s.SetLevel(context.Background(), list, l)
	if err != nil || ok != want {
		t.Fatalf("SetLevel(%s %s@%s seq %d) = %v, %v; want %v", list, l.SKU, l.Location, l.Sequence, ok, err, want)
	}
}

func mustLevels(t *testing.T, s wms.LevelStore, list, sku string) []wms.StockLevel {
	t.Helper()
	ls, err := s.Levels(context.Background(), list, sku)
	if err != nil {
		t.Fatalf("Levels(%s, %s): %v", list, sku, err)
	}
	return ls
}

func testNewestLevelWins(t *testing.T, _ LevelStoreFeatures, newStore NewLevelStore) {
	s := newStore(t)
	mustSet(t, s, "L", lvl("A", "W1", 10, 2), true)
	mustSet(t, s, "L", lvl("A", "W1", 3, 1), false) // older
	mustSet(t, s, "L", lvl("A", "W1", 4, 2), false) // re-delivery
	mustSet(t, s, "L", lvl("A", "W1", 7, 3), true)
	// Without sequences the timestamp decides.
	mustSet(t, s, "L", wms.StockLevel{SKU: "B", Location: "W1", Available: decimal.MustNew(5, 0), At: levelAt}, true)
	mustSet(t, s, "L", wms.StockLevel{SKU: "B", Location: "W1", Available: decimal.MustNew(6, 0), At: levelAt.Add(-time.Second)}, false)
	ls := mustLevels(t, s, "L", "A")
	if len(ls) != 1 || ls[0].Available.Cmp(decimal.MustNew(7, 0)) != 0 || ls[0].Sequence != 3 || !ls[0].At.Equal(levelAt.Add(3*time.Second)) {
		t.Fatalf("Levels(A) = %+v; want W1 = 7 at sequence 3", ls)
	}
}

func testLevelsPerKey(t *testing.T, _ LevelStoreFeatures, newStore NewLevelStore) {
	s := newStore(t)
	mustSet(t, s, "L1", lvl("A", "W2", 5, 1), true)
	mustSet(t, s, "L1", lvl("A", "W1", 10, 1), true)
	mustSet(t, s, "L2", lvl("A", "W1", 99, 1), true)
	mustSet(t, s, "L1", lvl("B", "W1", 42, 1), true)
	mustSet(t, s, "L1", wms.StockLevel{SKU: "A", Available: decimal.MustNew(-2, 0), Sequence: 1}, true) // default location, oversold
	ls := mustLevels(t, s, "L1", "A")
	got := ""
	for _, l := range ls {
		got += fmt.Sprintf("%s=%s;", l.Location, l.Available)
	}
	if got != "=-2;W1=10;W2=5;" {
		t.Fatalf("Levels(L1, A) = %s; want =-2;W1=10;W2=5; (sorted by location)", got)
	}
	if ls := mustLevels(t, s, "L1", "NONE"); len(ls) != 0 {
		t.Fatalf("Levels of an unknown SKU = %v", ls)
	}
}

func testPushedRoundTrip(t *testing.T, _ LevelStoreFeatures, newStore NewLevelStore) {
	ctx := context.Background()
	s := newStore(t)
	if _, ok, err := s.Pushed(ctx, "L", "A"); ok || err != nil {
		t.Fatalf("Pushed before any push = %v, %v", ok, err)
	}
	want := wms.PushedAllocation{Allocation: decimal.MustNew(12345, 3), At: levelAt}
	for _, p := range []wms.PushedAllocation{{Allocation: decimal.MustNew(1, 0), At: levelAt.Add(-time.Hour)}, want} {
		if err := s.SetPushed(ctx, "L", "A", p); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := s.Pushed(ctx, "L", "A")
	if err != nil || !ok || got.Allocation.Cmp(want.Allocation) != 0 || got.Allocation.Scale() != 3 || !got.At.Equal(want.At) {
		t.Fatalf("Pushed = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if _, ok, _ := s.Pushed(ctx, "OTHER", "A"); ok {
		t.Fatal("Pushed of another list reports a push")
	}
}

func testConcurrentSetters(t *testing.T, _ LevelStoreFeatures, newStore NewLevelStore) {
	s := newStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for i := 1; i <= 24; i++ {
		wg.Go(func() {
			ok, err := s.SetLevel(context.Background(), "L", lvl("A", "W1", int64(i), int64(i)))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				accepted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	ls := mustLevels(t, s, "L", "A")
	if len(ls) != 1 || ls[0].Sequence != 24 || accepted == 0 {
		t.Fatalf("after concurrent sets Levels = %+v (accepted %d); want sequence 24 kept", ls, accepted)
	}
}

// recordingWriter is an SFCC inventory list that records each push.
type recordingWriter struct {
	mu     sync.Mutex
	pushes []string
	held   map[string]decimal.Decimal
}

func (w *recordingWriter) UpdateInventory(_ context.Context, list string, ups []sfcc.InventoryUpdate) ([]sfcc.InventoryResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]sfcc.InventoryResult, len(ups))
	for i, u := range ups {
		w.pushes = append(w.pushes, fmt.Sprintf("%s/%s=%s", list, u.ProductID, u.Allocation))
		if w.held == nil {
			w.held = map[string]decimal.Decimal{}
		}
		w.held[list+"/"+u.ProductID] = *u.Allocation
		out[i] = sfcc.InventoryResult{ProductID: u.ProductID}
	}
	return out, nil
}

func (w *recordingWriter) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.pushes
	w.pushes = nil
	return p
}

func newPusher(t *testing.T, w wms.InventoryWriter, s wms.LevelStore) *wms.Pusher {
	t.Helper()
	p, err := wms.NewPusher(wms.PusherConfig{Writer: w, List: "inventory_m", Levels: s,
		Now: func() time.Time { return levelAt }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func reopen(t *testing.T, f LevelStoreFeatures, s wms.LevelStore) wms.LevelStore {
	if f.Reopen != nil {
		return f.Reopen(t, s)
	}
	return s
}

func offerAndFlush(t *testing.T, p *wms.Pusher, ls ...wms.StockLevel) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.OfferContext(ctx, ls...); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// testRestartSumsEveryLocation is the case from the field: one list fed by
// two locations (10 and 5), a restart, then a new level 9 from one of them.
// SFCC must get 14, as from a Pusher that never stopped, not 9.
func testRestartSumsEveryLocation(t *testing.T, f LevelStoreFeatures, newStore NewLevelStore) {
	w := &recordingWriter{}
	s := newStore(t)
	offerAndFlush(t, newPusher(t, w, s), lvl("SKU-1", "W1", 10, 1), lvl("SKU-1", "W2", 5, 1))
	if got := w.take(); len(got) != 1 || got[0] != "inventory_m/SKU-1=15" {
		t.Fatalf("first run pushed %v; want [inventory_m/SKU-1=15]", got)
	}
	restarted := newPusher(t, w, reopen(t, f, s))
	offerAndFlush(t, restarted, lvl("SKU-1", "W1", 9, 2))
	if got := w.take(); len(got) != 1 || got[0] != "inventory_m/SKU-1=14" {
		t.Fatalf("after restart pushed %v; want [inventory_m/SKU-1=14] (9 from W1 + 5 from W2)", got)
	}
	st, ok := restarted.Status("inventory_m", "SKU-1")
	if !ok || st.State != wms.PushDone || st.Pushed.Cmp(decimal.MustNew(14, 0)) != 0 {
		t.Fatalf("status after restart = %+v", st)
	}
}

// testRestartNoRepeat: a restarted Pusher offered levels it already pushed
// (a re-delivery) sends nothing, and a stale level stays stale.
func testRestartNoRepeat(t *testing.T, f LevelStoreFeatures, newStore NewLevelStore) {
	w := &recordingWriter{}
	s := newStore(t)
	offerAndFlush(t, newPusher(t, w, s), lvl("SKU-2", "W1", 8, 4))
	w.take()
	restarted := newPusher(t, w, reopen(t, f, s))
	stats, err := restarted.OfferContext(context.Background(), lvl("SKU-2", "W1", 8, 4), lvl("SKU-2", "W1", 1, 3))
	if err != nil || stats.Stale != 2 || stats.Accepted != 0 {
		t.Fatalf("re-delivery after restart: %+v, %v; want 2 stale", stats, err)
	}
	if _, err := restarted.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := w.take(); len(got) != 0 {
		t.Fatalf("restarted Pusher re-pushed %v", got)
	}
}

func testLevelStoreEndedContext(t *testing.T, _ LevelStoreFeatures, newStore NewLevelStore) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.SetLevel(ctx, "L", lvl("A", "W1", 1, 1)); err == nil {
		t.Fatal("SetLevel with an ended context: want an error")
	}
	if _, err := s.Levels(ctx, "L", "A"); err == nil {
		t.Fatal("Levels with an ended context: want an error")
	}
}

// testRestartPrimedSumsEveryLocation: a restarted Pusher primed from SFCC
// (PrimeFrom) still sums every location the store remembers.
func testRestartPrimedSumsEveryLocation(t *testing.T, f LevelStoreFeatures, newStore NewLevelStore) {
	w := &recordingWriter{}
	s := newStore(t)
	offerAndFlush(t, newPusher(t, w, s), lvl("SKU-3", "W1", 10, 1), lvl("SKU-3", "W2", 5, 1))
	w.take()
	restarted := newPusher(t, w, reopen(t, f, s))
	restarted.Prime("inventory_m", sfcc.InventoryRecord{ProductID: "SKU-3", Allocation: decimal.MustNew(15, 0)})
	offerAndFlush(t, restarted, lvl("SKU-3", "W1", 9, 2))
	if got := w.take(); len(got) != 1 || got[0] != "inventory_m/SKU-3=14" {
		t.Fatalf("primed restart pushed %v; want [inventory_m/SKU-3=14]", got)
	}
}
