package opsmetrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Names of the metrics this package publishes itself, for dashboards and
// alert rules. In a Prometheus scrape dots become underscores, seconds get
// "_seconds" and counters "_total" (o2c_flow_last_success_age_seconds).
const (
	// MetricOpenExceptions is the number of open exceptions by owner and
	// kind (Config.OpenExceptions).
	MetricOpenExceptions = "o2c.exceptions.open"
	// MetricJobs is the number of jobs by job kind and state
	// (Config.JobQueue).
	MetricJobs = "o2c.jobs"
	// MetricLastSuccessAge is the time since each flow's last successful
	// run, in seconds (Config.LastSuccess).
	MetricLastSuccessAge = "o2c.flow.last_success_age"
	// MetricCallbackErrors counts scrapes in which a callback failed, ran
	// past CallbackTimeout or was still busy from an earlier scrape, by
	// callback ("open_exceptions", "job_queue", "last_success").
	MetricCallbackErrors = "o2c.metrics.callback_errors"
)

const meterName = "github.com/o2ckit/o2c/internal/opsmetrics"

// Histogram buckets for the library's duration histograms: the SDK's
// default buckets (0 to 10000) suit milliseconds, and these are seconds.
var (
	requestBuckets = []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
	lagBuckets     = []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200}
)

// Metrics is the service's metrics plumbing: a MeterProvider for the
// components and the /metrics handler. Safe for concurrent use.
type Metrics struct {
	cfg      Config
	provider *sdkmetric.MeterProvider
	handler  http.Handler
	reg      metric.Registration
	errs     metric.Int64Counter

	exceptions, jobs, lastSuccess *slot
	// running tracks callbacks still running after a scrape gave up on
	// them, so Shutdown can wait for them.
	running sync.WaitGroup

	stop    sync.Once
	stopErr error
}

// New validates cfg and builds the provider, its Prometheus registry and
// the gauges of the callbacks cfg sets.
func New(cfg Config) (*Metrics, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	if !cfg.WithoutRuntimeMetrics {
		if err := reg.Register(collectors.NewGoCollector()); err != nil {
			return nil, fmt.Errorf("opsmetrics: go collector: %w", err)
		}
		if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, fmt.Errorf("opsmetrics: process collector: %w", err)
		}
	}
	// Metric names are unique across o2c's scopes, so the otel_scope_*
	// labels would only lengthen every series and every alert expression.
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, fmt.Errorf("opsmetrics: prometheus exporter: %w", err)
	}
	m := &Metrics{
		cfg: cfg,
		provider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp),
			sdkmetric.WithView(bucketView("o2c.sfcc.request.duration", requestBuckets)),
			sdkmetric.WithView(bucketView("o2c.inventory.lag", lagBuckets))),
		handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{
			// A collector's error still serves every metric gathered.
			ErrorHandling: promhttp.ContinueOnError,
			ErrorLog:      slogPrinter{cfg.Logger},
		}),
		exceptions:  &slot{name: "open_exceptions"},
		jobs:        &slot{name: "job_queue"},
		lastSuccess: &slot{name: "last_success"},
	}
	if err := m.registerGauges(); err != nil {
		_ = m.provider.Shutdown(context.Background())
		return nil, err
	}
	return m, nil
}

func bucketView(name string, bounds []float64) sdkmetric.View {
	return sdkmetric.NewView(sdkmetric.Instrument{Name: name, Kind: sdkmetric.InstrumentKindHistogram},
		sdkmetric.Stream{Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: bounds}})
}

// MeterProvider is the provider to set as MeterProvider in the
// components' configs.
func (m *Metrics) MeterProvider() metric.MeterProvider { return m.provider }

// Handler serves the Prometheus text (or protobuf) exposition of every
// metric. Mount it behind the API's authentication.
func (m *Metrics) Handler() http.Handler { return m.handler }

// Shutdown stops the provider — instruments record nothing afterwards —
// and waits, until ctx ends, for callbacks a scrape left running. It may
// be called again to wait longer.
func (m *Metrics) Shutdown(ctx context.Context) error {
	m.stop.Do(func() {
		if m.reg != nil {
			_ = m.reg.Unregister()
		}
		m.stopErr = m.provider.Shutdown(ctx)
	})
	err := m.stopErr
	done := make(chan struct{})
	go func() {
		m.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, fmt.Errorf("opsmetrics: callbacks still running: %w", ctx.Err()))
	}
	return err
}

// slogPrinter adapts promhttp's error log to the logger.
type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.l.Warn("opsmetrics: serving metrics", "error", fmt.Sprint(v...))
}
