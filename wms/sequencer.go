package wms

import (
	"context"
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

// SequencerConfig configures a Sequencer. Orders is required.
type SequencerConfig struct {
	// Orders reads and updates SFCC orders (an *ocapi.Client).
	Orders OrderUpdater
	// Store remembers events; default a new MemoryEventStore.
	Store EventStore
	// Notifier tells the customer; default FlagNotifier{Orders: Orders},
	// whose attributes travel in the tracking write (see AttributeNotifier).
	Notifier Notifier
	// Attributes names the tracking attributes; zero value = defaults.
	Attributes Attributes
	// Retry is the policy for transient failures of the Store's calls.
	// Calls to Orders and the Notifier are made once per step: their
	// clients own retries (see "One owner for retries" on Sequencer).
	Retry Backoff
	// Now is the clock used for store timestamps; default time.Now.
	Now func() time.Time
	// Logger receives one line per applied, rejected or failed event;
	// nil discards.
	Logger *slog.Logger
	// MeterProvider receives the OpenTelemetry metrics MetricShipments and
	// MetricNotifications; nil records nothing (no global provider).
	MeterProvider metric.MeterProvider
	// TracerProvider receives one OpenTelemetry span per confirmation
	// (SpanApply), under SpanApplyAll or SpanResume for those calls, with
	// the SFCC requests made for the event as children when the SFCC
	// client traces into the same provider; nil records nothing (no global
	// provider).
	TracerProvider trace.TracerProvider
	// Workers bounds how many orders ApplyAll and Resume work on at once;
	// default DefaultSequencerWorkers.
	Workers int
}

// Sequencer applies shipment confirmations to SFCC orders.
//
// For one event the steps are, in order: record it in the store; read the
// order and check the shipped quantities against it; write the tracking
// attributes in one PATCH and raise the shipping status (PART_SHIPPED while
// any ordered quantity remains, SHIPPED when none does; never lowered);
// notify the customer; record the event done. With an [AttributeNotifier]
// (the default [FlagNotifier]) the notification marker rides in the
// tracking PATCH, so a package costs at most three SFCC requests: the order
// read, the PATCH and, when the status moves, the status write. A run that
// stops between any two steps is resumed from the store: the re-run reads
// the order, finds the package's notification already requested, writes
// the same tracking data again and finishes, so no package is notified
// twice and no tracking number is lost. With any other Notifier the store
// records EventWritten and EventNotifying around Notify (confirmed by
// Notified) and a re-run resumes at the step reached.
//
// Ordering rule. Events of one order are applied one at a time (a per-order
// lock), different orders in parallel. The sequencing order of one order's
// events is by Sequence, then ShippedAt, then EventID: ApplyAll sorts each
// order's events this way, the tracking attributes always list packages
// this way whatever the arrival order, and shipping status and tracking
// data therefore end the same for any arrival order. When the WMS numbers
// its events (Sequence ≥ 1), order is strict: an event is held (outcome
// OutcomeWaiting) until every lower number of its order is done or rejected,
// and is applied as soon as the gap closes.
//
// One owner for retries. The layer nearest the wire retries: the SFCC
// client retries each idempotent call (the OCAPI client: up to its
// MaxRetries more attempts, honouring Retry-After), and a Notifier retries
// its own transport. The Sequencer calls Orders and the Notifier once per
// step and treats their error as final for this run: the event fails with
// an *ApplyError (Temporary when the cause was) and the store keeps the
// step reached, so a re-delivery, Resume or the host's job engine carries
// on from there. An order read that keeps answering 503 therefore costs the
// client's attempts, not the client's attempts times the Sequencer's.
// Only EventStore calls are retried here, with Retry: a store has no
// retrying client of its own.
//
// A Sequencer is safe for concurrent use. Within one process it must be the
// only writer of its orders' tracking attributes.
type Sequencer struct {
	orders   OrderUpdater
	store    EventStore
	notifier Notifier
	attrs    Attributes
	retry    Backoff
	now      func() time.Time
	log      *slog.Logger
	workers  int
	locks    keyedLock
	metrics  sequencerMetrics
	tracer   trace.Tracer
}

// NewSequencer validates cfg and returns a Sequencer.
func NewSequencer(cfg SequencerConfig) (*Sequencer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Sequencer{
		orders: cfg.Orders, store: cfg.Store, notifier: cfg.Notifier,
		attrs: cfg.Attributes, retry: cfg.Retry,
		now: cfg.Now, log: cfg.Logger, workers: cfg.Workers,
		metrics: newSequencerMetrics(cfg.MeterProvider),
		tracer:  tracer(cfg.TracerProvider),
	}, nil
}

// Store returns the sequencer's event store.
func (s *Sequencer) Store() EventStore { return s.store }

// Outcome is what applying one confirmation did.
type Outcome string

// Outcomes.
const (
	// OutcomeApplied: written to SFCC and notified by this call.
	OutcomeApplied Outcome = "applied"
	// OutcomeDuplicate: the event was already done or rejected; nothing changed.
	OutcomeDuplicate Outcome = "duplicate"
	// OutcomeWaiting: held until lower sequence numbers of its order are done.
	OutcomeWaiting Outcome = "waiting"
	// OutcomeRejected: refused (QuantityError or ConfirmationError); the
	// order was not touched.
	OutcomeRejected Outcome = "rejected"
	// OutcomeFailed: a step failed (ApplyError); the store remembers how far
	// it got and a re-delivery or Resume continues from there.
	OutcomeFailed Outcome = "failed"
)

// Result reports one confirmation.
type Result struct {
	OrderNo    string
	EventID    string
	ShipmentID string
	Outcome    Outcome
	// ShippingStatus is the order's shipping status after the call (for
	// applied events).
	ShippingStatus sfcc.ShippingStatus
	// Notified is true when this call triggered the notification.
	Notified bool
	// Released are held events of the same order that this call unblocked
	// and applied, in sequence order.
	Released []Result
	// Err is nil for applied, duplicate and waiting outcomes.
	Err error
}

// Apply runs one confirmation through the sequence. The returned error is
// Result.Err: a *ConfirmationError or *QuantityError (rejected), or an
// *ApplyError (failed). Acknowledge the event to the WMS when the error is
// nil or the outcome is rejected; otherwise let the WMS re-deliver it.
func (s *Sequencer) Apply(ctx context.Context, c ShipmentConfirmation) (Result, error) {
	ctx, span := s.startEvent(ctx, c)
	res := s.apply(ctx, c)
	endEvent(span, res)
	return res, res.Err
}

func (s *Sequencer) apply(ctx context.Context, c ShipmentConfirmation) Result {
	if res, bad := s.invalid(ctx, c); bad {
		return res
	}
	unlock, err := s.locks.lock(ctx, c.OrderNo)
	if err != nil {
		res := s.lockFailed(c, err)
		s.metrics.observe(ctx, res)
		return res
	}
	defer unlock()
	return s.applyHeld(ctx, c, &lastWrite{})
}

// invalid rejects a confirmation that lacks what the sequence needs.
func (s *Sequencer) invalid(ctx context.Context, c ShipmentConfirmation) (Result, bool) {
	reason := c.validate()
	if reason == "" {
		return Result{}, false
	}
	res := Result{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID, Outcome: OutcomeRejected,
		Err: &ConfirmationError{OrderNo: c.OrderNo, EventID: c.EventID, Reason: reason, Kind: ErrInvalidConfirmation}}
	s.log.WarnContext(ctx, "shipment confirmation rejected", "order_no", c.OrderNo, "event_id", c.EventID, "err", res.Err)
	s.metrics.observe(ctx, res)
	return res, true
}

func (s *Sequencer) lockFailed(c ShipmentConfirmation, err error) Result {
	res := Result{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID, Outcome: OutcomeFailed}
	res.Err = &ApplyError{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID, Step: StepRecord, Err: err}
	return res
}

// applyHeld applies a valid confirmation while its order's lock is held,
// then releases held successors.
func (s *Sequencer) applyHeld(ctx context.Context, c ShipmentConfirmation, lw *lastWrite) Result {
	res := s.applyLocked(ctx, c, lw)
	switch res.Outcome {
	case OutcomeApplied, OutcomeRejected, OutcomeDuplicate:
		// A duplicate too: a run that stopped after finishing an event but
		// before releasing its held successors is completed by re-delivery.
		res.Released = s.drain(ctx, c.OrderNo, lw)
	}
	s.metrics.observe(ctx, res)
	return res
}

// lastWrite is, within one run over an order's events under its lock, the
// order as the previous event of the run left it in SFCC: as read, plus the
// attributes and status the run wrote. The next event of the run starts
// from it instead of reading the order again. It is only set after every
// write of an event succeeded, and it never outlives the run: the next run
// (another batch, a Resume, a restart) reads the order.
type lastWrite struct {
	order sfcc.Order
	ok    bool
}

// ordersRun holds one order's lock over several events.
func (s *Sequencer) ordersRun(ctx context.Context, orderNo string, cs []ShipmentConfirmation) []Result {
	out := make([]Result, len(cs))
	var valid []int
	for i, c := range cs {
		if res, bad := s.invalid(ctx, c); bad {
			s.tracedEvent(ctx, c, res)
			out[i] = res
			continue
		}
		valid = append(valid, i)
	}
	if len(valid) == 0 {
		return out
	}
	unlock, err := s.locks.lock(ctx, orderNo)
	if err != nil {
		for _, i := range valid {
			out[i] = s.lockFailed(cs[i], err)
			s.tracedEvent(ctx, cs[i], out[i])
			s.metrics.observe(ctx, out[i])
		}
		return out
	}
	defer unlock()
	lw := &lastWrite{}
	for _, i := range valid {
		ctx, span := s.startEvent(ctx, cs[i])
		out[i] = s.applyHeld(ctx, cs[i], lw)
		endEvent(span, out[i])
	}
	return out
}

// ApplyAll applies a batch: each order's events in sequencing order, orders
// in parallel (up to Workers). Results are in the order of cs.
func (s *Sequencer) ApplyAll(ctx context.Context, cs []ShipmentConfirmation) []Result {
	ctx, span := s.tracer.Start(ctx, SpanApplyAll)
	defer func() { endBatch(span, len(cs), ctx.Err()) }()
	byOrder := map[string][]int{}
	var orderNos []string
	for i, c := range cs {
		if _, ok := byOrder[c.OrderNo]; !ok {
			orderNos = append(orderNos, c.OrderNo)
		}
		byOrder[c.OrderNo] = append(byOrder[c.OrderNo], i)
	}
	out := make([]Result, len(cs))
	s.parallel(orderNos, func(no string) {
		idx := byOrder[no]
		slices.SortStableFunc(idx, func(a, b int) int { return compareEvents(cs[a], cs[b]) })
		group := make([]ShipmentConfirmation, len(idx))
		for j, i := range idx {
			group[j] = cs[i]
		}
		for j, r := range s.ordersRun(ctx, no, group) {
			out[idx[j]] = r
		}
	})
	return out
}

// Resume continues every event the store holds as unfinished (recorded,
// written or notifying) — for example after a crash or after failures that
// outlasted the retries — and releases held (waiting) events whose
// predecessors are done. Results are per event (released events appear in
// their releaser's Released, or directly when nothing else of the order was
// unfinished), orders in parallel.
func (s *Sequencer) Resume(ctx context.Context) (out []Result, err error) {
	ctx, span := s.tracer.Start(ctx, SpanResume)
	defer func() { endBatch(span, len(out), err) }()
	recs, err := s.store.Unfinished(ctx)
	if err != nil {
		return nil, err
	}
	byOrder := map[string][]ShipmentConfirmation{}
	var orderNos []string
	for _, r := range recs {
		no := r.Confirmation.OrderNo
		if _, ok := byOrder[no]; !ok {
			orderNos = append(orderNos, no)
			byOrder[no] = nil
		}
		if r.State != EventWaiting {
			byOrder[no] = append(byOrder[no], r.Confirmation)
		}
	}
	var mu sync.Mutex
	s.parallel(orderNos, func(no string) {
		rs := s.ordersRun(ctx, no, byOrder[no])
		if len(byOrder[no]) == 0 {
			// Only held events: release those whose turn has come.
			if unlock, err := s.locks.lock(ctx, no); err == nil {
				released := s.drain(ctx, no, &lastWrite{})
				for _, r := range released {
					s.metrics.observe(ctx, r)
				}
				rs = append(rs, released...)
				unlock()
			}
		}
		mu.Lock()
		out = append(out, rs...)
		mu.Unlock()
	})
	slices.SortStableFunc(out, func(a, b Result) int { return compareStrings(a.OrderNo, b.OrderNo) })
	return out, nil
}

func (s *Sequencer) parallel(keys []string, fn func(string)) {
	sem := make(chan struct{}, s.workers)
	var wg sync.WaitGroup
	for _, k := range keys {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(k)
		}()
	}
	wg.Wait()
}

// doneThrough is the highest n such that sequence numbers 1..n of the order
// are all done or rejected.
func doneThrough(events []EventRecord) int64 {
	seen := map[int64]bool{}
	for _, r := range events {
		if q := r.Confirmation.Sequence; q > 0 && (r.State == EventDone || r.State == EventRejected) {
			seen[q] = true
		}
	}
	var n int64
	for seen[n+1] {
		n++
	}
	return n
}

func (s *Sequencer) fail(res Result, step Step, attempts int, err error) Result {
	res.Outcome = OutcomeFailed
	res.Err = &ApplyError{OrderNo: res.OrderNo, EventID: res.EventID, ShipmentID: res.ShipmentID,
		Step: step, Attempts: attempts, Temporary: temporary(err), Err: err}
	s.log.Warn("shipment event failed", "order_no", res.OrderNo, "event_id", res.EventID, "step", step, "err", err)
	return res
}

// setState records a step in the store, retried like any other step.
func (s *Sequencer) setState(ctx context.Context, c ShipmentConfirmation, st EventState, reason string) (int, error) {
	return s.retry.do(ctx, func() error {
		return s.store.SetState(ctx, c.OrderNo, c.EventID, st, reason, s.now())
	})
}

func (s *Sequencer) applyLocked(ctx context.Context, c ShipmentConfirmation, lw *lastWrite) Result {
	res := Result{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID}
	var events []EventRecord
	n, err := s.retry.do(ctx, func() (err error) {
		events, err = s.store.Events(ctx, c.OrderNo)
		return err
	})
	if err != nil {
		return s.fail(res, StepRecord, n, err)
	}
	state := EventRecorded
	if c.Sequence > 0 && c.Sequence > doneThrough(events)+1 {
		state = EventWaiting
	}
	var rec EventRecord
	var created bool
	n, err = s.retry.do(ctx, func() (err error) {
		rec, created, err = s.store.Record(ctx, c, state, s.now())
		return err
	})
	if err != nil {
		return s.fail(res, StepRecord, n, err)
	}
	if !created {
		if !sameContent(rec.Confirmation, c) {
			res.Outcome = OutcomeRejected
			res.Err = &ConfirmationError{OrderNo: c.OrderNo, EventID: c.EventID,
				Reason: "event id already used for a different package or content", Kind: ErrEventConflict}
			s.log.Warn("shipment confirmation rejected", "order_no", c.OrderNo, "event_id", c.EventID, "err", res.Err)
			return res
		}
		switch rec.State {
		case EventDone, EventRejected:
			res.Outcome = OutcomeDuplicate
			return res
		case EventWaiting:
			if state == EventWaiting {
				res.Outcome = OutcomeWaiting
				return res
			}
			if n, err := s.setState(ctx, c, EventRecorded, ""); err != nil {
				return s.fail(res, StepRecord, n, err)
			}
			rec.State = EventRecorded
		}
	} else if state == EventWaiting {
		res.Outcome = OutcomeWaiting
		s.log.Info("shipment event held for earlier sequence numbers", "order_no", c.OrderNo, "event_id", c.EventID, "sequence", c.Sequence)
		return res
	}
	var others []EventRecord
	for _, r := range events {
		if r.State.accepted() && r.Confirmation.EventID != c.EventID {
			others = append(others, r)
		}
	}
	return s.proceed(ctx, res, rec, others, lw)
}

// counted returns the events among others (records of one order in
// sequencing order) that count toward its shipped quantities and tracking
// data: every event past the quantity check, then, in sequencing order, each
// event still in EventRecorded (a run that failed before finishing its
// check or its write) that passes the check on top of those. An unchecked
// event that its own run will reject must neither get a valid event
// rejected as over-shipped nor have its tracking number shown; it is
// checked again when it is resumed or re-delivered.
func counted(ordered map[string]decimal.Decimal, others []EventRecord) []ShipmentConfirmation {
	var out []ShipmentConfirmation
	for _, r := range others {
		if r.State != EventRecorded {
			out = append(out, r.Confirmation)
		}
	}
	for _, r := range others {
		if r.State != EventRecorded {
			continue
		}
		c := r.Confirmation
		if slices.ContainsFunc(out, func(o ShipmentConfirmation) bool { return o.ShipmentID == c.ShipmentID }) ||
			checkQuantities(ordered, out, c) != nil {
			continue
		}
		out = append(out, c)
	}
	slices.SortFunc(out, compareEvents)
	return out
}

// proceed runs the steps after recording, starting at rec.State. The order
// comes from lw when the run's previous event left it there, else from SFCC.
func (s *Sequencer) proceed(ctx context.Context, res Result, rec EventRecord, otherRecs []EventRecord, lw *lastWrite) Result {
	c := rec.Confirmation
	order := lw.order
	if !lw.ok {
		n, err := once(func() (err error) {
			order, err = s.orders.GetOrder(ctx, c.OrderNo)
			return err
		})
		if err != nil {
			return s.fail(res, StepRead, n, err)
		}
		lw.order, lw.ok = order, true
	}
	ordered, err := orderedQuantities(order)
	if err != nil {
		return s.fail(res, StepRead, 1, err)
	}
	others := counted(ordered, otherRecs)
	if rec.State == EventRecorded {
		var qerr error
		if i := slices.IndexFunc(others, func(o ShipmentConfirmation) bool { return o.ShipmentID == c.ShipmentID }); i >= 0 {
			// Counting the package twice would over-state shipped quantities.
			qerr = &ConfirmationError{OrderNo: c.OrderNo, EventID: c.EventID, Kind: ErrPackageConflict,
				Reason: "package " + c.ShipmentID + " was already confirmed by event " + others[i].EventID}
		} else {
			qerr = checkQuantities(ordered, others, c)
		}
		if qerr != nil {
			if n, err := s.setState(ctx, c, EventRejected, qerr.Error()); err != nil {
				return s.fail(res, StepRecord, n, err)
			}
			res.Outcome, res.Err = OutcomeRejected, qerr
			s.log.Warn("shipment confirmation rejected", "order_no", c.OrderNo, "event_id", c.EventID, "err", qerr)
			return res
		}
	}
	all := append(slices.Clip(others), c)
	slices.SortFunc(all, compareEvents)
	shipped, err := shippedQuantities(all)
	if err != nil {
		return s.fail(res, StepRead, 1, err)
	}
	status := statusFor(ordered, shipped)
	if statusRank(order.Status.Shipping) > statusRank(status) {
		status = order.Status.Shipping
	}
	res.ShippingStatus = status

	note := Notification{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID,
		Carrier: c.Carrier, Service: c.Service, TrackingNumber: c.TrackingNumber, TrackingURL: c.TrackingURL,
		ShippedAt: c.ShippedAt, Final: status == sfcc.ShippingStatusShipped}
	if an, ok := s.notifier.(AttributeNotifier); ok {
		return s.writeWithNotification(ctx, res, order, all, note, an, lw)
	}

	// Notify may change the order behind the sequencer's back: the next
	// event reads it again.
	lw.ok = false
	if rec.State == EventRecorded {
		if res, ok := s.write(ctx, res, order, all, nil, false, &lastWrite{}); !ok {
			return res
		}
		if n, err := s.setState(ctx, c, EventWritten, ""); err != nil {
			return s.fail(res, StepWrite, n, err)
		}
		rec.State = EventWritten
	}

	// Only a run that reached EventNotifying may have called Notify: in
	// EventWritten the store already answers that nothing was requested.
	done := false
	if rec.State == EventNotifying {
		n, err := once(func() (err error) {
			done, err = s.notifier.Notified(ctx, note)
			return err
		})
		if err != nil {
			return s.fail(res, StepConfirm, n, err)
		}
	}
	if !done {
		if n, err := s.setState(ctx, c, EventNotifying, ""); err != nil {
			return s.fail(res, StepNotify, n, err)
		}
		step := StepNotify
		n, err := once(func() error {
			step = StepNotify
			if err := s.notifier.Notify(ctx, note); err != nil {
				return err
			}
			step = StepConfirm
			ok, err := s.notifier.Notified(ctx, note)
			if err != nil {
				return err
			}
			if !ok {
				return ErrNotificationUnconfirmed
			}
			return nil
		})
		if err != nil {
			return s.fail(res, step, n, err)
		}
		res.Notified = true
	}
	return s.finish(ctx, res, c, status)
}

// write renders the tracking attributes of every counted event (all) plus
// extra, writes them in one PATCH and raises the shipping status when
// res.ShippingStatus is above the order's. Once the PATCH succeeded,
// res.Notified is set to notifies. It reports false with a failed res when
// a step fails.
//
// lw is cleared before the PATCH and set to the order as written once every
// write succeeded.
func (s *Sequencer) write(ctx context.Context, res Result, order sfcc.Order, all []ShipmentConfirmation, extra map[string]any, notifies bool, lw *lastWrite) (Result, bool) {
	attrs, err := s.attrs.render(order, all)
	if err != nil {
		return s.fail(res, StepWrite, 1, err), false
	}
	for id, v := range extra {
		if _, clash := attrs[id]; clash {
			return s.fail(res, StepWrite, 1, fmt.Errorf("wms: notification attribute %q is also a tracking attribute", id)), false
		}
		attrs[id] = v
	}
	lw.ok = false
	if n, err := once(func() error { return s.orders.PatchOrderCustom(ctx, res.OrderNo, attrs) }); err != nil {
		return s.fail(res, StepWrite, n, err), false
	}
	res.Notified = notifies
	if status := res.ShippingStatus; status != order.Status.Shipping {
		if n, err := once(func() error { return s.orders.SetShippingStatus(ctx, res.OrderNo, status) }); err != nil {
			return s.fail(res, StepStatus, n, err), false
		}
	}
	lw.order, lw.ok = withWrites(order, attrs, res.ShippingStatus), true
	return res, true
}

// writeWithNotification applies an event whose notification is a set of
// order attributes: one PATCH carries the tracking data and, unless the
// order read shows it requested already, the notification; then the status
// write and the store's EventDone. Whatever step a run stops after, the
// re-run reads the order, finds the package listed, writes the same
// tracking data again without the notification and finishes: no second
// message, no lost tracking number.
func (s *Sequencer) writeWithNotification(ctx context.Context, res Result, order sfcc.Order, all []ShipmentConfirmation, note Notification, an AttributeNotifier, lw *lastWrite) Result {
	extra, already := an.NotifyAttrs(order, note)
	res, ok := s.write(ctx, res, order, all, extra, !already, lw)
	if !ok {
		return res
	}
	c := ShipmentConfirmation{OrderNo: note.OrderNo, EventID: note.EventID, ShipmentID: note.ShipmentID}
	return s.finish(ctx, res, c, res.ShippingStatus)
}

// finish records the event done.
func (s *Sequencer) finish(ctx context.Context, res Result, c ShipmentConfirmation, status sfcc.ShippingStatus) Result {
	if n, err := s.setState(ctx, c, EventDone, ""); err != nil {
		return s.fail(res, StepNotify, n, err)
	}
	res.Outcome = OutcomeApplied
	s.log.Info("shipment event applied", "order_no", c.OrderNo, "event_id", c.EventID,
		"package", c.ShipmentID, "shipping_status", string(status), "notified", res.Notified)
	return res
}

// drain applies held events of the order whose turn has come.
func (s *Sequencer) drain(ctx context.Context, orderNo string, lw *lastWrite) []Result {
	var out []Result
	for {
		events, err := s.store.Events(ctx, orderNo)
		if err != nil {
			return out
		}
		next := doneThrough(events) + 1
		var found *ShipmentConfirmation
		for _, r := range events {
			if r.State == EventWaiting && r.Confirmation.Sequence == next {
				found = &r.Confirmation
				break
			}
		}
		if found == nil {
			return out
		}
		r := s.applyLocked(ctx, *found, lw)
		out = append(out, r)
		if r.Outcome != OutcomeApplied && r.Outcome != OutcomeRejected {
			return out
		}
	}
}

// withWrites is o with attrs set (as SFCC stores them: a []string as a
// multi-value attribute, anything else as its one value, nil removed) and
// the shipping status set.
func withWrites(o sfcc.Order, attrs map[string]any, status sfcc.ShippingStatus) sfcc.Order {
	cs := slices.Clone(o.Custom)
	for id, v := range attrs {
		cs = slices.DeleteFunc(cs, func(a sfcc.CustomAttribute) bool { return a.ID == id && a.Lang == "" })
		switch v := v.(type) {
		case nil:
		case []string:
			cs = append(cs, sfcc.CustomAttribute{ID: id, Values: slices.Clone(v), Multi: true})
		default:
			cs = append(cs, sfcc.CustomAttribute{ID: id, Values: []string{fmt.Sprint(v)}})
		}
	}
	o.Custom = cs
	o.Status.Shipping = status
	return o
}
