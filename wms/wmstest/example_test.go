package wmstest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms/wmstest"
)

func ExampleFakeWMS_ShipOrder() {
	o := sfcc.Order{OrderNo: "00001234", ProductLineItems: []sfcc.ProductLineItem{
		{ProductID: "TEE-1", Quantity: sfcc.Quantity{Value: decimal.MustNew(2, 0)}},
		{ProductID: "CAP-9", Quantity: sfcc.Quantity{Value: decimal.MustNew(1, 0)}},
	}}
	f := wmstest.NewFakeWMS(42)
	f.ShipOrder(o, 2, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	// The fake delivers until acknowledged, like a real feed.
	cs, _ := f.Confirmations(context.Background(), 10)
	units := 0
	for _, c := range cs {
		for _, l := range c.Lines {
			n, _, _ := l.Quantity.Int64(0)
			units += int(n)
		}
	}
	fmt.Println(len(cs), "packages,", units, "units,", cs[0].EventID, cs[1].ShippedAt.Format(time.Kitchen))
	_ = f.AckConfirmations(context.Background(), cs...)
	pending, _ := f.Pending()
	fmt.Println("pending after ack:", pending)
	// Output:
	// 2 packages, 3 units, EV-00001234-1 10:00AM
	// pending after ack: 0
}
