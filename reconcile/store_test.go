package reconcile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"
)

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() })

func TestStores_RoundTripState(t *testing.T) {
	state := State{
		Open: []StoredItem{{OpenItem: OpenItem{Expected: exp(ExpectedPayment, "1", "psp", "10.50", "EUR", day2026(time.November, 1)),
			Settled: d("4.00"), FirstSeen: day2026(time.November, 2)}, Version: 3}},
		Closed: []ClosedKey{{Key: "payment|2|x||0", At: day2026(time.November, 3)}},
		Files:  []SeenFile{{Name: "a.csv", Digest: "ab", Provider: "adyen", FirstSeen: day2026(time.November, 2)}},
	}
	type wholeStore interface {
		Load(context.Context) (State, error)
		Save(context.Context, State) error
	}
	for name, s := range map[string]wholeStore{"memory": &MemoryStore{}, "file": &FileStore{Dir: filepath.Join(t.TempDir(), "state")}} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			empty, err := s.Load(ctx)
			if err != nil || len(empty.Open)+len(empty.Closed)+len(empty.Files) != 0 {
				t.Fatalf("fresh store: %+v, %v", empty, err)
			}
			if err := s.Save(ctx, state); err != nil {
				t.Fatal(err)
			}
			got, err := s.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(state, got, decimalEqual); diff != "" {
				t.Errorf("state (-saved +loaded):\n%s", diff)
			}
			if u, ok := s.(interface{ Unlock() error }); ok {
				u.Unlock()
			}
		})
	}
}

func TestFileStore_CorruptStateIsAStoreError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := (&FileStore{Dir: dir}).Load(context.Background())
	var se *StoreError
	if !errors.As(err, &se) || se.Path != filepath.Join(dir, "state.json") {
		t.Fatalf("error %v, want *StoreError naming state.json", err)
	}
	r, _ := New(Config{Store: &FileStore{Dir: dir}})
	if _, err := r.Run(context.Background(), Input{}); !errors.As(err, &se) {
		t.Errorf("Run on a corrupt state: %v, want *StoreError", err)
	}
}

func TestFileStore_ReadsTheStateOfEarlierReleases(t *testing.T) {
	// Before per-item stores, closed keys were bare strings and open items
	// had no version.
	dir := t.TempDir()
	old := `{"Open":[{"Expected":{"OrderNo":"1","Kind":"payment","Currency":"EUR","Amount":"10.50","PSPReference":"p"},"Settled":"4.00","FirstSeen":"2026-11-01T00:00:00Z"}],"Closed":["payment|2|x||0"],"Files":[{"Name":"a.csv","Digest":"ab","Provider":"adyen","FirstSeen":"2026-11-02T00:00:00Z"}]}`
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fs := &FileStore{Dir: dir}
	defer fs.Unlock()
	open, err := fs.OpenItems(ctx)
	if err != nil || len(open) != 1 || open[0].Version != 1 || open[0].Settled.String() != "4.00" {
		t.Fatalf("open items of an old state: %+v, %v; want order 1 at version 1", open, err)
	}
	closed, err := fs.ClosedKeys(ctx, []string{"payment|2|x||0", "payment|3|y||0"})
	if err != nil || !closed["payment|2|x||0"] || closed["payment|3|y||0"] {
		t.Fatalf("closed keys of an old state: %v, %v", closed, err)
	}
	files, err := fs.SeenFiles(ctx, []string{"ab"}, nil)
	if err != nil || len(files) != 1 || files[0].Name != "a.csv" {
		t.Fatalf("seen files of an old state: %v, %v", files, err)
	}
	// A change names the version the item was read at.
	if err := fs.Apply(ctx, Changes{Settle: []Settlement{{Key: open[0].Expected.Key(), Version: 1, Settled: d("6.00")}}}); err != nil {
		t.Fatal(err)
	}
	open, err = fs.OpenItems(ctx)
	if err != nil || len(open) != 1 || open[0].Version != 2 || open[0].Settled.String() != "6.00" {
		t.Fatalf("after a settlement: %+v, %v; want version 2 settled 6.00", open, err)
	}
}

func TestRun_ClosedKeysAreKeptForTheRetentionThenPurged(t *testing.T) {
	store := &MemoryStore{}
	c := &clock{t: day2026(time.November, 6)}
	r, err := New(Config{Store: store, Now: c.Now, ClosedRetention: 30 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	expected := fixtureExpected()
	day1 := run(t, r, Input{Expected: expected, Files: files(t, allFixtureFiles[0])})
	if len(day1.Matched) == 0 {
		t.Fatal("day 1 closed nothing")
	}
	key := day1.Matched[0].Expected[0].Key()
	// Within the retention the order exported again does not reopen.
	c.t = c.t.Add(29 * 24 * time.Hour)
	again := run(t, r, Input{Expected: expected})
	if hasKey(again.Open, key) || hasKey(again.Missing, key) {
		t.Fatalf("%s reopened within the retention", key)
	}
	// Past it the key is purged, and the same export opens it anew.
	c.t = c.t.Add(2 * 24 * time.Hour)
	run(t, r, Input{})
	if got, _ := store.ClosedKeys(context.Background(), []string{key}); got[key] {
		t.Fatalf("%s still closed 31 days after it was closed, retention 30 days", key)
	}
	later := run(t, r, Input{Expected: expected})
	if !hasKey(later.Missing, key) {
		t.Errorf("%s not open again after its closed key was purged", key)
	}
}

func hasKey(items []OpenItem, key string) bool {
	for _, o := range items {
		if o.Expected.Key() == key {
			return true
		}
	}
	return false
}

func TestPending_TwoRunsOnOneStoreEitherBothLandOrTheSecondFailsClearly(t *testing.T) {
	ctx := context.Background()
	store := &MemoryStore{}
	now := func() time.Time { return day2026(time.November, 6) }
	r1, _ := New(Config{Store: store, Now: now})
	r2, _ := New(Config{Store: store, Now: now}) // another process on the same store
	expected := fixtureExpected()
	p1, err := r1.Prepare(ctx, Input{Expected: expected, Files: files(t, allFixtureFiles[0])})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := r2.Prepare(ctx, Input{Expected: expected, Files: files(t, allFixtureFiles[1])})
	if err != nil {
		t.Fatal(err)
	}
	if err := p1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	err = p2.Commit(ctx)
	var ce *ConflictError
	if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) || !strings.Contains(err.Error(), "run it again") {
		t.Fatalf("the second commit on a state the first changed: %v; want a *ConflictError saying to run again", err)
	}
	after, _ := store.Load(ctx)
	if len(after.Files) != 1 || after.Files[0].Name != allFixtureFiles[0].name {
		t.Fatalf("seen files %+v; want only the first run's (the second stored nothing)", after.Files)
	}
	// Run again, the second run reads the first one's state and lands.
	rep := run(t, r2, Input{Expected: expected, Files: files(t, allFixtureFiles[1])})
	if len(rep.Matched) == 0 {
		t.Fatal("the second run matched nothing when run again")
	}
	after, _ = store.Load(ctx)
	if len(after.Files) != 2 {
		t.Fatalf("seen files %+v; want both runs' files", after.Files)
	}
	closed := map[string]bool{}
	for _, c := range after.Closed {
		closed[c.Key] = true
	}
	for _, m := range rep.Matched {
		for _, e := range m.Expected {
			if m.Status != StatusPartial && !closed[e.Key()] {
				t.Errorf("%s matched by the second run is not closed", e.Key())
			}
		}
	}
}

func TestCommit_RecordsTheRunsExceptionsWithFirstAndLastSighting(t *testing.T) {
	ctx := context.Background()
	exceptions := &MemoryExceptionStore{}
	c := &clock{t: day2026(time.November, 6)}
	r, _ := New(Config{Now: c.Now, Exceptions: exceptions})
	first := run(t, r, Input{Files: files(t, allFixtureFiles[0])})
	if len(first.Exceptions) == 0 {
		t.Fatal("the fixture run found no exceptions")
	}
	p, err := r.Prepare(ctx, Input{Files: files(t, allFixtureFiles[1])})
	if err != nil {
		t.Fatal(err)
	}
	p.Discard() // a discarded run records nothing
	page, _ := exceptions.List(ctx, ExceptionQuery{Limit: MaxExceptionPage})
	ids := map[ExceptionID]bool{} // two findings of one kind on one key are one record
	for _, x := range first.Exceptions {
		ids[x.ID()] = true
	}
	if len(page.Records) != len(ids) {
		t.Fatalf("%d exceptions recorded; want the first run's %d", len(page.Records), len(ids))
	}
	c.t = c.t.Add(24 * time.Hour)
	again := run(t, r, Input{Files: files(t, allFixtureFiles[0])}) // the same file again: a duplicate
	x := first.Exceptions[0]
	got, err := exceptions.Get(ctx, x.ID())
	if err != nil || !got.FirstSeen.Equal(day2026(time.November, 6)) || !got.Open() {
		t.Fatalf("%s %s after the next day: %+v, %v; want first seen on the first day, open", x.Kind, x.Key, got, err)
	}
	dup := again.Exceptions[0]
	if rec, err := exceptions.Get(ctx, dup.ID()); err != nil || dup.Kind != KindDuplicateSettlement || !rec.LastSeen.Equal(c.t) {
		t.Errorf("the second run's %s %s: %+v, %v; want recorded at its run", dup.Kind, dup.Key, rec, err)
	}
}

// TestMemoryStore_OneKeyClosedTwiceInOneApplyIsAConflict: a set of changes
// that closes one key twice (with a time kept as Unix nanoseconds, or one
// in another zone, or both) is refused whole.
func TestMemoryStore_OneKeyClosedTwiceInOneApplyIsAConflict(t *testing.T) {
	utc := time.Date(2026, 11, 6, 8, 0, 0, 0, time.UTC)
	zoned := utc.In(time.FixedZone("CET", 3600))
	for name, ats := range map[string][2]time.Time{"utc twice": {utc, utc}, "zoned twice": {zoned, zoned}, "utc then zoned": {utc, zoned}, "zoned then utc": {zoned, utc}} {
		s := &MemoryStore{}
		err := s.Apply(context.Background(), Changes{Close: []Closure{
			{Key: "payment|1|P1||0", At: ats[0]}, {Key: "payment|2|P2||0", At: utc}, {Key: "payment|1|P1||0", At: ats[1]}}})
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Key != "payment|1|P1||0" {
			t.Errorf("%s: Apply = %v, want a conflict on payment|1|P1||0", name, err)
		}
		if closed, _ := s.ClosedKeys(context.Background(), []string{"payment|1|P1||0", "payment|2|P2||0"}); len(closed) != 0 {
			t.Errorf("%s: a refused set closed %v", name, closed)
		}
	}
}
