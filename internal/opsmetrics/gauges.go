package opsmetrics

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// errBusy reports a callback that has not returned since an earlier
// scrape: starting it again would pile up calls on a stuck database.
var errBusy = errors.New("still running from an earlier scrape")

// slot is one callback's state across scrapes.
type slot struct {
	name string
	busy atomic.Bool
}

func (m *Metrics) registerGauges() error {
	meter := m.provider.Meter(meterName)
	var err error
	m.errs, err = meter.Int64Counter(MetricCallbackErrors,
		metric.WithDescription("scrapes in which a metrics callback failed or timed out, by callback"), metric.WithUnit("{error}"))
	if err != nil {
		return fmt.Errorf("opsmetrics: %s: %w", MetricCallbackErrors, err)
	}
	exc, err := meter.Int64ObservableGauge(MetricOpenExceptions,
		metric.WithDescription("open exceptions by owner and kind"), metric.WithUnit("{exception}"))
	if err != nil {
		return fmt.Errorf("opsmetrics: %s: %w", MetricOpenExceptions, err)
	}
	jobs, err := meter.Int64ObservableGauge(MetricJobs,
		metric.WithDescription("jobs by job kind and state"), metric.WithUnit("{job}"))
	if err != nil {
		return fmt.Errorf("opsmetrics: %s: %w", MetricJobs, err)
	}
	age, err := meter.Float64ObservableGauge(MetricLastSuccessAge,
		metric.WithDescription("time since each flow's last successful run"), metric.WithUnit("s"))
	if err != nil {
		return fmt.Errorf("opsmetrics: %s: %w", MetricLastSuccessAge, err)
	}
	var instruments []metric.Observable
	used := func(inst metric.Observable, s *slot) {
		instruments = append(instruments, inst)
		// A counter starting at 0 lets increase() see the first error.
		m.errs.Add(context.Background(), 0, metric.WithAttributes(attribute.String("callback", s.name)))
	}
	if m.cfg.OpenExceptions != nil {
		used(exc, m.exceptions)
	}
	if m.cfg.JobQueue != nil {
		used(jobs, m.jobs)
	}
	if m.cfg.LastSuccess != nil {
		used(age, m.lastSuccess)
	}
	if len(instruments) == 0 {
		return nil
	}
	started := m.cfg.Now()
	// One callback for all three gauges, so the callbacks run side by side
	// and a scrape waits at most one CallbackTimeout.
	m.reg, err = meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		ctx, cancel := context.WithTimeout(ctx, m.cfg.CallbackTimeout)
		defer cancel()
		var (
			wg       sync.WaitGroup
			excs     map[ExceptionGroup]int64
			queue    map[JobGroup]int64
			last     map[string]time.Time
			excErr   error
			queueErr error
			lastErr  error
		)
		if m.cfg.OpenExceptions != nil {
			wg.Go(func() { excs, excErr = call(ctx, m, m.exceptions, m.cfg.OpenExceptions) })
		}
		if m.cfg.JobQueue != nil {
			wg.Go(func() { queue, queueErr = call(ctx, m, m.jobs, m.cfg.JobQueue) })
		}
		if m.cfg.LastSuccess != nil {
			wg.Go(func() { last, lastErr = call(ctx, m, m.lastSuccess, m.cfg.LastSuccess) })
		}
		wg.Wait()
		// The errors are counted and logged here rather than returned: the
		// SDK would hand a returned error to the process-wide OTel error
		// handler, which writes to stderr.
		if m.ok(ctx, m.exceptions, excErr) {
			for g, n := range excs {
				o.ObserveInt64(exc, n, metric.WithAttributes(attribute.String("owner", g.Owner), attribute.String("kind", g.Kind)))
			}
		}
		if m.ok(ctx, m.jobs, queueErr) {
			for g, n := range queue {
				o.ObserveInt64(jobs, n, metric.WithAttributes(attribute.String("kind", g.Kind), attribute.String("state", g.State)))
			}
		}
		if m.ok(ctx, m.lastSuccess, lastErr) {
			now := m.cfg.Now()
			for flow, t := range last {
				if t.IsZero() {
					t = started
				}
				o.ObserveFloat64(age, max(0, now.Sub(t).Seconds()), metric.WithAttributes(attribute.String("flow", flow)))
			}
		}
		return nil
	}, instruments...)
	if err != nil {
		return fmt.Errorf("opsmetrics: register callbacks: %w", err)
	}
	return nil
}

// ok reports whether err is nil; otherwise it counts and logs it, and
// the callback's series are left out of this scrape.
func (m *Metrics) ok(ctx context.Context, s *slot, err error) bool {
	if err == nil {
		return true
	}
	m.errs.Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(attribute.String("callback", s.name)))
	m.cfg.Logger.Warn("opsmetrics: metrics callback failed; its series are left out of this scrape",
		"callback", s.name, "error", err)
	return false
}

// call runs f in its own goroutine and returns when it does or when ctx
// ends, whichever is first, so a callback that ignores its context cannot
// hold the scrape. Such a callback is not started again until it returns.
func call[T any](ctx context.Context, m *Metrics, s *slot, f func(context.Context) (T, error)) (T, error) {
	var zero T
	if !s.busy.CompareAndSwap(false, true) {
		return zero, errBusy
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	m.running.Add(1)
	go func() {
		defer m.running.Done()
		defer s.busy.Store(false)
		defer func() {
			// A panicking callback would take the whole service down from
			// a scrape's goroutine; it is reported like any failure.
			if r := recover(); r != nil {
				ch <- result{err: fmt.Errorf("panic: %v", r)}
			}
		}()
		v, err := f(ctx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return zero, fmt.Errorf("no answer within %s: %w", m.cfg.CallbackTimeout, context.Cause(ctx))
	}
}
