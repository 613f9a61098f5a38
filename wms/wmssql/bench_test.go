package wmssql_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmssql"
)

// levelRoundTrip is what the Pusher asks of its store for one changed SKU
// it has not seen since a restart: read levels and last push, write the
// level, record the push.
func levelRoundTrip(ctx context.Context, s wms.LevelStore, i int) error {
	sku := fmt.Sprintf("SKU-%d", i%500)
	if _, err := s.Levels(ctx, "inventory_m", sku); err != nil {
		return err
	}
	if _, _, err := s.Pushed(ctx, "inventory_m", sku); err != nil {
		return err
	}
	l := wms.StockLevel{SKU: sku, Location: "W1", Available: decimal.MustNew(int64(i%40), 0), Sequence: int64(i + 1)}
	if _, err := s.SetLevel(ctx, "inventory_m", l); err != nil {
		return err
	}
	return s.SetPushed(ctx, "inventory_m", sku, wms.PushedAllocation{Allocation: l.Available, At: time.Unix(1, 0)})
}

// BenchmarkLevelStore_RoundTripPerSKU reports ns per SKU round trip on each
// store and the SQL stores' cost as a multiple of the in-memory baseline,
// all measured in the same run.
func BenchmarkLevelStore_RoundTripPerSKU(b *testing.B) {
	ctx := context.Background()
	stores := []struct {
		name string
		s    wms.LevelStore
	}{{"memory", wms.NewMemoryLevelStore()}, {"sqlite", wmssql.NewLevelStore(sqlstoretest.Open(b, sqlstoretest.SQLiteDSN(b)))}}
	if sqlstoretest.PostgresURL() != "" {
		stores = append(stores, struct {
			name string
			s    wms.LevelStore
		}{"postgres", wmssql.NewLevelStore(sqlstoretest.Open(b, sqlstoretest.PostgresDSN(b)))})
	}
	spent := make([]time.Duration, len(stores))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for j, st := range stores {
			start := time.Now()
			if err := levelRoundTrip(ctx, st.s, i); err != nil {
				b.Fatalf("%s: %v", st.name, err)
			}
			spent[j] += time.Since(start)
		}
	}
	base := float64(spent[0]) / float64(b.N)
	for j, st := range stores {
		per := float64(spent[j]) / float64(b.N)
		b.ReportMetric(per, st.name+"-ns/sku")
		if j > 0 {
			b.ReportMetric(per/base, st.name+"/memory")
		}
	}
}
