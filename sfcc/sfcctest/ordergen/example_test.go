package ordergen_test

import (
	"fmt"
	"time"

	"github.com/o2ckit/o2c/sfcc/sfcctest/ordergen"
)

func Example() {
	g := ordergen.New(7, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	for range 3 {
		o := g.Order()
		fmt.Println(o.OrderNo, o.Currency, o.Status.Export, o.Totals.OrderTotal.Gross.Cmp(o.Totals.OrderTotal.Net) >= 0)
	}
	// Output:
	// UK00000001 GBP READY true
	// UK00000002 GBP READY true
	// US00000003 USD READY true
}
