package reconcilesql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcilesql"
	"github.com/o2ckit/o2c/reconcile/reconciletest"
)

// A payment exported on one day stays open in the database until the
// settlement file of a later run closes it; the run's exceptions are kept
// for the people who resolve them.
func ExampleNew() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "o2c")
	defer os.RemoveAll(dir)
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "o2c.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	day := time.Date(2026, 11, 4, 8, 0, 0, 0, time.UTC)
	r, _ := reconcile.New(reconcile.Config{Store: reconcilesql.New(db), Now: func() time.Time { return day }})
	exceptions := reconcilesql.NewExceptionStore(db)

	payment := reconciletest.Payment("00001001", "45.00")
	rep, _ := r.Run(ctx, reconcile.Input{Expected: []reconcile.Expected{payment}})
	fmt.Println("day 1 open:", len(rep.Open))

	day = day.AddDate(0, 0, 1)
	file := reconcile.SettlementFile{Name: "batch-7.csv", Format: reconcile.Adyen{}, Body: strings.NewReader(reconciletest.AdyenBatch(7, payment))}
	rep, _ = r.Run(ctx, reconcile.Input{Files: []reconcile.SettlementFile{file}})
	fmt.Println("day 2 matched:", len(rep.Matched), "open:", len(rep.Open))

	_ = exceptions.Record(ctx, day, reconcile.Exception{Kind: reconcile.KindPaymentMissing, Key: "00001002", Detail: "not settled after 5 days"})
	page, _ := exceptions.List(ctx, reconcile.ExceptionQuery{Owner: reconcile.OwnerFinance, Status: reconcile.StatusOpen})
	for _, x := range page.Records {
		fmt.Println(x.Owner, x.Kind, x.Key, x.FirstSeen.Format(time.DateOnly))
	}
	// Output:
	// day 1 open: 1
	// day 2 matched: 1 open: 0
	// finance payment-missing 00001002 2026-11-05
}
