package wms

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/govalues/decimal"
	"go.opentelemetry.io/otel/attribute"

	"github.com/o2ckit/o2c/internal/tracing"
	"github.com/o2ckit/o2c/sfcc"
)

type pushItem struct {
	k       invKey
	want    decimal.Decimal
	resetAt time.Time
}

// Flush pushes, now, every SKU whose allocation SFCC does not have and whose
// retry (if any) is due, in batch requests of at most BatchSize records per
// inventory list. A failed SKU is rescheduled (see PusherConfig.Retry)
// without holding up the others. The error is non-nil only when ctx ended;
// per-SKU failures are in the report, in Status and in OnOutcome.
func (p *Pusher) Flush(ctx context.Context) (rep FlushReport, err error) {
	ctx, span := p.tracer.Start(ctx, SpanFlush)
	defer func() {
		span.SetAttributes(attribute.Int("o2c.skus", rep.Sent), attribute.Int("o2c.pushed", rep.Pushed),
			attribute.Int("o2c.failed", rep.Failed), attribute.Int("o2c.requests", rep.Requests), attribute.Int("o2c.waiting", rep.Waiting))
		tracing.Fail(span, err)
		span.End()
	}()
	p.flushMu.Lock()
	defer p.flushMu.Unlock()
	now := p.now()
	var items []pushItem
	p.mu.Lock()
	for k := range p.dirty {
		st := p.skus[k]
		if st.inFlight || st.failed || now.Before(st.nextTry) {
			continue
		}
		st.inFlight = true
		items = append(items, pushItem{k: k, want: st.want, resetAt: st.resetAt})
	}
	p.mu.Unlock()
	slices.SortFunc(items, func(a, b pushItem) int {
		return cmp.Or(cmp.Compare(a.k.list, b.k.list), cmp.Compare(a.k.sku, b.k.sku))
	})

	var chunks [][]pushItem
	for lo := 0; lo < len(items); {
		hi := lo
		for hi < len(items) && hi-lo < p.batch && items[hi].k.list == items[lo].k.list {
			hi++
		}
		chunks = append(chunks, items[lo:hi])
		lo = hi
	}

	rep = FlushReport{Sent: len(items)}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, p.workers)
	)
	for _, ch := range chunks {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs, requests := p.send(ctx, ch)
			pushed, failed := p.settle(ctx, ch, errs)
			mu.Lock()
			rep.Requests += requests
			rep.Pushed += pushed
			rep.Failed += failed
			mu.Unlock()
		})
	}
	wg.Wait()
	rep.Waiting = p.Waiting()
	p.log.Info("inventory flush", "requests", rep.Requests, "sent", rep.Sent, "pushed", rep.Pushed,
		"failed", rep.Failed, "waiting", rep.Waiting)
	return rep, ctx.Err()
}

// send pushes one chunk (one list) and returns one error per item and the
// number of requests made.
func (p *Pusher) send(ctx context.Context, ch []pushItem) ([]error, int) {
	list := ch[0].k.list
	ups := make([]sfcc.InventoryUpdate, len(ch))
	for i, it := range ch {
		a := it.want
		ups[i] = sfcc.InventoryUpdate{ProductID: it.k.sku, Allocation: &a, AllocationResetDate: it.resetAt}
	}
	errs := make([]error, len(ch))
	results, callErr := p.writer.UpdateInventory(ctx, list, ups)
	requests := 1
	byID := make(map[string]int, len(results))
	for i, r := range results {
		byID[r.ProductID] = i
	}
	for i, it := range ch {
		j, ok := i, i < len(results) && results[i].ProductID == it.k.sku
		if !ok {
			j, ok = byID[it.k.sku]
		}
		switch {
		case ok:
			errs[i] = results[j].Err
		case callErr != nil:
			errs[i] = callErr
		default:
			errs[i] = errors.New("no result returned for this record")
		}
	}
	// A SKU new to the list: PATCH answers not found; create it with PUT.
	if creator, ok := p.writer.(InventoryCreator); ok {
		for i, it := range ch {
			if errs[i] == nil || !errors.Is(errs[i], sfcc.ErrNotFound) || ctx.Err() != nil {
				continue
			}
			requests++
			_, errs[i] = creator.PutInventory(ctx, list, sfcc.InventoryRecord{ProductID: it.k.sku,
				InventoryListID: list, Allocation: it.want, AllocationResetDate: it.resetAt})
		}
	}
	return errs, requests
}

// settle records each item's outcome.
func (p *Pusher) settle(ctx context.Context, ch []pushItem, errs []error) (pushed, failed int) {
	now := p.now()
	var outcomes []SKUOutcome
	p.mu.Lock()
	for i, it := range ch {
		st := p.skus[it.k]
		st.inFlight = false
		err := errs[i]
		out := SKUOutcome{List: it.k.list, SKU: it.k.sku, Allocation: it.want}
		switch {
		case err == nil:
			pushed++
			st.pushed, st.hasPushed, st.pushedAt = it.want, true, now
			st.attempts, st.failed, st.nextTry, st.lastErr = 0, false, time.Time{}, nil
			if !st.since.IsZero() {
				st.latency = now.Sub(st.since)
			}
			out.Latency = st.latency
			if st.want.Cmp(st.pushed) == 0 {
				delete(p.dirty, it.k)
				st.since = time.Time{}
			}
		case ctx.Err() != nil:
			// Not attempted for real: the caller stopped; it stays pending.
			failed++
			out.Err = &PushError{List: it.k.list, SKU: it.k.sku, Attempts: st.attempts, Err: err}
		default:
			failed++
			st.attempts++
			perr := &PushError{List: it.k.list, SKU: it.k.sku, Attempts: st.attempts, Err: err}
			st.lastErr, out.Err = perr, perr
			if temporary(err) && st.attempts < p.retry.Attempts {
				st.nextTry = now.Add(p.retry.delay(st.attempts))
			} else {
				st.failed = true
			}
		}
		outcomes = append(outcomes, out)
	}
	p.mu.Unlock()
	for _, o := range outcomes {
		if o.Err == nil {
			// After a restart the Pusher compares against this, so an
			// allocation SFCC has is not sent again. A failed write only
			// costs a repeated (idempotent) push after a restart.
			if err := p.store.SetPushed(ctx, o.List, o.SKU, PushedAllocation{Allocation: o.Allocation, At: now}); err != nil {
				p.log.Warn("inventory: level store did not record the push", "list", o.List, "sku", o.SKU, "err", err)
			}
		}
		if o.Err != nil {
			p.log.Warn("inventory push failed", "list", o.List, "sku", o.SKU, "err", o.Err)
		}
		p.metrics.observe(ctx, o)
		if p.onOutcome != nil {
			p.onOutcome(o)
		}
	}
	return pushed, failed
}
