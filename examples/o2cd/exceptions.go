package main

import (
	"context"
	"errors"
	"time"

	"github.com/o2ckit/o2c/reconcile"
)

// Exceptions. Every failure a person must look at is a reconcile.Exception
// in the durable exception store: its kind and owner are the ones
// docs/operations.md explains (the errors of the library packages classify
// themselves through reconcile.Classifier), its key the business key (an
// order number, "order/event" of a shipment, a SKU, a job kind). Raising the
// same exception again keeps its first sighting; when the item goes through
// later, o2cd resolves it itself ("resolved by o2cd") so the open list is
// what still needs a person.

// resolvedBySystem is who resolved an exception that went away by itself.
const resolvedBySystem = "o2cd"

// raise records exceptions, with emails in their detail redacted, and
// tells the webhooks about the new ones. A store error goes back to the job,
// which River retries.
func (s *service) raise(ctx context.Context, xs ...reconcile.Exception) error {
	if len(xs) == 0 {
		return nil
	}
	now := time.Now()
	var fresh []reconcile.Exception
	for i := range xs {
		xs[i].Detail = redactEmails(xs[i].Detail)
		if xs[i].Owner == "" {
			xs[i].Owner = xs[i].Kind.Owner()
		}
		// Only a new exception, or one raised again after it was
		// resolved, is an event; a repeat sighting is not.
		rec, err := s.stores.exceptions.Get(ctx, xs[i].ID())
		switch {
		case errors.Is(err, reconcile.ErrExceptionNotFound), err == nil && !rec.Open():
			fresh = append(fresh, xs[i])
		case err != nil:
			return err
		}
	}
	if err := s.stores.exceptions.Record(ctx, now, xs...); err != nil {
		return err
	}
	for _, x := range fresh {
		if x.FirstSeen.IsZero() {
			x.FirstSeen = now
		}
		s.events.exceptionRaised(ctx, x)
	}
	return nil
}

// classify turns err into exceptions; those with no business key get key.
func (s *service) classify(err error, key string) []reconcile.Exception {
	xs := s.classifier.Classify(err)
	for i := range xs {
		if xs[i].Key == "" {
			xs[i].Key = key
		}
	}
	return xs
}

// settleExceptions resolves the open exceptions of kinds keyed key: the item
// went through after all.
func (s *service) settleExceptions(ctx context.Context, key, note string, kinds ...reconcile.Kind) error {
	for _, k := range kinds {
		id := reconcile.ExceptionID{Kind: k, Key: key}
		rec, err := s.stores.exceptions.Get(ctx, id)
		if errors.Is(err, reconcile.ErrExceptionNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if !rec.Open() {
			continue
		}
		now := time.Now()
		if err := s.stores.exceptions.Resolve(ctx, id, resolvedBySystem, note, now); err != nil {
			return err
		}
		rec.ResolvedBy, rec.ResolvedAt, rec.Note = resolvedBySystem, now, note
		s.events.exceptionResolved(ctx, rec)
	}
	return nil
}

// openExceptions lists every open exception, by kind and key.
func (s *service) openExceptions(ctx context.Context) ([]reconcile.ExceptionRecord, error) {
	return s.allExceptions(ctx, reconcile.ExceptionQuery{Status: reconcile.StatusOpen})
}

// allExceptions lists every exception q selects, a page at a time.
func (s *service) allExceptions(ctx context.Context, q reconcile.ExceptionQuery) ([]reconcile.ExceptionRecord, error) {
	var out []reconcile.ExceptionRecord
	q.Limit = reconcile.MaxExceptionPage
	for {
		page, err := s.stores.exceptions.List(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Records...)
		if !page.More() {
			return out, nil
		}
		q.After = page.Next
	}
}

// announcingExceptions is the exception store as the API and the console
// see it: a person's resolution is announced as exception.resolved too.
type announcingExceptions struct {
	reconcile.ExceptionStore
	s *service
}

func (a announcingExceptions) Resolve(ctx context.Context, id reconcile.ExceptionID, by, note string, at time.Time) error {
	if err := a.ExceptionStore.Resolve(ctx, id, by, note, at); err != nil {
		return err
	}
	if rec, err := a.ExceptionStore.Get(ctx, id); err == nil {
		a.s.events.exceptionResolved(ctx, rec)
	}
	return nil
}
