package scapi_test

import (
	"context"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Export the READY orders through the Admin Orders API, then push stock to
// Omnichannel Inventory, against the simulator. Against a real realm, set
// ShortCode, OrganizationID, SiteID, InventoryGroupID, ClientID and Secret
// instead of SCAPIClientConfig.
func Example() {
	srv := sfcctest.NewServer()
	defer srv.Close()
	for _, no := range []string{"00001", "00002"} {
		total := decimal.MustParse("24.00")
		srv.AddOrders(sfcc.Order{OrderNo: no, Currency: "GBP", SiteID: srv.Site(),
			Status:   sfcc.StatusSet{Order: sfcc.OrderStatusNew, Export: sfcc.ExportStatusReady},
			Totals:   sfcc.OrderTotals{OrderTotal: sfcc.Total{Amounts: sfcc.Amounts{Net: total, Gross: total}}},
			Taxation: sfcc.TaxationGross})
	}

	client, err := scapi.NewClient(srv.SCAPIClientConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	var ready []sfcc.Order
	for o, err := range client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		ready = append(ready, o)
	}
	for _, o := range ready {
		if err := client.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("exported", o.OrderNo, o.Currency, o.Totals.OrderTotal.Gross)
	}

	onHand := decimal.MustNew(12, 0)
	results, err := client.UpdateInventory(ctx, "inv-uk", []sfcc.InventoryUpdate{{ProductID: "SKU-1", Allocation: &onHand}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stock", results[0].ProductID, results[0].Record.Allocation, results[0].Err)
	// Output:
	// exported 00001 GBP 24.00
	// exported 00002 GBP 24.00
	// stock SKU-1 12 <nil>
}
