package wmssql_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmssql"
)

// inventoryList records what SFCC was given, per SKU.
type inventoryList struct {
	mu   sync.Mutex
	held map[string]string
	puts int
}

func (l *inventoryList) UpdateInventory(_ context.Context, _ string, ups []sfcc.InventoryUpdate) ([]sfcc.InventoryResult, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]sfcc.InventoryResult, len(ups))
	for i, u := range ups {
		if l.held == nil {
			l.held = map[string]string{}
		}
		l.held[u.ProductID] = u.Allocation.String()
		l.puts++
		out[i] = sfcc.InventoryResult{ProductID: u.ProductID}
	}
	return out, nil
}

func restartPusher(t *testing.T, w wms.InventoryWriter, s wms.LevelStore) *wms.Pusher {
	t.Helper()
	p, err := wms.NewPusher(wms.PusherConfig{Writer: w, List: "inventory_m", Levels: s,
		Lists: map[string]string{"W1": "inventory_m", "W2": "inventory_m"}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A process stored two warehouses' levels and died before pushing them; the
// feed delivers them again to the restarted process, where they are no
// longer new. SFCC must still get their sum, once.
func TestPusher_LevelsStoredButNotPushedBeforeARestartArePushed(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		ctx := context.Background()
		dsn := b.DSN(t)
		at := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
		levels := []wms.StockLevel{
			{SKU: "SKU-1", Location: "W1", Available: decimal.MustNew(10, 0), Sequence: 1, At: at},
			{SKU: "SKU-1", Location: "W2", Available: decimal.MustNew(5, 0), Sequence: 1, At: at},
		}
		sfccList := &inventoryList{}
		first := restartPusher(t, sfccList, wmssql.NewLevelStore(sqlstoretest.Open(t, dsn)))
		if st, err := first.OfferContext(ctx, levels...); err != nil || st.Accepted != 2 {
			t.Fatalf("first process: %+v, %v", st, err)
		}
		// The first process dies here, before its flush.

		restarted := restartPusher(t, sfccList, wmssql.NewLevelStore(sqlstoretest.Open(t, dsn)))
		st, err := restarted.OfferContext(ctx, levels...)
		if err != nil || st.Stale != 2 {
			t.Fatalf("re-delivery after the restart: %+v, %v; want 2 stale", st, err)
		}
		if _, err := restarted.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := sfccList.held["SKU-1"]; got != "15" || sfccList.puts != 1 {
			t.Fatalf("SFCC holds %q after %d pushes; want 15 after 1", got, sfccList.puts)
		}
		// And once pushed, a further re-delivery sends nothing.
		again := restartPusher(t, sfccList, wmssql.NewLevelStore(sqlstoretest.Open(t, dsn)))
		again.OfferContext(ctx, levels...)
		again.Flush(ctx)
		if sfccList.puts != 1 {
			t.Fatalf("%d pushes after a second restart; want still 1", sfccList.puts)
		}
	})
}
