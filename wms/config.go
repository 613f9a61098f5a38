package wms

import (
	"errors"
	"fmt"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/sfcc"
)

// Defaults of the components' configs.
const (
	// DefaultSequencerWorkers bounds how many orders ApplyAll and Resume
	// work on at once.
	DefaultSequencerWorkers = 4
	// DefaultPusherBatchSize is the number of records per batch request.
	DefaultPusherBatchSize = MaxBatchSize
	// DefaultPusherWorkers bounds concurrent batch requests in one flush.
	DefaultPusherWorkers = 2
	// DefaultPushInterval is how often Pusher.Run flushes.
	DefaultPushInterval = time.Minute
	// DefaultRetryAttempts is a Backoff's total number of tries of one step.
	DefaultRetryAttempts = 5
	// DefaultRetryInitial is a Backoff's first wait.
	DefaultRetryInitial = 200 * time.Millisecond
	// DefaultRetryMax caps a Backoff's single wait.
	DefaultRetryMax = 10 * time.Second
)

// ErrInvalidConfig is matched (errors.Is) by every *ConfigError.
var ErrInvalidConfig = errors.New("wms: invalid config")

// ConfigError names the field of a SequencerConfig, PusherConfig or
// MonitorConfig that is missing or wrong.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "wms: invalid config: " + e.Field + ": " + e.Reason }

// Is reports whether target is ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

func (c *SequencerConfig) setDefaults() {
	if c.Store == nil {
		c.Store = NewMemoryEventStore()
	}
	if c.Notifier == nil && c.Orders != nil {
		c.Notifier = FlagNotifier{Orders: c.Orders}
	}
	c.Attributes = c.Attributes.withDefaults()
	c.Retry = c.Retry.withDefaults()
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Logger = logging.OrDiscard(c.Logger)
	if c.Workers == 0 {
		c.Workers = DefaultSequencerWorkers
	}
}

// Validate reports the first missing or invalid field as a *ConfigError.
func (c SequencerConfig) Validate() error {
	switch {
	case c.Orders == nil:
		return &ConfigError{Field: "Orders", Reason: "required"}
	case c.Workers < 0:
		return &ConfigError{Field: "Workers", Reason: fmt.Sprintf("%d is negative", c.Workers)}
	}
	return c.Retry.validate()
}

func (c *PusherConfig) setDefaults() {
	if c.Levels == nil {
		c.Levels = NewMemoryLevelStore()
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultPusherBatchSize
	}
	if c.Workers == 0 {
		c.Workers = DefaultPusherWorkers
	}
	if c.Interval == 0 {
		c.Interval = DefaultPushInterval
	}
	if c.NewTicker == nil {
		c.NewTicker = NewTimeTicker
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Retry = c.Retry.withDefaults()
	c.Logger = logging.OrDiscard(c.Logger)
}

// Validate reports the first missing or invalid field as a *ConfigError.
func (c PusherConfig) Validate() error {
	switch {
	case c.Writer == nil:
		return &ConfigError{Field: "Writer", Reason: "required"}
	case c.List == "":
		return &ConfigError{Field: "List", Reason: "required"}
	case c.BatchSize < 0 || c.BatchSize > MaxBatchSize:
		return &ConfigError{Field: "BatchSize", Reason: fmt.Sprintf("%d is outside 1..%d", c.BatchSize, MaxBatchSize)}
	case c.Workers < 0:
		return &ConfigError{Field: "Workers", Reason: fmt.Sprintf("%d is negative", c.Workers)}
	case c.Interval < 0:
		return &ConfigError{Field: "Interval", Reason: fmt.Sprintf("%v is negative", c.Interval)}
	}
	return c.Retry.validate()
}

func (c *MonitorConfig) setDefaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Attributes = c.Attributes.withDefaults()
	if c.Search == nil {
		c.Search, _ = c.Orders.(sfcc.OrderSearcher)
	}
	if c.PerOrderReads {
		c.Search = nil
	}
}

// Validate reports the first missing or invalid field as a *ConfigError.
func (c MonitorConfig) Validate() error {
	switch {
	case c.Orders == nil:
		return &ConfigError{Field: "Orders", Reason: "required"}
	case c.Store == nil:
		return &ConfigError{Field: "Store", Reason: "required"}
	case c.After <= 0:
		return &ConfigError{Field: "After", Reason: "must be positive"}
	}
	return nil
}

func (b Backoff) withDefaults() Backoff {
	if b.Attempts == 0 {
		b.Attempts = DefaultRetryAttempts
	}
	if b.Initial == 0 {
		b.Initial = DefaultRetryInitial
	}
	if b.Max == 0 {
		b.Max = DefaultRetryMax
	}
	if b.Wait == nil {
		b.Wait = ctxwait.Sleep
	}
	return b
}

func (b Backoff) validate() error {
	switch {
	case b.Attempts < 0:
		return &ConfigError{Field: "Retry.Attempts", Reason: fmt.Sprintf("%d is negative", b.Attempts)}
	case b.Initial < 0:
		return &ConfigError{Field: "Retry.Initial", Reason: fmt.Sprintf("%v is negative", b.Initial)}
	case b.Max < 0:
		return &ConfigError{Field: "Retry.Max", Reason: fmt.Sprintf("%v is negative", b.Max)}
	}
	return nil
}
