package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/internal/tracing"
	"github.com/o2ckit/o2c/sfcc"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/sync/singleflight"
)

// tokenFetchTimeout bounds one token request when neither the caller's
// context nor its HTTP client sets a limit.
const tokenFetchTimeout = 60 * time.Second

// tokenCache holds the one Account Manager token shared by every goroutine of
// a client. It fetches when there is no token or the token is about to
// expire, and at most one fetch runs at a time; concurrent callers wait for
// it (or for their own context).
type tokenCache struct {
	clientID string
	secret   sfcc.SecretSource
	tokenURL string
	scopes   []string
	hc       *http.Client
	now      func() time.Time
	log      *slog.Logger
	scrub    *scrubber
	tracer   trace.Tracer

	group singleflight.Group

	mu      sync.Mutex
	token   string
	renewAt time.Time // zero: no known expiry
}

func (tc *tokenCache) cached() (string, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.token == "" {
		return "", false
	}
	if !tc.renewAt.IsZero() && !tc.now().Before(tc.renewAt) {
		return "", false
	}
	return tc.token, true
}

// errLeaderGone marks a fetch abandoned because the caller that started it
// went away; callers still waiting for the token start another.
var errLeaderGone = errors.New("sfcc: token fetch abandoned by its caller")

// get returns a valid token, fetching one if needed. A fetch runs on the
// context of the caller that started it, so no fetch outlives every caller.
func (tc *tokenCache) get(ctx context.Context) (string, error) {
	for {
		if t, ok := tc.cached(); ok {
			return t, nil
		}
		ch := tc.group.DoChan("token", func() (any, error) {
			// A caller that found the cache empty may arrive just after
			// another fetch finished: use that token instead of fetching again.
			if t, ok := tc.cached(); ok {
				return t, nil
			}
			t, err := tc.fetch(ctx)
			if err != nil && ctx.Err() != nil {
				return "", fmt.Errorf("%w: %w", errLeaderGone, ctx.Err())
			}
			return t, err
		})
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r := <-ch:
			if r.Err == nil {
				return r.Val.(string), nil
			}
			if errors.Is(r.Err, errLeaderGone) && ctx.Err() == nil {
				continue
			}
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			return "", r.Err
		}
	}
}

// invalidate drops the cached token if it is still bad, so that of many
// goroutines rejected with the same token only the first causes a fetch.
func (tc *tokenCache) invalidate(bad string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.token == bad {
		tc.token = ""
		tc.renewAt = time.Time{}
	}
}

// fetch gets a new token from Account Manager as a client span named like
// the API calls' ("sfcc POST /dwsso/oauth2/access_token") with, on failure,
// the status and the scrubbed error (never the token, the secret or the
// Basic credential).
func (tc *tokenCache) fetch(ctx context.Context) (tok string, err error) {
	path := ""
	if u, perr := url.Parse(tc.tokenURL); perr == nil {
		path = u.Path
	}
	ctx, span := tc.tracer.Start(ctx, "sfcc POST "+Route(path), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("http.request.method", http.MethodPost), attribute.String("url.template", Route(path))))
	defer func() {
		var apiErr *sfcc.Error
		if errors.As(err, &apiErr) {
			span.SetAttributes(attribute.Int("http.response.status_code", apiErr.StatusCode))
		}
		tracing.Fail(span, err)
		span.End()
	}()
	return tc.fetchToken(ctx)
}

func (tc *tokenCache) fetchToken(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, tokenFetchTimeout)
	defer cancel()
	secret, err := tc.secret.Secret(ctx)
	if err != nil {
		return "", fmt.Errorf("sfcc: token: %w", err)
	}
	tc.scrub.addSecret(tc.clientID, secret)
	cc := clientcredentials.Config{
		ClientID:     tc.clientID,
		ClientSecret: secret,
		TokenURL:     tc.tokenURL,
		Scopes:       tc.scopes,
		// Account Manager wants id and secret form-encoded inside Basic
		// auth; a raw '+' or '%' in a secret fails otherwise.
		AuthStyle: oauth2.AuthStyleInHeader,
	}
	start := tc.now()
	tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, tc.hc))
	if err != nil {
		return "", tc.tokenError(err)
	}
	var renewAt time.Time
	if !tok.Expiry.IsZero() {
		// oauth2 turns expires_in into an Expiry on the real clock; take
		// the lifetime back out and apply it to the injected clock.
		life := time.Until(tok.Expiry).Round(time.Second)
		// Renew a minute early (a tenth of the lifetime for short-lived
		// tokens) so no request starts with a token about to lapse.
		renewAt = start.Add(life - min(time.Minute, life/10))
	}
	tc.mu.Lock()
	old := tc.token
	tc.token, tc.renewAt = tok.AccessToken, renewAt
	tc.mu.Unlock()
	if old != "" && old != tok.AccessToken {
		// Keep scrubbing the old token too: a late answer may echo it.
		tc.scrub.add(old)
	}
	tc.scrub.add(tok.AccessToken)
	tc.log.Debug("sfcc: access token fetched", slog.Time("renew_at", renewAt))
	return tok.AccessToken, nil
}

// tokenError turns an oauth2 failure into an *Error without the response
// body (which oauth2 would print verbatim), scrubbed by value: Account
// Manager or a proxy may echo the Basic credential without the word
// "Basic", or the secret itself.
func (tc *tokenCache) tokenError(err error) error {
	path := ""
	if u, perr := url.Parse(tc.tokenURL); perr == nil {
		path = u.Path
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e := &sfcc.Error{Method: http.MethodPost, Path: path, FaultType: tc.scrub.scrub(re.ErrorCode),
			Message: tc.scrub.scrub(re.ErrorDescription)}
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
		}
		if e.StatusCode == 0 {
			e.StatusCode = http.StatusUnauthorized
		}
		if e.Message == "" {
			e.Message = "token request failed"
		}
		return e
	}
	// A transport error prints the token URL (with any query); scrubbing
	// redacts URLs as well as values. Unchanged text keeps the error chain.
	if msg := tc.scrub.scrub(err.Error()); msg != err.Error() {
		return fmt.Errorf("sfcc: token: %s", msg)
	}
	return fmt.Errorf("sfcc: token: %w", err)
}

// authTransport adds the bearer token to every request and, when the API
// rejects the token as invalid, fetches one new token and retries once.
type authTransport struct {
	base         http.RoundTripper
	tokens       *tokenCache
	invalidToken func(*http.Response) bool
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.tokens.get(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	canReplay := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	resp, err := t.send(req, req.Body, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !canReplay {
		return resp, err
	}
	if t.invalidToken != nil && !t.invalidToken(resp) {
		return resp, nil
	}
	Drain(resp.Body)
	t.tokens.invalidate(tok)
	tok, err = t.tokens.get(req.Context())
	if err != nil {
		return nil, err
	}
	var body io.ReadCloser
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	return t.send(req, body, tok)
}

func (t *authTransport) send(req *http.Request, body io.ReadCloser, tok string) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Body = body
	r.Header.Set("Authorization", "Bearer "+tok)
	return t.base.RoundTrip(r)
}

// PeekBody reads up to MaxErrorBody bytes of resp's body and puts them back,
// so the body stays readable in full.
func PeekBody(resp *http.Response) []byte {
	if resp.Body == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
	return body
}

// Drain reads what is left of a body (capped) and closes it, so the
// connection goes back to the pool.
func Drain(rc io.ReadCloser) {
	if rc == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, MaxErrorBody))
	_ = rc.Close()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
