package connector_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/o2ckit/o2c/erp/erpapi"
	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/connector"
)

// queueFunc adapts a function to erpapi.ExportQueue.
type queueFunc func(context.Context, string) (erpapi.ExportTicket, error)

func (f queueFunc) EnqueueExport(ctx context.Context, orderNo string) (erpapi.ExportTicket, error) {
	return f(ctx, orderNo)
}

func ExampleNew() {
	const key = "an-api-key-of-some-length"
	guard, _ := apiauth.New(apiauth.Config{APIKeys: []string{key}})
	// A host queues the export on its job engine, one job per order.
	export, _ := erpapi.NewExportHandler(erpapi.ExportConfig{Queue: queueFunc(
		func(ctx context.Context, orderNo string) (erpapi.ExportTicket, error) {
			return erpapi.ExportTicket{JobID: 7, State: "available"}, nil
		})})
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "up 1") })
	h, _ := connector.New(connector.Config{Auth: guard, Export: export, Metrics: metrics})
	send := func(method, path string, withKey bool) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(method, path, nil)
		if withKey {
			r.Header.Set("Authorization", "Bearer "+key)
		}
		h.ServeHTTP(rec, r)
		fmt.Println(method, path, rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	send("GET", "/healthz", false)
	send("GET", "/v1/exceptions", false)
	send("POST", "/v1/orders/00001001/export", false)
	send("POST", "/v1/orders/00001001/export", true)
	send("GET", "/metrics", true)
	// Output:
	// GET /healthz 200 {"status":"ok"}
	// GET /v1/exceptions 401 {"error":"unauthorized","error_description":"valid credentials are required: an API key, HTTP Basic or an OAuth2 bearer token"}
	// POST /v1/orders/00001001/export 401 {"error":"unauthorized","error_description":"valid credentials are required: an API key, HTTP Basic or an OAuth2 bearer token"}
	// POST /v1/orders/00001001/export 202 {"order_no":"00001001","job_id":7,"already_queued":false,"state":"available"}
	// GET /metrics 200 up 1
}
