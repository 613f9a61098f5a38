package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
)

// Defaults of DispatcherConfig.
const (
	// DefaultQueueSize is how many events wait per endpoint before Send
	// refuses more.
	DefaultQueueSize = 1024
	// DefaultTimeout bounds one delivery attempt.
	DefaultTimeout = 10 * time.Second
)

// DefaultBackoff is the wait before each retry of a delivery: five retries
// over about 13 minutes.
var DefaultBackoff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute}

// Errors of Send.
var (
	// ErrQueueFull: an endpoint's queue is full; the event was not queued
	// for it (the flow goes on; the caller records the loss).
	ErrQueueFull = errors.New("webhook: queue full")
	// ErrClosed: the dispatcher was closed.
	ErrClosed = errors.New("webhook: dispatcher closed")
)

// DispatcherConfig configures a Dispatcher.
type DispatcherConfig struct {
	// Endpoints receive the events; each has its own queue and sender, so
	// a slow or dead receiver delays only itself.
	Endpoints []Endpoint
	// Client sends the requests; default an http.Client with
	// DefaultTimeout.
	Client *http.Client
	// QueueSize is each endpoint's queue; default DefaultQueueSize.
	QueueSize int
	// Backoff are the waits before each retry; nil means DefaultBackoff.
	// A receiver's Retry-After, when longer, is honoured instead.
	Backoff []time.Duration
	// Now is the clock for timestamps; default time.Now.
	Now func() time.Time
	// Sleep waits between attempts; default a timer that ends early when
	// ctx is done. Tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnGiveUp is called when an event is dropped for an endpoint after
	// its last attempt or a permanent refusal, so the host can raise an
	// exception; nil only logs.
	OnGiveUp func(ep Endpoint, ev Event, err error)
	// Logger receives delivery failures (endpoint by host, event id and
	// type; never secrets or payloads); nil discards.
	Logger *slog.Logger
}

// ConfigError names a DispatcherConfig field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "webhook: invalid config: " + e.Field + ": " + e.Reason
}

func (c *DispatcherConfig) setDefaults() {
	if c.Client == nil {
		c.Client = &http.Client{Timeout: DefaultTimeout}
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.Backoff == nil {
		c.Backoff = DefaultBackoff
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = ctxwait.Sleep
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c DispatcherConfig) Validate() error {
	for i, ep := range c.Endpoints {
		u, err := url.Parse(ep.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &ConfigError{Field: fmt.Sprintf("Endpoints[%d].URL", i), Reason: "not an http(s) URL"}
		}
		if u.User != nil {
			return &ConfigError{Field: fmt.Sprintf("Endpoints[%d].URL", i), Reason: "credentials in the URL; use Secret"}
		}
		if _, err := key(ep.Secret); err != nil {
			return &ConfigError{Field: fmt.Sprintf("Endpoints[%d].Secret", i), Reason: "after whsec_ it is not base64"}
		}
	}
	if c.QueueSize < 0 {
		return &ConfigError{Field: "QueueSize", Reason: "negative"}
	}
	for i, d := range c.Backoff {
		if d < 0 {
			return &ConfigError{Field: fmt.Sprintf("Backoff[%d]", i), Reason: "negative"}
		}
	}
	return nil
}

// Dispatcher delivers events to every endpoint in the background.
type Dispatcher struct {
	cfg    DispatcherConfig
	queues []chan Event
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.RWMutex
	closed bool
}

// NewDispatcher starts a sender per endpoint.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{cfg: cfg, ctx: ctx, cancel: cancel}
	for _, ep := range cfg.Endpoints {
		q := make(chan Event, cfg.QueueSize)
		d.queues = append(d.queues, q)
		d.wg.Add(1)
		go d.run(ep, q)
	}
	return d, nil
}

// Send queues ev for every endpoint that wants its type and returns at
// once. An event without an ID gets a random one ("msg_" and 32 hex
// digits); without a Timestamp, now. The error is ErrClosed, or
// ErrQueueFull joined for each endpoint whose queue was full (the others
// got the event).
func (d *Dispatcher) Send(ev Event) error {
	if ev.ID == "" {
		ev.ID = newID()
	}
	if ev.Timestamp.IsZero() {
		ev.Timestamp = d.cfg.Now().UTC()
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return ErrClosed
	}
	var errs []error
	for i, ep := range d.cfg.Endpoints {
		if !ep.wants(ev.Type) {
			continue
		}
		select {
		case d.queues[i] <- ev:
		default:
			errs = append(errs, fmt.Errorf("%s: event %s: %w", ep, ev.ID, ErrQueueFull))
		}
	}
	return errors.Join(errs...)
}

// Close stops accepting events and waits until the queued ones are
// delivered or given up, or ctx ends (then the rest are dropped and ctx's
// error returned).
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, q := range d.queues {
			close(q)
		}
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		d.cancel()
		<-done
		return ctx.Err()
	}
}

func (d *Dispatcher) run(ep Endpoint, q chan Event) {
	defer d.wg.Done()
	for ev := range q {
		d.deliver(ep, ev)
	}
}

func (d *Dispatcher) deliver(ep Endpoint, ev Event) {
	for attempt := 0; ; attempt++ {
		if d.ctx.Err() != nil {
			d.giveUp(ep, ev, d.ctx.Err())
			return
		}
		err := Deliver(d.ctx, d.cfg.Client, ep, ev, d.cfg.Now())
		if err == nil {
			return
		}
		var de *DeliveryError
		retryable := errors.As(err, &de) && de.Retryable
		if !retryable || attempt >= len(d.cfg.Backoff) {
			d.giveUp(ep, ev, err)
			return
		}
		wait := d.cfg.Backoff[attempt]
		if de.RetryAfter > wait {
			wait = de.RetryAfter
		}
		d.cfg.Logger.Warn("webhook: delivery failed; retrying", "endpoint", ep.String(), "event", ev.ID, "type", ev.Type,
			"attempt", attempt+1, "status", de.StatusCode, "wait", wait)
		if err := d.cfg.Sleep(d.ctx, wait); err != nil {
			d.giveUp(ep, ev, err)
			return
		}
	}
}

func (d *Dispatcher) giveUp(ep Endpoint, ev Event, err error) {
	d.cfg.Logger.Error("webhook: event dropped for endpoint", "endpoint", ep.String(), "event", ev.ID, "type", ev.Type, "err", err)
	if d.cfg.OnGiveUp != nil {
		d.cfg.OnGiveUp(ep, ev, err)
	}
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "msg_" + hex.EncodeToString(b)
}
