package sfcctest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Run with -race: many clients read, search, change statuses, patch custom
// attributes and write inventory at once while a test inspects the state.
func TestServer_ConcurrentUseKeepsEveryWrite(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	const workers = 16
	for i := 0; i < workers; i++ {
		srv.AddOrders(seedOrder(orderNo(i), sfcc.ExportStatusReady))
	}
	srv.AddInventoryList("uk")
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Status: 503, Every: 5})
	auth := fetchToken(t, srv)

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			no := orderNo(i)
			for j := 0; j < 5; j++ {
				call(t, srv, http.MethodGet, shopBase+"/orders/"+no, auth, nil)
				call(t, srv, http.MethodPatch, dataBase+"/sites/RefArch/orders/"+no, auth, fmt.Sprintf(`{"c_step%d":%d}`, j, j))
				call(t, srv, http.MethodPut, recordPath("uk", fmt.Sprintf("SKU-%d-%d", i, j)), auth, `{"allocation":{"amount":1}}`)
				call(t, srv, http.MethodPost, shopBase+"/order_search", auth, map[string]any{"query": term("export_status", "is", "ready"), "count": 200})
				_ = srv.Orders()
				_ = srv.Requests()
			}
			call(t, srv, http.MethodPut, statusPath(no, "export_status"), auth, `{"status":"exported"}`)
		}()
	}
	wg.Wait()

	for _, o := range srv.Orders() {
		if o.Status.Export != sfcc.ExportStatusExported || len(o.Custom) != 5 {
			t.Errorf("order %s: export %s, %d custom attributes; want EXPORTED and 5", o.OrderNo, o.Status.Export, len(o.Custom))
		}
	}
	if n := len(srv.InventoryRecords("uk")); n != workers*5 {
		t.Errorf("%d inventory records, want %d", n, workers*5)
	}
	if got, want := srv.RequestCount("order.get"), workers*5; got != want {
		t.Errorf("%d order.get requests logged, want %d", got, want)
	}
	if got, want := srv.FaultsFired(), workers*5/5; got != want {
		t.Errorf("FaultsFired = %d, want every 5th of %d order gets = %d", got, workers*5, want)
	}
}
