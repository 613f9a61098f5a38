package ocapi_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Every attempt is counted by route and status — retries and the token
// request too — with order numbers folded out of the route, and the load
// SFCC reports is kept as a gauge.
func TestClient_MetricsCountEveryAttemptByRouteAndStatus(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	env := newSimEnv(t, nil, func(c *ocapi.Config) { c.MeterProvider = mp })
	env.sim.AddOrders(sfcc.Order{OrderNo: "00001001", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}},
		sfcc.Order{OrderNo: "00001002", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}})
	env.sim.InjectFault(sfcctest.Fault{Route: "order.status", Status: 503, LoadStatus: "WARN", Times: 1})
	ctx := context.Background()
	for _, no := range []string{"00001001", "00001002"} {
		if err := env.client.SetExportStatus(ctx, no, sfcc.ExportStatusExported); err != nil {
			t.Fatal(err)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	var load int64 = -1
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				if m.Name != "o2c.sfcc.requests" {
					continue
				}
				for _, p := range d.DataPoints {
					counts[attr(p.Attributes, "http.request.method")+" "+attr(p.Attributes, "o2c.sfcc.route")+" "+attr(p.Attributes, "http.response.status_code")] += p.Value
				}
			case metricdata.Gauge[int64]:
				if m.Name == "o2c.sfcc.load" && len(d.DataPoints) > 0 {
					load = d.DataPoints[0].Value
				}
			}
		}
	}
	route := "/s/-/dw/data/v25_6/sites/{}/orders/{}/export_status"
	if counts["PUT "+route+" 503"] != 1 || counts["PUT "+route+" 204"]+counts["PUT "+route+" 200"] != 2 {
		t.Errorf("export status attempts %v, want one 503 and two successes on one route", counts)
	}
	tokens := int64(0)
	for k, n := range counts {
		if len(k) > 5 && k[:5] == "POST " {
			tokens += n
		}
	}
	if tokens != 1 {
		t.Errorf("token requests counted %d, want 1: %v", tokens, counts)
	}
	if load != 85 {
		t.Errorf("o2c.sfcc.load = %d, want the 85 the WARN answer carried", load)
	}
}

func attr(s attribute.Set, k string) string {
	v, _ := s.Value(attribute.Key(k))
	return v.AsString()
}
