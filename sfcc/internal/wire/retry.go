package wire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/hashicorp/go-retryablehttp"
)

// callState travels in a request's context through the retry layer.
type callState struct {
	idempotent bool
	retries    int
	status     int // last retryable status, 0 for a connection error
	header     http.Header
}

type callStateKey struct{}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// checkRetry decides whether retryablehttp tries again: only requests marked
// idempotent, only for 429, 5xx (except 501) and connection errors, and never
// once the context has ended.
func (t *Transport) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateOf(ctx)
	if st == nil || !st.idempotent {
		return false, nil
	}
	if err != nil {
		var apiErr *sfcc.Error
		if errors.As(err, &apiErr) && !apiErr.Temporary() {
			return false, nil // e.g. credentials Account Manager rejected
		}
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		st.status, st.header = 0, nil
		return retry, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests ||
		(resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented) {
		st.status, st.header = resp.StatusCode, resp.Header.Clone()
		return true, nil
	}
	return false, nil
}

// waitBeforeRetry sleeps the backoff for the next attempt of req.
func (t *Transport) waitBeforeRetry(req *http.Request) error {
	ctx := req.Context()
	st := stateOf(ctx)
	if st == nil {
		return nil
	}
	wait, throttled := t.Backoff(st.retries, st.status, st.header)
	st.retries++
	level := slog.LevelDebug
	if throttled || st.status == http.StatusTooManyRequests {
		level = slog.LevelWarn
	}
	t.log.Log(ctx, level, "sfcc: retrying request",
		slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("status", st.status), slog.Int("retry", st.retries),
		slog.Duration("wait", wait), slog.Bool("throttled", throttled))
	return t.cfg.Sleep(ctx, wait)
}

// Backoff is the wait before retry number n+1: Retry-After when SFCC sent
// one with a 429 or 503, else exponential from RetryWaitMin capped at
// RetryWaitMax, four times longer while SFCC says sfdc_load_status
// THROTTLE. It reports whether SFCC said THROTTLE.
func (t *Transport) Backoff(n, status int, h http.Header) (time.Duration, bool) {
	throttled := strings.EqualFold(h.Get("sfdc_load_status"), "THROTTLE")
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if d, ok := ParseRetryAfter(h.Get("Retry-After"), t.cfg.Now()); ok {
			return d, throttled
		}
	}
	if throttled {
		n += 2
	}
	d := t.cfg.RetryWaitMin
	for i := 0; i < n && d < t.cfg.RetryWaitMax; i++ {
		d *= 2
	}
	return min(d, t.cfg.RetryWaitMax), throttled
}

// MaxRetryAfter caps a Retry-After: a proxy's absurd value must not park a
// caller for days (its context still bounds every wait).
const MaxRetryAfter = time.Hour

// ParseRetryAfter reads delay-seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true
		}
		return time.Duration(s) * time.Second, true
	}
	if tm, err := http.ParseTime(v); err == nil {
		return min(max(tm.Sub(now), 0), MaxRetryAfter), true
	}
	return 0, false
}

// waitLimiter takes one request from the client-side rate limiter, waiting
// through cfg.Sleep on cfg.Now's clock so that tests observe the wait.
func (t *Transport) waitLimiter(ctx context.Context) error {
	if t.limiter == nil {
		return ctx.Err()
	}
	now := t.cfg.Now()
	res := t.limiter.ReserveN(now, 1)
	if !res.OK() {
		return errors.New("burst below one request")
	}
	d := res.DelayFrom(now)
	if d <= 0 {
		return ctx.Err()
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		res.CancelAt(now)
		return fmt.Errorf("waiting %v would pass the context deadline: %w", d, context.DeadlineExceeded)
	}
	if err := t.cfg.Sleep(ctx, d); err != nil {
		res.CancelAt(t.cfg.Now())
		return err
	}
	return nil
}
