package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync/atomic"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/sfcc"
)

// maxPasses bounds how often the day runs the export. An order whose export
// met an unavailable system stays READY and the next pass exports it,
// exactly as an hourly export job would: the exporter itself never retries
// (the SFCC client and the ERP adapter already did).
const maxPasses = 8

// maxFailedSearches ends the export early when the order search failed
// that many passes in a row (each after the client's own retries): SFCC is
// down, and the next run will find the orders still READY.
const maxFailedSearches = 3

// export is step 2: erp.Exporter finds READY orders, resolves each
// customer, creates the sales order and journal in the ERP idempotently and
// marks the order EXPORTED — or FAILED with the reason. The day records
// what happened for its summary and exceptions.
func (d *day) export(ctx context.Context) error {
	orders := &watchedOrders{sfccClient: d.client, d: d}
	x, err := erp.NewExporter(erp.ExporterConfig{
		Orders: orders, Translator: d.translator, Resolver: d.resolver,
		SalesOrders: d.erp, Ledger: d.erp, Workers: d.cfg.Workers, Logger: d.log, Records: d.stores.ledger,
	})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var last map[string]error
	var searchErr error // the last pass's search failure, if it failed
	failedSearches := 0 // in a row
	for pass := 1; pass <= maxPasses; pass++ {
		orders.pass = pass
		rep, err := x.ExportReady(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		searchErr = err
		if err != nil {
			failedSearches++
			if failedSearches >= maxFailedSearches {
				break
			}
			d.log.Warn("order search failed; searching again", "pass", pass, "err", err)
		} else {
			failedSearches = 0
		}
		if len(rep.Orders) == 0 && err == nil {
			break
		}
		last = map[string]error{}
		for _, r := range rep.Orders {
			seen[r.OrderNo] = true
			d.record(r, orders)
			if r.Outcome == erp.ExportUnavailable {
				last[r.OrderNo] = r.Err
			}
		}
		d.progress("      pass %d: %d READY orders handled", pass, len(rep.Orders))
		if pass == maxPasses {
			d.mu.Lock()
			for no, err := range last {
				d.note(fmt.Errorf("order %s still READY after %d export passes: %w", no, maxPasses, err), no, "")
			}
			d.mu.Unlock()
		}
	}
	d.sum.OrdersSeen = len(seen)
	// A search that still failed on the last pass means SFCC could not be
	// asked which orders are READY: the day did not export what it should
	// have, whatever the counts say. So did orders the ERP never took.
	if searchErr != nil {
		d.unreachable("export", "SFCC order search", fmt.Errorf("SFCC order search failed %d passes in a row: %w", failedSearches, searchErr))
	}
	if len(last) > 0 {
		d.incomplete("export", fmt.Sprintf("%d orders still READY after %d export passes: a system stayed unavailable", len(last), maxPasses))
	}
	return nil
}

// record keeps one order's result for the summary, the exceptions and the
// fulfilment step.
func (d *day) record(r erp.OrderExport, orders *watchedOrders) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range r.Findings {
		d.exceptions = append(d.exceptions, notedException{d.classifier.ClassifyFinding(f), r.OrderNo, ""})
	}
	switch r.Outcome {
	case erp.ExportExported:
		if o, ok := orders.found(r.OrderNo); ok {
			d.exported[r.OrderNo] = o
		}
	case erp.ExportFailed:
		var e *erp.ExportError
		if _, already := d.failed[r.OrderNo]; !already && errors.As(r.Err, &e) {
			d.failed[r.OrderNo] = truncateReason(e.Error())
			d.note(e.Err, r.OrderNo, "")
		}
	}
}

// truncateReason is the reason as the exporter wrote it to the order.
func truncateReason(s string) string {
	if len(s) > erp.DefaultExportErrorLength {
		return s[:erp.DefaultExportErrorLength]
	}
	return s
}

// watchedOrders is the SFCC client as the exporter sees it, watched by the
// day: it keeps the orders the search found (the fulfilment step ships
// them) and, on a bad day, expires every token half way through the first
// pass, so the client must fetch a new one and carry on.
type watchedOrders struct {
	sfccClient
	d     *day
	pass  int
	batch atomic.Int64 // orders found in this pass
	marks atomic.Int64 // export status changes in this pass

	orders map[string]sfcc.Order
}

func (w *watchedOrders) SearchOrders(ctx context.Context, q sfcc.OrderQuery) iter.Seq2[sfcc.Order, error] {
	w.batch.Store(0)
	w.marks.Store(0)
	return func(yield func(sfcc.Order, error) bool) {
		for o, err := range w.sfccClient.SearchOrders(ctx, q) {
			if err == nil {
				w.d.mu.Lock()
				if w.orders == nil {
					w.orders = map[string]sfcc.Order{}
				}
				w.orders[o.OrderNo] = o
				w.d.mu.Unlock()
				w.batch.Add(1)
			}
			if !yield(o, err) {
				return
			}
		}
	}
}

func (w *watchedOrders) SetExportStatus(ctx context.Context, orderNo string, s sfcc.ExportStatus) error {
	n := w.marks.Add(1)
	if w.d.cfg.Faults && w.d.srv != nil && w.pass == 1 && n == w.batch.Load()/2 {
		w.d.srv.ExpireTokens()
	}
	return w.sfccClient.SetExportStatus(ctx, orderNo, s)
}

// found returns the order as the search read it. Callers hold d.mu.
func (w *watchedOrders) found(orderNo string) (sfcc.Order, bool) {
	o, ok := w.orders[orderNo]
	return o, ok
}
