package reconcilesql_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcilesql"
	"github.com/o2ckit/o2c/reconcile/reconciletest"
)

// counting counts the calls a Reconciler makes on its store.
type counting struct {
	reconcile.Store
	calls atomic.Int64
}

func (c *counting) OpenItems(ctx context.Context) ([]reconcile.StoredItem, error) {
	c.calls.Add(1)
	return c.Store.OpenItems(ctx)
}

func (c *counting) ClosedKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	c.calls.Add(1)
	return c.Store.ClosedKeys(ctx, keys)
}

func (c *counting) SeenFiles(ctx context.Context, digests, batches []string) ([]reconcile.SeenFile, error) {
	c.calls.Add(1)
	return c.Store.SeenFiles(ctx, digests, batches)
}

func (c *counting) Apply(ctx context.Context, ch reconcile.Changes) error {
	c.calls.Add(1)
	return c.Store.Apply(ctx, ch)
}

const benchBatch = 100

// itemLifecycle is what a day's reconciliation asks of its store for a
// batch of payments: a run that opens them (exported orders, no settlement
// yet) and a run whose settlement file closes them.
func itemLifecycle(ctx context.Context, r *reconcile.Reconciler, batch int) error {
	expected := make([]reconcile.Expected, benchBatch)
	for i := range expected {
		expected[i] = reconciletest.Payment(fmt.Sprintf("%06d-%03d", batch, i), fmt.Sprintf("%d.%02d", 10+i, batch%100))
	}
	rep, err := r.Run(ctx, reconcile.Input{Expected: expected})
	if err != nil {
		return err
	}
	if len(rep.Open) != benchBatch {
		return fmt.Errorf("batch %d: %d open, want %d", batch, len(rep.Open), benchBatch)
	}
	file := reconcile.SettlementFile{Name: fmt.Sprintf("batch-%d.csv", batch), Format: reconcile.Adyen{},
		Body: strings.NewReader(reconciletest.AdyenBatch(batch+1, expected...))}
	if rep, err = r.Run(ctx, reconcile.Input{Files: []reconcile.SettlementFile{file}}); err != nil {
		return err
	}
	if len(rep.Matched) != benchBatch || len(rep.Open) != 0 {
		return fmt.Errorf("batch %d: %d matched, %d open; want all %d matched", batch, len(rep.Matched), len(rep.Open), benchBatch)
	}
	return nil
}

// BenchmarkStore_PerReconciledItem reports, per reconciled item (opened by
// one run, closed by the next), the time and the store calls on each store,
// and the SQL stores' time as a multiple of the in-memory baseline, all
// measured in the same run.
func BenchmarkStore_PerReconciledItem(b *testing.B) {
	ctx := context.Background()
	type backend struct {
		name  string
		store *counting
		r     *reconcile.Reconciler
	}
	stores := []*backend{{name: "memory", store: &counting{Store: &reconcile.MemoryStore{}}},
		{name: "sqlite", store: &counting{Store: reconcilesql.New(sqlstoretest.Open(b, sqlstoretest.SQLiteDSN(b)))}}}
	if sqlstoretest.PostgresURL() != "" {
		stores = append(stores, &backend{name: "postgres", store: &counting{Store: reconcilesql.New(sqlstoretest.Open(b, sqlstoretest.PostgresDSN(b)))}})
	}
	now := time.Date(2026, 11, 6, 8, 0, 0, 0, time.UTC)
	for _, s := range stores {
		r, err := reconcile.New(reconcile.Config{Store: s.store, Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		s.r = r
	}
	spent := make([]time.Duration, len(stores))
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		for j, s := range stores {
			start := time.Now()
			if err := itemLifecycle(ctx, s.r, i); err != nil {
				b.Fatalf("%s: %v", s.name, err)
			}
			spent[j] += time.Since(start)
		}
		n += benchBatch
	}
	base := float64(spent[0]) / float64(n)
	for j, s := range stores {
		per := float64(spent[j]) / float64(n)
		b.ReportMetric(per, s.name+"-ns/item")
		b.ReportMetric(float64(s.store.calls.Load())/float64(n), s.name+"-calls/item")
		if j > 0 {
			b.ReportMetric(per/base, s.name+"/memory")
		}
	}
}
