package ocapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Client calls SFCC's OCAPI Data and Shop APIs for one instance and site.
// It is safe for concurrent use; all goroutines share one access token and
// one rate limiter.
//
// Every request goes through, outermost first: the client-side rate limiter,
// retries of idempotent requests (429, 5xx, connection errors; Retry-After
// honoured; longer waits while SFCC reports sfdc_load_status THROTTLE), and
// authentication (a bearer token, re-fetched once when SFCC answers
// InvalidAccessTokenException).
type Client struct {
	cfg      Config
	base     *url.URL
	dataPath string // e.g. /s/-/dw/data/v25_6
	shopPath string // e.g. /s/RefArch/dw/shop/v25_6
	tokens   *tokenCache
	retry    *retryablehttp.Client
	limiter  *rate.Limiter
	log      *slog.Logger
}

// NewClient validates cfg and returns a Client. The error is a *ConfigError
// naming the bad field.
func NewClient(cfg Config) (*Client, error) {
	cfg, base, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	wire := "v" + strings.ReplaceAll(cfg.APIVersion, ".", "_")
	c := &Client{
		cfg:      cfg,
		base:     base,
		dataPath: "/s/-/dw/data/" + wire,
		shopPath: "/s/" + cfg.Site + "/dw/shop/" + wire,
		log:      cfg.Logger,
	}
	// The token endpoint is called with the caller's client as given: no
	// retries, no bearer token.
	c.tokens = &tokenCache{
		clientID: cfg.ClientID,
		secret:   cfg.Secret,
		tokenURL: cfg.TokenURL,
		hc:       cfg.HTTPClient,
		now:      cfg.Now,
		log:      cfg.Logger,
	}
	api := *cfg.HTTPClient
	api.Transport = &authTransport{base: cfg.HTTPClient.Transport, tokens: c.tokens}
	c.retry = &retryablehttp.Client{
		HTTPClient:   &api,
		Logger:       nil, // it would write to stderr; we log through slog
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   c.checkRetry,
		// The wait happens in PrepareRetry, through cfg.Sleep, so that it
		// can be observed in tests; retryablehttp's own timer gets zero.
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry: c.waitBeforeRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if cfg.RequestsPerSecond > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), cfg.Burst)
	}
	return c, nil
}

// Site is the site id the client was configured with.
func (c *Client) Site() string { return c.cfg.Site }

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
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
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
func (c *Client) waitBeforeRetry(req *http.Request) error {
	ctx := req.Context()
	st := stateOf(ctx)
	if st == nil {
		return nil
	}
	wait, throttled := c.backoff(st.retries, st.status, st.header)
	st.retries++
	level := slog.LevelDebug
	if throttled || st.status == http.StatusTooManyRequests {
		level = slog.LevelWarn
	}
	c.log.Log(ctx, level, "sfcc: retrying request",
		slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("status", st.status), slog.Int("retry", st.retries),
		slog.Duration("wait", wait), slog.Bool("throttled", throttled))
	return c.cfg.Sleep(ctx, wait)
}

// backoff is the wait before retry number n+1: Retry-After when SFCC sent
// one with a 429 or 503, else exponential from RetryWaitMin capped at
// RetryWaitMax, four times longer while SFCC says THROTTLE.
func (c *Client) backoff(n, status int, h http.Header) (time.Duration, bool) {
	throttled := strings.EqualFold(h.Get("sfdc_load_status"), "THROTTLE")
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if d, ok := parseRetryAfter(h.Get("Retry-After"), c.cfg.Now()); ok {
			return d, throttled
		}
	}
	if throttled {
		n += 2
	}
	d := c.cfg.RetryWaitMin
	for i := 0; i < n && d < c.cfg.RetryWaitMax; i++ {
		d *= 2
	}
	return min(d, c.cfg.RetryWaitMax), throttled
}

// maxRetryAfter caps a Retry-After: a proxy's absurd value must not park a
// caller for days (its context still bounds every wait).
const maxRetryAfter = time.Hour

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

// waitLimiter takes one request from the client-side rate limiter, waiting
// through cfg.Sleep on cfg.Now's clock so that tests observe the wait.
func (c *Client) waitLimiter(ctx context.Context) error {
	if c.limiter == nil {
		return ctx.Err()
	}
	now := c.cfg.Now()
	res := c.limiter.ReserveN(now, 1)
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
	if err := c.cfg.Sleep(ctx, d); err != nil {
		res.CancelAt(c.cfg.Now())
		return err
	}
	return nil
}

// request describes one API call.
type request struct {
	method     string
	path       string // escaped path below the host, e.g. c.dataPath + "/..."
	query      url.Values
	body       []byte
	header     http.Header
	idempotent bool
}

// send runs req through the stack and returns a 2xx response whose body
// the caller must close, or an error (an *Error for non-2xx).
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	if err := c.waitLimiter(ctx); err != nil {
		return nil, fmt.Errorf("sfcc: %s %s: rate limit wait: %w", r.method, unescape(r.path), err)
	}
	u := c.base.String() + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	st := &callState{idempotent: r.idempotent}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	var body any
	if r.body != nil {
		body = r.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("sfcc: %s %s: %w", r.method, unescape(r.path), err)
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if r.body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	start := time.Now()
	resp, err := c.retry.Do(req)
	if err != nil {
		if resp != nil {
			drain(resp.Body)
		}
		return nil, c.wrapErr(r, err)
	}
	c.log.DebugContext(ctx, "sfcc: request",
		slog.String("method", r.method), slog.String("path", req.URL.Path),
		slog.Int("status", resp.StatusCode), slog.Int("retries", st.retries),
		slog.Duration("elapsed", time.Since(start)))
	if ls := resp.Header.Get("sfdc_load_status"); ls != "" {
		// WARN (80 % load) is worth knowing; THROTTLE (90 %) means SFCC
		// is about to shed requests.
		level := slog.LevelInfo
		if strings.EqualFold(ls, "THROTTLE") {
			level = slog.LevelWarn
		}
		c.log.Log(ctx, level, "sfcc: instance under load",
			slog.String("sfdc_load_status", ls), slog.String("sfdc_load", resp.Header.Get("sfdc_load")))
	}
	if err := CheckResponse(resp); err != nil {
		drain(resp.Body)
		return nil, c.scrubErr(err)
	}
	return resp, nil
}

// maxResponseBody caps a successful answer; a page of 200 fully expanded
// orders is a few MiB.
const maxResponseBody = 64 << 20

// call sends r and decodes a JSON answer into out (when out is non-nil).
func (c *Client) call(ctx context.Context, r request, out any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer drain(resp.Body)
	if out == nil {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return fmt.Errorf("sfcc: %s %s: read response: %w", r.method, unescape(r.path), err)
	}
	if len(data) > maxResponseBody {
		return fmt.Errorf("sfcc: %s %s: response larger than %d bytes", r.method, unescape(r.path), maxResponseBody)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("sfcc: %s %s: decode response: %w", r.method, unescape(r.path), err)
	}
	return nil
}

// wrapErr names the call in a transport error and unwraps an *Error that
// came from the token endpoint.
func (c *Client) wrapErr(r request, err error) error {
	var apiErr *sfcc.Error
	if errors.As(err, &apiErr) {
		return c.scrubErr(apiErr)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("sfcc: %s %s: %w", r.method, unescape(r.path), err)
	}
	msg := c.tokens.scrub(err.Error())
	if msg != err.Error() {
		return fmt.Errorf("sfcc: %s %s: %s", r.method, unescape(r.path), msg)
	}
	return fmt.Errorf("sfcc: %s %s: %w", r.method, unescape(r.path), err)
}

// scrubErr removes the live token and known secrets from an *Error.
func (c *Client) scrubErr(err error) error {
	var e *sfcc.Error
	if !errors.As(err, &e) {
		return err
	}
	e.Message = c.tokens.scrub(e.Message)
	for k, v := range e.Arguments {
		e.Arguments[k] = c.tokens.scrub(v)
	}
	return e
}

func unescape(p string) string {
	if s, err := url.PathUnescape(p); err == nil {
		return s
	}
	return p
}

// seg escapes one path segment (an order number, SKU or list id).
func seg(s string) string { return url.PathEscape(s) }

func jsonBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// *Client is what the flows need from SFCC.
var (
	_ sfcc.OrderReader          = (*Client)(nil)
	_ sfcc.OrderSearcher        = (*Client)(nil)
	_ sfcc.OrderStatusWriter    = (*Client)(nil)
	_ sfcc.OrderAttributeWriter = (*Client)(nil)
	_ sfcc.InventoryUpdater     = (*Client)(nil)
)
