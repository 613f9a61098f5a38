package ocapi_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Export the orders SFCC marks READY and mark each EXPORTED. The simulator
// stands in for an instance; against a real one only the Config changes.
func ExampleClient_SearchOrders() {
	sim := sfcctest.NewServer()
	defer sim.Close()
	order := func(no string, export sfcc.ExportStatus, gross string) sfcc.Order {
		return sfcc.Order{
			OrderNo:  no,
			Currency: "GBP",
			Status:   sfcc.StatusSet{Order: sfcc.OrderStatusNew, Export: export},
			Totals:   sfcc.OrderTotals{OrderTotal: sfcc.Total{Amounts: sfcc.Amounts{Gross: decimal.MustParse(gross)}}},
		}
	}
	sim.AddOrders(
		order("00000101", sfcc.ExportStatusReady, "24.00"),
		order("00000102", sfcc.ExportStatusExported, "9.99"),
		order("00000103", sfcc.ExportStatusReady, "120.50"),
	)

	client, err := ocapi.NewClient(ocapi.Config{
		Host:     sim.URL(),
		Site:     sim.Site(),
		ClientID: sim.ClientID(),
		Secret:   sfcc.StaticSecret(sim.ClientSecret()),
		TokenURL: sim.TokenURL(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// Collect first: marking orders EXPORTED while paging would shift the
	// pages of a READY search.
	var ready []sfcc.Order
	for o, err := range client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		ready = append(ready, o)
	}
	for _, o := range ready {
		fmt.Println(o.OrderNo, o.Currency, o.Totals.OrderTotal.Gross)
		if err := client.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported); err != nil {
			fmt.Println(err)
		}
	}
	o, _ := sim.Order("00000103")
	fmt.Println("00000103 is now", o.Status.Export)
	// Output:
	// 00000101 GBP 24.00
	// 00000103 GBP 120.50
	// 00000103 is now EXPORTED
}

// Push many allocations at once: the client sends OCAPI batches of at most
// 50 and reports every record's own outcome.
func ExampleClient_UpdateInventory() {
	sim := sfcctest.NewServer()
	defer sim.Close()
	sim.PutInventory("inv-uk",
		sfcc.InventoryRecord{ProductID: "SKU-TEE-M", Allocation: decimal.MustNew(10, 0)},
		sfcc.InventoryRecord{ProductID: "SKU-TEE-L", Allocation: decimal.MustNew(4, 0)},
	)
	client, err := ocapi.NewClient(ocapi.Config{
		Host: sim.URL(), Site: sim.Site(), ClientID: sim.ClientID(),
		Secret: sfcc.StaticSecret(sim.ClientSecret()), TokenURL: sim.TokenURL(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	seven, three := decimal.MustNew(7, 0), decimal.MustNew(3, 0)
	results, err := client.UpdateInventory(context.Background(), "inv-uk", []sfcc.InventoryUpdate{
		{ProductID: "SKU-TEE-M", Allocation: &seven},
		{ProductID: "SKU-GONE", Allocation: &three},
		{ProductID: "SKU-TEE-L", Allocation: &three},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		var apiErr *sfcc.Error
		switch {
		case errors.As(r.Err, &apiErr):
			fmt.Println(r.ProductID, "failed:", apiErr.StatusCode, apiErr.FaultType)
		case r.Err != nil:
			fmt.Println(r.ProductID, "failed:", r.Err)
		default:
			fmt.Println(r.ProductID, "allocation", r.Record.Allocation)
		}
	}
	// Output:
	// SKU-TEE-M allocation 7
	// SKU-GONE failed: 404 ProductInventoryRecordNotFoundException
	// SKU-TEE-L allocation 3
}

// Faults are *Error values that errors.Is matches against sentinels.
func ExampleError() {
	sim := sfcctest.NewServer()
	defer sim.Close()
	client, err := ocapi.NewClient(ocapi.Config{
		Host: sim.URL(), Site: sim.Site(), ClientID: sim.ClientID(),
		Secret: sfcc.StaticSecret(sim.ClientSecret()), TokenURL: sim.TokenURL(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.GetOrder(context.Background(), "00009999")
	var apiErr *sfcc.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.FaultType, errors.Is(err, sfcc.ErrNotFound))
	}
	// Output:
	// 404 OrderNotFoundException true
}
