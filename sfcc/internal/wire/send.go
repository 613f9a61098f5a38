package wire

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

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/internal/tracing"
	"github.com/o2ckit/o2c/sfcc"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Transport sends API requests through, outermost first: the client-side
// rate limiter, retries of idempotent requests, and authentication. It is
// safe for concurrent use.
type Transport struct {
	cfg     Config
	tokens  *tokenCache
	scrub   *scrubber
	retry   *retryablehttp.Client
	limiter *rate.Limiter
	log     *slog.Logger
	tracer  trace.Tracer
}

// New builds a Transport from a validated, defaulted cfg.
func New(cfg Config) *Transport {
	sc := &scrubber{}
	t := &Transport{cfg: cfg, scrub: sc, log: cfg.Logger, tracer: tracing.Tracer(cfg.TracerProvider, meterName)}
	// Every attempt, token requests included, is measured innermost. The
	// client comes from OwnHTTPClient: a copy with a Transport.
	measuredClient := *cfg.HTTPClient
	measuredClient.Transport = &measured{base: cfg.HTTPClient.Transport, in: newInstruments(cfg.MeterProvider), now: cfg.Now}
	cfg.HTTPClient = &measuredClient
	t.cfg = cfg
	// The token endpoint is called with the caller's client as given: no
	// retries, no bearer token.
	t.tokens = &tokenCache{
		clientID: cfg.ClientID,
		secret:   cfg.Secret,
		tokenURL: cfg.TokenURL,
		scopes:   cfg.Scopes,
		hc:       cfg.HTTPClient,
		now:      cfg.Now,
		log:      cfg.Logger,
		scrub:    sc,
		tracer:   t.tracer,
	}
	api := *cfg.HTTPClient
	api.Transport = &authTransport{base: cfg.HTTPClient.Transport, tokens: t.tokens, invalidToken: cfg.InvalidToken}
	t.retry = &retryablehttp.Client{
		HTTPClient:   &api,
		Logger:       nil, // it would write to stderr; we log through slog
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   t.checkRetry,
		// The wait happens in PrepareRetry, through cfg.Sleep, so that it
		// can be observed in tests; retryablehttp's own timer gets zero.
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry: t.waitBeforeRetry,
		// On give-up, hand back the last response so CheckResponse can
		// read its fault instead of retryablehttp's generic error.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if cfg.RequestsPerSecond > 0 {
		t.limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), cfg.Burst)
	}
	return t
}

// Base is the base URL requests are relative to (a copy).
func (t *Transport) Base() *url.URL {
	u := *t.cfg.Base
	return &u
}

// APIClient is the *http.Client API calls go through (the caller's copy
// with the auth layer as its transport), below the retry layer.
func (t *Transport) APIClient() *http.Client { return t.retry.HTTPClient }

// Request describes one API call.
type Request struct {
	Method string
	// Path is the escaped path below the base URL, e.g. "/s/-/dw/data/v25_6/...".
	Path  string
	Query url.Values
	Body  []byte
	// Header is added to the request; Content-Type defaults to
	// application/json when there is a body, Accept to application/json.
	Header http.Header
	// Idempotent marks a request safe to retry. Only these are retried.
	Idempotent bool
}

// ErrDotSegment is matched by the error for a path with a "." or ".."
// segment; it also matches sfcc.ErrInvalidArgument.
var ErrDotSegment = fmt.Errorf("%w: a path segment is %q or %q (after percent-decoding)", sfcc.ErrInvalidArgument, ".", "..")

// IsDotSegment reports whether s, percent-decoded as often as a chain of
// proxies might, is "." or "..": as a path segment it would make a
// normalising proxy send the request elsewhere (.../orders/../export_status).
func IsDotSegment(s string) bool {
	for range 4 {
		if s == "." || s == ".." {
			return true
		}
		u, err := url.PathUnescape(s)
		if err != nil || u == s {
			return false
		}
		s = u
	}
	return s == "." || s == ".."
}

// checkPath refuses a path with a dot segment: a last line of defence
// behind the clients' own argument checks.
func checkPath(p string) error {
	for _, s := range strings.Split(p, "/") {
		if IsDotSegment(s) {
			return ErrDotSegment
		}
	}
	return nil
}

// Send runs r through the stack and returns a 2xx response whose body the
// caller must close, or an error (an *sfcc.Error for non-2xx).
//
// Each call is one client span, a child of any span in ctx, named "sfcc"
// plus the method and route template ("sfcc GET
// /s/-/dw/data/v25_6/sites/{}/orders/{}", the route the metrics use), with
// the attributes http.request.method, url.template, server.address,
// http.response.status_code (the last answer), http.request.resend_count
// (retries) and, on failure, error.type and an exception event with the
// scrubbed error. A token request made for the call is a child span. No
// span carries a query, a body, a header, the token or the secret.
func (t *Transport) Send(ctx context.Context, r Request) (resp *http.Response, err error) {
	route := Route(t.cfg.Base.Path + r.Path)
	ctx, span := t.tracer.Start(ctx, "sfcc "+r.Method+" "+route, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.template", route),
			attribute.String("server.address", t.cfg.Base.Hostname())))
	st := &callState{idempotent: r.Idempotent}
	defer func() { endSpan(span, st, resp, err) }()
	return t.send(ctx, r, st)
}

// endSpan records a call's outcome on its span and ends it.
func endSpan(span trace.Span, st *callState, resp *http.Response, err error) {
	defer span.End()
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(attribute.Int("http.request.resend_count", st.retries))
	status := 0
	var apiErr *sfcc.Error
	switch {
	case resp != nil:
		status = resp.StatusCode
	case errors.As(err, &apiErr):
		status = apiErr.StatusCode
	}
	if status != 0 {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
	}
	if err != nil {
		errType := "_OTHER"
		switch {
		case status != 0:
			errType = strconv.Itoa(status)
		case errors.Is(err, context.Canceled):
			errType = "canceled"
		case errors.Is(err, context.DeadlineExceeded):
			errType = "timeout"
		}
		span.SetAttributes(attribute.String("error.type", errType))
		tracing.Fail(span, err)
	}
}

func (t *Transport) send(ctx context.Context, r Request, st *callState) (*http.Response, error) {
	if err := checkPath(r.Path); err != nil {
		return nil, fmt.Errorf("sfcc: %s: %w", r.Method, err)
	}
	if err := t.waitLimiter(ctx); err != nil {
		return nil, fmt.Errorf("sfcc: %s %s: rate limit wait: %w", r.Method, Unescape(r.Path), err)
	}
	u := t.cfg.Base.String() + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	var body any
	if r.Body != nil {
		body = r.Body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return nil, fmt.Errorf("sfcc: %s %s: %s", r.Method, Unescape(r.Path), t.Scrub(err.Error()))
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if r.Body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	start := time.Now()
	resp, err := t.retry.Do(req)
	if err != nil {
		if resp != nil {
			Drain(resp.Body)
		}
		return nil, t.wrapErr(r, err)
	}
	t.log.DebugContext(ctx, "sfcc: request",
		slog.String("method", r.Method), slog.String("path", req.URL.Path),
		slog.Int("status", resp.StatusCode), slog.Int("retries", st.retries),
		slog.Duration("elapsed", time.Since(start)))
	if ls := resp.Header.Get("sfdc_load_status"); ls != "" {
		// WARN (80 % load) is worth knowing; THROTTLE (90 %) means SFCC
		// is about to shed requests.
		level := slog.LevelInfo
		if strings.EqualFold(ls, "THROTTLE") {
			level = slog.LevelWarn
		}
		t.log.Log(ctx, level, "sfcc: instance under load",
			slog.String("sfdc_load_status", ls), slog.String("sfdc_load", resp.Header.Get("sfdc_load")))
	}
	if err := CheckResponse(resp); err != nil {
		Drain(resp.Body)
		return nil, t.ScrubErr(err)
	}
	return resp, nil
}

// MaxResponseBody caps a successful answer; a page of 200 fully expanded
// orders is a few MiB.
const MaxResponseBody = 64 << 20

// Call sends r and decodes a JSON answer into out (when out is non-nil).
func (t *Transport) Call(ctx context.Context, r Request, out any) error {
	resp, err := t.Send(ctx, r)
	if err != nil {
		return err
	}
	defer Drain(resp.Body)
	if out == nil {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBody+1))
	if err != nil {
		return fmt.Errorf("sfcc: %s %s: read response: %w", r.Method, Unescape(r.Path), err)
	}
	if len(data) > MaxResponseBody {
		return fmt.Errorf("sfcc: %s %s: response larger than %d bytes", r.Method, Unescape(r.Path), MaxResponseBody)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("sfcc: %s %s: decode response: %w", r.Method, Unescape(r.Path), err)
	}
	return nil
}

// wrapErr names the call in a transport error and unwraps an *sfcc.Error
// that came from the token endpoint.
func (t *Transport) wrapErr(r Request, err error) error {
	var apiErr *sfcc.Error
	if errors.As(err, &apiErr) {
		return t.ScrubErr(apiErr)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("sfcc: %s %s: %w", r.Method, Unescape(r.Path), err)
	}
	msg := t.Scrub(err.Error())
	if msg != err.Error() {
		return fmt.Errorf("sfcc: %s %s: %s", r.Method, Unescape(r.Path), msg)
	}
	return fmt.Errorf("sfcc: %s %s: %w", r.Method, Unescape(r.Path), err)
}

// ScrubErr removes the live token and known secrets from an *sfcc.Error in
// place; other errors are returned as they are.
func (t *Transport) ScrubErr(err error) error {
	var e *sfcc.Error
	if !errors.As(err, &e) {
		return err
	}
	e.FaultType = t.Scrub(e.FaultType)
	e.Message = t.Scrub(e.Message)
	for k, v := range e.Arguments {
		e.Arguments[k] = t.Scrub(v)
	}
	return e
}

// Scrub removes from s every secret value the transport knows (the client
// secret in each encoding the token exchange uses, live and past tokens),
// anything token-like, and credentials in URLs.
func (t *Transport) Scrub(s string) string { return t.scrub.scrub(s) }

// Unescape turns an escaped path back into text for an error message.
func Unescape(p string) string {
	if s, err := url.PathUnescape(p); err == nil {
		return s
	}
	return p
}

// JSONBody marshals v without HTML escaping and without a trailing newline.
func JSONBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
