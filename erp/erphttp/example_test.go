package erphttp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/erp/erptest"
)

// An ERP served over HTTP and the reference adapter that talks to it: the
// adapter is an erp.SalesOrders like any other, and a repeat of a create is
// the same document.
func Example() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }
	h, _ := erphttp.NewHandler(erphttp.HandlerConfig{ERP: erptest.New(erptest.WithClock(clock))})
	mux := http.NewServeMux()
	mux.Handle("/erp/", http.StripPrefix("/erp", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var orders erp.SalesOrders
	client, err := erphttp.NewClient(erphttp.Config{BaseURL: srv.URL + "/erp", HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders = client
	so := erptest.SampleSalesOrder("00001234")
	first, _ := orders.CreateSalesOrder(ctx, so)
	again, _ := orders.CreateSalesOrder(ctx, so)
	fmt.Println(first.DocumentNo, again.DocumentNo, first.Totals.Gross, first.Currency)

	_, err = orders.GetSalesOrder(ctx, "00009999")
	fmt.Println(errors.Is(err, erp.ErrNotFound), err)
	// Output:
	// SO000001 SO000001 36.90 GBP
	// true erphttp: GetSalesOrder 00009999: 404 not_found: erptest: sales order "00009999": erp: not found
}
