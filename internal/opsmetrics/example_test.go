package opsmetrics_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/opsmetrics"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/wms"
)

// The service builds the plumbing once, hands MeterProvider to every
// component and mounts Handler at /metrics behind its API authentication.
func Example() {
	m, err := opsmetrics.New(opsmetrics.Config{
		// In the service these read River's job table and the exception
		// store, with the context they are given.
		JobQueue: func(ctx context.Context) (map[opsmetrics.JobGroup]int64, error) {
			return map[opsmetrics.JobGroup]int64{
				{Kind: "export_order", State: opsmetrics.JobAvailable}:   4,
				{Kind: "apply_shipment", State: opsmetrics.JobRetryable}: 1,
			}, nil
		},
		OpenExceptions: func(ctx context.Context) (map[opsmetrics.ExceptionGroup]int64, error) {
			return map[opsmetrics.ExceptionGroup]int64{{Owner: "finance", Kind: "mapping-missing"}: 2}, nil
		},
		CallbackTimeout: 2 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = m.Shutdown(context.Background()) }()

	// Every component records into the one provider.
	var sfccConfig ocapi.Config // the service's SFCC settings
	sfccConfig.MeterProvider = m.MeterProvider()
	monitorConfig := wms.MonitorConfig{MeterProvider: m.MeterProvider()}
	_, _ = sfccConfig, monitorConfig

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler()) // wrap in the API's auth guard
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))

	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "o2c_jobs{") || strings.HasPrefix(line, "o2c_exceptions_open{") {
			fmt.Println(line)
		}
	}
	// Output:
	// o2c_exceptions_open{kind="mapping-missing",owner="finance"} 2
	// o2c_jobs{kind="apply_shipment",state="retryable"} 1
	// o2c_jobs{kind="export_order",state="available"} 4
}
