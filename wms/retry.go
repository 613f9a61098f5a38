package wms

import (
	"context"
	"time"
)

// Backoff is the retry policy for transient failures of calls that have no
// retrying client of their own (an EventStore; a Pusher's flush schedule):
// up to Attempts tries,
// waiting Initial, then twice as long each time, capped at Max. Wait does
// the waiting; tests inject one that returns at once and records the delays.
// A zero Backoff uses the defaults.
type Backoff struct {
	// Attempts is the total number of tries of one step; default
	// DefaultRetryAttempts.
	Attempts int
	// Initial is the first wait; default DefaultRetryInitial.
	Initial time.Duration
	// Max caps a single wait; default DefaultRetryMax.
	Max time.Duration
	// Wait blocks for d or until ctx ends; default a timer.
	Wait func(ctx context.Context, d time.Duration) error
}

// delay is the wait before try n+1 (n counts from 1).
func (b Backoff) delay(n int) time.Duration {
	d := b.Initial
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// do runs fn until it succeeds, fails permanently, or the attempts run out.
// It returns the number of tries made and the last error.
func (b Backoff) do(ctx context.Context, fn func() error) (int, error) {
	var err error
	for n := 1; ; n++ {
		if err = fn(); err == nil {
			return n, nil
		}
		if !temporary(err) || n >= b.Attempts {
			return n, err
		}
		if werr := b.Wait(ctx, b.delay(n)); werr != nil {
			return n, err
		}
	}
}

// once runs fn one time, for a call whose client owns its retries (the SFCC
// client, a Notifier): its error is final for this run. It returns the
// number of tries made, 1, with fn's error, like do.
func once(fn func() error) (int, error) { return 1, fn() }
