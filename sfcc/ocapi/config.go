package ocapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// Defaults applied by NewClient when a Config field is left zero.
const (
	DefaultAPIVersion   = "25.6"
	DefaultTokenURL     = "https://account.demandware.com/dwsso/oauth2/access_token"
	DefaultMaxRetries   = 4
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultMaxConcurrency sizes the idle-connection pool of the default
	// HTTP client: the number of goroutines expected to call at once.
	DefaultMaxConcurrency = wire.DefaultMaxConcurrency
)

// Config configures a Client. Host, Site, ClientID and Secret are required;
// everything else has a default.
type Config struct {
	// Host is the instance base URL, e.g.
	// https://abcd-001.dx.commercecloud.salesforce.com. Without a scheme,
	// https is assumed. A path prefix is kept (useful behind a proxy).
	Host string
	// Site is the site id, e.g. RefArch.
	Site string
	// APIVersion is the OCAPI version, default "25.6" (wire form v25_6).
	APIVersion string
	// ClientID is the Account Manager API client id.
	ClientID string
	// Secret supplies the API client's secret.
	Secret sfcc.SecretSource
	// TokenURL is the Account Manager token endpoint; default DefaultTokenURL.
	TokenURL string
	// HTTPClient is used for every request; it is copied, never mutated.
	// Default: a client with a clone of http.DefaultTransport whose idle
	// pool keeps MaxConcurrency connections per host, and a 60 s timeout
	// (the time SFCC gives an API call).
	HTTPClient *http.Client
	// MaxConcurrency is how many requests the host runs at once (its
	// workers); it sizes the default HTTP client's idle-connection pool so
	// they reuse connections instead of opening new ones. Ignored with
	// HTTPClient. Default DefaultMaxConcurrency.
	MaxConcurrency int
	// Logger receives debug lines per request and warnings on retries; nil
	// discards. Tokens and secrets are never logged.
	Logger *slog.Logger
	// MeterProvider receives OpenTelemetry metrics of every HTTP attempt:
	// o2c.sfcc.requests (by method, route and status),
	// o2c.sfcc.request.duration and o2c.sfcc.load (the sfdc_load SFCC
	// reports). Nil records nothing; no global provider is used.
	MeterProvider metric.MeterProvider
	// TracerProvider receives one OpenTelemetry client span per API call
	// (a child of the span in the call's context), named "sfcc", the method
	// and the route template ("sfcc GET
	// /s/-/dw/data/v25_6/sites/{}/orders/{}"), with the method, route,
	// status code and retry count; token requests are child spans. No span
	// carries the token, the secret, a query or a body. Nil records
	// nothing; no global provider is used.
	TracerProvider trace.TracerProvider
	// RequestsPerSecond is a client-side rate limit over all calls of this
	// Client; 0 means unlimited.
	RequestsPerSecond int
	// Burst is the rate limiter's burst; default RequestsPerSecond (at least 1).
	Burst int
	// MaxRetries is how often an idempotent request is retried; 0 means
	// DefaultMaxRetries and a negative value disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// retries (defaults DefaultRetryWaitMin, DefaultRetryWaitMax). A
	// Retry-After header from SFCC overrides the backoff.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Sleep waits d before a retry or for the rate limiter, returning early
	// with ctx's error when ctx ends. Nil uses a timer. Tests inject one to
	// observe waits without sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used for token expiry, the rate limiter and
	// Retry-After dates; nil means time.Now.
	Now func() time.Time
}

// ErrInvalidConfig is matched (errors.Is) by every *ConfigError.
var ErrInvalidConfig = errors.New("sfcc: invalid config")

// ConfigError reports a Config field NewClient rejected.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "sfcc: invalid config: " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

var apiVersionRe = regexp.MustCompile(`^[0-9]{2}\.[0-9]{1,2}$`)

// setDefaults fills zero fields.
func (cfg *Config) setDefaults() {
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	if cfg.MaxConcurrency == 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	if cfg.Burst == 0 {
		cfg.Burst = max(cfg.RequestsPerSecond, 1)
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.Sleep == nil {
		cfg.Sleep = ctxwait.Sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Logger = logging.OrDiscard(cfg.Logger)
	cfg.HTTPClient = wire.OwnHTTPClient(cfg.HTTPClient, cfg.MaxConcurrency)
}

// Validate checks cfg as NewClient would (after defaults). The error is a
// *ConfigError naming the field.
func (cfg Config) Validate() error {
	c := cfg
	c.setDefaults()
	_, err := c.validate()
	return err
}

// validate checks a cfg whose defaults are set and returns the base URL
// of the instance.
func (cfg *Config) validate() (*url.URL, error) {
	bad := func(field, reason string) (*url.URL, error) { return nil, &ConfigError{Field: field, Reason: reason} }
	host := strings.TrimSpace(cfg.Host)
	if host == "" {
		return bad("Host", "required")
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	if reason, ok := wire.CheckURL(host); !ok {
		return bad("Host", reason)
	}
	base, err := url.Parse(host)
	if err != nil || base.Host == "" || (base.Scheme != "https" && base.Scheme != "http") {
		return bad("Host", "not an http(s) URL")
	}
	if base.RawQuery != "" || base.Fragment != "" || base.User != nil {
		return bad("Host", "must not carry a query, fragment or user info")
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = ""
	if cfg.Site == "" {
		return bad("Site", "required")
	}
	if strings.ContainsAny(cfg.Site, "/?#% ") {
		return bad("Site", "must be a plain site id")
	}
	if !apiVersionRe.MatchString(cfg.APIVersion) {
		return bad("APIVersion", "want a version such as 25.6")
	}
	if cfg.ClientID == "" {
		return bad("ClientID", "required")
	}
	if cfg.Secret == nil {
		return bad("Secret", "required")
	}
	if reason, ok := wire.CheckURL(cfg.TokenURL); !ok {
		return bad("TokenURL", reason)
	}
	switch {
	case cfg.MaxConcurrency < 0:
		return bad("MaxConcurrency", "must not be negative")
	case cfg.RequestsPerSecond < 0:
		return bad("RequestsPerSecond", "must not be negative")
	case cfg.Burst < 0:
		return bad("Burst", "must not be negative")
	case cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0:
		return bad("RetryWaitMin", "must not be negative")
	case cfg.RetryWaitMax < cfg.RetryWaitMin:
		return bad("RetryWaitMax", "must not be below RetryWaitMin")
	}
	return base, nil
}
