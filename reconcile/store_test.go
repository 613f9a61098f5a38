package reconcile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
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
