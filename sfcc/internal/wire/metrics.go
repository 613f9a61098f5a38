package wire

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// Metric names, for dashboards and alert rules.
const (
	// MetricRequests counts every HTTP attempt to SFCC (retries and token
	// requests included) by method, route and status ("error" when no
	// answer came).
	MetricRequests = "o2c.sfcc.requests"
	// MetricRequestDuration is each attempt's duration in seconds.
	MetricRequestDuration = "o2c.sfcc.request.duration"
	// MetricLoad is the instance load in percent SFCC reported last
	// (sfdc_load header): headroom is 100 minus it; SFCC sheds requests
	// near 90.
	MetricLoad = "o2c.sfcc.load"
)

// meterName is the instrumentation scope of the SFCC clients.
const meterName = "github.com/o2ckit/o2c/sfcc"

// instruments are the client's metrics; the zero MeterProvider is no-op.
type instruments struct {
	requests metric.Int64Counter
	duration metric.Float64Histogram
	load     metric.Int64Gauge
}

func newInstruments(mp metric.MeterProvider) instruments {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	m := mp.Meter(meterName)
	var in instruments
	// Instrument creation only fails for invalid names or units, which
	// these are not; a failed one is a no-op instrument.
	in.requests, _ = m.Int64Counter(MetricRequests, metric.WithDescription("HTTP attempts to SFCC by method, route and status"), metric.WithUnit("{request}"))
	in.duration, _ = m.Float64Histogram(MetricRequestDuration, metric.WithDescription("duration of one HTTP attempt to SFCC"), metric.WithUnit("s"))
	in.load, _ = m.Int64Gauge(MetricLoad, metric.WithDescription("instance load SFCC reported in sfdc_load"), metric.WithUnit("%"))
	if in.requests == nil || in.duration == nil || in.load == nil {
		nm := noop.NewMeterProvider().Meter(meterName)
		in.requests, _ = nm.Int64Counter(MetricRequests)
		in.duration, _ = nm.Float64Histogram(MetricRequestDuration)
		in.load, _ = nm.Int64Gauge(MetricLoad)
	}
	return in
}

// measured is the innermost round tripper: it sees every attempt, the
// token requests too.
type measured struct {
	base http.RoundTripper
	in   instruments
	now  func() time.Time
}

func (m *measured) RoundTrip(req *http.Request) (*http.Response, error) {
	start := m.now()
	resp, err := m.base.RoundTrip(req)
	status := "error"
	if err == nil {
		status = strconv.Itoa(resp.StatusCode)
	}
	attrs := metric.WithAttributes(attribute.String("http.request.method", req.Method),
		attribute.String("o2c.sfcc.route", Route(req.URL.Path)), attribute.String("http.response.status_code", status))
	ctx := req.Context()
	m.in.requests.Add(ctx, 1, attrs)
	m.in.duration.Record(ctx, m.now().Sub(start).Seconds(), attrs)
	if err == nil {
		if l := resp.Header.Get("sfdc_load"); l != "" {
			if n, perr := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(l), "%")); perr == nil {
				m.in.load.Record(ctx, int64(n))
			}
		}
	}
	return resp, err
}

// idAfter are the path segments followed by an identifier: an order
// number, a site, a list, a SKU, an import id.
var idAfter = map[string]bool{"s": true, "sites": true, "orders": true, "inventory_lists": true,
	"product_inventory_records": true, "imports": true, "organizations": true}

// Route is a request path with its identifiers replaced by "{}", so
// metrics have one series per API route, not per order:
// "/s/-/dw/data/v25_6/sites/{}/orders/{}/export_status".
func Route(path string) string {
	segs := strings.Split(path, "/")
	for i := 1; i < len(segs); i++ {
		if idAfter[segs[i-1]] && segs[i] != "" && segs[i] != "-" && !isVersion(segs[i]) {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// isVersion reports whether s is an API version segment ("v1", "v25_6").
func isVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, r := range s[1:] {
		if (r < '0' || r > '9') && r != '_' && r != '.' {
			return false
		}
	}
	return true
}
