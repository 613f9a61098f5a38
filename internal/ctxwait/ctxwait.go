// Package ctxwait is the module's one way to wait a while unless a context
// ends first: retry back-off, polling, simulated latency. Every client's
// default Sleep is Sleep, so tests inject a fake in one shape.
package ctxwait

import (
	"context"
	"time"
)

// Sleep waits d or until ctx ends, whichever comes first, and returns
// ctx.Err() if ctx ended. A d of zero or less does not wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
