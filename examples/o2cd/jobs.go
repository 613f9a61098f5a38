package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
)

// The jobs. Each runs one flow of a library package once; River schedules,
// retries and keeps them unique per business key. A retry waits
// -retry-base × 2^(attempt-1), up to the cap; a job that fails its last
// attempt ends as an exception with its owner (see errorHandler), never
// silently discarded.
//
//	kind                  unique per                  attempts  backoff cap
//	find_ready            kind, while active          3         8 × retry-base
//	export_order          order number                12        60 × retry-base
//	retry_export          order number, while active  6         60 × retry-base
//	pull_shipments        kind, while active          3         8 × retry-base
//	apply_shipment        order number + event id     12        60 × retry-base
//	flush_stock           kind, while active          3         8 × retry-base
//	monitor               kind, while active          3         8 × retry-base
//	find_settlements      kind, while active          3         8 × retry-base
//	reconcile_settlement  file content digest         6         60 × retry-base
//	deliver_event         event id + endpoint         10        60 × retry-base
//
// A job's last failed attempt raises a system-unavailable exception for
// operations, keyed by the job's business key (the order number, "order/
// event", or the kind of a periodic job); every job may run for
// -job-timeout, and one left running by a dead worker is retried after
// -rescue-after. What a job finds wrong with its items (an order refused,
// a shipment rejected, a stock push failed, a payment missing) is raised
// by the job itself with the kind and owner docs/operations.md explains.
//
// "While active" means available, pending, scheduled, running or retryable:
// a periodic job never piles up behind a slow run, and the next period
// inserts a new one once the last completed. export_order stays unique
// after completion too (River keeps completed jobs for a day), so an order
// found READY twice is exported once; retry_export can be requested again
// once the last one finished. An export that meets an unavailable system
// is retried by River (the order stays READY); one refused for its content
// is marked FAILED by the Exporter and completes with an export_failed
// exception for the owner the error names. apply_shipment also snoozes
// (does not fail) while another worker applies events of the same order.
const (
	kindFindReady     = "find_ready"
	kindExportOrder   = "export_order"
	kindRetryExport   = "retry_export"
	kindPullShipments = "pull_shipments"
	kindApplyShipment = "apply_shipment"
	kindFlushStock    = "flush_stock"
	kindMonitor       = "monitor"
)

// periodicKinds are the kinds River inserts on a schedule; workKinds the
// ones they (or an operator) enqueue for one business key.
var (
	periodicKinds = []string{kindFindReady, kindPullShipments, kindFlushStock, kindMonitor, kindFindSettlements}
	workKinds     = []string{kindExportOrder, kindRetryExport, kindApplyShipment, kindReconcileSettlement, kindDeliverEvent}
)

// jobPolicy is one kind's row of the table above.
type jobPolicy struct {
	attempts int
	capMul   int
	// exception is the kind of exception a job raises on its last failure.
	exception reconcile.Kind
}

var policies = map[string]jobPolicy{
	kindFindReady:     {3, 8, reconcile.KindSystemUnavailable},
	kindExportOrder:   {12, 60, reconcile.KindSystemUnavailable},
	kindRetryExport:   {6, 60, reconcile.KindSystemUnavailable},
	kindPullShipments: {3, 8, reconcile.KindSystemUnavailable},
	kindApplyShipment: {12, 60, reconcile.KindSystemUnavailable},
	kindFlushStock:    {3, 8, reconcile.KindSystemUnavailable},
	kindMonitor:       {3, 8, reconcile.KindSystemUnavailable},

	kindFindSettlements:     {3, 8, reconcile.KindSystemUnavailable},
	kindReconcileSettlement: {6, 60, reconcile.KindSystemUnavailable},
	kindDeliverEvent:        {10, 60, reconcile.KindSystemUnavailable},
}

// activeStates are the states a "while active" unique job is unique in.
var activeStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

func periodicOpts(kind string) river.InsertOpts {
	return river.InsertOpts{MaxAttempts: policies[kind].attempts, UniqueOpts: river.UniqueOpts{ByState: activeStates}}
}

// Job arguments. Fields tagged river:"unique" are the business key.

type findReadyArgs struct{}

func (findReadyArgs) Kind() string                 { return kindFindReady }
func (findReadyArgs) InsertOpts() river.InsertOpts { return periodicOpts(kindFindReady) }

type exportOrderArgs struct {
	OrderNo string `json:"order_no" river:"unique"`
}

func (exportOrderArgs) Kind() string { return kindExportOrder }
func (exportOrderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: policies[kindExportOrder].attempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type retryExportArgs struct {
	OrderNo string `json:"order_no" river:"unique"`
}

func (retryExportArgs) Kind() string { return kindRetryExport }
func (retryExportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: policies[kindRetryExport].attempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
}

type pullShipmentsArgs struct{}

func (pullShipmentsArgs) Kind() string                 { return kindPullShipments }
func (pullShipmentsArgs) InsertOpts() river.InsertOpts { return periodicOpts(kindPullShipments) }

type applyShipmentArgs struct {
	OrderNo string `json:"order_no" river:"unique"`
	EventID string `json:"event_id" river:"unique"`
	// Confirmation is the event as the WMS delivered it: the job row is
	// its durable copy from the moment the WMS feed is acknowledged.
	Confirmation wms.ShipmentConfirmation `json:"confirmation"`
}

func (applyShipmentArgs) Kind() string { return kindApplyShipment }
func (applyShipmentArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: policies[kindApplyShipment].attempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type flushStockArgs struct{}

func (flushStockArgs) Kind() string                 { return kindFlushStock }
func (flushStockArgs) InsertOpts() river.InsertOpts { return periodicOpts(kindFlushStock) }

type monitorArgs struct{}

func (monitorArgs) Kind() string                 { return kindMonitor }
func (monitorArgs) InsertOpts() river.InsertOpts { return periodicOpts(kindMonitor) }

// businessKey names the item a job row is about, for its exception.
func businessKey(job *rivertype.JobRow) string {
	var k struct {
		OrderNo      string `json:"order_no"`
		EventID      string `json:"event_id"`
		EndpointHost string `json:"endpoint_host"`
	}
	_ = json.Unmarshal(job.EncodedArgs, &k)
	switch {
	case k.EndpointHost != "":
		return "webhook:" + k.EndpointHost
	case k.OrderNo != "" && k.EventID != "":
		return k.OrderNo + "/" + k.EventID
	case k.OrderNo != "":
		return k.OrderNo
	}
	return job.Kind
}

// policy gives the worker methods every kind shares: its timeout and its
// backoff.
type policy[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	s *service
}

func (p policy[T]) Timeout(*river.Job[T]) time.Duration { return p.s.cfg.JobTimeout }

func (p policy[T]) NextRetry(job *river.Job[T]) time.Time {
	return time.Now().Add(backoff(p.s.cfg.RetryBase, policies[job.Kind].capMul, job.Attempt))
}

// backoff is base × 2^(attempt-1), at most base × capMul.
func backoff(base time.Duration, capMul, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < base*time.Duration(capMul); i++ {
		d *= 2
	}
	return min(d, base*time.Duration(capMul))
}

// --- find_ready ---

type findReadyWorker struct{ policy[findReadyArgs] }

// Work searches SFCC for READY orders and enqueues one export_order each, in
// one transaction per batch; orders already queued are skipped by River's
// uniqueness.
func (w *findReadyWorker) Work(ctx context.Context, _ *river.Job[findReadyArgs]) error {
	s := w.s
	started, err := s.startRun(ctx, kindFindReady)
	if err != nil {
		return err
	}
	var batch []river.InsertManyParams
	added := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			res, err := s.river.InsertManyTx(ctx, tx.SQL(), batch)
			if err != nil {
				return err
			}
			added = 0
			for _, r := range res {
				if !r.UniqueSkippedAsDuplicate {
					added++
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	total := 0
	// The oldest READY order found: its age is the export's lag metric.
	var oldest []sfcc.Order
	for o, err := range s.sfcc.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			return fmt.Errorf("search READY orders: %w", err)
		}
		if len(oldest) == 0 || (!o.OrderDate.IsZero() && o.OrderDate.Before(oldest[0].OrderDate)) {
			oldest = []sfcc.Order{{OrderDate: o.OrderDate}}
		}
		batch = append(batch, river.InsertManyParams{Args: exportOrderArgs{OrderNo: o.OrderNo}})
		if len(batch) == s.cfg.Batch {
			if err := flush(); err != nil {
				return err
			}
			total += added
		}
	}
	if err := flush(); err != nil {
		return err
	}
	total += added
	s.exporter.ObserveReady(ctx, oldest)
	s.log.InfoContext(ctx, "READY orders queued for export", slog.Int("queued", total))
	return s.noteRun(ctx, kindFindReady, started, total > 0)
}

// --- export_order and retry_export ---

type exportOrderWorker struct{ policy[exportOrderArgs] }

func (w *exportOrderWorker) Work(ctx context.Context, job *river.Job[exportOrderArgs]) error {
	return w.s.exportOrder(ctx, job.Args.OrderNo, job.Attempt > 1)
}

type retryExportWorker struct{ policy[retryExportArgs] }

func (w *retryExportWorker) Work(ctx context.Context, job *river.Job[retryExportArgs]) error {
	return w.s.exportOrder(ctx, job.Args.OrderNo, true)
}

// orderKinds are the exceptions keyed by an order number that a later
// successful export settles.
var orderKinds = []reconcile.Kind{reconcile.KindSystemUnavailable, reconcile.KindERPRejected, reconcile.KindSFCCSyncFailure}

// exportOrder runs the Exporter for one order. The Exporter marks the order
// EXPORTED or FAILED itself; an unavailable system leaves it READY and the
// error goes back to River, which retries with backoff. An exported order's
// payments are kept for the settlement run; replay (a retry, or a replay an
// operator asked for) also resolves the order's earlier exceptions.
func (s *service) exportOrder(ctx context.Context, orderNo string, replay bool) error {
	ctx, read := withOrderCapture(ctx)
	res, err := s.exporter.ExportOrder(ctx, orderNo)
	now := time.Now()
	switch res.Outcome {
	case erp.ExportExported:
		s.log.InfoContext(ctx, "order exported", slog.String("order_no", orderNo), slog.String("document_no", res.DocumentNo))
		if o, ok := read(); ok {
			if err := s.stores.expected.add(ctx, reconcile.ExpectedFromOrder(o), now); err != nil {
				return err
			}
		}
		if err := s.stores.outcomes.set(ctx, outcomeOrder, orderNo, "exported", now); err != nil {
			return err
		}
		if replay {
			if err := s.settleExceptions(ctx, orderNo, "the order was exported", orderKinds...); err != nil {
				return err
			}
		}
		s.events.orderExported(ctx, orderNo, res.DocumentNo)
	case erp.ExportFailed:
		owner := erp.OwnerFinance
		var xe *erp.ExportError
		if errors.As(err, &xe) {
			owner = xe.Owner()
		}
		s.log.WarnContext(ctx, "order export failed; marked FAILED", slog.String("order_no", orderNo), slog.String("owner", owner), slog.String("err", err.Error()))
		if err := s.stores.outcomes.set(ctx, outcomeOrder, orderNo, "failed", now); err != nil {
			return err
		}
		if err := s.raise(ctx, s.classify(err, orderNo)...); err != nil {
			return err
		}
		s.events.orderFailed(ctx, orderNo, owner, err.Error())
	default:
		if err == nil {
			err = fmt.Errorf("order %s: export ended %q", orderNo, res.Outcome)
		}
		return err
	}
	return s.stores.activity.found(ctx, workRow, now)
}

// --- pull_shipments ---

type pullShipmentsWorker struct{ policy[pullShipmentsArgs] }

// Work fetches confirmations from the WMS, enqueues one apply_shipment per
// event in one transaction, and acknowledges them only after it committed:
// a crash in between makes the WMS deliver them again, and River's
// uniqueness (and the Sequencer's event store) drop the repeat.
func (w *pullShipmentsWorker) Work(ctx context.Context, _ *river.Job[pullShipmentsArgs]) error {
	s := w.s
	started, err := s.startRun(ctx, kindPullShipments)
	if err != nil {
		return err
	}
	total := 0
	for range maxBatchesPerRun {
		cs, err := s.wms.Confirmations(ctx, s.cfg.Batch)
		if err != nil {
			return fmt.Errorf("fetch shipment confirmations: %w", err)
		}
		if len(cs) == 0 {
			break
		}
		params := make([]river.InsertManyParams, len(cs))
		for i, c := range cs {
			params[i] = river.InsertManyParams{Args: applyShipmentArgs{OrderNo: c.OrderNo, EventID: c.EventID, Confirmation: c}}
		}
		if err := s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			_, err := s.river.InsertManyTx(ctx, tx.SQL(), params)
			return err
		}); err != nil {
			return fmt.Errorf("enqueue %d shipment confirmations: %w", len(cs), err)
		}
		if err := s.wms.AckConfirmations(ctx, cs...); err != nil {
			return fmt.Errorf("acknowledge %d shipment confirmations: %w", len(cs), err)
		}
		total += len(cs)
	}
	if total > 0 {
		s.log.InfoContext(ctx, "shipment confirmations queued", slog.Int("confirmations", total))
	}
	return s.noteRun(ctx, kindPullShipments, started, total > 0)
}

// maxBatchesPerRun bounds one run of a feed job, so a busy feed cannot keep
// a worker (and its job timeout) forever.
const maxBatchesPerRun = 20

// --- apply_shipment ---

type applyShipmentWorker struct{ policy[applyShipmentArgs] }

// Work applies one confirmation with the Sequencer on the durable event
// store. The Sequencer serialises an order's events inside this process
// only, so the job first takes the order's claim in the shared database
// (dedupe's ClaimStore, renewed while the job runs): two workers never
// apply events of one order at once. When another worker holds it, the job
// snoozes and tries again.
func (w *applyShipmentWorker) Work(ctx context.Context, job *river.Job[applyShipmentArgs]) error {
	s := w.s
	c := job.Args.Confirmation
	ctx, release, held, err := s.claimOrder(ctx, c.OrderNo, fmt.Sprintf("%s/%d", s.owner, job.ID))
	if err != nil {
		return err
	}
	if !held {
		return river.JobSnooze(s.cfg.Snooze)
	}
	defer release()
	res, err := s.seq.Apply(ctx, c)
	if rerr := s.recordShipment(ctx, res); rerr != nil {
		return rerr
	}
	if res.Outcome == wms.OutcomeFailed {
		return err
	}
	if job.Attempt > 1 {
		if err := s.settleExceptions(ctx, c.OrderNo+"/"+c.EventID, "the shipment was applied", reconcile.KindSystemUnavailable); err != nil {
			return err
		}
	}
	return s.stores.activity.found(ctx, workRow, time.Now())
}

// recordShipment keeps the outcome of an applied event and the events it
// released; a rejected one is an exception for operations.
func (s *service) recordShipment(ctx context.Context, res wms.Result) error {
	now := time.Now()
	item := res.OrderNo + "/" + res.EventID
	switch res.Outcome {
	case wms.OutcomeApplied:
		s.log.InfoContext(ctx, "shipment applied", slog.String("order_no", res.OrderNo), slog.String("event_id", res.EventID),
			slog.String("shipping_status", string(res.ShippingStatus)), slog.Bool("notified", res.Notified))
		if err := s.stores.outcomes.set(ctx, outcomeShipment, item, "applied", now); err != nil {
			return err
		}
		s.events.shipmentApplied(ctx, res)
	case wms.OutcomeRejected:
		s.log.WarnContext(ctx, "shipment rejected", slog.String("order_no", res.OrderNo), slog.String("event_id", res.EventID), slog.String("err", errString(res.Err)))
		if err := s.stores.outcomes.set(ctx, outcomeShipment, item, "rejected", now); err != nil {
			return err
		}
		x := reconcile.Exception{Kind: reconcile.KindShipmentRejected, Key: item, Detail: errString(res.Err)}
		if xs := s.classify(res.Err, item); len(xs) > 0 && xs[0].Kind != reconcile.KindUnclassified {
			x = xs[0]
		}
		if err := s.raise(ctx, x); err != nil {
			return err
		}
	}
	if res.Notified {
		if err := s.stores.outcomes.set(ctx, outcomeNotification, item, "sent", now); err != nil {
			return err
		}
	}
	for _, r := range res.Released {
		if err := s.recordShipment(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// claimOrder takes the cross-process claim on an order's shipment events
// for owner. When held, the returned context ends if the claim is lost (it
// could not be renewed), and release gives it back.
func (s *service) claimOrder(ctx context.Context, orderNo, owner string) (context.Context, func(), bool, error) {
	key := "wms-order:" + orderNo
	now := time.Now()
	ok, err := s.stores.claims.TryClaim(ctx, key, owner, now, now.Add(s.cfg.ClaimTTL))
	if err != nil || !ok {
		return ctx, nil, false, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(s.cfg.ClaimTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				now := time.Now()
				if ok, err := s.stores.claims.TryClaim(ctx, key, owner, now, now.Add(s.cfg.ClaimTTL)); err != nil || !ok {
					cancel(fmt.Errorf("order %s: shipment claim lost", orderNo))
					return
				}
			}
		}
	}()
	release := func() {
		close(done)
		<-stopped
		cancel(nil)
		if err := s.stores.claims.Release(context.WithoutCancel(ctx), key, owner); err != nil {
			s.log.Warn("shipment claim not released; it expires", slog.String("order_no", orderNo), slog.String("err", err.Error()))
		}
	}
	return ctx, release, true, nil
}

// --- flush_stock ---

type flushStockWorker struct{ policy[flushStockArgs] }

// flushAttempts is how often one run pushes a SKU that failed before it
// gives up and raises an exception (the next level of the SKU pushes again).
const flushAttempts = 3

// Work fetches stock levels from the WMS, pushes them to SFCC with a fresh
// Pusher on the durable level store, and acknowledges them after the push.
// A fresh Pusher per run reads every SKU's other locations and last pushed
// allocation from the store, so runs in different processes never push an
// allocation computed from a stale view.
func (w *flushStockWorker) Work(ctx context.Context, _ *river.Job[flushStockArgs]) error {
	s := w.s
	started, err := s.startRun(ctx, kindFlushStock)
	if err != nil {
		return err
	}
	total := 0
	for range maxBatchesPerRun {
		ls, err := s.wms.Levels(ctx, s.cfg.Batch)
		if err != nil {
			return fmt.Errorf("fetch stock levels: %w", err)
		}
		if len(ls) == 0 {
			break
		}
		if err := s.pushLevels(ctx, ls); err != nil {
			return err
		}
		if err := s.wms.AckLevels(ctx, ls...); err != nil {
			return fmt.Errorf("acknowledge %d stock levels: %w", len(ls), err)
		}
		total += len(ls)
	}
	return s.noteRun(ctx, kindFlushStock, started, total > 0)
}

func (s *service) pushLevels(ctx context.Context, ls []wms.StockLevel) error {
	// Refused levels are logged by push; the rest went on.
	_, _, err := s.push(ctx, ls)
	return err
}

// pushLevelsStats is push for the API: Offer's error (the levels refused,
// each named) unless the push itself failed.
func (s *service) pushLevelsStats(ctx context.Context, ls []wms.StockLevel) (wms.OfferStats, error) {
	stats, offerErr, err := s.push(ctx, ls)
	if err != nil {
		return stats, err
	}
	return stats, offerErr
}

// push offers levels to a fresh Pusher on the durable level store and
// pushes the SKUs they change. It returns what Offer said of the levels,
// Offer's error, and the error that stopped the push.
func (s *service) push(ctx context.Context, ls []wms.StockLevel) (wms.OfferStats, error, error) {
	p, err := wms.NewPusher(wms.PusherConfig{
		Writer: s.sfcc, List: s.cfg.InventoryList, Lists: s.cfg.InventoryLists,
		Levels: s.stores.levels, Logger: s.log, MeterProvider: s.metrics.MeterProvider(), Retry: wms.Backoff{Initial: time.Millisecond, Max: time.Millisecond, Attempts: 1},
	})
	if err != nil {
		return wms.OfferStats{}, nil, err
	}
	stats, offerErr := p.OfferContext(ctx, ls...)
	if offerErr != nil {
		s.log.WarnContext(ctx, "stock levels refused", slog.Int("invalid", stats.Invalid), slog.String("err", offerErr.Error()))
	}
	// A level stored by a run that ended before its push comes again from
	// the WMS and is stale; the Pusher compares the SKU's allocation with
	// what SFCC was last sent when it loads the SKU, and marks it if they
	// differ, so this run pushes it.
	for i := range flushAttempts {
		if i > 0 && p.RetryFailed() == 0 {
			break
		}
		if _, err := p.Flush(ctx); err != nil {
			return stats, offerErr, err
		}
		if p.Waiting() == 0 {
			break
		}
	}
	now := time.Now()
	for _, st := range p.Statuses() {
		item := st.List + "/" + st.SKU
		switch {
		case st.State == wms.PushDone:
			if err := s.stores.outcomes.set(ctx, outcomeSKU, item, "pushed", now); err != nil {
				return stats, offerErr, err
			}
		case st.Err != nil:
			x := reconcile.Exception{Kind: reconcile.KindInventoryPushFailure, Key: st.SKU,
				Detail: fmt.Sprintf("inventory list %s: %v", st.List, st.Err)}
			if err := s.raise(ctx, x); err != nil {
				return stats, offerErr, err
			}
		}
	}
	return stats, offerErr, nil
}

// --- monitor ---

type monitorWorker struct{ policy[monitorArgs] }

// Work raises an exception for every order the WMS shipped that SFCC does
// not show shipped after -monitor-after.
func (w *monitorWorker) Work(ctx context.Context, _ *river.Job[monitorArgs]) error {
	s := w.s
	started, err := s.startRun(ctx, kindMonitor)
	if err != nil {
		return err
	}
	mon, err := wms.NewMonitor(wms.MonitorConfig{Orders: s.sfcc, Store: s.stores.events, After: s.cfg.MonitorAfter, MeterProvider: s.metrics.MeterProvider()})
	if err != nil {
		return err
	}
	lagging, err := mon.Lagging(ctx)
	if err != nil {
		return err
	}
	for _, l := range lagging {
		msg := fmt.Sprintf("order %s shipped by the WMS (%s) but %s in SFCC for %s", l.OrderNo, l.WMSStatus, l.SFCCStatus, l.Age.Round(time.Second))
		if err := s.raise(ctx, reconcile.Exception{Kind: reconcile.KindShipmentStuck, Key: l.OrderNo, Detail: msg}); err != nil {
			return err
		}
	}
	// The connector API's expired idempotent answers go with the monitor.
	idem := &sqlIdempotency{db: s.db, now: time.Now}
	if err := idem.purge(ctx); err != nil {
		return err
	}
	// Lagging orders are exceptions for people, not work for the jobs.
	return s.noteRun(ctx, kindMonitor, started, false)
}

// startRun records that a periodic run of kind starts now, for the
// -until-idle rule, and returns the time noteRun reports it under.
func (s *service) startRun(ctx context.Context, kind string) (time.Time, error) {
	now := time.Now()
	return now, s.stores.activity.started(ctx, kind, now)
}

// noteRun records a periodic run for the -until-idle rule.
func (s *service) noteRun(ctx context.Context, kind string, started time.Time, found bool) error {
	if found {
		if err := s.stores.activity.found(ctx, kind, started); err != nil {
			return err
		}
		return s.stores.activity.found(ctx, workRow, time.Now())
	}
	return s.stores.activity.empty(ctx, kind, started)
}

// errorHandler turns a job's last failed attempt into an exception with an
// owner. Earlier failures are retried by River and only logged.
type errorHandler struct{ s *service }

func (h errorHandler) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.final(ctx, job, err.Error())
	return nil
}

func (h errorHandler) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, _ string) *river.ErrorHandlerResult {
	h.final(ctx, job, fmt.Sprintf("panic: %v", panicVal))
	return nil
}

func (h errorHandler) final(ctx context.Context, job *rivertype.JobRow, msg string) {
	log := h.s.log.With(slog.String("kind", job.Kind), slog.String("item", businessKey(job)),
		slog.Int("attempt", job.Attempt), slog.Int("max_attempts", job.MaxAttempts), slog.String("err", msg))
	if job.Attempt < job.MaxAttempts {
		log.WarnContext(ctx, "job failed; River retries it")
		return
	}
	log.ErrorContext(ctx, "job failed its last attempt; raised as an exception")
	e := reconcile.Exception{Kind: policies[job.Kind].exception, Key: businessKey(job),
		Detail: fmt.Sprintf("%s failed %d attempts: %s", job.Kind, job.Attempt, msg)}
	if e.Kind == "" {
		e.Kind = reconcile.KindSystemUnavailable
	}
	if err := h.s.raise(context.WithoutCancel(ctx), e); err != nil {
		log.ErrorContext(ctx, "exception could not be stored", slog.String("store_err", err.Error()))
	}
}
