package wms

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// MaxBatchSize is the most sub-requests OCAPI accepts in one batch.
const MaxBatchSize = 50

// PusherConfig configures a Pusher. Writer and List are required.
type PusherConfig struct {
	// Writer sends the updates (an *ocapi.Client, whose own rate limit and
	// retries apply to every batch).
	Writer InventoryWriter
	// List is the SFCC inventory list for locations not in Lists.
	List string
	// Lists maps a stock location to its SFCC inventory list. Several
	// locations may feed one list: their available quantities are added.
	Lists map[string]string
	// Safety holds stock back; nil pushes available as is (floored at 0).
	Safety *SafetyStock
	// BatchSize is the number of records per batch request, 1..MaxBatchSize;
	// default DefaultPusherBatchSize.
	BatchSize int
	// Workers bounds concurrent batch requests in one flush; default
	// DefaultPusherWorkers.
	Workers int
	// Interval is how often Run flushes; default DefaultPushInterval.
	Interval time.Duration
	// NewTicker makes Run's ticker; default NewTimeTicker.
	NewTicker func(time.Duration) Ticker
	// Now is the clock for retry scheduling and latency; default time.Now.
	Now func() time.Time
	// Retry spaces the retries of a SKU whose push failed: Initial, doubled
	// per failure, capped at Max; after Attempts failures (or one permanent
	// failure) the SKU is marked failed until its allocation changes or
	// RetryFailed is called. Retry.Wait is not used: retries wait for a
	// later flush, so one failing SKU never holds up the others.
	Retry Backoff
	// Logger gets one line per flush and per failed SKU; nil discards.
	Logger *slog.Logger
	// Levels remembers each location's latest level and the allocation
	// last pushed per SKU; default a new MemoryLevelStore. With a durable
	// store a restarted Pusher pushes what one that never stopped would.
	Levels LevelStore
	// OnOutcome, when set, is called once per SKU sent in a flush, after
	// its outcome is recorded. It must not call back into the Pusher.
	OnOutcome func(SKUOutcome)
	// MeterProvider receives the OpenTelemetry metrics
	// MetricInventoryPushes and MetricInventoryLag; nil records nothing.
	MeterProvider metric.MeterProvider
	// TracerProvider receives one OpenTelemetry span per Flush (SpanFlush)
	// with the SFCC inventory requests as children when the SFCC client
	// traces into the same provider; nil records nothing (no global
	// provider).
	TracerProvider trace.TracerProvider
}

// PushState is where a SKU's allocation stands.
type PushState string

// Push states.
const (
	// PushPending: SFCC does not have the current allocation yet.
	PushPending PushState = "pending"
	// PushInFlight: being sent by a flush.
	PushInFlight PushState = "in-flight"
	// PushRetrying: the last push failed; retried by a flush after NextAttempt.
	PushRetrying PushState = "retrying"
	// PushFailed: given up until the allocation changes or RetryFailed.
	PushFailed PushState = "failed"
	// PushDone: SFCC has the current allocation.
	PushDone PushState = "pushed"
)

// SKUStatus is the observable state of one SKU in one inventory list.
type SKUStatus struct {
	List string
	SKU  string
	// Available is the latest available quantity, summed over locations.
	Available decimal.Decimal
	// Allocation is what SFCC should have: Available less safety stock.
	Allocation decimal.Decimal
	// Pushed is the allocation SFCC last confirmed (valid if HasPushed).
	Pushed    decimal.Decimal
	HasPushed bool
	PushedAt  time.Time
	State     PushState
	// Attempts counts failed pushes of the current allocation.
	Attempts    int
	NextAttempt time.Time
	// Err is the last failure, a *PushError.
	Err error
	// Latency is, for the last successful push, the time from the oldest
	// change it carried to SFCC's confirmation (on the Pusher's clock).
	Latency time.Duration
}

// SKUOutcome reports one SKU sent by a flush.
type SKUOutcome struct {
	List       string
	SKU        string
	Allocation decimal.Decimal
	// Err is nil on success, else a *PushError.
	Err     error
	Latency time.Duration
}

// OfferStats counts what Offer did with the levels it was given.
type OfferStats struct {
	// Accepted levels became the latest for their SKU and location.
	Accepted int
	// Stale levels were older than (or equal to) one already held and were
	// ignored.
	Stale int
	// Invalid levels were refused with a *LevelError.
	Invalid int
}

// FlushReport summarises one flush.
type FlushReport struct {
	// Requests is the number of HTTP requests the flush made: one per
	// batch of at most BatchSize records, plus one per record created.
	Requests int
	// Sent is the number of SKUs sent; Pushed succeeded, Failed did not.
	Sent   int
	Pushed int
	Failed int
	// Waiting is the number of SKUs still to push after the flush (new
	// changes, retries not yet due, failed ones).
	Waiting int
}

type invKey struct{ list, sku string }

type skuState struct {
	levels    map[string]StockLevel // by location
	available decimal.Decimal
	want      decimal.Decimal
	resetAt   time.Time
	pushed    decimal.Decimal
	hasPushed bool
	pushedAt  time.Time
	inFlight  bool
	attempts  int
	nextTry   time.Time
	failed    bool
	lastErr   error
	since     time.Time
	latency   time.Duration
	// loaded: levels were read from the LevelStore (a SKU first met through
	// Prime has not been).
	loaded bool
}

// Pusher turns stock levels into SFCC inventory allocations: it keeps the
// latest level per SKU and location, applies safety stock, and sends only
// allocations SFCC does not have yet, in batches. Offer feeds it; Flush (on
// demand) and Run (on an interval) push. It is safe for concurrent use;
// flushes run one at a time.
type Pusher struct {
	writer    InventoryWriter
	list      string
	lists     map[string]string
	safety    *SafetyStock
	batch     int
	workers   int
	interval  time.Duration
	newTicker func(time.Duration) Ticker
	now       func() time.Time
	retry     Backoff
	log       *slog.Logger
	onOutcome func(SKUOutcome)
	store     LevelStore
	metrics   pusherMetrics
	tracer    trace.Tracer

	mu           sync.Mutex
	skus         map[invKey]*skuState
	dirty        map[invKey]struct{}
	highVelocity bool

	flushMu sync.Mutex
	kick    chan struct{}
}

// NewPusher validates cfg and returns a Pusher.
func NewPusher(cfg PusherConfig) (*Pusher, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Pusher{writer: cfg.Writer, list: cfg.List, lists: cfg.Lists, safety: cfg.Safety,
		batch: cfg.BatchSize, workers: cfg.Workers, interval: cfg.Interval, newTicker: cfg.NewTicker,
		now: cfg.Now, retry: cfg.Retry, log: cfg.Logger, onOutcome: cfg.OnOutcome, store: cfg.Levels,
		skus: map[invKey]*skuState{}, dirty: map[invKey]struct{}{}, kick: make(chan struct{}, 1),
		metrics: newPusherMetrics(cfg.MeterProvider), tracer: tracer(cfg.TracerProvider)}, nil
}

func (p *Pusher) listFor(location string) string {
	if l, ok := p.lists[location]; ok && l != "" {
		return l
	}
	return p.list
}

// Offer takes absolute stock levels. For each SKU and location the newest
// level (see StockLevel) wins; older or equal ones are counted as stale and
// ignored. Invalid levels are refused with a *LevelError (joined into the
// returned error); the others still go through. Nothing is sent until the
// next flush. Offer is OfferContext without a deadline.
func (p *Pusher) Offer(levels ...StockLevel) (OfferStats, error) {
	return p.OfferContext(context.Background(), levels...)
}

// OfferContext is Offer with a context for the level store. A level the
// store could not record is refused with a *LevelError (counted Invalid)
// and changes nothing, so it can be offered again.
func (p *Pusher) OfferContext(ctx context.Context, levels ...StockLevel) (OfferStats, error) {
	var stats OfferStats
	var errs []error
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range levels {
		if reason := l.validate(); reason != "" {
			stats.Invalid++
			errs = append(errs, &LevelError{SKU: l.SKU, Location: l.Location, Reason: reason})
			continue
		}
		k := invKey{p.listFor(l.Location), l.SKU}
		st := p.skus[k]
		if st == nil || !st.loaded {
			fresh, err := p.load(ctx, k)
			if err != nil {
				stats.Invalid++
				errs = append(errs, &LevelError{SKU: l.SKU, Location: l.Location, Reason: "level store: " + err.Error()})
				continue
			}
			if st == nil {
				st = fresh
				p.skus[k] = st
			} else {
				// Primed from SFCC: keep what SFCC holds, add the other
				// locations' levels the store remembers.
				for loc, sl := range fresh.levels {
					if _, ok := st.levels[loc]; !ok {
						st.levels[loc] = sl
					}
				}
				st.loaded = true
			}
			if len(st.levels) > 0 {
				// A process that stored a level and died before pushing it
				// left SFCC behind the store; the level comes again and is
				// stale, so the allocation must be compared here.
				if err := p.recompute(k, st, now); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if prev, ok := st.levels[l.Location]; ok && !l.Supersedes(prev) {
			stats.Stale++
			continue
		}
		ok, err := p.store.SetLevel(ctx, k.list, l)
		if err != nil {
			stats.Invalid++
			errs = append(errs, &LevelError{SKU: l.SKU, Location: l.Location, Reason: "level store: " + err.Error()})
			continue
		}
		if !ok {
			// Another process stored a newer level: take the store's view.
			stats.Stale++
			fresh, err := p.load(ctx, k)
			if err == nil {
				st.levels = fresh.levels
				if err := p.recompute(k, st, now); err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}
		st.levels[l.Location] = l
		stats.Accepted++
		if err := p.recompute(k, st, now); err != nil {
			errs = append(errs, err)
		}
	}
	return stats, errors.Join(errs...)
}

// load reads one SKU's levels and last pushed allocation from the store
// (after a restart, or when the SKU is first seen). Caller holds mu.
func (p *Pusher) load(ctx context.Context, k invKey) (*skuState, error) {
	st := &skuState{levels: map[string]StockLevel{}, loaded: true}
	ls, err := p.store.Levels(ctx, k.list, k.sku)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		st.levels[l.Location] = l
	}
	pa, ok, err := p.store.Pushed(ctx, k.list, k.sku)
	if err != nil {
		return nil, err
	}
	if ok {
		st.pushed, st.hasPushed, st.pushedAt = pa.Allocation, true, pa.At
		st.want = pa.Allocation
	}
	return st, nil
}

// recompute derives available, allocation and reset time from the levels
// and marks the SKU dirty when SFCC lacks the allocation. Caller holds mu.
func (p *Pusher) recompute(k invKey, st *skuState, now time.Time) error {
	if len(st.levels) > 0 {
		var sum decimal.Decimal
		var reset time.Time
		for _, l := range st.levels {
			var err error
			if sum, err = sum.Add(l.Available); err != nil {
				return &LevelError{SKU: k.sku, Reason: err.Error()}
			}
			// The oldest snapshot: SFCC counts orders placed after the reset
			// date against the allocation, so a too-early date can only
			// under-state stock, never oversell.
			if !l.At.IsZero() && (reset.IsZero() || l.At.Before(reset)) {
				reset = l.At
			}
		}
		want, err := p.safety.Allocation(k.sku, sum, p.highVelocity)
		if err != nil {
			return err
		}
		if want.Cmp(st.want) != 0 {
			// A new allocation gets a fresh retry budget.
			st.attempts, st.failed, st.nextTry = 0, false, time.Time{}
		}
		st.available, st.want, st.resetAt = sum, want, reset
	}
	if st.hasPushed && st.want.Cmp(st.pushed) == 0 {
		delete(p.dirty, k)
		st.since = time.Time{}
		return nil
	}
	if _, ok := p.dirty[k]; !ok {
		p.dirty[k] = struct{}{}
	}
	if st.since.IsZero() {
		st.since = now
	}
	return nil
}

// SetHighVelocity switches between the Normal and HighVelocity safety-stock
// profiles and recomputes every SKU; SKUs whose allocation changes are
// pushed by the next flush.
func (p *Pusher) SetHighVelocity(on bool) error {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.highVelocity == on {
		return nil
	}
	p.highVelocity = on
	var errs []error
	for k, st := range p.skus {
		if err := p.recompute(k, st, now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Prime tells the Pusher what SFCC already holds (for example from
// ocapi.Client.InventoryRecords after a restart), so unchanged allocations
// are not sent again.
func (p *Pusher) Prime(list string, recs ...sfcc.InventoryRecord) {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range recs {
		k := invKey{list, r.ProductID}
		st := p.skus[k]
		if st == nil {
			st = &skuState{levels: map[string]StockLevel{}, want: r.Allocation}
			p.skus[k] = st
		}
		st.pushed, st.hasPushed = r.Allocation, true
		_ = p.recompute(k, st, now)
	}
}

// PrimeFrom reads every record of list from SFCC and primes the Pusher with
// them (see Prime): after a restart, only allocations that differ from what
// SFCC holds are sent. It returns the number of records read.
func (p *Pusher) PrimeFrom(ctx context.Context, src InventoryLister, list string) (int, error) {
	n := 0
	var batch []sfcc.InventoryRecord
	for rec, err := range src.InventoryRecords(ctx, list) {
		if err != nil {
			return n, fmt.Errorf("wms: prime from inventory list %s: %w", list, err)
		}
		batch = append(batch, rec)
		n++
		if len(batch) == 500 {
			p.Prime(list, batch...)
			batch = batch[:0]
		}
	}
	p.Prime(list, batch...)
	return n, nil
}

// RetryFailed re-queues every SKU marked failed, with a fresh retry budget.
func (p *Pusher) RetryFailed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for k := range p.dirty {
		if st := p.skus[k]; st.failed {
			st.failed, st.attempts, st.nextTry = false, 0, time.Time{}
			n++
		}
	}
	return n
}

func (st *skuState) status(k invKey) SKUStatus {
	s := SKUStatus{List: k.list, SKU: k.sku, Available: st.available, Allocation: st.want,
		Pushed: st.pushed, HasPushed: st.hasPushed, PushedAt: st.pushedAt, Attempts: st.attempts,
		NextAttempt: st.nextTry, Err: st.lastErr, Latency: st.latency}
	switch {
	case st.inFlight:
		s.State = PushInFlight
	case st.hasPushed && st.pushed.Cmp(st.want) == 0:
		s.State = PushDone
	case st.failed:
		s.State = PushFailed
	case st.attempts > 0:
		s.State = PushRetrying
	default:
		s.State = PushPending
	}
	return s
}

// Status returns one SKU's state in an inventory list.
func (p *Pusher) Status(list, sku string) (SKUStatus, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := invKey{list, sku}
	st, ok := p.skus[k]
	if !ok {
		return SKUStatus{}, false
	}
	return st.status(k), true
}

// Statuses returns every SKU's state, sorted by list then SKU.
func (p *Pusher) Statuses() []SKUStatus {
	p.mu.Lock()
	out := make([]SKUStatus, 0, len(p.skus))
	for k, st := range p.skus {
		out = append(out, st.status(k))
	}
	p.mu.Unlock()
	slices.SortFunc(out, func(a, b SKUStatus) int {
		return cmp.Or(cmp.Compare(a.List, b.List), cmp.Compare(a.SKU, b.SKU))
	})
	return out
}

// Waiting is the number of SKUs whose allocation SFCC does not have yet.
func (p *Pusher) Waiting() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.dirty)
}

// Kick asks a running Run loop to flush now, without waiting for the tick.
func (p *Pusher) Kick() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run flushes every Interval, and whenever Kick is called, until ctx ends;
// it then returns ctx.Err(). Flush failures are logged and retried by
// later flushes.
func (p *Pusher) Run(ctx context.Context) error {
	t := p.newTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C():
		case <-p.kick:
		}
		if _, err := p.Flush(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("inventory flush failed", "err", err)
		}
	}
}
