package wmshttp_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/o2ckit/o2c/wms/wmshttp"
	"github.com/o2ckit/o2c/wms/wmstest"
)

// A WMS feed served over HTTP and read through the client, which is a
// wms.ConfirmationSource for wms.PumpConfirmations.
func Example() {
	ctx := context.Background()
	feed := wmstest.NewFakeWMSWith(wmstest.SampleConfirmations(2))
	h, _ := wmshttp.NewHandler(wmshttp.HandlerConfig{Confirmations: feed})
	srv := httptest.NewServer(h)
	defer srv.Close()

	client, err := wmshttp.NewClient(wmshttp.Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	cs, _ := client.Confirmations(ctx, 10)
	for _, c := range cs {
		fmt.Println(c.OrderNo, c.EventID, c.TrackingNumber, c.Lines[0].SKU, c.Lines[0].Quantity)
	}
	_ = client.AckConfirmations(ctx, cs...)
	pending, _ := feed.Pending()
	fmt.Println("pending:", pending)
	// Output:
	// CONF00000 E0 1Z00000000 SKU-0 1
	// CONF00000 E1 1Z00000001 SKU-1 2
	// pending: 0
}
