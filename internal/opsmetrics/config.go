package opsmetrics

import (
	"context"
	"log/slog"
	"time"
)

// DefaultCallbackTimeout bounds each scrape's wait for the Config
// callbacks: Prometheus's own scrape timeout defaults to 10s, and a scrape
// that times out loses every metric, not only the slow one.
const DefaultCallbackTimeout = 3 * time.Second

// Job states the service reports in the job queue gauge (River's names).
const (
	JobAvailable = "available"
	JobScheduled = "scheduled"
	JobRetryable = "retryable"
	JobRunning   = "running"
)

// ExceptionGroup is one owner and kind of exception, as docs/operations.md
// lists them ("finance", "mapping-missing").
type ExceptionGroup struct {
	Owner string
	Kind  string
}

// JobGroup is one job kind in one state (JobAvailable, JobScheduled,
// JobRetryable, JobRunning).
type JobGroup struct {
	Kind  string
	State string
}

// Config configures the metrics plumbing. Every callback is optional: a
// nil one publishes no gauge. Callbacks run at scrape time, concurrently,
// with a context that ends after CallbackTimeout; they should honour it
// (a database query with that context does). A callback still running
// from an earlier scrape is not started again until it returns.
type Config struct {
	// OpenExceptions returns how many exceptions are open per owner and
	// kind; published as o2c.exceptions.open. Groups left out are not
	// published (zero need not be listed).
	OpenExceptions func(ctx context.Context) (map[ExceptionGroup]int64, error)
	// JobQueue returns how many jobs there are per job kind and state;
	// published as o2c.jobs.
	JobQueue func(ctx context.Context) (map[JobGroup]int64, error)
	// LastSuccess returns, per flow ("export", "shipments", "inventory",
	// "settlement"...), when its last run ended without error; published
	// as o2c.flow.last_success_age (seconds before the scrape). A zero time
	// means the flow never succeeded: its age then counts from New, so an
	// alert on a stale flow fires for a flow that never ran too.
	LastSuccess func(ctx context.Context) (map[string]time.Time, error)
	// CallbackTimeout bounds each scrape's callbacks; default
	// DefaultCallbackTimeout.
	CallbackTimeout time.Duration
	// Now is the clock for ages; default time.Now.
	Now func() time.Time
	// Logger receives callback failures (warn); nil discards.
	Logger *slog.Logger
	// WithoutRuntimeMetrics leaves the Go runtime and process collectors
	// (go_*, process_*) out of the registry.
	WithoutRuntimeMetrics bool
}

// ConfigError names a Config field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "opsmetrics: invalid config: " + e.Field + ": " + e.Reason
}

func (c *Config) setDefaults() {
	if c.CallbackTimeout == 0 {
		c.CallbackTimeout = DefaultCallbackTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field as a *ConfigError.
func (c *Config) Validate() error {
	if c.CallbackTimeout < 0 {
		return &ConfigError{Field: "CallbackTimeout", Reason: "must not be negative"}
	}
	return nil
}
