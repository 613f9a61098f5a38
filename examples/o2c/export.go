package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
)

// maxPasses bounds how often the export searches for READY orders again.
// An order whose export hit a transient failure stays READY and is picked up
// by the next pass, exactly as an hourly export job would pick it up.
const maxPasses = 8

// export is step 2: find READY orders, resolve each customer, translate to a
// sales order and journal, create them in the ERP idempotently, and mark the
// order EXPORTED — or FAILED with the reason when it cannot be mapped.
func (d *day) export(ctx context.Context) error {
	seen := map[string]bool{}
	for pass := 1; pass <= maxPasses; pass++ {
		// Collect first, then change: marking orders EXPORTED while paging
		// a search by offset would shift the pages and skip orders.
		var batch []sfcc.Order
		var searchErr error
		for o, err := range d.client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
			if err != nil {
				searchErr = err
				break
			}
			batch = append(batch, o)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for _, o := range batch {
			seen[o.OrderNo] = true
		}
		if searchErr != nil {
			d.log.Warn("order search failed; searching again", "pass", pass, "err", searchErr)
		}
		if len(batch) == 0 && searchErr == nil {
			break
		}
		d.exportBatch(ctx, batch, pass)
		d.progress("      pass %d: %d READY orders handled", pass, len(batch))
		if pass == maxPasses {
			d.mu.Lock()
			for no, err := range d.lastErr {
				d.note(fmt.Errorf("order %s still READY after %d export passes: %w", no, maxPasses, err), no, "")
			}
			d.mu.Unlock()
		}
	}
	d.sum.OrdersSeen = len(seen)
	return nil
}

func (d *day) exportBatch(ctx context.Context, batch []sfcc.Order, pass int) {
	jobs := make(chan sfcc.Order)
	var wg sync.WaitGroup
	var done atomic.Int64
	expireAt := int64(len(batch) / 2)
	for w := 0; w < d.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				d.exportOrder(ctx, o)
				n := done.Add(1)
				if len(batch) >= 2000 && n%1000 == 0 {
					d.progress("      pass %d: %d/%d orders", pass, n, len(batch))
				}
				if d.cfg.Faults && d.srv != nil && pass == 1 && n == expireAt {
					// A token that expires mid-run: every token issued so
					// far is dead; the client must fetch one and carry on.
					d.srv.ExpireTokens()
				}
			}
		}()
	}
	for _, o := range batch {
		select {
		case jobs <- o:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
}

// exportOrder exports one order. A permanent problem (a mapping gap, a total
// that does not reconcile, an address that is no email) marks it FAILED with
// the reason; a transient one leaves it READY for the next pass. Every ERP
// write is keyed (customer email, order number, journal reference), so doing
// it again is safe.
func (d *day) exportOrder(ctx context.Context, o sfcc.Order) {
	so, err := d.translator.Translate(o)
	if err != nil {
		d.fail(ctx, o, err)
		return
	}
	res, err := retryERP(ctx, func() (dedupe.Result, error) {
		return d.resolver.Resolve(ctx, orderCustomer(o))
	})
	if err != nil {
		if errors.Is(err, dedupe.ErrInvalidEmail) {
			d.fail(ctx, o, err)
			return
		}
		d.transient(o, err)
		return
	}
	d.mu.Lock()
	for _, f := range res.Findings {
		d.exceptions = append(d.exceptions, notedException{d.classifier.ClassifyFinding(f), o.OrderNo, ""})
	}
	d.mu.Unlock()
	so.Customer.ID = res.CustomerID

	created, err := retryERP(ctx, func() (erp.SalesOrder, error) { return d.erp.CreateSalesOrder(ctx, so) })
	if err != nil {
		if errors.Is(err, erp.ErrConflict) || errors.Is(err, erp.ErrInvalid) {
			d.fail(ctx, o, err)
			return
		}
		d.transient(o, err)
		return
	}
	journal, err := erp.OrderJournal(created)
	if err != nil {
		d.fail(ctx, o, err)
		return
	}
	if _, err := retryERP(ctx, func() (erp.JournalEntry, error) { return d.erp.PostJournal(ctx, journal) }); err != nil {
		d.transient(o, err)
		return
	}
	if err := d.client.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported); err != nil {
		d.transient(o, err)
		return
	}
	d.mu.Lock()
	d.exported[o.OrderNo] = o
	delete(d.lastErr, o.OrderNo)
	d.mu.Unlock()
}

// fail marks the order FAILED in SFCC with the reason in a custom attribute
// and records the exception for its owner.
func (d *day) fail(ctx context.Context, o sfcc.Order, cause error) {
	reason := cause.Error()
	if len(reason) > 250 {
		reason = reason[:250]
	}
	err := d.client.PatchOrderCustom(ctx, o.OrderNo, map[string]any{"o2cExportError": reason})
	if err == nil {
		err = d.client.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusFailed)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		d.lastErr[o.OrderNo] = err
		return
	}
	delete(d.lastErr, o.OrderNo)
	if _, already := d.failed[o.OrderNo]; !already {
		d.failed[o.OrderNo] = reason
		d.note(cause, o.OrderNo, "")
	}
}

func (d *day) transient(o sfcc.Order, err error) {
	d.log.Warn("export will be retried", "order_no", o.OrderNo, "err", err)
	d.mu.Lock()
	d.lastErr[o.OrderNo] = err
	d.mu.Unlock()
}

// notedException is an exception with the order or SKU it concerns, when
// the step that met it knows.
type notedException struct {
	reconcile.Exception
	orderNo, sku string
}

// note classifies err into exceptions for their owners. Callers hold d.mu
// or run alone.
func (d *day) note(err error, orderNo, sku string) {
	for _, e := range d.classifier.Classify(err) {
		d.exceptions = append(d.exceptions, notedException{e, orderNo, sku})
	}
}

// retryERP retries a call a few times while the ERP says it is unavailable.
// The fake ERP answers at once, so the waits are short; a real adapter would
// use longer ones.
func retryERP[T any](ctx context.Context, call func() (T, error)) (T, error) {
	var v T
	var err error
	wait := time.Millisecond
	for attempt := 0; attempt < 5; attempt++ {
		v, err = call()
		if err == nil || !errors.Is(err, erp.ErrUnavailable) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	return v, err
}

// orderCustomer is what dedupe needs of an order's customer.
func orderCustomer(o sfcc.Order) dedupe.OrderCustomer {
	c := erp.CustomerFromOrder(o)
	return dedupe.OrderCustomer{
		OrderNo: o.OrderNo, Email: o.Customer.Email, CustomerNo: o.Customer.CustomerNo, Guest: o.Customer.Guest,
		FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone, Address: c.Address,
	}
}
