package wire

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/sfcc"
)

// DefaultMaxConcurrency is the number of requests a client expects to run
// at once when its caller does not say: the idle-connection pool per host
// is sized to it.
const DefaultMaxConcurrency = 16

// DefaultTimeout is the time SFCC gives an API call (it answers 504 after).
const DefaultTimeout = 60 * time.Second

// Config is what a Transport needs, already validated and defaulted by the
// client that builds it (ocapi.Config, scapi.Config).
type Config struct {
	// Base is the API host and path prefix requests are relative to.
	Base *url.URL
	// ClientID, Secret and TokenURL are the Account Manager API client.
	ClientID string
	Secret   sfcc.SecretSource
	TokenURL string
	// Scopes are sent with the token request ("scope", space separated);
	// none for OCAPI, the tenant and API scopes for SCAPI.
	Scopes []string
	// HTTPClient carries every request; the Transport wraps a copy.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// RequestsPerSecond (0 = unlimited) and Burst configure the limiter.
	RequestsPerSecond int
	Burst             int
	// MaxRetries, RetryWaitMin and RetryWaitMax configure retries.
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Sleep and Now are the injected clock.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// MeterProvider receives the request metrics (MetricRequests,
	// MetricRequestDuration, MetricLoad); nil records nothing.
	MeterProvider metric.MeterProvider
	// TracerProvider receives one client span per API call and per token
	// request (see Transport.Send); nil records nothing.
	TracerProvider trace.TracerProvider
	// InvalidToken reports whether a 401 answer means the bearer token
	// expired or is unknown (worth one fresh token and a second attempt).
	// It may read resp.Body but must leave it readable. Nil: every 401.
	InvalidToken func(resp *http.Response) bool
}

// NewHTTPClient is the HTTP client a Transport uses when its caller gives
// none: a clone of http.DefaultTransport whose idle pool keeps
// maxConcurrency connections per host. http.DefaultTransport keeps only 2,
// so N concurrent workers would open and close connections all day (and
// SFCC's TLS handshakes are not cheap).
func NewHTTPClient(maxConcurrency int) *http.Client {
	if maxConcurrency < 1 {
		maxConcurrency = DefaultMaxConcurrency
	}
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext}
	}
	tr.MaxIdleConnsPerHost = maxConcurrency
	tr.MaxIdleConns = max(tr.MaxIdleConns, 2*maxConcurrency)
	return &http.Client{Transport: tr, Timeout: DefaultTimeout}
}

// OwnHTTPClient returns the client a Transport may change: a copy of hc
// (with http.DefaultTransport when it has none), or NewHTTPClient when hc
// is nil, so the caller's client is never modified.
func OwnHTTPClient(hc *http.Client, maxConcurrency int) *http.Client {
	if hc == nil {
		return NewHTTPClient(maxConcurrency)
	}
	c := *hc
	if c.Transport == nil {
		c.Transport = http.DefaultTransport
	}
	return &c
}

// credentialParams are query parameter names that carry a credential.
var credentialParams = []string{"client_secret", "client_id", "secret", "password", "passwd", "pwd", "token",
	"access_token", "refresh_token", "id_token", "api_key", "apikey", "key", "code", "assertion", "signature", "sig",
	"authorization", "auth", "credentials"}

// CheckURL validates a configured URL: http or https with a host, no user
// info, and no query parameter that carries a credential. The reason never
// repeats the URL or any part of it, so a ConfigError built from it is safe
// to print.
func CheckURL(raw string) (reason string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "not a valid URL", false
	}
	if u.User != nil {
		return "must not carry user info (credentials go in ClientID and Secret)", false
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "not an http(s) URL", false
	}
	for k := range u.Query() {
		if isCredentialParam(k) {
			return "must not carry credentials in its query (parameter " + strconvQuote(k) + ")", false
		}
	}
	return "", true
}

func isCredentialParam(k string) bool {
	k = strings.ToLower(k)
	for _, c := range credentialParams {
		if k == c || strings.HasSuffix(k, "_"+c) || strings.HasSuffix(k, "-"+c) {
			return true
		}
	}
	return false
}

// strconvQuote quotes a parameter name, cut short so that a name cannot be
// used to smuggle a value into the error.
func strconvQuote(s string) string {
	if len(s) > 32 {
		s = s[:32] + "…"
	}
	return `"` + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return '?'
		}
		return r
	}, s) + `"`
}
