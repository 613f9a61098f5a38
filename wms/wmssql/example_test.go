package wmssql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmssql"
)

// A Pusher whose levels live in a SQLite file next to the host: a restart
// reads each SKU's other locations back instead of forgetting them.
func ExampleNewLevelStore() {
	dir, _ := os.MkdirTemp("", "o2c")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "o2c.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	levels := wmssql.NewLevelStore(db)
	levels.SetLevel(ctx, "inventory_m", wms.StockLevel{SKU: "SKU-1", Location: "W1", Available: decimal.MustNew(10, 0), Sequence: 1})
	levels.SetLevel(ctx, "inventory_m", wms.StockLevel{SKU: "SKU-1", Location: "W2", Available: decimal.MustNew(5, 0), Sequence: 1})
	ls, _ := levels.Levels(ctx, "inventory_m", "SKU-1")
	for _, l := range ls {
		fmt.Println(l.Location, l.Available)
	}
	// Output:
	// W1 10
	// W2 5
}
