package wms

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// SequencerConfig configures a Sequencer. Orders is required.
type SequencerConfig struct {
	// Orders reads and updates SFCC orders (an *ocapi.Client).
	Orders OrderUpdater
	// Store remembers events; default a new MemoryEventStore.
	Store EventStore
	// Notifier tells the customer; default FlagNotifier{Orders: Orders}.
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
	// Workers bounds how many orders ApplyAll and Resume work on at once;
	// default DefaultSequencerWorkers.
	Workers int
}

// Sequencer applies shipment confirmations to SFCC orders.
//
// For one event the steps are, in order: record it in the store; read the
// order and check the shipped quantities against it; write the tracking
// attributes and raise the shipping status (PART_SHIPPED while any ordered
// quantity remains, SHIPPED when none does; never lowered); ask the
// Notifier and confirm by read-back. The store keeps the step reached, so a
// re-run after a failure between steps resumes there and never notifies a
// package twice.
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
	res := Result{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID}
	if reason := c.validate(); reason != "" {
		res.Outcome = OutcomeRejected
		res.Err = &ConfirmationError{OrderNo: c.OrderNo, EventID: c.EventID, Reason: reason, Kind: ErrInvalidConfirmation}
		s.log.WarnContext(ctx, "shipment confirmation rejected", "order_no", c.OrderNo, "event_id", c.EventID, "err", res.Err)
		return res, res.Err
	}
	unlock, err := s.locks.lock(ctx, c.OrderNo)
	if err != nil {
		res.Outcome = OutcomeFailed
		res.Err = &ApplyError{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID, Step: StepRecord, Err: err}
		return res, res.Err
	}
	defer unlock()
	res = s.applyLocked(ctx, c)
	switch res.Outcome {
	case OutcomeApplied, OutcomeRejected, OutcomeDuplicate:
		// A duplicate too: a run that stopped after finishing an event but
		// before releasing its held successors is completed by re-delivery.
		res.Released = s.drain(ctx, c.OrderNo)
	}
	return res, res.Err
}

// ApplyAll applies a batch: each order's events in sequencing order, orders
// in parallel (up to Workers). Results are in the order of cs.
func (s *Sequencer) ApplyAll(ctx context.Context, cs []ShipmentConfirmation) []Result {
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
		for _, i := range idx {
			out[i], _ = s.Apply(ctx, cs[i])
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
func (s *Sequencer) Resume(ctx context.Context) ([]Result, error) {
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
	var out []Result
	s.parallel(orderNos, func(no string) {
		var rs []Result
		for _, c := range byOrder[no] {
			r, _ := s.Apply(ctx, c)
			rs = append(rs, r)
		}
		if len(byOrder[no]) == 0 {
			// Only held events: release those whose turn has come.
			if unlock, err := s.locks.lock(ctx, no); err == nil {
				rs = append(rs, s.drain(ctx, no)...)
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

func (s *Sequencer) applyLocked(ctx context.Context, c ShipmentConfirmation) Result {
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
	return s.proceed(ctx, res, rec, others)
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

// proceed runs the steps after recording, starting at rec.State.
func (s *Sequencer) proceed(ctx context.Context, res Result, rec EventRecord, otherRecs []EventRecord) Result {
	c := rec.Confirmation
	var order sfcc.Order
	n, err := once(func() (err error) {
		order, err = s.orders.GetOrder(ctx, c.OrderNo)
		return err
	})
	if err != nil {
		return s.fail(res, StepRead, n, err)
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

	if rec.State == EventRecorded {
		attrs, err := s.attrs.render(order, all)
		if err != nil {
			return s.fail(res, StepWrite, 1, err)
		}
		if n, err := once(func() error { return s.orders.PatchOrderCustom(ctx, c.OrderNo, attrs) }); err != nil {
			return s.fail(res, StepWrite, n, err)
		}
		if status != order.Status.Shipping {
			if n, err := once(func() error { return s.orders.SetShippingStatus(ctx, c.OrderNo, status) }); err != nil {
				return s.fail(res, StepStatus, n, err)
			}
		}
		if n, err := s.setState(ctx, c, EventWritten, ""); err != nil {
			return s.fail(res, StepWrite, n, err)
		}
	}

	note := Notification{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID,
		Carrier: c.Carrier, Service: c.Service, TrackingNumber: c.TrackingNumber, TrackingURL: c.TrackingURL,
		ShippedAt: c.ShippedAt, Final: status == sfcc.ShippingStatusShipped}
	var done bool
	n, err = once(func() (err error) {
		done, err = s.notifier.Notified(ctx, note)
		return err
	})
	if err != nil {
		return s.fail(res, StepConfirm, n, err)
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
	if n, err := s.setState(ctx, c, EventDone, ""); err != nil {
		return s.fail(res, StepNotify, n, err)
	}
	res.Outcome = OutcomeApplied
	s.log.Info("shipment event applied", "order_no", c.OrderNo, "event_id", c.EventID,
		"package", c.ShipmentID, "shipping_status", string(status), "notified", res.Notified)
	return res
}

// drain applies held events of the order whose turn has come.
func (s *Sequencer) drain(ctx context.Context, orderNo string) []Result {
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
		r := s.applyLocked(ctx, *found)
		out = append(out, r)
		if r.Outcome != OutcomeApplied && r.Outcome != OutcomeRejected {
			return out
		}
	}
}
