package wms_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
)

func ExampleSafetyStock_Allocation() {
	ss := &wms.SafetyStock{
		Normal: wms.Profile{
			Global:     wms.Rule{Units: decimal.MustNew(2, 0)},
			Categories: map[string]wms.Rule{"sneakers": {Percent: decimal.MustNew(10, 0), MinUnits: decimal.MustNew(3, 0)}},
		},
		HighVelocity: wms.Profile{Global: wms.Rule{Percent: decimal.MustNew(25, 0)}},
		CategoryOf:   func(sku string) string { return map[string]string{"AIR-1": "sneakers"}[sku] },
	}
	for _, c := range []struct {
		sku   string
		avail int64
		hv    bool
	}{{"TEE-1", 10, false}, {"TEE-1", 1, false}, {"AIR-1", 45, false}, {"AIR-1", 45, true}} {
		a, _ := ss.Allocation(c.sku, decimal.MustNew(c.avail, 0), c.hv)
		fmt.Printf("%s available %d high-velocity %v → allocation %s\n", c.sku, c.avail, c.hv, a)
	}
	// Output:
	// TEE-1 available 10 high-velocity false → allocation 8
	// TEE-1 available 1 high-velocity false → allocation 0
	// AIR-1 available 45 high-velocity false → allocation 40
	// AIR-1 available 45 high-velocity true → allocation 33
}

// printingWriter stands in for *ocapi.Client: it prints each batch.
type printingWriter struct{}

func (printingWriter) UpdateInventory(_ context.Context, list string, ups []sfcc.InventoryUpdate) ([]sfcc.InventoryResult, error) {
	out := make([]sfcc.InventoryResult, len(ups))
	fmt.Printf("batch to %s:", list)
	for i, u := range ups {
		fmt.Printf(" %s=%s", u.ProductID, u.Allocation)
		out[i].ProductID = u.ProductID
	}
	fmt.Println()
	return out, nil
}

func ExamplePusher() {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	p, _ := wms.NewPusher(wms.PusherConfig{
		Writer: printingWriter{},
		List:   "inventory_uk",
		Safety: &wms.SafetyStock{Normal: wms.Profile{Global: wms.Rule{Units: decimal.MustNew(1, 0)}}},
		Now:    func() time.Time { return at },
	})
	lv := func(sku string, avail, seq int64) wms.StockLevel {
		return wms.StockLevel{SKU: sku, Available: decimal.MustNew(avail, 0), Sequence: seq, At: at}
	}
	// Three changes to A: only the newest counts; the late, older one is ignored.
	stats, _ := p.Offer(lv("A", 5, 1), lv("B", 3, 1), lv("A", 9, 3), lv("A", 7, 2))
	fmt.Printf("accepted %d, stale %d\n", stats.Accepted, stats.Stale)
	rep, _ := p.Flush(context.Background())
	fmt.Printf("requests %d, pushed %d\n", rep.Requests, rep.Pushed)
	// B's new level leaves its allocation unchanged: nothing is sent.
	p.Offer(lv("B", 3, 2))
	rep, _ = p.Flush(context.Background())
	fmt.Printf("requests %d\n", rep.Requests)
	s, _ := p.Status("inventory_uk", "A")
	fmt.Println("A:", s.State, s.Pushed)
	// Output:
	// accepted 3, stale 1
	// batch to inventory_uk: A=8 B=2
	// requests 1, pushed 2
	// requests 0
	// A: pushed 8
}

func ExamplePusher_Resync() {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	p, _ := wms.NewPusher(wms.PusherConfig{Writer: printingWriter{}, List: "inventory_uk"})
	p.Offer(wms.StockLevel{SKU: "A", Available: decimal.MustNew(8, 0), Sequence: 1, At: at})
	_ = p.Resync(context.Background(), os.Stdout)
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <inventory xmlns="http://www.demandware.com/xml/impex/inventory/2007-05-31">
	//     <inventory-list>
	//         <header list-id="inventory_uk">
	//             <default-instock>false</default-instock>
	//         </header>
	//         <records>
	//             <record product-id="A">
	//                 <allocation>8</allocation>
	//                 <allocation-timestamp>2026-11-20T09:00:00.000Z</allocation-timestamp>
	//                 <perpetual>false</perpetual>
	//             </record>
	//         </records>
	//     </inventory-list>
	// </inventory>
}

func ExampleSequencer() {
	// The SFCC simulator and a real client; point the client at a real
	// instance in production.
	srv := sfcctest.NewServer()
	defer srv.Close()
	client, err := ocapi.NewClient(ocapi.Config{Host: srv.URL(), Site: srv.Site(), ClientID: srv.ClientID(),
		Secret: sfcc.StaticSecret(srv.ClientSecret()), TokenURL: srv.TokenURL()})
	if err != nil {
		fmt.Println(err)
		return
	}
	one := sfcc.Quantity{Value: decimal.MustNew(1, 0)}
	srv.AddOrders(sfcc.Order{OrderNo: "00004711", Currency: "GBP",
		Status: sfcc.StatusSet{Shipping: sfcc.ShippingStatusNotShipped},
		ProductLineItems: []sfcc.ProductLineItem{
			{Position: 1, ProductID: "TEE-1", Quantity: one},
			{Position: 2, ProductID: "CAP-1", Quantity: one},
		}})

	s, _ := wms.NewSequencer(wms.SequencerConfig{Orders: client})
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	pkg := func(n int, sku string) wms.ShipmentConfirmation {
		return wms.ShipmentConfirmation{OrderNo: "00004711", EventID: fmt.Sprint("ev-", n), ShipmentID: fmt.Sprint("pkg-", n),
			Lines:   []wms.ShippedLine{{SKU: sku, Quantity: decimal.MustNew(1, 0)}},
			Carrier: "DHL", TrackingNumber: fmt.Sprint("TRK", n), ShippedAt: at.Add(time.Duration(n) * time.Hour)}
	}
	ctx := context.Background()
	for _, c := range []wms.ShipmentConfirmation{pkg(1, "TEE-1"), pkg(1, "TEE-1"), pkg(2, "CAP-1")} {
		res, err := s.Apply(ctx, c)
		fmt.Println(c.EventID, res.Outcome, res.ShippingStatus, "notified:", res.Notified, err)
	}
	o, _ := srv.Order("00004711")
	tracking, _ := o.Custom.Get(wms.DefaultTrackingNumbersAttr)
	count, _ := o.Custom.Get(wms.DefaultCountAttr)
	fmt.Println("tracking:", tracking.Values, "notifications:", count.Value())
	// Output:
	// ev-1 applied PART_SHIPPED notified: true <nil>
	// ev-1 duplicate  notified: false <nil>
	// ev-2 applied SHIPPED notified: true <nil>
	// tracking: [TRK1 TRK2] notifications: 2
}
