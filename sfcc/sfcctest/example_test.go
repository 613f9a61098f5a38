package sfcctest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// A consumer's test seeds orders, points an ocapi.Client at the simulator,
// runs the code under test and inspects the state it left behind.
func Example() {
	srv := sfcctest.NewServer() // in a test: sfcctest.NewTestServer(t)
	defer srv.Close()
	srv.AddOrders(
		sfcc.Order{OrderNo: "00001", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}},
		sfcc.Order{OrderNo: "00002", Status: sfcc.StatusSet{Export: sfcc.ExportStatusExported}},
		sfcc.Order{OrderNo: "00003", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}},
	)

	client, err := ocapi.NewClient(srv.ClientConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// The code under test: export every READY order.
	for o, err := range client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := client.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("exported", o.OrderNo)
	}

	for _, o := range srv.Orders() {
		fmt.Println(o.OrderNo, o.Status.Export)
	}
	fmt.Println("token requests:", srv.TokenRequests())
	// Output:
	// exported 00001
	// exported 00003
	// 00001 EXPORTED
	// 00002 EXPORTED
	// 00003 EXPORTED
	// token requests: 1
}

// Faults are scripted per route: here the next status change answers 503
// with SFCC's load headers, and the one after it goes through.
func ExampleServer_InjectFault() {
	srv := sfcctest.NewServer()
	defer srv.Close()
	srv.AddOrders(sfcc.Order{OrderNo: "00001", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}})
	srv.InjectFault(sfcctest.Fault{Route: "order.status", Status: http.StatusServiceUnavailable, LoadStatus: "THROTTLE", Times: 1})

	put := func() {
		req, _ := http.NewRequest(http.MethodPut, srv.URL()+"/s/-/dw/data/v25_6/sites/RefArch/orders/00001/export_status",
			strings.NewReader(`{"status":"exported"}`))
		req.Header.Set("Authorization", "Bearer "+srv.IssueToken())
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("%d sfdc_load_status=%q\n", resp.StatusCode, resp.Header.Get("sfdc_load_status"))
	}
	put()
	put()
	o, _ := srv.Order("00001")
	fmt.Println(o.Status.Export)
	// Output:
	// 503 sfdc_load_status="THROTTLE"
	// 204 sfdc_load_status=""
	// EXPORTED
}

// The request log shows what a client sent, with credentials redacted.
func ExampleServer_Requests() {
	srv := sfcctest.NewServer()
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/s/RefArch/dw/shop/v25_6/orders/00042", nil)
	req.Header.Set("Authorization", "Bearer "+srv.IssueToken())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Route, r.Status, r.Header.Get("Authorization"))
	}
	// Output:
	// GET order.get 404 [redacted]
}
