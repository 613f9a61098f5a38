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
		Open: []OpenItem{{Expected: exp(ExpectedPayment, "1", "psp", "10.50", "EUR", day2026(time.November, 1)),
			Settled: d("4.00"), FirstSeen: day2026(time.November, 2)}},
		Closed: []string{"payment|2|x||0"},
		Files:  []SeenFile{{Name: "a.csv", Digest: "ab", Provider: "adyen", FirstSeen: day2026(time.November, 2)}},
	}
	for name, s := range map[string]Store{"memory": &MemoryStore{}, "file": &FileStore{Dir: filepath.Join(t.TempDir(), "state")}} {
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
